import { startSandbox } from './sandbox.cjs';
import { send, useSandbox } from './test-client.cjs';

const env = useSandbox();

describe('auth', () => {
	test('a request without an API key is refused with 401 unauthorized', async () => {
		const res = await send('GET', `${env.sandbox.baseUrl}/webhooks`);
		expect(res.status).toBe(401);
		expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
	});

	test('a wrong Bearer key is refused with 401', async () => {
		const res = await send('GET', `${env.sandbox.baseUrl}/webhooks`, undefined, { authorization: 'Bearer sk_live_wrong' });
		expect(res.status).toBe(401);
	});

	test('the x-api-key header is accepted as well as Bearer', async () => {
		const res = await send('GET', `${env.sandbox.baseUrl}/webhooks`, undefined, { 'x-api-key': env.sandbox.apiKey });
		expect(res.status).toBe(200);
	});

	test('a fixed apiKey option is the key the sandbox accepts', async () => {
		const own = await startSandbox({ apiKey: 'sk_test_fixed' });
		try {
			expect(own.apiKey).toBe('sk_test_fixed');
			const res = await send('GET', `${own.baseUrl}/webhooks`, undefined, { authorization: 'Bearer sk_test_fixed' });
			expect(res.status).toBe(200);
		} finally {
			await own.stop();
		}
	});

	test('the default API key looks like sk_test_ plus hex', () => {
		expect(env.sandbox.apiKey).toMatch(/^sk_test_[0-9a-f]{32}$/);
	});

	test('an unknown /v1 route answers 404 after auth', async () => {
		expect((await env.api('GET', '/nothing-here')).status).toBe(404);
		expect((await send('GET', `${env.sandbox.baseUrl}/nothing-here`)).status).toBe(401);
	});
});

describe('rate limit', () => {
	test('the 61st request in a minute is refused with 429 RATE_LIMIT_EXCEEDED and Retry-After', async () => {
		for (let i = 0; i < 60; i++) expect((await env.api('GET', '/webhooks')).status).toBe(200);
		const res = await env.api('GET', '/webhooks');
		expect(res.status).toBe(429);
		expect(res.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
		const retryAfter = Number(res.headers['retry-after']);
		expect(Number.isInteger(retryAfter)).toBe(true);
		expect(retryAfter).toBeGreaterThanOrEqual(1);
		expect(retryAfter).toBeLessThanOrEqual(60);
	});

	test('every answer tells the client its limit, what is left and when a slot frees', async () => {
		const before = Date.now();
		const res = await env.api('GET', '/webhooks');
		expect(res.headers['x-ratelimit-limit']).toBe('60');
		expect(res.headers['x-ratelimit-remaining']).toBe('59');
		const reset = Number(res.headers['x-ratelimit-reset']);
		expect(reset).toBeGreaterThanOrEqual(before + 60_000);
		expect(reset).toBeLessThanOrEqual(Date.now() + 60_000);
	});

	test('the window slides: once the oldest request is older than the window a slot frees', async () => {
		env.sandbox.state.config.rateLimit = { limit: 2, windowMs: 1000 };
		await env.api('GET', '/webhooks');
		await new Promise((resolve) => setTimeout(resolve, 500));
		await env.api('GET', '/webhooks');
		const limited = await env.api('GET', '/webhooks');
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBe('1');
		await new Promise((resolve) => setTimeout(resolve, 600)); // first request left the window, second not
		expect((await env.api('GET', '/webhooks')).status).toBe(200);
		expect((await env.api('GET', '/webhooks')).status).toBe(429);
	});

	test('the limit is counted per API key: unauthenticated requests do not use it up', async () => {
		env.sandbox.state.config.rateLimit = { limit: 1, windowMs: 60_000 };
		await send('GET', `${env.sandbox.baseUrl}/webhooks`);
		expect((await env.api('GET', '/webhooks')).status).toBe(200);
	});
});
