import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import * as appointment from './actions/appointment';
import * as calendarWindow from './actions/calendarWindow';
import * as call from './actions/call';
import { OUTCOME_OUTPUTS } from './actions/call/outcome';
import { router } from './actions/router';
import * as service from './actions/service';
import * as slot from './actions/slot';
import { listSearch } from './methods';

export class HuskyVoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HuskyVoice',
		name: 'huskyVoice',
		icon: { light: 'file:../shared/huskyvoice.svg', dark: 'file:../shared/huskyvoice.dark.svg' },
		group: ['output'],
		// 1.1: Simplify is on by default for Get and Wait for Outcome; version 1 nodes keep HuskyVoice's answer as it came.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Place, track, cancel and delete HuskyVoice AI voice calls; book, find, reschedule and cancel appointments; check free slots; list services; open calendar windows',
		defaults: { name: 'HuskyVoice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// Three named outputs while waiting for a call's outcome (as n8n's Switch node computes its
		// outputs from parameters); keep in step with waitsForOutcome() in actions/router.ts.
		outputs: `={{ ($parameter.resource === undefined || $parameter.resource === "call") && ($parameter.operation === "waitForOutcome" || (($parameter.operation === undefined || $parameter.operation === "create") && $parameter.waitForOutcome === true)) ? ${JSON.stringify(OUTCOME_OUTPUTS.map((displayName) => ({ type: 'main', displayName })))} : ["main"] }}`,
		credentials: [{ name: 'huskyVoiceApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Appointment',
						value: 'appointment',
						description: 'A patient appointment booked with the clinic',
					},
					{
						name: 'Calendar Window',
						value: 'calendarWindow',
						description: 'A weekly window of appointment slots at a branch',
					},
					{
						name: 'Call',
						value: 'call',
						description: 'An AI voice call placed by a HuskyVoice agent',
					},
					{
						name: 'Service',
						value: 'service',
						description: 'A service (appointment type) patients can book',
					},
					{
						name: 'Slot',
						value: 'slot',
						description: 'Appointment slots of a day and their free places',
					},
				],
				default: 'call',
			},
			...call.description,
			...appointment.description,
			...slot.description,
			...service.description,
			...calendarWindow.description,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
