/** Minimal HTTP client on node:http (works the same under jest and plain node; raw headers kept). */
import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	/** Body as text (utf8). */
	text: string;
	/** Parses the body as JSON (throws with the body in the message if it is not JSON). */
	json<T = any>(): T;
}

export interface HttpRequestOptions {
	headers?: Record<string, string | number | undefined>;
	/** Object → JSON (content-type application/json unless set); string/Buffer sent as-is. */
	body?: unknown;
	timeoutMs?: number;
}

export function request(method: string, url: string, o: HttpRequestOptions = {}): Promise<HttpResponse> {
	const u = new URL(url);
	const headers: Record<string, string | number> = {};
	for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
	let payload: Buffer | undefined;
	if (o.body !== undefined) {
		if (Buffer.isBuffer(o.body)) payload = o.body;
		else if (typeof o.body === 'string') payload = Buffer.from(o.body);
		else {
			payload = Buffer.from(JSON.stringify(o.body));
			headers['content-type'] ??= 'application/json';
		}
		headers['content-length'] = payload.length;
	}
	const lib = u.protocol === 'https:' ? https : http;
	return new Promise((resolve, reject) => {
		const req = lib.request(
			u,
			{ method, headers, agent: false },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('error', reject);
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					resolve({
						status: res.statusCode ?? 0,
						headers: res.headers,
						text,
						json<T>() {
							try {
								return JSON.parse(text) as T;
							} catch {
								throw new Error(`${method} ${url}: expected JSON, got ${res.statusCode}: ${text.slice(0, 500)}`);
							}
						},
					});
				});
			},
		);
		req.setTimeout(o.timeoutMs ?? 60_000, () => req.destroy(new Error(`${method} ${url}: timed out`)));
		req.on('error', reject);
		req.end(payload);
	});
}
