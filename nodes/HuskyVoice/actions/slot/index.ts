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
					'Answer "when is the earliest?": the first slots with places left from a date (ISO 8601 YYYY-MM-DD) onwards, searched day by day up to Days to Search, one item per slot, earliest first. When none is open in those days: one item with found false and a message saying so (not an error) — try later dates or fewer filters. Use before Appointment → Create.',
				action: 'Find the earliest open appointment slots from a date (YYYY-MM-DD)',
			},
		],
		default: 'checkAvailability',
	},
	...checkAvailability.description,
	...findNextOpen.description,
];
