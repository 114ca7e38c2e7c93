import type { INodeProperties } from 'n8n-workflow';
import * as cancel from './cancel.operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getConfig from './getConfig.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { cancel, create, get, getConfig, getMany, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['appointment'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description:
					'Cancel an appointment (it is kept with status cancelled). The organisation may forbid cancelling, or require some hours’ notice; cancelling twice is safe.',
				action: 'Cancel an appointment',
			},
			{
				name: 'Create',
				value: 'create',
				description:
					'Book an appointment for a patient. Check availability first (Slot → Check Availability); the date-time is sent as ISO 8601 UTC; ask the patient for their +91 phone number.',
				action: 'Book an appointment',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Read one appointment by its appointment_id',
				action: 'Get an appointment',
			},
			{
				name: 'Get Config',
				value: 'getConfig',
				description: 'Read the organisation’s booking settings: whether cancelling is allowed and the notice it needs',
				action: 'Get the appointment settings',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description:
					'Search appointments by date (YYYY-MM-DD), status, service, branch, session or batch, sorted by date',
				action: 'Get many appointments',
			},
			{
				name: 'Update',
				value: 'update',
				description:
					'Change an appointment’s status, doctor or notes, or reschedule it: a new date re-runs the availability checks and makes the status rescheduled unless a status is set',
				action: 'Update an appointment',
			},
		],
		default: 'update',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...cancel.description,
	...getConfig.description,
	...update.description,
];
