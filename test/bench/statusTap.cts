/**
 * Counts the answers the in-process sandbox sends, by method + path prefix and status, through
 * Node's `http.server.response.finish` diagnostics channel: no proxy in between, nothing changed
 * in the sandbox. Only servers listening on `port` in this process are counted.
 */
import * as dc from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';

interface FinishMessage {
	request: IncomingMessage;
	response: ServerResponse;
}

export interface StatusTap {
	/** Answers with this status to requests whose `METHOD path` starts with `prefix` (e.g. `POST /v1/calls`). */
	count(status: number, prefix?: string): number;
	/** Every answer counted since the last reset, in order: when it was sent (ms epoch), route, status. */
	answers(): Array<{ at: number; route: string; status: number }>;
	reset(): void;
	close(): void;
}

export function tapStatuses(port: number): StatusTap {
	let seen: Array<{ at: number; route: string; status: number }> = [];
	const onFinish = (message: unknown) => {
		const { request, response } = message as FinishMessage;
		if (request.socket?.localPort !== port) return;
		seen.push({ at: Date.now(), route: `${request.method} ${request.url}`, status: response.statusCode });
	};
	dc.subscribe('http.server.response.finish', onFinish);
	return {
		count: (status, prefix = '') => seen.filter((s) => s.status === status && s.route.startsWith(prefix)).length,
		answers: () => [...seen],
		reset: () => {
			seen = [];
		},
		close: () => dc.unsubscribe('http.server.response.finish', onFinish),
	};
}
