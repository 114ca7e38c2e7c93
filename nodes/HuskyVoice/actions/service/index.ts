import type { INodeProperties } from 'n8n-workflow';
import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['service'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the services (appointment types) patients can book, with their service_id and name',
				action: 'Get many services',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
