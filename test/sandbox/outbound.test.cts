import { execFileSync } from 'child_process';

import { startSandbox, type Sandbox } from './sandbox.cjs';
import { adminClient, apiClient, startReceiver, waitFor } from './test-client.cjs';

let sandbox: Sandbox;
let api: ReturnType<typeof apiClient>;
let admin: ReturnType<typeof adminClient>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
	sandbox = await startSandbox({ deliveryRetryDelaysMs: [10, 20, 30], rateLimit: { limit: 10_000, windowMs: 60_000 } });
	api = apiClient(sandbox);
	admin = adminClient(sandbox);
});
afterAll(() => sandbox.stop());
beforeEach(async () => {
	receiver = await startReceiver();
	sandbox.state.reset();
});
afterEach(async () => {
	await waitFor(() => sandbox.state.inflight.size === 0);
	await receiver.stop();
});

function opensslHmacHex(secret: string, raw: Buffer): string {
	const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret], { input: raw }).toString().trim();
	return out.split('= ').pop()!;
}

async function subscribe(events = ['call.completed']) {
	const res = await api('POST', '/webhooks', { url: receiver.url, events });
	return res.body.data as { id: string; url: string; events: string[]; secret: string };
}

const emitCompleted = (wait = true) => admin('POST', '/events', { event_type: 'call.completed', wait });

describe('/v1/webhooks (the assumed endpoint-management API)', () => {
	test('POST creates a subscription and returns its id, url, events and own whsec_ secret', async () => {
		const res = await api('POST', '/webhooks', { url: receiver.url, events: ['call.completed'] });
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			data: { id: expect.any(String), url: receiver.url, events: ['call.completed'], secret: expect.stringMatching(/^whsec_/) },
		});
		const other = await subscribe();
		expect(other.secret).not.toBe(res.body.data.secret);
	});

	test('GET lists subscriptions without their secrets', async () => {
		const { id } = await subscribe();
		const res = await api('GET', '/webhooks');
		expect(res.body).toEqual({ data: [{ id, url: receiver.url, events: ['call.completed'] }] });
	});

	test('DELETE removes a subscription (200) and an unknown id answers 404', async () => {
		const { id } = await subscribe();
		expect((await api('DELETE', `/webhooks/${id}`)).status).toBe(200);
		expect((await api('DELETE', `/webhooks/${id}`)).status).toBe(404);
		expect((await api('GET', '/webhooks')).body.data).toEqual([]);
	});

	test('a subscription without a valid url or events is refused with 400', async () => {
		expect((await api('POST', '/webhooks', { url: 'ftp://x', events: ['call.completed'] })).status).toBe(400);
		expect((await api('POST', '/webhooks', { url: receiver.url, events: [] })).status).toBe(400);
		expect((await api('POST', '/webhooks', { url: receiver.url, events: ['call.exploded'] })).status).toBe(400);
	});

	test('an account without the API answers 404 on all three routes', async () => {
		await admin('POST', '/config', { webhooksApiEnabled: false });
		expect((await api('POST', '/webhooks', { url: receiver.url, events: ['call.completed'] })).status).toBe(404);
		expect((await api('GET', '/webhooks')).status).toBe(404);
		expect((await api('DELETE', '/webhooks/we_x')).status).toBe(404);
	});

	test('the dashboard (admin API) adds, lists and removes subscriptions too', async () => {
		const added = await admin('POST', '/webhooks', { url: receiver.url, events: ['*'] });
		expect(added.status).toBe(201);
		expect(added.body.secret).toMatch(/^whsec_/);
		expect((await admin('GET', '/webhooks')).body).toHaveLength(1);
		expect((await api('GET', '/webhooks')).body.data).toHaveLength(1);
		expect((await admin('DELETE', `/webhooks/${added.body.id}`)).status).toBe(200);
		expect((await admin('GET', '/webhooks')).body).toHaveLength(0);
	});
});

describe('deliveries', () => {
	test('a signed outbound delivery verifies with openssl dgst -sha256 -hmac over the raw body', async () => {
		const { secret } = await subscribe();
		await emitCompleted();
		const [delivery] = receiver.received;
		expect(delivery.headers['x-husky-signature']).toBe(opensslHmacHex(secret, delivery.raw));
	});

	test('the legacy option signs with X-Webhook-Signature instead', async () => {
		const { secret } = await subscribe();
		await admin('POST', '/config', { legacySignatureHeader: true });
		await emitCompleted();
		const [delivery] = receiver.received;
		expect(delivery.headers['x-husky-signature']).toBeUndefined();
		expect(delivery.headers['x-webhook-signature']).toBe(opensslHmacHex(secret, delivery.raw));
	});

	test('an emitted call event carries the call envelope with the call\'s current data', async () => {
		await subscribe();
		const call = await api('POST', '/calls', { agent_id: 'agent_1', contact_number: '+919876543210' });
		const res = await admin('POST', '/events', { event_type: 'call.completed', call_id: call.body.data.call_id, data: { outcome: 'booked' }, wait: true });
		expect(res.status).toBe(201);
		expect(receiver.received[0].json).toEqual({
			event_id: res.body.event_id,
			event_type: 'call.completed',
			created_at: expect.any(String),
			org_id: expect.any(String),
			data: expect.objectContaining({ call_id: call.body.data.call_id, agent_id: 'agent_1', status: 'scheduled', outcome: 'booked' }),
		});
	});

	test('an emitted slot event carries the slot envelope', async () => {
		await subscribe(['slot.updated']);
		await admin('POST', '/events', { event_type: 'slot.updated', slot_id: 'slot_2001', wait: true });
		expect(receiver.received[0].json).toMatchObject({ event: 'slot.updated', slot: { slot_id: 'slot_2001' } });
	});

	test('only subscriptions to the event type receive it', async () => {
		await subscribe(['call.failed']);
		const res = await emitCompleted();
		expect(res.body.subscribers).toBe(0);
		expect(receiver.received).toHaveLength(0);
	});

	test('a non-2xx answer is retried after each configured delay, then given up', async () => {
		await receiver.stop();
		receiver = await startReceiver([500, 502, 503, 500]);
		await subscribe();
		const res = await emitCompleted();
		expect(res.body.deliveries.map((d: { attempt: number; status: number }) => [d.attempt, d.status])).toEqual([
			[1, 500],
			[2, 502],
			[3, 503],
			[4, 500],
		]);
		const times = res.body.deliveries.map((d: { at: string }) => Date.parse(d.at));
		[10, 20, 30].forEach((delay, i) => expect(times[i + 1] - times[i]).toBeGreaterThanOrEqual(delay));
		expect(receiver.received).toHaveLength(4);
	});

	test('a delivery that fails once succeeds on the retry with the same event_id and bytes', async () => {
		await receiver.stop();
		receiver = await startReceiver([500]);
		await subscribe();
		await emitCompleted();
		expect(receiver.received).toHaveLength(2);
		expect(receiver.received[1].raw.equals(receiver.received[0].raw)).toBe(true);
	});

	test('an unreachable endpoint is retried and every attempt is recorded with its error', async () => {
		await api('POST', '/webhooks', { url: 'http://127.0.0.1:1/nowhere', events: ['call.completed'] });
		const { body } = await emitCompleted();
		const deliveries = (await admin('GET', `/deliveries?event_id=${body.event_id}`)).body;
		expect(deliveries).toHaveLength(4);
		expect(deliveries[0]).toMatchObject({ url: 'http://127.0.0.1:1/nowhere', event_id: body.event_id, status: null, attempt: 1, ok: false });
		expect(typeof deliveries[0].latencyMs).toBe('number');
		expect(deliveries[0].error).toEqual(expect.any(String));
	});

	test('an endpoint slower than the delivery timeout counts as failed', async () => {
		await admin('POST', '/config', { deliveryTimeoutMs: 50, deliveryRetryDelaysMs: [] });
		const http = await import('http');
		const server = http.createServer(() => undefined); // never answers
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as { port: number };
		try {
			await api('POST', '/webhooks', { url: `http://127.0.0.1:${port}/slow`, events: ['call.completed'] });
			const { body } = await emitCompleted();
			expect(body.deliveries).toEqual([expect.objectContaining({ ok: false, status: null, error: expect.stringContaining('50 ms') })]);
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	test('redeliver sends the same event_id again on purpose', async () => {
		await subscribe();
		const { body } = await emitCompleted();
		await admin('POST', `/events/${body.event_id}/redeliver`, { wait: true });
		expect(receiver.received.map((r) => r.json.event_id)).toEqual([body.event_id, body.event_id]);
		const kinds = (await admin('GET', '/deliveries')).body.map((d: { kind: string }) => d.kind);
		expect(kinds).toEqual(['original', 'redelivery']);
	});

	test('with duplicateDeliveries on every event arrives twice with one event_id', async () => {
		await subscribe();
		await admin('POST', '/config', { duplicateDeliveries: true });
		await emitCompleted();
		expect(receiver.received).toHaveLength(2);
		expect(receiver.received[0].json.event_id).toBe(receiver.received[1].json.event_id);
	});

	test('with disableEndpointAfterFailures an endpoint failing that many events in a row gets nothing more until re-enabled', async () => {
		await admin('POST', '/config', { disableEndpointAfterFailures: 2, deliveryRetryDelaysMs: [] });
		const { id } = (await admin('POST', '/webhooks', { url: 'http://127.0.0.1:1/down', events: ['*'] })).body;
		await emitCompleted();
		await emitCompleted();
		expect((await emitCompleted()).body.subscribers).toBe(0);
		expect((await admin('GET', '/webhooks')).body[0]).toMatchObject({ id, disabled: true, failed_events: 2 });
		await admin('POST', `/webhooks/${id}/enable`);
		expect((await emitCompleted()).body.subscribers).toBe(1);
	});

	test('raw-delivery sends arbitrary bytes and headers and reports the status', async () => {
		const res = await admin('POST', '/raw-delivery', { url: receiver.url, body: '{"broken":', headers: { 'X-Husky-Signature': 'nope' } });
		expect(res.body).toMatchObject({ status: 200, latencyMs: expect.any(Number) });
		expect(receiver.received[0].raw.toString()).toBe('{"broken":');
		expect(receiver.received[0].headers['x-husky-signature']).toBe('nope');
	});
});
