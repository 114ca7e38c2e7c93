/**
 * 6. Queue mode scaled out (queueScale.cts): `queueWorkers` workers and two webhook processes
 * behind a round-robin proxy. (a) `queueExecutions` × `queueItems` Create Call items started at
 * once and spread over the workers, one API key at `limit` per `windowMs`; (b) `queueEvents`
 * signed events at `queueEventRate`/s through the proxy, each redelivered once, 1 in 20 slots a
 * forgery — once to the trigger alone, once to the trigger followed by Remove Duplicates.
 */
import type { StackOptions } from '../e2e/runner/index.cjs';
import type { BenchConfig } from './config.cjs';
import { type BenchContext, dump, log, type Row } from './context.cjs';
import { eventsThroughProxy, sharedRateLimit } from './queueScale.cjs';
import { fmt } from './stats.cjs';

const FORGED_EVERY = 20;

export function queueStackOptions(cfg: BenchConfig): StackOptions {
	return {
		queueMode: true,
		workers: cfg.queueWorkers,
		// the executions must spread: no worker may take more than its share
		workerConcurrency: Math.ceil(cfg.queueExecutions / cfg.queueWorkers),
		webhookProcesses: 2,
		logLevel: 'info', // workers log "Worker started execution N" at info
		// every process would otherwise build an expression isolate per delivery (see 3.); at 20/s on 2 cores that alone saturates the machine
		env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	};
}

export async function benchQueue(ctx: BenchContext): Promise<{ rows: Row[]; notes: string[] }> {
	const { cfg } = ctx;
	const concurrency = Math.ceil(cfg.queueExecutions / cfg.queueWorkers);
	const bench = `6. Queue mode: ${cfg.queueWorkers} workers (N8N_CONCURRENCY_PRODUCTION_LIMIT=${concurrency}), 2 webhook processes behind a round-robin proxy, N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true`;
	const items = cfg.queueExecutions * cfg.queueItems;
	log(`6. queue mode: ${cfg.queueExecutions} executions × ${cfg.queueItems} create-call items at once, limit ${cfg.limit} per ${cfg.windowMs} ms (floor ${fmt((items * cfg.windowMs) / cfg.limit / 1000, 1)} s)`);
	const rate = await sharedRateLimit(ctx, { executions: cfg.queueExecutions, items: cfg.queueItems, limit: cfg.limit, windowMs: cfg.windowMs });
	log(`   wall ${fmt(rate.wallMs / 1000, 1)} s = ${fmt(rate.wallMs / rate.floorMs)} × floor; ${rate.succeeded} ok, ${rate.failed} failed, ${rate.duplicates} duplicates, ${rate.rateLimited} × 429; executions per worker ${rate.executionsPerWorker.join('/')}`);
	const events = { events: cfg.queueEvents, rate: cfg.queueEventRate, forgedEvery: FORGED_EVERY, seed: 17 };
	log(`6. queue mode: ${cfg.queueEvents} events at ${cfg.queueEventRate}/s through the proxy, each redelivered once, trigger alone`);
	const plain = await eventsThroughProxy(ctx, { ...events, removeDuplicates: false });
	log(`   ${JSON.stringify(plain)}`);
	log(`6. queue mode: the same with Remove Duplicates after the trigger`);
	const dedup = await eventsThroughProxy(ctx, { ...events, removeDuplicates: true });
	log(`   ${JSON.stringify(dedup)}`);
	dump(cfg, 'queue', { rate, plain, dedup });

	const rows: Row[] = [
		{
			bench,
			figure: `${cfg.queueExecutions} executions × ${cfg.queueItems} Create Call items started at once, one key at ${cfg.limit} req / ${cfg.windowMs} ms: wall time / (N / limit = ${fmt(rate.floorMs / 1000, 1)} s)`,
			ours: `${fmt(rate.wallMs / rate.floorMs)} (${fmt(rate.wallMs / 1000, 1)} s)`,
			baseline: '—',
			ratio: '—',
			target: '≤ 1.10',
			met: rate.wallMs / rate.floorMs <= 1.1,
		},
		{ bench, figure: 'items failed', ours: String(rate.failed), baseline: '—', ratio: '—', target: '0', met: rate.failed === 0 },
		{ bench, figure: 'duplicate calls (calls sharing a contact) / calls placed', ours: `${rate.duplicates} / ${rate.callsPlaced}`, baseline: '—', ratio: '—', target: `0 / ${items}`, met: rate.duplicates === 0 && rate.callsPlaced === items },
		{ bench, figure: '429 answers received (all workers)', ours: String(rate.rateLimited), baseline: '—', ratio: '—', target: '—', met: undefined },
		{ bench, figure: 'executions per worker', ours: rate.executionsPerWorker.join(' / '), baseline: '—', ratio: '—', target: '—', met: undefined },
		{
			bench,
			figure: `${cfg.queueEvents} events at ${cfg.queueEventRate}/s, each redelivered 1–10 s later, ${plain.forged} forgeries: lost events — trigger alone | with Remove Duplicates`,
			ours: String(plain.lost),
			baseline: String(dedup.lost),
			ratio: '—',
			target: '0',
			met: plain.lost === 0 && dedup.lost === 0,
		},
		{ bench, figure: 'accepted forgeries — trigger alone | with Remove Duplicates', ours: String(plain.acceptedForgeries), baseline: String(dedup.acceptedForgeries), ratio: '—', target: '0', met: plain.acceptedForgeries === 0 && dedup.acceptedForgeries === 0 },
		{ bench, figure: 'answers not as expected (2xx genuine, 401 forged)', ours: String(plain.wrongAnswers), baseline: String(dedup.wrongAnswers), ratio: '—', target: '0', met: plain.wrongAnswers === 0 && dedup.wrongAnswers === 0 },
		{
			bench,
			figure: `duplicates let through (of ${cfg.queueEvents} redeliveries): per-process dedupe alone (executions) | Remove Duplicates after the trigger (items it passed twice)`,
			ours: String(plain.duplicateExecutions),
			baseline: String(dedup.duplicatesPassed),
			ratio: '—',
			target: '—',
			met: undefined,
		},
		{ bench, figure: 'deliveries per webhook process (proxy)', ours: plain.forwarded.join(' / '), baseline: dedup.forwarded.join(' / '), ratio: '—', target: '—', met: undefined },
	];
	const notes = [
		`**6.** One Redis, one Postgres, main (no production webhooks), ${cfg.queueWorkers} \`n8n worker\` processes and 2 \`n8n webhook\` processes behind a ` +
			`round-robin proxy on 127.0.0.1 (test/e2e/runner/proxy.cts). (a) A Webhook node → Code (the batch's contacts) → Create Call workflow, ${cfg.queueExecutions} ` +
			`requests at once; wall time is the first Create Call node's start to the last one's end (n8n's own node timings; first request to last execution stored: ` +
			`${fmt(rate.endToEndMs / 1000, 1)} s). Each worker paces from the headers only; it estimates how many clients share the key from ` +
			`X-RateLimit-Limit − Remaining against its own requests in the window, spends its share of a reported budget and spreads its probe after a reset ` +
			`(nodes/shared/pacing.ts). (b) The second delivery of an event reaches the other webhook process about half the time; the trigger's dedupe is ` +
			`per process, so those start a second execution. Remove Duplicates keeps ids in n8n's database, shared by every process: ${dedup.duplicateExecutions} ` +
			`second executions started, ${dedup.duplicatesPassed} passed it.`,
	];
	return { rows, notes };
}
