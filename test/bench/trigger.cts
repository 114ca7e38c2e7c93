/**
 * 3. Trigger: signed HuskyVoice deliveries at a fixed rate (open loop: sent on schedule, not
 * after the previous answer) to the HuskyVoice Trigger (Manual registration, signature
 * verification on) and to a plain Webhook node workflow, both active in the same n8n — and, as a
 * controls, to a Webhook node secured by a Header Auth credential and to the HuskyVoice Trigger
 * with signature verification off (n8n treats a workflow that uses a credential differently; the
 * second control has none — see run.cts › triggerExplanation). Every side gets identical requests
 * (same envelope, same headers, own event ids). The sides take turns in blocks (A B C, C B A, …)
 * so that all see the same machine over time, with every answer of a block awaited and a short
 * pause before the next, so one side's backlog never lands in another's block; warm-up
 * deliveries go first and are not counted. Latency = send → end of a 2xx answer, a new
 * connection per delivery (like a webhook sender). Executions are matched to event ids
 * afterwards: an id without an execution is a lost event.
 */
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { type Execution, sleep } from '../e2e/runner/index.cjs';
import { type BenchContext, dump, log, nodeRun, type Row } from './context.cjs';
import { fmt, median, percentile, ratio } from './stats.cjs';
import { HMAC_CODE, oursTrigger, plainWebhook, TRIGGER, WEBHOOK, webhookCodeHmac } from './workflows.cjs';

export type Side = 'ours' | 'baseline' | 'hmac' | 'control' | 'unsigned';

const SIDE_NAMES: Record<Side, string> = {
	ours: 'HuskyVoice Trigger',
	baseline: 'Webhook node',
	hmac: 'Webhook + Code HMAC check',
	control: 'Webhook node + Header Auth',
	unsigned: 'HuskyVoice Trigger without verification',
};
export const EVENT_PREFIX: Record<Side, string> = { ours: 'hv', baseline: 'wh', hmac: 'wc', control: 'wa', unsigned: 'hu' };

export interface Delivery {
	side: Side;
	eventId: string;
	measured: boolean;
	/** Which round of blocks (every side once per round); -1 for warm-up. */
	round: number;
	body: Buffer;
}

export interface Answer {
	delivery: Delivery;
	/** ms after the first delivery was sent */
	sentAtMs: number;
	status: number;
	latencyMs: number;
	error?: string;
}

export interface Target {
	url: string;
	headers: Record<string, string>;
}

export interface TriggerSide {
	sent: number;
	/** Deliveries per second while this side's measured blocks ran: first send → last answer of each block. */
	throughput: number;
	answered2xx: number;
	non2xx: number;
	p50: number;
	p95: number;
	p99: number;
	max: number;
	executions: number;
	eventsWithExecution: number;
	duplicateExecutions: number;
	lost: number;
}

export function eventBody(eventId: string, i: number): Buffer {
	const now = new Date().toISOString();
	return Buffer.from(
		JSON.stringify({
			event_id: eventId,
			event_type: 'call.completed',
			created_at: now,
			org_id: 'org_sandbox',
			data: {
				call_id: `call_bench_${i}`,
				agent_id: 'agent_bench',
				status: 'completed',
				contact_number: `+9198${String(i).padStart(8, '0')}`,
				contact_name: `Contact ${i}`,
				additional_info: { order_id: `ord_${i}`, source: 'bench' },
				duration_seconds: 42,
				outcome: 'interested',
				summary: 'The customer confirmed the appointment and asked for a reminder the day before.',
				completed_at: now,
			},
		}),
	);
}

export function post(target: Target, delivery: Delivery, secret: string, start: number): Promise<Answer> {
	const signature = createHmac('sha256', secret).update(delivery.body).digest('hex');
	const t0 = performance.now();
	return new Promise((resolve) => {
		const done = (status: number, error?: string) =>
			resolve({ delivery, sentAtMs: t0 - start, status, latencyMs: performance.now() - t0, error });
		const req = http.request(
			target.url,
			{
				method: 'POST',
				agent: false,
				headers: {
					'content-type': 'application/json',
					'content-length': delivery.body.length,
					'user-agent': 'HuskyVoice-Webhooks/1.0',
					'x-husky-signature': signature,
					'x-husky-event-id': delivery.eventId,
					...target.headers,
				},
			},
			(res) => {
				res.resume();
				res.on('end', () => done(res.statusCode ?? 0));
				res.on('error', (e) => done(0, e.message));
			},
		);
		req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
		req.on('error', (e) => done(0, e.message));
		req.end(delivery.body);
	});
}

/** Sends delivery k of a block at t0 + k / rate, whatever happened to the ones before. */
async function sendBlock(block: Delivery[], targets: Record<Side, Target>, secret: string, rate: number, start: number): Promise<Answer[]> {
	const interval = 1000 / rate;
	const t0 = performance.now();
	const pending: Array<Promise<Answer>> = [];
	for (let k = 0; k < block.length; k++) {
		const wait = t0 + k * interval - performance.now();
		if (wait > 0.5) await sleep(wait);
		pending.push(post(targets[block[k].side], block[k], secret, start));
	}
	return Promise.all(pending);
}

const BLOCK_PAUSE_MS = 500;

/** Block by block; between blocks every answer is awaited and n8n gets a short pause. */
async function sendAll(blocks: Delivery[][], targets: Record<Side, Target>, secret: string, rate: number): Promise<{ answers: Answer[]; seconds: number }> {
	const start = performance.now();
	const total = blocks.reduce((n, b) => n + b.length, 0);
	const answers: Answer[] = [];
	let sending = 0;
	for (const block of blocks) {
		const t = performance.now();
		answers.push(...(await sendBlock(block, targets, secret, rate, start)));
		sending += performance.now() - t;
		if (Math.floor(answers.length / 500) !== Math.floor((answers.length - block.length) / 500)) log(`   ${answers.length} of ${total} sent`);
		await sleep(BLOCK_PAUSE_MS);
	}
	return { answers, seconds: sending / 1000 };
}

/** Warm-up blocks, then measured blocks, the order of the sides reversed every round (A B C, C B A, …). */
function schedule(sides: Side[], events: Record<Side, number>, warmup: number, block: number): Delivery[][] {
	const blocks: Delivery[][] = [];
	const counters = Object.fromEntries(sides.map((s) => [s, 0])) as Record<Side, number>;
	const add = (side: Side, count: number, round: number) => {
		const out: Delivery[] = [];
		for (let j = 0; j < count; j++) {
			const i = counters[side]++;
			const eventId = `evt_bench_${EVENT_PREFIX[side]}_${String(i).padStart(6, '0')}`;
			out.push({ side, eventId, measured: round >= 0, round, body: eventBody(eventId, i) });
		}
		if (out.length) blocks.push(out);
	};
	for (const side of sides) add(side, warmup, -1);
	const left = { ...events };
	for (let round = 0; sides.some((s) => left[s] > 0); round++) {
		for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
			const count = Math.min(block, left[side]);
			add(side, count, round);
			left[side] -= count;
		}
	}
	return blocks;
}

async function settledExecutions(ctx: BenchContext, workflowId: string, expected: number): Promise<Execution[]> {
	const { api } = ctx.stack;
	const finished = (e: Execution) => !['new', 'running', 'waiting'].includes(e.status);
	const deadline = Date.now() + 180_000;
	let last = -1;
	let stableSince = Date.now();
	for (;;) {
		const done = (await api.listExecutions({ workflowId, limit: expected + 200 })).filter(finished).length;
		if (done >= expected) break;
		if (done !== last) {
			last = done;
			stableSince = Date.now();
		} else if (Date.now() - stableSince > 10_000 || Date.now() > deadline) {
			log(`   workflow ${workflowId}: ${done} of ${expected} executions after waiting; counting what is there`);
			break;
		}
		await sleep(500);
	}
	return api.listExecutions({ workflowId, includeData: true, limit: expected + 200 });
}

/** Blocks are consecutive runs of one side in send order; their busy time is first send → last answer. */
function throughputOf(side: Side, answers: Answer[]): number {
	let count = 0;
	let busyMs = 0;
	let block: Answer[] = [];
	const close = () => {
		if (!block.length) return;
		const start = Math.min(...block.map((a) => a.sentAtMs));
		const end = Math.max(...block.map((a) => a.sentAtMs + a.latencyMs));
		busyMs += end - start;
		count += block.length;
		block = [];
	};
	for (const a of [...answers].sort((x, y) => x.sentAtMs - y.sentAtMs)) {
		if (a.delivery.side === side && a.delivery.measured) block.push(a);
		else close();
	}
	close();
	return busyMs > 0 ? (count / busyMs) * 1000 : NaN;
}

export function is2xx(answer: Answer): boolean {
	return answer.status >= 200 && answer.status < 300;
}

/**
 * ours / baseline p50 within each round, where the two sides' blocks ran back to back: a paired
 * view that leaves out drift between rounds, to show how much of a pooled ratio is noise.
 */
function roundRatios(answers: Answer[], ours: Side, baseline: Side): number[] {
	const p50Of = (side: Side, round: number) =>
		percentile(
			answers.filter((a) => a.delivery.side === side && a.delivery.round === round && is2xx(a)).map((a) => a.latencyMs),
			50,
		);
	const rounds = [...new Set(answers.filter((a) => a.delivery.measured).map((a) => a.delivery.round))].sort((x, y) => x - y);
	return rounds.map((r) => p50Of(ours, r) / p50Of(baseline, r)).filter(Number.isFinite);
}

function summarise(side: Side, answers: Answer[], executions: Execution[], eventIdOf: (e: Execution) => string | undefined): TriggerSide {
	const mine = answers.filter((a) => a.delivery.side === side && a.delivery.measured);
	const ok = mine.filter(is2xx);
	const latencies = ok.map((a) => a.latencyMs);
	const measuredIds = new Set(mine.map((a) => a.delivery.eventId));
	const perId = new Map<string, number>();
	for (const e of executions) {
		const id = eventIdOf(e);
		if (id !== undefined && measuredIds.has(id)) perId.set(id, (perId.get(id) ?? 0) + 1);
	}
	const withExecution = perId.size;
	const executionsOfMeasured = [...perId.values()].reduce((a, b) => a + b, 0);
	const errors = mine.filter((a) => !is2xx(a));
	if (errors.length) {
		const kinds = new Map<string, number>();
		for (const a of errors) kinds.set(a.error ?? String(a.status), (kinds.get(a.error ?? String(a.status)) ?? 0) + 1);
		log(`   ${SIDE_NAMES[side]}: non-2xx answers ${[...kinds].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
	}
	return {
		sent: mine.length,
		throughput: throughputOf(side, answers),
		answered2xx: ok.length,
		non2xx: errors.length,
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		p99: percentile(latencies, 99),
		max: latencies.length ? Math.max(...latencies) : NaN,
		executions: executionsOfMeasured,
		eventsWithExecution: withExecution,
		duplicateExecutions: executionsOfMeasured - withExecution,
		lost: mine.length - withExecution,
	};
}

export interface TriggerResult {
	rows: Row[];
	ours: TriggerSide;
	baseline: TriggerSide;
	hmac: TriggerSide;
	control?: TriggerSide;
	unsigned?: TriggerSide;
	seconds: number;
}

export async function benchTrigger(ctx: BenchContext, variant: { number: string; label: string }): Promise<TriggerResult> {
	const { cfg, stack, creds, sandbox } = ctx;
	const m = cfg.triggerEvents;
	const sides: Side[] = cfg.triggerControl > 0 ? ['ours', 'baseline', 'hmac', 'control', 'unsigned'] : ['ours', 'baseline', 'hmac'];
	const events: Record<Side, number> = { ours: m, baseline: m, hmac: m, control: cfg.triggerControl, unsigned: cfg.triggerControl };
	log(
		`${variant.number}. trigger, ${variant.label}: ${sides.map((s) => `${events[s]} to the ${SIDE_NAMES[s]}`).join(', ')} at ${cfg.triggerRate}/s ` +
			`(+${cfg.triggerWarmup} warm-up each, blocks of ${cfg.triggerBlock})`,
	);
	const workflows: Partial<Record<Side, string>> = {};
	const targets: Partial<Record<Side, Target>> = {};
	const inputs = {
		ours: oursTrigger(creds.webhookSecret),
		baseline: plainWebhook(),
		hmac: webhookCodeHmac(creds.signingSecret),
		control: plainWebhook(creds.httpHeaderAuth),
		unsigned: oursTrigger(),
	};
	for (const side of sides) {
		const wf = await stack.api.createWorkflow(inputs[side]);
		workflows[side] = wf.id;
		const { webhooks } = await stack.activateAndWait(wf.id);
		// the control's Header Auth credential holds `Authorization: Bearer <sandbox key>` (run.cts)
		targets[side] = { url: webhooks[0].url, headers: side === 'control' ? { authorization: `Bearer ${sandbox.apiKey}` } : {} };
	}
	// the HMAC flow really checks: a delivery signed with another secret is refused (and starts an execution that stops at the 401)
	const forged = await post(targets.hmac!, { side: 'hmac', eventId: 'evt_bench_forged', measured: false, round: -1, body: eventBody('evt_bench_forged', 0) }, `${creds.signingSecret}x`, performance.now());
	const blocks = schedule(sides, events, cfg.triggerWarmup, cfg.triggerBlock);
	const { answers, seconds } = await sendAll(blocks, targets as Record<Side, Target>, creds.signingSecret, cfg.triggerRate);
	log(`   ${answers.length} deliveries sent, ${fmt(answers.length / seconds, 1)}/s while sending; waiting for the executions`);
	const executions = await Promise.all(sides.map((side) => settledExecutions(ctx, workflows[side]!, events[side] + cfg.triggerWarmup + (side === 'hmac' ? 1 : 0))));
	for (const side of sides) await stack.api.deactivateWorkflow(workflows[side]!).catch(() => undefined);
	dump(
		cfg,
		`trigger-deliveries-${variant.number}`,
		answers.map((a) => ({ side: a.delivery.side, measured: a.delivery.measured, eventId: a.delivery.eventId, sentAtMs: Math.round(a.sentAtMs), status: a.status, latencyMs: Math.round(a.latencyMs * 10) / 10, error: a.error })),
	);
	const summaries = {} as Record<Side, TriggerSide>;
	sides.forEach((side, i) => {
		const eventIdOf =
			side === 'ours' || side === 'unsigned'
				? (e: Execution) => nodeRun(e, TRIGGER)?.items[0]?.event_id
				: side === 'hmac'
					? (e: Execution) => nodeRun(e, HMAC_CODE)?.items[0]?.event?.event_id
					: (e: Execution) => nodeRun(e, WEBHOOK)?.items[0]?.body?.event_id;
		const s = summarise(side, answers, executions[i], eventIdOf);
		summaries[side] = s;
		log(`   ${SIDE_NAMES[side]}: ${fmt(s.throughput, 1)}/s, p50 ${fmt(s.p50, 1)} ms, p95 ${fmt(s.p95, 1)} ms, p99 ${fmt(s.p99, 1)} ms, max ${fmt(s.max, 1)} ms; ${s.eventsWithExecution}/${s.sent} events started an execution, ${s.lost} lost, ${s.non2xx} non-2xx, ${s.duplicateExecutions} duplicate executions`);
	});

	const { ours, baseline, hmac, control, unsigned } = summaries;
	const perRound = roundRatios(answers, 'ours', 'baseline');
	const bench = `${variant.number}. Trigger, ${variant.label} (${m} signed deliveries at ${cfg.triggerRate}/s)`;
	const rows: Row[] = [
		{ bench, figure: 'p50 latency to 2xx, ms', ours: fmt(ours.p50, 1), baseline: fmt(baseline.p50, 1), ratio: ratio(ours.p50, baseline.p50), target: '≤ 1.05×', met: ours.p50 <= 1.05 * baseline.p50 },
		{
			bench,
			figure: `p50 ratio within each round of back-to-back blocks: median [min – max] of ${perRound.length} rounds`,
			ours: '—',
			baseline: '—',
			ratio: perRound.length ? `${fmt(median(perRound), 2)}× [${fmt(Math.min(...perRound), 2)} – ${fmt(Math.max(...perRound), 2)}]` : 'n/a',
			target: '—',
			met: undefined,
		},
		{ bench, figure: 'p95 latency to 2xx, ms', ours: fmt(ours.p95, 1), baseline: fmt(baseline.p95, 1), ratio: ratio(ours.p95, baseline.p95), target: '—', met: undefined },
	];
	rows.push(
		{
			bench,
			figure: 'p50 latency vs Webhook node (Raw Body) + Code node checking the HMAC with crypto + If + Respond to Webhook (401 when bad), ms',
			ours: fmt(ours.p50, 1),
			baseline: fmt(hmac.p50, 1),
			ratio: ratio(ours.p50, hmac.p50),
			target: '≤ 1.0×',
			met: ours.p50 <= hmac.p50,
		},
		{
			bench,
			figure: 'p95 latency vs the Webhook + Code HMAC flow, ms',
			ours: fmt(ours.p95, 1),
			baseline: fmt(hmac.p95, 1),
			ratio: ratio(ours.p95, hmac.p95),
			target: '≤ 1.0×',
			met: ours.p95 <= hmac.p95,
		},
		{
			bench,
			figure: 'Webhook + Code HMAC flow: events with an execution / sent, non-2xx answers; a forged delivery answered',
			ours: '—',
			baseline: `${hmac.eventsWithExecution} / ${hmac.sent}, ${hmac.non2xx}; ${forged.status}`,
			ratio: '—',
			target: '—',
			met: undefined,
		},
	);
	rows.push({
		bench,
		figure: `deliveries/s answered while its blocks ran (sent at ${cfg.triggerRate}/s)`,
		ours: fmt(ours.throughput, 1),
		baseline: fmt(baseline.throughput, 1),
		ratio: ratio(ours.throughput, baseline.throughput),
		target: '—',
		met: undefined,
	});
	if (control) {
		rows.push(
			{
				bench,
				figure: `control: p50 vs a Webhook node with a Header Auth credential (${control.sent} deliveries), ms`,
				ours: fmt(ours.p50, 1),
				baseline: fmt(control.p50, 1),
				ratio: ratio(ours.p50, control.p50),
				target: '—',
				met: undefined,
			},
			{
				bench,
				figure: `control: p95 vs a Webhook node with a Header Auth credential (${control.sent} deliveries), ms`,
				ours: fmt(ours.p95, 1),
				baseline: fmt(control.p95, 1),
				ratio: ratio(ours.p95, control.p95),
				target: '—',
				met: undefined,
			},
		);
	}
	if (unsigned) {
		rows.push({
			bench,
			figure: `control: p50 of the HuskyVoice Trigger with signature verification off, no credential (${unsigned.sent} deliveries) vs the Webhook node, ms`,
			ours: fmt(unsigned.p50, 1),
			baseline: fmt(baseline.p50, 1),
			ratio: ratio(unsigned.p50, baseline.p50),
			target: '—',
			met: undefined,
		});
	}
	rows.push(
		{
			bench,
			figure: 'executions started (events with an execution / sent)',
			ours: `${ours.eventsWithExecution} / ${ours.sent}`,
			baseline: `${baseline.eventsWithExecution} / ${baseline.sent}`,
			ratio: ratio(ours.eventsWithExecution, baseline.eventsWithExecution),
			target: `${m} / ${m}, no duplicates`,
			met: ours.eventsWithExecution === m && ours.duplicateExecutions === 0,
		},
		{ bench, figure: 'lost events (no execution)', ours: String(ours.lost), baseline: String(baseline.lost), ratio: '—', target: '0', met: ours.lost === 0 },
		{ bench, figure: 'non-2xx answers', ours: String(ours.non2xx), baseline: String(baseline.non2xx), ratio: '—', target: '0', met: ours.non2xx === 0 },
	);
	return { ours, baseline, hmac, control, unsigned, seconds, rows };
}
