/**
 * Call and act on the outcome in one execution, in a real n8n 2.41.1 (test/e2e/README.md):
 * Create Call with Wait for Outcome routes each item to Completed / Not Reached / Timed Out;
 * a HuskyVoice Trigger in the same n8n process ends the wait early (the delay from the call's end
 * to the node's output is measured and printed, not asserted); an n8n restart while an item waits
 * crashes the execution and n8n's Retry waits for the same call without placing a second one;
 * the same in queue mode (the trigger in the webhook process, the wait on the worker) by polling.
 *
 * Run: npm run build && E2E_CACHE_DIR=/work/main/.cache npx jest --selectProjects e2e --runInBand test/e2e/wait-for-outcome
 */
import type { Sandbox } from '../sandbox/sandbox.cjs';
import {
	createManualTriggerWorkflow,
	credentialRef,
	type HuskyCredentials,
	NODE_TYPES,
	startHuskyStack,
} from './husky.cjs';
import { type Execution, type N8nStack, nodeOutput, waitFor } from './runner/index.cjs';

jest.setTimeout(6 * 60_000);

const ACTION = 'HuskyVoice';
const OUTPUTS = ['On Completed', 'On Not Reached', 'On Timed Out'];

/** Manual Trigger → HuskyVoice (Create with Wait for Outcome) → one No-Op per output. */
function createAndWaitWorkflow(name: string, api: HuskyCredentials['api'], contactNumber: string, timeLimitSeconds: number) {
	const noOps = OUTPUTS.map((n, i) => ({ name: n, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [520, i * 160] as [number, number], parameters: {} }));
	return {
		name,
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} },
			{
				name: ACTION,
				type: NODE_TYPES.action,
				typeVersion: 1.1,
				position: [260, 0] as [number, number],
				parameters: {
					resource: 'call',
					operation: 'create',
					agentId: 'agent_e2e',
					contactNumber,
					additionalFields: { contactName: 'Asha' },
					waitForOutcome: true,
					timeLimit: timeLimitSeconds,
					timeLimitUnit: 'seconds',
				},
				credentials: { huskyVoiceApi: credentialRef(api) },
			},
			...noOps,
		],
		connections: {
			Start: { main: [[{ node: ACTION, type: 'main', index: 0 }]] },
			[ACTION]: { main: OUTPUTS.map((n) => [{ node: n, type: 'main', index: 0 }]) },
		},
		// Progress is saved after each node, so a Retry after a crash starts from the HuskyVoice node.
		settings: { executionOrder: 'v1', saveExecutionProgress: true },
	};
}

/** Which output each item left on, and what reached the No-Op behind it. */
function routed(execution: Execution): Array<Array<Record<string, any>>> {
	return OUTPUTS.map((_, output) => nodeOutput(execution, ACTION, { output }));
}

function reachedNoOps(execution: Execution): string[] {
	return OUTPUTS.filter((n) => nodeOutput(execution, n).length > 0);
}

async function startRun(stack: N8nStack, workflowId: string): Promise<string> {
	const r = await stack.api.rest<{ executionId?: string }>('POST', `/workflows/${workflowId}/run`, { triggerToStartFrom: { name: 'Start' } });
	if (!r?.executionId) throw new Error(`manual run returned no executionId: ${JSON.stringify(r)}`);
	return r.executionId;
}

function callFor(sandbox: Sandbox, contactNumber: string) {
	return [...sandbox.state.calls.values()].filter((c) => c.contact_number === contactNumber);
}

function env(label: string, queueMode: boolean) {
	return startHuskyStack(label, {
		queueMode,
		sandbox: { rateLimit: { limit: 600, windowMs: 60_000 }, autoAdvanceMs: 300 },
		credentialPrefix: `HuskyVoice ${label}`,
	});
}

describe.each([
	['single process', false],
	['queue mode (worker, by polling alone)', true],
])('Create Call with Wait for Outcome — %s', (label, queueMode) => {
	let e: Awaited<ReturnType<typeof env>>;
	const t0 = Date.now();
	beforeAll(async () => {
		e = await env(queueMode ? 'wait-outcome-queue' : 'wait-outcome', queueMode);
	});
	afterAll(async () => {
		await e?.stack.stop();
		await e?.sandbox.stop();
		console.log(`wait-for-outcome e2e (${label}): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	});
	beforeEach(() => e.admin.config({ queuedMs: 0, autoAdvanceMs: 300 }));

	test('a connected call ends on Completed with the summary, in the same execution', async () => {
		const wf = await e.stack.api.createWorkflow(createAndWaitWorkflow('wait: completed', e.creds.api, '+919812300001', 120));
		const execution = await e.stack.api.runManually(wf.id, 'Start', { timeoutMs: 120_000 });
		expect(execution.status).toBe('success');
		const [completed, notReached, timedOut] = routed(execution);
		expect([notReached, timedOut]).toEqual([[], []]);
		expect(completed).toEqual([
			expect.objectContaining({ status: 'completed', summary: expect.stringContaining('Spoke with Asha'), idempotency_key: expect.any(String) }),
		]);
		expect(reachedNoOps(execution)).toEqual(['On Completed']);
	});

	test('a DND number ends on Not Reached with the reason', async () => {
		const wf = await e.stack.api.createWorkflow(createAndWaitWorkflow('wait: dnd', e.creds.api, '+919812300000', 120));
		const execution = await e.stack.api.runManually(wf.id, 'Start', { timeoutMs: 120_000 });
		const [completed, notReached, timedOut] = routed(execution);
		expect([completed, timedOut]).toEqual([[], []]);
		expect(notReached).toEqual([
			expect.objectContaining({ status: 'disallowed', reason: 'The number is on the Do Not Disturb registry (dnd_registered)' }),
		]);
		expect(reachedNoOps(execution)).toEqual(['On Not Reached']);
	});

	test('a call kept in the queue past the time limit ends on Timed Out with its last status and call ID', async () => {
		await e.admin.config({ queuedMs: 600_000 });
		const wf = await e.stack.api.createWorkflow(createAndWaitWorkflow('wait: queued', e.creds.api, '+919812300002', 3));
		const execution = await e.stack.api.runManually(wf.id, 'Start', { timeoutMs: 120_000 });
		const [completed, notReached, timedOut] = routed(execution);
		expect([completed, notReached]).toEqual([[], []]);
		const [call] = callFor(e.sandbox, '+919812300002');
		expect(timedOut).toEqual([expect.objectContaining({ call_id: call.call_id, status: 'scheduled', timed_out: true })]);
		expect(reachedNoOps(execution)).toEqual(['On Timed Out']);
	});

	if (queueMode) return;

	test('with a HuskyVoice Trigger active in the same process, the wait ends at the call.completed delivery', async () => {
		// The call stays queued 6 s, then walks a stage every 1.5 s (completed at ~12 s). The poll at
		// 4 s sees it queued, so by polling alone the next look would come 30 s later.
		await e.admin.config({ autoAdvanceMs: 1_500, queuedMs: 6_000 });
		const trigger = await createManualTriggerWorkflow(e.stack, e.admin, {
			name: 'trigger: call.completed',
			credentialName: 'HuskyVoice signing secret (wait e2e)',
			events: ['call.completed'],
		});
		await e.stack.activateAndWait(trigger.workflow.id);
		const phone = '+919812300003';
		const wf = await e.stack.api.createWorkflow(createAndWaitWorkflow('wait: with trigger', e.creds.api, phone, 120));
		const execution = await e.stack.api.runManually(wf.id, 'Start', { timeoutMs: 120_000 });
		expect(routed(execution)[0]).toEqual([expect.objectContaining({ status: 'completed' })]);
		const [call] = callFor(e.sandbox, phone);
		const endedAt = Date.parse(call.sandbox.history.find((h) => h.status === 'completed')!.at);
		const run = execution.data.resultData.runData[ACTION][0] as { startTime: number; executionTime: number };
		const outputAt = run.startTime + run.executionTime;
		const polls = (await e.admin.requests({ method: 'GET', path: `/v1/calls/${call.call_id}` })).length;
		console.log(
			`trigger-assisted wait: node output ${outputAt - endedAt} ms after the call completed (${polls} poll(s) of the call; by polling alone the next was due ~34 s after Create)`,
		);
		await e.stack.deactivateAndWait(trigger.workflow.id);
	});

	test('an n8n restart while an item waits crashes the execution; Retry places no second call and waits again', async () => {
		await e.admin.config({ queuedMs: 600_000 });
		const phone = '+919812300004';
		const wf = await e.stack.api.createWorkflow(createAndWaitWorkflow('wait: restart', e.creds.api, phone, 300));
		const executionId = await startRun(e.stack, wf.id);
		await waitFor('the call to be placed', async () => (callFor(e.sandbox, phone).length === 1 ? true : undefined), { timeoutMs: 60_000 });
		await e.stack.restartN8n();
		const crashed = await e.stack.api.waitForExecution(executionId, { timeoutMs: 120_000 });
		console.log(`execution ${executionId} after the restart: ${crashed.status}`);
		expect(['crashed', 'error']).toContain(crashed.status);

		// The queue lets the call through now; Retry must find the same call by its Idempotency-Key.
		await e.admin.config({ queuedMs: 0 });
		const retried = await e.stack.api.rest<{ id: string }>('POST', `/executions/${executionId}/retry`, { loadWorkflow: false });
		const retry = await e.stack.api.waitForExecution(String(retried.id), { timeoutMs: 180_000 });
		const [call] = callFor(e.sandbox, phone);
		expect(callFor(e.sandbox, phone)).toHaveLength(1);
		expect(routed(retry)[0]).toEqual([expect.objectContaining({ call_id: call.call_id, status: 'completed' })]);
		const creates = await e.admin.requests({ method: 'POST', path: '/v1/calls' });
		const keys = creates.filter((r) => JSON.parse(r.body).contact_number === phone).map((r) => r.headers['idempotency-key']);
		expect(keys).toHaveLength(2);
		expect(keys[1]).toBe(keys[0]);
	});
});

