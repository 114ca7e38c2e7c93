import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';
import { BOOKING_MESSAGES } from '../../../shared/bookingMessages';
import { DEFAULT_RETRY_POLICY } from '../../../shared/retry';
import { huskyVoiceApiRequest } from '../../../shared/transport';
import type { FieldContext } from '../../../shared/validation';
import { fieldError, requireString, validateChoice, validatePhone } from '../../../shared/validation';
import { toUtcDateTime } from '../../helpers/dateTime';
import { branchLocator, serviceLocator, SESSIONS, sessionOptions } from '../common.descriptions';
import { findExistingBooking } from './findExisting';
import { locatorValue, requireLocator } from './locators';
import { toolDescriptionField } from '../../../shared/toolDescription';


const properties: INodeProperties[] = [
	serviceLocator({
		byName: true,
		required: true,
		description: 'The service (appointment type) to book, from the clinic’s list, by its ID or by its name',
	}),
	{
		displayName: 'Appointment Date and Time',
		name: 'appointmentDate',
		type: 'dateTime',
		required: true,
		default: '',
		description:
			'When the appointment starts; a time is required. Without a time zone it is read in the workflow’s time zone and sent to HuskyVoice as ISO 8601 UTC. Check availability first (Slot → Check Availability).',
	},
	{
		displayName: 'Patient Name',
		name: 'patientName',
		type: 'string',
		required: true,
		default: '',
		description: 'Full name of the patient',
	},
	{
		displayName: 'Patient Phone',
		name: 'patientPhone',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+919876543210',
		description: 'The patient’s Indian phone number in +91 format, e.g. +919876543210 (ask the caller for it)',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			branchLocator({
				required: false,
				description: 'Clinic branch; required by HuskyVoice when the organisation has more than one branch',
			}),
			{
				displayName: 'Normalise Number',
				name: 'normaliseNumber',
				type: 'boolean',
				default: false,
				description:
					'Whether to strip spaces, dashes and brackets from the phone number and add a missing +91 before checking it',
			},
			{
				displayName: 'Session',
				name: 'session',
				type: 'options',
				options: sessionOptions,
				default: 'Morning',
				description: 'Part of the day; without it HuskyVoice picks the session whose hours hold the time',
			},
		],
	},
	toolDescriptionField(
		'Book an appointment for a patient. Check availability for that day first and book only a time inside a slot with places left. Inputs: Appointment Date and Time in ISO 8601 UTC with a time, e.g. 2030-06-03T09:30:00Z; Patient Name, the full name; Patient Phone, the patient’s Indian mobile number in +91 format, e.g. +919876543210 (ask the patient for it, never invent one); Service, the appointment type by name or service_id; Session (Morning, Afternoon or Evening) and Branch, the slot’s branch_id, when known. Returns appointment_id and token: give the patient the token. Never book again to retry. If it fails: the patient already has an appointment on that date and session (DUPLICATE_BOOKING), so find it with the appointment search (date YYYY-MM-DD) instead of booking again; the session is fully booked (SLOT_FULL), so offer another session or day; no opening at that time (OUTSIDE_AVAILABILITY), so check availability again and offer an open slot; an invalid phone number, so ask the patient for their +91 number.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['appointment'], operation: ['create'] } },
	properties,
);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function readCreateBody(this: IExecuteFunctions, ctx: FieldContext): IDataObject {
	const fields = this.getNodeParameter('additionalFields', ctx.itemIndex, {}) as IDataObject;
	const rawDate = this.getNodeParameter('appointmentDate', ctx.itemIndex, '');
	if (typeof rawDate === 'string' && DATE_ONLY.test(rawDate.trim())) {
		throw fieldError(
			ctx,
			'Appointment Date and Time',
			`has a date but no time: "${rawDate.trim()}"`,
			'HuskyVoice books a time, not a day: give e.g. 2030-06-03T09:30 (read in the workflow’s time zone).',
		);
	}
	const body: IDataObject = {
		appointment_type: requireLocator.call(this, ctx, 'service', 'Service'),
		appointment_date: toUtcDateTime(ctx, 'Appointment Date and Time', rawDate, this.getTimezone()),
		patient_name: requireString(ctx, 'Patient Name', this.getNodeParameter('patientName', ctx.itemIndex, '')),
		parent_phone: validatePhone(
			ctx,
			'Patient Phone',
			this.getNodeParameter('patientPhone', ctx.itemIndex, ''),
			fields.normaliseNumber === true,
		),
	};
	if (fields.branch !== undefined) {
		const branch = locatorValue.call(this, 'additionalFields.branch', ctx.itemIndex);
		if (branch !== '') body.branch_id = branch;
	}
	if (fields.session !== undefined && fields.session !== '') {
		body.session = validateChoice(ctx, 'Session', fields.session, SESSIONS);
	}
	return body;
}

/** No answer or a 5xx: HuskyVoice may have booked it. A 4xx is a definite refusal. */
function mayHaveBooked(error: unknown): boolean {
	return error instanceof NodeApiError && !/^4\d\d$/.test(String(error.httpCode ?? ''));
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const ctx: FieldContext = { node: this.getNode(), itemIndex };
	const body = readCreateBody.call(this, ctx);
	const sentAtMs = Date.now();
	const outcome = await huskyVoiceApiRequest
		.call(this, {
			method: 'POST',
			path: '/appointments',
			body,
			itemIndex,
			messages: BOOKING_MESSAGES,
			// Appointments have no idempotency key: never resend after an attempt that may have booked.
			retryPolicy: { ...DEFAULT_RETRY_POLICY, maxServerRetries: 0 },
		})
		.then(
			(response) => ({ response: response as IDataObject }),
			(error: unknown) => ({ error }),
		);
	if ('error' in outcome) {
		if (mayHaveBooked(outcome.error)) return await findExistingBooking.call(this, ctx, body, outcome.error as NodeApiError, sentAtMs);
		throw outcome.error;
	}
	const { response } = outcome;
	const data = (response?.data ?? {}) as IDataObject;
	return { ...data, appointment_id: data.appointment_id ?? response?.appointment_id, token: data.token ?? response?.token };
}
