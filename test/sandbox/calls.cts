import { now, randomHex, type SandboxState } from './state.cjs';
import type { CallError, CallOutcome, CallRecord } from './types.cjs';
import type { CallInput } from './validation.cjs';

const CANCELLABLE = new Set(['scheduled', 'queued']);

/**
 * How the call will end, decided when it is placed:
 * number ending 0000 → disallowed (DND), ending 1111 → failed (no answer), no credits → disallowed.
 */
function planOutcome(state: SandboxState, contactNumber: string): { outcome: CallOutcome; error?: CallError } {
	const { credits } = state.config;
	if (credits !== undefined && credits <= 0) {
		return { outcome: 'disallowed', error: { code: 'insufficient_credits', message: 'The account has no call credits left' } };
	}
	if (contactNumber.endsWith('0000')) {
		return { outcome: 'disallowed', error: { code: 'dnd_registered', message: 'The number is on the Do Not Disturb registry' } };
	}
	if (contactNumber.endsWith('1111')) {
		return { outcome: 'failed', error: { code: 'no_answer', message: 'The contact did not answer' } };
	}
	return { outcome: 'completed' };
}

export function createCall(
	state: SandboxState,
	input: CallInput,
	source: 'api' | 'inbound',
	idempotencyKey?: string,
): CallRecord {
	const at = now();
	const plan = planOutcome(state, input.contact_number);
	if (state.config.credits !== undefined) state.config.credits = Math.max(0, state.config.credits - 1);
	const status = source === 'inbound' ? 'queued' : 'scheduled';
	const call: CallRecord = {
		call_id: `call_${randomHex(10)}`,
		status,
		...input,
		scheduled_at: at,
		completed_at: null,
		error: null,
		created_at: at,
		updated_at: at,
		sandbox: {
			source,
			idempotencyKey,
			plannedOutcome: plan.outcome,
			plannedError: plan.error,
			history: [{ status, at }],
		},
	};
	state.calls.set(call.call_id, call);
	if (idempotencyKey !== undefined) state.idempotencyKeys.set(idempotencyKey, call.call_id);
	return call;
}

/** The call as the API shows it: without the sandbox bookkeeping. */
export function publicCall(call: CallRecord): Omit<CallRecord, 'sandbox'> {
	const { sandbox: _bookkeeping, ...visible } = call;
	return visible;
}

/** A call the API still knows (deleted calls are gone for clients, kept for the admin API). */
export function findCall(state: SandboxState, callId: string): CallRecord | undefined {
	const call = state.calls.get(callId);
	return call && !call.sandbox.deletedAt ? call : undefined;
}

export function callForIdempotencyKey(state: SandboxState, key: string): CallRecord | undefined {
	const callId = state.idempotencyKeys.get(key);
	return callId === undefined ? undefined : state.calls.get(callId);
}

/** Cancels a scheduled/queued call; cancelling a cancelled call again succeeds. */
export function cancelCall(state: SandboxState, call: CallRecord): boolean {
	if (call.status === 'cancelled') return true;
	if (!CANCELLABLE.has(call.status)) return false;
	const at = now();
	call.status = 'cancelled';
	call.cancelled_at = at;
	call.updated_at = at;
	call.sandbox.history.push({ status: 'cancelled', at });
	state.scheduler.cancel(state.autoAdvanceTimers.get(call.call_id));
	state.autoAdvanceTimers.delete(call.call_id);
	return true;
}

/** Deletes a completed (connected) call: its PII is erased and clients no longer see it. */
export function deleteCall(call: CallRecord): boolean {
	if (call.status !== 'completed') return false;
	const at = now();
	Object.assign(call, {
		contact_name: null,
		contact_email: null,
		contact_number: null,
		transcript: null,
		call_transcript: null,
		summary: null,
		call_analytics: null,
		recording_url: null,
		updated_at: at,
	});
	call.sandbox.deletedAt = at;
	return true;
}

export function notCancellableMessage(call: CallRecord): string {
	return `Call ${call.call_id} is ${call.status}; only scheduled or queued calls can be cancelled`;
}

export function notDeletableMessage(call: CallRecord): string {
	return `Call ${call.call_id} is ${call.status}; only completed (connected) calls can be deleted`;
}
