/**
 * Every long-running process the runner starts (postgres, n8n main/worker/webhook, redis) goes
 * through `spawnTracked`:
 *  - it gets its own process group (`detached`), so stop() signals the whole group, including
 *    children it spawns itself (n8n's task runner);
 *  - it is wrapped in `setpriv --pdeathsig SIGKILL` when available, so it dies even if the test
 *    process is SIGKILLed;
 *  - it carries HUSKY_E2E_RUN=<run dir> in its environment, and `reapOrphans()` (called at every
 *    stack start) kills processes of runs whose owner process is gone and deletes their folders;
 *  - a process-exit hook SIGKILLs any group still tracked, and SIGINT/SIGTERM/SIGHUP run the
 *    registered async cleanups (stack.stop()) first.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clockEnv, isAlive, log, runBaseDir, RUN_DIR_PREFIX, sleep, sleepUnref } from './util.cjs';

export interface TrackedProcess {
	readonly name: string;
	readonly pid: number;
	readonly child: ChildProcess;
	/** Resolves when the process (group leader) has exited. */
	readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	readonly hasExited: () => boolean;
	/** Signal the whole group, wait up to timeoutMs, then SIGKILL the group. Idempotent. */
	stop(opts?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<void>;
}

const tracked = new Map<number, TrackedProcess>();
const cleanups = new Set<() => Promise<void>>();

let setprivPath: string | null | undefined;
function setpriv(): string | null {
	if (setprivPath === undefined) {
		setprivPath = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p)) ?? null;
		if (process.env.E2E_NO_PDEATHSIG === '1') setprivPath = null;
	}
	return setprivPath;
}

export interface SpawnTrackedOptions {
	env: NodeJS.ProcessEnv;
	cwd?: string;
	/** stdout+stderr are appended here. */
	logFile: string;
	/** The run folder (for the orphan reaper). */
	runDir: string;
	uid?: number;
	gid?: number;
}

export function spawnTracked(name: string, cmd: string, args: string[], o: SpawnTrackedOptions): TrackedProcess {
	fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
	const fd = fs.openSync(o.logFile, 'a');
	if (o.uid !== undefined) fs.fchownSync(fd, o.uid, o.gid ?? o.uid);
	const sp = setpriv();
	const [file, argv] = sp ? [sp, ['--pdeathsig', 'SIGKILL', '--', cmd, ...args]] : [cmd, args];
	let child: ChildProcess;
	try {
		child = spawn(file, argv, {
			cwd: o.cwd,
			env: { ...o.env, ...clockEnv(), HUSKY_E2E_RUN: o.runDir, HUSKY_E2E_OWNER: String(process.pid) },
			stdio: ['ignore', fd, fd],
			detached: true,
			uid: o.uid,
			gid: o.gid,
		});
	} finally {
		fs.closeSync(fd);
	}
	if (child.pid === undefined) throw new Error(`could not start ${name} (${cmd})`);
	const pid = child.pid;
	let done = false;
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
		child.on('exit', (code, signal) => {
			done = true;
			resolve({ code, signal });
		});
		child.on('error', () => {
			done = true;
			resolve({ code: null, signal: null });
		});
	});
	let stopping: Promise<void> | undefined;
	const proc: TrackedProcess = {
		name,
		pid,
		child,
		exited,
		hasExited: () => done,
		stop({ signal = 'SIGTERM', timeoutMs = 15_000 } = {}) {
			stopping ??= (async () => {
				killGroup(pid, signal);
				const timedOut = await Promise.race([exited.then(() => false), sleepUnref(timeoutMs).then(() => true)]);
				if (timedOut) log(`${name} (pid ${pid}) did not stop within ${timeoutMs} ms after ${signal}; SIGKILL`);
				// whatever is left in the group (task runner, postgres backends) goes too
				killGroup(pid, 'SIGKILL');
				await Promise.race([exited, sleepUnref(5_000)]);
				await waitGroupGone(pid, 5_000);
				tracked.delete(pid);
			})();
			return stopping;
		},
	};
	tracked.set(pid, proc);
	installHooks();
	return proc;
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pgid, signal);
	} catch {
		/* group already gone */
	}
}

async function waitGroupGone(pgid: number, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		try {
			process.kill(-pgid, 0);
		} catch {
			return;
		}
		await sleep(50);
	}
}

/** Registers an async cleanup (e.g. stack.stop) to run on SIGINT/SIGTERM/SIGHUP. */
export function onSignalCleanup(fn: () => Promise<void>): () => void {
	cleanups.add(fn);
	installHooks();
	return () => cleanups.delete(fn);
}

export function trackedProcesses(): TrackedProcess[] {
	return [...tracked.values()];
}

let hooksInstalled = false;
let stoppingOnSignal = false;
/** True once SIGINT/SIGTERM/SIGHUP began stopping everything: processes exiting then are expected. */
export function isStoppingOnSignal(): boolean {
	return stoppingOnSignal;
}

function installHooks(): void {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', () => {
		for (const pid of tracked.keys()) killGroup(pid, 'SIGKILL');
	});
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(sig, () => {
			if (stoppingOnSignal) {
				for (const pid of tracked.keys()) killGroup(pid, 'SIGKILL');
				process.exit(130);
			}
			stoppingOnSignal = true;
			log(`${sig}: stopping everything`);
			const all = Promise.allSettled([...cleanups].map((fn) => fn()));
			void Promise.race([all, sleepUnref(20_000)]).then(() => {
				for (const pid of tracked.keys()) killGroup(pid, 'SIGKILL');
				process.exit(sig === 'SIGINT' ? 130 : 143);
			});
		});
	}
}

/** pids of processes whose environment marks them as belonging to `runDir`. */
export function processesOfRun(runDir: string): number[] {
	const out: number[] = [];
	let entries: string[] = [];
	try {
		entries = fs.readdirSync('/proc');
	} catch {
		return out;
	}
	const mark = `HUSKY_E2E_RUN=${runDir}\0`;
	const home = `HOME=${runDir}/`;
	for (const e of entries) {
		if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
		let env: string;
		try {
			env = fs.readFileSync(`/proc/${e}/environ`, 'latin1') + '\0';
		} catch {
			continue;
		}
		if (env.includes(mark) || env.startsWith(home) || env.includes(`\0${home}`)) out.push(Number(e));
	}
	return out;
}

/** SIGKILLs every process still marked as belonging to `runDir`. Returns how many. */
export function killRunProcesses(runDir: string): number {
	const pids = processesOfRun(runDir);
	for (const pid of pids) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			/* gone */
		}
	}
	return pids.length;
}

/**
 * Cleans up after runs whose owner process died without stopping (SIGKILL, OOM, power cut):
 * kills their processes and removes their folders.
 */
export function reapOrphans(): void {
	const base = runBaseDir();
	let names: string[] = [];
	try {
		names = fs.readdirSync(base).filter((n) => n.startsWith(RUN_DIR_PREFIX));
	} catch {
		return;
	}
	for (const n of names) {
		const dir = path.join(base, n);
		let owner = NaN;
		try {
			owner = Number(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
		} catch {
			const st = fs.statSync(dir, { throwIfNoEntry: false });
			if (st && Date.now() - st.mtimeMs < 60_000) continue; // just being created
		}
		if (Number.isFinite(owner) && owner > 0 && isAlive(owner)) continue;
		const killed = killRunProcesses(dir);
		log(`reaping orphaned run ${dir}${killed ? ` (killed ${killed} processes)` : ''}`);
		fs.rmSync(dir, { recursive: true, force: true });
	}
}
