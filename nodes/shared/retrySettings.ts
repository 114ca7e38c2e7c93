import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { CallingWindow, RetryPolicy } from './callingWindow';
import { DEFAULT_CALLING_WINDOW, DEFAULT_RETRY_POLICY, DEFAULT_TIME_ZONE } from './callingWindow';
import { isValidTimeZone } from './timeZone';

export const TIME_ZONE_DESCRIPTION =
	'The HuskyVoice organisation’s time zone (IANA name such as Asia/Kolkata or Europe/London): HuskyVoice starts calls only between 09:00 and 20:00 there';

/** The Time Zone field, on its own (Check Calling Window) or inside the Retry collection. */
export const timeZoneField: INodeProperties = {
	displayName: 'Time Zone',
	name: 'timeZone',
	type: 'string',
	default: 'Asia/Kolkata',
	placeholder: 'Asia/Kolkata',
	description: TIME_ZONE_DESCRIPTION,
};

// Defaults are literals (n8n's lint wants them so); they equal DEFAULT_RETRY_POLICY and DEFAULT_TIME_ZONE.

/**
 * The "Retry" settings of a campaign (Get Call, Wait for Outcome, Create with Wait for Outcome,
 * the Trigger): every ended call then carries `retryable`, `next_attempt_at` and `final`.
 */
export const retrySettingsField: INodeProperties = {
	displayName: 'Retry',
	name: 'retry',
	type: 'collection',
	placeholder: 'Add Retry Setting',
	default: {},
	description:
		'How a campaign calls an unreached contact again. Ended calls carry attempt, ending, retryable, next_attempt_at (already inside the calling window) and final, computed from these settings.',
	options: [
		{
			displayName: 'Backoff Factor',
			name: 'backoffFactor',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 2 },
			default: 1,
			description: 'Each further delay is the previous one times this: 1 keeps it the same, 2 doubles it',
		},
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 3,
			description: 'Calls in all, the first included. After the last one, final is true and next_attempt_at is empty.',
		},
		{
			displayName: 'Retry Delay (Minutes)',
			name: 'retryDelayMinutes',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 120,
			description:
				'Minutes after a busy, unanswered or failed call before the next attempt. A time outside 09:00–20:00 moves to the next opening.',
		},
		timeZoneField,
	],
};

export interface RetrySettings {
	retry: RetryPolicy;
	window: CallingWindow;
}

/** A problem with one setting: the field's label and what is wrong. */
export interface SettingProblem {
	field: string;
	problem: string;
}

function numberSetting(
	value: unknown,
	fallback: number,
	field: string,
	check: (n: number) => boolean,
	rule: string,
): number | SettingProblem {
	if (value === undefined || value === null || value === '') return fallback;
	const n = Number(value);
	return Number.isFinite(n) && check(n) ? n : { field, problem: `${rule} but received ${JSON.stringify(value)}` };
}

/** The time zone as given (default Asia/Kolkata), or what is wrong with it. */
export function readTimeZone(value: unknown, field = 'Time Zone'): string | SettingProblem {
	const zone = value === undefined || value === null || String(value).trim() === '' ? DEFAULT_TIME_ZONE : String(value).trim();
	if (isValidTimeZone(zone)) return zone;
	return { field, problem: `must be an IANA time zone such as Asia/Kolkata or Europe/London but received ${JSON.stringify(value)}` };
}

/** Reads the Retry collection; the first bad setting is returned as a problem instead. */
export function readRetrySettings(values: IDataObject): RetrySettings | SettingProblem {
	const retryDelayMinutes = numberSetting(
		values.retryDelayMinutes,
		DEFAULT_RETRY_POLICY.retryDelayMinutes,
		'Retry → Retry Delay (Minutes)',
		(n) => n >= 0,
		'must be 0 or more minutes',
	);
	if (typeof retryDelayMinutes !== 'number') return retryDelayMinutes;
	const backoffFactor = numberSetting(
		values.backoffFactor,
		DEFAULT_RETRY_POLICY.backoffFactor,
		'Retry → Backoff Factor',
		(n) => n >= 1,
		'must be 1 or more',
	);
	if (typeof backoffFactor !== 'number') return backoffFactor;
	const maxAttempts = numberSetting(
		values.maxAttempts,
		DEFAULT_RETRY_POLICY.maxAttempts,
		'Retry → Max Attempts',
		(n) => Number.isInteger(n) && n >= 1,
		'must be a whole number, 1 or more,',
	);
	if (typeof maxAttempts !== 'number') return maxAttempts;
	const timeZone = readTimeZone(values.timeZone, 'Retry → Time Zone');
	if (typeof timeZone !== 'string') return timeZone;
	return {
		retry: { retryDelayMinutes, backoffFactor, maxAttempts },
		window: { ...DEFAULT_CALLING_WINDOW, timeZone },
	};
}

export function isSettingProblem(value: unknown): value is SettingProblem {
	return typeof value === 'object' && value !== null && 'problem' in value && 'field' in value;
}
