import type { IDataObject } from 'n8n-workflow';
import type { HuskyContext } from './transport';
import { huskyVoiceApiRequest } from './transport';

export interface DayAvailability {
	/** The answer without its list envelope: `{ success, date, slots }` as documented. */
	envelope: IDataObject;
	slots: IDataObject[];
}

/** The slot list of an availability answer: `{ success, date, slots }` as documented; the `{ data: { slots } }` and `{ data: [...] }` envelopes are tolerated. */
export function readAvailability(body: unknown): DayAvailability {
	const b = (body && typeof body === 'object' ? body : {}) as IDataObject;
	const envelope = (b.data && typeof b.data === 'object' && !Array.isArray(b.data) ? b.data : b) as IDataObject;
	const slots = (Array.isArray(envelope.slots) ? envelope.slots : Array.isArray(b.data) ? b.data : []) as IDataObject[];
	return { envelope, slots };
}

/** `GET /appointment-slots/availability` for one day, through the shared transport (auth, retries, pacing). */
export async function dayAvailability(this: HuskyContext, qs: IDataObject, itemIndex?: number): Promise<DayAvailability> {
	const body = await huskyVoiceApiRequest.call(this, { method: 'GET', path: '/appointment-slots/availability', qs, itemIndex });
	return readAvailability(body);
}

/** Whether HuskyVoice's AI agent may still book a place in the slot (`available_slots` = `ai_slots` − `filled_slots`). */
export function hasCapacity(slot: IDataObject): boolean {
	return Number(slot.available_slots) > 0;
}
