import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { INBOUND_WEBHOOK_CREDENTIAL } from '../shared/constants';
import * as call from './actions/call';
import { router } from './actions/router';

export class HuskyVoiceInboundWebhook implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HuskyVoice Inbound Webhook',
		name: 'huskyVoiceInboundWebhook',
		icon: { light: 'file:../shared/huskyvoice.svg', dark: 'file:../shared/huskyvoice.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Place, cancel or delete HuskyVoice AI calls through the account’s secret inbound webhook, signed when the account asks for it',
		defaults: { name: 'HuskyVoice Inbound Webhook' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: INBOUND_WEBHOOK_CREDENTIAL, required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Call', value: 'call' }],
				default: 'call',
			},
			...call.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
