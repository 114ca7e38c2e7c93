/**
 * What n8n itself does per delivery to each trigger workflow, counted in an n8n of its own so that
 * no probe touches a timed pass: expression isolates taken by the `vm` engine (n8n's own counter
 * n8n_expression_pool_acquired_total, N8N_METRICS=true) and the time of n8n's credential-
 * permission check before each execution (permissionCheckProbe.cjs, preloaded). Sequential
 * deliveries, the first one per workflow not counted (it reads the signing secret).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot, sleep, type WorkflowInput } from '../e2e/runner/index.cjs';
import type { BenchContext } from './context.cjs';
import { percentile } from './stats.cjs';
import { type Delivery, EVENT_PREFIX, eventBody, is2xx, post, type Side } from './trigger.cjs';
import { oursTrigger, plainWebhook } from './workflows.cjs';

const DELIVERIES = 20;
const METRIC = /^n8n_expression_pool_acquired_total\s+(\S+)$/m;

type CountedSide = 'ours' | 'unsigned' | 'baseline';

export interface PerDelivery {
	isolates: Record<CountedSide, number>;
	/** median ms of n8n's credential-permission check per delivery */
	permissionCheckMs: Record<CountedSide, number>;
}

/** n8n environment for the counting instance. */
export function probeEnv(probeOut: string): Record<string, string> {
	const probe = path.join(repoRoot(), 'test', 'bench', 'permissionCheckProbe.cjs');
	return { N8N_METRICS: 'true', NODE_OPTIONS: `--require=${probe}`, HUSKY_BENCH_PROBE_OUT: probeOut };
}

export function probeFile(): string {
	return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'husky-bench-probe-')), 'permission-checks.jsonl');
}

async function acquiredSoFar(ctx: BenchContext): Promise<number> {
	const text = await (await fetch(`${ctx.stack.url}/metrics`)).text();
	const match = METRIC.exec(text);
	if (!match) throw new Error('n8n_expression_pool_acquired_total not in /metrics (needs N8N_METRICS=true and the vm engine)');
	return Number(match[1]);
}

function checkTimes(probeOut: string, workflowId: string): number[] {
	if (!fs.existsSync(probeOut)) return [];
	return fs
		.readFileSync(probeOut, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as { workflowId: string; ms: number })
		.filter((c) => c.workflowId === workflowId)
		.map((c) => c.ms);
}

export async function perDelivery(ctx: BenchContext, probeOut: string): Promise<PerDelivery> {
	const { stack, creds } = ctx;
	const inputs: Record<CountedSide, WorkflowInput> = {
		ours: oursTrigger(creds.webhookSecret),
		unsigned: oursTrigger(),
		baseline: plainWebhook(),
	};
	const result: PerDelivery = { isolates: {} as Record<CountedSide, number>, permissionCheckMs: {} as Record<CountedSide, number> };
	for (const side of Object.keys(inputs) as CountedSide[]) {
		const wf = await stack.api.createWorkflow(inputs[side]);
		const { webhooks } = await stack.activateAndWait(wf.id);
		const send = (i: number) => {
			const eventId = `evt_count_${EVENT_PREFIX[side as Side]}_${i}`;
			const delivery: Delivery = { side, eventId, measured: true, round: 0, body: eventBody(eventId, i) };
			return post({ url: webhooks[0].url, headers: {} }, delivery, creds.signingSecret, 0);
		};
		await send(0);
		await sleep(1000);
		const before = await acquiredSoFar(ctx);
		const checksBefore = checkTimes(probeOut, wf.id).length;
		for (let i = 1; i <= DELIVERIES; i++) {
			const answer = await send(i);
			if (!is2xx(answer)) throw new Error(`delivery to ${side} answered ${answer.status}`);
			await sleep(200);
		}
		await sleep(1500); // executions finish and release their isolates
		result.isolates[side] = ((await acquiredSoFar(ctx)) - before) / DELIVERIES;
		const checks = checkTimes(probeOut, wf.id).slice(checksBefore);
		if (checks.length !== DELIVERIES) throw new Error(`permission-check probe saw ${checks.length} checks for ${DELIVERIES} deliveries to ${side}`);
		result.permissionCheckMs[side] = percentile(checks, 50);
		await stack.api.deactivateWorkflow(wf.id).catch(() => undefined);
	}
	return result;
}
