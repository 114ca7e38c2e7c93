import type { INodeProperties } from 'n8n-workflow';
import * as create from './create.operation';

export { create };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['calendarWindow'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description:
					'Open a weekly calendar window: a branch, weekday, session and HH:MM hours with a number of slots, some of which the AI agent may book',
				action: 'Create a calendar window',
			},
		],
		default: 'create',
	},
	...create.description,
];
