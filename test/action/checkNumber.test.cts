import { useSandbox } from './support.cjs';

const ctx = useSandbox();

describe('Call → Check Number', () => {
	it('checks a contact list with Create’s own rule, keeps each item’s fields and sends nothing to HuskyVoice', async () => {
		const lines = [
			{ name: 'Asha Rao', number: '+91 98765 43210' },
			{ name: 'Kabir', number: '9812345678' },
			{ name: 'Diya', number: '919900112233' },
			{ name: 'Abroad', number: '+14155550100' },
			{ name: 'Short', number: '+9198765' },
			{ name: 'Nobody', number: '' },
		];
		const before = (await ctx.admin.requests()).length;
		const result = await ctx.run({ resource: 'call', operation: 'checkNumber', number: '={{ $json.number }}' }, { items: lines });
		expect(result.error).toBeUndefined();
		expect(result.json.map((j) => [j.name, j.valid, j.phone, j.problem])).toEqual([
			['Asha Rao', true, '+919876543210', null],
			['Kabir', true, '+919812345678', null],
			['Diya', true, '+919900112233', null],
			['Abroad', false, '+14155550100', 'must be an Indian number in +91 format (+91 and 10 digits, e.g. +919876543210)'],
			['Short', false, '+9198765', expect.stringContaining('+91 format')],
			['Nobody', false, '', 'no phone number'],
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual(lines.map((_, item) => ({ item })));
		expect((await ctx.admin.requests()).length).toBe(before);
	});

	it('without Normalise Number only the exact +91 form passes, as in Create', async () => {
		const result = await ctx.run(
			{ resource: 'call', operation: 'checkNumber', number: '={{ $json.number }}', normaliseNumber: false },
			{ items: [{ number: '+919876543210' }, { number: '98765 43210' }] },
		);
		expect(result.json.map((j) => j.valid)).toEqual([true, false]);
	});
});
