import { idempotencyKeyFor } from '../../nodes/HuskyVoice/helpers/idempotencyKey';
import { errorOf, headerOf, useFastBackoff, useSandbox, VALID_CALL, zoneWhereItIsNow } from './support.cjs';

const ctx = useSandbox();
useFastBackoff();

describe('Call → Create', () => {
	it('places the call with the fields set and outputs call_id, status and the Idempotency-Key used', async () => {
		const result = await ctx.run({
			...VALID_CALL,
			additionalFields: {
				contactName: ' Asha Rao ',
				contactEmail: 'asha@example.com',
				additionalInfoJson: '{"invoice_id": "INV-42", "amount": 1500}',
				additionalInfo: { pair: [{ key: 'clinic', value: 'Koramangala' }] },
			},
			// The organisation's clock shows noon: the calling window is open, so no starts_after.
			retry: { timeZone: zoneWhereItIsNow(12) },
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toEqual({
			call_id: expect.stringMatching(/^call_/),
			status: 'scheduled',
			idempotency_key: expect.stringMatching(/^hv-[0-9a-f]{32}$/),
			attempt: 1,
		});
		const [request] = await ctx.admin.requests({ method: 'POST', path: '/v1/calls' });
		expect(JSON.parse(request.body)).toEqual({
			agent_id: 'agent_reminders',
			contact_number: '+919876543210',
			contact_name: 'Asha Rao',
			contact_email: 'asha@example.com',
			additional_info: { invoice_id: 'INV-42', amount: 1500, clinic: 'Koramangala' },
		});
		expect(headerOf(request, 'idempotency-key')).toBe(item.json.idempotency_key);
		expect(headerOf(request, 'authorization')).toBe(`Bearer ${ctx.sandbox.apiKey}`);
	});

	it('derives the default key from workflow id, node id, UTC date and the request body', async () => {
		const result = await ctx.run(VALID_CALL, { workflowId: 'wf-42', nodeId: 'node-7' });
		expect(result.json[0].idempotency_key).toBe(
			idempotencyKeyFor({
				workflowId: 'wf-42',
				nodeId: 'node-7',
				now: new Date(),
				body: { agent_id: 'agent_reminders', contact_number: '+919876543210' },
			}),
		);
	});

	it('running the same execution again (n8n "Retry") places no second call', async () => {
		const first = await ctx.run(VALID_CALL);
		const second = await ctx.run(VALID_CALL);
		expect(second.json[0].call_id).toBe(first.json[0].call_id);
		expect(await ctx.admin.calls()).toHaveLength(1);
	});

	it('a create answered 500 and retried sends the identical Idempotency-Key and places one call', async () => {
		await ctx.admin.fault({ route: 'POST /v1/calls', failTimes: 2 });
		const result = await ctx.run(VALID_CALL);
		expect(result.error).toBeUndefined();
		const requests = await ctx.admin.requests({ method: 'POST', path: '/v1/calls' });
		expect(requests).toHaveLength(3);
		const keys = new Set(requests.map((r) => headerOf(r, 'idempotency-key')));
		expect([...keys]).toEqual([result.json[0].idempotency_key]);
		expect(await ctx.admin.calls()).toHaveLength(1);
	});

	it('a create whose connection drops after HuskyVoice placed the call is retried with the same key and still places one call', async () => {
		await ctx.admin.fault({ route: 'POST /v1/calls', dropAfterCommitTimes: 1 });
		const result = await ctx.run(VALID_CALL);
		expect(result.error).toBeUndefined();
		const requests = await ctx.admin.requests({ method: 'POST', path: '/v1/calls' });
		expect(requests).toHaveLength(2);
		expect(headerOf(requests[0], 'idempotency-key')).toBe(headerOf(requests[1], 'idempotency-key'));
		const calls = await ctx.admin.calls();
		expect(calls).toHaveLength(1);
		expect(result.json[0].call_id).toBe(calls[0].call_id);
	});

	it('two identical items on the same day become one call (documented trade-off of the default key)', async () => {
		const result = await ctx.run(VALID_CALL, { items: [{}, {}] });
		expect(result.json[0].call_id).toBe(result.json[1].call_id);
		expect(await ctx.admin.calls()).toHaveLength(1);
	});

	it('an Idempotency Key expression per item places a call for every item', async () => {
		const result = await ctx.run(
			{ ...VALID_CALL, options: { idempotencyKey: '={{ $execution.id }}-{{ $itemIndex }}' } },
			{ items: [{}, {}], executionId: 'exec-9' },
		);
		expect(result.json.map((j) => j.idempotency_key)).toEqual(['exec-9-0', 'exec-9-1']);
		expect(await ctx.admin.calls()).toHaveLength(2);
	});

	it('reads each item’s own values from expressions', async () => {
		const result = await ctx.run(
			{ ...VALID_CALL, contactNumber: '={{ $json.phone }}', additionalFields: { contactName: '={{ $json.name }}' } },
			{ items: [{ phone: '+919000000001', name: 'A' }, { phone: '+919000000002', name: 'B' }] },
		);
		expect(result.error).toBeUndefined();
		const bodies = (await ctx.admin.requests({ method: 'POST' })).map((r) => JSON.parse(r.body));
		expect(bodies.map((b) => [b.contact_number, b.contact_name]).sort()).toEqual([
			['+919000000001', 'A'],
			['+919000000002', 'B'],
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('Call → Create validation', () => {
	const cases: Array<[string, Record<string, unknown>, RegExp]> = [
		['a number without +91', { contactNumber: '9876543210' }, /^Contact Number \(item 1\): must be an Indian number in \+91 format .* but received "9876543210"/],
		['a number with spaces', { contactNumber: '+91 98765 43210' }, /^Contact Number \(item 1\): must be an Indian number/],
		['an empty agent ID', { agentId: '' }, /^Agent ID \(item 1\): is required but received nothing/],
		['an invalid email', { additionalFields: { contactEmail: 'asha@' } }, /^Contact Email \(item 1\): is not a valid email address/],
		[
			'more than 25 additional info keys',
			{ additionalFields: { additionalInfoJson: JSON.stringify(Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, i]))) } },
			/^Additional Info \(JSON\) \(item 1\): has 26 keys; HuskyVoice accepts at most 25/,
		],
		['a nested additional info value', { additionalFields: { additionalInfoJson: '{"a": {"b": 1}}' } }, /^Additional Info \(JSON\) \(item 1\): value of "a" must be text/],
		['additional info that is not JSON', { additionalFields: { additionalInfoJson: '{oops' } }, /^Additional Info \(JSON\) \(item 1\): is not valid JSON/],
		['an Idempotency Key with a line break', { options: { idempotencyKey: 'a\nb' } }, /^Idempotency Key \(item 1\): must be at most 255 printable ASCII/],
	];

	it.each(cases)('refuses %s, naming the field and the item, and sends nothing', async (_label, override, message) => {
		const parameters = { ...VALID_CALL, ...override };
		const kept = await ctx.run(parameters, { items: [{}, {}], continueOnFail: true });
		expect(kept.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(kept.items[1].json.error).toMatch(message);
		expect(kept.items[0].json.error).toMatch(new RegExp(message.source.replace('item 1', 'item 0')));

		const error = errorOf(await ctx.run(parameters, { items: [{}, {}] }));
		expect(error.message).toMatch(/\(item 0\)/);
		expect((error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(0);
		expect(await ctx.admin.requests()).toHaveLength(0);
	});

	it('normalises spaces, dashes and a missing +91 only when "Normalise Number" is on', async () => {
		const result = await ctx.run({
			...VALID_CALL,
			contactNumber: '98765-43210',
			additionalFields: { normaliseNumber: true },
		});
		expect(result.error).toBeUndefined();
		const [request] = await ctx.admin.requests({ method: 'POST' });
		expect(JSON.parse(request.body).contact_number).toBe('+919876543210');
	});
});
