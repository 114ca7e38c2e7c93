/**
 * Signature fuzzing of the HuskyVoice Trigger in a real single-process n8n 2.41.1: 1,000+
 * deliveries (fuzz.cts lists the kinds and why each gets its answer). Exactly the valid ones
 * start executions, each valid event_id once (also when three copies race), every forgery gets
 * 401 (400 for a valid signature over a non-event, 422 from n8n itself for a body sent as JSON
 * that n8n cannot parse), no delivery makes n8n log an uncaught error, and no secret leaks.
 * Then: what the dedupe remembers across an n8n restart (measured, see the README).
 *
 * Run: npx jest --selectProjects e2e --runInBand test/e2e/reliability/signature-fuzz
 */
import { randomBytes } from 'node:crypto';
import { checkAnswers, eventIdsOf, type FuzzDelivery, fuzzPlan, runFuzz, SELECTED_EVENTS } from './fuzz.cjs';
import {
	createCredential,
	deliverAll,
	type DeliveryAnswer,
	n8nLogErrors,
	type ReliabilityEnv,
	scanForSecrets,
	secretRows,
	startEnv,
	summariseOccurrences,
	triggerNode,
	writeResults,
} from './support.cjs';

jest.setTimeout(10 * 60_000);

const SEED = Number(process.env.RELIABILITY_SEED ?? 20_260_902);
const REPLAYED_AFTER_RESTART = 100;
const PARSE_FAILED = /Error in handling webhook request POST \/webhook\/.*: Failed to parse request body$/;

describe('HuskyVoice Trigger signature fuzzing (single-process n8n)', () => {
	let env: ReliabilityEnv;
	let url: string;
	let workflowId: string;
	const secret = `whsec_${randomBytes(24).toString('hex')}`;
	const rows: Array<[string, string | number]> = [];
	const notes: string[] = [];
	let plan: ReturnType<typeof fuzzPlan>;
	let sent: Array<{ d: FuzzDelivery; a: DeliveryAnswer }> = [];

	beforeAll(async () => {
		env = await startEnv({ label: 'rel-fuzz' });
		env.secrets.add('trigger signing secret (Manual credential)', secret);
		const credential = await createCredential(env, 'HuskyVoice signing secret', 'huskyVoiceWebhookSecretApi', { signingSecret: secret });
		const wf = await env.stack.api.createWorkflow({
			name: 'fuzzed trigger',
			nodes: [triggerNode({ registration: 'manual', events: SELECTED_EVENTS, credential })],
			connections: {},
		});
		workflowId = wf.id;
		const { webhooks } = await env.stack.activateAndWait(wf.id);
		url = webhooks[0].url;
		plan = fuzzPlan(secret, SEED);
	});

	afterAll(async () => {
		if (rows.length) writeResults('signature-fuzz', 'Trigger signature fuzzing (single-process n8n)', rows, notes);
		await env?.stop();
	});

	test('1,000+ deliveries: exactly the valid ones start executions, each event_id once; forgeries get 401/400/422', async () => {
		const t0 = Date.now();
		sent = await runFuzz(env, url, plan);
		const tSent = Date.now();
		const wrong = checkAnswers(sent);
		const byClass = new Map<string, { n: number; statuses: Set<number> }>();
		for (const { d, a } of sent) {
			const c = byClass.get(d.cls) ?? { n: 0, statuses: new Set<number>() };
			c.n++;
			c.statuses.add(a.status);
			byClass.set(d.cls, c);
		}
		const status = (s: number) => sent.filter(({ a }) => a.status === s).length;
		rows.push(
			['deliveries fuzzed', sent.length],
			['answered 200 (valid: started, or ignored as duplicate / not selected)', status(200)],
			['answered 401 (signature missing or invalid)', status(401)],
			['answered 400 (valid signature, not an event)', status(400)],
			['answered 422 by n8n before the node (sent as JSON, not JSON)', status(422)],
			['answers not as expected', wrong.length],
		);
		notes.push(
			`Seed ${SEED}. Kinds (count → answers): ${[...byClass].map(([k, v]) => `${k} ${v.n} → ${[...v.statuses].join('/')}`).join('; ')}.`,
		);
		expect(sent.length).toBeGreaterThanOrEqual(1_000);
		expect(wrong).toEqual([]);

		const expected = plan.validEventIds.length;
		await env.stack.api.waitForExecutions(workflowId, expected, { timeoutMs: 180_000 });
		await new Promise((r) => setTimeout(r, 3_000)); // anything extra would show up now
		const all = await env.stack.api.listExecutions({ workflowId, includeData: true, limit: 5_000 });
		const ids = eventIdsOf(all, 'HuskyVoice Trigger');
		const valid = new Set(plan.validEventIds);
		const forgeries = ids.filter((id) => !valid.has(id));
		const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
		const missing = plan.validEventIds.filter((id) => !ids.includes(id));
		rows.push(
			['valid new events (distinct event_ids)', expected],
			['executions started', all.length],
			['accepted forgeries (executions for anything but a valid new event)', forgeries.length],
			['event_ids executed twice', twice.length],
			['valid event_ids never executed', missing.length],
		);
		notes.push(`${((tSent - t0) / 1000).toFixed(0)} s for the deliveries, ${((Date.now() - tSent) / 1000).toFixed(0)} s more until every execution was saved.`);
		expect(forgeries).toEqual([]);
		expect(twice).toEqual([]);
		expect(missing).toEqual([]);
		expect(all.map((e) => e.status).filter((s) => s !== 'success')).toEqual([]);
	});

	test('no uncaught error in n8n’s logs; the only error entries are n8n’s own 422s', () => {
		const logs = n8nLogErrors(env, [PARSE_FAILED]);
		const answered422 = sent.filter(({ a }) => a.status === 422).length;
		rows.push(
			['n8n log: uncaught errors', logs.uncaught.length],
			['n8n log: "Failed to parse request body" entries (n8n’s 422)', logs.expectedCounts[0]],
			['n8n log: other error entries', logs.unexpected.length],
		);
		expect(logs.uncaught).toEqual([]);
		expect(logs.unexpected).toEqual([]);
		expect(logs.expectedCounts[0]).toBe(answered422);
	});

	test('after an n8n restart: replays of old events (measured), then replays again (none may start)', async () => {
		const before = (await env.stack.api.listExecutions({ workflowId, limit: 5_000 })).length;
		const persisted = await env.stack.db.query<{ n: number }>(
			`select coalesce(json_array_length("staticData"->'node:HuskyVoice Trigger'->'seenEvents'), 0) as n from workflow_entity where id = '${workflowId}'`,
		);
		await env.stack.restartN8n();
		await env.stack.api.waitForWebhook(url, { timeoutMs: 60_000 });
		const replays = plan.validEventIds.slice(0, REPLAYED_AFTER_RESTART).map((id) => sent.find(({ d }) => d.newEvent === id)!.d);
		const first = await deliverAll(env, url, replays);
		const startedAgain = first.filter((a) => a.status === 200 && !/"ignored"/.test(a.text)).length;
		await env.stack.api.waitForExecutions(workflowId, before + startedAgain, { timeoutMs: 120_000 });
		const second = await deliverAll(env, url, replays);
		await new Promise((r) => setTimeout(r, 2_000));
		const after = (await env.stack.api.listExecutions({ workflowId, limit: 5_000 })).length;
		rows.push(
			['event_ids in the workflow’s static data before the restart', `${persisted[0]?.n ?? 0} of ${plan.validEventIds.length}`],
			['after restart: old events replayed', replays.length],
			['after restart: replays that started the workflow again', startedAgain],
			['after restart: the same replays once more, executions started', after - before - startedAgain],
		);
		expect(first.every((a) => a.status === 200)).toBe(true);
		expect(second.every((a) => a.status === 200 && /"ignored"/.test(a.text))).toBe(true);
		expect(after - before).toBe(startedAgain);
	});

	test('no secret in the database, logs, node outputs or answers', async () => {
		const scan = await scanForSecrets(env);
		rows.push(...secretRows(scan));
		expect(summariseOccurrences(scan.occurrences)).toEqual([]);
	});
});
