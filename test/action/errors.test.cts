import type { AddressInfo } from 'net';
import { createServer } from 'net';
import { huskyVoiceApiCredentials, serialiseError } from '../helpers/index.cjs';
import { errorOf, useFastBackoff, useSandbox, VALID_CALL } from './support.cjs';

const ctx = useSandbox();
useFastBackoff();

const get = (callId: string) => ({ resource: 'call', operation: 'get', callId });

function expectNoKey(text: string, key: string) {
	expect(text.length).toBeGreaterThan(0);
	expect(text).not.toContain(key);
}

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

describe('HuskyVoice error answers', () => {
	it('401: says the API key was rejected, without showing the key that was sent', async () => {
		const wrongKey = 'sk_live_WRONG_0123456789abcdef';
		const result = await ctx.run(VALID_CALL, {
			credentials: huskyVoiceApiCredentials({ baseUrl: ctx.sandbox.baseUrl, apiKey: wrongKey }),
		});
		const error = errorOf(result);
		expect(error.message).toBe('HuskyVoice rejected the API key — check the HuskyVoice API credential');
		expect((error as unknown as { httpCode: string }).httpCode).toBe('401');
		expectNoKey(serialiseError(error), wrongKey);
		expect(await ctx.admin.calls()).toHaveLength(0);
	});

	it('429 with Retry-After: waits as asked, retries, and places the call once', async () => {
		await ctx.admin.fault({ route: 'POST /v1/calls', rateLimitTimes: 1, retryAfterSeconds: 1 });
		const result = await ctx.run(VALID_CALL);
		expect(result.error).toBeUndefined();
		const requests = await ctx.admin.requests({ method: 'POST' });
		expect(requests).toHaveLength(2);
		expect(requests[0].headers['idempotency-key']).toBe(requests[1].headers['idempotency-key']);
		expect(await ctx.admin.calls()).toHaveLength(1);
	});

	it('429 that does not stop: gives up after bounded retries with a rate-limit message', async () => {
		await ctx.admin.fault({ route: 'GET /v1/calls/:id', rateLimitTimes: 50, retryAfterSeconds: 0 });
		const error = errorOf(await ctx.run(get('call_x')));
		expect(error.message).toBe(
			'HuskyVoice rate limit (60 requests per minute per API key) still exceeded after retrying',
		);
		expect(String(error.description)).toMatch(/Gave up after \d+ retries/);
		expect((await ctx.admin.requests()).length).toBeLessThanOrEqual(10);
	});

	it('500 that does not stop: gives up after bounded retries and tells the user the key that makes a re-run safe', async () => {
		await ctx.admin.fault({ route: 'POST /v1/calls', failTimes: 50 });
		const error = errorOf(await ctx.run(VALID_CALL));
		expect(error.message).toBe('HuskyVoice had a server error');
		expect(String(error.description)).toMatch(/Gave up after 3 retries\. Idempotency key: hv-[0-9a-f]{32}/);
		expect(await ctx.admin.requests()).toHaveLength(4);
		expectNoKey(serialiseError(error), ctx.sandbox.apiKey);
	});

	it('create that failed with 500s: says a call may have been placed and gives the key', async () => {
		await ctx.admin.fault({ route: 'POST /v1/calls', failTimes: 50 });
		const error = errorOf(await ctx.run(VALID_CALL));
		expect(String(error.description)).toMatch(
			/Idempotency key: hv-[0-9a-f]{32} — a call may have been placed; running this item again with the same key will not place a second call\./,
		);
	});

	it('create refused outright (429 every time): says no call was placed', async () => {
		await ctx.admin.fault({ route: 'POST /v1/calls', rateLimitTimes: 50, retryAfterSeconds: 0 });
		const error = errorOf(await ctx.run(VALID_CALL));
		expect(String(error.description)).toMatch(/Idempotency key: hv-[0-9a-f]{32} — no call was placed\./);
		expect(await ctx.admin.calls()).toHaveLength(0);
	});

	it('no answer at all: says the request may or may not have been carried out, without URL or key', async () => {
		const port = await closedPort();
		const error = errorOf(
			await ctx.run(VALID_CALL, {
				credentials: huskyVoiceApiCredentials({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: ctx.sandbox.apiKey }),
			}),
		);
		expect(error.message).toBe('HuskyVoice did not answer — the request may or may not have been carried out');
		expect(String(error.description)).toContain('The connection was refused — check the Base URL in the credential');
		expectNoKey(serialiseError(error), ctx.sandbox.apiKey);
	});

	it('the API key appears in no error message, description or serialised error of any kind', async () => {
		const key = ctx.sandbox.apiKey;
		const failures = [
			await ctx.run(get('call_missing')),
			await ctx.run({ ...VALID_CALL, contactNumber: '12345' }),
			await ctx.run({ resource: 'appointment', operation: 'update', appointmentId: 'apt_1001', updateFields: {} }),
			await ctx.run({ resource: 'slot', operation: 'checkAvailability', date: 'tomorrow' }),
		];
		for (const failure of failures) expectNoKey(serialiseError(errorOf(failure)), key);
		const kept = await ctx.run(get('call_missing'), { continueOnFail: true });
		expectNoKey(JSON.stringify(kept.output), key);
	});
});

describe('continueOnFail and item pairing', () => {
	it('keeps the good items and turns each failing item into an error item paired with its input', async () => {
		const placed = await ctx.run({ ...VALID_CALL, options: { idempotencyKey: 'good-call' } });
		const goodId = placed.json[0].call_id as string;
		const result = await ctx.run(get('={{ $json.id }}'), {
			continueOnFail: true,
			items: [{ id: goodId }, { id: 'call_missing' }, { id: goodId }, { id: '' }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(result.json[0]).toMatchObject({ call_id: goodId, status: 'scheduled' });
		expect(result.json[1]).toEqual({
			error: 'No call with ID "call_missing" in this HuskyVoice account',
			description: expect.stringContaining('HuskyVoice said: Call call_missing not found'),
		});
		expect(result.json[2]).toMatchObject({ call_id: goodId });
		expect(result.json[3]).toEqual({ error: 'Call ID (item 3): is required but received nothing' });
	});

	it('without continueOnFail the first failing item stops the node and the error carries its item index', async () => {
		const result = await ctx.run(get('={{ $json.id }}'), {
			items: [{ id: 'call_a' }, { id: '' }, { id: '' }],
		});
		const error = errorOf(result);
		expect(error.message).toBe('No call with ID "call_a" in this HuskyVoice account');
		expect((error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(0);
	});
});
