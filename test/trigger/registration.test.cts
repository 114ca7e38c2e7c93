import { startSandbox } from '../sandbox';
import { huskyVoiceApiCredentials, serialiseError } from '../helpers/index.cjs';
import {
	activateTrigger,
	deactivateTrigger,
	nodeStaticData,
	triggerHookContext,
	triggerWorkflow,
	webhookUrlOf,
} from '../helpers/trigger.cjs';
import { HuskyVoiceTrigger } from '../../nodes/HuskyVoiceTrigger/HuskyVoiceTrigger.node';
import { ALL_EVENTS, DASHBOARD_WEBHOOKS_PATH } from '../../nodes/shared/constants';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

interface AdminEndpoint {
	id: string;
	url: string;
	events: string[];
}

async function endpointsAt(sandbox: Sandbox): Promise<AdminEndpoint[]> {
	const response = await fetch(`${sandbox.adminUrl}/webhooks`);
	const body = (await response.json()) as { data?: AdminEndpoint[] } | AdminEndpoint[];
	return Array.isArray(body) ? body : (body.data ?? []);
}

async function deleteOutOfBand(sandbox: Sandbox, id: string): Promise<void> {
	const response = await fetch(`${sandbox.adminUrl}/webhooks/${id}`, { method: 'DELETE' });
	expect(response.ok).toBe(true);
}

function automaticTrigger(sandbox: Sandbox, events: string[] = ['call.completed', 'appointment.created']) {
	return triggerWorkflow({
		parameters: { registration: 'automatic', events },
		credentials: huskyVoiceApiCredentials(sandbox),
		webhookBaseUrl: 'https://n8n.example.test/webhook',
		webhookTestBaseUrl: 'https://n8n.example.test/webhook-test',
	});
}

describe('HuskyVoice Trigger registration (Automatic, against the sandbox)', () => {
	let sandbox: Sandbox;
	beforeEach(async () => {
		sandbox = await startSandbox();
	});
	afterEach(async () => {
		await sandbox.stop();
	});

	it('activating registers exactly one endpoint for the production URL with the selected events', async () => {
		const harness = automaticTrigger(sandbox);
		expect(await activateTrigger(harness)).toEqual({ created: true });
		const endpoints = await endpointsAt(sandbox);
		expect(endpoints).toHaveLength(1);
		expect(endpoints[0].url).toBe(webhookUrlOf(harness));
		expect([...endpoints[0].events].sort()).toEqual(['appointment.created', 'call.completed']);
		const stored = (nodeStaticData(harness).endpoints as Record<string, { endpointId: string; secret: string }>)[
			webhookUrlOf(harness)
		];
		expect(stored.endpointId).toBe(endpoints[0].id);
		expect(stored.secret).toMatch(/^whsec_/);
	});

	it('All Events registers every documented event', async () => {
		const harness = automaticTrigger(sandbox, ['*']);
		await activateTrigger(harness);
		const [endpoint] = await endpointsAt(sandbox);
		expect([...endpoint.events].sort()).toEqual([...ALL_EVENTS].sort());
	});

	it('activating again finds its endpoint (checkExists true) and still leaves exactly one', async () => {
		const harness = automaticTrigger(sandbox);
		await activateTrigger(harness);
		expect(await activateTrigger(harness)).toEqual({ created: false });
		expect(await endpointsAt(sandbox)).toHaveLength(1);
	});

	it('deactivating removes the endpoint and clears the stored id and secret', async () => {
		const harness = automaticTrigger(sandbox);
		await activateTrigger(harness);
		expect(await deactivateTrigger(harness)).toBe(true);
		expect(await endpointsAt(sandbox)).toHaveLength(0);
		expect(nodeStaticData(harness).endpoints).toBeUndefined();
	});

	it('deactivating still succeeds when the endpoint was deleted out of band', async () => {
		const harness = automaticTrigger(sandbox);
		await activateTrigger(harness);
		const [endpoint] = await endpointsAt(sandbox);
		await deleteOutOfBand(sandbox, endpoint.id);
		expect(await deactivateTrigger(harness)).toBe(true);
		expect(nodeStaticData(harness).endpoints).toBeUndefined();
	});

	it('activation after an out-of-band deletion registers a new endpoint', async () => {
		const harness = automaticTrigger(sandbox);
		await activateTrigger(harness);
		const [endpoint] = await endpointsAt(sandbox);
		await deleteOutOfBand(sandbox, endpoint.id);
		expect(await activateTrigger(harness)).toEqual({ created: true });
		const endpoints = await endpointsAt(sandbox);
		expect(endpoints).toHaveLength(1);
		expect(endpoints[0].id).not.toBe(endpoint.id);
	});

	it('changing the selected events replaces the endpoint instead of keeping the old events', async () => {
		const harness = automaticTrigger(sandbox, ['call.completed']);
		await activateTrigger(harness);
		harness.node.parameters.events = ['call.completed', 'slot.updated'];
		expect(await activateTrigger(harness)).toEqual({ created: true });
		const endpoints = await endpointsAt(sandbox);
		expect(endpoints).toHaveLength(1);
		expect([...endpoints[0].events].sort()).toEqual(['call.completed', 'slot.updated']);
	});

	it('an endpoint at its URL whose secret the node lost is replaced, never duplicated', async () => {
		const harness = automaticTrigger(sandbox);
		await activateTrigger(harness);
		delete nodeStaticData(harness).endpoints;
		expect(await activateTrigger(harness)).toEqual({ created: true });
		expect(await endpointsAt(sandbox)).toHaveLength(1);
	});

	it('the test URL and the production URL get one endpoint each and do not disturb each other', async () => {
		const harness = automaticTrigger(sandbox);
		await activateTrigger(harness, 'production');
		await activateTrigger(harness, 'test');
		const urls = (await endpointsAt(sandbox)).map((endpoint) => endpoint.url).sort();
		expect(urls).toEqual([webhookUrlOf(harness, 'production'), webhookUrlOf(harness, 'test')].sort());
		expect(urls[0]).not.toBe(urls[1]);

		// Stopping "Listen for test event" removes only the test endpoint.
		await deactivateTrigger(harness, 'test');
		const remaining = await endpointsAt(sandbox);
		expect(remaining.map((endpoint) => endpoint.url)).toEqual([webhookUrlOf(harness, 'production')]);
		expect(await activateTrigger(harness, 'production')).toEqual({ created: false });
	});

	it('an account without the endpoint API gets an activation error that says to switch to Manual and where to paste the URL', async () => {
		await sandbox.stop();
		sandbox = await startSandbox({ webhooksApiEnabled: false });
		const harness = automaticTrigger(sandbox);
		const error = await activateTrigger(harness).then(
			() => undefined,
			(thrown: Error) => thrown,
		);
		expect(error).toBeDefined();
		expect(error!.message).toContain('Registration to Manual');
		expect(error!.message).toContain(DASHBOARD_WEBHOOKS_PATH);
		expect(serialiseError(error)).toContain(webhookUrlOf(harness));
		expect(serialiseError(error)).not.toContain(sandbox.apiKey);
	});

	it('Manual registration never calls the HuskyVoice API', async () => {
		const harness = triggerWorkflow({
			parameters: { registration: 'manual', events: ['*'] },
			credentials: { huskyVoiceWebhookSecretApi: { signingSecret: 'whsec_manual' } },
		});
		const hooks = new HuskyVoiceTrigger().webhookMethods.default;
		const context = triggerHookContext(harness);
		expect(await hooks.checkExists.call(context)).toBe(true);
		expect(await hooks.create.call(context)).toBe(true);
		expect(await hooks.delete.call(context)).toBe(true);
		expect(await endpointsAt(sandbox)).toHaveLength(0);
	});
});
