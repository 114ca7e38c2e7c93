import { SEED_DATES } from './sandbox.cjs';
import { useSandboxWithReceiver, waitFor } from './test-client.cjs';

const env = useSandboxWithReceiver();

const { open, second, noAvailability } = SEED_DATES;

describe('PATCH /appointments/{id}', () => {
	test('changing notes and doctor answers success with the whole appointment', async () => {
		const res = await env.api('PATCH', '/appointments/apt_1001', { notes: 'bring reports', assigned_doctor: 'Dr. Rao' });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			success: true,
			data: { appointment: expect.objectContaining({ appointment_id: 'apt_1001', notes: 'bring reports', assigned_doctor: 'Dr. Rao' }) },
		});
		const keys = Object.keys(res.body.data.appointment);
		for (const field of ['appointment_type', 'branch_id', 'date', 'session', 'batch', 'token', 'patient_name', 'parent_phone', 'status', 'external_reference_id', 'created_at', 'updated_at']) {
			expect(keys).toContain(field);
		}
	});

	test('rescheduling into a slot with room moves the appointment and its seat', async () => {
		const res = await env.api('PATCH', '/appointments/apt_1003', { appointment_date: `${open}T09:30:00Z`, session: 'Morning' });
		expect(res.status).toBe(200);
		expect(res.body.data.appointment).toMatchObject({ date: open, session: 'Morning' });
		expect(env.sandbox.state.slots.get('slot_2004')!.filled_slots).toBe(1);
		expect(env.sandbox.state.slots.get('slot_2007')!.filled_slots).toBe(0);
	});

	test('a date without availability is refused with 400 OUTSIDE_AVAILABILITY', async () => {
		const res = await env.api('PATCH', '/appointments/apt_1004', { appointment_date: `${noAvailability}T09:00:00Z` });
		expect(res.status).toBe(400);
		expect(res.body).toEqual({ success: false, error: expect.any(String), code: 'OUTSIDE_AVAILABILITY' });
	});

	test('a full slot is refused with 409 SLOT_FULL', async () => {
		const res = await env.api('PATCH', '/appointments/apt_1004', { appointment_date: `${open}T13:00:00Z`, session: 'Afternoon' });
		expect(res.status).toBe(409);
		expect(res.body.code).toBe('SLOT_FULL');
	});

	test('booking a patient twice into one date and session is refused with 409 DUPLICATE_BOOKING', async () => {
		const res = await env.api('PATCH', '/appointments/apt_1002', { appointment_date: `${open}T10:00:00Z` });
		expect(res.status).toBe(409);
		expect(res.body.code).toBe('DUPLICATE_BOOKING');
	});

	test('an unknown appointment answers 404 in the success:false shape', async () => {
		const res = await env.api('PATCH', '/appointments/apt_9999', { notes: 'x' });
		expect(res.status).toBe(404);
		expect(res.body).toEqual({ success: false, error: expect.any(String), code: 'NOT_FOUND' });
	});

	test('an empty body is refused with 400', async () => {
		const res = await env.api('PATCH', '/appointments/apt_1001', {});
		expect(res.status).toBe(400);
		expect(res.body.success).toBe(false);
	});

	test.each([
		['appointment_date', { appointment_date: '03/06/2030' }],
		['appointment_date', { appointment_date: '2030-06-03T09:00:00+05:30' }],
		['status', { status: 'done' }],
		['session', { session: 'Night' }],
	])('a bad %s is refused with 400 naming it', async (field, body) => {
		const res = await env.api('PATCH', '/appointments/apt_1001', body);
		expect(res.status).toBe(400);
		expect(res.body.error).toContain(field);
	});

	test('cancelling frees the seat and, being a REST write, emits no event', async () => {
		const res = await env.api('PATCH', '/appointments/apt_1001', { status: 'cancelled' });
		expect(res.body.data.appointment.status).toBe('cancelled');
		expect(env.sandbox.state.slots.get('slot_2001')!.filled_slots).toBe(2);
		await env.api('PATCH', '/appointments/apt_1002', { notes: 'x' });
		expect(env.sandbox.state.events.size).toBe(0);
		expect(env.receiver.received).toHaveLength(0);
	});

	test('a new date without a status makes the appointment rescheduled; with a status it keeps that one', async () => {
		const moved = await env.api('PATCH', '/appointments/apt_1003', { appointment_date: `${open}T09:30:00Z`, session: 'Morning' });
		expect(moved.body.data.appointment.status).toBe('rescheduled');
		const back = await env.api('PATCH', '/appointments/apt_1003', { appointment_date: `${second}T13:00:00Z`, session: 'Afternoon', status: 'confirmed' });
		expect(back.body.data.appointment.status).toBe('confirmed');
	});

	test('a dashboard change (admin action) emits appointment.cancelled and slot.updated', async () => {
		const res = await env.admin('POST', '/appointments/apt_1001/dashboard-change', { status: 'cancelled' });
		expect(res.status).toBe(200);
		expect(res.body.event_id).toMatch(/^evt_/);
		await waitFor(() => env.receiver.received.length === 2);
		const cancelled = env.receiver.received.find((r) => r.json.event === 'appointment.cancelled')!.json;
		expect(cancelled).toEqual({
			event_id: res.body.event_id,
			event: 'appointment.cancelled',
			timestamp: expect.any(String),
			appointment: expect.objectContaining({
				appointment_id: 'apt_1001',
				doctor_name: 'Dr. Meera Iyer',
				appointment_type_name: 'Consultation',
				start_time: '09:00',
				booked_via: 'phone_call',
				booked_at: expect.any(String),
			}),
		});
		const slot = env.receiver.received.find((r) => r.json.event === 'slot.updated')!.json;
		expect(slot.slot).toMatchObject({ slot_id: 'slot_2001', filled_slots: 2, available_slots: 3 });
	});

	test('dashboard changes: completing emits appointment.completed, other changes appointment.updated', async () => {
		await env.admin('POST', '/appointments/apt_1001/dashboard-change', { status: 'completed' });
		await env.admin('POST', '/appointments/apt_1002/dashboard-change', { notes: 'x' });
		await waitFor(() => env.receiver.received.length === 2);
		expect(env.receiver.received.map((r) => r.json.event).sort()).toEqual(['appointment.completed', 'appointment.updated']);
	});

	test('a dashboard change is refused like the API would refuse it, without an event', async () => {
		const res = await env.admin('POST', '/appointments/apt_1004/dashboard-change', { appointment_date: `${noAvailability}T09:00:00Z` });
		expect(res.status).toBe(400);
		expect(res.body.code).toBe('OUTSIDE_AVAILABILITY');
		expect(env.sandbox.state.events.size).toBe(0);
	});
});

describe('GET /appointment-slots/availability', () => {
	test('a date answers every slot in the documented shape', async () => {
		const res = await env.api('GET', `/appointment-slots/availability?date=${open}`);
		expect(res.status).toBe(200);
		expect(res.body.success).toBe(true);
		expect(res.body.date).toBe(open);
		expect(res.body.slots).toHaveLength(4);
		expect(Object.keys(res.body.slots[0]).sort()).toEqual(
			['slot_id', 'calendar_id', 'branch_id', 'day', 'session', 'batch', 'start_time', 'end_time', 'appointment_type', 'max_slots', 'ai_slots', 'filled_slots', 'available_slots', 'status'].sort(),
		);
		expect(res.body.slots[0].status).toBe('OPEN');
	});

	test('the full slot is listed with no seats available', async () => {
		const res = await env.api('GET', `/appointment-slots/availability?date=${open}&session=Afternoon`);
		expect(res.body.slots).toEqual([expect.objectContaining({ slot_id: 'slot_2002', available_slots: 0 })]);
	});

	test('branch and session filter the slots', async () => {
		const res = await env.api('GET', `/appointment-slots/availability?date=${second}&branch_id=br_koramangala&session=Evening`);
		expect(res.body.slots.map((s: { slot_id: string }) => s.slot_id)).toEqual(['slot_2006']);
	});

	test('a date without availability answers an empty list', async () => {
		const res = await env.api('GET', `/appointment-slots/availability?date=${noAvailability}`);
		expect(res.body).toEqual({ success: true, date: noAvailability, slots: [] });
	});

	test.each(['', 'date=2030-02-30', 'date=06/03/2030'])('a missing or bad date (%s) is refused with 400', async (query) => {
		const res = await env.api('GET', `/appointment-slots/availability?${query}`);
		expect(res.status).toBe(400);
		expect(res.body.success).toBe(false);
	});
});
