import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { dayAvailability, hasCapacity } from '../../../shared/availability';
import { toolDescriptionField } from '../../../shared/toolDescription';
import { addDays } from '../../../shared/calendarDays';
import { listServices } from '../../../shared/services';
import type { FieldContext } from '../../../shared/validation';
import { fieldError, validateChoice, validateDate, validateWholeNumber } from '../../../shared/validation';
import { locatorValue } from '../appointment/locators';
import { branchLocator, serviceLocator, SESSIONS, sessionOptions } from '../common.descriptions';

export const DEFAULT_DAYS_TO_SEARCH = 14;
/** Each day searched is one request against the key's 60 a minute; a quarter year bounds a search. */
export const MAX_DAYS_TO_SEARCH = 90;

const properties: INodeProperties[] = [
	{
		displayName: 'From Date',
		name: 'fromDate',
		type: 'string',
		required: true,
		default: '',
		placeholder: '2030-06-03',
		description:
			'First day to search, as an ISO 8601 date YYYY-MM-DD (e.g. 2030-06-03); the search moves on day by day from there',
	},
	{
		displayName: 'Number of Slots',
		name: 'slotCount',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 3,
		description: 'How many open slots to return at most, the earliest first (one item each)',
	},
	{
		displayName: 'Days to Search',
		name: 'daysToSearch',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_DAYS_TO_SEARCH },
		default: DEFAULT_DAYS_TO_SEARCH,
		description: `How many days, From Date included, to look through before giving up (one request per day, at most ${MAX_DAYS_TO_SEARCH})`,
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			branchLocator({ required: false, description: 'Only slots at this clinic branch' }),
			serviceLocator({
				byName: true,
				required: false,
				description: 'Only slots this service can be booked in (slots open to every service count too)',
			}),
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
	toolDescriptionField(
		'Find the earliest open appointment slots from a day onwards, when the patient asks "when is the earliest?" or the day they wanted is full. Use this before booking an appointment, then book one of the slots it returns. Inputs: From Date, the first day to look at as YYYY-MM-DD (e.g. 2030-06-03); Number of Slots, how many to return (default 3); Days to Search, how many days to look through (1 to 90, default 14); optional filters Branch, Service and Session (Morning, Afternoon or Evening). Each slot has date (YYYY-MM-DD), branch_id, session, start_time and end_time (HH:MM) and available_slots, earliest first. One item with found false means nothing is open in those days: offer a later From Date or drop a filter. If it fails because the date is invalid, send it again as YYYY-MM-DD; if the service is unknown, leave the Service out.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['slot'], operation: ['findNextOpen'] } },
	properties,
);

/** The names a slot's `appointment_type` may carry for the wanted service: its UUID or its name (not documented which). */
async function serviceKeys(this: IExecuteFunctions, ctx: FieldContext, wanted: string): Promise<string[]> {
	const services = await listServices.call(this, ctx.itemIndex);
	const lower = wanted.toLowerCase();
	const service = services.find((s) => String(s.service_id).toLowerCase() === lower || String(s.name).toLowerCase() === lower);
	if (!service) {
		throw fieldError(
			ctx,
			'Service',
			`is not a service of this organisation: ${JSON.stringify(wanted)}`,
			'Pick the service from the list, or see Service → Get Many for the IDs and names.',
		);
	}
	return [String(service.service_id), String(service.name)].map((key) => key.toLowerCase());
}

/** A slot is open to a service when it is restricted to none, or to that one. */
function openToService(slot: IDataObject, keys: string[] | undefined): boolean {
	const type = slot.appointment_type;
	if (keys === undefined || type === undefined || type === null || type === '') return true;
	return keys.includes(String(type).toLowerCase());
}

function isOpen(slot: IDataObject): boolean {
	return hasCapacity(slot) && (slot.status === undefined || String(slot.status).toUpperCase() === 'OPEN');
}

function byStartTime(a: IDataObject, b: IDataObject): number {
	return String(a.start_time ?? '').localeCompare(String(b.start_time ?? ''));
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const ctx: FieldContext = { node: this.getNode(), itemIndex };
	const fromDate = validateDate(ctx, 'From Date', this.getNodeParameter('fromDate', itemIndex, ''));
	const limit = validateWholeNumber(ctx, 'Number of Slots', this.getNodeParameter('slotCount', itemIndex, 3), 1);
	const days = validateWholeNumber(
		ctx,
		'Days to Search',
		this.getNodeParameter('daysToSearch', itemIndex, DEFAULT_DAYS_TO_SEARCH),
		1,
		MAX_DAYS_TO_SEARCH,
	);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	if (filters.branch !== undefined) {
		const branch = locatorValue.call(this, 'filters.branch', itemIndex);
		if (branch !== '') qs.branch_id = branch;
	}
	if (filters.session !== undefined && filters.session !== '') {
		qs.session = validateChoice(ctx, 'Session', filters.session, SESSIONS);
	}
	const service = filters.service === undefined ? '' : locatorValue.call(this, 'filters.service', itemIndex);
	const keys = service === '' ? undefined : await serviceKeys.call(this, ctx, service);

	const found: IDataObject[] = [];
	// Day by day, one request at a time: the search stops at the first day that completes the list.
	for (let day = 0; day < days && found.length < limit; day++) {
		const date = addDays(fromDate, day);
		const { slots } = await dayAvailability.call(this, { date, ...qs }, itemIndex);
		const open = slots.filter((slot) => isOpen(slot) && openToService(slot, keys)).sort(byStartTime);
		for (const slot of open.slice(0, limit - found.length)) found.push({ date, ...slot, found: true });
	}
	if (found.length > 0) return found;
	const toDate = addDays(fromDate, days - 1);
	return [
		{
			found: false,
			message: `No open slot in the ${days} day${days === 1 ? '' : 's'} from ${fromDate} to ${toDate}`,
			from_date: fromDate,
			to_date: toDate,
			days_searched: days,
		},
	];
}
