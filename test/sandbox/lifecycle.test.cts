import { startSandbox, type Sandbox } from './sandbox.cjs';
import { adminClient, apiClient, startReceiver, validCall, waitFor } from './test-client.cjs';

let sandbox: Sandbox;
let api: ReturnType<typeof apiClient>;
let admin: ReturnType<typeof adminClient>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
	sandbox = await startSandbox({ rateLimit: { limit: 10_000, windowMs: 60_000 } });
	api = apiClient(sandbox);
	admin = adminClient(sandbox);
	receiver = await startReceiver();
});
afterAll(async () => {
	await sandbox.stop();
	await receiver.stop();
});
beforeEach(async () => {
	await waitFor(() => sandbox.state.inflight.size === 0); // the previous test's deliveries have landed
	sandbox.state.reset();
	receiver.received.length = 0;
	await admin('POST', '/webhooks', { url: receiver.url, events: ['*'] });
});

async function placeCall(contact_number = validCall.contact_number) {
	const res = await api('POST', '/calls', { ...validCall, contact_number });
	return res.body.data.call_id as string;
}

/** Deliveries run concurrently (as real webhooks do), so arrival order is not part of the contract. */
const eventTypes = () => receiver.received.map((r) => r.json.event_type).sort();

test('each advance moves an ordinary call one stage: initiated, ringing, in_progress, completed', async () => {
	const callId = await placeCall();
	const seen: string[] = [];
	for (let i = 0; i < 4; i++) seen.push((await admin('POST', `/calls/${callId}/advance`)).body.status);
	expect(seen).toEqual(['initiated', 'ringing', 'in_progress', 'completed']);
	expect((await admin('POST', `/calls/${callId}/advance`)).status).toBe(409);
});

test('a call stays scheduled while autoAdvanceMs is 0', async () => {
	const callId = await placeCall();
	await new Promise((resolve) => setTimeout(resolve, 50));
	expect((await api('GET', `/calls/${callId}`)).body.data.status).toBe('scheduled');
});

test('a completed call carries summary, transcript, call_analytics, recording_url, duration and outcome', async () => {
	const callId = await placeCall();
	await admin('POST', `/calls/${callId}/advance`, { to: 'completed' });
	const { data } = (await api('GET', `/calls/${callId}`)).body;
	expect(data).toMatchObject({
		status: 'completed',
		summary: expect.any(String),
		call_analytics: { summary: expect.any(String), next_step: expect.any(String) },
		recording_url: expect.stringMatching(/^https:\/\//),
		duration_seconds: expect.any(Number),
		outcome: expect.any(String),
		completed_at: expect.any(String),
	});
	expect(data.transcript[0]).toEqual({ speaker: expect.any(String), text: expect.any(String) });
});

test('an ordinary call emits call.initiated, call.answered and call.completed', async () => {
	const callId = await placeCall();
	await admin('POST', `/calls/${callId}/advance`, { to: 'completed' });
	await waitFor(() => receiver.received.length === 3);
	expect(eventTypes()).toEqual(['call.answered', 'call.completed', 'call.initiated']);
	const completed = receiver.received.find((r) => r.json.event_type === 'call.completed')!.json;
	expect(completed).toMatchObject({
		event_id: expect.stringMatching(/^evt_/),
		event_type: 'call.completed',
		created_at: expect.any(String),
		org_id: expect.any(String),
		data: { call_id: callId, agent_id: 'agent_42', status: 'completed' },
	});
});

test('a number ending 0000 is on DND: the call ends disallowed before dialling', async () => {
	const callId = await placeCall('+919876540000');
	await admin('POST', `/calls/${callId}/advance`);
	const { data } = (await api('GET', `/calls/${callId}`)).body;
	expect(data.status).toBe('disallowed');
	expect(data.error.code).toBe('dnd_registered');
	await waitFor(() => receiver.received.length === 1);
	expect(eventTypes()).toEqual(['call.disallowed']);
});

test('a number ending 1111 is not answered: the call fails after ringing', async () => {
	const callId = await placeCall('+919876541111');
	const res = await admin('POST', `/calls/${callId}/advance`, { to: 'failed' });
	expect(res.body.sandbox.history.map((h: { status: string }) => h.status)).toEqual([
		'scheduled',
		'initiated',
		'ringing',
		'failed',
	]);
	await waitFor(() => receiver.received.length === 2);
	expect(eventTypes()).toEqual(['call.failed', 'call.initiated']);
});

test('advance to an ending the number would not reach forces that ending', async () => {
	const callId = await placeCall();
	await admin('POST', `/calls/${callId}/advance`, { to: 'failed' });
	expect((await api('GET', `/calls/${callId}`)).body.data.status).toBe('failed');
});

test('with autoAdvanceMs the call walks through every stage by itself', async () => {
	await admin('POST', '/config', { autoAdvanceMs: 10 });
	const callId = await placeCall();
	await waitFor(() => sandbox.state.calls.get(callId)!.status === 'completed');
	await waitFor(() => receiver.received.length === 3);
	expect(eventTypes()).toEqual(['call.answered', 'call.completed', 'call.initiated']);
});

test('no credits left: an API call is created but ends disallowed for insufficient credits', async () => {
	await admin('POST', '/config', { credits: 0 });
	const callId = await placeCall();
	await admin('POST', `/calls/${callId}/advance`);
	const { data } = (await api('GET', `/calls/${callId}`)).body;
	expect(data).toMatchObject({ status: 'disallowed', error: { code: 'insufficient_credits' } });
});

test('with queuedMs a call stays scheduled that long before it starts, then walks on every autoAdvanceMs', async () => {
	await admin('POST', '/config', { autoAdvanceMs: 10, queuedMs: 300 });
	const callId = await placeCall();
	await new Promise((resolve) => setTimeout(resolve, 100));
	expect((await api('GET', `/calls/${callId}`)).body.data.status).toBe('scheduled');
	await waitFor(() => sandbox.state.calls.get(callId)!.status === 'completed');
	const history = sandbox.state.calls.get(callId)!.sandbox.history;
	const waited = Date.parse(history[1].at) - Date.parse(history[0].at);
	expect(waited).toBeGreaterThanOrEqual(290);
});

test('a completed call in the call_transcript spelling: text transcript, summary only in call_analytics', async () => {
	await admin('POST', '/config', { callDataSpelling: 'call_transcript' });
	const callId = await placeCall();
	await admin('POST', `/calls/${callId}/advance`, { to: 'completed' });
	const { data } = (await api('GET', `/calls/${callId}`)).body;
	expect(data.summary).toBeUndefined();
	expect(data.transcript).toBeUndefined();
	expect(data.call_transcript).toMatch(/^agent: Hello .*\ncustomer: /);
	expect(data).toMatchObject({
		call_analytics: { summary: expect.any(String), next_step: expect.any(String) },
		recording_url: expect.stringMatching(/^https:\/\//),
		duration_seconds: expect.any(Number),
		outcome: expect.any(String),
	});
});

test('config rejects an unknown call data spelling and a negative queuedMs', async () => {
	expect((await admin('POST', '/config', { callDataSpelling: 'transcripts' })).status).toBe(400);
	expect((await admin('POST', '/config', { queuedMs: -1 })).status).toBe(400);
});

test('recorded requests carry the status they were answered with', async () => {
	await admin('POST', '/config', { rateLimit: { limit: 1, windowMs: 60_000 } });
	await api('GET', '/calls/call_nope');
	await api('GET', '/calls/call_nope');
	expect(sandbox.state.requests.map((r) => r.status)).toEqual([404, 429]);
});
