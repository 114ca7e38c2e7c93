import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';
import { BOOKING_MESSAGES } from '../../../shared/bookingMessages';
import { huskyVoiceApiRequest, unwrapData } from '../../../shared/transport';
import type { FieldContext } from '../../../shared/validation';
import { requirePathId, requireString } from '../../../shared/validation';
import { appointmentIdField } from '../common.descriptions';
import { readAppointmentConfig } from './getConfig.operation';
import { toolDescriptionField } from '../../../shared/toolDescription';

const properties: INodeProperties[] = [
	{ ...appointmentIdField, description: 'The appointment to cancel (appointment_id)' },
	{
		displayName: 'Notes',
		name: 'notes',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'Optional reason stored with the appointment, sent in the same request',
	},
	toolDescriptionField(
		'Cancel an appointment; confirm with the patient first. Inputs: Appointment ID, the appointment_id (find it with the appointment search if you do not have it); optional Notes, the reason. The appointment is kept with status cancelled; cancelling twice is safe. If it fails: the clinic does not allow cancelling, or only with some hours’ notice (the appointment settings tool tells which), so tell the patient to contact the clinic; Not found means the appointment_id is wrong, so search again.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['appointment'], operation: ['cancel'] } },
	properties,
);

/** Statuses with which HuskyVoice refuses a cancellation its organisation rule forbids (codes not documented). */
const REFUSAL_STATUSES = ['400', '403', '409', '422'];

/**
 * HuskyVoice's refusal does not say which rule applied: read the organisation's rule
 * (`GET /appointment-config`) and say it in the receptionist's words.
 */
async function explainRefusal(this: IExecuteFunctions, ctx: FieldContext, appointmentId: string, refusal: NodeApiError): Promise<NodeApiError> {
	let config: IDataObject;
	try {
		config = await readAppointmentConfig.call(this, ctx.itemIndex);
	} catch {
		return refusal;
	}
	const hours = Number(config.cancellation_notice_hours);
	const said = refusal.description ? ` (${refusal.description})` : '';
	if (config.allow_cancellation === false) {
		return new NodeApiError(ctx.node, { message: refusal.message }, {
			message: `Appointment ${appointmentId} was not cancelled: this organisation has switched off cancelling appointments through the API`,
			description: `Cancel it in the HuskyVoice dashboard, or ask an admin to allow cancellations (appointment settings)${said}`,
			httpCode: refusal.httpCode ?? undefined,
			itemIndex: ctx.itemIndex,
		});
	}
	if (Number.isFinite(hours) && hours > 0) {
		return new NodeApiError(ctx.node, { message: refusal.message }, {
			message: `Appointment ${appointmentId} was not cancelled: HuskyVoice accepts cancellations only with at least ${hours} hours’ notice, and this appointment starts sooner`,
			description: `Cancel it in the HuskyVoice dashboard or call the clinic${said}`,
			httpCode: refusal.httpCode ?? undefined,
			itemIndex: ctx.itemIndex,
		});
	}
	return refusal;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const ctx: FieldContext = { node: this.getNode(), itemIndex };
	const rawId = this.getNodeParameter('appointmentId', itemIndex, '');
	const appointmentId = requireString(ctx, 'Appointment ID', rawId);
	const notes = String(this.getNodeParameter('notes', itemIndex, '') ?? '').trim();
	const body: IDataObject = { status: 'cancelled' };
	if (notes !== '') body.notes = notes;
	const outcome = await huskyVoiceApiRequest
		.call(this, {
			method: 'PATCH',
			path: `/appointments/${requirePathId(ctx, 'Appointment ID', rawId)}`,
			body,
			itemIndex,
			// Without a 403 default, a scope refusal (code insufficient_scope) stays apart from a rule refusal.
			messages: { ...BOOKING_MESSAGES, 403: undefined, 404: `No appointment with ID "${appointmentId}" in this HuskyVoice account` },
		})
		.then(
			(response) => ({ response }),
			(error: unknown) => ({ error }),
		);
	if ('error' in outcome) {
		const { error } = outcome;
		const refused =
			error instanceof NodeApiError &&
			REFUSAL_STATUSES.includes(String(error.httpCode)) &&
			error.message !== BOOKING_MESSAGES.insufficient_scope;
		throw refused ? await explainRefusal.call(this, ctx, appointmentId, error) : error;
	}
	const data = unwrapData(outcome.response);
	return (data.appointment as IDataObject | undefined) ?? data;
}
