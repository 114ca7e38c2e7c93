import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { campaignFieldsOf } from '../../../shared/callEnding';
import type { CallingWindow } from '../../../shared/callingWindow';
import { callingWindowAt } from '../../../shared/callingWindow';
import type { RetrySettings } from '../../../shared/retrySettings';
import { isSettingProblem, readRetrySettings } from '../../../shared/retrySettings';
import { QUEUED_CALL_STATUSES } from '../../../shared/simplifyCall';
import { fieldError } from '../../../shared/validation';

/** The Retry collection of this item, checked; a bad setting names its field and the item. */
export function retrySettingsOf(context: IExecuteFunctions, itemIndex: number): RetrySettings {
	const settings = readRetrySettings(context.getNodeParameter('retry', itemIndex, {}) as IDataObject);
	if (isSettingProblem(settings)) {
		throw fieldError({ node: context.getNode(), itemIndex }, settings.field, settings.problem);
	}
	return settings;
}

function isQueued(call: IDataObject): boolean {
	return typeof call.status === 'string' && QUEUED_CALL_STATUSES.includes(call.status);
}

/**
 * When HuskyVoice will start a call that waits in its queue outside the calling window: the
 * window's next opening (ISO UTC); null when the call is not queued or the window is open.
 */
export function startsAfterOf(call: IDataObject, window: CallingWindow, now: number): string | null {
	if (!isQueued(call)) return null;
	const state = callingWindowAt(now, window);
	return state.open ? null : state.opensAt.toISOString();
}

/**
 * The item for a call: HuskyVoice's answer (or its simplified form) plus what a campaign needs —
 * attempt, ending, retryable, next_attempt_at, final — and starts_after for a call still queued
 * outside the calling window.
 */
export function withCampaignFields(
	call: IDataObject,
	json: IDataObject,
	settings: RetrySettings,
	now: number,
): IDataObject {
	const out: IDataObject = { ...json, ...campaignFieldsOf(call, { ...settings, now }) };
	const startsAfter = startsAfterOf(call, settings.window, now);
	if (startsAfter !== null) out.starts_after = startsAfter;
	return out;
}
