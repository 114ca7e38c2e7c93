import http, { type IncomingMessage, type ServerResponse } from 'http';

import { handleAdmin } from './admin.cjs';
import { authenticate, checkScope } from './auth.cjs';
import { consume, faultFor, injectedReply } from './faults.cjs';
import { apiError, BodyTooLargeError, readBody, send, type Reply, type RequestContext } from './http.cjs';
import { checkRateLimit } from './ratelimit.cjs';
import { runQueue } from './queue.cjs';
import { apiRoutes } from './routes.cjs';
import type { SandboxState } from './state.cjs';

/** Answer nothing and cut the connection: the action was performed, the client cannot know. */
const DROP = Symbol('drop connection');

function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
	return { ...reply, headers: { ...headers, ...reply.headers } };
}

/** Order: fault latency → auth → rate limit → injected 429/500 → handler → injected drop. */
async function answerApi(ctx: RequestContext, path: string): Promise<Reply | typeof DROP> {
	const { state, req } = ctx;
	if (!path.startsWith('/v1/')) return apiError(404, 'not_found', `No route ${path}`);
	const found = apiRoutes.match(req.method ?? '', path);
	const fault = faultFor(state, found?.route.key);
	if (fault?.latencyMs) await state.scheduler.delay(fault.latencyMs);
	let limitHeaders: Record<string, string> = {};
	if (!found?.route.public) {
		const auth = authenticate(state, req);
		if ('reply' in auth) return auth.reply;
		const verdict = checkRateLimit(state, auth.key);
		limitHeaders = verdict.headers;
		if (verdict.reply) return withHeaders(verdict.reply, limitHeaders);
		const refused = checkScope(state, auth.key, found?.route.scope);
		if (refused) return withHeaders(refused, limitHeaders);
	}
	const injected = injectedReply(fault);
	if (injected) return withHeaders(injected, limitHeaders);
	if (!found) return withHeaders(apiError(404, 'not_found', `No route ${req.method} ${path}`), limitHeaders);
	const reply = await found.route.handler({ ...ctx, params: found.params });
	if (consume(fault, 'dropAfterCommitTimes')) return DROP;
	return withHeaders(reply, limitHeaders);
}

async function handle(state: SandboxState, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const url = new URL(req.url ?? '/', 'http://sandbox');
	let rawBody: Buffer;
	try {
		rawBody = await readBody(req);
	} catch (error) {
		if (error instanceof BodyTooLargeError) send(res, apiError(413, 'payload_too_large', error.message));
		else req.socket.destroy();
		return;
	}
	const ctx: RequestContext = { state, req, params: {}, query: url.searchParams, rawBody };
	// Whatever the queue should have done by now (the clock may have jumped) happens before the answer.
	runQueue(state);
	if (url.pathname === '/__admin' || url.pathname.startsWith('/__admin/')) {
		send(res, await handleAdmin(ctx, url.pathname));
		return;
	}
	const recorded = state.recordRequest({
		at: state.nowIso(),
		method: req.method ?? '',
		path: url.pathname + url.search,
		headers: { ...req.headers },
		body: rawBody.toString('utf8'),
	});
	const reply = await answerApi(ctx, url.pathname);
	if (reply === DROP) req.socket.destroy();
	else {
		recorded.status = reply.status;
		send(res, reply);
	}
}

export function createServer(state: SandboxState): http.Server {
	return http.createServer((req, res) => {
		handle(state, req, res).catch((error: Error) => {
			if (res.headersSent) res.destroy();
			else send(res, apiError(500, 'internal_error', error.message));
		});
	});
}
