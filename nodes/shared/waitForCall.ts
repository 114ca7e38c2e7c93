import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';
import { listenForCallEnd } from './callEvents';
import { reservePollSlot } from './pollBudget';
import { FINAL_CALL_STATUSES, QUEUED_CALL_STATUSES } from './simplifyCall';
import { huskyVoiceApiRequest, pacingKeyOf, unwrapData } from './transport';

export const POLL_INTERVALS = {
	/** Between two polls of one call while it is live (initiated, ringing, in progress). */
	liveMs: 4_000,
	/** Between two polls of one call while it waits in HuskyVoice's queue (calling window, concurrency). */
	queuedMs: 30_000,
	/**
	 * A call polled and found hopeless (queued until a calling window that opens after the time
	 * limit) ends the wait no sooner than this after it began: a queue that is about to let the
	 * call through (or a clock that differs from HuskyVoice's by a little) gets one slow poll first.
	 */
	hopelessAfterMs: 30_000,
};
/** Longest single sleep: a wait ended by the Trigger leaves no timer running longer than this. */
const PAUSE_STEP_MS = 1_000;

/** Sleeps until `until`, or less when the Trigger announces the call's end (then returns that call). */
async function pauseUntil(until: number, ended: Promise<IDataObject>): Promise<IDataObject | undefined> {
	for (let now = Date.now(); now < until; now = Date.now()) {
		const step = sleep(Math.min(PAUSE_STEP_MS, until - now)).then(() => undefined);
		const announced = await Promise.race([step, ended]);
		if (announced && isFinalCall(announced)) return announced;
	}
	return undefined;
}

export function isFinalCall(call: IDataObject | undefined): boolean {
	return typeof call?.status === 'string' && FINAL_CALL_STATUSES.includes(call.status);
}

function isQueued(call: IDataObject): boolean {
	return typeof call.status === 'string' && QUEUED_CALL_STATUSES.includes(call.status);
}

/** A new call often starts within seconds: the first poll comes soon; a call seen queued is polled slowly. */
function pollIntervalFor(call: IDataObject, seenQueued: boolean): number {
	return isQueued(call) && seenQueued ? POLL_INTERVALS.queuedMs : POLL_INTERVALS.liveMs;
}

/** A 429, a 5xx or no answer (after the transport's own retries) is waited out; anything else ends the wait. */
function isTransient(error: NodeApiError): boolean {
	const code = error.httpCode;
	return !code || code === '429' || code.startsWith('5');
}

export interface CallWait {
	callId: string;
	/** The call id as a safe path segment. */
	segment: string;
	itemIndex: number;
	timeLimitMs: number;
	/** The call as already known (e.g. Create's answer): the first poll waits one interval. */
	known?: IDataObject;
	notFoundMessage: string;
	/**
	 * Whether waiting on is pointless for this call as last polled (e.g. queued until the calling
	 * window opens after the time limit): the wait then ends, not ended (see hopelessAfterMs).
	 */
	hopeless?: (call: IDataObject, deadline: number) => boolean;
}

export interface CallWaitResult {
	ended: boolean;
	call: IDataObject;
	waitedMs: number;
	/** The end came from a HuskyVoice Trigger in this n8n process, before the next poll. */
	viaTrigger: boolean;
}

/**
 * Waits until the call reaches a final state or the time limit passes, by polling GET /calls/{id}
 * through the shared transport (pacing, retries) at a pace that adapts to the call's state and to
 * how many items of the credential wait; a Trigger in this process can end the wait earlier.
 */
export async function waitForCallEnd(this: IExecuteFunctions, wait: CallWait): Promise<CallWaitResult> {
	const key = await pacingKeyOf(this);
	const startedAt = Date.now();
	const deadline = startedAt + wait.timeLimitMs;
	const listener = listenForCallEnd(wait.callId);
	let call: IDataObject = wait.known ?? { call_id: wait.callId };
	let lastPollAt = wait.known ? startedAt : -Infinity;
	let seenQueued = false;
	const result = (ended: boolean, viaTrigger = false): CallWaitResult => ({
		ended,
		call,
		waitedMs: Date.now() - startedAt,
		viaTrigger,
	});
	const hopeless = () =>
		Date.now() - startedAt >= POLL_INTERVALS.hopelessAfterMs && wait.hopeless?.(call, deadline) === true;
	try {
		if (isFinalCall(call)) return result(true);
		for (;;) {
			const due = Math.min(lastPollAt + pollIntervalFor(call, seenQueued), deadline);
			// The poll at the time limit itself is not spaced: it gives the last status at once.
			const announced =
				(await pauseUntil(due, listener.ended)) ??
				(await pauseUntil(Math.min(reservePollSlot(key), deadline), listener.ended));
			if (announced) {
				call = { ...call, ...announced };
				return result(true, true);
			}
			let failure: NodeApiError | undefined;
			try {
				const response = await huskyVoiceApiRequest.call(this, {
					method: 'GET',
					path: `/calls/${wait.segment}`,
					itemIndex: wait.itemIndex,
					messages: { 404: wait.notFoundMessage },
				});
				call = unwrapData(response);
				seenQueued = isQueued(call);
			} catch (error) {
				// The transport throws NodeApiErrors, each already tied to its item.
				const apiError =
					error instanceof NodeApiError
						? error
						: new NodeApiError(this.getNode(), {}, { itemIndex: wait.itemIndex, message: String(error) });
				if (!(error instanceof NodeApiError) || !isTransient(apiError)) failure = apiError;
			}
			if (failure) throw failure;
			lastPollAt = Date.now();
			if (isFinalCall(call)) return result(true);
			if (lastPollAt >= deadline || hopeless()) return result(false);
		}
	} finally {
		listener.stop();
	}
}
