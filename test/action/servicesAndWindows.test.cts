import { huskyVoiceApiCredentials } from '../helpers/index.cjs';
import { listSearch, SEED_SERVICES } from './booking.cjs';
import { lookaheadDates } from '../../nodes/HuskyVoice/methods/listSearch';
import { errorOf, useSandbox } from './support.cjs';

const ctx = useSandbox();


const windowParams = (overrides: Record<string, unknown> = {}) => ({
	resource: 'calendarWindow',
	operation: 'create',
	branch: { __rl: true, mode: 'id', value: 'br_hsr' },
	day: 'wednesday',
	session: 'Evening',
	startTime: '17:00',
	endTime: '19:00',
	maxSlots: 4,
	aiSlots: 2,
	batchName: 'E1',
	...overrides,
});

describe('Service → Get Many', () => {
	it('outputs one item per service with service_id and name', async () => {
		const result = await ctx.run({ resource: 'service', operation: 'getMany', returnAll: true });
		expect(result.json).toEqual(Object.values(SEED_SERVICES).map((s) => expect.objectContaining(s)));
	});

	it('accepts the bare-array answer with `id` (the shape is not documented) and honours Limit', async () => {
		await ctx.admin.config({ servicesShape: 'bare' });
		const result = await ctx.run({ resource: 'service', operation: 'getMany', limit: 2 });
		expect(result.json).toEqual([
			expect.objectContaining(SEED_SERVICES.consultation),
			expect.objectContaining(SEED_SERVICES.followUp),
		]);
	});
});

describe('Calendar Window → Create', () => {
	it('sends the window as HuskyVoice names its fields and outputs it', async () => {
		const result = await ctx.run(
			windowParams({ additionalFields: { service: { __rl: true, mode: 'list', value: SEED_SERVICES.vaccination.service_id } } }),
		);
		expect(result.error).toBeUndefined();
		const [request] = await ctx.admin.requests({ method: 'POST', path: '/v1/appointment-slots' });
		expect(JSON.parse(request.body)).toEqual({
			branch_id: 'br_hsr',
			day: 'wednesday',
			session: 'Evening',
			start_time: '17:00',
			end_time: '19:00',
			max_slots: 4,
			ai_slots: 2,
			batch_name: 'E1',
			appointment_type_id: SEED_SERVICES.vaccination.service_id,
		});
		expect(result.json[0]).toMatchObject({ calendar_id: expect.stringMatching(/^cal_/), batch: 'E1', appointment_type: SEED_SERVICES.vaccination.service_id });
	});

	it.each([
		[{ endTime: '16:30' }, 'End Time (item 0): must be after the Start Time (17:00) but is 16:30'],
		[{ startTime: '5pm' }, 'Start Time (item 0): must be a time as HH:MM (e.g. 09:00) but received "5pm"'],
		[{ aiSlots: 5 }, 'AI Slots (item 0): must be at most Max Slots (4) but is 5'],
		[{ maxSlots: 0 }, 'Max Slots (item 0): must be a whole number of at least 1 but received 0'],
		[{ batchName: '' }, 'Batch Name (item 0): is required but received nothing'],
		[{ branch: { __rl: true, mode: 'list', value: '' } }, 'Branch (item 0): is required but received nothing'],
	])('refuses %j before sending', async (change, message) => {
		expect(errorOf(await ctx.run(windowParams(change))).message).toBe(message);
		expect(await ctx.admin.requests({ method: 'POST' })).toHaveLength(0);
	});

	it('a key without slots:write gets the scope explained', async () => {
		const { key } = (await ctx.admin.post('/api-keys', { scopes: ['appointments:write'] })) as { key: string };
		const error = errorOf(
			await ctx.run(windowParams(), { credentials: huskyVoiceApiCredentials({ baseUrl: ctx.sandbox.baseUrl, apiKey: key }), credentialId: 'writer-key' }),
		);
		expect(error.message).toMatch(/^The HuskyVoice API key may not do this — it lacks the scope/);
	});
});

describe('resource-locator lists (methods.listSearch)', () => {
	it('Service: every service by name, valued by its id, narrowed by the search text', async () => {
		expect((await listSearch(ctx.sandbox, 'searchServices')).results).toEqual([
			{ name: 'Consultation', value: SEED_SERVICES.consultation.service_id },
			{ name: 'Follow-up visit', value: SEED_SERVICES.followUp.service_id },
			{ name: 'Vaccination', value: SEED_SERVICES.vaccination.service_id },
		]);
		expect((await listSearch(ctx.sandbox, 'searchServices', 'VACC')).results).toEqual([{ name: 'Vaccination', value: SEED_SERVICES.vaccination.service_id }]);
	});

	it('Service: the bare-array answer fills the list too', async () => {
		await ctx.admin.config({ servicesShape: 'bare' });
		expect((await listSearch(ctx.sandbox, 'searchServices')).results).toHaveLength(3);
	});

	it('Branch: the branches in the availability of the coming days (one request per day), whatever today’s weekday', async () => {
		const run = ctx.run;
		await run(windowParams({ branch: { __rl: true, mode: 'id', value: 'br_whitefield' }, day: 'sunday' }));
		await run(windowParams({ branch: { __rl: true, mode: 'id', value: 'br_hsr' }, day: 'wednesday' }));
		await run(windowParams({ branch: { __rl: true, mode: 'id', value: 'br_far' }, day: 'saturday', session: 'Morning', startTime: '09:00', endTime: '10:00' }));
		const { results } = await listSearch(ctx.sandbox, 'searchBranches');
		expect(results).toEqual([
			{ name: 'br_far', value: 'br_far' },
			{ name: 'br_hsr', value: 'br_hsr' },
			{ name: 'br_whitefield', value: 'br_whitefield' },
		]);
		expect(await ctx.admin.requests({ method: 'GET', path: '/v1/appointment-slots/availability' })).toHaveLength(7);
		expect((await listSearch(ctx.sandbox, 'searchBranches', 'white')).results).toEqual([{ name: 'br_whitefield', value: 'br_whitefield' }]);
	});
});

describe('the Branch list’s days', () => {
	it('a week of UTC dates from today’s, across a month and year end, from one reading of the clock', () => {
		expect(lookaheadDates(Date.parse('2026-12-31T23:59:59.999Z'))).toEqual([
			'2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04', '2027-01-05', '2027-01-06',
		]);
		expect(lookaheadDates(Date.parse('2028-02-28T00:00:00.000Z'), 3)).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
	});
});
