import type { IncomingMessage, ServerResponse } from 'http';

import type { SandboxState } from './state.cjs';

export interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

export interface RequestContext {
	state: SandboxState;
	req: IncomingMessage;
	params: Record<string, string>;
	query: URLSearchParams;
	rawBody: Buffer;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) reject(new BodyTooLargeError('body larger than 1 MiB'));
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export function send(res: ServerResponse, reply: Reply): void {
	const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
	res.writeHead(reply.status, {
		...(reply.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
		'content-length': String(Buffer.byteLength(body)),
		...reply.headers,
	});
	res.end(body);
}

/** The `{ error: { code, message } }` envelope most endpoints use. */
export function apiError(status: number, code: string, message: string): Reply {
	return { status, body: { error: { code, message } } };
}

/** The `{ success: false, error, code }` envelope of appointments, slots and inbound hooks. */
export function flatError(status: number, code: string, message: string): Reply {
	return { status, body: { success: false, error: message, code } };
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An empty body counts as `{}`; anything but a JSON object is an error message. */
export function parseJsonObject(raw: Buffer): { value: JsonObject } | { error: string } {
	if (raw.length === 0) return { value: {} };
	let value: unknown;
	try {
		value = JSON.parse(raw.toString('utf8'));
	} catch {
		return { error: 'body is not valid JSON' };
	}
	return isObject(value) ? { value } : { error: 'body must be a JSON object' };
}
