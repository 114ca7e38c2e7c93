import { publicCall } from './calls.cjs';
import { callEnvelope } from './events.cjs';
import { emit } from './outbound.cjs';
import type { SandboxState } from './state.cjs';
import type { CallRecord, CallStatus } from './types.cjs';

export const CALL_STATUSES: CallStatus[] = [
	'scheduled',
	'queued',
	'initiated',
	'ringing',
	'in_progress',
	'completed',
	'failed',
	'disallowed',
	'cancelled',
];
const ENDINGS = new Set<CallStatus>(['completed', 'failed', 'disallowed']);
const EVENT_ON_ENTRY: Partial<Record<CallStatus, string>> = {
	initiated: 'call.initiated',
	in_progress: 'call.answered',
	completed: 'call.completed',
	failed: 'call.failed',
	disallowed: 'call.disallowed',
};

/** The natural next stage; a DND/no-credit call is blocked before dialling, a failed one after ringing. */
function nextStatus(status: CallStatus, call: CallRecord): CallStatus | undefined {
	const outcome = call.sandbox.plannedOutcome;
	switch (status) {
		case 'scheduled':
		case 'queued':
			return outcome === 'disallowed' ? 'disallowed' : 'initiated';
		case 'initiated':
			return 'ringing';
		case 'ringing':
			return outcome === 'failed' ? 'failed' : 'in_progress';
		case 'in_progress':
			return 'completed';
		default:
			return undefined;
	}
}

function naturalPath(call: CallRecord, to: CallStatus): CallStatus[] | undefined {
	const path: CallStatus[] = [];
	for (let s = nextStatus(call.status, call); s; s = nextStatus(s, call)) {
		path.push(s);
		if (s === to) return path;
	}
	return undefined;
}

function fillConversation(state: SandboxState, call: CallRecord): void {
	const scripted = call.sandbox.plannedConversation;
	const name = call.contact_name ?? 'there';
	const summary = scripted?.summary ?? `Spoke with ${call.contact_name ?? 'the contact'}; they confirmed the appointment and asked for a reminder the day before.`;
	const turns = [
		{ speaker: 'agent', text: `Hello ${name}, this is Husky calling from the clinic about your appointment.` },
		{ speaker: 'customer', text: 'Yes, hi. I will be there.' },
		{ speaker: 'agent', text: 'Great, shall I send you a reminder the day before?' },
		{ speaker: 'customer', text: 'Yes please.' },
	];
	if (state.config.callDataSpelling === 'call_transcript') {
		call.call_transcript = turns.map((t) => `${t.speaker}: ${t.text}`).join('\n');
	} else {
		call.summary = summary;
		call.transcript = turns;
	}
	call.call_analytics = { summary, next_step: 'Send a reminder one day before the appointment' };
	call.recording_url = `https://recordings.sandbox.huskyvoice.ai/${call.call_id}.mp3`;
	call.duration_seconds = 30 + (parseInt(call.call_id.slice(-4), 16) % 150);
	call.outcome = scripted?.outcome ?? 'confirmed';
}

/** Puts the call into `status` at `at` (sandbox clock, ISO; default now) and emits the stage's event. */
export function enter(state: SandboxState, call: CallRecord, status: CallStatus, at = state.nowIso()): void {
	call.status = status;
	call.updated_at = at;
	call.sandbox.history.push({ status, at });
	if (status === 'completed') fillConversation(state, call);
	if (status === 'failed' || status === 'disallowed') {
		call.error = call.sandbox.plannedError ?? { code: status, message: `Call ${status}` };
	}
	if (ENDINGS.has(status)) call.completed_at = at;
	const eventType = EVENT_ON_ENTRY[status];
	if (eventType) emit(state, eventType, callEnvelope(eventType, publicCall(call)), at);
}

/**
 * Moves a call one stage on, or through the natural stages up to `to`. Asking for an ending the
 * call would not reach by itself (e.g. `failed` for an ordinary number) forces that ending.
 */
export function advanceCall(state: SandboxState, call: CallRecord, to?: CallStatus): { error?: string } {
	if (to === call.status) return {};
	const first = nextStatus(call.status, call);
	if (!first) return { error: `Call ${call.call_id} is ${call.status} and cannot advance` };
	let path = to ? naturalPath(call, to) : [first];
	if (!path && to && ENDINGS.has(to)) {
		call.sandbox.plannedOutcome = to as 'completed' | 'failed' | 'disallowed';
		call.sandbox.plannedError = undefined;
		path = naturalPath(call, to) ?? [to];
	}
	if (!path) return { error: `Call ${call.call_id} is ${call.status} and cannot reach ${to}` };
	stopAutoAdvance(state, call);
	// An admin advance takes the call out of the queue model: it is moved by hand from here on.
	call.sandbox.queueManaged = false;
	call.sandbox.stagesAhead = undefined;
	for (const status of path) enter(state, call, status);
	startAutoAdvance(state, call);
	return {};
}

const WAITING = new Set<CallStatus>(['scheduled', 'queued']);

/**
 * With autoAdvanceMs > 0 the call moves one stage every autoAdvanceMs until it ends; with
 * queuedMs > 0 it first stays scheduled/queued that long (HuskyVoice's queue: calling window, plan
 * concurrency). A clock restart (config change) starts the queued time again.
 */
export function startAutoAdvance(state: SandboxState, call: CallRecord): void {
	const { autoAdvanceMs, queuedMs } = state.config;
	const ms = WAITING.has(call.status) && queuedMs > 0 ? queuedMs : autoAdvanceMs;
	if (call.sandbox.queueManaged) return;
	if (autoAdvanceMs <= 0 || state.autoAdvanceTimers.has(call.call_id) || !nextStatus(call.status, call)) return;
	const timer = state.scheduler.later(ms, () => {
		state.autoAdvanceTimers.delete(call.call_id);
		if (state.calls.get(call.call_id) === call) advanceCall(state, call);
	});
	state.autoAdvanceTimers.set(call.call_id, timer);
}

export function stopAutoAdvance(state: SandboxState, call: CallRecord): void {
	state.scheduler.cancel(state.autoAdvanceTimers.get(call.call_id));
	state.autoAdvanceTimers.delete(call.call_id);
}

/** After autoAdvanceMs changes: restart every running call's clock with the new period. */
export function restartAutoAdvance(state: SandboxState): void {
	for (const call of state.calls.values()) {
		stopAutoAdvance(state, call);
		startAutoAdvance(state, call);
	}
}
