import type { INodeProperties } from 'n8n-workflow';
import * as cancel from './cancel.operation';
import { inboundOptions } from './common.descriptions';
import * as create from './create.operation';
import * as del from './delete.operation';

export { cancel, create, del as delete };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['call'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Cancel a queued or scheduled call',
				action: 'Cancel a call',
			},
			{
				name: 'Create',
				value: 'create',
				description: 'Place an AI voice call',
				action: 'Create a call',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a completed call and erase its personal data',
				action: 'Delete a call',
			},
		],
		default: 'create',
	},
	...create.description,
	...cancel.description,
	...del.description,
	{ ...inboundOptions, displayOptions: { show: { resource: ['call'] } } },
];
