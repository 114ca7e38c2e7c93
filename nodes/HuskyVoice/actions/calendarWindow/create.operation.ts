import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { BOOKING_MESSAGES } from '../../../shared/bookingMessages';
import { DEFAULT_RETRY_POLICY } from '../../../shared/retry';
import { huskyVoiceApiRequest, unwrapData } from '../../../shared/transport';
import type { FieldContext } from '../../../shared/validation';
import { fieldError, requireString, validateChoice, validateWholeNumber } from '../../../shared/validation';
import { locatorValue, requireLocator } from '../appointment/locators';
import { branchLocator, serviceLocator, SESSIONS, sessionOptions } from '../common.descriptions';
import { toolDescriptionField } from '../../../shared/toolDescription';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

const properties: INodeProperties[] = [
	branchLocator({ required: true, description: 'Branch the window belongs to' }),
	{
		displayName: 'Day',
		name: 'day',
		type: 'options',
		required: true,
		options: DAYS.map((d) => ({ name: d[0].toUpperCase() + d.slice(1), value: d })),
		default: 'monday',
		description: 'Weekday the window repeats on, every week',
	},
	{
		displayName: 'Session',
		name: 'session',
		type: 'options',
		required: true,
		options: sessionOptions,
		default: 'Morning',
	},
	{
		displayName: 'Start Time',
		name: 'startTime',
		type: 'string',
		required: true,
		default: '',
		placeholder: '09:00',
		description: 'Start of the window, HH:MM (24-hour clock)',
	},
	{
		displayName: 'End Time',
		name: 'endTime',
		type: 'string',
		required: true,
		default: '',
		placeholder: '12:00',
		description: 'End of the window, HH:MM, after the start',
	},
	{
		displayName: 'Max Slots',
		name: 'maxSlots',
		type: 'number',
		required: true,
		typeOptions: { minValue: 1 },
		default: 10,
		description: 'How many appointments the window takes',
	},
	{
		displayName: 'AI Slots',
		name: 'aiSlots',
		type: 'number',
		required: true,
		typeOptions: { minValue: 0 },
		default: 5,
		description: 'How many of them the AI agent may book during calls (at most Max Slots)',
	},
	{
		displayName: 'Batch Name',
		name: 'batchName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'B1',
		description: 'Name of the batch within the session',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [serviceLocator({ byName: false, required: false, description: 'Only this service may be booked in the window' })],
	},
	toolDescriptionField(
		'Open a weekly calendar window of appointment slots at a branch (a rule that repeats every week); for clinic staff setting up opening hours, not for booking a patient. Inputs: Branch, the branch_id; Day (monday to sunday); Session (Morning, Afternoon or Evening); Start Time and End Time as HH:MM, 24-hour (e.g. 09:00 and 12:00); Max Slots (places) and AI Slots (how many the AI agent may book, at most Max Slots) as whole numbers; Batch Name. If it fails because the API key lacks the slots:write scope, tell the user; an invalid time means send it again as HH:MM.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['calendarWindow'], operation: ['create'] } },
	properties,
);

function time(ctx: FieldContext, field: string, value: unknown): string {
	const text = requireString(ctx, field, value);
	if (!HH_MM.test(text)) throw fieldError(ctx, field, `must be a time as HH:MM (e.g. 09:00) but received "${text}"`);
	return text;
}

function readWindow(this: IExecuteFunctions, ctx: FieldContext): IDataObject {
	const i = ctx.itemIndex;
	const start = time(ctx, 'Start Time', this.getNodeParameter('startTime', i, ''));
	const end = time(ctx, 'End Time', this.getNodeParameter('endTime', i, ''));
	if (end <= start) throw fieldError(ctx, 'End Time', `must be after the Start Time (${start}) but is ${end}`);
	const maxSlots = validateWholeNumber(ctx, 'Max Slots', this.getNodeParameter('maxSlots', i, 0), 1);
	const aiSlots = validateWholeNumber(ctx, 'AI Slots', this.getNodeParameter('aiSlots', i, 0), 0);
	if (aiSlots > maxSlots) throw fieldError(ctx, 'AI Slots', `must be at most Max Slots (${maxSlots}) but is ${aiSlots}`);
	const body: IDataObject = {
		branch_id: requireLocator.call(this, ctx, 'branch', 'Branch'),
		day: validateChoice(ctx, 'Day', this.getNodeParameter('day', i, ''), DAYS),
		session: validateChoice(ctx, 'Session', this.getNodeParameter('session', i, ''), SESSIONS),
		start_time: start,
		end_time: end,
		max_slots: maxSlots,
		ai_slots: aiSlots,
		batch_name: requireString(ctx, 'Batch Name', this.getNodeParameter('batchName', i, '')),
	};
	const fields = this.getNodeParameter('additionalFields', i, {}) as IDataObject;
	if (fields.service !== undefined) {
		const service = locatorValue.call(this, 'additionalFields.service', i);
		if (service !== '') body.appointment_type_id = service;
	}
	return body;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const ctx: FieldContext = { node: this.getNode(), itemIndex };
	const response = await huskyVoiceApiRequest.call(this, {
		method: 'POST',
		path: '/appointment-slots',
		body: readWindow.call(this, ctx),
		itemIndex,
		messages: BOOKING_MESSAGES,
		// No idempotency key for windows: a resend after a lost answer could open a second one.
		retryPolicy: { ...DEFAULT_RETRY_POLICY, maxServerRetries: 0 },
	});
	return unwrapData(response);
}
