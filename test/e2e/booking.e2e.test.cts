/**
 * The booking engine of the HuskyVoice node inside a real n8n 2.41.1, against the sandbox:
 *  - every booking operation run in a workflow (Manual Trigger → HuskyVoice);
 *  - the Service and Branch resource-locator lists answered through n8n's own
 *    POST /rest/dynamic-node-parameters/resource-locator-results (as the editor asks for them);
 *  - booking sync: an appointment the AI agent books during a call reaches a Manual-registration
 *    Trigger; a REST update of the same appointment (by the node) produces no event.
 *
 * One n8n for the file. Run: npm run build && E2E_CACHE_DIR=/work/main/.cache npx jest test/e2e/booking.e2e.test.cts --selectProjects e2e
 */
import type { Sandbox } from '../sandbox/sandbox.cjs';
import { SEED_DATES } from '../sandbox/sandbox.cjs';
import { SEED_SERVICES } from '../sandbox/seed.cjs';
import {
	CREDENTIAL_TYPES,
	createManualTriggerWorkflow,
	credentialRef,
	executionsAfterQuiet,
	HuskyCredentials,
	loadExamples,
	registerInSandboxDashboard,
	waitForNodeOutput,
	wireExample,
	NODE_TYPES,
	runOneNode,
	SandboxAdmin,
	startHuskyStack,
} from './husky.cjs';
import { executionError, N8nStack, nodeOutput, request, type Credential } from './runner/index.cjs';

jest.setTimeout(5 * 60_000);

const INBOUND_SECRET = 'insec_booking_0123456789';
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const { open, noAvailability } = SEED_DATES;
const SEED_WEEKDAYS = Object.values(SEED_DATES).map((date) => DAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]);

describe('booking engine in a real n8n', () => {
	let sandbox: Sandbox;
	let admin: SandboxAdmin;
	let stack: N8nStack;
	let creds: HuskyCredentials;
	const t0 = Date.now();
	const timings: string[] = [];
	let lap = Date.now();
	const mark = (what: string) => {
		timings.push(`${what} ${((Date.now() - lap) / 1000).toFixed(1)} s`);
		lap = Date.now();
	};

	beforeAll(async () => {
		({ sandbox, admin, stack, creds } = await startHuskyStack('booking', { inboundSigningSecret: INBOUND_SECRET }));
		await admin.config({ rateLimit: { limit: 10_000, windowMs: 60_000 } });
		mark('stack ready');
	});

	afterAll(async () => {
		await stack?.stop();
		await sandbox?.stop();
		console.log(`booking e2e: ${timings.join(', ')}; ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
	});

	const apiCred = () => ({ [CREDENTIAL_TYPES.api]: credentialRef(creds.api) });
	async function action(name: string, parameters: Record<string, unknown>) {
		const { execution } = await runOneNode(stack.api, name, { name: 'HuskyVoice', type: NODE_TYPES.action, parameters, credentials: apiCred() });
		return { execution, items: nodeOutput(execution, 'HuskyVoice'), error: executionError(execution) };
	}
	/** What the editor sends to fill a resource locator's "From List". */
	function locatorResults(methodName: string, parameters: Record<string, unknown>, filter?: string) {
		return stack.api.rest<{ results: Array<{ name: string; value: string }> }>('POST', '/dynamic-node-parameters/resource-locator-results', {
			path: 'parameters.service',
			nodeTypeAndVersion: { name: NODE_TYPES.action, version: 1 },
			currentNodeParameters: parameters,
			methodName,
			credentials: apiCred(),
			...(filter === undefined ? {} : { filter }),
		});
	}

	const rl = (mode: string, value: string) => ({ __rl: true, mode, value });
	let appointmentId = '';

	test('Calendar Window → Create opens weekly windows on weekdays no seeded date falls on', async () => {
		// Fixed days, never today's: a window on the seed dates' weekdays (Mon–Wed) would add slots
		// to what the during-call lookup test reads for 2030-06-03.
		const [first, second] = DAYS.filter((d) => !SEED_WEEKDAYS.includes(d));
		for (const [branch, day] of [['br_whitefield', first], ['br_hsr', second]]) {
			const { items, error } = await action(`window ${branch}`, {
				resource: 'calendarWindow',
				operation: 'create',
				branch: rl('id', branch),
				day,
				session: 'Morning',
				startTime: '09:00',
				endTime: '12:00',
				maxSlots: 6,
				aiSlots: 3,
				batchName: 'W1',
				additionalFields: { service: rl('list', SEED_SERVICES.consultation.service_id) },
			});
			expect(error).toBeUndefined();
			expect(items).toEqual([expect.objectContaining({ branch_id: branch, day, batch: 'W1', calendar_id: expect.stringMatching(/^cal_/) })]);
		}
		mark('windows');
	});

	test('Slot → Find Next Open walks past the empty days to the windows; a service no open slot serves finds nothing, said in one item', async () => {
		// after Wednesday 2030-06-05 the only slots are the windows above: Thursday 06-06 (br_hsr) and Sunday 06-09 (br_whitefield), both for Consultation only
		const next = { resource: 'slot', operation: 'findNextOpen', fromDate: noAvailability, slotCount: 2, filters: { session: 'Morning' } };
		const found = await action('find next open', next);
		expect(found.error).toBeUndefined();
		expect(found.items.map((s) => [s.date, s.branch_id, s.start_time, s.found])).toEqual([
			['2030-06-06', 'br_hsr', '09:00', true],
			['2030-06-09', 'br_whitefield', '09:00', true],
		]);
		const vaccination = await action('find next open for a service', { ...next, filters: { ...next.filters, service: rl('name', 'Vaccination') } });
		expect(vaccination.items).toEqual([
			{ found: false, message: 'No open slot in the 14 days from 2030-06-05 to 2030-06-18', from_date: noAvailability, to_date: '2030-06-18', days_searched: 14 },
		]);
		mark('find next open');
	});

	test('the Service and Branch lists are answered through n8n’s /rest/dynamic-node-parameters endpoint', async () => {
		const parameters = { resource: 'appointment', operation: 'create' };
		const services = await locatorResults('searchServices', parameters);
		expect(services.results).toEqual([
			{ name: 'Consultation', value: SEED_SERVICES.consultation.service_id },
			{ name: 'Follow-up visit', value: SEED_SERVICES.followUp.service_id },
			{ name: 'Vaccination', value: SEED_SERVICES.vaccination.service_id },
		]);
		expect((await locatorResults('searchServices', parameters, 'follow')).results).toEqual([
			{ name: 'Follow-up visit', value: SEED_SERVICES.followUp.service_id },
		]);
		const branches = await locatorResults('searchBranches', parameters);
		expect(branches.results).toEqual([
			{ name: 'br_hsr', value: 'br_hsr' },
			{ name: 'br_whitefield', value: 'br_whitefield' },
		]);
		mark('dropdowns');
	});

	test('Service → Get Many outputs one item per service; n8n and the sandbox read the same clock (a shifted one too: test/any-day)', async () => {
		const before = Date.now();
		const { items, execution } = await action('services', { resource: 'service', operation: 'getMany', returnAll: true });
		expect(items.map((s) => s.name)).toEqual(['Consultation', 'Follow-up visit', 'Vaccination']);
		const startedAt = Date.parse(execution.startedAt);
		expect(startedAt).toBeGreaterThanOrEqual(before - 5_000);
		expect(startedAt).toBeLessThanOrEqual(Date.now() + 5_000);
	});

	test('Appointment → Create books by service name; a full session is refused in words a receptionist understands', async () => {
		const booking = {
			resource: 'appointment',
			operation: 'create',
			service: rl('name', 'consultation'),
			appointmentDate: `${open}T09:30:00`,
			patientName: 'Ishaan Gupta',
			patientPhone: '98450 12345',
			additionalFields: { branch: rl('list', 'br_koramangala'), normaliseNumber: true },
		};
		const { items, error } = await action('create appointment', booking);
		expect(error).toBeUndefined();
		expect(items).toEqual([expect.objectContaining({ appointment_id: expect.stringMatching(/^apt_/), parent_phone: '+919845012345', session: 'Morning' })]);
		appointmentId = items[0].appointment_id;
		const [post] = await admin.requests({ method: 'POST', path: '/v1/appointments' });
		expect(JSON.parse(post.body)).toMatchObject({ appointment_type: 'consultation', appointment_date: `${open}T09:30:00.000Z` });

		const full = await action('create in a full session', { ...booking, appointmentDate: `${open}T13:30:00`, patientName: 'Ira Gupta' });
		expect(full.error?.message).toBe('HuskyVoice refused the booking: that session is fully booked. Try another session or another date.');
		mark('create');
	});

	test('a lost booking answer with the patient’s other appointment that day: the error says the booking was most likely not made and names the other one', async () => {
		// On the second seed date, which no other test here reads, so the lookup test's counts stay as they are.
		const { second } = SEED_DATES;
		const other = await admin.call<{ appointment: { appointment_id: string } }>('POST', '/appointments/agent-booking', {
			appointment_type: 'Consultation',
			appointment_date: `${second}T09:20:00Z`,
			patient_name: 'Kavya Rao',
			parent_phone: '+919844455566',
			branch_id: 'br_koramangala',
		});
		await admin.call('POST', '/faults', { route: 'POST /v1/appointments', failTimes: 1 });
		const postsBefore = (await admin.requests({ method: 'POST', path: '/v1/appointments' })).length;
		const { error } = await action('create with a lost answer', {
			resource: 'appointment',
			operation: 'create',
			service: rl('name', 'Consultation'),
			appointmentDate: `${second}T17:30:00Z`,
			patientName: 'Kavya Rao',
			patientPhone: '+919844455566',
			additionalFields: { branch: rl('id', 'br_koramangala') },
		});
		expect(error?.message).toBe(
			`The booking for Kavya Rao (+919844455566) at ${second} 17:30 UTC was not confirmed by HuskyVoice and was most likely not made — the appointment it lists for this patient that day is another one: ${other.appointment.appointment_id} (Morning session)`,
		);
		expect(await admin.requests({ method: 'POST', path: '/v1/appointments' })).toHaveLength(postsBefore + 1);
		const kavya = (await admin.appointments()).filter((a) => a.patient_name === 'Kavya Rao');
		expect(kavya.map((a) => a.appointment_id)).toEqual([other.appointment.appointment_id]);
		mark('lost answer');
	});

	test('Appointment → Get and Get Config', async () => {
		expect((await action('get appointment', { resource: 'appointment', operation: 'get', appointmentId })).items).toEqual([
			expect.objectContaining({ appointment_id: appointmentId, patient_name: 'Ishaan Gupta' }),
		]);
		expect((await action('get config', { resource: 'appointment', operation: 'getConfig' })).items).toEqual([
			expect.objectContaining({ allow_cancellation: true, cancellation_notice_hours: 24 }),
		]);
	});

	test('Appointment → Get Many: Return All pages through 450 appointments (3 requests), Limit stops early', async () => {
		await admin.call('POST', '/appointments/generate', { count: 450, date: noAvailability });
		const all = await action('get many all', { resource: 'appointment', operation: 'getMany', returnAll: true, filters: { date: noAvailability } });
		expect(all.items).toHaveLength(450);
		const pages = await admin.requests({ method: 'GET', path: `/v1/appointments?date=${noAvailability}` });
		expect(pages.map((r) => r.path)).toEqual([1, 2, 3].map((p) => `/v1/appointments?date=${noAvailability}&page=${p}&limit=200`));
		const few = await action('get many limit', { resource: 'appointment', operation: 'getMany', limit: 3, filters: { date: noAvailability, branch: rl('id', 'br_koramangala') } });
		expect(few.items).toHaveLength(3);
		mark('get many');
	});

	test('Appointment → Cancel sends the notes along; a second cancel succeeds; a refusal is explained from the config', async () => {
		const cancel = { resource: 'appointment', operation: 'cancel', appointmentId, notes: 'Patient travelling' };
		expect((await action('cancel', cancel)).items).toEqual([expect.objectContaining({ status: 'cancelled', notes: 'Patient travelling' })]);
		expect((await action('cancel again', cancel)).items).toEqual([expect.objectContaining({ status: 'cancelled' })]);
		await admin.call('POST', '/appointment-config', { allow_cancellation: false });
		const refused = await action('cancel refused', { ...cancel, appointmentId: 'apt_1002' });
		expect(refused.error?.message).toBe(
			'Appointment apt_1002 was not cancelled: this organisation has switched off cancelling appointments through the API',
		);
		await admin.call('POST', '/appointment-config', { allow_cancellation: true });
		mark('cancel');
	});

	test('booking sync: an agent-booked appointment arrives through the Trigger; the workflow’s own REST update of it sends no event', async () => {
		const { workflow, endpoint } = await createManualTriggerWorkflow(stack, admin, {
			name: 'booking sync (e2e)',
			credentialName: 'HuskyVoice booking signing secret',
			events: ['appointment.created', 'appointment.updated', 'appointment.cancelled'],
		});
		await stack.activateAndWait(workflow.id);
		const booked = await admin.call<{ appointment: { appointment_id: string }; event_id: string }>('POST', '/appointments/agent-booking', {
			appointment_type: 'Vaccination',
			appointment_date: `${open}T17:15:00Z`,
			patient_name: 'Zara Khan',
			parent_phone: '+919833344455',
			branch_id: 'br_koramangala',
		});
		const [exec] = await stack.api.waitForExecutions(workflow.id, 1, { includeData: true });
		const [event] = nodeOutput(exec, 'HuskyVoice Trigger');
		expect(event).toMatchObject({
			event_id: booked.event_id,
			event_type: 'appointment.created',
			data: expect.objectContaining({ appointment_id: booked.appointment.appointment_id, booked_via: 'phone_call', appointment_type_name: 'Vaccination' }),
		});

		const eventsBefore = (await admin.events()).length;
		const update = await action('update booked appointment', {
			resource: 'appointment',
			operation: 'update',
			appointmentId: booked.appointment.appointment_id,
			updateFields: { notes: 'Synced to CRM' },
		});
		expect(update.items).toEqual([expect.objectContaining({ notes: 'Synced to CRM' })]);
		expect(await admin.events()).toHaveLength(eventsBefore);
		expect(await executionsAfterQuiet(stack.api, workflow.id)).toHaveLength(1);
		await stack.deactivateAndWait(workflow.id);
		await admin.deleteWebhook(endpoint.id);
		mark('booking sync');
	});

	describe('examples', () => {
		/** Imports one example file as a user would, credentials wired by type, Manual triggers added in the dashboard, activated. */
		async function importExample(file: string, extra: Record<string, Credential> = {}) {
			const ex = loadExamples().find((e) => e.file === file);
			if (!ex) throw new Error(`no example ${file}`);
			const wf = await stack.api.createWorkflow(wireExample(ex.workflow, { [CREDENTIAL_TYPES.api]: creds.api, ...extra }));
			await registerInSandboxDashboard(stack, admin, wf);
			const { webhooks } = await stack.activateAndWait(wf.id);
			return { id: wf.id, webhookUrls: Object.fromEntries(webhooks.map((w) => [w.node, w.url])) };
		}

		test('booking-sync: a booking the agent makes during a call becomes a record with the service name; a dashboard cancellation a plain record', async () => {
			const ex = await importExample('booking-sync.json');
			const booked = await admin.call<{ appointment: { appointment_id: string } }>('POST', '/appointments/agent-booking', {
				appointment_type: SEED_SERVICES.followUp.service_id,
				appointment_date: `${open}T18:00:00Z`,
				patient_name: 'Rohan Mehta',
				parent_phone: '+919822233344',
				branch_id: 'br_koramangala',
			});
			const id = booked.appointment.appointment_id;
			const created = await waitForNodeOutput(stack.api, ex.id, 'New booking record', (i) => i.appointment_id === id);
			expect(created.item).toMatchObject({
				appointment_id: id,
				event: 'appointment.created',
				service_name: 'Follow-up visit',
				service_id: SEED_SERVICES.followUp.service_id,
				patient_name: 'Rohan Mehta',
				phone: '+919822233344',
				session: 'Evening',
				booked_via: 'phone_call',
			});
			expect(created.execution.status).toBe('success');
			expect((await admin.requests({ method: 'GET', path: `/v1/appointments/${id}` })).length).toBe(1);

			await admin.call('POST', `/appointments/${id}/dashboard-change`, { status: 'cancelled' });
			const cancelled = await waitForNodeOutput(stack.api, ex.id, 'Booking record', (i) => i.event === 'appointment.cancelled');
			expect(cancelled.item).toMatchObject({ appointment_id: id, status: 'cancelled', patient_name: 'Rohan Mehta' });
			await stack.deactivateAndWait(ex.id);
			mark('booking-sync example');
		});

		test('during-call lookup: Header Auth protects the URL; the agent gets the open slots in one short sentence, or the earliest open one when the day has none', async () => {
			const header = creds.lookupHeader!;
			const ex = await importExample('during-call-lookup.json', { httpHeaderAuth: header.credential });
			const url = ex.webhookUrls['Availability request'];
			const ask = (body: unknown, key = header.value) => request('POST', url, { body, headers: { [header.name]: key } });

			expect((await ask({ date: open }, 'wrong')).status).toBe(403);
			const morning = await ask({ date: open, session: 'Morning' });
			expect(morning.status).toBe(200);
			expect(morning.json()).toEqual({
				answer: `Open on ${open}: Morning 09:00 to 12:00 at br_koramangala (2 left), Morning 09:00 to 12:00 at br_indiranagar (5 left).`,
				date: open,
				open_slots: 2,
			});
			// the e2e's own windows are Morning ones, so no Evening slots exist on any weekday
			const none = await ask({ date: noAvailability, session: 'Evening' });
			expect(none.json()).toEqual({ answer: `There are no open slots on ${noAvailability} in the Evening.`, date: noAvailability, open_slots: 0 });
			// a day without an open slot: the answer names the earliest one in the following 14 days (the Thursday window above)
			const earliest = await ask({ date: noAvailability, session: 'Morning' });
			expect(earliest.json()).toEqual({
				answer: `There are no open slots on ${noAvailability} in the Morning. The earliest open slot is on 2030-06-06: Morning 09:00 to 12:00 at br_hsr (3 left).`,
				date: noAvailability,
				open_slots: 0,
			});
			const searched = await admin.requests({ method: 'GET', path: '/v1/appointment-slots/availability?date=2030-06-0' });
			expect(searched.slice(-2).map((r) => r.path)).toEqual([
				`/v1/appointment-slots/availability?date=${noAvailability}&session=Morning`,
				'/v1/appointment-slots/availability?date=2030-06-06&session=Morning',
			]);
			const bad = await ask({ date: 'tomorrow' });
			expect(bad.json()).toMatchObject({ answer: 'Sorry, I could not check availability for that date.', open_slots: 0 });
			mark('lookup example');
		});
	});
});
