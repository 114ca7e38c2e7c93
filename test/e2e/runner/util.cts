/**
 * Small helpers shared by the real-n8n runner: paths, logging, running commands, free ports,
 * polling, a cross-process lock, and tracking of every process we start so that nothing is left
 * running (see `procs.cts` for teardown). Node built-ins only.
 */
import { spawn, SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-huskyvoice';

/** Walks up from this file to the repository root (works from `test/e2e/runner` and from `.cache/tools/...`). */
export function repoRoot(): string {
	if (process.env.HUSKY_REPO_ROOT) return process.env.HUSKY_REPO_ROOT;
	let dir = __dirname;
	for (;;) {
		const pkg = path.join(dir, 'package.json');
		if (fs.existsSync(pkg)) {
			try {
				if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === PACKAGE_NAME) return dir;
			} catch {
				/* keep walking */
			}
		}
		const parent = path.dirname(dir);
		if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} repository root above ${__dirname}`);
		dir = parent;
	}
}

/** `.cache/` of the repository (git-ignored); override with E2E_CACHE_DIR. */
/**
 * Installs of Node and n8n and the Postgres templates: E2E_CACHE_DIR, else a machine-level folder
 * (`$XDG_CACHE_HOME` or ~/.cache, `/n8n-nodes-huskyvoice`) so every checkout and CI run on the
 * machine reuses them. Build output (.cache/tools, verify's scratch folders) stays in the repo.
 */
export function cacheDir(): string {
	if (process.env.E2E_CACHE_DIR) return process.env.E2E_CACHE_DIR;
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-huskyvoice');
}

/** Where per-run folders go: /dev/shm when present (fast), else the OS temp dir. */
export function runBaseDir(): string {
	if (process.env.E2E_RUN_BASE) return process.env.E2E_RUN_BASE;
	return fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
}

export const RUN_DIR_PREFIX = 'husky-e2e-';

const quiet = () => process.env.E2E_QUIET === '1';
let logPrefix = 'e2e';
/** The tag of the runner's log lines (`[e2e 12:00:00.000] …`); `npm start` uses its own. */
export function setLogPrefix(prefix: string): void {
	logPrefix = prefix;
}
export function log(msg: string): void {
	if (!quiet()) process.stderr.write(`[${logPrefix} ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
}

export function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

/** Like sleep, but does not keep the process alive (for timeouts raced against other promises). */
export function sleepUnref(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms).unref());
}

export interface ExecResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/**
 * Runs a command to completion and collects its output. Rejects when it exits non-zero
 * (unless `allowFail`), with the tail of its output in the message.
 */
/**
 * A shifted test clock (libfaketime, set by test/any-day/run.sh): the environments the runner
 * builds from scratch carry it too, so n8n, Postgres, Redis and the sandbox read the same time.
 */
export function clockEnv(): NodeJS.ProcessEnv {
	if (!process.env.FAKETIME) return {};
	return Object.fromEntries(Object.entries(process.env).filter(([k]) => k === 'LD_PRELOAD' || k.startsWith('FAKETIME')));
}

export function exec(
	cmd: string,
	args: string[],
	opts: SpawnOptions & { allowFail?: boolean; input?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
	const { allowFail, input, timeoutMs, ...spawnOpts } = opts;
	return new Promise((resolve, reject) => {
		const env = spawnOpts.env && { ...spawnOpts.env, ...clockEnv() };
		const child = spawn(cmd, args, { ...spawnOpts, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
		child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
		let timer: NodeJS.Timeout | undefined;
		if (timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', (e) => {
			if (timer) clearTimeout(timer);
			reject(new Error(`${cmd} ${args.join(' ')}: ${e.message}`));
		});
		child.on('close', (code, signal) => {
			if (timer) clearTimeout(timer);
			const res = { code, signal, stdout, stderr };
			if (code === 0 || allowFail) return resolve(res);
			const tail = (stdout + '\n' + stderr).trim().split('\n').slice(-25).join('\n');
			reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}:\n${tail}`));
		});
		if (input !== undefined) {
			child.stdin!.on('error', () => {
				/* the command exited without reading everything; its exit code tells */
			});
			child.stdin!.end(input);
		}
	});
}

const handedOutPorts = new Set<number>();
/** A free TCP port on 127.0.0.1 (never the same one twice in this process). */
export async function freePort(): Promise<number> {
	for (let i = 0; i < 50; i++) {
		const port = await new Promise<number>((resolve, reject) => {
			const srv = net.createServer();
			srv.unref();
			srv.on('error', reject);
			srv.listen(0, '127.0.0.1', () => {
				const p = (srv.address() as net.AddressInfo).port;
				srv.close(() => resolve(p));
			});
		});
		if (!handedOutPorts.has(port)) {
			handedOutPorts.add(port);
			return port;
		}
	}
	throw new Error('no free port found');
}

/** Thrown inside a `waitFor` callback to stop polling at once (e.g. the process died). */
export class FatalWaitError extends Error {}

/**
 * Polls `fn` until it returns something other than undefined/false, or throws after `timeoutMs`
 * with `what` and the last error seen.
 */
export async function waitFor<T>(
	what: string,
	fn: () => Promise<T | undefined | false> | T | undefined | false,
	{ timeoutMs = 30_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastErr: unknown;
	for (;;) {
		try {
			const v = await fn();
			if (v !== undefined && v !== false) return v as T;
		} catch (e) {
			if (e instanceof FatalWaitError) throw e;
			lastErr = e;
		}
		if (Date.now() > deadline) {
			const why = lastErr instanceof Error ? `: ${lastErr.message}` : lastErr ? `: ${String(lastErr)}` : '';
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
		}
		await sleep(intervalMs);
	}
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Cross-process mutex (atomic mkdir). A lock whose holder process is gone is taken over, so a
 * killed run never blocks the next one.
 */
export async function withLock<T>(lockDir: string, fn: () => Promise<T>, timeoutMs = 20 * 60_000): Promise<T> {
	fs.mkdirSync(path.dirname(lockDir), { recursive: true });
	const deadline = Date.now() + timeoutMs;
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			let holder = NaN;
			try {
				holder = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {
				/* being created or removed right now */
			}
			const age = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
			if ((Number.isFinite(holder) && holder > 0 && !isAlive(holder)) || (!Number.isFinite(holder) && age > 10_000)) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!announced) {
				log(`waiting for lock ${lockDir} (held by pid ${holder})`);
				announced = true;
			}
			if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockDir}`);
			await sleep(500);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

/** Measures phases; `report()` gives a one-line summary like `pack 1.2s, postgres 0.9s`. */
export class Timings {
	readonly entries: Array<{ name: string; ms: number }> = [];
	async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
		const t0 = Date.now();
		try {
			return await fn();
		} finally {
			this.entries.push({ name, ms: Date.now() - t0 });
		}
	}
	get(name: string): number | undefined {
		return this.entries.find((e) => e.name === name)?.ms;
	}
	report(): string {
		return this.entries.map((e) => `${e.name} ${(e.ms / 1000).toFixed(1)}s`).join(', ');
	}
}
