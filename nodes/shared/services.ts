import type { IDataObject } from 'n8n-workflow';
import { recordsOf } from './paging';
import type { HuskyContext } from './transport';
import { huskyVoiceApiRequest } from './transport';

/**
 * `GET /services`. The answer's shape is not documented: a `data` array or a bare array, each
 * service with `service_id` or `id`, and `name`. Every service comes back with `service_id` set.
 */
export async function listServices(this: HuskyContext, itemIndex?: number): Promise<IDataObject[]> {
	const body = await huskyVoiceApiRequest.call(this, { method: 'GET', path: '/services', itemIndex });
	const list = recordsOf(body).length > 0 ? recordsOf(body) : recordsOf((body as IDataObject | null)?.services);
	return list
		.filter((s) => s && typeof s === 'object')
		.map((s) => ({ ...s, service_id: s.service_id ?? s.id, name: s.name ?? s.service_name ?? s.service_id ?? s.id }));
}
