/**
 * What we tell users to put right after the HuskyVoice Trigger when a redelivered event must never
 * be handled twice, across n8n restarts and several queue-mode webhook processes: n8n's own
 * Remove Duplicates node (v2, "Remove Items Processed in Previous Executions", value
 * `{{ $json.event_id }}`), which keeps the ids in n8n's database. The trigger's own dedupe is
 * process memory only (see nodes/HuskyVoiceTrigger/README.md, "Dedupe").
 *
 * Real n8n 2.41.1 + Postgres: HuskyVoice Trigger (Manual mode, signing-secret credential) →
 * Remove Duplicates → Set "Handle event". Deliver an event; restart n8n; deliver the same
 * event_id again (the trigger has forgotten it and starts an execution, but "Handle event" does
 * not run); a new event_id after the restart is handled.
 *
 * Second test, measured: Remove Duplicates records ids by read-modify-write of one database row
 * per node (n8n 2.41.1 DeduplicationHelper.handleHashedItems: findOne → push → update, no lock),
 * so executions running at the same moment can overwrite each other's ids. It asserts that after
 * a restart exactly the ids in n8n's processed_data table are recognised and logs how many a burst
 * of simultaneous events lost.
 *
 * Run: npm run build && npx jest --selectProjects e2e --runInBand test/e2e/dedupe-restart
 */
import { createHash, randomUUID } from 'node:crypto';
import { assertPackageLoaded, callCompletedEvent, CREDENTIAL_TYPES, credentialRef, deliverSigned, NODE_TYPES } from './husky.cjs';
import { nodeOutput, startN8nStack, type Execution, type N8nStack } from './runner/index.cjs';

jest.setTimeout(5 * 60_000);

const SECRET = 'whsec_dedupe_restart_e2e_0123456789';
const TRIGGER = 'HuskyVoice Trigger';
const DEDUPE = 'Remove Duplicates';
const HANDLE = 'Handle event';

/** Parameters of n8n-nodes-base.removeDuplicates v2 (RemoveDuplicatesV2.description.js in n8n 2.41.1). */
const REMOVE_DUPLICATES_PARAMETERS = {
	operation: 'removeItemsSeenInPreviousExecutions', // "Remove Items Processed in Previous Executions"
	logic: 'removeItemsWithAlreadySeenKeyValues', // "Keep Items Where: Value Is New" (the default)
	dedupeValue: '={{ $json.event_id }}',
	options: {}, // scope: node (default), historySize: 10000 (default)
};

describe('Remove Duplicates after the HuskyVoice Trigger survives an n8n restart', () => {
	let stack: N8nStack;
	let workflowId: string;
	let url: string;
	const t0 = Date.now();

	beforeAll(async () => {
		stack = await startN8nStack({ label: 'dedupe-restart' });
		await assertPackageLoaded(stack);
	});

	afterAll(async () => {
		await stack?.stop();
		console.log(`dedupe-restart e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
	});

	/** Waits for the workflow's `count`-th execution and returns the newest, with data. */
	async function nthExecution(count: number): Promise<Execution> {
		const all = await stack.api.waitForExecutions(workflowId, count, { includeData: true });
		expect(all).toHaveLength(count);
		const newest = all.reduce((a, b) => (Number(b.id) > Number(a.id) ? b : a));
		expect(newest.status).toBe('success');
		return newest;
	}
	const ranNodes = (e: Execution) => Object.keys(e.data?.resultData?.runData ?? {}).sort();

	test('deliver → handled; restart; same event_id → trigger runs, "Handle event" does not; new event_id → handled', async () => {
		const webhookId = randomUUID();
		url = `${stack.webhookBaseUrl}/webhook/${webhookId}/webhook`;
		const cred = await stack.api.createCredential({
			name: 'HuskyVoice signing secret',
			type: CREDENTIAL_TYPES.webhookSecret,
			data: { signingSecret: SECRET },
		});
		const wf = await stack.api.createWorkflow({
			name: 'trigger + remove duplicates',
			nodes: [
				{
					name: TRIGGER,
					type: NODE_TYPES.trigger,
					typeVersion: 1,
					position: [0, 0],
					webhookId,
					parameters: { registration: 'manual', events: ['call.completed'] },
					credentials: { [CREDENTIAL_TYPES.webhookSecret]: credentialRef(cred) },
				},
				{
					name: DEDUPE,
					type: 'n8n-nodes-base.removeDuplicates',
					typeVersion: 2,
					position: [240, 0],
					parameters: REMOVE_DUPLICATES_PARAMETERS,
				},
				{
					name: HANDLE,
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					position: [480, 0],
					parameters: {
						assignments: {
							assignments: [{ id: randomUUID(), name: 'handled_event_id', value: '={{ $json.event_id }}', type: 'string' }],
						},
						options: {},
					},
				},
			],
			// only output 0 ("Kept"); output 1 ("Discarded") receives the duplicates
			connections: {
				[TRIGGER]: { main: [[{ node: DEDUPE, type: 'main', index: 0 }]] },
				[DEDUPE]: { main: [[{ node: HANDLE, type: 'main', index: 0 }]] },
			},
		});
		workflowId = wf.id;
		const { webhooks } = await stack.activateAndWait(wf.id);
		expect(webhooks.map((w) => w.url)).toEqual([url]);

		// 1. a new event: one execution, handled
		const event = callCompletedEvent('call_dedupe_1');
		const eventId = event.event_id as string;
		const body = JSON.stringify(event);
		const first = await deliverSigned(url, body, SECRET);
		expect(first.status).toBe(200);
		const e1 = await nthExecution(1);
		expect(ranNodes(e1)).toEqual([HANDLE, DEDUPE, TRIGGER].sort());
		expect(nodeOutput(e1, DEDUPE)).toEqual([expect.objectContaining({ event_id: eventId })]);
		expect(nodeOutput(e1, HANDLE)).toEqual([{ handled_event_id: eventId }]);

		// 2. restart n8n: the trigger's process memory is gone
		const tRestart = Date.now();
		await stack.restartN8n();
		await stack.api.waitForWebhook(url, { timeoutMs: 60_000 });
		console.log(`dedupe-restart e2e: n8n restarted and webhook live in ${((Date.now() - tRestart) / 1000).toFixed(1)} s`);

		// 3. the same event_id again: the trigger starts an execution, Remove Duplicates keeps nothing
		const again = await deliverSigned(url, body, SECRET);
		expect(again.status).toBe(200);
		expect(again.text).not.toMatch(/already delivered/); // the trigger did not recognise it
		const e2 = await nthExecution(2);
		expect(ranNodes(e2)).toEqual([DEDUPE, TRIGGER].sort());
		expect(nodeOutput(e2, TRIGGER)).toEqual([expect.objectContaining({ event_id: eventId })]);
		expect(nodeOutput(e2, DEDUPE, { output: 0 })).toEqual([]); // Kept
		expect(nodeOutput(e2, DEDUPE, { output: 1 })).toEqual([expect.objectContaining({ event_id: eventId })]); // Discarded

		// 4. a new event_id after the restart: handled
		const fresh = callCompletedEvent('call_dedupe_2');
		const r3 = await deliverSigned(url, JSON.stringify(fresh), SECRET);
		expect(r3.status).toBe(200);
		const e3 = await nthExecution(3);
		expect(ranNodes(e3)).toEqual([HANDLE, DEDUPE, TRIGGER].sort());
		expect(nodeOutput(e3, HANDLE)).toEqual([{ handled_event_id: fresh.event_id }]);

		// exactly three executions, "Handle event" ran for each event_id once
		const all = await stack.api.listExecutions({ workflowId, includeData: true });
		expect(all).toHaveLength(3);
		expect(all.flatMap((e) => nodeOutput(e, HANDLE).map((i) => i.handled_event_id)).sort()).toEqual([eventId, fresh.event_id].sort());
	});

	test('measured: ids recorded by simultaneous executions can be lost; after a restart exactly the stored ids are recognised', async () => {
		// md5/base64 of the value, as DeduplicationHelper.createValueHash stores it
		const hash = (v: string) => createHash('md5').update(v).digest('base64');
		const stored = async (): Promise<Set<string>> => {
			const rows = await stack.db.query<{ value: any }>(`select value from processed_data where "workflowId" = '${workflowId}'`);
			return new Set(rows.flatMap((r) => (typeof r.value === 'string' ? JSON.parse(r.value) : r.value).data as string[]));
		};
		const before = (await stack.api.listExecutions({ workflowId })).length;
		const burst = Array.from({ length: 8 }, (_, i) => callCompletedEvent(`call_burst_${i}`));
		const ids = burst.map((e) => e.event_id as string);
		const answers = await Promise.all(burst.map((e) => deliverSigned(url, JSON.stringify(e), SECRET)));
		expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
		const done = await stack.api.waitForExecutions(workflowId, before + 8, { includeData: true });
		const handledOnce = done.flatMap((e) => nodeOutput(e, HANDLE).map((i) => i.handled_event_id));
		expect(ids.filter((id) => handledOnce.includes(id))).toEqual(ids); // every new id handled once

		const kept = await stored();
		const lost = ids.filter((id) => !kept.has(hash(id)));
		console.log(`dedupe-restart e2e: 8 simultaneous new events → ${8 - lost.length} ids stored by Remove Duplicates, ${lost.length} lost`);

		await stack.restartN8n();
		await stack.api.waitForWebhook(url, { timeoutMs: 60_000 });
		// redeliver each one, one at a time (no race now): handled again iff its id was lost
		let n = before + 8;
		const verdicts: Record<string, boolean> = {};
		for (const e of burst) {
			expect((await deliverSigned(url, JSON.stringify(e), SECRET)).status).toBe(200);
			const exec = await nthExecution(++n);
			verdicts[e.event_id as string] = ranNodes(exec).includes(HANDLE);
		}
		expect(verdicts).toEqual(Object.fromEntries(ids.map((id) => [id, lost.includes(id)])));
		expect([...(await stored())].filter((h) => ids.map(hash).includes(h))).toHaveLength(8); // sequential runs recorded them all
	});
});
