import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { dayAvailability, hasCapacity } from '../../../shared/availability';
import type { FieldContext } from '../../../shared/validation';
import { validateChoice, validateDate } from '../../../shared/validation';
import { SESSIONS, sessionOptions } from '../common.descriptions';
import { toolDescriptionField } from '../../../shared/toolDescription';


const properties: INodeProperties[] = [
	{
		displayName: 'Date',
		name: 'date',
		type: 'string',
		required: true,
		default: '',
		placeholder: '2026-12-01',
		description: 'Day to check, as YYYY-MM-DD',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Branch ID',
				name: 'branchId',
				type: 'string',
				default: '',
				description: 'Only slots of this clinic branch',
			},
			{
				displayName: 'Session',
				name: 'session',
				type: 'options',
				options: sessionOptions,
				default: 'Morning',
				description: 'Only slots in this part of the day',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Only Slots With Capacity',
				name: 'onlyWithCapacity',
				type: 'boolean',
				default: false,
				description: 'Whether to leave out slots that have no places left (available_slots is 0)',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{
						name: 'One Item per Slot',
						value: 'slots',
						description: 'Each slot becomes its own item, ready for the next node',
					},
					{
						name: 'Raw Response',
						value: 'raw',
						description: 'One item with HuskyVoice’s whole answer (date and list of slots)',
					},
				],
				default: 'slots',
			},
		],
	},
	toolDescriptionField(
		'List the appointment slots of one day and how many places each has left. Use this first, before booking an appointment: offer the patient only slots whose available_slots is above 0, and book with the slot’s day, start_time, session and branch_id. Inputs: Date, the day as YYYY-MM-DD (e.g. 2030-06-03); optional Session (Morning, Afternoon or Evening) and Branch ID. Each slot has branch_id, session, batch, start_time and end_time (HH:MM) and available_slots. An empty list means no opening that day: try the next days or another session. If it fails because the date is invalid, send it again as YYYY-MM-DD.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['slot'], operation: ['checkAvailability'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject | IDataObject[]> {
	const ctx: FieldContext = { node: this.getNode(), itemIndex };
	const date = validateDate(ctx, 'Date', this.getNodeParameter('date', itemIndex, ''));
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const qs: IDataObject = { date };
	const branchId = String(filters.branchId ?? '').trim();
	if (branchId !== '') qs.branch_id = branchId;
	if (filters.session !== undefined && filters.session !== '') {
		qs.session = validateChoice(ctx, 'Session', filters.session, SESSIONS);
	}
	const { envelope, slots: daySlots } = await dayAvailability.call(this, qs, itemIndex);
	let slots = daySlots;
	if (options.onlyWithCapacity === true) slots = slots.filter(hasCapacity);
	if (options.output === 'raw') return { ...envelope, date: envelope.date ?? date, slots };
	return slots;
}
