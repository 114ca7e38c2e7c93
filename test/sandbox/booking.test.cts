import { SEED_SERVICES } from './seed.cjs';
import { SEED_DATES } from './sandbox.cjs';
import { send, useSandboxWithReceiver, waitFor } from './test-client.cjs';

const env = useSandboxWithReceiver();

const { open, second, noAvailability } = SEED_DATES;
const booking = {
	appointment_type: SEED_SERVICES.consultation.service_id,
	appointment_date: `${open}T09:30:00Z`,
	patient_name: 'Meera Nair',
	parent_phone: '+919811122233',
	branch_id: 'br_koramangala',
};

describe('POST /appointments', () => {
	test('books into the slot whose hours hold the time: 201 with id, token and the appointment, and no event', async () => {
		const res = await env.api('POST', '/appointments', booking);
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			success: true,
			appointment_id: expect.stringMatching(/^apt_/),
			token: 'T-04',
			data: expect.objectContaining({ session: 'Morning', batch: 'B1', date: open, status: 'confirmed', patient_name: 'Meera Nair' }),
		});
		expect(res.body.data).not.toHaveProperty('booked_via');
		expect(env.sandbox.state.slots.get('slot_2001')!.filled_slots).toBe(4);
		expect(env.sandbox.state.events.size).toBe(0);
	});

	test('the service may be given by name, case-insensitively', async () => {
		const res = await env.api('POST', '/appointments', { ...booking, appointment_type: 'follow-UP visit', session: 'Evening' });
		expect(res.status).toBe(201);
		expect(res.body.data).toMatchObject({ appointment_type: SEED_SERVICES.followUp.service_id, session: 'Evening' });
	});

	test.each([
		['appointment_date', { appointment_date: open }],
		['appointment_date', { appointment_date: `${open}T09:30:00+05:30` }],
		['appointment_type', { appointment_type: 'Dentistry' }],
		['patient_name', { patient_name: '' }],
		['parent_phone', { parent_phone: '9811122233' }],
		['session', { session: 'Night' }],
	])('a bad %s is refused with 400 naming it', async (field, change) => {
		const res = await env.api('POST', '/appointments', { ...booking, ...change });
		expect(res.status).toBe(400);
		expect(res.body).toEqual({ success: false, code: 'INVALID_REQUEST', error: expect.stringContaining(field) });
	});

	test('the branch is required because the organisation has two', async () => {
		const { branch_id: _b, ...noBranch } = booking;
		const res = await env.api('POST', '/appointments', noBranch);
		expect(res.status).toBe(400);
		expect(res.body.error).toMatch(/branch_id is required.*br_indiranagar, br_koramangala/);
	});

	test('a time outside every slot is refused with 400 OUTSIDE_AVAILABILITY, as is a day without slots', async () => {
		expect((await env.api('POST', '/appointments', { ...booking, appointment_date: `${open}T12:30:00Z` })).body.code).toBe('OUTSIDE_AVAILABILITY');
		const none = await env.api('POST', '/appointments', { ...booking, appointment_date: `${noAvailability}T09:30:00Z` });
		expect(none.status).toBe(400);
		expect(none.body.code).toBe('OUTSIDE_AVAILABILITY');
	});

	test('a full slot is refused with 409 SLOT_FULL', async () => {
		const res = await env.api('POST', '/appointments', { ...booking, appointment_date: `${open}T13:30:00Z` });
		expect(res.status).toBe(409);
		expect(res.body.code).toBe('SLOT_FULL');
	});

	test('the same patient on the same date and session is refused with 409 DUPLICATE_BOOKING', async () => {
		const res = await env.api('POST', '/appointments', { ...booking, patient_name: 'aarav sharma', parent_phone: '+919876543210' });
		expect(res.status).toBe(409);
		expect(res.body.code).toBe('DUPLICATE_BOOKING');
	});
});

describe('GET /appointments/{id} and GET /appointments', () => {
	test('one appointment answers in the data envelope; an unknown one 404 NOT_FOUND', async () => {
		expect((await env.api('GET', '/appointments/apt_1003')).body).toEqual({ success: true, data: expect.objectContaining({ patient_name: 'Diya Patel' }) });
		const missing = await env.api('GET', '/appointments/apt_9999');
		expect(missing.status).toBe(404);
		expect(missing.body.code).toBe('NOT_FOUND');
	});

	test('search filters by every documented parameter and sorts by date and session', async () => {
		const all = await env.api('GET', '/appointments');
		expect(all.body.data.map((a: { appointment_id: string }) => a.appointment_id)).toEqual(['apt_1001', 'apt_1002', 'apt_1004', 'apt_1003']);
		const filtered = await env.api(
			'GET',
			`/appointments?date=${second}&status=confirmed&branch_id=br_koramangala&session=Morning&batch=B1&appointment_type=${SEED_SERVICES.vaccination.service_id}`,
		);
		expect(filtered.body.data.map((a: { appointment_id: string }) => a.appointment_id)).toEqual(['apt_1004']);
		await env.api('PATCH', '/appointments/apt_1003', { appointment_date: `${open}T09:30:00Z`, session: 'Morning' });
		expect((await env.api('GET', '/appointments?status=rescheduled')).body.data).toHaveLength(1);
	});

	test('pages through page/limit; the last page is short, the one after it empty', async () => {
		await env.admin('POST', '/appointments/generate', { count: 7, date: noAvailability });
		const page = (n: number) => env.api('GET', `/appointments?date=${noAvailability}&limit=3&page=${n}`);
		expect((await page(1)).body.data).toHaveLength(3);
		expect((await page(3)).body.data).toHaveLength(1);
		expect((await page(4)).body).toEqual({ success: true, data: [] });
	});

	test('totals appear only when the undocumented searchTotals setting is on', async () => {
		await env.admin('POST', '/config', { searchTotals: true });
		expect((await env.api('GET', '/appointments?limit=3')).body.pagination).toEqual({ page: 1, limit: 3, total: 4, total_pages: 2 });
	});

	test('the booked date-time appears as appointment_date only when the undocumented appointmentDateTime setting is on', async () => {
		const id = (await env.api('POST', '/appointments', { ...booking, appointment_date: `${open}T09:20:00+00:00` })).body.appointment_id;
		const search = async () => (await env.api('GET', `/appointments?date=${open}`)).body.data.find((a: { appointment_id: string }) => a.appointment_id === id);
		expect(await search()).not.toHaveProperty('appointment_date');
		await env.admin('POST', '/config', { appointmentDateTime: true });
		expect(await search()).toMatchObject({ appointment_date: `${open}T09:20:00.000Z`, session: 'Morning' });
		expect((await env.api('GET', `/appointments/${id}`)).body.data.appointment_date).toBe(`${open}T09:20:00.000Z`);
		const moved = await env.api('PATCH', `/appointments/${id}`, { appointment_date: `${open}T17:40:00Z`, session: 'Evening' });
		expect(moved.body.data.appointment).toMatchObject({ appointment_date: `${open}T17:40:00.000Z`, session: 'Evening' });
		expect((await env.api('GET', '/appointments/apt_1001')).body.data).not.toHaveProperty('appointment_date');
	});

	test.each(['limit=201', 'limit=0', 'page=0', 'date=2030-02-30', 'status=booked', 'session=Night'])('%s is refused with 400', async (query) => {
		const res = await env.api('GET', `/appointments?${query}`);
		expect(res.status).toBe(400);
		expect(res.body.code).toBe('INVALID_REQUEST');
	});
});

describe('cancelling through the API follows GET /appointment-config', () => {
	test('the config answers the documented fields', async () => {
		expect((await env.api('GET', '/appointment-config')).body).toEqual({
			success: true,
			data: { allow_cancellation: true, cancellation_notice_hours: 24, timezone: expect.any(String) },
		});
	});

	test('with cancellation switched off the API refuses; the dashboard still may', async () => {
		await env.admin('POST', '/appointment-config', { allow_cancellation: false });
		const res = await env.api('PATCH', '/appointments/apt_1001', { status: 'cancelled' });
		expect(res.status).toBe(403);
		expect(res.body.code).toBe('CANCELLATION_NOT_ALLOWED');
		expect((await env.admin('POST', '/appointments/apt_1001/dashboard-change', { status: 'cancelled' })).status).toBe(200);
	});

	test('inside the notice period the API refuses', async () => {
		await env.admin('POST', '/appointment-config', { cancellation_notice_hours: 1_000_000 });
		const res = await env.api('PATCH', '/appointments/apt_1001', { status: 'cancelled', notes: 'patient called' });
		expect(res.status).toBe(400);
		expect(res.body.code).toBe('CANCELLATION_WINDOW_PASSED');
		expect(env.sandbox.state.appointments.get('apt_1001')!.status).toBe('confirmed');
	});

	test('cancelling an already cancelled appointment succeeds and returns it, even when cancelling is now off', async () => {
		await env.api('PATCH', '/appointments/apt_1001', { status: 'cancelled' });
		await env.admin('POST', '/appointment-config', { allow_cancellation: false });
		const again = await env.api('PATCH', '/appointments/apt_1001', { status: 'cancelled' });
		expect(again.status).toBe(200);
		expect(again.body.data.appointment.status).toBe('cancelled');
		expect(env.sandbox.state.slots.get('slot_2001')!.filled_slots).toBe(2);
	});
});

describe('GET /services', () => {
	test('answers { data: [{ service_id, name }] } by default and a bare [{ id, name }] when configured', async () => {
		expect((await env.api('GET', '/services')).body.data).toContainEqual(SEED_SERVICES.vaccination);
		await env.admin('POST', '/config', { servicesShape: 'bare' });
		expect((await env.api('GET', '/services')).body).toContainEqual({ id: SEED_SERVICES.vaccination.service_id, name: 'Vaccination' });
	});
});

describe('POST /appointment-slots (calendar windows)', () => {
	const window = {
		branch_id: 'br_hsr',
		day: 'wednesday',
		session: 'Evening',
		start_time: '17:00',
		end_time: '19:00',
		max_slots: 4,
		ai_slots: 2,
		batch_name: 'E1',
		appointment_type_id: SEED_SERVICES.vaccination.service_id,
	};

	test('creates a weekly window that shows up in availability as calendar_id||date and takes bookings, with no event', async () => {
		const res = await env.api('POST', '/appointment-slots', window);
		expect(res.status).toBe(201);
		const { calendar_id } = res.body.data;
		expect(res.body.data).toMatchObject({ slot_id: calendar_id, batch: 'E1', appointment_type: SEED_SERVICES.vaccination.service_id });
		const wednesday = '2030-06-05';
		const slots = (await env.api('GET', `/appointment-slots/availability?date=${wednesday}`)).body.slots;
		expect(slots).toEqual([expect.objectContaining({ slot_id: `${calendar_id}||${wednesday}`, branch_id: 'br_hsr', max_slots: 4, ai_slots: 2, available_slots: 2 })]);
		const booked = await env.api('POST', '/appointments', { ...booking, branch_id: 'br_hsr', appointment_type: 'Vaccination', appointment_date: `${wednesday}T17:30:00Z` });
		expect(booked.status).toBe(201);
		const wrongService = await env.api('POST', '/appointments', { ...booking, patient_name: 'X', branch_id: 'br_hsr', appointment_date: `${wednesday}T17:30:00Z` });
		expect(wrongService.body.code).toBe('OUTSIDE_AVAILABILITY');
		expect(env.sandbox.state.events.size).toBe(0);
	});

	test.each([
		['end_time', { end_time: '16:00' }],
		['ai_slots', { ai_slots: 5 }],
		['day', { day: 'Funday' }],
		['start_time', { start_time: '7pm' }],
		['appointment_type_id', { appointment_type_id: 'nope' }],
		['batch_name', { batch_name: '' }],
	])('a bad %s is refused with 400 naming it', async (field, change) => {
		const res = await env.api('POST', '/appointment-slots', { ...window, ...change });
		expect(res.status).toBe(400);
		expect(res.body.error).toContain(field);
	});
});

describe('API-key scopes', () => {
	test('a read-only key may search but not book (403 insufficient_scope); slots:write is its own scope', async () => {
		const { key } = (await env.admin('POST', '/api-keys', { scopes: ['appointments:read'] })).body;
		const as = (method: 'GET' | 'POST', path: string, body?: unknown) =>
			send(method, `${env.sandbox.baseUrl}${path}`, body, { authorization: `Bearer ${key}` });
		expect((await as('GET', '/appointments')).status).toBe(200);
		const refused = await as('POST', '/appointments', booking);
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('insufficient_scope');
		const writer = (await env.admin('POST', '/api-keys', { scopes: ['appointments:write'] })).body.key;
		const windowRefused = await send('POST', `${env.sandbox.baseUrl}/appointment-slots`, {}, { authorization: `Bearer ${writer}` });
		expect(windowRefused.status).toBe(403);
	});
});

describe('admin: the AI agent books during a call', () => {
	test('the same checks as the API, then appointment.created and slot.updated with booked_via phone_call', async () => {
		const res = await env.admin('POST', '/appointments/agent-booking', booking);
		expect(res.status).toBe(201);
		await waitFor(() => env.receiver.received.length === 2);
		const created = env.receiver.received.find((r) => r.json.event === 'appointment.created')!.json;
		expect(created.event_id).toBe(res.body.event_id);
		expect(created.appointment).toMatchObject({
			appointment_id: res.body.appointment.appointment_id,
			booked_via: 'phone_call',
			appointment_type_name: 'Consultation',
			start_time: '09:00',
		});
		const refused = await env.admin('POST', '/appointments/agent-booking', booking);
		expect(refused.status).toBe(409);
		expect(refused.body.code).toBe('DUPLICATE_BOOKING');
	});

	test('the agent fills only the slot’s ai_slots (available_slots); the API may book up to max_slots', async () => {
		const slot2001 = async () =>
			(await env.api('GET', `/appointment-slots/availability?date=${open}&branch_id=br_koramangala&session=Morning`)).body.slots[0];
		// slot_2001: 3 of 10 filled, ai_slots 5
		expect(await slot2001()).toMatchObject({ max_slots: 10, ai_slots: 5, filled_slots: 3, available_slots: 2 });
		for (const n of [1, 2]) {
			expect((await env.admin('POST', '/appointments/agent-booking', { ...booking, patient_name: `Caller ${n}` })).status).toBe(201);
		}
		expect(await slot2001()).toMatchObject({ filled_slots: 5, available_slots: 0 });
		const third = await env.admin('POST', '/appointments/agent-booking', { ...booking, patient_name: 'Caller 3' });
		expect(third.status).toBe(409);
		expect(third.body.code).toBe('SLOT_FULL');
		for (const n of [1, 2, 3, 4, 5]) {
			expect((await env.api('POST', '/appointments', { ...booking, patient_name: `Front desk ${n}` })).status).toBe(201);
		}
		expect(await slot2001()).toMatchObject({ filled_slots: 10, available_slots: 0 });
		const eleventh = await env.api('POST', '/appointments', { ...booking, patient_name: 'Front desk 6' });
		expect(eleventh.status).toBe(409);
		expect(eleventh.body.code).toBe('SLOT_FULL');
	});
});
