/**
 * The Inbound Webhook node against the local HuskyVoice sandbox: every action, every answer the
 * hook documents, request signing as the sandbox verifies it, and the token never shown.
 */
import { createHmac } from 'crypto';
import type { IDataObject } from 'n8n-workflow';
import type { Sandbox } from '../sandbox';
import { startSandbox } from '../sandbox';
import type { RunNodeOptions, RunNodeResult } from '../helpers/index.cjs';
import { serialiseError } from '../helpers/index.cjs';
import { runInbound, VALID_CALL, visibleText } from './fixtures.cjs';

jest.setTimeout(30_000);

const HOOK_ROUTE = 'POST /v1/hooks/:token';
const UNAUTHORISED =
	'Token invalid or rotated, or signature rejected — check the HuskyVoice Inbound Webhook credential';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => {
	await sandbox.stop();
});
beforeEach(() => {
	sandbox.state.reset();
});

async function admin(server: Sandbox, method: string, path: string, body?: unknown): Promise<unknown> {
	const response = await fetch(`${server.adminUrl}${path}`, {
		method,
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return await response.json();
}

interface ReceivedRequest {
	path: string;
	headers: Record<string, string>;
	body: string;
}

async function hookRequests(server: Sandbox): Promise<ReceivedRequest[]> {
	return (await admin(server, 'GET', '/requests?method=POST&path=/v1/hooks/')) as ReceivedRequest[];
}

/**
 * Runs the node against `server` and checks, for every run in this file, that the token it was
 * given appears in no output item and no part of the error.
 */
async function run(
	parameters: IDataObject,
	options: Partial<RunNodeOptions> & { server?: Sandbox; credential?: IDataObject } = {},
): Promise<RunNodeResult> {
	const { server = sandbox, credential, ...rest } = options;
	const given = credential ?? { token: server.inboundToken, baseUrl: server.baseUrl };
	const result = await runInbound(given, parameters, rest);
	const token = String(given.token).split('/hooks/').pop() as string;
	expect(visibleText(result, serialiseError)).not.toContain(token);
	return result;
}

async function createdCallId(): Promise<string> {
	const result = await run(VALID_CALL);
	return result.json[0].call_id as string;
}

describe('actions', () => {
	it('create call queues a call and returns call_id, status and message', async () => {
		const result = await run({ ...VALID_CALL, additionalFields: { contactName: 'Asha', additionalInfoJson: '{"invoice_id":"INV-42"}' } });
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([{ call_id: expect.stringMatching(/^call_/), status: 'queued', message: 'Call queued' }]);
		const call = sandbox.state.calls.get(result.json[0].call_id as string);
		expect(call).toMatchObject({
			agent_id: 'agent_inbound',
			contact_number: '+919876543210',
			contact_name: 'Asha',
			additional_info: { invoice_id: 'INV-42' },
			sandbox: { source: 'inbound' },
		});
	});

	it('cancel call cancels a queued call', async () => {
		const callId = await createdCallId();
		const result = await run({ operation: 'cancel', callId });
		expect(result.json).toEqual([{ call_id: callId, status: 'cancelled', message: 'Call cancelled' }]);
		expect(sandbox.state.calls.get(callId)?.status).toBe('cancelled');
	});

	it('delete call erases a completed call', async () => {
		const callId = await createdCallId();
		await admin(sandbox, 'POST', `/calls/${callId}/advance`, { to: 'completed' });
		const result = await run({ operation: 'delete', callId });
		expect(result.json).toEqual([{ call_id: callId, status: 'deleted', message: 'Call deleted' }]);
		expect(sandbox.state.calls.get(callId)?.contact_number).toBeNull();
	});

	it('works with the full inbound URL in the credential instead of the token', async () => {
		const result = await run(VALID_CALL, {
			credential: { token: `${sandbox.baseUrl}/hooks/${sandbox.inboundToken}`, baseUrl: 'https://api.huskyvoice.ai/v1' },
		});
		expect(result.json[0]).toMatchObject({ status: 'queued' });
	});
});

describe('answers explained', () => {
	it('401 after the token was rotated says to check the credential, without printing either token', async () => {
		const oldToken = sandbox.inboundToken;
		const { token: newToken } = (await admin(sandbox, 'POST', '/inbound/rotate')) as { token: string };
		const result = await run(VALID_CALL, { credential: { token: oldToken, baseUrl: sandbox.baseUrl } });
		expect(result.error?.message).toBe(UNAUTHORISED);
		const text = visibleText(result, serialiseError);
		expect(text).not.toContain(oldToken);
		expect(text).not.toContain(newToken);
	});

	it('402 says the account is out of credits', async () => {
		await admin(sandbox, 'POST', '/config', { credits: 0 });
		const result = await run(VALID_CALL);
		expect(result.error?.message).toMatch(/^Insufficient HuskyVoice credits/);
		expect(result.error?.httpCode).toBe('402');
	});

	it('404 on cancel says there is no call with that ID', async () => {
		const result = await run({ operation: 'cancel', callId: 'call_does_not_exist' });
		expect(result.error?.message).toBe('No call with this Call ID in this HuskyVoice account');
		expect(result.error?.description).toContain('call_does_not_exist not found');
	});

	it('404 on delete says the call may already be deleted', async () => {
		const result = await run({ operation: 'delete', callId: 'call_does_not_exist' });
		expect(result.error?.message).toBe(
			'No call with this Call ID in this HuskyVoice account — it may already have been deleted',
		);
	});

	it('cancel of a ringing call explains that only queued calls can be cancelled', async () => {
		const callId = await createdCallId();
		await admin(sandbox, 'POST', `/calls/${callId}/advance`, { to: 'ringing' });
		const result = await run({ operation: 'cancel', callId });
		expect(result.error?.message).toBe(
			'The call has already started — only queued or scheduled calls can be cancelled',
		);
		expect(result.error?.description).toContain('is ringing');
	});

	it('delete of a queued call explains that only completed calls can be deleted', async () => {
		const callId = await createdCallId();
		const result = await run({ operation: 'delete', callId });
		expect(result.error?.message).toBe(
			'Only completed (connected) calls can be deleted — this call has not completed',
		);
		expect(sandbox.state.calls.get(callId)?.contact_number).toBe('+919876543210');
	});

	it('429 says the daily inbound quota is reached and is not retried by default', async () => {
		await admin(sandbox, 'POST', '/config', { dailyInboundQuota: 1 });
		await createdCallId();
		const result = await run(VALID_CALL);
		expect(result.error?.message).toMatch(/^Daily inbound quota reached/);
		expect(result.error?.description).toContain('Retry When Daily Quota Reached');
		expect(await hookRequests(sandbox)).toHaveLength(2);
	});

	it('retries a server error and places exactly one call', async () => {
		await admin(sandbox, 'POST', '/faults', { route: HOOK_ROUTE, failTimes: 1 });
		const result = await run(VALID_CALL);
		expect(result.json[0]).toMatchObject({ status: 'queued' });
		expect(await hookRequests(sandbox)).toHaveLength(2);
		expect(sandbox.state.calls.size).toBe(1);
	});

	it('does not resend a create whose connection dropped after sending, so no second call is placed', async () => {
		await admin(sandbox, 'POST', '/faults', { route: HOOK_ROUTE, dropAfterCommitTimes: 1 });
		const result = await run(VALID_CALL);
		expect(result.error?.message).toBe(
			'The HuskyVoice inbound webhook did not answer — the request may or may not have been carried out',
		);
		expect(result.error?.description).toContain('may be called twice');
		expect(await hookRequests(sandbox)).toHaveLength(1);
		expect(sandbox.state.calls.size).toBe(1);
	});

	it('resends a cancel whose connection dropped, since cancelling again is harmless', async () => {
		const callId = await createdCallId();
		await admin(sandbox, 'POST', '/faults', { route: HOOK_ROUTE, dropAfterCommitTimes: 1 });
		const result = await run({ operation: 'cancel', callId });
		expect(result.json).toEqual([{ call_id: callId, status: 'cancelled', message: 'Call cancelled' }]);
	});
});

describe('signed requests', () => {
	const SECRET = 'whsec_inbound_sandbox_3c1f';
	let signing: Sandbox;

	beforeAll(async () => {
		signing = await startSandbox({ inboundSigningSecret: SECRET });
	});
	afterAll(async () => {
		await signing.stop();
	});
	beforeEach(() => {
		signing.state.reset();
	});

	const signedCredential = (secret: string | undefined) => ({
		token: signing.inboundToken,
		baseUrl: signing.baseUrl,
		...(secret === undefined ? {} : { signingSecret: secret }),
	});

	it('are accepted, and the signature is the HMAC of the exact bytes the sandbox received', async () => {
		const result = await run(
			{ ...VALID_CALL, additionalFields: { contactName: 'Ünïcødé “quoted”', additionalInfoJson: '{"note":"a\\u00e9 & <b>"}' } },
			{ server: signing, credential: signedCredential(SECRET) },
		);
		expect(result.json[0]).toMatchObject({ status: 'queued' });
		const [received] = await hookRequests(signing);
		const timestamp = received.headers['x-inbound-timestamp'];
		expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
		const independent = createHmac('sha256', SECRET).update(`${timestamp}.${received.body}`, 'utf8').digest('hex');
		expect(received.headers['x-inbound-signature']).toBe(independent);
		expect(received.headers['content-type']).toBe('application/json');
		expect(JSON.parse(received.body)).toEqual({
			action: 'call.create',
			data: {
				agent_id: 'agent_inbound',
				contact_number: '+919876543210',
				contact_name: 'Ünïcødé “quoted”',
				additional_info: { note: 'aé & <b>' },
			},
		});
	});

	it('a tampered body under the original signature is rejected', async () => {
		await run(VALID_CALL, { server: signing, credential: signedCredential(SECRET) });
		const [received] = await hookRequests(signing);
		const tampered = received.body.replace('+919876543210', '+919999999999');
		expect(tampered).not.toBe(received.body);
		const response = await fetch(`${signing.baseUrl}/hooks/${signing.inboundToken}`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-inbound-timestamp': received.headers['x-inbound-timestamp'],
				'x-inbound-signature': received.headers['x-inbound-signature'],
			},
			body: tampered,
		});
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ code: 'INVALID_SIGNATURE' });
		expect(signing.state.calls.size).toBe(1);
	});

	it('signed with the wrong secret are rejected with the credential message', async () => {
		const result = await run(VALID_CALL, { server: signing, credential: signedCredential('whsec_wrong') });
		expect(result.error?.message).toBe(UNAUTHORISED);
		expect(signing.state.calls.size).toBe(0);
	});

	it('unsigned, to a hook that requires signing, are rejected with a hint to add the secret', async () => {
		const result = await run(VALID_CALL, { server: signing, credential: signedCredential(undefined) });
		expect(result.error?.message).toBe(UNAUTHORISED);
		expect(result.error?.description).toContain('no Inbound Signing Secret');
	});

	it('a retried request is signed afresh and accepted', async () => {
		await admin(signing, 'POST', '/faults', { route: HOOK_ROUTE, failTimes: 1 });
		const result = await run({ operation: 'cancel', callId: 'call_missing' }, { server: signing, credential: signedCredential(SECRET) });
		// The retry got past the signature check to the action itself.
		expect(result.error?.message).toBe('No call with this Call ID in this HuskyVoice account');
		const received = await hookRequests(signing);
		expect(received).toHaveLength(2);
		for (const request of received) {
			const expected = createHmac('sha256', SECRET)
				.update(`${request.headers['x-inbound-timestamp']}.${request.body}`)
				.digest('hex');
			expect(request.headers['x-inbound-signature']).toBe(expected);
		}
	});
});

describe('several items', () => {
	const items = [{ phone: '+919876543210' }, { phone: '12345' }, { phone: '+919812345678' }];
	const perItem = { agentId: 'agent_inbound', contactNumber: '={{ $json.phone }}' };

	it('with Continue On Fail, a failing item becomes an error item paired with its input', async () => {
		const result = await run(perItem, { items, continueOnFail: true });
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.json[0]).toMatchObject({ status: 'queued' });
		expect(result.json[1].error).toMatch(/^Contact Number \(item 1\): must be an Indian number/);
		expect(result.json[2]).toMatchObject({ status: 'queued' });
		expect(sandbox.state.calls.size).toBe(2);
	});

	it('with Continue On Fail, a server refusal is an error item too', async () => {
		await admin(sandbox, 'POST', '/config', { dailyInboundQuota: 1 });
		const result = await run(perItem, { items: [items[0], items[2]], continueOnFail: true });
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.json[1]).toMatchObject({ error: expect.stringMatching(/^Daily inbound quota reached/) });
	});

	it('without Continue On Fail, the first failing item stops the run and is named', async () => {
		const result = await run(perItem, { items });
		expect(result.error?.message).toMatch(/^Contact Number \(item 1\)/);
		expect((result.error?.context as IDataObject | undefined)?.itemIndex).toBe(1);
		expect(sandbox.state.calls.size).toBe(1);
	});
});
