import { useSandbox, validCall } from './test-client.cjs';

const env = useSandbox();

test('failTimes answers 500 that many times without acting, then the route works again', async () => {
	await env.admin('POST', '/faults', { route: 'POST /v1/calls', failTimes: 2 });
	expect((await env.api('POST', '/calls', validCall)).status).toBe(500);
	expect((await env.api('POST', '/calls', validCall)).status).toBe(500);
	expect(env.sandbox.state.calls.size).toBe(0);
	expect((await env.api('POST', '/calls', validCall)).status).toBe(201);
});

test('drop-after-commit really commits: the call exists although the client got no answer', async () => {
	await env.admin('POST', '/faults', { route: 'POST /v1/calls', dropAfterCommitTimes: 1 });
	const headers = { 'idempotency-key': 'drop-1' };
	await expect(env.api('POST', '/calls', validCall, headers)).rejects.toThrow();
	expect(env.sandbox.state.calls.size).toBe(1);
	const retry = await env.api('POST', '/calls', validCall, headers);
	expect(retry.status).toBe(200);
	expect(retry.body.data.call_id).toBe([...env.sandbox.state.calls.keys()][0]);
	expect(env.sandbox.state.calls.size).toBe(1);
});

test('rateLimitTimes answers 429 RATE_LIMIT_EXCEEDED with the chosen Retry-After that many times', async () => {
	await env.admin('POST', '/faults', { route: 'GET /v1/calls/:id', rateLimitTimes: 1, retryAfterSeconds: 3 });
	const res = await env.api('GET', '/calls/call_x');
	expect(res.status).toBe(429);
	expect(res.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
	expect(res.headers['retry-after']).toBe('3');
	expect((await env.api('GET', '/calls/call_x')).status).toBe(404);
});

test('latencyMs delays every answer of the route', async () => {
	await env.admin('POST', '/faults', { route: 'GET /v1/webhooks', latencyMs: 150 });
	const started = Date.now();
	expect((await env.api('GET', '/webhooks')).status).toBe(200);
	expect(Date.now() - started).toBeGreaterThanOrEqual(140);
});

test('a fault on one route leaves the other routes alone', async () => {
	await env.admin('POST', '/faults', { route: 'POST /v1/calls', failTimes: 5 });
	expect((await env.api('GET', '/webhooks')).status).toBe(200);
});

test('route * applies a fault to every API route', async () => {
	await env.admin('POST', '/faults', { route: '*', failTimes: 1 });
	expect((await env.api('GET', '/webhooks')).status).toBe(500);
	expect((await env.api('GET', '/webhooks')).status).toBe(200);
});

test('faults work on the inbound hook too', async () => {
	await env.admin('POST', '/faults', { route: 'POST /v1/hooks/:token', dropAfterCommitTimes: 1 });
	const hook = `/hooks/${env.sandbox.inboundToken}`;
	await expect(env.api('POST', hook, { action: 'call.create', data: validCall })).rejects.toThrow();
	expect(env.sandbox.state.calls.size).toBe(1);
});

test('an unknown route key is refused with 400 listing the known ones', async () => {
	const res = await env.admin('POST', '/faults', { route: 'POST /v1/nothing', failTimes: 1 });
	expect(res.status).toBe(400);
	expect(res.body.error.message).toContain('POST /v1/calls');
});

test('DELETE /__admin/faults clears every fault', async () => {
	await env.admin('POST', '/faults', { route: 'POST /v1/calls', failTimes: 5 });
	await env.admin('DELETE', '/faults');
	expect((await env.api('POST', '/calls', validCall)).status).toBe(201);
});
