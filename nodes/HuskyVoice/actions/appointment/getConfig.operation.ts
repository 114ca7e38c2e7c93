import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { BOOKING_MESSAGES } from '../../../shared/bookingMessages';
import { huskyVoiceApiRequest, unwrapData } from '../../../shared/transport';
import { toolDescriptionField } from '../../../shared/toolDescription';

const properties: INodeProperties[] = [
	{
		displayName:
			'Reads the organisation’s booking settings, e.g. whether appointments may be cancelled through the API and how many hours’ notice that needs',
		name: 'getConfigNotice',
		type: 'notice',
		default: '',
	},
	toolDescriptionField(
		'Read the clinic’s booking rules: whether appointments may be cancelled (allow_cancellation) and how many hours’ notice a cancellation needs (cancellation_notice_hours). Use it before offering to cancel. It takes no input. If it fails because the API key lacks a scope, tell the user to fix the HuskyVoice credential.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['appointment'], operation: ['getConfig'] } },
	properties,
);

export async function readAppointmentConfig(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const response = await huskyVoiceApiRequest.call(this, {
		method: 'GET',
		path: '/appointment-config',
		itemIndex,
		messages: BOOKING_MESSAGES,
	});
	return unwrapData(response);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await readAppointmentConfig.call(this, itemIndex);
}
