import { addDays } from '../../nodes/shared/calendarDays';
import { SEED_SERVICES } from './booking.cjs';
import { errorOf, SEED_DATES, useFastBackoff, useSandbox } from './support.cjs';

const ctx = useSandbox();
useFastBackoff();

// 2030-06-03 is a Monday; the seed has slots on Monday 06-03 and Tuesday 06-04, none after.
const { open, second, noAvailability } = SEED_DATES; // 2030-06-03, 2030-06-04, 2030-06-05 (Wednesday)
const AVAILABILITY = '/v1/appointment-slots/availability';

const findNext = (extra: Record<string, unknown> = {}) => ({
	resource: 'slot',
	operation: 'findNextOpen',
	fromDate: open,
	...extra,
});
const rl = (mode: string, value: string) => ({ __rl: true, mode, value });

/** A weekly calendar window, created through the sandbox's REST API as the dashboard would. */
async function openWindow(fields: Record<string, unknown>): Promise<void> {
	const response = await fetch(`${ctx.sandbox.baseUrl}/appointment-slots`, {
		method: 'POST',
		headers: { authorization: `Bearer ${ctx.sandbox.apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({ branch_id: 'br_hsr', session: 'Morning', start_time: '10:00', end_time: '12:00', max_slots: 4, ai_slots: 2, batch_name: 'W1', ...fields }),
	});
	if (response.status !== 201) throw new Error(`window not created: ${response.status} ${await response.text()}`);
}

/** The dates asked for, in order, and each request's query besides the date. */
async function asked(): Promise<Array<{ date: string; rest: string; status?: number }>> {
	return (await ctx.admin.requests({ method: 'GET', path: AVAILABILITY })).map((r) => {
		const query = new URLSearchParams(r.path.split('?')[1]);
		const date = query.get('date') ?? '';
		query.delete('date');
		return { date, rest: query.toString(), status: r.status };
	});
}

const days = (from: string, count: number) => Array.from({ length: count }, (_, d) => addDays(from, d));

describe('calendar days', () => {
	it('adds days across month and leap-year ends', () => {
		expect(addDays('2030-06-28', 5)).toBe('2030-07-03');
		expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
		expect(addDays('2030-12-31', 1)).toBe('2031-01-01');
		expect(addDays('2030-06-03', 0)).toBe('2030-06-03');
	});
});

describe('Slot → Find Next Open', () => {
	it('outputs the first open slots in time order, one item each with its date, leaving out full ones, and stops asking once it has them', async () => {
		const result = await ctx.run(findNext());
		expect(result.error).toBeUndefined();
		// slot_2002 (Afternoon) is full; the two 09:00 slots keep HuskyVoice's order
		expect(result.json.map((s) => [s.date, s.slot_id, s.start_time])).toEqual([
			[open, 'slot_2001', '09:00'],
			[open, 'slot_2004', '09:00'],
			[open, 'slot_2003', '17:00'],
		]);
		expect(result.json[0]).toMatchObject({ found: true, branch_id: 'br_koramangala', session: 'Morning', available_slots: 2 });
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		expect((await asked()).map((r) => r.date)).toEqual([open]);
	});

	it('walks past days with no slots to the first day that has one', async () => {
		await openWindow({ day: 'saturday' }); // 2030-06-08
		const result = await ctx.run(findNext({ fromDate: noAvailability, slotCount: 1 }));
		expect(result.json).toEqual([expect.objectContaining({ found: true, date: '2030-06-08', branch_id: 'br_hsr', start_time: '10:00', available_slots: 2 })]);
		expect((await asked()).map((r) => r.date)).toEqual(['2030-06-05', '2030-06-06', '2030-06-07', '2030-06-08']);
	});

	it('continues into the next days until it has the number asked for', async () => {
		const result = await ctx.run(findNext({ slotCount: 5 }));
		expect(result.json.map((s) => `${s.date} ${s.slot_id}`)).toEqual([
			`${open} slot_2001`,
			`${open} slot_2004`,
			`${open} slot_2003`,
			`${second} slot_2005`,
			`${second} slot_2007`,
		]);
		expect((await asked()).map((r) => r.date)).toEqual([open, second]);
	});

	it('asking for more slots than exist outputs those found in the days searched', async () => {
		await openWindow({ day: 'saturday' });
		const result = await ctx.run(findNext({ fromDate: noAvailability, slotCount: 10 }));
		expect(result.json.map((s) => s.date)).toEqual(['2030-06-08', '2030-06-15']);
		expect((await asked()).map((r) => r.date)).toEqual(days(noAvailability, 14));
	});

	it('the day limit reached without an open slot is one item saying so, not an error', async () => {
		const result = await ctx.run(findNext({ fromDate: noAvailability }));
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([
			{
				found: false,
				message: 'No open slot in the 14 days from 2030-06-05 to 2030-06-18',
				from_date: '2030-06-05',
				to_date: '2030-06-18',
				days_searched: 14,
			},
		]);
		expect((await asked()).map((r) => r.date)).toEqual(days(noAvailability, 14));
	});

	it('Days to Search bounds the requests', async () => {
		const result = await ctx.run(findNext({ fromDate: noAvailability, daysToSearch: 1 }));
		expect(result.json).toEqual([expect.objectContaining({ found: false, message: 'No open slot in the 1 day from 2030-06-05 to 2030-06-05' })]);
		expect(await asked()).toHaveLength(1);
	});

	it('passes the branch and session filters to HuskyVoice on every day it asks about', async () => {
		const result = await ctx.run(findNext({ slotCount: 2, filters: { branch: rl('list', 'br_koramangala'), session: 'Evening' } }));
		expect(result.json.map((s) => `${s.date} ${s.slot_id}`)).toEqual([`${open} slot_2003`, `${second} slot_2006`]);
		expect(await asked()).toEqual([
			{ date: open, rest: 'branch_id=br_koramangala&session=Evening', status: 200 },
			{ date: second, rest: 'branch_id=br_koramangala&session=Evening', status: 200 },
		]);
	});

	it('the service filter skips slots restricted to another service; slots open to every service count', async () => {
		await openWindow({ day: 'thursday', appointment_type_id: SEED_SERVICES.vaccination.service_id }); // 2030-06-06
		await openWindow({ day: 'saturday' }); // 2030-06-08, any service
		const consultation = await ctx.run(findNext({ fromDate: noAvailability, slotCount: 1, filters: { service: rl('name', 'consultation') } }));
		expect(consultation.json.map((s) => [s.date, s.appointment_type])).toEqual([['2030-06-08', null]]);
		const vaccination = await ctx.run(
			findNext({ fromDate: noAvailability, slotCount: 1, filters: { service: rl('list', SEED_SERVICES.vaccination.service_id) } }),
		);
		expect(vaccination.json.map((s) => [s.date, s.appointment_type])).toEqual([['2030-06-06', SEED_SERVICES.vaccination.service_id]]);
	});

	it('an unknown service is refused, naming the field and the item, before any day is searched', async () => {
		const error = errorOf(await ctx.run(findNext({ filters: { service: rl('name', 'Dentistry') } })));
		expect(error.message).toBe('Service (item 0): is not a service of this organisation: "Dentistry"');
		expect(await asked()).toHaveLength(0);
	});

	it('refuses a From Date that is not YYYY-MM-DD, naming the field and the item, without sending anything', async () => {
		const error = errorOf(await ctx.run(findNext({ fromDate: '05/06/2030' })));
		expect(error.message).toBe('From Date (item 0): must be a date in YYYY-MM-DD format but received "05/06/2030"');
		expect(errorOf(await ctx.run(findNext({ fromDate: '2030-02-30' }))).message).toBe(
			'From Date (item 0): must be a date in YYYY-MM-DD format but received "2030-02-30"',
		);
		expect(await ctx.admin.requests()).toHaveLength(0);
	});

	it('refuses a Days to Search or Number of Slots out of range, naming the field and the item', async () => {
		expect(errorOf(await ctx.run(findNext({ daysToSearch: 91 }))).message).toBe(
			'Days to Search (item 0): must be a whole number from 1 to 90 but received 91',
		);
		expect(errorOf(await ctx.run(findNext({ slotCount: 0 }))).message).toBe(
			'Number of Slots (item 0): must be a whole number of at least 1 but received 0',
		);
		expect(await ctx.admin.requests()).toHaveLength(0);
	});

	it('each item searches on its own, its slots paired with it; with Continue On Fail a bad item does not stop the others', async () => {
		const result = await ctx.run(findNext({ fromDate: '={{ $json.from }}', slotCount: 1 }), {
			items: [{ from: second }, { from: 'soon' }, { from: open }],
			continueOnFail: true,
		});
		expect(result.items.map((item) => [(item.pairedItem as { item: number }).item, item.json.slot_id ?? item.json.error])).toEqual([
			[0, 'slot_2005'],
			[1, 'From Date (item 1): must be a date in YYYY-MM-DD format but received "soon"'],
			[2, 'slot_2001'],
		]);
	});

	it('under the rate limit: paced, a 429 retried by the shared retry, every day answered exactly once, nothing lost', async () => {
		await ctx.admin.config({ rateLimit: { limit: 6, windowMs: 500 } });
		await ctx.admin.fault({ route: `GET ${AVAILABILITY}`, rateLimitTimes: 1, retryAfterSeconds: 0 });
		const result = await ctx.run(findNext({ fromDate: '={{ $json.from }}', slotCount: 20 }), {
			items: [{ from: noAvailability }, { from: open }],
		});
		expect(result.error).toBeUndefined();
		expect(result.json[0]).toMatchObject({ found: false, days_searched: 14 });
		expect(result.json.slice(1).map((s) => s.slot_id)).toEqual(['slot_2001', 'slot_2004', 'slot_2003', 'slot_2005', 'slot_2007', 'slot_2006']);
		const requests = await asked();
		const answered = requests.filter((r) => r.status === 200).map((r) => r.date);
		expect(answered.sort()).toEqual([...days(noAvailability, 14), ...days(open, 14)].sort());
		expect(requests.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
		expect(requests.every((r) => r.status === 200 || r.status === 429)).toBe(true);
	}, 30_000);
});
