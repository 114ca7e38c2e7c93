import type { INodeProperties } from 'n8n-workflow';
import * as cancel from './cancel.operation';
import * as checkCallingWindow from './checkCallingWindow.operation';
import * as checkNumber from './checkNumber.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as waitForOutcome from './waitForOutcome.operation';

export { cancel, checkCallingWindow, checkNumber, create, del as delete, get, waitForOutcome };

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
				description: 'Cancel a call that has not started yet',
				action: 'Cancel a scheduled call',
			},
			{
				name: 'Check Calling Window',
				value: 'checkCallingWindow',
				description: 'Whether HuskyVoice starts calls now (09:00–20:00 in the organisation’s time zone), and when the window opens and closes',
				action: 'Check whether calls start now',
			},
			{
				name: 'Check Number',
				value: 'checkNumber',
				description: 'Check that a number can be called (+91 format) without calling it',
				action: 'Check a phone number before calling it',
			},
			{
				name: 'Create',
				value: 'create',
				description: 'Have a HuskyVoice AI agent call a phone number',
				action: 'Place an AI voice call',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Erase a completed call with its transcript and contact details',
				action: 'Delete a completed call and its personal data',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a call’s status, and once it ended its summary, transcript and outcome',
				action: 'Get the status and result of a call',
			},
			{
				name: 'Wait for Outcome',
				value: 'waitForOutcome',
				description:
					'Wait until a call has ended, then continue on Completed, Not Reached or Timed Out',
				action: 'Wait for the outcome of a call',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...checkCallingWindow.description,
	...checkNumber.description,
	...cancel.description,
	...del.description,
	...waitForOutcome.description,
];
