import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { BOOKING_MESSAGES } from '../../../shared/bookingMessages';
import { huskyVoiceApiRequest, unwrapData } from '../../../shared/transport';
import type { FieldContext } from '../../../shared/validation';
import { requirePathId, requireString } from '../../../shared/validation';
import { appointmentIdField } from '../common.descriptions';
import { toolDescriptionField } from '../../../shared/toolDescription';

const properties: INodeProperties[] = [
	{ ...appointmentIdField, description: 'The appointment to read (appointment_id)' },
	toolDescriptionField(
		'Read one appointment by its id. Input: Appointment ID, the appointment_id (e.g. apt_1001) returned by booking or by the appointment search. Returns its date and time (ISO 8601 UTC), session, status (confirmed, rescheduled, cancelled or completed), patient name and +91 phone, token and doctor. If it fails with Not found, the id is wrong: search appointments by date (YYYY-MM-DD) to find the right one.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['appointment'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const ctx: FieldContext = { node: this.getNode(), itemIndex };
	const rawId = this.getNodeParameter('appointmentId', itemIndex, '');
	const appointmentId = requireString(ctx, 'Appointment ID', rawId);
	const response = await huskyVoiceApiRequest.call(this, {
		method: 'GET',
		path: `/appointments/${requirePathId(ctx, 'Appointment ID', rawId)}`,
		itemIndex,
		messages: { ...BOOKING_MESSAGES, 404: `No appointment with ID "${appointmentId}" in this HuskyVoice account` },
	});
	const data = unwrapData(response);
	return (data.appointment as IDataObject | undefined) ?? data;
}
