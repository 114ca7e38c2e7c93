import type { INodeProperties } from 'n8n-workflow';
import * as update from './update.operation';

export { update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['appointment'] } },
		options: [
			{
				name: 'Update',
				value: 'update',
				description: 'Reschedule an appointment or change its status, doctor or notes',
				action: 'Update an appointment',
			},
		],
		default: 'update',
	},
	...update.description,
];
