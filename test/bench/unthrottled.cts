/**
 * 2. Unthrottled: M Get Call items, HuskyVoice node vs HTTP Request node, no rate limit in the
 * way. Per-item time = n8n's own timing of the node (runData executionTime) / M. One warm-up run
 * each, then `repeats` runs each in alternating order (ours first, then baseline first, …);
 * the median is reported.
 */
import { request } from '../e2e/runner/index.cjs';
import { type BenchContext, dump, executionMs, log, nodeRun, type Row } from './context.cjs';
import { fmt, median, ratio } from './stats.cjs';
import { AGENT_ID, HTTP, httpGetCalls, OURS, oursGetCalls, START } from './workflows.cjs';

const DISTINCT_CALLS = 20;

export interface GetRun {
	which: 'ours' | 'baseline';
	nodeMs: number;
	executionMs: number;
	perItemMs: number;
	ok: number;
}

async function createCalls(ctx: BenchContext, count: number): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const r = await request('POST', `${ctx.sandbox.baseUrl}/calls`, {
			headers: { authorization: `Bearer ${ctx.sandbox.apiKey}` },
			body: { agent_id: AGENT_ID, contact_number: `+9197${String(i).padStart(8, '0')}`, contact_name: `Get ${i}` },
		});
		if (r.status !== 201) throw new Error(`creating a call in the sandbox answered ${r.status}: ${r.text}`);
		ids.push(r.json<{ data: { call_id: string } }>().data.call_id);
	}
	return ids;
}

export async function benchUnthrottled(ctx: BenchContext): Promise<{ rows: Row[]; runs: GetRun[] }> {
	const { cfg, sandbox, stack, creds } = ctx;
	const m = cfg.getItems;
	log(`2. unthrottled: ${m} Get Call items, ${cfg.repeats} runs each (+1 warm-up)`);
	sandbox.state.reset();
	sandbox.state.config.rateLimit = { limit: 1_000_000, windowMs: 1000 };
	const callIds = await createCalls(ctx, DISTINCT_CALLS);
	const workflows = {
		ours: await stack.api.createWorkflow(oursGetCalls(m, callIds, creds.huskyVoiceApi)),
		baseline: await stack.api.createWorkflow(httpGetCalls(m, callIds, sandbox.baseUrl, creds.httpHeaderAuth)),
	};
	const runOnce = async (which: 'ours' | 'baseline'): Promise<GetRun> => {
		const exec = await stack.api.runManually(workflows[which].id, START, { timeoutMs: 300_000 });
		const run = nodeRun(exec, which === 'ours' ? OURS : HTTP);
		if (!run || exec.status !== 'success') {
			throw new Error(`${which} Get Call run ended ${exec.status}: ${run?.error?.message ?? 'no run data'}`);
		}
		// ours unwraps HuskyVoice's `{ data: … }`; the HTTP Request node passes the envelope on
		const calls = which === 'ours' ? run.items : run.items.map((i) => i.data ?? {});
		const ok = calls.filter((c) => callIds.includes(c.call_id) && c.status !== undefined).length;
		if (ok !== m) throw new Error(`${which} Get Call run returned ${ok} of ${m} calls`);
		return { which, nodeMs: run.executionTime, executionMs: executionMs(exec), perItemMs: run.executionTime / m, ok };
	};

	await runOnce('ours');
	await runOnce('baseline');
	const runs: GetRun[] = [];
	for (let r = 0; r < cfg.repeats; r++) {
		const order: Array<'ours' | 'baseline'> = r % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
		for (const which of order) {
			const run = await runOnce(which);
			runs.push(run);
			log(`   run ${r + 1} ${which === 'ours' ? 'HuskyVoice node  ' : 'HTTP Request node'}: node ${run.nodeMs} ms, ${fmt(run.perItemMs, 3)} ms/item, execution ${run.executionMs} ms`);
		}
	}
	dump(cfg, 'get-runs', runs);
	const med = (which: 'ours' | 'baseline', pick: (r: GetRun) => number) => median(runs.filter((r) => r.which === which).map(pick));
	const per = { ours: med('ours', (r) => r.perItemMs), baseline: med('baseline', (r) => r.perItemMs) };
	const node = { ours: med('ours', (r) => r.nodeMs), baseline: med('baseline', (r) => r.nodeMs) };
	const execution = { ours: med('ours', (r) => r.executionMs), baseline: med('baseline', (r) => r.executionMs) };
	const bench = `2. Unthrottled Get Call (${m} items, median of ${cfg.repeats})`;
	return {
		runs,
		rows: [
			{
				bench,
				figure: 'per-item time (node time / items), ms',
				ours: fmt(per.ours, 3),
				baseline: fmt(per.baseline, 3),
				ratio: ratio(per.ours, per.baseline),
				target: '≤ 1.00×',
				met: per.ours <= per.baseline,
			},
			{ bench, figure: 'node time, ms', ours: fmt(node.ours, 0), baseline: fmt(node.baseline, 0), ratio: ratio(node.ours, node.baseline), target: '—', met: undefined },
			{
				bench,
				figure: 'whole execution (startedAt → stoppedAt), ms',
				ours: fmt(execution.ours, 0),
				baseline: fmt(execution.baseline, 0),
				ratio: ratio(execution.ours, execution.baseline),
				target: '—',
				met: undefined,
			},
		],
	};
}
