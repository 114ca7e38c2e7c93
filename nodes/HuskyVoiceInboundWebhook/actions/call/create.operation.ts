import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { callCreateFields, readCallCreateBody } from '../../../shared/callFields';
import { inboundWebhookRequest } from '../../transport';

const properties: INodeProperties[] = [...callCreateFields];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['create'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const data = readCallCreateBody.call(this, itemIndex);
	return await inboundWebhookRequest.call(this, { itemIndex, action: 'call.create', data, messages: {} });
}
