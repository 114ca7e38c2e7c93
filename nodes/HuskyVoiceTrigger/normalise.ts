import type { IDataObject } from 'n8n-workflow';
import { ALL_EVENTS } from '../shared/constants';
import { isObject } from '../shared/validation';

export const ALL_EVENTS_OPTION = '*';

/**
 * One event in the shape the workflow sees, whichever envelope HuskyVoice used:
 * call events `{ event_id, event_type, created_at, org_id, data }`, appointment and slot events
 * `{ event_id, event, timestamp, appointment | slot }`.
 */
export interface HuskyVoiceEvent extends IDataObject {
	event_id: string | null;
	event_type: string;
	created_at: string | null;
	org_id?: string;
	data: IDataObject;
}

function stringOrNull(value: unknown): string | null {
	if (typeof value === 'string' && value !== '') return value;
	if (typeof value === 'number') return String(value);
	return null;
}

/** Parses the exact bytes that were verified; anything but one JSON object with an event name is refused. */
export function parseEventBody(rawBody: Buffer): IDataObject | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(rawBody.toString('utf8'));
	} catch {
		return undefined;
	}
	if (!isObject(parsed)) return undefined;
	return eventTypeOf(parsed) ? parsed : undefined;
}

export function eventTypeOf(body: IDataObject): string | undefined {
	const type = body.event_type ?? body.event;
	return typeof type === 'string' && type !== '' ? type : undefined;
}

export function normaliseEvent(body: IDataObject): HuskyVoiceEvent {
	const payload = body.data ?? body.appointment ?? body.slot;
	const event: HuskyVoiceEvent = {
		event_id: stringOrNull(body.event_id),
		event_type: eventTypeOf(body) ?? '',
		created_at: stringOrNull(body.created_at ?? body.timestamp),
		data: isObject(payload) ? payload : {},
	};
	const orgId = stringOrNull(body.org_id);
	if (orgId !== null) event.org_id = orgId;
	return event;
}

/** `*` stands for every event, including ones HuskyVoice adds after this node was written. */
export function isSelectedEvent(selected: string[], eventType: string): boolean {
	return selected.includes(ALL_EVENTS_OPTION) || selected.includes(eventType);
}

/** The events to register for: `*` expands to the documented list. */
export function subscribedEvents(selected: string[]): string[] {
	const events = selected.includes(ALL_EVENTS_OPTION) ? [...ALL_EVENTS] : selected;
	return [...new Set(events)].sort();
}
