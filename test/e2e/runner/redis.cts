/** A private Redis for n8n's queue mode (`apt-get install redis-server`), on a free loopback port, no persistence. */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tail } from './postgres.cjs';
import { spawnTracked, TrackedProcess } from './procs.cjs';
import { FatalWaitError, freePort, waitFor } from './util.cjs';

export interface RedisHandle {
	host: string;
	port: number;
	logFile: string;
	proc: TrackedProcess;
	stop(): Promise<void>;
}

export function redisServerBin(): string | undefined {
	const candidates = [process.env.E2E_REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server'];
	return candidates.find((p): p is string => !!p && fs.existsSync(p));
}

function ping(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		let buf = '';
		s.setTimeout(1_000, () => {
			s.destroy();
			resolve(false);
		});
		s.on('connect', () => s.write('PING\r\n'));
		s.on('data', (d) => {
			buf += d.toString();
			if (buf.includes('\r\n')) {
				s.destroy();
				resolve(buf.startsWith('+PONG'));
			}
		});
		s.on('error', () => resolve(false));
	});
}

export async function startRedis(o: { runDir: string; logDir: string; port?: number }): Promise<RedisHandle> {
	const bin = redisServerBin();
	if (!bin) throw new Error('queue mode needs redis-server: apt-get install -y redis-server (or set E2E_REDIS_SERVER)');
	const port = o.port ?? (await freePort());
	const dir = path.join(o.runDir, 'redis');
	fs.mkdirSync(dir, { recursive: true });
	const logFile = path.join(o.logDir, 'redis.log');
	const proc = spawnTracked(
		'redis',
		bin,
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes'],
		{ env: { PATH: process.env.PATH }, cwd: dir, logFile, runDir: o.runDir },
	);
	try {
		await waitFor(
			`redis on port ${port}`,
			async () => {
				if (proc.hasExited()) throw new FatalWaitError(`redis-server exited:\n${tail(logFile)}`);
				return ping(port);
			},
			{ timeoutMs: 15_000, intervalMs: 100 },
		);
	} catch (e) {
		await proc.stop({ timeoutMs: 2_000 });
		throw e;
	}
	return { host: '127.0.0.1', port, logFile, proc, stop: () => proc.stop({ signal: 'SIGTERM', timeoutMs: 5_000 }) };
}
