import type { IDataObject } from 'n8n-workflow';
import { recordsOf } from './paging';
import type { HuskyContext } from './transport';
import { huskyVoiceApiRequest } from './transport';

/** The service records of a `GET /services` answer: a `data` array, a bare array or a `services` array. */
export function serviceRecordsOf(body: unknown): IDataObject[] {
	const list = recordsOf(body).length > 0 ? recordsOf(body) : recordsOf((body as IDataObject | null)?.services);
	return list.filter((s) => s && typeof s === 'object');
}

/** A service with `service_id` (from `service_id` or `id`) and `name` (else `service_name`, else the id). */
export function normaliseService(s: IDataObject): IDataObject {
	return { ...s, service_id: s.service_id ?? s.id, name: s.name ?? s.service_name ?? s.service_id ?? s.id };
}

/**
 * `GET /services`. The answer's shape is not documented: a `data` array or a bare array, each
 * service with `service_id` or `id`, and `name`. Every service comes back with `service_id` set.
 */
export async function listServices(this: HuskyContext, itemIndex?: number): Promise<IDataObject[]> {
	const body = await huskyVoiceApiRequest.call(this, { method: 'GET', path: '/services', itemIndex });
	return serviceRecordsOf(body).map(normaliseService);
}
