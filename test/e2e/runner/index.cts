/**
 * Real-n8n runner: `startN8nStack()` gives a fresh, private n8n 2.41.1 (+ Postgres 15, + Redis,
 * worker and webhook processes in queue mode) with this package installed, an owner account and
 * a public-API key. Used by the e2e suites, the `npm start` demo and the benchmarks.
 *
 *   const stack = await startN8nStack({ tarball });   // tarball omitted → `npm pack` of the repo
 *   await stack.api.createWorkflow(...);
 *   await stack.stop();                                // kills everything it started
 *
 * Per run: a folder `/dev/shm/husky-e2e-run-XXXX` (user folders, Postgres data copied from a
 * cached post-migration template, logs), fresh loopback ports, a fresh encryption key.
 * Nothing is left running: see procs.cts.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_OWNER, N8nApi, OwnerAccount, PublicationStatus } from './api.cjs';
import { faketimeEnv, ShiftedClock } from './clock.cjs';
import { ensureN8n, Installation } from './install.cjs';
import { N8nMode, N8nProcess, startN8n } from './n8n.cjs';
import { installTarball, packRepo, PackageInfo } from './pkg.cjs';
import { RoundRobinProxy, startRoundRobinProxy } from './proxy.cjs';
import { chownTree, initCluster, OsUser, PG_BIN, pgOsUser, PgHandle, startPostgres } from './postgres.cjs';
import { killRunProcesses, onSignalCleanup, reapOrphans } from './procs.cjs';
import { RedisHandle, startRedis } from './redis.cjs';
import { cacheDir, exec, freePort, log, runBaseDir, RUN_DIR_PREFIX, Timings, withLock } from './util.cjs';

export * from './api.cjs';
export { request } from './http.cjs';
export type { HttpResponse } from './http.cjs';
export { ensureN8n, ensureSqliteBinding, N8N_VERSION } from './install.cjs';
export { ShiftedClock, offsetMsFromFile, LIBFAKETIME } from './clock.cjs';
export * from './dataTables.cjs';
export type { Installation } from './install.cjs';
export type { N8nMode, N8nProcess } from './n8n.cjs';
export { packRepo, installTarball } from './pkg.cjs';
export type { PgHandle } from './postgres.cjs';
export type { RedisHandle } from './redis.cjs';
export type { RoundRobinProxy } from './proxy.cjs';
export { freePort, waitFor, sleep, repoRoot, PACKAGE_NAME } from './util.cjs';

export interface StackOptions {
	/** Package tarball(s) to install into every n8n process; default: `npm pack` of the repository (needs `dist/`). */
	tarball?: string | string[];
	/** Extra environment for every n8n process (`undefined` removes a variable). N8N_ENCRYPTION_KEY cannot be changed: see DbTemplate. */
	env?: Record<string, string | undefined>;
	/** Queue mode: Redis + main + `n8n worker` + `n8n webhook` (production webhooks served by the webhook process only). */
	queueMode?: boolean;
	/** Queue mode: how many `n8n worker` processes (default 1). */
	workers?: number;
	/** Queue mode: N8N_CONCURRENCY_PRODUCTION_LIMIT of each worker (default: n8n's). */
	workerConcurrency?: number;
	/** Queue mode: how many `n8n webhook` processes (default 1); with more, a round-robin proxy on 127.0.0.1 is their webhook base URL. */
	webhookProcesses?: number;
	/** N8N_LOG_LEVEL (default: E2E_N8N_LOG_LEVEL or `info`). */
	logLevel?: string;
	/** Fixed port for the main process (e.g. 5678 for the demo); default: a free port. */
	port?: number;
	/** Owner account to create (default DEFAULT_OWNER); `false` skips owner setup and API key. */
	owner?: OwnerAccount | false;
	/** Label in the run folder name. */
	label?: string;
	/**
	 * Runs every n8n process (main, workers, webhook processes) under libfaketime with the offset
	 * in `<run folder>/faketime` (`stack.clock` rewrites it; n8n sees a jump at once). `true` starts
	 * at offset 0. Postgres and Redis keep the real clock. See clock.cts.
	 */
	shiftedClock?: boolean | { offsetMs?: number };
}

export interface N8nStack {
	/** Editor / REST / public API base URL of the main process, e.g. http://127.0.0.1:41234 */
	url: string;
	/** Base of production webhook URLs (`<webhookBaseUrl>/webhook/<path>`): main, or the webhook process in queue mode. */
	webhookBaseUrl: string;
	api: N8nApi;
	owner?: OwnerAccount;
	apiKey?: string;
	db: PgHandle;
	redis?: RedisHandle;
	main: N8nProcess;
	/** The first worker / webhook process (queue mode). */
	worker?: N8nProcess;
	webhook?: N8nProcess;
	workers: N8nProcess[];
	webhooks: N8nProcess[];
	/** Queue mode with several webhook processes: the load balancer in front of them. */
	proxy?: RoundRobinProxy;
	/** All n8n processes (main first). */
	processes: N8nProcess[];
	/** With `shiftedClock`: the clock every n8n process runs on (its file: `clock.file`). */
	clock?: ShiftedClock;
	packages: PackageInfo[];
	encryptionKey: string;
	runDir: string;
	logDir: string;
	/** Every log file of the run at the time of reading (stdout logs, n8n log files, event logs, postgres, redis). */
	readonly logFiles: string[];
	timings: Timings;
	/** Production webhooks n8n registered for a workflow (table webhook_entity), with their full URLs. */
	productionWebhooks(workflowId: string): Promise<ProductionWebhook[]>;
	/**
	 * Activates a workflow and waits until it is really live: publication settled as `published`
	 * and every production webhook of it answers. On failure the error includes the trigger
	 * errors and the publication-outbox rows.
	 */
	activateAndWait(workflowId: string, o?: { timeoutMs?: number }): Promise<{ status: PublicationStatus; webhooks: ProductionWebhook[] }>;
	/** Deactivates and waits until its production webhooks are gone. */
	deactivateAndWait(workflowId: string, o?: { timeoutMs?: number }): Promise<void>;
	/** Rows of n8n's workflow_publication_outbox (failed/partial only unless `all`), for error reports. */
	publicationOutbox(o?: { workflowId?: string; all?: boolean }): Promise<PublicationOutboxRow[]>;
	/** Stops and starts every n8n process again (same ports, folders, database, key). */
	restartN8n(): Promise<void>;
	/** Stops everything this stack started and deletes the run folder (logs are copied to E2E_KEEP_LOGS_DIR if set). Idempotent. */
	stop(): Promise<void>;
}

export interface ProductionWebhook {
	/** e.g. `<webhookId>/<path>` for most trigger nodes, `<path>` for n8n's Webhook node. */
	webhookPath: string;
	method: string;
	/** Node name. */
	node: string;
	url: string;
}

export interface PublicationOutboxRow {
	id: number;
	workflowId: string;
	publishedVersionId: string;
	status: string;
	errorMessage: string | null;
	createdAt: string;
	updatedAt: string;
	[k: string]: unknown;
}

/** Creates a run folder (0755, so the postgres OS user can reach into it) with an owner.pid for the reaper. */
export function makeRunDir(label: string): string {
	const base = runBaseDir();
	fs.mkdirSync(base, { recursive: true });
	const dir = fs.mkdtempSync(path.join(base, `${RUN_DIR_PREFIX}${label}-`));
	fs.chmodSync(dir, 0o755);
	fs.writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
	return dir;
}

function sqlString(s: string): string {
	return s.replace(/'/g, "''");
}

function randomKey(): string {
	return randomBytes(24).toString('hex');
}

async function pgMajor(): Promise<string> {
	const v = (await exec(path.join(PG_BIN, 'postgres'), ['--version'])).stdout; // "postgres (PostgreSQL) 15.14 (...)"
	const m = /(\d+)(?:\.\d+)?/.exec(v.replace(/^[^)]*\)/, ''));
	return m ? m[1] : 'x';
}

export interface DbTemplate {
	/** Post-migration data directory to copy. */
	pgdata: string;
	/**
	 * The N8N_ENCRYPTION_KEY the template was made with. n8n 2.41 stores deployment keys
	 * (`signing.hmac`, …) encrypted in the database during its first start, so every n8n that
	 * uses a copy of the template must run with this key ("cannot be read with this instance
	 * encryption key" otherwise).
	 */
	encryptionKey: string;
}

/**
 * A Postgres data directory on which n8n already ran its migrations, cached in
 * .cache/pg<major>-n8n-<version>-template/ (built once, ~15 s; copying it per run makes
 * n8n's start take seconds instead of running all migrations every time).
 */
export async function ensureDbTemplate(inst: Installation, osUser: OsUser | undefined): Promise<DbTemplate> {
	const dir = path.join(cacheDir(), `pg${await pgMajor()}-n8n-${inst.n8nVersion}-template`);
	const pgdata = path.join(dir, 'pgdata');
	const keyFile = path.join(dir, 'encryption-key');
	const marker = path.join(dir, '.e2e-ready');
	const result = () => ({ pgdata, encryptionKey: fs.readFileSync(keyFile, 'utf8').trim() });
	if (fs.existsSync(marker)) return result();
	await withLock(path.join(cacheDir(), 'locks', path.basename(dir)), async () => {
		if (fs.existsSync(marker)) return;
		const t0 = Date.now();
		log(`building the Postgres template for n8n ${inst.n8nVersion} (once)`);
		const runDir = makeRunDir('template');
		const logDir = path.join(runDir, 'logs');
		fs.mkdirSync(logDir);
		let db: PgHandle | undefined;
		let n8n: N8nProcess | undefined;
		const encryptionKey = randomKey();
		try {
			const data = path.join(runDir, 'pgdata');
			await initCluster(data, osUser);
			db = await startPostgres({ dataDir: data, runDir, logDir, osUser, createDb: true });
			n8n = await startN8n({
				inst,
				mode: 'main',
				name: 'template',
				runDir,
				logDir,
				userFolder: path.join(runDir, 'user'),
				db,
				encryptionKey,
				readyTimeoutMs: 10 * 60_000,
			});
			await n8n.stop();
			n8n = undefined;
			await db.stop();
			db = undefined;
			const tmp = `${dir}.tmp-${process.pid}`;
			fs.rmSync(tmp, { recursive: true, force: true });
			fs.mkdirSync(tmp, { recursive: true });
			await exec('cp', ['-a', data, path.join(tmp, 'pgdata')]);
			fs.writeFileSync(path.join(tmp, 'encryption-key'), encryptionKey + '\n', { mode: 0o600 });
			fs.rmSync(dir, { recursive: true, force: true });
			fs.renameSync(tmp, dir);
			fs.writeFileSync(marker, `n8n ${inst.n8nVersion}\n`);
			log(`Postgres template ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${dir}`);
		} catch (e) {
			const logs = fs.existsSync(logDir) ? fs.readdirSync(logDir).map((f) => path.join(logDir, f)) : [];
			throw new Error(`building the Postgres template failed: ${(e as Error).message}\nlogs: ${logs.join(', ')}`);
		} finally {
			await n8n?.stop();
			await db?.stop();
			killRunProcesses(runDir);
			if (process.env.E2E_KEEP_RUN !== '1') fs.rmSync(runDir, { recursive: true, force: true });
		}
	});
	return result();
}

/** Starts Postgres on a copy of the template in `runDir`. */
async function startRunDb(templatePgdata: string, runDir: string, logDir: string, osUser: OsUser | undefined): Promise<PgHandle> {
	const data = path.join(runDir, 'pgdata');
	await exec('cp', ['-a', templatePgdata, data]);
	if (osUser && fs.statSync(data).uid !== osUser.uid) chownTree(data, osUser); // cache made under another uid
	return startPostgres({ dataDir: data, runDir, logDir, osUser });
}

function listLogFiles(logDir: string, processes: N8nProcess[]): string[] {
	const files: string[] = [];
	const add = (dir: string, filter: (n: string) => boolean) => {
		try {
			for (const n of fs.readdirSync(dir)) if (filter(n)) files.push(path.join(dir, n));
		} catch {
			/* not there */
		}
	};
	add(logDir, () => true);
	for (const p of processes) add(path.join(p.userFolder, '.n8n'), (n) => /^n8nEventLog.*\.log$/.test(n));
	return files.sort();
}

export async function startN8nStack(o: StackOptions = {}): Promise<N8nStack> {
	reapOrphans();
	const timings = new Timings();
	const t0 = Date.now();
	const inst = await timings.time('install', () => ensureN8n());
	const runDir = makeRunDir(o.label ?? 'run');
	const logDir = path.join(runDir, 'logs');
	fs.mkdirSync(logDir);
	log(`run folder ${runDir}`);

	let db: PgHandle | undefined;
	let redis: RedisHandle | undefined;
	let proxy: RoundRobinProxy | undefined;
	let processes: N8nProcess[] = [];
	let stopped: Promise<void> | undefined;
	const stopAll = (): Promise<void> =>
		(stopped ??= (async () => {
			const t = Date.now();
			const n8ns = [...processes].reverse();
			await Promise.allSettled(n8ns.filter((p) => p.mode !== 'main').map((p) => p.stop()));
			await Promise.allSettled(n8ns.filter((p) => p.mode === 'main').map((p) => p.stop()));
			await proxy?.stop();
			await redis?.stop();
			await db?.stop();
			const stray = killRunProcesses(runDir);
			if (stray) log(`killed ${stray} stray process(es) of ${runDir}`);
			const keep = process.env.E2E_KEEP_LOGS_DIR;
			if (keep) {
				const dest = path.join(keep, path.basename(runDir));
				fs.mkdirSync(dest, { recursive: true });
				for (const f of listLogFiles(logDir, processes)) fs.copyFileSync(f, path.join(dest, path.basename(f)));
				log(`logs copied to ${dest}`);
			}
			if (process.env.E2E_KEEP_RUN === '1') log(`E2E_KEEP_RUN=1: keeping ${runDir}`);
			else fs.rmSync(runDir, { recursive: true, force: true });
			unregister();
			log(`stopped ${path.basename(runDir)} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
		})());
	const unregister = onSignalCleanup(stopAll);

	try {
		const tarballs = o.tarball
			? ([] as string[]).concat(o.tarball)
			: [await timings.time('pack', () => packRepo(path.join(runDir, 'pack')))];
		const osUser = await pgOsUser();
		const template = await timings.time('db template', () => ensureDbTemplate(inst, osUser));
		db = await timings.time('postgres', () => startRunDb(template.pgdata, runDir, logDir, osUser));
		if (o.queueMode) redis = await timings.time('redis', () => startRedis({ runDir, logDir }));

		const encryptionKey = template.encryptionKey;
		const clock = o.shiftedClock
			? new ShiftedClock(path.join(runDir, 'faketime'), typeof o.shiftedClock === 'object' ? o.shiftedClock.offsetMs : 0)
			: undefined;
		const env = clock ? { ...faketimeEnv(clock.file), ...o.env } : o.env;
		const mainPort = o.port ?? (await freePort());
		const workerCount = o.queueMode ? (o.workers ?? 1) : 0;
		const webhookPorts: number[] = [];
		for (let i = 0; i < (o.queueMode ? (o.webhookProcesses ?? 1) : 0); i++) webhookPorts.push(await freePort());
		if (webhookPorts.length > 1) proxy = await startRoundRobinProxy(webhookPorts.map((p) => `http://127.0.0.1:${p}`));
		const webhookBaseUrl = proxy?.url ?? `http://127.0.0.1:${webhookPorts[0] ?? mainPort}`;
		// one user folder per process: `worker`, `webhook` for the first of each, `worker-2`, … for the others
		const numbered = (mode: N8nMode, i: number) => (i === 0 ? mode : `${mode}-${i + 1}`);
		const names = [
			'main',
			...Array.from({ length: workerCount }, (_, i) => numbered('worker', i)),
			...webhookPorts.map((_, i) => numbered('webhook', i)),
		];
		const userFolders = Object.fromEntries(names.map((r) => [r, path.join(runDir, `user-${r}`)])) as Record<string, string>;
		let packages: PackageInfo[] = [];
		await timings.time('install package', async () => {
			for (const r of names) {
				const infos: PackageInfo[] = [];
				for (const t of tarballs) infos.push(await installTarball(t, userFolders[r]));
				packages = infos;
			}
		});
		const common = {
			inst,
			runDir,
			logDir,
			db,
			encryptionKey,
			redis,
			webhookUrl: `${webhookBaseUrl}/`,
			logLevel: o.logLevel,
		};
		const main = await timings.time('n8n start', () =>
			startN8n({
				...common,
				mode: 'main',
				port: mainPort,
				userFolder: userFolders.main,
				env: { ...(o.queueMode ? { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' } : {}), ...env },
			}),
		);
		processes.push(main);
		if (o.queueMode) {
			const workerEnv = o.workerConcurrency ? { N8N_CONCURRENCY_PRODUCTION_LIMIT: String(o.workerConcurrency), ...env } : env;
			await timings.time('n8n worker+webhook start', () =>
				Promise.all([
					...Array.from({ length: workerCount }, (_, i) => numbered('worker', i)).map((name) =>
						startN8n({ ...common, mode: 'worker', name, userFolder: userFolders[name], env: workerEnv }),
					),
					...webhookPorts.map((port, i) =>
						startN8n({ ...common, mode: 'webhook', name: numbered('webhook', i), port, userFolder: userFolders[numbered('webhook', i)], env }),
					),
				].map((started) => started.then((p) => void processes.push(p)))), // tracked for stop() even if a sibling fails to start
			);
		}

		const api = new N8nApi(main.url);
		let owner: OwnerAccount | undefined;
		let apiKey: string | undefined;
		if (o.owner !== false) {
			owner = o.owner ?? DEFAULT_OWNER;
			await timings.time('owner+api key', async () => {
				await api.setupOwner(owner);
				apiKey = await api.createApiKey();
			});
		}
		log(`stack ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${timings.report()}`);

		const dbh = db;
		const stack: N8nStack = {
			url: main.url,
			webhookBaseUrl,
			api,
			owner,
			apiKey,
			db: dbh,
			redis,
			main,
			worker: processes.find((p) => p.mode === 'worker'),
			webhook: processes.find((p) => p.mode === 'webhook'),
			workers: processes.filter((p) => p.mode === 'worker'),
			webhooks: processes.filter((p) => p.mode === 'webhook'),
			proxy,
			processes,
			clock,
			packages,
			encryptionKey,
			runDir,
			logDir,
			get logFiles() {
				return listLogFiles(logDir, processes);
			},
			timings,
			async productionWebhooks(workflowId) {
				const rows = await dbh.query<{ webhookPath: string; method: string; node: string }>(
					`select "webhookPath", method, node from webhook_entity where "workflowId" = '${sqlString(workflowId)}' order by "webhookPath", method`,
				);
				// n8n serves an MCP Server Trigger's paths under /mcp/ (N8N_ENDPOINT_MCP), every other trigger's under /webhook/
				const types = new Map((await api.getWorkflow(workflowId)).nodes.map((n) => [n.name, n.type]));
				const endpoint = (node: string) => (types.get(node)?.endsWith('.mcpTrigger') ? 'mcp' : 'webhook');
				return rows.map((r) => ({ ...r, url: `${webhookBaseUrl}/${endpoint(r.node)}/${r.webhookPath}` }));
			},
			async activateAndWait(workflowId, { timeoutMs = 60_000 } = {}) {
				let status: PublicationStatus;
				try {
					status = await api.activateAndWait(workflowId, { timeoutMs });
				} catch (e) {
					const rows = await stack.publicationOutbox({ workflowId }).catch(() => []);
					const detail = rows.map((r) => `#${r.id} ${r.status}: ${r.errorMessage ?? ''}`).join('; ');
					throw new Error(`${(e as Error).message}${detail ? ` [publication outbox: ${detail}]` : ''}`);
				}
				const webhooks = await stack.productionWebhooks(workflowId);
				for (const h of webhooks) await api.waitForWebhook(h.url, { method: h.method, timeoutMs });
				return { status, webhooks };
			},
			async deactivateAndWait(workflowId, { timeoutMs = 60_000 } = {}) {
				const webhooks = await stack.productionWebhooks(workflowId);
				await api.deactivateWorkflow(workflowId);
				for (const h of webhooks) await api.waitForWebhook(h.url, { method: h.method, timeoutMs, gone: true });
			},
			async publicationOutbox({ workflowId, all } = {}) {
				const where: string[] = [];
				if (!all) where.push(`status in ('failed', 'partial_success')`);
				if (workflowId) where.push(`"workflowId" = '${sqlString(workflowId)}'`);
				return dbh.query<PublicationOutboxRow>(
					`select * from workflow_publication_outbox ${where.length ? 'where ' + where.join(' and ') : ''} order by id`,
				);
			},
			async restartN8n() {
				const old = processes;
				await Promise.allSettled(old.filter((p) => p.mode !== 'main').map((p) => p.stop()));
				await Promise.allSettled(old.filter((p) => p.mode === 'main').map((p) => p.stop()));
				processes = [];
				stack.processes = processes;
				const again = async (prev: N8nProcess) => {
					const started = await startN8n(prev.options);
					processes.push(started); // tracked for stop() at once, even if a sibling fails to start
					return started;
				};
				const main = await again(old.find((p) => p.mode === 'main')!);
				const others = await Promise.all(old.filter((p) => p.mode !== 'main').map(again));
				const workers = others.filter((p) => p.mode === 'worker');
				const webhooks = others.filter((p) => p.mode === 'webhook');
				Object.assign(stack, { main, worker: workers[0], webhook: webhooks[0], workers, webhooks });
			},
			stop: stopAll,
		};
		return stack;
	} catch (e) {
		const files = listLogFiles(logDir, processes);
		if (process.env.E2E_KEEP_RUN !== '1') log(`start failed; set E2E_KEEP_RUN=1 to keep ${runDir} (logs: ${files.join(', ')})`);
		await stopAll();
		throw e;
	}
}
