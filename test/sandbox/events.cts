import { ORG_ID } from './state.cjs';

export const CALL_EVENTS = ['call.initiated', 'call.answered', 'call.completed', 'call.failed', 'call.disallowed'];
export const APPOINTMENT_EVENTS = [
	'appointment.created',
	'appointment.updated',
	'appointment.cancelled',
	'appointment.completed',
];
export const SLOT_EVENTS = ['slot.created', 'slot.updated'];
export const ALL_EVENTS = [...CALL_EVENTS, ...APPOINTMENT_EVENTS, ...SLOT_EVENTS];

export type EnvelopeBuilder = (eventId: string, at: string) => object;

/** Call events: `{ event_id, event_type, created_at, org_id, data }`. */
export function callEnvelope(eventType: string, data: object): EnvelopeBuilder {
	return (event_id, created_at) => ({ event_id, event_type: eventType, created_at, org_id: ORG_ID, data });
}

/** Appointment and slot events: `{ event_id, event, timestamp, appointment | slot }`. */
export function resourceEnvelope(eventType: string, resource: 'appointment' | 'slot', payload: object): EnvelopeBuilder {
	return (event_id, timestamp) => ({ event_id, event: eventType, timestamp, [resource]: payload });
}
