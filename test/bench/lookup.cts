/**
 * 7. In-call answer latency: the during-call lookup example (examples/during-call-lookup.json, as
 * shipped) called the way a HuskyVoice Workflow calls it while the agent talks — a POST with
 * `{ date, session }` and the Header Auth header, a new connection per request, open loop at a
 * fixed rate (sent on schedule, not after the previous answer) — against the same flow built
 * with n8n's HTTP Request node in place of the HuskyVoice node (same Webhook, If, Set and
 * Respond to Webhook nodes, the same expressions with the capacity filter written into them).
 * Both are active in the same n8n; they take turns in blocks (A B, B A, …), every answer of a
 * block awaited and a short pause before the next, as in 3 (trigger.cts). Latency = send → end
 * of the answer; an answer that is not a 200 with the expected sentence counts as an error.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot, sleep, type WorkflowInput, type WorkflowNode } from '../e2e/runner/index.cjs';
import { type BenchContext, dump, log, type Row } from './context.cjs';
import { fmt, percentile, ratio } from './stats.cjs';
import type { CredentialRef } from './workflows.cjs';

type LookupSide = 'ours' | 'baseline';
const SIDE_NAMES: Record<LookupSide, string> = { ours: 'lookup example (HuskyVoice node)', baseline: 'same flow with the HTTP Request node' };

/** Days the sandbox seed has open Morning slots on: every request takes the example's common path (open slots that day). */
const ASKED = [
	{ date: '2030-06-03', session: 'Morning' },
	{ date: '2030-06-04', session: 'Morning' },
];
const WARMUP = 10;
const BLOCK_PAUSE_MS = 500;
/** A live call waits this long at most for an answer (docs/in-call-latency.md). */
export const ANSWER_TARGET_MS = 1000;

function example(): WorkflowInput & Record<string, unknown> {
	return JSON.parse(fs.readFileSync(path.join(repoRoot(), 'examples', 'during-call-lookup.json'), 'utf8'));
}

function rewire(nodes: WorkflowNode[], creds: Record<string, CredentialRef>): WorkflowNode[] {
	return nodes.map((node) => ({
		...node,
		credentials: node.credentials && Object.fromEntries(Object.keys(node.credentials).map((type) => [type, creds[type]])),
	}));
}

/** The example as a user imports it, its credentials pointed at the bench's. */
export function lookupExample(creds: Record<string, CredentialRef>): WorkflowInput {
	const wf = example();
	return { name: 'bench: during-call lookup example', nodes: rewire(wf.nodes, creds), connections: wf.connections, settings: wf.settings };
}

/**
 * The same flow without this package: "Open slots" is an HTTP Request node (Header Auth, Retry On
 * Fail at n8n's defaults, On Error → Continue as in the example) asking for the same day; the
 * capacity filter the HuskyVoice node applies ("Only Slots With Capacity") is written into the If
 * and Answer expressions. The no-open-slot branch answers without searching further (the bench
 * only asks for days with open slots, so neither flow takes that branch).
 */
export function lookupWithHttpRequest(baseUrl: string, creds: Record<string, CredentialRef>): WorkflowInput {
	const wf = example();
	const withCapacity = (text: string) => text.replace(/\$json\.slots/g, '$json.slots.filter(s => s.available_slots > 0)');
	const nodes: WorkflowNode[] = [];
	for (const node of rewire(wf.nodes, creds)) {
		if (node.name === 'Earliest open slot') continue;
		if (node.type === 'n8n-nodes-base.webhook') {
			nodes.push({ ...node, webhookId: randomUUID(), parameters: { ...node.parameters, path: `bench-lookup-http-${randomUUID()}` } });
		} else if (node.name === 'Open slots') {
			nodes.push({
				name: node.name,
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.5,
				position: node.position,
				retryOnFail: true,
				onError: 'continueRegularOutput',
				parameters: {
					method: 'GET',
					url: `${baseUrl}/appointment-slots/availability`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					sendQuery: true,
					specifyQuery: 'keypair',
					queryParameters: {
						parameters: [
							{ name: 'date', value: '={{ $json.body.date }}' },
							{ name: 'session', value: "={{ $json.body.session ?? '' }}" },
						],
					},
					options: {},
				},
				credentials: { httpHeaderAuth: creds.httpHeaderAuth },
			});
		} else if (node.name === 'Day has an open slot?' || node.name === 'Answer') {
			nodes.push(JSON.parse(withCapacity(JSON.stringify(node))));
		} else {
			nodes.push(node);
		}
	}
	const connections = { ...(wf.connections as Record<string, { main: Array<Array<{ node: string }>> }>) };
	delete connections['Earliest open slot'];
	const gate = connections['Day has an open slot?'];
	connections['Day has an open slot?'] = { main: [gate.main[0], [{ node: 'Answer with earliest', type: 'main', index: 0 } as never]] };
	return { name: 'bench: during-call lookup, HTTP Request node', nodes, connections, settings: wf.settings };
}

const CLOCK_TICKS_PER_S = 100; // Linux USER_HZ (getconf CLK_TCK)

/** CPU time (user + system, ms) used so far by a process and every process below it (n8n and its task runner). */
export function cpuMsOfTree(rootPid: number): number {
	const stats: Array<{ pid: number; ppid: number; ticks: number }> = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const text = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = text.slice(text.lastIndexOf(')') + 2).split(' '); // after "pid (comm) ": state is field 3
			stats.push({ pid: Number(entry), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
		} catch {
			// the process ended while we looked
		}
	}
	const inTree = new Set([rootPid]);
	for (let grew = true; grew; ) {
		grew = false;
		for (const s of stats) if (!inTree.has(s.pid) && inTree.has(s.ppid)) grew = inTree.add(s.pid).size > 0;
	}
	return (stats.filter((s) => inTree.has(s.pid)).reduce((sum, s) => sum + s.ticks, 0) * 1000) / CLOCK_TICKS_PER_S;
}

interface Ask {
	side: LookupSide;
	measured: boolean;
	round: number;
	body: Buffer;
	date: string;
}

interface Answered {
	ask: Ask;
	latencyMs: number;
	status: number;
	ok: boolean;
	error?: string;
}

function post(url: string, header: { name: string; value: string }, ask: Ask): Promise<Answered> {
	const t0 = performance.now();
	return new Promise((resolve) => {
		const done = (status: number, text: string, error?: string) => {
			let ok = false;
			try {
				ok = status === 200 && String(JSON.parse(text).answer).startsWith(`Open on ${ask.date}: Morning`);
			} catch {
				ok = false;
			}
			resolve({ ask, latencyMs: performance.now() - t0, status, ok, error: error ?? (ok ? undefined : `${status} ${text.slice(0, 120)}`) });
		};
		const req = http.request(
			url,
			{ method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': ask.body.length, [header.name]: header.value } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
				res.on('error', (e) => done(0, '', e.message));
			},
		);
		req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
		req.on('error', (e) => done(0, '', e.message));
		req.end(ask.body);
	});
}

/** Sends request k of a block at t0 + k / rate, whatever happened to the ones before; awaits every answer. */
async function sendBlock(block: Ask[], urls: Record<LookupSide, string>, header: { name: string; value: string }, rate: number): Promise<Answered[]> {
	const t0 = performance.now();
	const pending: Array<Promise<Answered>> = [];
	for (let k = 0; k < block.length; k++) {
		const wait = t0 + (k * 1000) / rate - performance.now();
		if (wait > 0.5) await sleep(wait);
		pending.push(post(urls[block[k].side], header, block[k]));
	}
	return Promise.all(pending);
}

function schedule(requests: number, block: number): Ask[][] {
	let n = 0;
	const make = (side: LookupSide, count: number, round: number): Ask[] =>
		Array.from({ length: count }, () => {
			const asked = ASKED[n++ % ASKED.length];
			return { side, measured: round >= 0, round, date: asked.date, body: Buffer.from(JSON.stringify(asked)) };
		});
	const blocks: Ask[][] = [make('ours', WARMUP, -1), make('baseline', WARMUP, -1)];
	const left: Record<LookupSide, number> = { ours: requests, baseline: requests };
	for (let round = 0; left.ours > 0 || left.baseline > 0; round++) {
		for (const side of (round % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours']) as LookupSide[]) {
			const count = Math.min(block, left[side]);
			if (count > 0) blocks.push(make(side, count, round));
			left[side] -= count;
		}
	}
	return blocks;
}

export interface LookupSideFigures {
	sent: number;
	errors: number;
	p50: number;
	p95: number;
	p99: number;
	max: number;
	/** n8n's CPU time (main process and its children) per measured request, ms: what the answer costs, whatever else runs on the machine. */
	cpuMsPerRequest: number;
}

function figures(side: LookupSide, answers: Answered[], cpuMs: number): LookupSideFigures {
	const mine = answers.filter((a) => a.ask.side === side && a.ask.measured);
	const ok = mine.filter((a) => a.ok).map((a) => a.latencyMs);
	const errors = mine.filter((a) => !a.ok);
	if (errors.length) log(`   ${SIDE_NAMES[side]}: ${errors.length} errors, e.g. ${errors[0].error}`);
	return { sent: mine.length, errors: errors.length, p50: percentile(ok, 50), p95: percentile(ok, 95), p99: percentile(ok, 99), max: ok.length ? Math.max(...ok) : NaN, cpuMsPerRequest: cpuMs / mine.length };
}

export interface LookupResult {
	rows: Row[];
	perRate: Array<{ rate: number; ours: LookupSideFigures; baseline: LookupSideFigures }>;
}

/** `variant`: which n8n settings this n8n runs with (its number and label go into the table). */
export async function benchLookup(ctx: BenchContext, variant: { number: string; label: string; defaults: boolean }): Promise<LookupResult> {
	const { cfg, stack, creds, sandbox } = ctx;
	const header = { name: 'Authorization', value: `Bearer ${sandbox.apiKey}` }; // what the bench's Header Auth credential holds (run.cts)
	const credentials = { huskyVoiceApi: creds.huskyVoiceApi, httpHeaderAuth: creds.httpHeaderAuth };
	const urls = {} as Record<LookupSide, string>;
	const ids: string[] = [];
	for (const [side, input] of [
		['ours', lookupExample(credentials)],
		['baseline', lookupWithHttpRequest(sandbox.baseUrl, credentials)],
	] as const) {
		const wf = await stack.api.createWorkflow(input);
		ids.push(wf.id);
		const { webhooks } = await stack.activateAndWait(wf.id);
		urls[side] = webhooks[0].url;
	}
	const rows: Row[] = [];
	const perRate: LookupResult['perRate'] = [];
	try {
		for (const rate of cfg.lookupRates) {
			log(`${variant.number}. in-call lookup, ${variant.label}: ${cfg.lookupRequests} requests per side at ${rate}/s (+${WARMUP} warm-up each, blocks of ${cfg.lookupBlock})`);
			const answers: Answered[] = [];
			const cpuMs: Record<LookupSide, number> = { ours: 0, baseline: 0 };
			for (const block of schedule(cfg.lookupRequests, cfg.lookupBlock)) {
				const cpuBefore = cpuMsOfTree(stack.main.pid);
				answers.push(...(await sendBlock(block, urls, header, rate)));
				await sleep(BLOCK_PAUSE_MS); // n8n stores the execution after answering: its CPU lands in this pause
				if (block[0].measured) cpuMs[block[0].side] += cpuMsOfTree(stack.main.pid) - cpuBefore;
			}
			dump(cfg, `lookup-${variant.number}-${rate}`, answers.map((a) => ({ side: a.ask.side, measured: a.ask.measured, status: a.status, ok: a.ok, latencyMs: Math.round(a.latencyMs * 10) / 10 })));
			const ours = figures('ours', answers, cpuMs.ours);
			const baseline = figures('baseline', answers, cpuMs.baseline);
			perRate.push({ rate, ours, baseline });
			for (const [side, f] of [['ours', ours], ['baseline', baseline]] as const) {
				log(`   ${SIDE_NAMES[side]}: p50 ${fmt(f.p50, 1)} ms, p95 ${fmt(f.p95, 1)} ms, p99 ${fmt(f.p99, 1)} ms, max ${fmt(f.max, 1)} ms; n8n CPU ${fmt(f.cpuMsPerRequest, 1)} ms per request; ${f.errors} errors of ${f.sent}`);
			}
			const bench = `${variant.number}. In-call lookup, ${variant.label} (${cfg.lookupRequests} requests per side at ${rate}/s)`;
			const budget = variant.defaults && rate === 5;
			rows.push(
				{ bench, figure: 'p50 answer time, ms', ours: fmt(ours.p50, 1), baseline: fmt(baseline.p50, 1), ratio: ratio(ours.p50, baseline.p50), target: '≤ 1.0×', met: ours.p50 <= baseline.p50 },
				{
					bench,
					figure: 'p95 answer time, ms',
					ours: fmt(ours.p95, 1),
					baseline: fmt(baseline.p95, 1),
					ratio: ratio(ours.p95, baseline.p95),
					target: budget ? `≤ 1.0×; ours < ${ANSWER_TARGET_MS} ms` : '≤ 1.0×',
					met: ours.p95 <= baseline.p95 && (!budget || ours.p95 < ANSWER_TARGET_MS),
				},
				{ bench, figure: 'p99 / max answer time, ms', ours: `${fmt(ours.p99, 1)} / ${fmt(ours.max, 1)}`, baseline: `${fmt(baseline.p99, 1)} / ${fmt(baseline.max, 1)}`, ratio: ratio(ours.p99, baseline.p99), target: '—', met: undefined },
				{
					bench,
					figure: "n8n's CPU time per request (main process and children, from /proc), ms",
					ours: fmt(ours.cpuMsPerRequest, 1),
					baseline: fmt(baseline.cpuMsPerRequest, 1),
					ratio: ratio(ours.cpuMsPerRequest, baseline.cpuMsPerRequest),
					target: '—',
					met: undefined,
				},
				{ bench, figure: 'errors (not a 200 with the expected answer)', ours: `${ours.errors} / ${ours.sent}`, baseline: `${baseline.errors} / ${baseline.sent}`, ratio: '—', target: '0', met: ours.errors === 0 },
			);
		}
	} finally {
		for (const id of ids) await stack.api.deactivateWorkflow(id).catch(() => undefined);
	}
	return { rows, perRate };
}

export function lookupNote(cfg: BenchContext['cfg']): string {
	return (
		`**7. In-call lookup.** The during-call lookup example as shipped (Webhook with Header Auth → HuskyVoice Check Availability → If → Set → Respond to Webhook) ` +
		`and the same flow with an HTTP Request node in place of the HuskyVoice node, both active in one n8n; POSTs \`{ date, session }\` as a HuskyVoice Workflow sends them, ` +
		`a new connection each, open loop at ${cfg.lookupRates.join(', ')} requests/s, ${cfg.lookupRequests} per side and rate (+${WARMUP} warm-up) in blocks of ${cfg.lookupBlock} taking turns; ` +
		`every request asks for a day with open Morning slots (the common path; both flows send one availability request). Answer time = send → end of the answer. ` +
		`n8n's CPU time per request (utime + stime of the n8n main process and its children from /proc, over each side's blocks and the pause after each) does not depend on what else runs on the machine: ` +
		`on a shared machine it is the figure to compare, and requests/s × CPU ms per request is the share of a core the lookups take. ` +
		`Target: p95 under ${ANSWER_TARGET_MS} ms at 5/s on n8n's defaults (a live call gives a lookup a few seconds at most — docs/in-call-latency.md) and ours ≤ the HTTP Request flow. ` +
		`The sandbox's rate limit is out of the way here; HuskyVoice's documented 60 requests/min per key would cap sustained lookups at 1/s (the HuskyVoice node then waits for the limit instead of failing).`
	);
}
