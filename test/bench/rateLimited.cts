/**
 * 1. Rate-limited batch: N create-call items against a sandbox limited to `limit` requests per
 * `windowMs` (sliding window per key). The floor is N / limit windows: no client can place N
 * calls faster without 429s. Counted in the sandbox itself: calls placed, contacts called,
 * calls that share a contact (duplicates), and 429 answers.
 */
import { type Execution } from '../e2e/runner/index.cjs';
import { type BenchContext, dump, log, nodeRun, type Row } from './context.cjs';
import { fmt } from './stats.cjs';
import { HTTP, httpCreateCalls, OURS, oursCreateCalls, START } from './workflows.cjs';

export interface RateLimitedResult {
	/** The sandbox's answers to POST /v1/calls, ms after the first one, with status (for --dump). */
	answers: Array<[number, number]>;
	/** n8n's own timing of the node (all of Retry On Fail's tries included). */
	nodeMs: number;
	executionStatus: string;
	error?: string;
	succeeded: number;
	failed: number;
	callsPlaced: number;
	contactsCalled: number;
	duplicates: number;
	rateLimited: number;
}

async function runBatch(ctx: BenchContext, which: 'ours' | 'baseline'): Promise<RateLimitedResult> {
	const { cfg, sandbox, stack, tap, creds } = ctx;
	const nodeName = which === 'ours' ? OURS : HTTP;
	const wf =
		which === 'ours'
			? oursCreateCalls(cfg.n, creds.huskyVoiceApi)
			: httpCreateCalls(cfg.n, sandbox.baseUrl, creds.httpHeaderAuth);
	const created = await stack.api.createWorkflow(wf);
	sandbox.state.reset();
	sandbox.state.config.rateLimit = { limit: cfg.limit, windowMs: cfg.windowMs };
	tap.reset();
	const floorMs = (cfg.n * cfg.windowMs) / cfg.limit;
	let exec: Execution;
	try {
		exec = await stack.api.runManually(created.id, START, { timeoutMs: Math.max(120_000, floorMs * 4) });
	} finally {
		// the limit stays for nothing else
		sandbox.state.config.rateLimit = { limit: 1_000_000, windowMs: 1000 };
	}
	const run = nodeRun(exec, nodeName);
	const items = run?.items ?? [];
	const succeeded = items.filter((i) => typeof i.call_id === 'string' && i.error === undefined).length;
	const contacts = new Map<string, number>();
	for (const call of sandbox.state.calls.values()) {
		const key = call.contact_number ?? '';
		contacts.set(key, (contacts.get(key) ?? 0) + 1);
	}
	const callsPlaced = sandbox.state.calls.size;
	const posts = tap.answers().filter((a) => a.route.startsWith('POST /v1/calls'));
	return {
		answers: posts.map((a) => [a.at - (posts[0]?.at ?? 0), a.status]),
		nodeMs: run?.executionTime ?? NaN,
		executionStatus: exec.status,
		error: run?.error?.message,
		succeeded,
		failed: cfg.n - succeeded,
		callsPlaced,
		contactsCalled: contacts.size,
		duplicates: callsPlaced - contacts.size,
		rateLimited: tap.count(429, 'POST /v1/calls'),
	};
}

function describe(r: RateLimitedResult): string {
	return `node ${fmt(r.nodeMs / 1000, 1)} s, execution ${r.executionStatus}${r.error ? ` (${r.error})` : ''}, ${r.succeeded} ok, ${r.failed} failed, ${r.callsPlaced} calls to ${r.contactsCalled} contacts, ${r.rateLimited}× 429`;
}

export async function benchRateLimited(ctx: BenchContext): Promise<{ rows: Row[]; ours: RateLimitedResult; baseline: RateLimitedResult }> {
	const { cfg } = ctx;
	const floorMs = (cfg.n * cfg.windowMs) / cfg.limit;
	log(`1. rate-limited batch: ${cfg.n} create-call items, limit ${cfg.limit} per ${cfg.windowMs} ms (floor ${fmt(floorMs / 1000, 1)} s)`);
	const ours = await runBatch(ctx, 'ours');
	log(`   HuskyVoice node: ${describe(ours)}`);
	const baseline = await runBatch(ctx, 'baseline');
	log(`   HTTP Request node: ${describe(baseline)}`);
	dump(cfg, 'rate-limited', { floorMs, ours, baseline });

	const bench = `1. Rate-limited batch (N=${cfg.n}, ${cfg.limit} req / ${cfg.windowMs} ms = ${Math.round((cfg.limit * 60_000) / cfg.windowMs)} rpm)`;
	const wall = (r: RateLimitedResult) =>
		`${fmt(r.nodeMs / floorMs)} (${fmt(r.nodeMs / 1000, 1)} s${r.executionStatus === 'success' ? '' : `, execution ${r.executionStatus}`})`;
	const oursClean = ours.failed === 0 && ours.duplicates === 0;
	return {
		ours,
		baseline,
		rows: [
			{
				bench,
				figure: `wall time / (N / limit = ${fmt(floorMs / 1000, 1)} s)`,
				ours: wall(ours),
				baseline: wall(baseline),
				ratio: '—',
				target: '≤ 1.05, with 0 failed and 0 duplicates',
				met: ours.nodeMs / floorMs <= 1.05 && oursClean,
			},
			{ bench, figure: 'items succeeded', ours: String(ours.succeeded), baseline: String(baseline.succeeded), ratio: '—', target: `${cfg.n}`, met: ours.succeeded === cfg.n },
			{ bench, figure: 'items failed', ours: String(ours.failed), baseline: String(baseline.failed), ratio: '—', target: '0', met: ours.failed === 0 },
			{
				bench,
				figure: 'duplicate calls in the sandbox (calls sharing a contact)',
				ours: String(ours.duplicates),
				baseline: String(baseline.duplicates),
				ratio: '—',
				target: '0',
				met: ours.duplicates === 0,
			},
			{
				bench,
				figure: 'calls placed / contacts called',
				ours: `${ours.callsPlaced} / ${ours.contactsCalled}`,
				baseline: `${baseline.callsPlaced} / ${baseline.contactsCalled}`,
				ratio: '—',
				target: `${cfg.n} / ${cfg.n}`,
				met: ours.callsPlaced === cfg.n && ours.contactsCalled === cfg.n,
			},
			{ bench, figure: '429 answers received', ours: String(ours.rateLimited), baseline: String(baseline.rateLimited), ratio: '—', target: '—', met: undefined },
		],
	};
}
