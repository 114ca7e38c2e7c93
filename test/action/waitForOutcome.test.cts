import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { POLL_INTERVALS } from '../../nodes/shared/waitForCall';
import { announceCallEnded, waitingCallCount } from '../../nodes/shared/callEvents';
import { errorOf, onOneUtcDay, useFastBackoff, useSandbox, VALID_CALL } from './support.cjs';

const ctx = useSandbox();
useFastBackoff();

const original = { ...POLL_INTERVALS };
beforeAll(() => Object.assign(POLL_INTERVALS, { liveMs: 150, queuedMs: 400 }));
afterAll(() => Object.assign(POLL_INTERVALS, original));

const WAIT = { waitForOutcome: true, timeLimit: 30, timeLimitUnit: 'seconds' };

function outputs(result: { output: INodeExecutionData[][] | null }): IDataObject[][] {
	if (!result.output) throw new Error('the node threw');
	return result.output.map((items) => items.map((item) => item.json));
}

async function placeCall(contactNumber = '+919876543210'): Promise<string> {
	const result = await ctx.run({ ...VALID_CALL, contactNumber, options: { idempotencyKey: `k-${Math.random()}` } });
	return result.json[0].call_id as string;
}

describe('Call → Create with Wait for Outcome', () => {
	beforeEach(() => ctx.admin.config({ autoAdvanceMs: 20 }));

	it('a connected call ends on Completed with the summary, next step and transcript', async () => {
		const result = await ctx.run({ ...VALID_CALL, ...WAIT });
		const [completed, notReached, timedOut] = outputs(result);
		expect(notReached).toEqual([]);
		expect(timedOut).toEqual([]);
		expect(completed).toHaveLength(1);
		expect(completed[0]).toMatchObject({
			status: 'completed',
			summary: expect.stringContaining('confirmed the appointment'),
			next_step: expect.any(String),
			transcript: expect.stringMatching(/^agent: /),
			idempotency_key: expect.stringMatching(/^hv-/),
		});
		expect(result.output![0][0].pairedItem).toEqual({ item: 0 });
	});

	it('each final state lands on its output, each item paired to its input', async () => {
		const numbers = ['+919876500000', '+919876543210', '+919876511111', '+919876543211'];
		const result = await ctx.run(
			{ ...VALID_CALL, ...WAIT, contactNumber: '={{ $json.phone }}' },
			{ items: numbers.map((phone) => ({ phone })) },
		);
		const [completed, notReached] = result.output!;
		expect(completed.map((i) => [i.json.contact_number, i.pairedItem])).toEqual([
			['+919876543210', { item: 1 }],
			['+919876543211', { item: 3 }],
		]);
		expect(notReached.map((i) => [i.json.status, i.json.reason, i.pairedItem])).toEqual([
			['disallowed', 'The number is on the Do Not Disturb registry (dnd_registered)', { item: 0 }],
			['failed', 'The contact did not answer (no_answer)', { item: 2 }],
		]);
	});

	it('the time limit sends the item to Timed Out with the last known status and the call ID', async () => {
		await ctx.admin.config({ queuedMs: 60_000 });
		const result = await ctx.run({ ...VALID_CALL, ...WAIT, timeLimit: 1 });
		const [completed, notReached, timedOut] = outputs(result);
		expect([completed, notReached]).toEqual([[], []]);
		expect(timedOut).toEqual([expect.objectContaining({ call_id: expect.stringMatching(/^call_/), status: 'scheduled', timed_out: true })]);
		// The last status was read at the limit (capped poll), not only from Create's answer.
		expect((await ctx.admin.requests({ method: 'GET' })).length).toBeGreaterThanOrEqual(1);
	});

	it('running the same item again (n8n Retry) places no second call and waits for the first one again', async () => {
		const parameters = { ...VALID_CALL, ...WAIT };
		const { first, again, calls } = await onOneUtcDay(ctx, async () => ({
			first: outputs(await ctx.run(parameters))[0][0],
			again: outputs(await ctx.run(parameters))[0][0],
			calls: await ctx.admin.calls(),
		}));
		expect(again.call_id).toBe(first.call_id);
		expect(again.idempotency_key).toBe(first.idempotency_key);
		expect(calls).toHaveLength(1);
	});

	it('429 and 500 answers while waiting are retried, not fatal', async () => {
		await ctx.admin.fault({ route: 'GET /v1/calls/:id', rateLimitTimes: 2, retryAfterSeconds: 0 });
		const viaRateLimit = outputs(await ctx.run({ ...VALID_CALL, ...WAIT, contactNumber: '+919876543212' }));
		expect(viaRateLimit[0]).toHaveLength(1);
		// More 500s in a row than the transport retries: the wait outlasts them.
		await ctx.admin.fault({ route: 'GET /v1/calls/:id', failTimes: 9 });
		const viaServerErrors = outputs(await ctx.run({ ...VALID_CALL, ...WAIT, contactNumber: '+919876543213' }));
		expect(viaServerErrors[0]).toHaveLength(1);
		const statuses = (await ctx.admin.requests({ method: 'GET' })).map((r) => r.status);
		expect(statuses.filter((s) => s === 429)).toHaveLength(2);
		expect(statuses.filter((s) => s === 500)).toHaveLength(9);
	});

	it('with Continue On Fail an invalid time limit goes to the first output, naming field and item', async () => {
		const result = await ctx.run({ ...VALID_CALL, ...WAIT, timeLimit: 49, timeLimitUnit: 'hours' }, { continueOnFail: true });
		const [completed, notReached, timedOut] = outputs(result);
		expect(completed).toEqual([{ error: 'Time Limit (item 0): must be more than 0 and at most 48 hours but received 49 hours' }]);
		expect([notReached, timedOut]).toEqual([[], []]);
	});
});

describe('Call → Wait for Outcome', () => {
	it('a cancelled call goes to Not Reached', async () => {
		const callId = await placeCall();
		await ctx.run({ resource: 'call', operation: 'cancel', callId });
		const [, notReached] = outputs(
			await ctx.run({ resource: 'call', operation: 'waitForOutcome', callId, timeLimit: 5, timeLimitUnit: 'seconds' }),
		);
		expect(notReached).toEqual([expect.objectContaining({ call_id: callId, status: 'cancelled', reason: 'cancelled' })]);
	});

	it('an unknown call ID fails with the call named, without waiting out the limit', async () => {
		const error = errorOf(
			await ctx.run({ resource: 'call', operation: 'waitForOutcome', callId: 'call_missing', timeLimit: 1, timeLimitUnit: 'hours' }),
		);
		expect(error.message).toBe('No call with ID "call_missing" in this HuskyVoice account');
	});

	it('a final event announced by a Trigger in this process ends the wait before the next poll', async () => {
		Object.assign(POLL_INTERVALS, { queuedMs: 60_000 });
		try {
			const callId = await placeCall();
			const running = ctx.run({ resource: 'call', operation: 'waitForOutcome', callId, timeLimit: 10, timeLimitUnit: 'minutes' });
			while (waitingCallCount() === 0 || (await ctx.admin.requests({ method: 'GET' })).length === 0) {
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
			const ended = await ctx.admin.advance(callId, 'completed');
			announceCallEnded(ended as IDataObject);
			const [completed] = outputs(await running);
			expect(completed).toEqual([expect.objectContaining({ call_id: callId, status: 'completed', summary: expect.any(String) })]);
			// One poll when the wait began; the end came from the announcement, not from a second poll.
			expect(await ctx.admin.requests({ method: 'GET' })).toHaveLength(1);
		} finally {
			Object.assign(POLL_INTERVALS, { queuedMs: 400 });
		}
	});

	it('Simplify off keeps HuskyVoice’s answer as it came', async () => {
		const callId = await placeCall();
		await ctx.admin.advance(callId, 'completed');
		const [completed] = outputs(
			await ctx.run({ resource: 'call', operation: 'waitForOutcome', callId, simplify: false, timeLimit: 5, timeLimitUnit: 'seconds' }),
		);
		expect(completed[0]).toMatchObject({ call_id: callId, transcript: expect.any(Array), call_analytics: expect.any(Object) });
	});
});

describe('20 items waiting at once through one credential', () => {
	it('keep the sandbox’s request count within its limit in every window, with no 429, polls within half of it', async () => {
		const limit = { limit: 240, windowMs: 60_000 };
		await ctx.admin.config({ rateLimit: limit, autoAdvanceMs: 20 });
		const phones = Array.from({ length: 20 }, (_, i) => ({ phone: `+9198765${String(43000 + i).padStart(5, '0')}` }));
		const result = await ctx.run({ ...VALID_CALL, ...WAIT, contactNumber: '={{ $json.phone }}' }, { items: phones });
		const [completed, notReached, timedOut] = outputs(result);
		expect([completed.length, notReached.length, timedOut.length]).toEqual([20, 0, 0]);
		expect(result.output![0].map((item) => item.pairedItem)).toEqual(phones.map((_, item) => ({ item })));

		const requests = await ctx.admin.requests();
		const times = requests.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
		const busiestWindow = Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + limit.windowMs).length));
		console.log(`20 waiting items: ${requests.length} requests, busiest ${limit.windowMs} ms window ${busiestWindow} / ${limit.limit}`);
		expect(busiestWindow).toBeLessThanOrEqual(limit.limit);
		expect(requests.filter((r) => r.status === 429)).toEqual([]);
		const polls = requests.filter((r) => r.method === 'GET');
		expect(polls.length).toBeGreaterThanOrEqual(20);
		expect(polls.length).toBeLessThanOrEqual(limit.limit / 2);
	}, 60_000);
});
