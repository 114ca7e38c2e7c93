import { huskyVoiceApiCredentials } from '../helpers/index.cjs';
import { createParams, SEED_SERVICES } from './booking.cjs';
import { errorOf, SEED_DATES, useFastBackoff, useSandbox } from './support.cjs';

const ctx = useSandbox();
useFastBackoff();
const { open, second, noAvailability } = SEED_DATES;

async function posts() {
	return await ctx.admin.requests({ method: 'POST', path: '/v1/appointments' });
}

describe('Appointment → Create', () => {
	it('books the picked service at the picker’s time in UTC and outputs the appointment with its id and token', async () => {
		const result = await ctx.run(createParams({ appointmentDate: `${open}T15:00:00` }), { timezone: 'Asia/Kolkata' });
		expect(result.error).toBeUndefined();
		const [request] = await posts();
		expect(JSON.parse(request.body)).toEqual({
			appointment_type: SEED_SERVICES.consultation.service_id,
			appointment_date: `${open}T09:30:00.000Z`,
			patient_name: 'Meera Nair',
			parent_phone: '+919811122233',
			branch_id: 'br_koramangala',
		});
		expect(result.json[0]).toMatchObject({ appointment_id: expect.stringMatching(/^apt_/), token: 'T-04', session: 'Morning', status: 'confirmed' });
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('sends a service given By Name as its name, and a session when set', async () => {
		const result = await ctx.run(
			createParams({
				service: { __rl: true, mode: 'name', value: 'Vaccination' },
				appointmentDate: `${open}T17:30:00`,
				additionalFields: { branch: { __rl: true, mode: 'list', value: 'br_koramangala' }, session: 'Evening' },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(JSON.parse((await posts())[0].body)).toMatchObject({ appointment_type: 'Vaccination', session: 'Evening' });
		expect(result.json[0]).toMatchObject({ appointment_type: SEED_SERVICES.vaccination.service_id, session: 'Evening' });
	});

	it('normalises a +91 number with spaces like Create Call does, and refuses one without normalising, naming field and item', async () => {
		const ok = await ctx.run(createParams({ patientPhone: '98111 22233', additionalFields: { branch: { __rl: true, mode: 'id', value: 'br_koramangala' }, normaliseNumber: true } }));
		expect(ok.error).toBeUndefined();
		expect(JSON.parse((await posts())[0].body).parent_phone).toBe('+919811122233');
		const refused = await ctx.run(createParams({ patientPhone: '98111 22233' }), { items: [{}, {}], continueOnFail: true });
		expect(refused.json[1].error).toMatch(/^Patient Phone \(item 1\): must be an Indian number in \+91 format/);
	});

	it('refuses a date without a time before sending anything, naming field and item', async () => {
		const result = await ctx.run(createParams({ appointmentDate: '={{ $itemIndex === 1 ? "2030-06-03" : "2030-06-03T09:30:00" }}' }), {
			items: [{}, {}],
			continueOnFail: true,
		});
		expect(result.json[1].error).toBe('Appointment Date and Time (item 1): has a date but no time: "2030-06-03"');
		expect(await posts()).toHaveLength(1);
	});

	it.each([
		['Service', { service: { __rl: true, mode: 'list', value: '' } }, /^Service \(item 0\): is required/],
		['Patient Name', { patientName: '  ' }, /^Patient Name \(item 0\): is required/],
		['Appointment Date and Time', { appointmentDate: 'next monday' }, /^Appointment Date and Time \(item 0\): must be an ISO 8601/],
	])('refuses a missing or bad %s before sending', async (_field, change, message) => {
		expect(errorOf(await ctx.run(createParams(change))).message).toMatch(message);
		expect(await posts()).toHaveLength(0);
	});

	it('explains OUTSIDE_AVAILABILITY: what was refused and what to try', async () => {
		const error = errorOf(await ctx.run(createParams({ appointmentDate: `${noAvailability}T09:30:00` })));
		expect(error.message).toBe(
			'HuskyVoice refused the booking: the clinic has no opening at that branch, date and time. Try another session or another date (Slot → Check Availability lists the open slots).',
		);
		expect(String(error.description)).toContain('OUTSIDE_AVAILABILITY');
	});

	it('explains SLOT_FULL', async () => {
		const error = errorOf(await ctx.run(createParams({ appointmentDate: `${open}T13:30:00` })));
		expect(error.message).toBe('HuskyVoice refused the booking: that session is fully booked. Try another session or another date.');
	});

	it('explains DUPLICATE_BOOKING', async () => {
		const error = errorOf(await ctx.run(createParams({ patientName: 'Aarav Sharma', patientPhone: '+919876543210' })));
		expect(error.message).toMatch(/^HuskyVoice refused the booking: this patient already has an appointment on that date and session/);
	});

	it('passes on HuskyVoice’s reason when a multi-branch organisation gets no branch', async () => {
		const error = errorOf(await ctx.run(createParams({ additionalFields: {} })));
		expect(String(error.description)).toMatch(/branch_id is required/);
	});

	it('lost answer after HuskyVoice booked: finds the booking by date, patient and phone and returns it instead of booking twice', async () => {
		await ctx.admin.fault({ route: 'POST /v1/appointments', dropAfterCommitTimes: 1 });
		const result = await ctx.run(createParams());
		expect(result.error).toBeUndefined();
		expect(await posts()).toHaveLength(1);
		const searches = await ctx.admin.requests({ method: 'GET', path: '/v1/appointments' });
		expect(searches.map((r) => r.path)).toEqual([`/v1/appointments?date=${open}&page=1&limit=200`]);
		const booked = ((await ctx.admin.get('/appointments')) as Array<Record<string, unknown>>).filter((a) => a.patient_name === 'Meera Nair');
		expect(booked).toHaveLength(1);
		expect(result.json[0]).toMatchObject({ appointment_id: booked[0].appointment_id, patient_name: 'Meera Nair', date: open });
	});

	it('lost answer before HuskyVoice booked (a 500): not resent, and says it was most likely not made', async () => {
		await ctx.admin.fault({ route: 'POST /v1/appointments', failTimes: 1 });
		const error = errorOf(await ctx.run(createParams()));
		expect(error.message).toBe(
			`The booking for Meera Nair (+919811122233) on ${open} was not confirmed by HuskyVoice and is not in its appointments for that day — it was most likely not made`,
		);
		expect(await posts()).toHaveLength(1);
	});

	it('lost answer and the check fails too: says clearly that the booking may exist', async () => {
		await ctx.admin.fault({ route: 'POST /v1/appointments', dropAfterCommitTimes: 1 });
		await ctx.admin.fault({ route: 'GET /v1/appointments', failTimes: 10 });
		const error = errorOf(await ctx.run(createParams()));
		expect(error.message).toMatch(/^The booking for Meera Nair \(\+919811122233\) on 2030-06-03 may or may not have been made/);
		expect(String(error.description)).toMatch(/before running this item again/);
		expect(await posts()).toHaveLength(1);
	});

	describe('a lost answer when the patient already has another appointment that day (issue 25)', () => {
		const evening = { appointmentDate: `${open}T17:30:00Z` };
		const availabilityChecks = async () => await ctx.admin.requests({ method: 'GET', path: '/v1/appointment-slots/availability' });
		/** The patient's other appointment: booked by the AI agent during a call, Morning 09:20 UTC. */
		async function morningBooking(): Promise<string> {
			const { appointment } = (await ctx.admin.post('/appointments/agent-booking', {
				appointment_type: 'Consultation',
				appointment_date: `${open}T09:20:00Z`,
				patient_name: 'Meera Nair',
				parent_phone: '+919811122233',
				branch_id: 'br_koramangala',
			})) as { appointment: { appointment_id: string } };
			return appointment.appointment_id;
		}
		const meerasAppointments = async () =>
			((await ctx.admin.get('/appointments')) as Array<Record<string, unknown>>).filter((a) => a.patient_name === 'Meera Nair');

		it.each([
			['HuskyVoice gives no appointment_date: the session is derived from the requested time', false, '(Morning session)'],
			['HuskyVoice gives appointment_date', true, `at ${open} 09:20 UTC`],
		])('lost before processing (a 500): an error that says it was most likely not made and names the other appointment — %s', async (_how, dateTime, shown) => {
			await ctx.admin.config({ appointmentDateTime: dateTime });
			const other = await morningBooking();
			await ctx.admin.fault({ route: 'POST /v1/appointments', failTimes: 1 });
			const error = errorOf(await ctx.run(createParams(evening)));
			expect(error.message).toBe(
				`The booking for Meera Nair (+919811122233) at ${open} 17:30 UTC was not confirmed by HuskyVoice and was most likely not made — the appointment it lists for this patient that day is another one: ${other} ${shown}`,
			);
			expect(String(error.description)).toMatch(/^HuskyVoice's answer was lost\. .* It is safe to run this item again/);
			expect(await posts()).toHaveLength(1);
			expect((await meerasAppointments()).map((a) => a.appointment_id)).toEqual([other]);
			expect(await availabilityChecks()).toHaveLength(dateTime ? 0 : 1);
		});

		it.each([
			['no appointment_date: the Evening session holds 17:30', false],
			['with appointment_date', true],
		])('lost after processing: outputs the new Evening appointment, not the Morning one — %s', async (_how, dateTime) => {
			await ctx.admin.config({ appointmentDateTime: dateTime });
			const other = await morningBooking();
			await ctx.admin.fault({ route: 'POST /v1/appointments', dropAfterCommitTimes: 1 });
			const result = await ctx.run(createParams(evening));
			expect(result.error).toBeUndefined();
			const made = (await meerasAppointments()).filter((a) => a.appointment_id !== other);
			expect(made).toEqual([expect.objectContaining({ session: 'Evening' })]);
			expect(result.json).toEqual([expect.objectContaining({ appointment_id: made[0].appointment_id, session: 'Evening' })]);
			expect(await posts()).toHaveLength(1);
			const [check] = await availabilityChecks();
			expect(check?.path).toBe(dateTime ? undefined : `/v1/appointment-slots/availability?date=${open}&branch_id=br_koramangala`);
		});

		it('lost after processing with no other appointment that day: outputs the one it made', async () => {
			await ctx.admin.fault({ route: 'POST /v1/appointments', dropAfterCommitTimes: 1 });
			const result = await ctx.run(createParams(evening));
			expect(result.error).toBeUndefined();
			const made = await meerasAppointments();
			expect(made).toHaveLength(1);
			expect(result.json).toEqual([expect.objectContaining({ appointment_id: made[0].appointment_id, session: 'Evening', date: open })]);
		});

		it('a Session given in the node is compared as it is, without reading the slot hours', async () => {
			await morningBooking();
			await ctx.admin.fault({ route: 'POST /v1/appointments', dropAfterCommitTimes: 1 });
			const result = await ctx.run(
				createParams({ ...evening, additionalFields: { branch: { __rl: true, mode: 'id', value: 'br_koramangala' }, session: 'Evening' } }),
			);
			expect(result.json).toEqual([expect.objectContaining({ session: 'Evening' })]);
			expect(await availabilityChecks()).toHaveLength(0);
		});

		it('an appointment made before the request never counts, even in the requested session', async () => {
			const other = await morningBooking();
			ctx.sandbox.state.appointments.get(other)!.created_at = new Date(Date.now() - 3_600_000).toISOString();
			await ctx.admin.fault({ route: 'POST /v1/appointments', failTimes: 1 });
			const error = errorOf(await ctx.run(createParams({ appointmentDate: `${open}T10:00:00Z` })));
			expect(error.message).toBe(
				`The booking for Meera Nair (+919811122233) at ${open} 10:00 UTC was not confirmed by HuskyVoice and was most likely not made — the appointment it lists for this patient that day is another one: ${other} (Morning session)`,
			);
		});

		it('the times in the message are the workflow’s time zone', async () => {
			await ctx.admin.config({ appointmentDateTime: true });
			const other = await morningBooking();
			await ctx.admin.fault({ route: 'POST /v1/appointments', failTimes: 1 });
			const error = errorOf(await ctx.run(createParams({ appointmentDate: `${open}T23:00:00` }), { timezone: 'Asia/Kolkata' }));
			expect(error.message).toMatch(
				new RegExp(`^The booking for Meera Nair \\(\\+919811122233\\) at ${open} 23:00 Asia/Kolkata was not confirmed .*: ${other} at ${open} 14:50 Asia/Kolkata$`),
			);
		});

		it('the slot hours cannot be read: says the booking may exist', async () => {
			await morningBooking();
			await ctx.admin.fault({ route: 'POST /v1/appointments', dropAfterCommitTimes: 1 });
			await ctx.admin.fault({ route: 'GET /v1/appointment-slots/availability', failTimes: 10 });
			const error = errorOf(await ctx.run(createParams(evening)));
			expect(error.message).toMatch(/^The booking for Meera Nair \(\+919811122233\) on 2030-06-03 may or may not have been made/);
		});
	});
});

describe('Appointment → Get', () => {
	it('outputs one appointment; an unknown id is named', async () => {
		const result = await ctx.run({ resource: 'appointment', operation: 'get', appointmentId: 'apt_1003' });
		expect(result.json).toEqual([expect.objectContaining({ appointment_id: 'apt_1003', patient_name: 'Diya Patel' })]);
		const error = errorOf(await ctx.run({ resource: 'appointment', operation: 'get', appointmentId: 'apt_404' }));
		expect(error.message).toBe('No appointment with ID "apt_404" in this HuskyVoice account');
	});

	it('keeps a crafted id inside its path segment', async () => {
		await ctx.run({ resource: 'appointment', operation: 'get', appointmentId: '../services' });
		const [request] = await ctx.admin.requests({ method: 'GET' });
		expect(request.path).toBe('/v1/appointments/..%2Fservices');
	});
});

describe('Appointment → Get Many', () => {
	const getMany = (extra: Record<string, unknown>) => ({ resource: 'appointment', operation: 'getMany', ...extra });
	const searchPaths = async () => (await ctx.admin.requests({ method: 'GET', path: '/v1/appointments' })).map((r) => r.path);

	it('sends every filter as HuskyVoice names it and outputs one item per appointment', async () => {
		const result = await ctx.run(
			getMany({
				filters: {
					date: second,
					status: 'confirmed',
					session: 'Morning',
					batch: 'B1',
					service: { __rl: true, mode: 'id', value: SEED_SERVICES.vaccination.service_id },
					branch: { __rl: true, mode: 'list', value: 'br_koramangala' },
				},
			}),
		);
		expect(result.json.map((a) => a.appointment_id)).toEqual(['apt_1004']);
		const [path] = await searchPaths();
		expect(Object.fromEntries(new URL(path, 'http://x').searchParams)).toEqual({
			date: second,
			status: 'confirmed',
			session: 'Morning',
			batch: 'B1',
			appointment_type: SEED_SERVICES.vaccination.service_id,
			branch_id: 'br_koramangala',
			page: '1',
			limit: '50',
		});
	});

	it('Return All reads pages of 200 until a short page: 450 appointments in three requests', async () => {
		await ctx.admin.post('/appointments/generate', { count: 450, date: noAvailability });
		const result = await ctx.run(getMany({ returnAll: true, filters: { date: noAvailability } }));
		expect(result.json).toHaveLength(450);
		expect(new Set(result.json.map((a) => a.appointment_id)).size).toBe(450);
		expect(await searchPaths()).toEqual([1, 2, 3].map((p) => `/v1/appointments?date=${noAvailability}&page=${p}&limit=200`));
		expect(result.items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('Return All stops at the empty page after a page exactly 200 long (400 appointments, three requests)', async () => {
		await ctx.admin.post('/appointments/generate', { count: 400, date: noAvailability });
		await ctx.admin.config({ searchTotals: true }); // undocumented totals are ignored
		const result = await ctx.run(getMany({ returnAll: true, filters: { date: noAvailability } }));
		expect(result.json).toHaveLength(400);
		expect(await searchPaths()).toHaveLength(3);
	});

	it('Limit asks for that many in one page, and above 200 pages until it has enough', async () => {
		await ctx.admin.post('/appointments/generate', { count: 260, date: noAvailability });
		expect((await ctx.run(getMany({ limit: 5, filters: { date: noAvailability } }))).json).toHaveLength(5);
		expect(await searchPaths()).toEqual([`/v1/appointments?date=${noAvailability}&page=1&limit=5`]);
		expect((await ctx.run(getMany({ limit: 250, filters: { date: noAvailability } }))).json).toHaveLength(250);
		expect((await searchPaths()).slice(1)).toEqual([1, 2].map((p) => `/v1/appointments?date=${noAvailability}&page=${p}&limit=200`));
	});

	it('refuses a bad date filter before sending, naming field and item', async () => {
		const error = errorOf(await ctx.run(getMany({ filters: { date: '03/06/2030' } })));
		expect(error.message).toMatch(/^Date \(item 0\): must be a date in YYYY-MM-DD format/);
		expect(await searchPaths()).toHaveLength(0);
	});
});

describe('Appointment → Cancel', () => {
	const cancel = (appointmentId = 'apt_1001', notes = '') => ({ resource: 'appointment', operation: 'cancel', appointmentId, notes });

	it('sends status cancelled with the notes in the same request and outputs the appointment', async () => {
		const result = await ctx.run(cancel('apt_1001', 'Patient called to cancel'));
		expect(result.json[0]).toMatchObject({ appointment_id: 'apt_1001', status: 'cancelled', notes: 'Patient called to cancel' });
		const patches = await ctx.admin.requests({ method: 'PATCH' });
		expect(patches.map((r) => JSON.parse(r.body))).toEqual([{ status: 'cancelled', notes: 'Patient called to cancel' }]);
	});

	it('cancelling an already cancelled appointment succeeds', async () => {
		await ctx.run(cancel());
		const again = await ctx.run(cancel());
		expect(again.error).toBeUndefined();
		expect(again.json[0]).toMatchObject({ appointment_id: 'apt_1001', status: 'cancelled' });
	});

	it('explains a refusal from the organisation’s settings: cancelling switched off', async () => {
		await ctx.admin.post('/appointment-config', { allow_cancellation: false });
		const error = errorOf(await ctx.run(cancel()));
		expect(error.message).toBe('Appointment apt_1001 was not cancelled: this organisation has switched off cancelling appointments through the API');
		expect(await ctx.admin.requests({ method: 'GET', path: '/v1/appointment-config' })).toHaveLength(1);
	});

	it('explains a refusal from the organisation’s settings: fewer than N hours’ notice', async () => {
		await ctx.admin.post('/appointment-config', { cancellation_notice_hours: 900000 });
		const error = errorOf(await ctx.run(cancel()));
		expect(error.message).toBe(
			'Appointment apt_1001 was not cancelled: HuskyVoice accepts cancellations only with at least 900000 hours’ notice, and this appointment starts sooner',
		);
	});

	it('a key without appointments:write gets the scope explained, not a cancellation rule', async () => {
		const { key } = (await ctx.admin.post('/api-keys', { scopes: ['appointments:read'] })) as { key: string };
		const error = errorOf(
			await ctx.run(cancel(), { credentials: huskyVoiceApiCredentials({ baseUrl: ctx.sandbox.baseUrl, apiKey: key }), credentialId: 'read-only-key' }),
		);
		expect(error.message).toMatch(/lacks the scope/);
		expect(await ctx.admin.requests({ method: 'GET', path: '/v1/appointment-config' })).toHaveLength(0);
	});
});

describe('Appointment → Get Config', () => {
	it('outputs the organisation’s booking settings, undocumented fields included', async () => {
		const result = await ctx.run({ resource: 'appointment', operation: 'getConfig' });
		expect(result.json).toEqual([{ allow_cancellation: true, cancellation_notice_hours: 24, timezone: 'Asia/Kolkata' }]);
	});
});
