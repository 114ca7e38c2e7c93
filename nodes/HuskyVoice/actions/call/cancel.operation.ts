import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { huskyVoiceApiRequest, unwrapData } from '../../../shared/transport';
import { callIdField } from '../../../shared/callFields';
import { callIdOf, callNotFound } from './callId';
import { toolDescriptionField } from '../../../shared/toolDescription';

const properties: INodeProperties[] = [
	{
		displayName:
			'Only queued or scheduled calls can be cancelled. Once HuskyVoice has started dialling, cancelling fails. Cancelling an already cancelled call succeeds.',
		name: 'cancelNotice',
		type: 'notice',
		default: '',
	},
	{ ...callIdField, description: 'The call to cancel (call_id returned by Create)' },
	toolDescriptionField(
		'Cancel a call that has not started yet (status scheduled or queued). Input: Call ID, the call_id. Cancelling twice is safe. If it fails because the call has already started, it can no longer be stopped: tell the user. Not found means the call_id is wrong.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['cancel'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { callId, segment } = callIdOf(this, itemIndex);
	const response = await huskyVoiceApiRequest.call(this, {
		method: 'POST',
		path: `/calls/${segment}/cancel`,
		itemIndex,
		messages: {
			404: callNotFound(callId),
			409: 'The call has already started — only queued or scheduled calls can be cancelled',
		},
	});
	// One documented page answers `{data:{call_id,status,cancelled_at}}`, another a flat
	// `{success,call_id,status,message}`; both become the same item.
	const data = unwrapData(response);
	const result: IDataObject = {
		call_id: data.call_id ?? callId,
		status: data.status ?? 'cancelled',
	};
	if (data.cancelled_at !== undefined) result.cancelled_at = data.cancelled_at;
	if (data.message !== undefined) result.message = data.message;
	return result;
}
