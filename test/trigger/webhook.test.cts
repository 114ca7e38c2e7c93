import { createHmac } from 'crypto';
import { WebhookContext } from 'n8n-core';
import type { IDataObject, IWebhookData, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { SIGNING_SECRET_REREAD_MS } from '../../nodes/HuskyVoiceTrigger/delivery';
import { storeRegistration } from '../../nodes/HuskyVoiceTrigger/registration';
import type { WebhookServer } from '../helpers/index.cjs';
import { serveWebhook } from '../helpers/index.cjs';
import { nodeStaticData, triggerWorkflow, webhookUrlOf } from '../helpers/trigger.cjs';
import fixture from './fixtures/signed-deliveries.json';

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

const SECRET = 'whsec_trigger_test_5b7c';
const MANUAL_SECRET = { huskyVoiceWebhookSecretApi: { signingSecret: SECRET } };

const CALL_EVENT =
	'{"event_id":"evt_call_1","event_type":"call.completed","created_at":"2030-06-03T10:15:00Z","org_id":"org_42","data":{"call_id":"call_1","agent_id":"agt_1","status":"completed","duration_seconds":61}}';
const APPOINTMENT_EVENT =
	'{"event_id":"evt_appt_1","event":"appointment.updated","timestamp":"2030-06-03T11:00:00Z","appointment":{"appointment_id":"apt_1","status":"confirmed","doctor_name":"Dr. Mehta"}}';
const SLOT_EVENT =
	'{"event_id":"evt_slot_1","event":"slot.updated","timestamp":"2030-06-03T12:00:00Z","slot":{"slot_id":"slot_1","available_slots":3}}';

let servers: WebhookServer[] = [];
afterEach(async () => {
	await Promise.all(servers.map((server) => server.stop()));
	servers = [];
});

async function serveTrigger(parameters: IDataObject = {}, credentials = MANUAL_SECRET) {
	const harness = triggerWorkflow({
		parameters: { registration: 'manual', events: ['*'], ...parameters },
		credentials,
	});
	const server = await serveWebhook(harness);
	servers.push(server);
	return { harness, server };
}

async function post(server: WebhookServer, body: string, headers: Record<string, string> = {}) {
	const response = await fetch(server.url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body,
	});
	return { status: response.status, text: await response.text() };
}

describe('HuskyVoice Trigger webhook — signature', () => {
	it('a correctly signed delivery starts one execution and is answered 200', async () => {
		const { server } = await serveTrigger();
		const response = await post(server, CALL_EVENT, { 'X-Husky-Signature': sign(SECRET, CALL_EVENT) });
		expect(response.status).toBe(200);
		expect(server.executions).toHaveLength(1);
	});

	it('the delivery recorded with openssl verifies end to end', async () => {
		const { server } = await serveTrigger({}, { huskyVoiceWebhookSecretApi: { signingSecret: fixture.secret } });
		const { body, opensslSignature } = fixture.callCompleted;
		const response = await post(server, body, { 'X-Husky-Signature': opensslSignature });
		expect(response.status).toBe(200);
		expect(server.executions[0]).toEqual([expect.objectContaining({ event_id: 'evt_01HZX3K9Q2', event_type: 'call.completed' })]);
	});

	it('a delivery signed under the legacy X-Webhook-Signature header is accepted', async () => {
		const { server } = await serveTrigger();
		const response = await post(server, CALL_EVENT, { 'X-Webhook-Signature': sign(SECRET, CALL_EVENT) });
		expect(response.status).toBe(200);
		expect(server.executions).toHaveLength(1);
	});

	it.each([
		['a tampered body', CALL_EVENT.replace('"duration_seconds":61', '"duration_seconds":62'), sign(SECRET, CALL_EVENT)],
		['a signature made with another secret', CALL_EVENT, sign('whsec_attacker', CALL_EVENT)],
		['a signature of the wrong length', CALL_EVENT, sign(SECRET, CALL_EVENT).slice(0, 40)],
		[
			'the same JSON re-serialised with other whitespace',
			JSON.stringify(JSON.parse(CALL_EVENT), null, 1),
			sign(SECRET, CALL_EVENT),
		],
	])('%s is answered 401 and starts no execution', async (_case, body, signature) => {
		const { server } = await serveTrigger();
		const response = await post(server, body, { 'X-Husky-Signature': signature });
		expect(response.status).toBe(401);
		expect(JSON.parse(response.text)).toEqual({ error: 'Invalid or missing signature' });
		expect(server.executions).toHaveLength(0);
		expect(server.deliveries[0].result).toEqual({ noWebhookResponse: true });
	});

	it('a delivery without a signature header is answered 401 and starts no execution', async () => {
		const { server } = await serveTrigger();
		const response = await post(server, CALL_EVENT);
		expect(response.status).toBe(401);
		expect(server.executions).toHaveLength(0);
	});

	it('a forged delivery never echoes the secret, the signature or the body', async () => {
		const { server } = await serveTrigger();
		const forged = sign('whsec_attacker', CALL_EVENT);
		const response = await post(server, CALL_EVENT, { 'X-Husky-Signature': forged });
		expect(response.text).not.toContain(SECRET);
		expect(response.text).not.toContain(forged);
		expect(response.text).not.toContain('call_1');
	});

	it('logs a refused delivery without the secret, the signature or the body', async () => {
		// Replace the logger n8n-core hands every node context (this.logger) with a recorder;
		// n8n-core has its own copies of @n8n/di and @n8n/backend-common, so load those.
		const fromCore = { paths: [require.resolve('n8n-core')] };
		const { Container } = require(require.resolve('@n8n/di', fromCore)) as typeof import('@n8n/di');
		const { Logger } = require(require.resolve('@n8n/backend-common', fromCore)) as typeof import('@n8n/backend-common');
		type Logger = InstanceType<typeof Logger>;
		const original = Container.get(Logger);
		const lines: unknown[] = [];
		const record = (...args: unknown[]) => void lines.push(args);
		Container.set(Logger, { debug: record, info: record, warn: record, error: record } as unknown as Logger);
		try {
			const { server } = await serveTrigger();
			const forged = sign('whsec_attacker', CALL_EVENT);
			await post(server, CALL_EVENT, { 'X-Husky-Signature': forged });
			const output = JSON.stringify(lines);
			expect(output).toContain('refused a delivery');
			for (const secretish of [SECRET, forged, 'call_1']) expect(output).not.toContain(secretish);
		} finally {
			Container.set(Logger, original);
		}
	});

	it('Manual mode without a usable credential refuses every delivery (fails closed)', async () => {
		const { server } = await serveTrigger({}, { huskyVoiceWebhookSecretApi: { signingSecret: '' } });
		const response = await post(server, CALL_EVENT, { 'X-Husky-Signature': sign('', CALL_EVENT) });
		expect(response.status).toBe(401);
		expect(server.executions).toHaveLength(0);
	});

	it('with Verify Signature off, an unsigned delivery starts the workflow', async () => {
		const { server } = await serveTrigger({ verifySignature: false }, {} as typeof MANUAL_SECRET);
		const response = await post(server, CALL_EVENT);
		expect(response.status).toBe(200);
		expect(server.executions).toHaveLength(1);
	});

	it('Automatic mode verifies with the secret stored at registration for the URL', async () => {
		const harness = triggerWorkflow({
			parameters: { registration: 'automatic', events: ['*'] },
			credentials: { huskyVoiceApi: { apiKey: 'sk_test_unused', baseUrl: 'http://127.0.0.1:9/v1' } },
		});
		storeRegistration(nodeStaticData(harness), webhookUrlOf(harness), {
			endpointId: 'wh_1',
			secret: SECRET,
			events: ['call.completed'],
		});
		const server = await serveWebhook(harness);
		servers.push(server);
		expect((await post(server, CALL_EVENT, { 'X-Husky-Signature': sign('whsec_other', CALL_EVENT) })).status).toBe(401);
		expect((await post(server, CALL_EVENT, { 'X-Husky-Signature': sign(SECRET, CALL_EVENT) })).status).toBe(200);
		expect(server.executions).toHaveLength(1);
	});
});

describe('HuskyVoice Trigger webhook — Manual mode signing secret', () => {
	const secretReads = (harness: { credentialsHelper: { decryptCalls: string[] } }) =>
		harness.credentialsHelper.decryptCalls.filter((type) => type === 'huskyVoiceWebhookSecretApi').length;
	const event = (id: string) => CALL_EVENT.replace('evt_call_1', id);
	const afterRereadInterval = () => new Promise((resolve) => setTimeout(resolve, SIGNING_SECRET_REREAD_MS + 50));

	it('a burst of deliveries reads the credential once (each read costs n8n a query, a decryption and an expression isolate)', async () => {
		const { harness, server } = await serveTrigger();
		for (const id of ['evt_a', 'evt_b', 'evt_c', 'evt_d']) {
			const body = event(id);
			expect((await post(server, body, { 'X-Husky-Signature': sign(SECRET, body) })).status).toBe(200);
		}
		expect(server.executions).toHaveLength(4);
		expect(secretReads(harness)).toBe(1);
	});

	it('a secret changed in the credential is used for deliveries signed with it, and the old one is then refused', async () => {
		const credentials = { huskyVoiceWebhookSecretApi: { signingSecret: SECRET } };
		const { server } = await serveTrigger({}, credentials);
		expect((await post(server, event('evt_old'), { 'X-Husky-Signature': sign(SECRET, event('evt_old')) })).status).toBe(200);
		credentials.huskyVoiceWebhookSecretApi.signingSecret = 'whsec_rotated_9f1e';
		await afterRereadInterval();
		const rotated = await post(server, event('evt_new'), { 'X-Husky-Signature': sign('whsec_rotated_9f1e', event('evt_new')) });
		expect(rotated.status).toBe(200);
		const stale = await post(server, event('evt_stale'), { 'X-Husky-Signature': sign(SECRET, event('evt_stale')) });
		expect(stale.status).toBe(401);
		expect(server.executions).toHaveLength(2);
	});

	it('forged deliveries do not make it re-read the credential on every request', async () => {
		const { harness, server } = await serveTrigger();
		for (const id of ['evt_f1', 'evt_f2', 'evt_f3', 'evt_f4', 'evt_f5']) {
			const body = event(id);
			expect((await post(server, body, { 'X-Husky-Signature': sign('whsec_attacker', body) })).status).toBe(401);
		}
		expect(secretReads(harness)).toBe(1);
		expect(server.executions).toHaveLength(0);
	});
});

describe('HuskyVoice Trigger webhook — body', () => {
	it('a validly signed body that is not JSON is answered 400 and starts no execution', async () => {
		const { server } = await serveTrigger();
		const body = '{"event_id": "evt_1", "event_type": ';
		// With a JSON content type n8n itself answers 422 before the node runs; text/plain reaches the node.
		const response = await post(server, body, { 'content-type': 'text/plain', 'X-Husky-Signature': sign(SECRET, body) });
		expect(response.status).toBe(400);
		expect(server.executions).toHaveLength(0);
	});

	it('a validly signed JSON value that is not an event is answered 400', async () => {
		const { server } = await serveTrigger();
		for (const body of ['[1,2]', '{"hello":"world"}', '"call.completed"']) {
			const response = await post(server, body, { 'content-type': 'text/plain', 'X-Husky-Signature': sign(SECRET, body) });
			expect(response.status).toBe(400);
		}
		expect(server.executions).toHaveLength(0);
	});
});

describe('HuskyVoice Trigger webhook — events and redeliveries', () => {
	it('an event that is not selected is answered 200 and starts no execution', async () => {
		const { server } = await serveTrigger({ events: ['appointment.created', 'call.failed'] });
		const response = await post(server, CALL_EVENT, { 'X-Husky-Signature': sign(SECRET, CALL_EVENT) });
		expect(response.status).toBe(200);
		expect(JSON.parse(response.text)).toEqual({ received: true, ignored: 'event not selected' });
		expect(server.executions).toHaveLength(0);
	});

	it('a selected event starts the workflow when other events are selected too', async () => {
		const { server } = await serveTrigger({ events: ['appointment.updated', 'call.completed'] });
		await post(server, CALL_EVENT, { 'X-Husky-Signature': sign(SECRET, CALL_EVENT) });
		await post(server, APPOINTMENT_EVENT, { 'X-Husky-Signature': sign(SECRET, APPOINTMENT_EVENT) });
		await post(server, SLOT_EVENT, { 'X-Husky-Signature': sign(SECRET, SLOT_EVENT) });
		expect(server.executions.map((items) => items[0].event_type)).toEqual(['call.completed', 'appointment.updated']);
	});

	it('a redelivered event_id is answered 200 and starts the workflow only once', async () => {
		const { server } = await serveTrigger();
		const headers = { 'X-Husky-Signature': sign(SECRET, CALL_EVENT) };
		const first = await post(server, CALL_EVENT, headers);
		const second = await post(server, CALL_EVENT, headers);
		expect([first.status, second.status]).toEqual([200, 200]);
		expect(JSON.parse(second.text)).toEqual({ received: true, ignored: 'event already delivered' });
		expect(server.executions).toHaveLength(1);
	});

	it('two deliveries of one event arriving together start the workflow once', async () => {
		const { server } = await serveTrigger();
		const headers = { 'X-Husky-Signature': sign(SECRET, APPOINTMENT_EVENT) };
		const answers = await Promise.all([1, 2, 3].map(() => post(server, APPOINTMENT_EVENT, headers)));
		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
		expect(server.executions).toHaveLength(1);
	});

	it('a delivery writes nothing to static data (n8n 2.41 would not keep it for events that start an execution)', async () => {
		const { harness, server } = await serveTrigger();
		await post(server, CALL_EVENT, { 'X-Husky-Signature': sign(SECRET, CALL_EVENT) });
		expect(nodeStaticData(harness).seenEvents).toBeUndefined();
		expect(server.executions).toHaveLength(1);
	});

	it('a forged redelivery does not mark a real event as seen', async () => {
		const { server } = await serveTrigger();
		await post(server, CALL_EVENT, { 'X-Husky-Signature': sign('whsec_attacker', CALL_EVENT) });
		await post(server, CALL_EVENT, { 'X-Husky-Signature': sign(SECRET, CALL_EVENT) });
		expect(server.executions).toHaveLength(1);
	});
});

describe('HuskyVoice Trigger webhook — output', () => {
	it('with Simplify off a call event becomes one item { event_id, event_type, created_at, org_id, data }', async () => {
		const { server } = await serveTrigger({ simplify: false });
		await post(server, CALL_EVENT, { 'X-Husky-Signature': sign(SECRET, CALL_EVENT) });
		expect(server.executions).toEqual([
			[
				{
					event_id: 'evt_call_1',
					event_type: 'call.completed',
					created_at: '2030-06-03T10:15:00Z',
					org_id: 'org_42',
					data: { call_id: 'call_1', agent_id: 'agt_1', status: 'completed', duration_seconds: 61 },
					// What a campaign needs, from the Retry settings (docs/campaigns-node.md).
					attempt: 1,
					ending: 'completed',
					retryable: false,
					next_attempt_at: null,
					final: true,
				},
			],
		]);
	});

	it('an appointment event becomes the same shape, with the appointment as data', async () => {
		const { server } = await serveTrigger();
		await post(server, APPOINTMENT_EVENT, { 'X-Husky-Signature': sign(SECRET, APPOINTMENT_EVENT) });
		expect(server.executions[0]).toEqual([
			{
				event_id: 'evt_appt_1',
				event_type: 'appointment.updated',
				created_at: '2030-06-03T11:00:00Z',
				data: { appointment_id: 'apt_1', status: 'confirmed', doctor_name: 'Dr. Mehta' },
			},
		]);
	});

	it('a slot event becomes the same shape, with the slot as data', async () => {
		const { server } = await serveTrigger();
		await post(server, SLOT_EVENT, { 'X-Husky-Signature': sign(SECRET, SLOT_EVENT) });
		expect(server.executions[0]).toEqual([
			{
				event_id: 'evt_slot_1',
				event_type: 'slot.updated',
				created_at: '2030-06-03T12:00:00Z',
				data: { slot_id: 'slot_1', available_slots: 3 },
			},
		]);
	});

	it('Include Raw Payload adds the event exactly as sent under raw', async () => {
		const { server } = await serveTrigger({ options: { includeRawPayload: true } });
		await post(server, APPOINTMENT_EVENT, { 'X-Husky-Signature': sign(SECRET, APPOINTMENT_EVENT) });
		expect(server.executions[0][0].raw).toEqual(JSON.parse(APPOINTMENT_EVENT));
	});

	it('the output never carries the signing secret or the signature', async () => {
		const { server } = await serveTrigger({ options: { includeRawPayload: true } });
		const signature = sign(SECRET, CALL_EVENT);
		await post(server, CALL_EVENT, { 'X-Husky-Signature': signature });
		const output = JSON.stringify(server.executions);
		expect(output).not.toContain(SECRET);
		expect(output).not.toContain(signature);
	});
});

describe('HuskyVoice Trigger webhook — never throws', () => {
	it('answers 500 instead of throwing when the request body cannot be read', async () => {
		const harness = triggerWorkflow({ parameters: { registration: 'manual', events: ['*'] }, credentials: MANUAL_SECRET });
		const status = jest.fn();
		const additionalData = {
			...harness.additionalData,
			httpRequest: { headers: {}, body: {}, readRawBody: () => Promise.reject(new Error('socket hang up')) },
			httpResponse: { status: (code: number) => (status(code), { json: jest.fn() }) },
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData = { webhookDescription: harness.nodeType.description.webhooks![0] } as IWebhookData;
		const context = new WebhookContext(harness.workflow, harness.node, additionalData, 'webhook', webhookData, [], null);
		await expect(harness.nodeType.webhook!.call(context)).resolves.toEqual({ noWebhookResponse: true });
		expect(status).toHaveBeenCalledWith(500);
	});
});
