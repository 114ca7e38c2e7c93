import type { INodeProperties } from 'n8n-workflow';

export const appointmentIdField: INodeProperties = {
	displayName: 'Appointment ID',
	name: 'appointmentId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'appt_123',
	description: 'The appointment to change (appointment_id)',
};

export const sessionOptions = [
	{ name: 'Morning', value: 'Morning' },
	{ name: 'Afternoon', value: 'Afternoon' },
	{ name: 'Evening', value: 'Evening' },
];
