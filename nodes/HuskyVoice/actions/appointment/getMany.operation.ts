import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { BOOKING_MESSAGES } from '../../../shared/bookingMessages';
import { getPaged } from '../../../shared/paging';
import type { FieldContext } from '../../../shared/validation';
import { requireString, validateChoice, validateDate } from '../../../shared/validation';
import {
	appointmentStatusOptions,
	branchLocator,
	returnAllFields,
	serviceLocator,
	SESSIONS,
	sessionOptions,
} from '../common.descriptions';
import { locatorValue } from './locators';
import { toolDescriptionField } from '../../../shared/toolDescription';

const STATUSES = ['confirmed', 'rescheduled', 'cancelled', 'completed'] as const;

const properties: INodeProperties[] = [
	...returnAllFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Batch',
				name: 'batch',
				type: 'string',
				default: '',
				description: 'Only appointments in this batch',
			},
			branchLocator({ required: false, description: 'Only appointments at this branch' }),
			{
				displayName: 'Date',
				name: 'date',
				type: 'string',
				default: '',
				placeholder: '2030-06-03',
				description: 'Only appointments on this day (YYYY-MM-DD, the whole UTC day)',
			},
			serviceLocator({ byName: false, required: false, description: 'Only appointments for this service' }),
			{
				displayName: 'Session',
				name: 'session',
				type: 'options',
				options: sessionOptions,
				default: 'Morning',
				description: 'Only appointments in this part of the day',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: appointmentStatusOptions(STATUSES),
				default: 'confirmed',
				description: 'Only appointments with this status',
			},
		],
	},
	toolDescriptionField(
		'Search appointments, e.g. to find a patient’s booking before booking again, rescheduling or cancelling. Inputs, all optional: Date as YYYY-MM-DD (the whole day in UTC); Status (confirmed, rescheduled, cancelled or completed); Session (Morning, Afternoon or Evening); Service; Branch; Batch; Return All (true for every match) or Limit (how many). Returns the matching appointments sorted by date, each with appointment_id, patient_name, parent_phone (+91...), date (ISO 8601 UTC), session and status: pick the patient’s by name and phone. An empty list means nothing matches: widen the search (another date, no status). If it fails because the date is invalid, send it again as YYYY-MM-DD.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['appointment'], operation: ['getMany'] } },
	properties,
);

function readFilters(this: IExecuteFunctions, ctx: FieldContext): IDataObject {
	const filters = this.getNodeParameter('filters', ctx.itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	if (filters.date !== undefined && filters.date !== '') qs.date = validateDate(ctx, 'Date', filters.date);
	if (filters.status !== undefined) qs.status = validateChoice(ctx, 'Status', filters.status, STATUSES);
	if (filters.session !== undefined) qs.session = validateChoice(ctx, 'Session', filters.session, SESSIONS);
	if (filters.batch !== undefined && filters.batch !== '') qs.batch = requireString(ctx, 'Batch', filters.batch);
	if (filters.service !== undefined) {
		const service = locatorValue.call(this, 'filters.service', ctx.itemIndex);
		if (service !== '') qs.appointment_type = service;
	}
	if (filters.branch !== undefined) {
		const branch = locatorValue.call(this, 'filters.branch', ctx.itemIndex);
		if (branch !== '') qs.branch_id = branch;
	}
	return qs;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const ctx: FieldContext = { node: this.getNode(), itemIndex };
	const qs = readFilters.call(this, ctx);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const request = { path: '/appointments', qs, itemIndex, messages: BOOKING_MESSAGES };
	if (returnAll) return await getPaged.call(this, request, { returnAll: true });
	const limit = Number(this.getNodeParameter('limit', itemIndex, 50));
	return await getPaged.call(this, request, { returnAll: false, limit });
}
