/**
 * 5. Wait for Outcome: 50 calls waiting at once, each in its own execution (a lead webhook →
 * Create Call with Wait for Outcome; leads 200 ms apart), through one credential at HuskyVoice's documented limit
 * (60 requests/min). Figures: requests per minute used (the busiest 60 s window, counted in the
 * sandbox) vs the limit, 429s, and the median delay from a call's final state (sandbox) to the
 * node's output (n8n's own node timing) — by polling alone, then with a HuskyVoice Trigger
 * (Manual registration, the sandbox delivering call.completed) active in the same n8n.
 */
import { randomUUID } from 'node:crypto';
import { SandboxAdmin, createManualTriggerWorkflow } from '../e2e/husky.cjs';
import { PACKAGE_NAME, request, sleep, waitFor, type WorkflowInput } from '../e2e/runner/index.cjs';
import type { SandboxConfig } from '../sandbox/sandbox.cjs';
import { type BenchContext, log, nodeRun, type Row } from './context.cjs';
import { fmt, median, percentile } from './stats.cjs';

const CALLS = 50;
const LIMIT = { limit: 60, windowMs: 60_000 };
/** Every call walks a stage every 2 s: completed about 8 s after Create. */
const ADVANCE_MS = 2_000;
const NODE = 'Call and wait';
const LEAD_SPACING_MS = 200;

function leadWorkflow(name: string, path: string, cred: { id: string; name: string }): WorkflowInput {
	return {
		name,
		nodes: [
			{
				name: 'Lead',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path, options: {} },
			},
			{
				name: NODE,
				type: `${PACKAGE_NAME}.huskyVoice`,
				typeVersion: 1.1,
				position: [240, 0],
				parameters: {
					resource: 'call',
					operation: 'create',
					agentId: 'agent_bench',
					contactNumber: '={{ $json.body.phone }}',
					waitForOutcome: true,
					timeLimit: 10,
					timeLimitUnit: 'minutes',
				},
				credentials: { huskyVoiceApi: cred },
			},
		],
		connections: { Lead: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

interface Pass {
	label: string;
	completed: number;
	delaysMs: number[];
	busiestWindow: number;
	requests: number;
	polls: number;
	rateLimited: number;
	seconds: number;
	/** Deliveries of call.completed to the trigger during the pass: count, median latency to the answer, non-2xx. */
	deliveries: { count: number; p50Ms: number; failed: number };
}

async function runPass(ctx: BenchContext, label: string, prefix: string): Promise<Pass> {
	const { stack, sandbox } = ctx;
	const wf = await stack.api.createWorkflow(leadWorkflow(`bench: wait for outcome (${label})`, `bench-wait-${randomUUID()}`, ctx.creds.huskyVoiceApi));
	const { webhooks } = await stack.activateAndWait(wf.id);
	sandbox.state.rateWindows.clear();
	const t0 = Date.now();
	// never ending in 0000 or 1111 (the sandbox's DND and no-answer numbers)
	const phones = Array.from({ length: CALLS }, (_, i) => `+91${prefix}${String(12_345_600 + i)}`);
	// Leads arrive 5 a second, so the calls end over ~10 s rather than in one burst of deliveries.
	const sent: Array<Promise<unknown>> = [];
	for (const phone of phones) {
		sent.push(request('POST', webhooks[0].url, { body: { phone } }));
		await sleep(LEAD_SPACING_MS);
	}
	await Promise.all(sent);
	const executions = await waitFor(
		`${CALLS} finished executions (${label})`,
		async () => {
			const all = await stack.api.listExecutions({ workflowId: wf.id, includeData: true });
			return all.length >= CALLS && all.every((e) => !['new', 'running', 'waiting'].includes(e.status)) ? all : undefined;
		},
		{ timeoutMs: 10 * 60_000, intervalMs: 2_000 },
	);
	const seconds = (Date.now() - t0) / 1000;
	await stack.deactivateAndWait(wf.id);
	const delaysMs: number[] = [];
	let completed = 0;
	for (const execution of executions) {
		const run = nodeRun(execution, NODE);
		const item = execution.data?.resultData?.runData?.[NODE]?.[0]?.data?.main?.[0]?.[0]?.json;
		if (!run || !item) continue;
		completed++;
		const call = sandbox.state.calls.get(item.call_id);
		const ended = call?.sandbox.history.find((h) => h.status === 'completed');
		if (ended) delaysMs.push(run.startTime + run.executionTime - Date.parse(ended.at));
	}
	// by time, not by index: the sandbox keeps only its latest requests, so after earlier benchmarks the list no longer grows
	const seen = sandbox.state.requests.filter((r) => Date.parse(r.at) >= t0);
	if (seen.length < CALLS) throw new Error(`the sandbox recorded ${seen.length} requests for ${CALLS} calls (${label}): the request log lost some`);
	const delivered = sandbox.state.deliveries.filter((d) => Date.parse(d.at) >= t0 && d.event_type === 'call.completed');
	const times = seen.map((r) => Date.parse(r.at));
	const busiestWindow = Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t < start + LIMIT.windowMs).length));
	return {
		label,
		completed,
		delaysMs,
		busiestWindow,
		requests: seen.length,
		polls: seen.filter((r) => r.method === 'GET').length,
		rateLimited: seen.filter((r) => r.status === 429).length,
		seconds,
		deliveries: { count: delivered.length, p50Ms: median(delivered.map((d) => d.latencyMs)), failed: delivered.filter((d) => !d.ok).length },
	};
}

export async function benchWaitOutcome(ctx: BenchContext): Promise<{ rows: Row[]; passes: Pass[] }> {
	const { sandbox, stack } = ctx;
	const saved: Partial<SandboxConfig> = { rateLimit: sandbox.state.config.rateLimit, autoAdvanceMs: sandbox.state.config.autoAdvanceMs, queuedMs: sandbox.state.config.queuedMs };
	const admin = new SandboxAdmin(sandbox.adminUrl);
	const passes: Pass[] = [];
	try {
		Object.assign(sandbox.state.config, { rateLimit: LIMIT, autoAdvanceMs: ADVANCE_MS, queuedMs: 0 });
		log(`5. Wait for Outcome: ${CALLS} calls waiting at once, polling alone`);
		passes.push(await runPass(ctx, 'polling alone', '71'));
		await sleep(LIMIT.windowMs); // a fresh rate window for the second pass
		const trigger = await createManualTriggerWorkflow(stack, admin, {
			name: 'bench: trigger for wait',
			credentialName: 'HuskyVoice signing secret (wait bench)',
			events: ['call.completed', 'call.failed', 'call.disallowed'],
		});
		await stack.activateAndWait(trigger.workflow.id);
		log(`5. Wait for Outcome: ${CALLS} calls waiting at once, HuskyVoice Trigger active in the same n8n`);
		passes.push(await runPass(ctx, 'with the trigger', '72'));
		await stack.deactivateAndWait(trigger.workflow.id);
	} finally {
		Object.assign(sandbox.state.config, saved);
	}
	const rows: Row[] = [];
	for (const p of passes) {
		const bench = `5. Wait for Outcome, ${CALLS} calls at once (${LIMIT.limit} req/min), ${p.label}`;
		const row = (figure: string, ours: string, target = '—', met?: boolean): Row => ({ bench, figure, ours, baseline: '—', ratio: '—', target, met });
		rows.push(
			row('calls on Completed', `${p.completed} / ${CALLS}`, `${CALLS} / ${CALLS}`, p.completed === CALLS),
			row('busiest 60 s window, requests (creates + polls)', `${p.busiestWindow} / ${LIMIT.limit}`, `≤ ${LIMIT.limit}`, p.busiestWindow <= LIMIT.limit),
			row('429 answers', String(p.rateLimited), '0', p.rateLimited === 0),
			row('median delay final state → node output, s', fmt(median(p.delaysMs) / 1000, 2)),
			row('p95 delay final state → node output, s', fmt(percentile(p.delaysMs, 95) / 1000, 2)),
			row('requests in all (polls)', `${p.requests} (${p.polls})`),
			row('wall time of the pass, s', fmt(p.seconds, 1)),
			row('min / p25 delay, s', `${fmt(Math.min(...p.delaysMs) / 1000, 2)} / ${fmt(percentile(p.delaysMs, 25) / 1000, 2)}`),
			row('call.completed deliveries to the trigger (failed), p50 answer ms', `${p.deliveries.count} (${p.deliveries.failed}), ${fmt(p.deliveries.p50Ms, 0)}`),
		);
	}
	return { rows, passes };
}
