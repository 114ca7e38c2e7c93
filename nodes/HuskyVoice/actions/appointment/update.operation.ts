import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { huskyVoiceApiRequest, unwrapData } from '../../../shared/transport';
import type { FieldContext } from '../../../shared/validation';
import { fieldError, requirePathId, requireString, validateChoice } from '../../../shared/validation';
import { toUtcDateTime } from '../../helpers/dateTime';
import { appointmentIdField, appointmentStatusOptions, SESSIONS, sessionOptions } from '../common.descriptions';
import { toolDescriptionField } from '../../../shared/toolDescription';

const STATUSES = ['confirmed', 'completed', 'cancelled'] as const;

const properties: INodeProperties[] = [
	appointmentIdField,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here are changed; everything else stays as it is',
		options: [
			{
				displayName: 'Appointment Date',
				name: 'appointmentDate',
				type: 'dateTime',
				default: '',
				description:
					'Reschedules: HuskyVoice re-runs its availability, capacity and duplicate checks for the new date and sets the status to rescheduled unless Status is set in the same update. Without a time zone it is read in the workflow’s time zone; sent in UTC.',
			},
			{
				displayName: 'Assigned Doctor',
				name: 'assignedDoctor',
				type: 'string',
				default: '',
				description: 'Name of the doctor who will see the patient',
			},
			{
				displayName: 'Batch',
				name: 'batch',
				type: 'string',
				default: '',
				description: 'Batch within the session, as configured for the clinic',
			},
			{
				displayName: 'Notes',
				name: 'notes',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description: 'Notes stored with the appointment',
			},
			{
				displayName: 'Session',
				name: 'session',
				type: 'options',
				options: sessionOptions,
				default: 'Morning',
				description: 'Part of the day of the appointment',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: appointmentStatusOptions(STATUSES),
				default: 'confirmed',
				description: 'New status of the appointment',
			},
		],
	},
	toolDescriptionField(
		'Change an appointment: reschedule it or set its status, doctor or notes. Inputs: Appointment ID, the appointment_id; then only what changes: Appointment Date, the new date and time in ISO 8601 UTC with a time, e.g. 2030-06-04T10:00:00Z (check availability first); Status (confirmed, completed or cancelled); Assigned Doctor; Notes; Session (Morning, Afternoon or Evening); Batch. A new date without a status makes the status rescheduled. If it fails: the session is fully booked (SLOT_FULL), so offer another session or day; no opening then (OUTSIDE_AVAILABILITY), so check availability and offer an open slot; the patient already has an appointment then (DUPLICATE_BOOKING); Not found means a wrong appointment_id, so search appointments first.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['appointment'], operation: ['update'] } },
	properties,
);

function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

function readUpdateBody(this: IExecuteFunctions, ctx: FieldContext): IDataObject {
	const fields = this.getNodeParameter('updateFields', ctx.itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (isSet(fields.appointmentDate)) {
		body.appointment_date = toUtcDateTime(ctx, 'Appointment Date', fields.appointmentDate, this.getTimezone());
	}
	if (isSet(fields.status)) body.status = validateChoice(ctx, 'Status', fields.status, STATUSES);
	if (isSet(fields.assignedDoctor)) body.assigned_doctor = requireString(ctx, 'Assigned Doctor', fields.assignedDoctor);
	if (isSet(fields.notes)) body.notes = String(fields.notes);
	if (isSet(fields.session)) body.session = validateChoice(ctx, 'Session', fields.session, SESSIONS);
	if (isSet(fields.batch)) body.batch = requireString(ctx, 'Batch', fields.batch);
	if (Object.keys(body).length === 0) {
		throw fieldError(
			ctx,
			'Update Fields',
			'nothing to update — add at least one field (e.g. Status or Appointment Date) with a value',
		);
	}
	return body;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const ctx: FieldContext = { node: this.getNode(), itemIndex };
	const rawId = this.getNodeParameter('appointmentId', itemIndex, '');
	const appointmentId = requireString(ctx, 'Appointment ID', rawId);
	const segment = requirePathId(ctx, 'Appointment ID', rawId);
	const body = readUpdateBody.call(this, ctx);
	const response = await huskyVoiceApiRequest.call(this, {
		method: 'PATCH',
		path: `/appointments/${segment}`,
		body,
		itemIndex,
		messages: { 404: `No appointment with ID "${appointmentId}" in this HuskyVoice account` },
	});
	const data = unwrapData(response);
	return (data.appointment as IDataObject | undefined) ?? data;
}
