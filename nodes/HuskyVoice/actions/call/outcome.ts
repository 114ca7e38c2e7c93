import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

type Show = NonNullable<IDisplayOptions['show']>;
import { ToOutput } from '../../../shared/runItems';
import { simplifyCall } from '../../../shared/simplifyCall';
import { fieldError } from '../../../shared/validation';
import type { CallWaitResult } from '../../../shared/waitForCall';
import { waitForCallEnd } from '../../../shared/waitForCall';
import { callNotFound } from './callId';
import { retrySettingsOf, startsAfterOf, withCampaignFields } from './campaign';

/** The node's outputs while it waits for an outcome, in this order. */
export const OUTCOME_OUTPUTS = ['Completed', 'Not Reached', 'Timed Out'];

const UNIT_MS: Record<string, number> = { seconds: 1_000, minutes: 60_000, hours: 3_600_000 };
/** A waiting item holds its execution; two days is beyond any queue HuskyVoice documents. */
const MAX_TIME_LIMIT_MS = 48 * 3_600_000;

/** Simplify: on for nodes added from version 1.1, off (HuskyVoice's answer as it came) for version 1 nodes. */
const simplifyDescription =
	'Whether to return one flat call (call_id, status, outcome, summary, next_step, transcript, transcript_turns, recording_url, duration_seconds, agent_id, contact_number, additional_info, ended_at, reason) whichever field names HuskyVoice used, instead of its answer as it came';

export function simplifyFields(show: Show): INodeProperties[] {
	return [
		{
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: false,
			description: simplifyDescription,
			displayOptions: { show: { ...show, '@version': [1] } },
		},
		{
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: true,
			description: simplifyDescription,
			displayOptions: { show: { ...show, '@version': [1.1] } },
		},
	];
}

export function timeLimitFields(show: Show): INodeProperties[] {
	return [
		{
			displayName:
				'The item waits inside this execution until the call ends (it holds the execution, and in queue mode a worker slot, meanwhile). For waits of many hours use a HuskyVoice Trigger workflow on call.completed instead.',
			name: 'waitNotice',
			type: 'notice',
			default: '',
			displayOptions: { show },
		},
		{
			displayName: 'Time Limit',
			name: 'timeLimit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 15,
			description:
				'How long to wait for the call to end before the item goes to the Timed Out output with the last known status and timed_out_reason. Calls beyond the plan’s concurrency wait in HuskyVoice’s queue first; a call queued until the calling window (09:00–20:00) opens after the time limit goes to Timed Out at once, with starts_after.',
			displayOptions: { show },
		},
		{
			displayName: 'Time Limit Unit',
			name: 'timeLimitUnit',
			type: 'options',
			options: [
				{ name: 'Seconds', value: 'seconds' },
				{ name: 'Minutes', value: 'minutes' },
				{ name: 'Hours', value: 'hours' },
			],
			default: 'minutes',
			displayOptions: { show },
		},
	];
}

function timeLimitMsOf(context: IExecuteFunctions, itemIndex: number): number {
	const amount = Number(context.getNodeParameter('timeLimit', itemIndex, 15));
	const unit = String(context.getNodeParameter('timeLimitUnit', itemIndex, 'minutes'));
	const ms = amount * (UNIT_MS[unit] ?? Number.NaN);
	if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_TIME_LIMIT_MS) {
		throw fieldError(
			{ node: context.getNode(), itemIndex },
			'Time Limit',
			`must be more than 0 and at most 48 hours but received ${amount} ${unit}`,
		);
	}
	return ms;
}

function outputFor(result: CallWaitResult): number {
	if (!result.ended) return 2;
	return result.call.status === 'completed' ? 0 : 1;
}

function timedOutReason(call: IDataObject, startsAfter: string | null, timeZone: string): string {
	if (startsAfter !== null) {
		return `The call waits in HuskyVoice’s queue until the calling window opens at ${startsAfter} (09:00 ${timeZone}), after the time limit. Follow it with a HuskyVoice Trigger on call.completed, or Get Call after starts_after.`;
	}
	const status = typeof call.status === 'string' ? call.status : 'unknown';
	if (['scheduled', 'queued'].includes(status)) {
		return 'The call was still waiting in HuskyVoice’s queue (calls beyond the plan’s concurrency start in turn) when the time limit ended';
	}
	return `The call was still ${status} when the time limit ended`;
}

/**
 * Waits for the call's end and routes the item: Completed, Not Reached (failed, disallowed,
 * cancelled — with the reason) or Timed Out (with the last known status, the call ID and why).
 * Every item carries the campaign fields (attempt, ending, retryable, next_attempt_at, final).
 */
export async function waitAndRoute(
	context: IExecuteFunctions,
	itemIndex: number,
	call: { callId: string; segment: string; known?: IDataObject; extra?: IDataObject },
): Promise<ToOutput> {
	const timeLimitMs = timeLimitMsOf(context, itemIndex);
	const simplify = context.getNodeParameter('simplify', itemIndex, false) === true;
	const settings = retrySettingsOf(context, itemIndex);
	const result = await waitForCallEnd.call(context, {
		callId: call.callId,
		segment: call.segment,
		itemIndex,
		timeLimitMs,
		known: call.known,
		notFoundMessage: callNotFound(call.callId),
		// Queued until a window that opens after the time limit: no point holding the execution.
		hopeless: (seen, deadline) => {
			const startsAfter = startsAfterOf(seen, settings.window, Date.now());
			return startsAfter !== null && Date.parse(startsAfter) > deadline;
		},
	});
	const now = Date.now();
	const shaped = simplify ? simplifyCall(result.call) : result.call;
	const json = withCampaignFields(result.call, { ...shaped, ...call.extra }, settings, now);
	if (!result.ended) {
		json.timed_out = true;
		json.waited_seconds = Math.round(result.waitedMs / 1000);
		json.timed_out_reason = timedOutReason(result.call, startsAfterOf(result.call, settings.window, now), settings.window.timeZone);
	}
	return new ToOutput(outputFor(result), json);
}
