import type { IDataObject } from 'n8n-workflow';
import type { CallingWindow, RetryPolicy } from './callingWindow';
import { nextAttemptAt } from './callingWindow';
import { FINAL_CALL_STATUSES } from './simplifyCall';
import { isObject } from './validation';

/**
 * How a call ended, as one short machine word a campaign can branch on. HuskyVoice's documented
 * endings (contract §2, §10): `failed` (busy, no answer), `disallowed` (DND, credits, policy),
 * `cancelled`, `completed`; the error codes are not documented, so they are read by keyword.
 */
export type CallEnding =
	| 'completed'
	| 'busy'
	| 'no_answer'
	| 'failed'
	| 'dnd'
	| 'blocked'
	| 'invalid_number'
	| 'no_credits'
	| 'cancelled';

/** Calling again later can reach the person: the line was busy, nobody answered, or the call broke. */
const RETRYABLE = new Set<CallEnding>(['busy', 'no_answer', 'failed']);

/** Keyword → ending, first match wins; read from the error's code, then its message. */
const KEYWORDS: Array<[RegExp, CallEnding]> = [
	[/dnd|do[\s_-]*not[\s_-]*disturb|ndnc/, 'dnd'],
	[/credit|balance|quota/, 'no_credits'],
	[/invalid|not[\s_-]*exist|unallocated|wrong[\s_-]*number/, 'invalid_number'],
	[/busy/, 'busy'],
	[/answer|no[\s_-]*response|unanswered|timeout|timed[\s_-]*out/, 'no_answer'],
	[/block|policy|blacklist|barred|forbidden|not[\s_-]*allowed/, 'blocked'],
];

function errorTexts(call: IDataObject): string[] {
	const error = call.error;
	const texts = isObject(error) ? [error.code, error.message] : [error];
	texts.push(call.reason, call.failure_reason, call.error_code);
	return texts.filter((t): t is string => typeof t === 'string' && t !== '').map((t) => t.toLowerCase());
}

/** The ending of a call in a final state; null while it has not ended. */
export function endingOf(call: IDataObject): CallEnding | null {
	const status = typeof call.status === 'string' ? call.status : '';
	if (!FINAL_CALL_STATUSES.includes(status)) return null;
	if (status === 'completed') return 'completed';
	if (status === 'cancelled') return 'cancelled';
	for (const text of errorTexts(call)) {
		for (const [pattern, ending] of KEYWORDS) if (pattern.test(text)) return ending;
	}
	// Without a recognisable reason: a failed call is a technical failure, a disallowed one a policy block.
	return status === 'failed' ? 'failed' : 'blocked';
}

export function isRetryableEnding(ending: CallEnding): boolean {
	return RETRYABLE.has(ending);
}

/** The call's attempt number, from `additional_info.attempt` (the node's Attempt field); 1 when absent. */
export function attemptOf(call: IDataObject): number {
	const info = isObject(call.additional_info) ? call.additional_info : {};
	const attempt = Number(info.attempt);
	return Number.isInteger(attempt) && attempt >= 1 ? attempt : 1;
}

function endedAtOf(call: IDataObject, fallback: number): number {
	for (const value of [call.ended_at, call.completed_at, call.cancelled_at, call.updated_at]) {
		const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
		if (Number.isFinite(t)) return t;
	}
	return fallback;
}

export interface CampaignFields extends IDataObject {
	attempt: number;
	ending: CallEnding | null;
	/** null while the call has not ended. */
	retryable: boolean | null;
	next_attempt_at: string | null;
	final: boolean;
}

/**
 * What a campaign needs to know about a call: which attempt it was, how it ended, whether to call
 * again and when (the first moment after the retry delay inside the calling window), and whether
 * this was the last attempt. `now` stands in for the end time when the call carries none.
 */
export function campaignFieldsOf(
	call: IDataObject,
	settings: { retry: RetryPolicy; window: CallingWindow; now: number },
): CampaignFields {
	const attempt = attemptOf(call);
	const ending = endingOf(call);
	if (ending === null) return { attempt, ending, retryable: null, next_attempt_at: null, final: false };
	const retryable = isRetryableEnding(ending);
	const final = !retryable || attempt >= settings.retry.maxAttempts;
	const next = final
		? null
		: nextAttemptAt({ endedAt: endedAtOf(call, settings.now), attempt, retry: settings.retry, window: settings.window });
	return { attempt, ending, retryable, next_attempt_at: next ? next.toISOString() : null, final };
}
