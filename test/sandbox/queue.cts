import { firstMomentInsideWindow, type CallingWindow } from '../../nodes/shared/callingWindow';
import { enter, startAutoAdvance } from './lifecycle.cjs';
import type { SandboxState } from './state.cjs';
import type { CallRecord, CallStatus, Plan, SandboxConfig } from './types.cjs';

/**
 * HuskyVoice's queue (contract §10), on when a plan is set: calls beyond the plan's concurrency
 * wait and start in turn (oldest first), at most `startsPerMinute` start in any minute, and only
 * inside the calling window; a call still queued when the window closes waits for the next day.
 * It runs on the sandbox clock as a discrete-event simulation: whenever it runs (a new call, a
 * request, a timer, a clock jump), everything due up to "now" happens in time order, stamped with
 * the sandbox time it was due — so a jump over the night plays out the evening's last starts
 * and the calls' ends as they would have happened.
 */

const PLAN_CONCURRENCY: Record<Exclude<Plan, 'enterprise'>, number> = { trial: 0, base: 1, professional: 4 };
const ENTERPRISE_DEFAULT_CONCURRENCY = 10;
/** Longest real wait between two runs while calls are queued or live: notices clock jumps of a timestamp file. */
const MAX_TICK_MS = 250;
const MINUTE_MS = 60_000;
const WAITING = new Set<CallStatus>(['scheduled', 'queued']);

export function concurrencyOf(config: SandboxConfig): number {
	if (config.plan === undefined) return Number.POSITIVE_INFINITY;
	if (config.plan === 'enterprise') return config.concurrency ?? ENTERPRISE_DEFAULT_CONCURRENCY;
	return PLAN_CONCURRENCY[config.plan];
}

export function callingWindowOf(config: SandboxConfig): CallingWindow {
	return { timeZone: config.timeZone, ...config.callingWindow };
}

export function queueModelOn(state: SandboxState): boolean {
	return state.config.plan !== undefined;
}

/** A new call: the queue takes it when a plan is set, else it advances as before (auto-advance). */
export function startCallProgress(state: SandboxState, call: CallRecord): void {
	if (!queueModelOn(state)) {
		startAutoAdvance(state, call);
		return;
	}
	call.sandbox.queueManaged = true;
	runQueue(state);
}

const ms = (iso: string) => Date.parse(iso);

/** The stages of a call the queue starts dialling at `t`; a blocked call (DND, credits) is never dialled. */
function stagesFrom(call: CallRecord, t: number, durationMs: number): Array<{ status: CallStatus; at: number }> {
	switch (call.sandbox.plannedOutcome) {
		case 'disallowed':
			return [{ status: 'disallowed', at: t }];
		case 'failed':
			return [
				{ status: 'initiated', at: t },
				{ status: 'ringing', at: t + Math.round(durationMs / 4) },
				{ status: 'failed', at: t + durationMs },
			];
		default:
			return [
				{ status: 'initiated', at: t },
				{ status: 'ringing', at: t + Math.round(durationMs / 4) },
				{ status: 'in_progress', at: t + Math.round(durationMs / 2) },
				{ status: 'completed', at: t + durationMs },
			];
	}
}

function managedCalls(state: SandboxState): { queued: CallRecord[]; live: CallRecord[] } {
	const queued: CallRecord[] = [];
	const live: CallRecord[] = [];
	for (const call of state.calls.values()) {
		if (!call.sandbox.queueManaged) continue;
		if (call.sandbox.stagesAhead?.length) live.push(call);
		else if (WAITING.has(call.status) && !call.sandbox.startedAt) queued.push(call);
	}
	// Map order is creation order; equal created_at keeps it (sort is stable).
	queued.sort((a, b) => ms(a.created_at) - ms(b.created_at));
	return { queued, live };
}

/** Calls being dialled or talking: started, not ended (a blocked call never counts). */
function dialledCount(live: CallRecord[]): number {
	return live.filter((c) => c.sandbox.plannedOutcome !== 'disallowed').length;
}

/** The earliest a start may happen by the pacing rule: the start `startsPerMinute` back + 1 minute. */
function pacingFreeAt(state: SandboxState): number {
	const perMinute = state.config.startsPerMinute;
	const starts = state.callStarts;
	return starts.length < perMinute ? Number.NEGATIVE_INFINITY : ms(starts[starts.length - perMinute].at) + MINUTE_MS;
}

function nextStageAt(live: CallRecord[]): { call?: CallRecord; at: number } {
	let next: { call?: CallRecord; at: number } = { at: Number.POSITIVE_INFINITY };
	for (const call of live) {
		const at = call.sandbox.stagesAhead![0].at;
		if (at < next.at) next = { call, at };
	}
	return next;
}

function startCall(state: SandboxState, call: CallRecord, t: number, live: CallRecord[]): void {
	const at = new Date(t).toISOString();
	call.sandbox.startedAt = at;
	call.sandbox.stagesAhead = stagesFrom(call, t, state.config.callDurationMs);
	live.push(call);
	if (call.sandbox.plannedOutcome !== 'disallowed') {
		state.callStarts.push({
			call_id: call.call_id,
			contact_number: call.sandbox.contact,
			attempt: call.sandbox.attempt,
			at,
			in_flight: dialledCount(live),
		});
	}
}

function applyStage(state: SandboxState, call: CallRecord, live: CallRecord[]): void {
	const stage = call.sandbox.stagesAhead!.shift()!;
	enter(state, call, stage.status, new Date(stage.at).toISOString());
	if (call.sandbox.stagesAhead!.length === 0) live.splice(live.indexOf(call), 1);
}

/** Plays everything due up to the sandbox's now, then sets the next wake-up. Cheap when idle. */
export function runQueue(state: SandboxState): void {
	if (!queueModelOn(state)) return;
	const now = state.clock.nowMs();
	const { queued, live } = managedCalls(state);
	const window = callingWindowOf(state.config);
	const concurrency = concurrencyOf(state.config);
	// The simulation never goes back before the last thing it did (a slot freed at 20:05 must not
	// let a call queued at 19:50 start at 19:50 on the next run).
	let cursor = state.queueCursor;
	for (;;) {
		const stage = nextStageAt(live);
		let startAt = Number.POSITIVE_INFINITY;
		const head = queued[0];
		if (head && dialledCount(live) < concurrency) {
			const earliest = Math.max(ms(head.created_at), pacingFreeAt(state), cursor);
			startAt = firstMomentInsideWindow(earliest, window).getTime();
		}
		const t = Math.min(stage.at, startAt);
		if (!Number.isFinite(t) || t > now) break;
		cursor = t;
		if (stage.call && stage.at <= startAt) applyStage(state, stage.call, live);
		else startCall(state, queued.shift()!, t, live);
	}
	state.queueCursor = cursor;
	scheduleNextRun(state, queued.length + live.length > 0);
}

function scheduleNextRun(state: SandboxState, pending: boolean): void {
	state.scheduler.cancel(state.queueTimer);
	state.queueTimer = undefined;
	if (!pending) return;
	state.queueTimer = state.scheduler.later(MAX_TICK_MS, () => {
		state.queueTimer = undefined;
		runQueue(state);
	});
}

/** What the queue did, for the admin API: calls per contact and attempt, starts, the most in flight. */
export function queueReport(state: SandboxState) {
	runQueue(state);
	const { queued, live } = managedCalls(state);
	const perContactAttempt: Record<string, number> = {};
	for (const call of state.calls.values()) {
		const key = `${call.sandbox.contact}#${call.sandbox.attempt}`;
		perContactAttempt[key] = (perContactAttempt[key] ?? 0) + 1;
	}
	const duplicates = Object.entries(perContactAttempt)
		.filter(([, count]) => count > 1)
		.map(([key, calls]) => ({ contact_number: key.split('#')[0], attempt: Number(key.split('#')[1]), calls }));
	return {
		now: state.nowIso(),
		plan: state.config.plan ?? null,
		concurrency: Number.isFinite(concurrencyOf(state.config)) ? concurrencyOf(state.config) : null,
		starts_per_minute: state.config.startsPerMinute,
		time_zone: state.config.timeZone,
		calling_window: state.config.callingWindow,
		call_duration_ms: state.config.callDurationMs,
		queued: queued.map((c) => c.call_id),
		in_flight: live.filter((c) => c.sandbox.plannedOutcome !== 'disallowed').map((c) => c.call_id),
		max_in_flight: state.callStarts.reduce((max, s) => Math.max(max, s.in_flight), 0),
		starts: state.callStarts,
		calls_per_contact_attempt: perContactAttempt,
		duplicates,
	};
}
