/**
 * Answers the sandbox does not produce (server errors, echoed tokens, other envelopes, dead
 * hosts), from a scripted server standing in for HuskyVoice's inbound hook.
 */
import { createHmac } from 'crypto';
import type { TestHttpServer } from '../helpers/index.cjs';
import { serialiseError, startTestHttpServer } from '../helpers/index.cjs';
import { runInbound, SCRIPTED_TOKEN, VALID_CALL, visibleText } from './fixtures.cjs';

jest.setTimeout(30_000);

let server: TestHttpServer;

beforeEach(async () => {
	server = await startTestHttpServer(() => ({ status: 201, body: { success: true, call_id: 'call_s1', status: 'queued', message: 'Call queued' } }));
});

afterEach(async () => {
	await server.stop();
});

const credential = () => ({ token: SCRIPTED_TOKEN, baseUrl: `${server.baseUrl}/v1` });

describe('inbound webhook request on the wire', () => {
	it('posts {action, data} as JSON to /hooks/<token> and returns call_id, status and message', async () => {
		const result = await runInbound(credential(), { ...VALID_CALL, additionalFields: { contactName: 'Asha' } });
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([{ call_id: 'call_s1', status: 'queued', message: 'Call queued' }]);
		const [request] = server.requests;
		expect(request.method).toBe('POST');
		expect(request.path).toBe(`/v1/hooks/${SCRIPTED_TOKEN}`);
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.rawBody).toBe(
			'{"action":"call.create","data":{"agent_id":"agent_inbound","contact_number":"+919876543210","contact_name":"Asha"}}',
		);
		expect(request.headers['x-inbound-signature']).toBeUndefined();
	});

	it('reads a cancel answer wrapped in { data } and keeps only the three documented fields', async () => {
		server.respondWith(() => ({ body: { data: { call_id: 'call_9', status: 'cancelled', cancelled_at: '2026-01-01T00:00:00Z' } } }));
		const result = await runInbound(credential(), { operation: 'cancel', callId: 'call_9' });
		expect(result.json).toEqual([{ call_id: 'call_9', status: 'cancelled' }]);
		expect(server.requests[0].body).toEqual({ action: 'call.cancel', data: { call_id: 'call_9' } });
	});

	it('fills in the call ID and status when a delete answer carries neither', async () => {
		server.respondWith(() => ({ body: { success: true, message: 'Call deleted' } }));
		const result = await runInbound(credential(), { operation: 'delete', callId: 'call_7' });
		expect(result.json).toEqual([{ call_id: 'call_7', status: 'deleted', message: 'Call deleted' }]);
	});

	it('validates fields before sending, with the same message as the action node', async () => {
		const result = await runInbound(credential(), { agentId: 'agent_inbound', contactNumber: '98765 43210' });
		expect(result.error?.message).toBe(
			'Contact Number (item 0): must be an Indian number in +91 format (+91 and 10 digits, e.g. +919876543210) but received "98765 43210"',
		);
		expect(server.requests).toHaveLength(0);
	});
});

describe('server validation', () => {
	it('400 shows the validation message HuskyVoice gave', async () => {
		server.respondWith(() => ({ status: 400, body: { success: false, error: 'agent_id agent_inbound does not exist', code: 'INVALID_REQUEST' } }));
		const result = await runInbound(credential(), VALID_CALL);
		expect(result.error?.message).toBe('HuskyVoice rejected the request: agent_id agent_inbound does not exist');
		expect(result.error?.httpCode).toBe('400');
		expect(server.requests).toHaveLength(1);
	});

	it('400 in the { error: { code, message } } shape shows its message too', async () => {
		server.respondWith(() => ({ status: 400, body: { error: { code: 'invalid_request', message: 'additional_info has 26 keys' } } }));
		const result = await runInbound(credential(), VALID_CALL);
		expect(result.error?.message).toBe('HuskyVoice rejected the request: additional_info has 26 keys');
	});
});

describe('retries', () => {
	it('retries a 5xx and re-signs the identical body for every attempt', async () => {
		let attempt = 0;
		server.respondWith(() => (++attempt < 3 ? { status: 503, body: { error: 'busy' } } : { status: 201, body: { success: true, call_id: 'call_r', status: 'queued' } }));
		const result = await runInbound({ ...credential(), signingSecret: 'whsec_retry' }, VALID_CALL);
		expect(result.json).toEqual([{ call_id: 'call_r', status: 'queued' }]);
		expect(server.requests).toHaveLength(3);
		const bodies = new Set(server.requests.map((request) => request.rawBody));
		expect(bodies.size).toBe(1);
		for (const request of server.requests) {
			const timestamp = request.headers['x-inbound-timestamp'] as string;
			const expected = createHmac('sha256', 'whsec_retry').update(`${timestamp}.${request.rawBody}`).digest('hex');
			expect(request.headers['x-inbound-signature']).toBe(expected);
		}
		const keys = new Set(server.requests.map((request) => request.headers['idempotency-key']));
		expect(keys.size).toBe(1);
	});

	it('gives up on a lasting 5xx after bounded retries, without the token', async () => {
		server.respondWith(() => ({ status: 500, body: { error: { code: 'internal', message: `hook ${SCRIPTED_TOKEN} crashed` } } }));
		const result = await runInbound(credential(), VALID_CALL);
		expect(result.error?.message).toBe('HuskyVoice had a server error');
		expect(result.error?.description).toContain('Gave up after 3 retries');
		expect(server.requests).toHaveLength(4);
		expect(visibleText(result, serialiseError)).not.toContain(SCRIPTED_TOKEN);
	});

	it('does not retry the daily quota unless the user enables it', async () => {
		server.respondWith(() => ({ status: 429, headers: { 'retry-after': '0' }, body: { success: false, error: 'Daily quota exceeded', code: 'RATE_LIMIT_EXCEEDED' } }));
		const result = await runInbound(credential(), VALID_CALL);
		expect(server.requests).toHaveLength(1);
		expect(result.error?.message).toMatch(/^Daily inbound quota reached/);
		expect(result.error?.description).toContain('Retry When Daily Quota Reached');
	});

	it('retries the daily quota when the user enables it', async () => {
		let attempt = 0;
		server.respondWith(() =>
			++attempt === 1
				? { status: 429, headers: { 'retry-after': '0' }, body: { success: false, error: 'Daily quota exceeded' } }
				: { status: 201, body: { success: true, call_id: 'call_q', status: 'queued' } },
		);
		const result = await runInbound(credential(), { ...VALID_CALL, options: { retryOnQuotaReached: true } });
		expect(result.json).toEqual([{ call_id: 'call_q', status: 'queued' }]);
		expect(server.requests).toHaveLength(2);
	});
});

describe('the token stays secret', () => {
	it('redacts a token that HuskyVoice echoes in an error', async () => {
		server.respondWith(() => ({ status: 401, body: { success: false, error: `Unknown hook ${SCRIPTED_TOKEN}`, code: 'unauthorized' } }));
		const result = await runInbound(credential(), VALID_CALL);
		expect(result.error?.message).toBe(
			'Token invalid or rotated, or signature rejected — check the HuskyVoice Inbound Webhook credential',
		);
		const text = visibleText(result, serialiseError);
		expect(text).toContain('[inbound token]');
		expect(text).not.toContain(SCRIPTED_TOKEN);
	});

	it('redacts a token that HuskyVoice echoes in a success answer', async () => {
		server.respondWith(() => ({ status: 201, body: { success: true, call_id: 'call_e', status: 'queued', message: `queued via ${SCRIPTED_TOKEN}` } }));
		const result = await runInbound(credential(), VALID_CALL);
		expect(JSON.stringify(result.json)).not.toContain(SCRIPTED_TOKEN);
	});

	it('reports a host that does not answer from the error code alone', async () => {
		const deadUrl = server.baseUrl;
		await server.stop();
		const result = await runInbound({ token: `${deadUrl}/v1/hooks/${SCRIPTED_TOKEN}` }, VALID_CALL);
		expect(result.error?.message).toBe('The HuskyVoice inbound webhook could not be reached — nothing was sent');
		expect(result.error?.description).toContain('refused');
		const text = visibleText(result, serialiseError);
		expect(text).not.toContain(SCRIPTED_TOKEN);
		expect(text).not.toContain('/hooks/');
		server = await startTestHttpServer();
	});
});
