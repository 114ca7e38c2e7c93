import { errorOf, SEED_DATES, useSandbox } from './support.cjs';

const ctx = useSandbox();
const check = (extra: Record<string, unknown> = {}) => ({
	resource: 'slot',
	operation: 'checkAvailability',
	date: SEED_DATES.open,
	...extra,
});

describe('Slot → Check Availability', () => {
	it('outputs one item per slot, each paired with the input item', async () => {
		const result = await ctx.run(check());
		expect(result.error).toBeUndefined();
		expect(result.json.map((slot) => slot.slot_id)).toEqual(['slot_2001', 'slot_2002', 'slot_2003', 'slot_2004']);
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(result.json[0]).toMatchObject({ session: 'Morning', ai_slots: 5, filled_slots: 3, available_slots: 2, status: 'OPEN' });
	});

	it('keeps pairing per input item when several dates are checked', async () => {
		const result = await ctx.run(check({ date: '={{ $json.day }}' }), {
			items: [{ day: SEED_DATES.second }, { day: SEED_DATES.open }],
		});
		expect(result.items.map((item) => [(item.pairedItem as { item: number }).item, item.json.slot_id])).toEqual([
			[0, 'slot_2005'],
			[0, 'slot_2006'],
			[0, 'slot_2007'],
			[1, 'slot_2001'],
			[1, 'slot_2002'],
			[1, 'slot_2003'],
			[1, 'slot_2004'],
		]);
	});

	it('"Only Slots With Capacity" leaves out full slots', async () => {
		const result = await ctx.run(check({ options: { onlyWithCapacity: true } }));
		expect(result.json.map((slot) => slot.slot_id)).toEqual(['slot_2001', 'slot_2003', 'slot_2004']);
	});

	it('passes branch and session filters to HuskyVoice', async () => {
		const result = await ctx.run(check({ filters: { branchId: 'br_koramangala', session: 'Evening' } }));
		expect(result.json.map((slot) => slot.slot_id)).toEqual(['slot_2003']);
		const [request] = await ctx.admin.requests();
		expect(request.path).toBe(
			`/v1/appointment-slots/availability?date=${SEED_DATES.open}&branch_id=br_koramangala&session=Evening`,
		);
	});

	it('"Raw Response" outputs one item with the date and the slot list', async () => {
		const result = await ctx.run(check({ options: { output: 'raw', onlyWithCapacity: true } }));
		expect(result.json).toHaveLength(1);
		expect(result.json[0]).toMatchObject({ success: true, date: SEED_DATES.open });
		expect((result.json[0].slots as Array<{ slot_id: string }>).map((slot) => slot.slot_id)).toEqual([
			'slot_2001',
			'slot_2003',
			'slot_2004',
		]);
	});

	it('a day without slots outputs no items', async () => {
		const result = await ctx.run(check({ date: SEED_DATES.noAvailability }));
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([]);
	});

	it('refuses a date that is not YYYY-MM-DD, naming the field and the item, without sending anything', async () => {
		const error = errorOf(await ctx.run(check({ date: '03/06/2030' })));
		expect(error.message).toBe('Date (item 0): must be a date in YYYY-MM-DD format but received "03/06/2030"');
		expect(await ctx.admin.requests()).toHaveLength(0);
	});
});
