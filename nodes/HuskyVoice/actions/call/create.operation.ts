import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { callCreateFields, readCallCreateBody } from '../../../shared/callFields';
import { DEFAULT_TIMEOUT_MS, huskyVoiceApiRequest, unwrapData } from '../../../shared/transport';
import type { ToOutput } from '../../../shared/runItems';
import { MAX_ADDITIONAL_INFO_KEYS } from '../../../shared/constants';
import { retrySettingsField } from '../../../shared/retrySettings';
import { fieldError, requirePathId } from '../../../shared/validation';
import { idempotencyKeyFor } from '../../helpers/idempotencyKey';
import { retrySettingsOf, startsAfterOf } from './campaign';
import { simplifyFields, timeLimitFields, waitAndRoute } from './outcome';

const waitShow = { resource: ['call'], operation: ['create'], waitForOutcome: [true] };

const properties: INodeProperties[] = [
	...callCreateFields,
	{
		displayName: 'Attempt',
		name: 'attempt',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1,
		description:
			'Which attempt at reaching this contact the call is (1 = the first call; in a campaign, an expression that reads the contact row’s attempt). Part of the default idempotency key: attempt 2 is a new call, running attempt 2 again is not. Sent as additional_info.attempt from attempt 2 on.',
	},
	{
		displayName: 'Wait for Outcome',
		name: 'waitForOutcome',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until the call has ended and send each item to the Completed, Not Reached or Timed Out output',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Campaign ID',
				name: 'campaignId',
				type: 'string',
				default: '',
				placeholder: 'e.g. june-reminders',
				description:
					'Name of the campaign this call belongs to, sent as additional_info.campaign_id. With it the default idempotency key is one call per campaign, call details and attempt — on any day, from any workflow.',
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				placeholder: 'e.g. order-4711-reminder',
				description:
					'HuskyVoice places at most one call per key. Leave empty for a key derived from this workflow, this node, today’s date (UTC) and the call details with the attempt: retrying a failed execution then never calls anyone twice, but two identical items on the same day become one call. From attempt 2 on, or with a Campaign ID, the date is left out, so running an attempt again after midnight UTC is still one call.',
				hint: 'To place every item even when two are identical, use an expression such as {{ $execution.id }}-{{ $itemIndex }}',
			},
			{
				displayName: 'Timeout',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_TIMEOUT_MS,
				description:
					'Milliseconds to wait for HuskyVoice to answer one attempt. A request that times out is retried with the same idempotency key, so it never places a second call.',
			},
		],
	},
];

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { resource: ['call'], operation: ['create'] } }, [...properties, retrySettingsField]),
	...timeLimitFields(waitShow),
	...simplifyFields(waitShow),
];

/** Printable ASCII only, as it travels as an HTTP header; the contract names no length, 255 is our bound. */
const KEY_PATTERN = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;

/** Attempt: a whole number, 1 or more (default 1). */
function attemptOf(context: IExecuteFunctions, itemIndex: number): number {
	const value = context.getNodeParameter('attempt', itemIndex, 1);
	const attempt = value === '' || value === null || value === undefined ? 1 : Number(value);
	if (!Number.isInteger(attempt) || attempt < 1) {
		throw fieldError(
			{ node: context.getNode(), itemIndex },
			'Attempt',
			`must be a whole number, 1 or more, but received ${JSON.stringify(value)}`,
			'In a campaign, set it to the contact row’s attempt, e.g. {{ $json.attempt }}; the first call is 1',
		);
	}
	return attempt;
}

/**
 * The body with the campaign's additional_info: `attempt` from attempt 2 on (attempt 1 leaves the
 * body, and so the default key, exactly as before the field existed) and `campaign_id`.
 */
function withCampaignInfo(
	context: IExecuteFunctions,
	itemIndex: number,
	body: IDataObject,
	attempt: number,
	campaignId: string,
): IDataObject {
	const info: IDataObject = { ...(body.additional_info as IDataObject | undefined) };
	if (attempt > 1) info.attempt = attempt;
	if (campaignId !== '') info.campaign_id = campaignId;
	if (Object.keys(info).length > MAX_ADDITIONAL_INFO_KEYS) {
		throw fieldError(
			{ node: context.getNode(), itemIndex },
			'Additional Info',
			`has ${Object.keys(info).length} keys with attempt and campaign_id; HuskyVoice accepts at most ${MAX_ADDITIONAL_INFO_KEYS}`,
			'Remove a key from Additional Info: Attempt (from 2 on) and Campaign ID each use one',
		);
	}
	return Object.keys(info).length > 0 ? { ...body, additional_info: info } : body;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject | ToOutput> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const attempt = attemptOf(this, itemIndex);
	const campaignId = String(options.campaignId ?? '').trim();
	const body = withCampaignInfo(this, itemIndex, readCallCreateBody.call(this, itemIndex), attempt, campaignId);
	const settings = retrySettingsOf(this, itemIndex);
	const custom = String(options.idempotencyKey ?? '').trim();
	if (custom !== '' && !KEY_PATTERN.test(custom)) {
		throw fieldError(
			{ node: this.getNode(), itemIndex },
			'Idempotency Key',
			'must be at most 255 printable ASCII characters (letters, digits, -, _, …)',
		);
	}
	const idempotencyKey =
		custom ||
		idempotencyKeyFor({
			workflowId: String(this.getWorkflow().id ?? ''),
			nodeId: this.getNode().id,
			now: new Date(),
			body,
			campaignId,
			attempt,
		});
	const timeout = Number(options.timeout ?? DEFAULT_TIMEOUT_MS);
	if (!Number.isFinite(timeout) || timeout < 1) {
		throw fieldError({ node: this.getNode(), itemIndex }, 'Timeout', 'must be a number of milliseconds, at least 1');
	}
	const response = await huskyVoiceApiRequest.call(this, {
		method: 'POST',
		path: '/calls',
		body,
		itemIndex,
		idempotencyKey,
		timeoutMs: timeout,
	});
	const created = unwrapData(response);
	if (this.getNodeParameter('waitForOutcome', itemIndex, false) !== true) {
		const output: IDataObject = { ...created, idempotency_key: idempotencyKey, attempt };
		const startsAfter = startsAfterOf(created, settings.window, Date.now());
		if (startsAfter !== null) output.starts_after = startsAfter;
		return output;
	}
	// n8n's Retry of an execution that crashed while waiting sends the same key: HuskyVoice answers
	// with the first call (no second one is placed) and the item waits for that call again.
	const ctx = { node: this.getNode(), itemIndex };
	const callId = String(created.call_id ?? '');
	return await waitAndRoute(this, itemIndex, {
		callId,
		segment: requirePathId(ctx, 'call_id in HuskyVoice’s answer', callId),
		// What is known of the call before the first poll: what was sent and what HuskyVoice answered.
		known: { ...body, ...created },
		extra: { idempotency_key: idempotencyKey },
	});
}
