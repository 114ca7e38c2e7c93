import type { IncomingMessage } from 'http';

import { cancelCall, createCall, deleteCall, findCall, notCancellableMessage, notDeletableMessage, TRIAL_REFUSAL } from './calls.cjs';
import { flatError, isObject, parseJsonObject, type Handler, type JsonObject, type Reply } from './http.cjs';
import { startCallProgress } from './queue.cjs';
import { hmacSha256Hex, sameHex } from './signing.cjs';
import type { SandboxState } from './state.cjs';
import { validateCallInput } from './validation.cjs';

const MAX_CLOCK_SKEW_SECONDS = 300;

function header(req: IncomingMessage, name: string): string | undefined {
	const value = req.headers[name];
	return typeof value === 'string' ? value : undefined;
}

/** With a signing secret set, `X-Inbound-Signature` must be hex HMAC-SHA256 of `{timestamp}.{raw body}`. */
function signatureProblem(state: SandboxState, req: IncomingMessage, rawBody: Buffer): string | undefined {
	const secret = state.config.inboundSigningSecret;
	if (!secret) return undefined;
	const timestamp = header(req, 'x-inbound-timestamp');
	const signature = header(req, 'x-inbound-signature');
	if (!timestamp || !signature) return 'X-Inbound-Timestamp and X-Inbound-Signature headers are required';
	if (!/^\d+$/.test(timestamp)) return 'X-Inbound-Timestamp must be Unix seconds';
	if (Math.abs(state.clock.nowMs() / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
		return `X-Inbound-Timestamp is more than ${MAX_CLOCK_SKEW_SECONDS} seconds from now`;
	}
	const expected = hmacSha256Hex(secret, Buffer.concat([Buffer.from(`${timestamp}.`), rawBody]));
	return sameHex(expected, signature) ? undefined : 'X-Inbound-Signature does not match the body';
}

/** Counts this request against the daily quota (UTC day); a reply when the quota is used up. */
function quotaExceeded(state: SandboxState): Reply | undefined {
	const quota = state.config.dailyInboundQuota;
	if (quota === undefined) return undefined;
	const today = state.nowIso().slice(0, 10);
	if (state.inboundUsage.day !== today) state.inboundUsage = { day: today, count: 0 };
	if (state.inboundUsage.count < quota) {
		state.inboundUsage.count++;
		return undefined;
	}
	const midnight = Date.parse(`${today}T00:00:00Z`) + 86_400_000;
	const reply = flatError(429, 'DAILY_QUOTA_EXCEEDED', `Daily inbound quota of ${quota} requests used up`);
	return { ...reply, headers: { 'retry-after': String(Math.ceil((midnight - state.clock.nowMs()) / 1000)) } };
}

function callIdOf(data: JsonObject): string | undefined {
	return typeof data.call_id === 'string' && data.call_id !== '' ? data.call_id : undefined;
}

function runAction(state: SandboxState, action: unknown, data: JsonObject): Reply {
	if (action === 'call.create') {
		if (state.config.plan === 'trial') return flatError(403, TRIAL_REFUSAL.code.toUpperCase(), TRIAL_REFUSAL.message);
		if (state.config.credits !== undefined && state.config.credits <= 0) {
			return flatError(402, 'INSUFFICIENT_CREDITS', 'The account has no call credits left');
		}
		const input = validateCallInput(data);
		if ('error' in input) return flatError(400, 'INVALID_REQUEST', input.error);
		const call = createCall(state, input, 'inbound');
		startCallProgress(state, call);
		return { status: 201, body: { success: true, call_id: call.call_id, status: call.status, message: 'Call queued' } };
	}
	if (action !== 'call.cancel' && action !== 'call.delete') {
		return flatError(400, 'INVALID_REQUEST', 'action must be one of call.create, call.cancel, call.delete');
	}
	const callId = callIdOf(data);
	if (!callId) return flatError(400, 'INVALID_REQUEST', 'data.call_id is required');
	const call = findCall(state, callId);
	if (!call) return flatError(404, 'NOT_FOUND', `Call ${callId} not found`);
	if (action === 'call.cancel') {
		if (!cancelCall(state, call)) return flatError(409, 'CALL_NOT_CANCELLABLE', notCancellableMessage(call));
		return { status: 200, body: { success: true, call_id: callId, status: 'cancelled', message: 'Call cancelled' } };
	}
	if (!deleteCall(state, call)) return flatError(409, 'CALL_NOT_DELETABLE', notDeletableMessage(call));
	return { status: 200, body: { success: true, call_id: callId, message: 'Call deleted' } };
}

/** POST /v1/hooks/{token}: the token is the credential; checked before anything else. */
export const inboundHookHandler: Handler = ({ state, req, params, rawBody }) => {
	if (!sameHex(params.token, state.inboundToken)) return flatError(401, 'UNAUTHORIZED', 'Unknown or rotated hook token');
	const badSignature = signatureProblem(state, req, rawBody);
	if (badSignature) return flatError(401, 'INVALID_SIGNATURE', badSignature);
	const overQuota = quotaExceeded(state);
	if (overQuota) return overQuota;
	const parsed = parseJsonObject(rawBody);
	if ('error' in parsed) return flatError(400, 'INVALID_REQUEST', parsed.error);
	const { action, data = {} } = parsed.value;
	if (!isObject(data)) return flatError(400, 'INVALID_REQUEST', 'data must be an object');
	return runAction(state, action, data);
};
