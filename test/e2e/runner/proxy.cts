/**
 * A round-robin HTTP proxy on 127.0.0.1 in front of several `n8n webhook` processes — the load
 * balancer of a queue-mode deployment. Each request goes to the next backend in turn, body and
 * headers unchanged; it counts what each backend received. Runs in the test process (nothing to
 * kill by pid): `stop()` closes it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
	/** http://127.0.0.1:<port> (no trailing slash) */
	url: string;
	port: number;
	/** Requests forwarded to each backend, in the order of `backends`. */
	readonly forwarded: number[];
	stop(): Promise<void>;
}

export async function startRoundRobinProxy(backends: string[], port = 0): Promise<RoundRobinProxy> {
	if (backends.length === 0) throw new Error('round-robin proxy: no backends');
	const targets = backends.map((b) => new URL(b));
	const forwarded = targets.map(() => 0);
	let next = 0;
	const server = http.createServer((req, res) => {
		const i = next;
		next = (next + 1) % targets.length;
		forwarded[i]++;
		const upstream = http.request(
			{ host: targets[i].hostname, port: targets[i].port, method: req.method, path: req.url, headers: req.headers, agent: false },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', (e) => {
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
			res.end(`proxy: backend ${targets[i].host} failed: ${e.message}`);
		});
		req.pipe(upstream);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	const actual = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${actual}`,
		port: actual,
		forwarded,
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
