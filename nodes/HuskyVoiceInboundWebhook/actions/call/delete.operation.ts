import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { requireString } from '../../../shared/validation';
import { inboundWebhookRequest } from '../../transport';
import { callIdField } from '../../../shared/callFields';
import { toolDescriptionField } from '../../../shared/toolDescription';

const properties: INodeProperties[] = [
	{
		displayName:
			'Deleting a call erases its transcript, contact details and recording metadata (the end customer’s personal data) and cannot be undone. Only completed calls can be deleted.',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
	},
	callIdField,
	toolDescriptionField(
		'Erase a completed call with its transcript and contact details, through the inbound webhook, e.g. for a privacy request. Input: Call ID, the call_id. It cannot be undone: use it only when the user asks. If it fails because the call is not completed, it cannot be deleted: tell the user; Not found means the call_id is wrong.',
	),
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const callId = requireString({ node: this.getNode(), itemIndex }, 'Call ID', this.getNodeParameter('callId', itemIndex, ''));
	const result = await inboundWebhookRequest.call(this, {
		itemIndex,
		action: 'call.delete',
		data: { call_id: callId },
		messages: {
			404: 'No call with this Call ID in this HuskyVoice account — it may already have been deleted',
			409: 'Only completed (connected) calls can be deleted — this call has not completed',
		},
	});
	return { ...result, call_id: result.call_id ?? callId, status: result.status ?? 'deleted' };
}
