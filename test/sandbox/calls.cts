import { randomHex, type SandboxState } from './state.cjs';
import type { CallError, CallOutcome, CallRecord, ScriptedEnding } from './types.cjs';
import type { CallInput } from './validation.cjs';

const CANCELLABLE = new Set(['scheduled', 'queued']);

interface PlannedOutcome {
	outcome: CallOutcome;
	error?: CallError;
	conversation?: { outcome?: string; summary?: string };
}

/** What each scripted ending becomes: the call's final status and HuskyVoice's error. */
const SCRIPTED: Record<ScriptedEnding, { outcome: CallOutcome; error?: CallError }> = {
	completed: { outcome: 'completed' },
	busy: { outcome: 'failed', error: { code: 'busy', message: 'The line was busy' } },
	no_answer: { outcome: 'failed', error: { code: 'no_answer', message: 'The contact did not answer' } },
	failed: { outcome: 'failed', error: { code: 'network_error', message: 'The call dropped because of a network error' } },
	invalid_number: { outcome: 'failed', error: { code: 'invalid_number', message: 'The number does not exist' } },
	dnd: { outcome: 'disallowed', error: { code: 'dnd_registered', message: 'The number is on the Do Not Disturb registry' } },
	blocked: { outcome: 'disallowed', error: { code: 'number_blocked', message: 'The number is blocked for this organisation' } },
	no_credits: { outcome: 'disallowed', error: { code: 'insufficient_credits', message: 'The account has no call credits left' } },
};

export const SCRIPTED_ENDINGS = Object.keys(SCRIPTED) as ScriptedEnding[];

/** The attempt a call says it is (`additional_info.attempt`), else the count of earlier calls to the number + 1. */
function attemptOf(state: SandboxState, input: CallInput): number {
	const given = Number(input.additional_info?.attempt);
	if (Number.isInteger(given) && given >= 1) return given;
	let earlier = 0;
	for (const call of state.calls.values()) if (call.sandbox.contact === input.contact_number) earlier++;
	return earlier + 1;
}

/**
 * How the call will end, decided when it is placed: no credits → disallowed; a scripted number →
 * its script's entry for this attempt (the last entry repeats); else number ending 0000 →
 * disallowed (DND), ending 1111 → failed (no answer), anything else completed.
 */
function planOutcome(state: SandboxState, contactNumber: string, attempt: number): PlannedOutcome {
	const { credits } = state.config;
	if (credits !== undefined && credits <= 0) return SCRIPTED.no_credits;
	const script = state.scripts.get(contactNumber);
	if (script && script.length > 0) {
		const entry = script[Math.min(attempt, script.length) - 1];
		return { ...SCRIPTED[entry.ending], conversation: { outcome: entry.outcome, summary: entry.summary } };
	}
	if (contactNumber.endsWith('0000')) return SCRIPTED.dnd;
	if (contactNumber.endsWith('1111')) return SCRIPTED.no_answer;
	return { outcome: 'completed' };
}

export function createCall(
	state: SandboxState,
	input: CallInput,
	source: 'api' | 'inbound',
	idempotencyKey?: string,
): CallRecord {
	const at = state.nowIso();
	const attempt = attemptOf(state, input);
	const plan = planOutcome(state, input.contact_number, attempt);
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
			plannedConversation: plan.conversation,
			history: [{ status, at }],
			contact: input.contact_number,
			attempt,
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
	const at = state.nowIso();
	call.status = 'cancelled';
	call.cancelled_at = at;
	call.updated_at = at;
	call.sandbox.history.push({ status: 'cancelled', at });
	state.scheduler.cancel(state.autoAdvanceTimers.get(call.call_id));
	state.autoAdvanceTimers.delete(call.call_id);
	return true;
}

/** Deletes a completed (connected) call: its PII is erased and clients no longer see it. */
export function deleteCall(state: SandboxState, call: CallRecord): boolean {
	if (call.status !== 'completed') return false;
	const at = state.nowIso();
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

/** Trial accounts cannot place calls (contract §10: plans; the code and wording are the sandbox's). */
export const TRIAL_REFUSAL = {
	code: 'plan_not_allowed',
	message: 'Trial plans cannot place calls through the API; upgrade to Base, Professional or Enterprise',
};
