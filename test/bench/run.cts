/**
 * `npm run bench`: the HuskyVoice nodes against n8n's built-in nodes, in one real n8n
 * (test/e2e/runner) against the local HuskyVoice sandbox (test/sandbox, in this process).
 *
 *   1. rate-limited batch of create-call items   (HuskyVoice node vs HTTP Request node)
 *   2. unthrottled Get Call items                 (HuskyVoice node vs HTTP Request node)
 *   3. signed deliveries at a fixed rate          (HuskyVoice Trigger vs Webhook node),
 *      on n8n's default expression engine, (3b) with lazy isolate acquisition and (3c) on its
 *      legacy engine, each in its own n8n
 *   4. package: runtime dependencies, dist size
 *   6. queue mode: workers sharing one rate-limited key, events through two webhook processes
 *      (`--queue` runs this part on its own)
 *   7. in-call answer latency: the during-call lookup example vs the same flow with an HTTP
 *      Request node, at 2, 5 and 10 requests/s, on n8n's defaults and (7b) with lazy isolate
 *      acquisition (`--lookup` runs this part on its own)
 *   8. campaign: the call-campaign example, 300 contacts on a Professional plan, 60-s calls on a
 *      shifted clock (`--campaign` runs this part on its own)
 *
 * Prints figures and writes them as markdown (default docs/bench-results.md). Nothing is
 * asserted on time. Settings: see config.cts (`--n=50`, `BENCH_N=50`, `--only=rate,get`, …).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureN8n, packRepo, repoRoot, type StackOptions, startN8nStack } from '../e2e/runner/index.cjs';
import { PG_BIN } from '../e2e/runner/postgres.cjs';
import { type Sandbox, startSandbox } from '../sandbox/sandbox.cjs';
import { type BenchConfig, readConfig, type TriggerEngine } from './config.cjs';
import { type BenchContext, log, type Row } from './context.cjs';
import { isolateCost } from './isolate.cjs';
import { type PerDelivery, perDelivery, probeEnv, probeFile } from './isolateCount.cjs';
import { loadNow, machineInfo } from './machine.cjs';
import { benchPackage } from './package.cjs';
import { benchQueue, queueStackOptions } from './queue.cjs';
import { benchLookup, lookupNote } from './lookup.cjs';
import { benchRateLimited } from './rateLimited.cjs';
import { renderReport } from './report.cjs';
import { fmt } from './stats.cjs';
import { type StatusTap, tapStatuses } from './statusTap.cjs';
import { benchTrigger } from './trigger.cjs';
import { benchUnthrottled } from './unthrottled.cjs';
import { benchCampaign } from './campaign.cjs';
import { benchWaitOutcome } from './waitOutcome.cjs';

interface Run {
	cfg: BenchConfig;
	tarball: string;
	sandbox: Sandbox;
	tap: StatusTap;
	rows: Row[];
	notes: string[];
	perBench: string[];
}

/** A fresh n8n with the package, its credentials pointing at the sandbox. */
async function startContext(run: Run, label: string, env: Record<string, string>, options: StackOptions = {}): Promise<BenchContext> {
	const { cfg, sandbox, tap } = run;
	// NODE_FUNCTION_ALLOW_BUILTIN: the Webhook + Code HMAC flow of 3 requires crypto (n8n passes it to its task runner)
	const stack = await startN8nStack({
		tarball: run.tarball,
		label,
		logLevel: cfg.logLevel,
		...options,
		env: { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto', ...cfg.n8nEnv, ...options.env, ...env },
	});
	try {
		const credential = async (name: string, type: string, data: Record<string, unknown>) => {
			const c = await stack.api.createCredential({ name, type, data });
			return { id: c.id, name: c.name };
		};
		const signingSecret = `whsec_bench_${randomBytes(16).toString('hex')}`;
		return {
			stack,
			sandbox,
			tap,
			cfg,
			creds: {
				huskyVoiceApi: await credential('HuskyVoice sandbox', 'huskyVoiceApi', { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl }),
				httpHeaderAuth: await credential('HuskyVoice header auth', 'httpHeaderAuth', { name: 'Authorization', value: `Bearer ${sandbox.apiKey}` }),
				webhookSecret: await credential('HuskyVoice signing secret', 'huskyVoiceWebhookSecretApi', { signingSecret }),
				signingSecret,
			},
		};
	} catch (e) {
		await stack.stop();
		throw e;
	}
}

/** Runs `fn` against a fresh n8n and stops that n8n afterwards, whatever happened. */
async function withContext(
	run: Run,
	label: string,
	env: Record<string, string>,
	fn: (ctx: BenchContext) => Promise<void>,
	options?: StackOptions,
): Promise<void> {
	const ctx = await startContext(run, label, env, options);
	try {
		await fn(ctx);
	} finally {
		await ctx.stack.stop();
	}
}

async function attempt(run: Run, name: string, fn: () => Promise<void>): Promise<void> {
	try {
		await fn();
	} catch (error) {
		const message = (error as Error)?.message ?? String(error);
		log(`${name} FAILED: ${message}`);
		run.notes.push(`${name} did not complete: ${message.split('\n')[0]}`);
	}
	run.perBench.push(`${name.split(' ')[0]} ${loadNow()}`);
}

async function actionBenches(run: Run, ctx: BenchContext): Promise<void> {
	const { cfg, rows, notes } = run;
	if (cfg.only.has('rate')) {
		await attempt(run, '1. Rate-limited batch', async () => {
			const r = await benchRateLimited(ctx);
			rows.push(...r.rows);
			const b = r.baseline;
			notes.push(
				`**1.** ${cfg.limit} per ${cfg.windowMs} ms is HuskyVoice's 600 requests/min (at the defaults) as a short sliding window: a 60 s window ` +
					`of 600 would let all ${cfg.n} requests through in one burst, so N / limit would be no floor at all; with ${cfg.limit} per ${cfg.windowMs} ms no ` +
					`client places N calls in less than about (N / limit − 1) windows without 429s — which is why a figure just under 1.0 is possible. ` +
					`Wall time is n8n's own timing of the node (runData executionTime), duplicates and 429s are counted in the sandbox.`,
				`**1. HuskyVoice node:** paces each credential to X-RateLimit-Remaining / X-RateLimit-Reset (nodes/shared/pacing.ts), at most 10 items in flight; ` +
					`every create carries an Idempotency-Key, so a retried request never places a second call.`,
				`**1. HTTP Request node:** sends all ${cfg.n} requests at once; the sandbox answers 429 to all but ${cfg.limit} (${b.rateLimited} × 429 in total). ` +
					`Without Continue On Fail a 429 fails the node, and Retry On Fail re-runs the whole node — every item again, including those whose call was already ` +
					`placed (no Idempotency-Key). Execution ${b.executionStatus}${b.error ? ` ("${b.error}")` : ''}; ${b.succeeded} items passed on; ` +
					`${b.callsPlaced} calls placed to ${b.contactsCalled} contacts, ${b.duplicates} of them duplicates.`,
			);
		});
	}
	if (cfg.only.has('get')) {
		await attempt(run, '2. Unthrottled Get Call', async () => {
			const r = await benchUnthrottled(ctx);
			rows.push(...r.rows);
			notes.push(
				`**2.** Rate limit out of the way (1,000,000 per second). The HTTP Request node sends every item's request at once; the HuskyVoice node keeps 10 in flight ` +
					`and reads its credential once per execution. Per-item time = node time / items; runs alternate ours/baseline; every run: ` +
					`${r.runs.map((x) => `${x.which === 'ours' ? 'HV' : 'HTTP'} ${fmt(x.perItemMs, 3)}`).join(', ')} ms/item.`,
			);
		});
	}
}

const ENGINES: Record<TriggerEngine, { label: string; env: Record<string, string> }> = {
	vm: { label: "n8n's default vm expression engine", env: {} },
	'vm-lazy': { label: 'vm engine with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true', env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } },
	legacy: { label: 'N8N_EXPRESSION_ENGINE=legacy', env: { N8N_EXPRESSION_ENGINE: 'legacy' } },
};

/** 3, 3b, 3c in the order the engines were asked for. */
function triggerNumber(cfg: BenchConfig, engine: TriggerEngine): string {
	return ['3', '3b', '3c'][cfg.triggerEngines.indexOf(engine)];
}

/**
 * A generous estimate of a trigger pass: every delivery at the set rate (the HuskyVoice
 * Trigger's at half of it on n8n's eager vm engine, which can saturate 2 cores), block pauses,
 * settling, and a fresh n8n for every engine but the default one.
 */
function triggerPassMs(cfg: BenchConfig, engine: TriggerEngine): number {
	const per = cfg.triggerEvents + cfg.triggerWarmup;
	const deliveries = 3 * per + (cfg.triggerControl > 0 ? 2 * (cfg.triggerControl + cfg.triggerWarmup) : 0);
	const blocks = Math.ceil(deliveries / cfg.triggerBlock) + 4;
	const saturation = engine === 'vm' ? per : 0;
	return ((deliveries + saturation) / cfg.triggerRate) * 1000 + blocks * 500 + 20_000 + (engine === 'vm' ? 0 : 20_000);
}

/** 3d: the default engine again, at a rate one n8n main process can answer on 2 cores despite its isolates; no controls. */
function lowRateConfig(cfg: BenchConfig): BenchConfig {
	return { ...cfg, triggerRate: cfg.triggerLowRate, triggerEvents: cfg.triggerLowEvents, triggerControl: 0 };
}

function fitsBudget(run: Run, cfg: BenchConfig, engine: TriggerEngine, pass: TriggerPass, startedAt: number): boolean {
	const left = run.cfg.budgetMinutes * 60_000 - (Date.now() - startedAt);
	const need = triggerPassMs(cfg, engine);
	if (need <= left) return true;
	const message = `${pass.number}. Trigger (${pass.label}) skipped: it needs about ${fmt(need / 60_000, 1)} min and ${fmt(Math.max(0, left) / 60_000, 1)} min of the ${run.cfg.budgetMinutes}-minute budget are left (--budget-min).`;
	log(message);
	run.notes.push(message);
	return false;
}

interface TriggerPass {
	number: string;
	label: string;
}

function enginePass(cfg: BenchConfig, engine: TriggerEngine): TriggerPass {
	return { number: triggerNumber(cfg, engine), label: ENGINES[engine].label };
}

async function triggerBench(run: Run, ctx: BenchContext, pass: TriggerPass): Promise<void> {
	const { number } = pass;
	await attempt(run, `${number}. Trigger`, async () => {
		const r = await benchTrigger(ctx, pass);
		run.rows.push(...r.rows);
		const controls = [
			r.control && `Webhook node + Header Auth ${fmt(r.control.p99, 1)} / ${fmt(r.control.max, 1)} ms (its executions: ${r.control.eventsWithExecution} / ${r.control.sent}, ${r.control.non2xx} non-2xx)`,
			r.unsigned && `HuskyVoice Trigger without verification ${fmt(r.unsigned.p99, 1)} / ${fmt(r.unsigned.max, 1)} ms (its executions: ${r.unsigned.eventsWithExecution} / ${r.unsigned.sent}, ${r.unsigned.non2xx} non-2xx)`,
		].filter(Boolean);
		run.notes.push(
			`**${number}.** p99 / max: HuskyVoice Trigger ${fmt(r.ours.p99, 1)} / ${fmt(r.ours.max, 1)} ms, Webhook node ${fmt(r.baseline.p99, 1)} / ${fmt(r.baseline.max, 1)} ms, ` +
				`Webhook + Code HMAC flow ${fmt(r.hmac.p99, 1)} / ${fmt(r.hmac.max, 1)} ms` +
				controls.map((c) => `, ${c}`).join('') +
				`; ${fmt(r.seconds, 1)} s of sending.`,
		);
	});
}

async function lookupBench(run: Run, ctx: BenchContext, variant: { number: string; label: string; defaults: boolean }): Promise<void> {
	await attempt(run, `${variant.number}. In-call lookup`, async () => {
		run.rows.push(...(await benchLookup(ctx, variant)).rows);
	});
}

async function main(): Promise<void> {
	const cfg = readConfig(process.argv.slice(2), process.env);
	const startedAt = new Date();
	const loadStart = loadNow();
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'husky-bench-'));
	const run: Partial<Run> & Pick<Run, 'cfg' | 'rows' | 'notes' | 'perBench'> = { cfg, rows: [], notes: [], perBench: [] };
	let isolate: { wallMs: number; cpuMs: number } | undefined;
	const counted: Partial<Record<TriggerEngine, PerDelivery>> = {};
	try {
		log('packing the repository (dist/ must be built: npm run build)');
		run.tarball = await packRepo(packDir);
		if (cfg.only.has('package')) {
			await attempt(run as Run, '4. Package', async () => {
				run.rows.push(...(await benchPackage(run.tarball!)).rows);
			});
		}
		const engines = cfg.only.has('trigger') ? cfg.triggerEngines : [];
		const wantsDefault = cfg.only.has('rate') || cfg.only.has('get') || cfg.only.has('wait') || cfg.only.has('lookup') || engines.includes('vm');
		if (wantsDefault || engines.length > 0 || cfg.only.has('queue')) {
			run.sandbox = await startSandbox({ rateLimit: { limit: 1_000_000, windowMs: 1000 } });
			run.tap = tapStatuses(Number(new URL(run.sandbox.origin).port));
		}
		if (wantsDefault) {
			await withContext(run as Run, 'bench', {}, async (ctx) => {
				await actionBenches(run as Run, ctx);
				if (cfg.only.has('wait')) await attempt(run as Run, '5. Wait for Outcome', async () => void run.rows.push(...(await benchWaitOutcome(ctx)).rows));
				if (cfg.only.has('lookup')) await lookupBench(run as Run, ctx, { number: '7', label: "n8n's defaults", defaults: true });
				if (engines.includes('vm')) {
					const pass = enginePass(cfg, 'vm');
					if (fitsBudget(run as Run, cfg, 'vm', pass, startedAt.getTime())) await triggerBench(run as Run, ctx, pass);
					const low = lowRateConfig(cfg);
					const lowPass = { number: '3d', label: `${ENGINES.vm.label}, below saturation` };
					if (low.triggerRate > 0 && fitsBudget(run as Run, low, 'vm', lowPass, startedAt.getTime())) await triggerBench(run as Run, { ...ctx, cfg: low }, lowPass);
				}
			});
		}
		for (const engine of engines.filter((e) => e !== 'vm')) {
			const pass = enginePass(cfg, engine);
			if (!fitsBudget(run as Run, cfg, engine, pass, startedAt.getTime())) continue;
			await withContext(run as Run, `bench-${engine}`, ENGINES[engine].env, (ctx) => triggerBench(run as Run, ctx, pass));
		}
		if (engines.length > 0) {
			isolate = await isolateCost(await ensureN8n());
			// n8n's isolate counter exists only on the vm engine
			for (const engine of engines.filter((e) => e !== 'legacy')) {
				const probeOut = probeFile();
				try {
					await withContext(run as Run, `bench-count-${engine}`, { ...ENGINES[engine].env, ...probeEnv(probeOut) }, async (ctx) => {
						log(`counting what n8n does per delivery (isolates, credential-permission check), ${ENGINES[engine].label}, in a separate n8n`);
						counted[engine] = await perDelivery(ctx, probeOut);
					});
				} catch (error) {
					const message = `Counting per delivery (${ENGINES[engine].label}) failed: ${(error as Error).message}`;
					log(message);
					run.notes.push(message);
				} finally {
					fs.rmSync(path.dirname(probeOut), { recursive: true, force: true });
				}
			}
			run.notes.push(triggerExplanation(cfg, isolate, counted));
		}
		if (cfg.only.has('lookup')) {
			const lazy = { number: '7b', label: ENGINES['vm-lazy'].label, defaults: false };
			await attempt(run as Run, '7b. In-call lookup', () =>
				withContext(run as Run, 'bench-lookup-lazy', ENGINES['vm-lazy'].env, async (ctx) => void run.rows.push(...(await benchLookup(ctx, lazy)).rows)),
			);
			run.notes.push(lookupNote(cfg));
		}
		if (cfg.only.has('queue')) {
			await attempt(run as Run, '6. Queue mode', () =>
				withContext(run as Run, 'bench-queue', {}, async (ctx) => {
					const r = await benchQueue(ctx);
					run.rows.push(...r.rows);
					run.notes.push(...r.notes);
				}, queueStackOptions(cfg)),
			);
		}
		if (cfg.only.has('campaign')) {
			await attempt(run as Run, '7. Campaign', async () => {
				const r = await benchCampaign(run.tarball!, cfg);
				run.rows.push(...r.rows);
				run.notes.push(...r.notes);
			});
		}
	} finally {
		run.tap?.close();
		await run.sandbox?.stop();
		fs.rmSync(packDir, { recursive: true, force: true });
	}

	const order = ['1.', '2.', '3.', '3b.', '3c.', '3d.', '4.', '5.', '6.', '7.', '7b.', '8.'];
	const rank = (row: Row) => order.findIndex((p) => row.bench.startsWith(p));
	const report = renderReport({
		cfg,
		machine: await machineInfo(await ensureN8n().catch(() => undefined), path.join(PG_BIN, 'postgres')),
		startedAt,
		minutes: (Date.now() - startedAt.getTime()) / 60_000,
		load: { start: loadStart, end: loadNow(), perBench: run.perBench },
		rows: [...run.rows].sort((a, b) => rank(a) - rank(b)),
		notes: run.notes,
	});
	const out = path.isAbsolute(cfg.out) ? cfg.out : path.join(repoRoot(), cfg.out);
	fs.mkdirSync(path.dirname(out), { recursive: true });
	fs.writeFileSync(out, report);
	console.log(`\n${report}`);
	log(`written to ${out}`);
}

function triggerExplanation(
	cfg: BenchConfig,
	isolate: { wallMs: number; cpuMs: number } | undefined,
	counts: Partial<Record<TriggerEngine, PerDelivery>>,
): string {
	const per = counts.vm;
	const lazy = counts['vm-lazy'];
	const cost = isolate ? `${fmt(isolate.wallMs, 0)} ms (${fmt(isolate.cpuMs, 0)} ms of CPU) each on this machine` : 'tens of ms of CPU each';
	const counted = per
		? ` Counted with n8n's own metric (n8n_expression_pool_acquired_total, N8N_METRICS=true, in a separate n8n per setting, sequential deliveries): ` +
			`${fmt(per.isolates.ours, 2)} isolates per delivery to the HuskyVoice Trigger, ${fmt(per.isolates.unsigned, 2)} without verification, ${fmt(per.isolates.baseline, 2)} to the Webhook node` +
			(lazy ? `; with lazy acquisition ${fmt(lazy.isolates.ours, 2)}, ${fmt(lazy.isolates.unsigned, 2)} and ${fmt(lazy.isolates.baseline, 2)}.` : '.')
		: '';
	const checked = per
		? ` Timed in the separate n8n on the default engine (test/bench/permissionCheckProbe.cjs): the check takes ${fmt(per.permissionCheckMs.ours, 2)} ms per delivery (median) ` +
			`for the HuskyVoice Trigger, ${fmt(per.permissionCheckMs.unsigned, 3)} ms without verification, ${fmt(per.permissionCheckMs.baseline, 3)} ms for the Webhook node` +
			(lazy ? ` (with lazy acquisition ${fmt(lazy.permissionCheckMs.ours, 2)} ms for the HuskyVoice Trigger).` : '.')
		: '';
	// the ceiling is what the saturated pass answered ("deliveries/s answered"): the one-off isolate timing above swings too much to derive it
	const lowRatePass = cfg.triggerLowRate > 0 ? ` 3d repeats the default engine at ${cfg.triggerLowRate}/s, a rate one n8n process keeps up with.` : '';
	const without = cfg.triggerEngines
		.filter((e) => e !== 'vm')
		.map((e) => `${triggerNumber(cfg, e)} (${ENGINES[e].label})`)
		.join(' and ');
	return (
		`**3. What the trigger benchmark compares, and where the difference comes from.** HuskyVoice Trigger: Manual registration, ` +
		`signature verification on (HMAC-SHA256 of the raw body), dedupe by event_id, one item per event; all sides answer on receipt, which n8n does ` +
		`only once the execution is stored; open-loop sender at ${cfg.triggerRate}/s in blocks of ${cfg.triggerBlock} taking turns (A B C D, D C B A, …; ` +
		`each block's answers awaited before the next), a new connection per delivery. (a) With n8n's default \`vm\` expression engine, n8n takes a fresh ` +
		`expression isolate for every request to any trigger except its own Webhook node (live-webhooks.js › webhookPhaseNeedsIsolate exempts only ` +
		`n8n-nodes-base.webhook with static parameters) and disposes it afterwards: ${cost}. Every execution takes one more, on all sides, so any other ` +
		`trigger — n8n's own included — costs two isolates per delivery and the Webhook node one; on 2 cores at ${cfg.triggerRate}/s that difference ` +
		`saturates the CPU and becomes queueing, and a saturated pass's figures swing widely from run to run.${counted}${lowRatePass} A credential read inside a webhook costs one more isolate (credentials-helper.js), which is why the ` +
		`trigger reuses its signing secret and why the Webhook node with Header Auth (a control, which reads its credential on every request) is slow ` +
		`there too. ${without ? `${without} remove (a): lazy acquisition builds an isolate only when an expression is evaluated, which a delivery to the trigger never does. ` : ''}` +
		`(b) Before starting an execution of a workflow that uses a credential, n8n checks the credential's permissions in the database ` +
		`(workflow-runner.js › credentialsPermissionChecker.check), on the path to the answer. Verifying a signature needs the signing secret, kept in a ` +
		`credential, so the verifying trigger pays this on every delivery; the plain Webhook node verifies nothing and has no credential.${checked} The second control, ` +
		`the same HuskyVoice Trigger with verification off and no credential, shows the node's own cost without (b). The trigger's own webhook() takes about ` +
		`0.15 ms of CPU per delivery, no more than the Webhook node's (a CPU profile of n8n under this benchmark, taken with --n8n-env=NODE_OPTIONS=--cpu-prof).`
	);
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
