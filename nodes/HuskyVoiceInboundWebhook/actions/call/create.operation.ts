import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { callCreateFields, readCallCreateBody } from '../../../shared/callFields';
import { inboundWebhookRequest } from '../../transport';
import { toolDescriptionField } from '../../../shared/toolDescription';

const properties: INodeProperties[] = [
	...callCreateFields,
	toolDescriptionField(
		'Place an AI voice call through the HuskyVoice account’s inbound webhook: a HuskyVoice AI agent phones the person and talks to them. Inputs: Contact Number, an Indian mobile number in +91 format, e.g. +919876543210 (ask for it, never invent one); Agent ID, the HuskyVoice agent that calls (agent_...); optional Contact Name, Contact Email and Additional Info (JSON), a flat object of up to 25 keys the agent can use. Returns call_id and status queued; the call runs later (only 09:00 to 20:00 India time). If it fails: an invalid number, so ask for the +91 mobile number; insufficient credits or the daily quota reached, so tell the user and do not retry.',
	),
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['create'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const data = readCallCreateBody.call(this, itemIndex);
	return await inboundWebhookRequest.call(this, { itemIndex, action: 'call.create', data, messages: {} });
}
