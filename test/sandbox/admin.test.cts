import { startSandbox } from './sandbox.cjs';
import { send, useSandbox, validCall } from './test-client.cjs';

const env = useSandbox();

test('the sandbox starts in under a second on a random 127.0.0.1 port', async () => {
	const started = performance.now();
	const own = await startSandbox();
	const ms = performance.now() - started;
	console.log(`sandbox started in ${ms.toFixed(1)} ms at ${own.baseUrl}`);
	try {
		expect(own.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
		expect(own.adminUrl).toBe(`${own.origin}/__admin`);
		expect(own.origin).not.toBe(env.sandbox.origin);
	} finally {
		await own.stop();
	}
});

test('stop is idempotent and frees the port', async () => {
	const own = await startSandbox();
	await Promise.all([own.stop(), own.stop()]);
	await expect(send('GET', `${own.adminUrl}`)).rejects.toThrow();
});

test('GET /__admin describes the sandbox: URLs, key, token, routes, config', async () => {
	const res = await env.admin('GET', '');
	expect(res.body).toMatchObject({
		baseUrl: env.sandbox.baseUrl,
		apiKey: env.sandbox.apiKey,
		inboundToken: env.sandbox.inboundToken,
		inboundHookUrl: `${env.sandbox.baseUrl}/hooks/${env.sandbox.inboundToken}`,
		routes: expect.arrayContaining(['POST /v1/calls']),
	});
});

test('every API request is recorded with method, path, headers and body', async () => {
	await env.api('POST', '/calls', validCall, { 'idempotency-key': 'k1' });
	const [recorded] = (await env.admin('GET', '/requests')).body;
	expect(recorded).toMatchObject({ method: 'POST', path: '/v1/calls', body: JSON.stringify(validCall) });
	expect(recorded.headers['idempotency-key']).toBe('k1');
	expect(recorded.headers.authorization).toBe(`Bearer ${env.sandbox.apiKey}`);
});

test('recorded requests can be filtered by method and path prefix', async () => {
	await env.api('GET', '/webhooks');
	await env.api('POST', '/calls', validCall);
	const res = await env.admin('GET', '/requests?method=post&path=/v1/calls');
	expect(res.body.map((r: { path: string }) => r.path)).toEqual(['/v1/calls']);
});

test('GET /__admin/calls lists calls with their sandbox bookkeeping', async () => {
	await env.api('POST', '/calls', validCall, { 'idempotency-key': 'k2' });
	const [call] = (await env.admin('GET', '/calls')).body;
	expect(call.sandbox).toMatchObject({ source: 'api', idempotencyKey: 'k2', plannedOutcome: 'completed' });
});

test('reset forgets calls, requests, faults and config changes and restores the seed', async () => {
	await env.api('POST', '/calls', validCall);
	await env.api('PATCH', '/appointments/apt_1001', { notes: 'changed' });
	await env.admin('POST', '/faults', { route: '*', latencyMs: 1 });
	await env.admin('POST', '/config', { flatCancelResponse: true });
	await env.admin('POST', '/reset');
	expect((await env.admin('GET', '/calls')).body).toEqual([]);
	expect((await env.admin('GET', '/requests')).body).toEqual([]);
	expect((await env.admin('GET', '/faults')).body).toEqual({});
	expect((await env.admin('GET', '/config')).body.flatCancelResponse).toBe(false);
	expect(env.sandbox.state.appointments.get('apt_1001')!.notes).toBeUndefined();
});

test('reset with keepWebhooks keeps the subscriptions', async () => {
	await env.admin('POST', '/webhooks', { url: 'http://127.0.0.1:9/x', events: ['*'] });
	await env.admin('POST', '/reset', { keepWebhooks: true });
	expect((await env.admin('GET', '/webhooks')).body).toHaveLength(1);
	await env.admin('POST', '/reset');
	expect((await env.admin('GET', '/webhooks')).body).toHaveLength(0);
});

test('POST /__admin/config changes the rate limit at runtime', async () => {
	const res = await env.admin('POST', '/config', { rateLimit: { limit: 1, windowMs: 60_000 } });
	expect(res.body.rateLimit).toEqual({ limit: 1, windowMs: 60_000 });
	expect((await env.api('GET', '/webhooks')).status).toBe(200);
	expect((await env.api('GET', '/webhooks')).status).toBe(429);
});

test('POST /__admin/config refuses unknown settings and wrong types with 400', async () => {
	expect((await env.admin('POST', '/config', { rateLimitt: 1 })).status).toBe(400);
	expect((await env.admin('POST', '/config', { credits: -1 })).status).toBe(400);
	expect((await env.admin('POST', '/config', { webhooksApiEnabled: 'no' })).status).toBe(400);
});

test('null clears an optional setting such as credits', async () => {
	await env.admin('POST', '/config', { credits: 0 });
	const res = await env.admin('POST', '/config', { credits: null });
	expect(res.body.credits).toBeUndefined();
});

test('admin advance of an unknown call answers 404 and a bad target 400', async () => {
	expect((await env.admin('POST', '/calls/call_nope/advance')).status).toBe(404);
	const created = await env.api('POST', '/calls', validCall);
	expect((await env.admin('POST', `/calls/${created.body.data.call_id}/advance`, { to: 'flying' })).status).toBe(400);
});

test('admin requests are not recorded and need no API key', async () => {
	await env.admin('GET', '/calls');
	expect(env.sandbox.state.requests).toEqual([]);
});
