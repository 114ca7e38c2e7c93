/**
 * Start/stop one n8n process: `n8n start` (main), `n8n worker` or `n8n webhook` (queue mode).
 * Each process has its own user folder (with the package installed into it) and its own ports;
 * stdout/stderr and n8n's own log file go into the run's `logs/` folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { request } from './http.cjs';
import { Installation } from './install.cjs';
import { DbConfig, tail } from './postgres.cjs';
import { spawnTracked, TrackedProcess } from './procs.cjs';
import { FatalWaitError, freePort, log, waitFor } from './util.cjs';

export type N8nMode = 'main' | 'worker' | 'webhook';

export interface RedisConfig {
	host: string;
	port: number;
}

export interface N8nProcessOptions {
	inst: Installation;
	mode: N8nMode;
	/** Label used in file names, e.g. `main`, `worker`, `webhook` (default: mode). */
	name?: string;
	runDir: string;
	logDir: string;
	userFolder: string;
	db: DbConfig;
	encryptionKey: string;
	/** HTTP port (main/webhook) or health-check port (worker). Free port when omitted. */
	port?: number;
	/** Task-runner broker port. Free port when omitted. */
	brokerPort?: number;
	/** Public base URL for production webhooks (default: this process's URL). */
	webhookUrl?: string;
	/** Queue mode (Redis). */
	redis?: RedisConfig;
	/** N8N_LOG_LEVEL (default: E2E_N8N_LOG_LEVEL or `info`). */
	logLevel?: string;
	/** Extra/overriding environment; a value of `undefined` removes a variable. */
	env?: Record<string, string | undefined>;
	readyTimeoutMs?: number;
}

export interface N8nProcess {
	readonly name: string;
	readonly mode: N8nMode;
	/** http://127.0.0.1:<port> (no trailing slash); for a worker, its health-check server. */
	readonly url: string;
	readonly port: number;
	readonly brokerPort: number;
	readonly userFolder: string;
	/** stdout+stderr of the process. */
	readonly stdoutLog: string;
	/** n8n's own log file (N8N_LOG_FILE_LOCATION). */
	readonly logFile: string;
	readonly options: N8nProcessOptions;
	readonly proc: TrackedProcess;
	readonly pid: number;
	stop(): Promise<void>;
}

/** The environment n8n runs with. Built from scratch: nothing from the test process leaks in (NODE_ENV=test would break n8n). */
export function n8nEnv(o: N8nProcessOptions & { port: number; brokerPort: number; logFile: string }): NodeJS.ProcessEnv {
	const self = `http://127.0.0.1:${o.port}/`;
	const env: NodeJS.ProcessEnv = {
		PATH: `${o.inst.nodeBinDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
		HOME: o.userFolder,
		LANG: 'C.UTF-8',
		TZ: 'UTC',
		GENERIC_TIMEZONE: 'UTC',
		NODE_ENV: 'production',
		N8N_USER_FOLDER: o.userFolder,
		N8N_ENCRYPTION_KEY: o.encryptionKey,

		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: o.db.host,
		DB_POSTGRESDB_PORT: String(o.db.port),
		DB_POSTGRESDB_DATABASE: o.db.database,
		DB_POSTGRESDB_USER: o.db.user,
		DB_POSTGRESDB_PASSWORD: o.db.password,

		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_PORT: String(o.port),
		WEBHOOK_URL: o.webhookUrl ?? self,
		N8N_EDITOR_BASE_URL: self,
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_PORT: String(o.brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',

		// nothing at start should need the internet
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		// community packages stay enabled (they load from <user folder>/.n8n/nodes); only the
		// catalogue of n8n-verified packages (fetched from n8n's servers) is turned off
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// the MCP-server catalogue is fetched from api.n8n.io at start (2.x; n8n 1.x has no such
		// module and refuses to start on an unknown module name)
		...(o.inst.n8nVersion.startsWith('1.') ? {} : { N8N_DISABLED_MODULES: 'mcp-registry' }),
		N8N_PYTHON_ENABLED: 'false',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',

		N8N_LOG_LEVEL: o.logLevel ?? process.env.E2E_N8N_LOG_LEVEL ?? 'info',
		N8N_LOG_OUTPUT: 'console,file',
		N8N_LOG_FILE_LOCATION: o.logFile,
	};
	if (o.redis) {
		Object.assign(env, {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: o.redis.host,
			QUEUE_BULL_REDIS_PORT: String(o.redis.port),
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		});
	}
	if (o.mode === 'worker') {
		Object.assign(env, {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(o.port),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		});
	}
	for (const [k, v] of Object.entries(o.env ?? {})) {
		if (v === undefined) delete env[k];
		else env[k] = v;
	}
	return env;
}

export async function startN8n(o: N8nProcessOptions): Promise<N8nProcess> {
	const name = o.name ?? o.mode;
	const port = o.port ?? (await freePort());
	const brokerPort = o.brokerPort ?? (await freePort());
	const stdoutLog = path.join(o.logDir, `n8n-${name}.out.log`);
	const logFile = path.join(o.logDir, `n8n-${name}.log`);
	fs.mkdirSync(o.userFolder, { recursive: true });
	const env = n8nEnv({ ...o, port, brokerPort, logFile });
	const cmd = o.mode === 'main' ? 'start' : o.mode;
	const t0 = Date.now();
	const proc = spawnTracked(`n8n ${name}`, o.inst.node, [o.inst.n8nBin, cmd], {
		env,
		cwd: o.userFolder,
		logFile: stdoutLog,
		runDir: o.runDir,
	});
	const url = `http://127.0.0.1:${port}`;
	try {
		await waitFor(
			`n8n ${name} at ${url}/healthz/readiness`,
			async () => {
				if (proc.hasExited()) {
					throw new FatalWaitError(`n8n ${name} exited during start; ${stdoutLog}:\n${tail(stdoutLog, 40)}`);
				}
				const r = await request('GET', `${url}/healthz/readiness`, { timeoutMs: 2_000 });
				if (r.status !== 200) return false;
				// n8n 1.x answers readiness before its REST controllers are registered
				return o.mode !== 'main' || (await request('GET', `${url}/rest/settings`, { timeoutMs: 2_000 })).status === 200;
			},
			{ timeoutMs: o.readyTimeoutMs ?? 180_000, intervalMs: 200 },
		);
	} catch (e) {
		await proc.stop({ timeoutMs: 5_000 });
		if (e instanceof FatalWaitError) throw e;
		throw new Error(`${(e as Error).message}\n--- ${stdoutLog}:\n${tail(stdoutLog, 40)}`);
	}
	log(`n8n ${name} ready at ${url} in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${proc.pid})`);
	return {
		name,
		mode: o.mode,
		url,
		port,
		brokerPort,
		userFolder: o.userFolder,
		stdoutLog,
		logFile,
		options: { ...o, port, brokerPort },
		proc,
		pid: proc.pid,
		stop: () => proc.stop({ signal: 'SIGTERM', timeoutMs: 20_000 }),
	};
}
