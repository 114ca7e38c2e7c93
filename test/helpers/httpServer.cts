import { createServer } from 'http';
import type { IncomingHttpHeaders, Server } from 'http';
import type { AddressInfo } from 'net';

export interface RecordedRequest {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	rawBody: string;
	body: unknown;
}

export interface ScriptedResponse {
	status?: number;
	headers?: Record<string, string>;
	body?: unknown;
}

export type Responder = (request: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>;

export interface TestHttpServer {
	/** e.g. `http://127.0.0.1:41234` — use as a credential's Base URL. */
	baseUrl: string;
	requests: RecordedRequest[];
	/** Replaces how the server answers from now on. */
	respondWith(responder: Responder): void;
	stop(): Promise<void>;
}

/** A scripted JSON server on 127.0.0.1 for shapes and failures the sandbox does not produce. */
export async function startTestHttpServer(responder: Responder = () => ({ status: 200, body: {} })): Promise<TestHttpServer> {
	let respond = responder;
	const requests: RecordedRequest[] = [];
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const rawBody = Buffer.concat(chunks).toString('utf8');
			let body: unknown;
			try {
				body = rawBody ? JSON.parse(rawBody) : undefined;
			} catch {
				body = rawBody;
			}
			const recorded: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, rawBody, body };
			requests.push(recorded);
			void Promise.resolve(respond(recorded)).then((answer) => {
				res.statusCode = answer.status ?? 200;
				res.setHeader('content-type', 'application/json');
				for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
				res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		requests,
		respondWith: (next) => {
			respond = next;
		},
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
