/** Test helpers for the sandbox's own tests: an undici client, a webhook receiver, polling. */
import http, { type IncomingHttpHeaders } from 'http';
import type { AddressInfo } from 'net';
import { request } from 'undici';

import { startSandbox, type Sandbox, type SandboxOptions } from './sandbox.cjs';

export interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: any;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export async function send(method: Method, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
	const res = await request(url, {
		method,
		headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.body.text();
	return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Calls the HuskyVoice API of a sandbox with its API key. */
export function apiClient(sandbox: Sandbox) {
	const auth = () => ({ authorization: `Bearer ${sandbox.apiKey}` });
	return (method: Method, path: string, body?: unknown, headers: Record<string, string> = {}) =>
		send(method, `${sandbox.baseUrl}${path}`, body, { ...auth(), ...headers });
}

export function adminClient(sandbox: Sandbox) {
	return (method: Method, path: string, body?: unknown) => send(method, `${sandbox.adminUrl}${path}`, body);
}

export const validCall = { agent_id: 'agent_42', contact_number: '+919876543210', contact_name: 'Asha', contact_email: 'asha@example.com' };

function parseOrUndefined(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

export interface Received {
	headers: IncomingHttpHeaders;
	raw: Buffer;
	json: any;
}

/** A tiny endpoint that records raw bodies and answers with the given statuses in turn (then 200). */
export async function startReceiver(statuses: number[] = []) {
	const received: Received[] = [];
	const queue = [...statuses];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			received.push({ headers: req.headers, raw, json: parseOrUndefined(raw.toString('utf8')) });
			res.writeHead(queue.shift() ?? 200).end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	const stop = () => new Promise<void>((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
	return { url, received, stop };
}

export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

export interface SandboxClients {
	sandbox: Sandbox;
	api: ReturnType<typeof apiClient>;
	admin: ReturnType<typeof adminClient>;
}

/** One sandbox for the file, started before its tests and reset before each. */
export function useSandbox(options: SandboxOptions = {}): SandboxClients {
	const env = {} as SandboxClients;
	beforeAll(async () => {
		env.sandbox = await startSandbox(options);
		env.api = apiClient(env.sandbox);
		env.admin = adminClient(env.sandbox);
	});
	afterAll(() => env.sandbox.stop());
	beforeEach(() => env.sandbox.state.reset());
	return env;
}

export interface SandboxWithReceiver extends SandboxClients {
	receiver: Awaited<ReturnType<typeof startReceiver>>;
}

/**
 * One sandbox (rate limit out of the way) and one receiver subscribed to every event for the file;
 * before each test the previous test's deliveries have landed, then state and receiver are cleared.
 */
export function useSandboxWithReceiver(): SandboxWithReceiver {
	const env = {} as SandboxWithReceiver;
	beforeAll(async () => {
		env.sandbox = await startSandbox({ rateLimit: { limit: 10_000, windowMs: 60_000 } });
		env.api = apiClient(env.sandbox);
		env.admin = adminClient(env.sandbox);
		env.receiver = await startReceiver();
	});
	afterAll(async () => {
		await env.sandbox.stop();
		await env.receiver.stop();
	});
	beforeEach(async () => {
		await waitFor(() => env.sandbox.state.inflight.size === 0);
		env.sandbox.state.reset();
		env.receiver.received.length = 0;
		await env.admin('POST', '/webhooks', { url: env.receiver.url, events: ['*'] });
	});
	return env;
}
