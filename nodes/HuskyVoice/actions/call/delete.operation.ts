import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { huskyVoiceApiRequest } from '../../../shared/transport';
import { callIdField } from '../../../shared/callFields';
import { callIdOf, callNotFound } from './callId';
import { toolDescriptionField } from '../../../shared/toolDescription';

const properties: INodeProperties[] = [
	{
		displayName:
			'Deleting erases the call’s transcript, recording details and the contact’s details for good — it cannot be undone. Only completed (connected) calls can be deleted.',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
	},
	{ ...callIdField, description: 'The completed call to erase (call_id returned by Create)' },
	toolDescriptionField(
		'Erase a completed call with its transcript, recording details and contact details, e.g. for a privacy request. Input: Call ID, the call_id. It cannot be undone: use it only when the user asks to delete the call. If it fails because the call is not completed (it never connected or is still running), it cannot be deleted: tell the user; Not found means the call_id is wrong.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['delete'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { callId, segment } = callIdOf(this, itemIndex);
	await huskyVoiceApiRequest.call(this, {
		method: 'DELETE',
		path: `/calls/${segment}`,
		itemIndex,
		messages: {
			404: callNotFound(callId),
			409: 'Only completed (connected) calls can be deleted',
		},
	});
	return { call_id: callId, deleted: true };
}
