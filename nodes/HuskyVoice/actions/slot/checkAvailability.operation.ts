import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { availabilityEnvelope } from '../../../shared/availability';
import { huskyVoiceApiRequest } from '../../../shared/transport';
import type { FieldContext } from '../../../shared/validation';
import { validateChoice, validateDate } from '../../../shared/validation';
import { SESSIONS, sessionOptions } from '../common.descriptions';


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
];

export const description = updateDisplayOptions(
	{ show: { resource: ['slot'], operation: ['checkAvailability'] } },
	properties,
);

function hasCapacity(slot: IDataObject): boolean {
	return Number(slot.available_slots) > 0;
}

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
	const response = await huskyVoiceApiRequest.call(this, {
		method: 'GET',
		path: '/appointment-slots/availability',
		qs,
		itemIndex,
	});
	const answer = availabilityEnvelope(response);
	const { envelope } = answer;
	let { slots } = answer;
	if (options.onlyWithCapacity === true) slots = slots.filter(hasCapacity);
	if (options.output === 'raw') return { ...envelope, date: envelope.date ?? date, slots };
	return slots;
}
