import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { requireString } from '../../../shared/validation';
import { inboundWebhookRequest } from '../../transport';
import { callIdField } from '../../../shared/callFields';
import { toolDescriptionField } from '../../../shared/toolDescription';

const properties: INodeProperties[] = [
	callIdField,
	toolDescriptionField(
		'Cancel a call that has not started yet (status queued or scheduled), through the inbound webhook. Input: Call ID, the call_id. Cancelling twice is safe. If it fails because the call has already started, it can no longer be stopped: tell the user. Not found means the call_id is wrong.',
	),
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['cancel'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const callId = requireString({ node: this.getNode(), itemIndex }, 'Call ID', this.getNodeParameter('callId', itemIndex, ''));
	const result = await inboundWebhookRequest.call(this, {
		itemIndex,
		action: 'call.cancel',
		data: { call_id: callId },
		messages: {
			404: 'No call with this Call ID in this HuskyVoice account',
			409: 'The call has already started — only queued or scheduled calls can be cancelled',
		},
	});
	return { ...result, call_id: result.call_id ?? callId, status: result.status ?? 'cancelled' };
}
