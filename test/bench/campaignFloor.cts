/**
 * The floor of a call campaign: how long HuskyVoice itself needs for it when every line is refilled
 * the instant it frees — the same contacts and endings, the plan's concurrency, the call length,
 * 10 starts a minute, the calling window, and each retry at its next_attempt_at. Pure: the
 * campaign bench divides the measured campaign time by this.
 */
import { firstMomentInsideWindow, nextAttemptAt, type CallingWindow, type RetryPolicy } from '../../nodes/shared/callingWindow';

export interface FloorInput {
	/** Per contact, how each attempt ends (`completed`, `busy`, `no_answer`, `failed`, `dnd`, `blocked`, …). */
	scripts: string[][];
	startMs: number;
	concurrency: number;
	callMs: number;
	startsPerMinute: number;
	window: CallingWindow;
	retry: RetryPolicy;
}

/** Endings HuskyVoice never dials (the sandbox's `disallowed`): they take no line and no start. */
const NOT_DIALLED = new Set(['dnd', 'blocked', 'no_credits']);
const RETRYABLE = new Set(['busy', 'no_answer', 'failed']);

/** When the last call of the campaign ends (ms), on an ideal dispatcher (earliest-due first, earliest-free line). */
export function idealCampaignEndMs(input: FloorInput): number {
	const lines = Array.from({ length: input.concurrency }, () => input.startMs);
	const starts: number[] = [];
	const pending = input.scripts.map((script, index) => ({ index, script, attempt: 1, due: input.startMs }));
	let end = input.startMs;
	while (pending.length > 0) {
		pending.sort((a, b) => a.due - b.due || a.index - b.index);
		const contact = pending.shift()!;
		const ending = contact.script[contact.attempt - 1] ?? 'completed';
		const paced = starts.length >= input.startsPerMinute ? starts[starts.length - input.startsPerMinute] + 60_000 : -Infinity;
		if (NOT_DIALLED.has(ending)) {
			// refused when it would start: inside the window, no line taken
			end = Math.max(end, firstMomentInsideWindow(contact.due, input.window).getTime());
			continue;
		}
		lines.sort((a, b) => a - b);
		const startAt = firstMomentInsideWindow(Math.max(lines[0], contact.due, paced), input.window).getTime();
		const endedAt = startAt + input.callMs;
		lines[0] = endedAt;
		starts.push(startAt);
		end = Math.max(end, endedAt);
		if (RETRYABLE.has(ending) && contact.attempt < input.retry.maxAttempts) {
			pending.push({ ...contact, attempt: contact.attempt + 1, due: nextAttemptAt({ endedAt, attempt: contact.attempt, retry: input.retry, window: input.window }).getTime() });
		}
	}
	return end;
}
