import { startSandbox } from '../sandbox';
import type { WebhookServer } from '../helpers/index.cjs';
import { huskyVoiceApiCredentials, serveWebhook } from '../helpers/index.cjs';
import { activateTrigger, deactivateTrigger, triggerWorkflow, webhookUrlOf } from '../helpers/trigger.cjs';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

/**
 * Automatic registration against the sandbox, with the trigger's webhook() served over real HTTP
 * at the URL it registered: the sandbox signs and delivers events exactly as HuskyVoice would.
 */
async function registeredTrigger(sandbox: Sandbox, events: string[] = ['*']) {
	const harness = triggerWorkflow({
		parameters: { registration: 'automatic', events },
		credentials: huskyVoiceApiCredentials(sandbox),
	});
	const server = await serveWebhook(harness);
	// serveWebhook answers on any path: make the node's production URL point at it, then register.
	harness.additionalData.webhookBaseUrl = `${server.url}webhook`;
	await activateTrigger(harness);
	return { harness, server };
}

async function admin(sandbox: Sandbox, path: string, body: unknown) {
	const response = await fetch(`${sandbox.adminUrl}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return (await response.json()) as { event_id?: string; subscribers?: number; status?: number | null };
}

describe('HuskyVoice Trigger with events delivered by the sandbox', () => {
	let sandbox: Sandbox;
	let server: WebhookServer | undefined;
	afterEach(async () => {
		await server?.stop();
		server = undefined;
		await sandbox.stop();
	});

	it('a signed sandbox delivery starts one execution; its redelivery starts none', async () => {
		sandbox = await startSandbox({ deliveryRetryDelaysMs: [] });
		const registered = await registeredTrigger(sandbox);
		server = registered.server;
		const emitted = await admin(sandbox, '/events', { event_type: 'call.completed', wait: true });
		expect(emitted.subscribers).toBe(1);
		await admin(sandbox, `/events/${emitted.event_id}/redeliver`, { wait: true });
		expect(server.deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
		expect(server.executions).toHaveLength(1);
		expect(server.executions[0][0]).toMatchObject({ event_id: emitted.event_id, event_type: 'call.completed' });
	});

	it('the legacy X-Webhook-Signature header from the sandbox is accepted', async () => {
		sandbox = await startSandbox({ deliveryRetryDelaysMs: [], legacySignatureHeader: true });
		const registered = await registeredTrigger(sandbox);
		server = registered.server;
		await admin(sandbox, '/events', { event_type: 'appointment.created', wait: true });
		expect(server.executions).toHaveLength(1);
		expect(server.executions[0][0]).toMatchObject({ event_type: 'appointment.created', data: expect.any(Object) });
	});

	it('a forged delivery to the registered URL is answered 401 and starts nothing', async () => {
		sandbox = await startSandbox({ deliveryRetryDelaysMs: [] });
		const registered = await registeredTrigger(sandbox);
		server = registered.server;
		const body = '{"event_id":"evt_forged","event_type":"call.completed","created_at":"2030-06-03T10:00:00Z","data":{}}';
		const result = await admin(sandbox, '/raw-delivery', {
			url: webhookUrlOf(registered.harness),
			body,
			headers: { 'content-type': 'application/json', 'x-husky-signature': 'f'.repeat(64) },
		});
		expect(result.status).toBe(401);
		expect(server.executions).toHaveLength(0);
	});

	it('after deactivation the sandbox has no subscriber left to deliver to', async () => {
		sandbox = await startSandbox({ deliveryRetryDelaysMs: [] });
		const registered = await registeredTrigger(sandbox);
		server = registered.server;
		await deactivateTrigger(registered.harness);
		const emitted = await admin(sandbox, '/events', { event_type: 'call.completed', wait: true });
		expect(emitted.subscribers).toBe(0);
		expect(server.deliveries).toHaveLength(0);
	});
});
