import type { IDataObject } from 'n8n-workflow';

/** The slots of a `GET /appointment-slots/availability` answer: `{success, date, slots}` as documented, or `{data: {slots}}` / `{data: [...]}`. */
export function availabilityEnvelope(response: unknown): { envelope: IDataObject; slots: IDataObject[] } {
	const body = (response && typeof response === 'object' ? response : {}) as IDataObject;
	const envelope = (body.data && typeof body.data === 'object' && !Array.isArray(body.data) ? body.data : body) as IDataObject;
	const slots = (Array.isArray(envelope.slots) ? envelope.slots : Array.isArray(body.data) ? body.data : []) as IDataObject[];
	return { envelope, slots };
}
