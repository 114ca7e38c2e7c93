import {
	isSelectedEvent,
	normaliseEvent,
	parseEventBody,
	subscribedEvents,
} from '../../nodes/HuskyVoiceTrigger/normalise';
import { ALL_EVENTS } from '../../nodes/shared/constants';
import fixture from './fixtures/signed-deliveries.json';

describe('normaliseEvent', () => {
	it('keeps the call envelope’s fields as they are', () => {
		const body = parseEventBody(Buffer.from(fixture.callCompleted.body))!;
		expect(normaliseEvent(body)).toEqual({
			event_id: 'evt_01HZX3K9Q2',
			event_type: 'call.completed',
			created_at: '2030-06-03T10:15:00Z',
			org_id: 'org_42',
			data: expect.objectContaining({ call_id: 'call_9f8e7d', call_analytics: { summary: 'Wants a demo', next_step: 'Book demo' } }),
		});
	});

	it('maps the appointment envelope: event → event_type, timestamp → created_at, appointment → data', () => {
		const body = parseEventBody(Buffer.from(fixture.appointmentCreated.body))!;
		expect(normaliseEvent(body)).toEqual({
			event_id: 'evt_appt_77',
			event_type: 'appointment.created',
			created_at: '2030-06-03T11:00:00Z',
			data: {
				appointment_id: 'apt_123',
				patient_name: 'Asha Rao',
				status: 'confirmed',
				doctor_name: 'Dr. Mehta',
				booked_via: 'ai_call',
			},
		});
	});

	it('gives data {} and null ids/times rather than undefined when HuskyVoice leaves them out', () => {
		expect(normaliseEvent({ event: 'slot.created' })).toEqual({
			event_id: null,
			event_type: 'slot.created',
			created_at: null,
			data: {},
		});
	});
});

describe('parseEventBody', () => {
	it.each(['not json', '[]', 'null', '42', '{"data":{}}', '{"event_type":""}'])('refuses %s', (body) => {
		expect(parseEventBody(Buffer.from(body))).toBeUndefined();
	});
});

describe('event selection', () => {
	it('All Events (*) selects every event, including ones not yet documented', () => {
		expect(isSelectedEvent(['*'], 'call.transferred')).toBe(true);
	});

	it('a list selects only its events', () => {
		expect(isSelectedEvent(['call.failed'], 'call.failed')).toBe(true);
		expect(isSelectedEvent(['call.failed'], 'call.completed')).toBe(false);
		expect(isSelectedEvent([], 'call.completed')).toBe(false);
	});

	it('registration asks for the documented events when All Events is chosen, sorted and unique', () => {
		expect(subscribedEvents(['*', 'call.failed'])).toEqual([...ALL_EVENTS].sort());
		expect(subscribedEvents(['slot.updated', 'call.failed', 'call.failed'])).toEqual(['call.failed', 'slot.updated']);
	});
});
