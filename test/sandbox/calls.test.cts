import { useSandbox, validCall } from './test-client.cjs';

const env = useSandbox({ rateLimit: { limit: 10_000, windowMs: 60_000 } });

async function placeCall(body: object = validCall) {
	const res = await env.api('POST', '/calls', body);
	expect(res.status).toBe(201);
	return res.body.data.call_id as string;
}

describe('create call', () => {
	test('a valid call is scheduled and answered 201 with its call_id', async () => {
		const res = await env.api('POST', '/calls', validCall);
		expect(res.status).toBe(201);
		expect(res.body).toEqual({ data: { call_id: expect.stringMatching(/^call_/), status: 'scheduled' } });
	});

	test('two creates with one Idempotency-Key place one call and return the same call_id', async () => {
		const headers = { 'idempotency-key': 'retry-123' };
		const first = await env.api('POST', '/calls', validCall, headers);
		const second = await env.api('POST', '/calls', validCall, headers);
		expect(first.status).toBe(201);
		expect(second.status).toBe(200);
		expect(second.body.data.call_id).toBe(first.body.data.call_id);
		expect(env.sandbox.state.calls.size).toBe(1);
	});

	test('different Idempotency-Keys place different calls', async () => {
		await env.api('POST', '/calls', validCall, { 'idempotency-key': 'a' });
		await env.api('POST', '/calls', validCall, { 'idempotency-key': 'b' });
		expect(env.sandbox.state.calls.size).toBe(2);
	});

	test.each([
		['agent_id', 'missing', { ...validCall, agent_id: undefined }],
		['contact_number', 'missing', { ...validCall, contact_number: undefined }],
		['contact_number', 'without +91', { ...validCall, contact_number: '9876543210' }],
		['contact_number', 'with 11 digits', { ...validCall, contact_number: '+9198765432101' }],
		['contact_number', 'not Indian', { ...validCall, contact_number: '+14155550123' }],
		['contact_email', 'malformed', { ...validCall, contact_email: 'not-an-email' }],
		['additional_info', 'an array', { ...validCall, additional_info: ['a'] }],
		['additional_info', 'with 26 keys', { ...validCall, additional_info: Object.fromEntries([...Array(26)].map((_, i) => [`k${i}`, i])) }],
		['additional_info.nested', 'an object value', { ...validCall, additional_info: { nested: { a: 1 } } }],
	])('a create with %s %s is refused with 400 invalid_request naming the field', async (field, _how, body) => {
		const res = await env.api('POST', '/calls', body);
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('invalid_request');
		expect(res.body.error.message).toContain(field);
		expect(env.sandbox.state.calls.size).toBe(0);
	});

	test('additional_info with exactly 25 scalar keys is accepted', async () => {
		const info = Object.fromEntries([...Array(25)].map((_, i) => [`k${i}`, i % 2 ? `v${i}` : i]));
		expect((await env.api('POST', '/calls', { ...validCall, additional_info: info })).status).toBe(201);
	});

	test('a body that is not JSON is refused with 400', async () => {
		const res = await env.api('POST', '/calls', '{not json');
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('invalid_request');
	});
});

describe('get call', () => {
	test('a placed call is shown with every documented field', async () => {
		const callId = await placeCall({ ...validCall, additional_info: { visit: 'follow-up' } });
		const res = await env.api('GET', `/calls/${callId}`);
		expect(res.status).toBe(200);
		expect(res.body.data).toMatchObject({
			call_id: callId,
			status: 'scheduled',
			agent_id: 'agent_42',
			contact_number: '+919876543210',
			contact_name: 'Asha',
			contact_email: 'asha@example.com',
			additional_info: { visit: 'follow-up' },
			completed_at: null,
			error: null,
		});
		for (const field of ['scheduled_at', 'created_at', 'updated_at']) expect(typeof res.body.data[field]).toBe('string');
		expect(res.body.data.sandbox).toBeUndefined();
	});

	test('an unknown call id answers 404 not_found', async () => {
		const res = await env.api('GET', '/calls/call_nope');
		expect(res.status).toBe(404);
		expect(res.body.error.code).toBe('not_found');
	});
});

describe('cancel call', () => {
	test('a scheduled call is cancelled with call_id, status and cancelled_at', async () => {
		const callId = await placeCall();
		const res = await env.api('POST', `/calls/${callId}/cancel`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ data: { call_id: callId, status: 'cancelled', cancelled_at: expect.any(String) } });
	});

	test('cancelling an already cancelled call succeeds again', async () => {
		const callId = await placeCall();
		await env.api('POST', `/calls/${callId}/cancel`);
		const again = await env.api('POST', `/calls/${callId}/cancel`);
		expect(again.status).toBe(200);
		expect(again.body.data.status).toBe('cancelled');
	});

	test('cancel after ringing is refused with 409 call_not_cancellable', async () => {
		const callId = await placeCall();
		await env.admin('POST', `/calls/${callId}/advance`, { to: 'ringing' });
		const res = await env.api('POST', `/calls/${callId}/cancel`);
		expect(res.status).toBe(409);
		expect(res.body.error.code).toBe('call_not_cancellable');
	});

	test('with flatCancelResponse on, cancel answers the flat success shape', async () => {
		await env.admin('POST', '/config', { flatCancelResponse: true });
		const callId = await placeCall();
		const res = await env.api('POST', `/calls/${callId}/cancel`);
		expect(res.body).toEqual({ success: true, call_id: callId, status: 'cancelled', message: expect.any(String) });
	});

	test('cancelling an unknown call answers 404', async () => {
		expect((await env.api('POST', '/calls/call_nope/cancel')).status).toBe(404);
	});
});

describe('delete call', () => {
	test('deleting a completed call answers 200, erases its PII and hides it from the API', async () => {
		const callId = await placeCall();
		await env.admin('POST', `/calls/${callId}/advance`, { to: 'completed' });
		const res = await env.api('DELETE', `/calls/${callId}`, undefined, { 'x-api-key': env.sandbox.apiKey });
		expect(res.status).toBe(200);
		const record = env.sandbox.state.calls.get(callId)!;
		expect(record).toMatchObject({
			contact_name: null,
			contact_email: null,
			contact_number: null,
			transcript: null,
			recording_url: null,
		});
		expect((await env.api('GET', `/calls/${callId}`)).status).toBe(404);
	});

	test('deleting a call that has not completed is refused with 409', async () => {
		const callId = await placeCall();
		const res = await env.api('DELETE', `/calls/${callId}`);
		expect(res.status).toBe(409);
		expect(env.sandbox.state.calls.get(callId)!.contact_number).toBe('+919876543210');
	});

	test('deleting an unknown call answers 404', async () => {
		expect((await env.api('DELETE', '/calls/call_nope')).status).toBe(404);
	});
});
