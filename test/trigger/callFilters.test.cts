import { createHmac } from 'crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { HuskyVoice } from '../../nodes/HuskyVoice/HuskyVoice.node';
import { POLL_INTERVALS } from '../../nodes/shared/waitForCall';
import type { WebhookServer } from '../helpers/index.cjs';
import { huskyVoiceApiCredentials, runNode, sandboxAdmin, serveWebhook } from '../helpers/index.cjs';
import { activateTrigger, triggerWorkflow } from '../helpers/trigger.cjs';
import { startSandbox } from '../sandbox';

const SECRET = 'whsec_filters_test_91ad';
const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');

function callEvent(eventId: string, data: IDataObject, eventType = 'call.completed'): string {
	return JSON.stringify({ event_id: eventId, event_type: eventType, created_at: '2030-06-03T10:15:00Z', org_id: 'org_42', data });
}

const COMPLETED = { call_id: 'call_f1', agent_id: 'agent_sales', status: 'completed', outcome: 'Interested', summary: 'Wants a demo' };

let servers: WebhookServer[] = [];
afterEach(async () => {
	await Promise.all(servers.map((server) => server.stop()));
	servers = [];
});

async function serveTrigger(parameters: IDataObject = {}) {
	const harness = triggerWorkflow({
		parameters: { registration: 'manual', events: ['*'], ...parameters },
		credentials: { huskyVoiceWebhookSecretApi: { signingSecret: SECRET } },
	});
	const server = await serveWebhook(harness);
	servers.push(server);
	return server;
}

async function deliver(server: WebhookServer, body: string) {
	const response = await fetch(server.url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'X-Husky-Signature': sign(body) },
		body,
	});
	return { status: response.status, json: (await response.json()) as IDataObject };
}

describe('HuskyVoice Trigger — call filters', () => {
	it('only call events of the chosen agents start the workflow; others are answered 200 and start nothing', async () => {
		const server = await serveTrigger({ options: { agentIds: 'agent_sales, agent_support' } });
		const other = await deliver(server, callEvent('evt_a1', { ...COMPLETED, agent_id: 'agent_reminders' }));
		expect(other).toEqual({ status: 200, json: { received: true, ignored: 'event outside the filters' } });
		expect((await deliver(server, callEvent('evt_a2', COMPLETED))).status).toBe(200);
		expect(server.executions.map((items) => items[0].call_id)).toEqual(['call_f1']);
	});

	it('only call events with one of the chosen outcomes (any case) start the workflow; a failed call without outcome is skipped', async () => {
		const server = await serveTrigger({ options: { outcomes: 'interested,callback' } });
		await deliver(server, callEvent('evt_o1', { ...COMPLETED, outcome: 'not_interested' }));
		await deliver(server, callEvent('evt_o2', { call_id: 'call_f2', agent_id: 'agent_sales', status: 'failed' }, 'call.failed'));
		await deliver(server, callEvent('evt_o3', COMPLETED));
		expect(server.executions.map((items) => items[0].event_id)).toEqual(['evt_o3']);
	});

	it('an outcome only in call_analytics counts; appointment events pass the call filters', async () => {
		const server = await serveTrigger({ options: { agentIds: 'agent_sales', outcomes: 'interested' } });
		const { outcome: _outcome, ...withoutOutcome } = COMPLETED;
		await deliver(server, callEvent('evt_c1', { ...withoutOutcome, call_analytics: { outcome: 'interested' } }));
		const appointment = JSON.stringify({ event_id: 'evt_ap', event: 'appointment.updated', timestamp: 'x', appointment: { appointment_id: 'apt_1' } });
		await deliver(server, appointment);
		expect(server.executions.map((items) => items[0].event_id)).toEqual(['evt_c1', 'evt_ap']);
	});
});

describe('HuskyVoice Trigger — Simplify', () => {
	it('gives the event ids plus the same flat call for both documented spellings', async () => {
		const server = await serveTrigger();
		const turns = [
			{ speaker: 'agent', text: 'Hello' },
			{ speaker: 'customer', text: 'Hi there' },
		];
		await deliver(server, callEvent('evt_s1', { ...COMPLETED, transcript: turns, call_analytics: { next_step: 'Book demo' } }));
		const { summary, ...withoutSummary } = COMPLETED;
		await deliver(
			server,
			callEvent('evt_s2', { ...withoutSummary, call_transcript: 'agent: Hello\ncustomer: Hi there', call_analytics: { summary, next_step: 'Book demo' } }),
		);
		const [first, second] = server.executions.map((items) => items[0]);
		expect(first).toEqual({
			event_id: 'evt_s1',
			event_type: 'call.completed',
			created_at: '2030-06-03T10:15:00Z',
			org_id: 'org_42',
			call_id: 'call_f1',
			status: 'completed',
			outcome: 'Interested',
			summary: 'Wants a demo',
			next_step: 'Book demo',
			transcript: 'agent: Hello\ncustomer: Hi there',
			transcript_turns: turns,
			recording_url: null,
			duration_seconds: null,
			agent_id: 'agent_sales',
			contact_number: null,
			additional_info: {},
			ended_at: null,
			reason: null,
			attempt: 1,
			ending: 'completed',
			retryable: false,
			next_attempt_at: null,
			final: true,
		});
		expect(second).toEqual({ ...first, event_id: 'evt_s2' });
	});

	it('a failed call event without status takes it from the event type and carries the reason', async () => {
		const server = await serveTrigger();
		await deliver(server, callEvent('evt_f', { call_id: 'call_x', error: { code: 'no_answer', message: 'No answer' } }, 'call.failed'));
		expect(server.executions[0][0]).toMatchObject({ status: 'failed', reason: 'No answer (no_answer)', ending: 'no_answer', retryable: true });
	});
});

describe('Wait for Outcome with a HuskyVoice Trigger in the same process', () => {
	const original = { ...POLL_INTERVALS };
	afterAll(() => Object.assign(POLL_INTERVALS, original));

	it('the call.completed delivery ends the wait at once: one poll, no second', async () => {
		Object.assign(POLL_INTERVALS, { liveMs: 60_000, queuedMs: 60_000 });
		const sandbox = await startSandbox({ rateLimit: { limit: 1000, windowMs: 60_000 } });
		try {
			const harness = triggerWorkflow({
				parameters: { registration: 'automatic', events: ['call.completed'] },
				credentials: huskyVoiceApiCredentials(sandbox),
			});
			const server = await serveWebhook(harness);
			servers.push(server);
			harness.additionalData.webhookBaseUrl = `${server.url}webhook`;
			await activateTrigger(harness);
			const admin = sandboxAdmin(sandbox.adminUrl);
			const created = await fetch(`${sandbox.baseUrl}/calls`, {
				method: 'POST',
				headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' },
				body: JSON.stringify({ agent_id: 'agent_sales', contact_number: '+919876543210' }),
			});
			const callId = ((await created.json()) as { data: { call_id: string } }).data.call_id;
			const waiting = runNode(new HuskyVoice(), {
				parameters: { resource: 'call', operation: 'waitForOutcome', callId, timeLimit: 10, timeLimitUnit: 'minutes' },
				credentials: huskyVoiceApiCredentials(sandbox),
			});
			while ((await admin.requests({ method: 'GET', path: '/v1/calls/' })).length === 0) {
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
			await admin.advance(callId, 'completed');
			const result = await waiting;
			const outputs = (result.output as INodeExecutionData[][]).map((items) => items.map((item) => item.json));
			expect(outputs[0]).toEqual([expect.objectContaining({ call_id: callId, status: 'completed', summary: expect.any(String) })]);
			expect(await admin.requests({ method: 'GET', path: '/v1/calls/' })).toHaveLength(1);
			expect(server.executions).toHaveLength(1);
		} finally {
			await sandbox.stop();
		}
	});
});
