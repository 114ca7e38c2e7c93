import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { huskyVoiceApiRequest, unwrapData } from '../../../shared/transport';
import { callIdField } from '../../../shared/callFields';
import { simplifyCall } from '../../../shared/simplifyCall';
import { retrySettingsField } from '../../../shared/retrySettings';
import { callIdOf, callNotFound } from './callId';
import { retrySettingsOf, withCampaignFields } from './campaign';
import { simplifyFields } from './outcome';
import { toolDescriptionField } from '../../../shared/toolDescription';

const properties: INodeProperties[] = [
	{ ...callIdField, description: 'The call to look up (call_id returned by Create)' },
	retrySettingsField,
	toolDescriptionField(
		'Read a call’s status and result. Input: Call ID, the call_id (call_...) returned when the call was placed. Returns its status (scheduled or queued, then initiated, ringing, in_progress, completed; or failed, disallowed, cancelled) and, once completed, its summary, outcome and transcript; times are ISO 8601 UTC. A call can wait minutes to hours before it starts: if it has not ended, say so and check again later; never place it again. failed means nobody answered; disallowed means the number is on DND or the account is blocked. If it fails with Not found, the call_id is wrong.',
	),
];

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show: { resource: ['call'], operation: ['get'] } }, properties),
	...simplifyFields({ resource: ['call'], operation: ['get'] }),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { callId, segment } = callIdOf(this, itemIndex);
	const settings = retrySettingsOf(this, itemIndex);
	const response = await huskyVoiceApiRequest.call(this, {
		method: 'GET',
		path: `/calls/${segment}`,
		itemIndex,
		messages: { 404: callNotFound(callId) },
	});
	const call = unwrapData(response);
	const json = this.getNodeParameter('simplify', itemIndex, false) === true ? simplifyCall(call) : call;
	return withCampaignFields(call, json, settings, Date.now());
}
