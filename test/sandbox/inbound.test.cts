import { createHmac } from 'crypto';

import { startSandbox } from './sandbox.cjs';
import { send, useSandbox, validCall } from './test-client.cjs';

const env = useSandbox();

const hook = (action: string, data: object, headers: Record<string, string> = {}, token = env.sandbox.inboundToken) =>
	send('POST', `${env.sandbox.baseUrl}/hooks/${token}`, { action, data }, headers);

function signed(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
	const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
	return { 'x-inbound-timestamp': String(timestamp), 'x-inbound-signature': signature, 'content-type': 'application/json' };
}

async function completedCallId() {
	const created = await hook('call.create', validCall);
	await env.admin('POST', `/calls/${created.body.call_id}/advance`, { to: 'completed' });
	return created.body.call_id as string;
}

test('call.create queues a call and answers 201 success, call_id, status queued, message', async () => {
	const res = await hook('call.create', validCall);
	expect(res.status).toBe(201);
	expect(res.body).toEqual({ success: true, call_id: expect.stringMatching(/^call_/), status: 'queued', message: expect.any(String) });
	expect(env.sandbox.state.calls.get(res.body.call_id)!.status).toBe('queued');
});

test('the hook needs no API key: the token in the URL is the credential', async () => {
	const res = await hook('call.create', validCall);
	expect(res.status).toBe(201);
	expect(res.headers['x-ratelimit-limit']).toBeUndefined();
});

test('call.create with 26 additional_info keys is refused with 400', async () => {
	const additional_info = Object.fromEntries([...Array(26)].map((_, i) => [`k${i}`, 'v']));
	const res = await hook('call.create', { ...validCall, additional_info });
	expect(res.status).toBe(400);
	expect(res.body).toEqual({ success: false, error: expect.stringContaining('additional_info'), code: 'INVALID_REQUEST' });
});

test('an unknown action is refused with 400', async () => {
	expect((await hook('call.explode', {})).status).toBe(400);
});

test('call.cancel cancels a queued call; an unknown call is 404; a ringing call is 409', async () => {
	const created = await hook('call.create', validCall);
	const cancelled = await hook('call.cancel', { call_id: created.body.call_id });
	expect(cancelled.status).toBe(200);
	expect(cancelled.body).toMatchObject({ success: true, call_id: created.body.call_id, status: 'cancelled' });
	expect((await hook('call.cancel', { call_id: 'call_nope' })).status).toBe(404);
	const ringing = await hook('call.create', validCall);
	await env.admin('POST', `/calls/${ringing.body.call_id}/advance`, { to: 'ringing' });
	expect((await hook('call.cancel', { call_id: ringing.body.call_id })).status).toBe(409);
});

test('call.delete erases a completed call and refuses one that is still queued', async () => {
	const callId = await completedCallId();
	const deleted = await hook('call.delete', { call_id: callId });
	expect(deleted.status).toBe(200);
	expect(env.sandbox.state.calls.get(callId)!.contact_number).toBeNull();
	const queued = await hook('call.create', validCall);
	expect((await hook('call.delete', { call_id: queued.body.call_id })).status).toBe(409);
});

test('a rotated token is refused with 401 at once, the new one works', async () => {
	const old = env.sandbox.inboundToken;
	const rotated = await env.admin('POST', '/inbound/rotate');
	expect(rotated.body.token).not.toBe(old);
	expect(env.sandbox.inboundToken).toBe(rotated.body.token);
	expect((await hook('call.create', validCall, {}, old)).status).toBe(401);
	expect((await hook('call.create', validCall, {}, rotated.body.token)).status).toBe(201);
});

test('a wrong token is refused with 401 and no call is placed', async () => {
	expect((await hook('call.create', validCall, {}, 'deadbeef')).status).toBe(401);
	expect(env.sandbox.state.calls.size).toBe(0);
});

describe('with a signing secret', () => {
	const secret = 'inbound_secret_1';
	beforeEach(() => env.admin('POST', '/config', { inboundSigningSecret: secret }));
	const post = (body: string, headers: Record<string, string>) =>
		send('POST', `${env.sandbox.baseUrl}/hooks/${env.sandbox.inboundToken}`, body, headers);

	test('a request signed over "{timestamp}.{raw body}" is accepted', async () => {
		const body = JSON.stringify({ action: 'call.create', data: validCall });
		expect((await post(body, signed(secret, body))).status).toBe(201);
	});

	test('an unsigned request is refused with 401', async () => {
		expect((await hook('call.create', validCall)).status).toBe(401);
	});

	test('a signature over different bytes is refused with 401', async () => {
		const body = JSON.stringify({ action: 'call.create', data: validCall });
		const res = await post(body.replace('agent_42', 'agent_43'), signed(secret, body));
		expect(res.status).toBe(401);
		expect(res.body.code).toBe('INVALID_SIGNATURE');
	});

	test('a timestamp more than 300 seconds old is refused with 401 even when correctly signed', async () => {
		const body = JSON.stringify({ action: 'call.create', data: validCall });
		const stale = Math.floor(Date.now() / 1000) - 301;
		expect((await post(body, signed(secret, body, stale))).status).toBe(401);
		expect(env.sandbox.state.calls.size).toBe(0);
	});

	test('the inboundSigningSecret option switches enforcement on from the start', async () => {
		const own = await startSandbox({ inboundSigningSecret: 'abc' });
		try {
			expect(own.inboundSigningSecret).toBe('abc');
			const res = await send('POST', `${own.baseUrl}/hooks/${own.inboundToken}`, { action: 'call.create', data: validCall });
			expect(res.status).toBe(401);
		} finally {
			await own.stop();
		}
	});
});

test('with no credits left call.create is refused with 402', async () => {
	await env.admin('POST', '/config', { credits: 1 });
	expect((await hook('call.create', validCall)).status).toBe(201);
	const res = await hook('call.create', validCall);
	expect(res.status).toBe(402);
	expect(res.body.code).toBe('INSUFFICIENT_CREDITS');
});

test('over the daily quota the hook answers 429 with Retry-After', async () => {
	await env.admin('POST', '/config', { dailyInboundQuota: 2 });
	await hook('call.create', validCall);
	await hook('call.create', validCall);
	const res = await hook('call.create', validCall);
	expect(res.status).toBe(429);
	expect(res.body.code).toBe('DAILY_QUOTA_EXCEEDED');
	expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
	expect(env.sandbox.state.calls.size).toBe(2);
});
