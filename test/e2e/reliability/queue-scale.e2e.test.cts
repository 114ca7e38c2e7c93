/**
 * Queue mode scaled out: two `n8n worker` processes and two `n8n webhook` processes behind a
 * round-robin proxy, one Redis, one Postgres (the small version of `npm run bench -- --only=queue`).
 * - 60 Create Call items in 3 production executions started at once, spread over both workers,
 *   one API key limited to 10 requests per second: 0 failed, 0 duplicate calls.
 * - 50 signed events through the proxy, each redelivered once, forgeries mixed in: 0 lost,
 *   0 forgeries accepted (the duplicates per-process dedupe lets through are counted, not
 *   asserted: they are what the README tells users to add Remove Duplicates for).
 * No timed assertions.
 *
 * Run: npm run build && npx jest --selectProjects e2e --runInBand test/e2e/reliability/queue-scale
 */
import { randomBytes } from 'node:crypto';
import { startN8nStack, type N8nStack } from '../runner/index.cjs';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox.cjs';
import { eventsThroughProxy, type QueueTarget, sharedRateLimit } from '../../bench/queueScale.cjs';
import { type StatusTap, tapStatuses } from '../../bench/statusTap.cjs';

jest.setTimeout(6 * 60_000);

describe('queue mode with 2 workers and 2 webhook processes behind a proxy', () => {
	let sandbox: Sandbox;
	let tap: StatusTap;
	let stack: N8nStack;
	let target: QueueTarget;

	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimit: { limit: 1_000_000, windowMs: 1000 }, deliveryRetryDelaysMs: [] });
		tap = tapStatuses(Number(new URL(sandbox.origin).port));
		stack = await startN8nStack({ label: 'queue-scale', queueMode: true, workers: 2, workerConcurrency: 2, webhookProcesses: 2, logLevel: 'info' });
		const credential = async (name: string, type: string, data: Record<string, unknown>) => {
			const c = await stack.api.createCredential({ name, type, data });
			return { id: c.id, name: c.name };
		};
		const signingSecret = `whsec_${randomBytes(16).toString('hex')}`;
		target = {
			stack,
			sandbox,
			tap,
			creds: {
				huskyVoiceApi: await credential('HuskyVoice sandbox', 'huskyVoiceApi', { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl }),
				webhookSecret: await credential('HuskyVoice signing secret', 'huskyVoiceWebhookSecretApi', { signingSecret }),
				signingSecret,
			},
		};
	});

	afterAll(async () => {
		await stack?.stop();
		tap?.close();
		await sandbox?.stop();
	});

	test('the stack has two workers and two webhook processes, and the proxy is the webhook base URL', () => {
		expect(stack.workers).toHaveLength(2);
		expect(stack.webhooks).toHaveLength(2);
		expect(new Set(stack.processes.map((p) => p.pid)).size).toBe(5);
		expect(stack.webhookBaseUrl).toBe(stack.proxy?.url);
	});

	test('60 creates in 3 executions over both workers, one key at 10 requests per second: 0 failed, 0 duplicate calls', async () => {
		const r = await sharedRateLimit(target, { executions: 3, items: 20, limit: 10, windowMs: 1000 });
		console.log(`queue-scale creates: ${JSON.stringify({ ...r, wallOverFloor: r.wallMs / r.floorMs })}`);
		expect(r.executions).toBe(3);
		expect(r.executionsPerWorker.every((n) => n > 0)).toBe(true);
		expect(r.firstErrors).toEqual([]);
		expect(r.failed).toBe(0);
		expect(r.callsPlaced).toBe(60);
		expect(r.duplicates).toBe(0);
	});

	test('50 events through the proxy, each redelivered once, forgeries mixed in: 0 lost, 0 forgeries accepted', async () => {
		const r = await eventsThroughProxy(target, { events: 50, rate: 20, forgedEvery: 10, seed: 17, removeDuplicates: false });
		console.log(`queue-scale events: ${JSON.stringify(r)}`);
		expect(r.forged).toBe(5);
		expect(r.forwarded.every((n) => n > 0)).toBe(true);
		expect(r.wrongAnswers).toBe(0);
		expect(r.lost).toBe(0);
		expect(r.acceptedForgeries).toBe(0);
		expect(r.duplicateExecutions).toBeLessThanOrEqual(r.events);
	});
});
