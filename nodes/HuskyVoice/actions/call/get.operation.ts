import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { huskyVoiceApiRequest, unwrapData } from '../../../shared/transport';
import { callIdField } from '../../../shared/callFields';
import { simplifyCall } from '../../../shared/simplifyCall';
import { retrySettingsField } from '../../../shared/retrySettings';
import { callIdOf, callNotFound } from './callId';
import { retrySettingsOf, withCampaignFields } from './campaign';
import { simplifyFields } from './outcome';

const properties: INodeProperties[] = [
	{ ...callIdField, description: 'The call to look up (call_id returned by Create)' },
	retrySettingsField,
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
