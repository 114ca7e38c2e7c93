import {
	callForIdempotencyKey,
	cancelCall,
	createCall,
	deleteCall,
	findCall,
	notCancellableMessage,
	notDeletableMessage,
	publicCall,
	TRIAL_REFUSAL,
} from './calls.cjs';
import { apiError, parseJsonObject, type Handler, type Reply } from './http.cjs';
import { startCallProgress } from './queue.cjs';
import type { SandboxState } from './state.cjs';
import type { CallRecord } from './types.cjs';
import { validateCallInput } from './validation.cjs';

function unknownCall(callId: string): Reply {
	return apiError(404, 'not_found', `Call ${callId} not found`);
}

function withCall(state: SandboxState, callId: string, then: (call: CallRecord) => Reply): Reply {
	const call = findCall(state, callId);
	return call ? then(call) : unknownCall(callId);
}

/** POST /v1/calls — a repeated Idempotency-Key answers 200 with the original call, placing none. */
export const createCallHandler: Handler = ({ state, req, rawBody }) => {
	const key = req.headers['idempotency-key'];
	const idempotencyKey = typeof key === 'string' && key !== '' ? key : undefined;
	const original = idempotencyKey === undefined ? undefined : callForIdempotencyKey(state, idempotencyKey);
	if (original) {
		return {
			status: 200,
			body: { data: { call_id: original.call_id, status: original.status } },
			headers: { 'idempotent-replayed': 'true' },
		};
	}
	if (state.config.plan === 'trial') return apiError(403, TRIAL_REFUSAL.code, TRIAL_REFUSAL.message);
	const parsed = parseJsonObject(rawBody);
	if ('error' in parsed) return apiError(400, 'invalid_request', parsed.error);
	const input = validateCallInput(parsed.value);
	if ('error' in input) return apiError(400, 'invalid_request', input.error);
	const call = createCall(state, input, 'api', idempotencyKey);
	startCallProgress(state, call);
	return { status: 201, body: { data: { call_id: call.call_id, status: call.status } } };
};

export const getCallHandler: Handler = ({ state, params }) =>
	withCall(state, params.id, (call) => ({ status: 200, body: { data: publicCall(call) } }));

/** POST /v1/calls/{id}/cancel — answers in the `data` envelope, or flat when flatCancelResponse is on. */
export const cancelCallHandler: Handler = ({ state, params }) =>
	withCall(state, params.id, (call) => {
		if (!cancelCall(state, call)) return apiError(409, 'call_not_cancellable', notCancellableMessage(call));
		const { call_id, cancelled_at } = call;
		if (state.config.flatCancelResponse) {
			return { status: 200, body: { success: true, call_id, status: 'cancelled', message: 'Call cancelled' } };
		}
		return { status: 200, body: { data: { call_id, status: 'cancelled', cancelled_at } } };
	});

export const deleteCallHandler: Handler = ({ state, params }) =>
	withCall(state, params.id, (call) => {
		if (!deleteCall(state, call)) return apiError(409, 'call_not_deletable', notDeletableMessage(call));
		return { status: 200, body: { data: { call_id: call.call_id, deleted: true } } };
	});
