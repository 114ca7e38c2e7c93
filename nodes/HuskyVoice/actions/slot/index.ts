import type { INodeProperties } from 'n8n-workflow';
import * as checkAvailability from './checkAvailability.operation';

export { checkAvailability };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['slot'] } },
		options: [
			{
				name: 'Check Availability',
				value: 'checkAvailability',
				description: 'List the appointment slots of a day and how many places each has left',
				action: 'Check free appointment slots for a day',
			},
		],
		default: 'checkAvailability',
	},
	...checkAvailability.description,
];
