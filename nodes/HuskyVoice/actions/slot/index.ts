import type { INodeProperties } from 'n8n-workflow';
import * as checkAvailability from './checkAvailability.operation';
import * as findNextOpen from './findNextOpen.operation';

export { checkAvailability, findNextOpen };

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
			{
				name: 'Find Next Open',
				value: 'findNextOpen',
				description:
					'Answer "when is the earliest?": the first open slots (places left) from a date onwards, searching day by day; when none is open in the days searched, one item with found: false says so',
				action: 'Find the earliest open appointment slots',
			},
		],
		default: 'checkAvailability',
	},
	...checkAvailability.description,
	...findNextOpen.description,
];
