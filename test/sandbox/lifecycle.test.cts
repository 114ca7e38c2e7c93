import { useSandboxWithReceiver, validCall, waitFor } from './test-client.cjs';

const env = useSandboxWithReceiver();

async function placeCall(contact_number = validCall.contact_number) {
	const res = await env.api('POST', '/calls', { ...validCall, contact_number });
	return res.body.data.call_id as string;
}

/** Deliveries run concurrently (as real webhooks do), so arrival order is not part of the contract. */
const eventTypes = () => env.receiver.received.map((r) => r.json.event_type).sort();

test('each advance moves an ordinary call one stage: initiated, ringing, in_progress, completed', async () => {
	const callId = await placeCall();
	const seen: string[] = [];
	for (let i = 0; i < 4; i++) seen.push((await env.admin('POST', `/calls/${callId}/advance`)).body.status);
	expect(seen).toEqual(['initiated', 'ringing', 'in_progress', 'completed']);
	expect((await env.admin('POST', `/calls/${callId}/advance`)).status).toBe(409);
});

test('a call stays scheduled while autoAdvanceMs is 0', async () => {
	const callId = await placeCall();
	await new Promise((resolve) => setTimeout(resolve, 50));
	expect((await env.api('GET', `/calls/${callId}`)).body.data.status).toBe('scheduled');
});

test('a completed call carries summary, transcript, call_analytics, recording_url, duration and outcome', async () => {
	const callId = await placeCall();
	await env.admin('POST', `/calls/${callId}/advance`, { to: 'completed' });
	const { data } = (await env.api('GET', `/calls/${callId}`)).body;
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
	await env.admin('POST', `/calls/${callId}/advance`, { to: 'completed' });
	await waitFor(() => env.receiver.received.length === 3);
	expect(eventTypes()).toEqual(['call.answered', 'call.completed', 'call.initiated']);
	const completed = env.receiver.received.find((r) => r.json.event_type === 'call.completed')!.json;
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
	await env.admin('POST', `/calls/${callId}/advance`);
	const { data } = (await env.api('GET', `/calls/${callId}`)).body;
	expect(data.status).toBe('disallowed');
	expect(data.error.code).toBe('dnd_registered');
	await waitFor(() => env.receiver.received.length === 1);
	expect(eventTypes()).toEqual(['call.disallowed']);
});

test('a number ending 1111 is not answered: the call fails after ringing', async () => {
	const callId = await placeCall('+919876541111');
	const res = await env.admin('POST', `/calls/${callId}/advance`, { to: 'failed' });
	expect(res.body.sandbox.history.map((h: { status: string }) => h.status)).toEqual([
		'scheduled',
		'initiated',
		'ringing',
		'failed',
	]);
	await waitFor(() => env.receiver.received.length === 2);
	expect(eventTypes()).toEqual(['call.failed', 'call.initiated']);
});

test('advance to an ending the number would not reach forces that ending', async () => {
	const callId = await placeCall();
	await env.admin('POST', `/calls/${callId}/advance`, { to: 'failed' });
	expect((await env.api('GET', `/calls/${callId}`)).body.data.status).toBe('failed');
});

test('with autoAdvanceMs the call walks through every stage by itself', async () => {
	await env.admin('POST', '/config', { autoAdvanceMs: 10 });
	const callId = await placeCall();
	await waitFor(() => env.sandbox.state.calls.get(callId)!.status === 'completed');
	await waitFor(() => env.receiver.received.length === 3);
	expect(eventTypes()).toEqual(['call.answered', 'call.completed', 'call.initiated']);
});

test('no credits left: an API call is created but ends disallowed for insufficient credits', async () => {
	await env.admin('POST', '/config', { credits: 0 });
	const callId = await placeCall();
	await env.admin('POST', `/calls/${callId}/advance`);
	const { data } = (await env.api('GET', `/calls/${callId}`)).body;
	expect(data).toMatchObject({ status: 'disallowed', error: { code: 'insufficient_credits' } });
});

test('with queuedMs a call stays scheduled that long before it starts, then walks on every autoAdvanceMs', async () => {
	await env.admin('POST', '/config', { autoAdvanceMs: 10, queuedMs: 300 });
	const callId = await placeCall();
	await new Promise((resolve) => setTimeout(resolve, 100));
	expect((await env.api('GET', `/calls/${callId}`)).body.data.status).toBe('scheduled');
	await waitFor(() => env.sandbox.state.calls.get(callId)!.status === 'completed');
	const history = env.sandbox.state.calls.get(callId)!.sandbox.history;
	const waited = Date.parse(history[1].at) - Date.parse(history[0].at);
	expect(waited).toBeGreaterThanOrEqual(290);
});

test('a completed call in the call_transcript spelling: text transcript, summary only in call_analytics', async () => {
	await env.admin('POST', '/config', { callDataSpelling: 'call_transcript' });
	const callId = await placeCall();
	await env.admin('POST', `/calls/${callId}/advance`, { to: 'completed' });
	const { data } = (await env.api('GET', `/calls/${callId}`)).body;
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
	expect((await env.admin('POST', '/config', { callDataSpelling: 'transcripts' })).status).toBe(400);
	expect((await env.admin('POST', '/config', { queuedMs: -1 })).status).toBe(400);
});

test('recorded requests carry the status they were answered with', async () => {
	await env.admin('POST', '/config', { rateLimit: { limit: 1, windowMs: 60_000 } });
	await env.api('GET', '/calls/call_nope');
	await env.api('GET', '/calls/call_nope');
	expect(env.sandbox.state.requests.map((r) => r.status)).toEqual([404, 429]);
});
