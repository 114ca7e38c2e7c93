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

/** The parts of the day HuskyVoice books in: the option list and the check share these values. */
export const SESSIONS = ['Morning', 'Afternoon', 'Evening'] as const;

export const sessionOptions = SESSIONS.map((session) => ({ name: session, value: session }));

const APPOINTMENT_STATUS_NAMES: Record<string, string> = {
	cancelled: 'Cancelled',
	completed: 'Completed',
	confirmed: 'Confirmed',
	rescheduled: 'Rescheduled',
};

/** Options for the given appointment statuses, sorted by name as n8n lists options. */
export function appointmentStatusOptions(statuses: readonly string[]) {
	return [...statuses].sort().map((status) => ({ name: APPOINTMENT_STATUS_NAMES[status], value: status }));
}

/** A resource locator: a searchable From List mode, By ID, and By Name when a name placeholder is given. */
function locator(
	field: { displayName: string; name: string; required: boolean; description: string },
	searchListMethod: string,
	placeholders: { id: string; name?: string },
): INodeProperties {
	return {
		displayName: field.displayName,
		name: field.name,
		type: 'resourceLocator',
		required: field.required,
		default: { mode: 'list', value: '' },
		description: field.description,
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod, searchable: true } },
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: placeholders.id },
			...(placeholders.name !== undefined
				? [{ displayName: 'By Name', name: 'name', type: 'string' as const, placeholder: placeholders.name }]
				: []),
		],
	};
}

/** A service (appointment type): from the list of `GET /services`, by its UUID, or by its name. */
export function serviceLocator(options: { byName: boolean; required: boolean; description: string }): INodeProperties {
	const { byName, ...field } = options;
	return locator({ displayName: 'Service', name: 'service', ...field }, 'searchServices', {
		id: '3f1c2a9e-5b7d-4e21-9a3c-0d1e2f3a4b01',
		name: byName ? 'Consultation' : undefined,
	});
}

/** A branch: HuskyVoice has no branch list, so the list shows the branches in the coming week's availability. */
export function branchLocator(options: { required: boolean; description: string }): INodeProperties {
	return locator({ displayName: 'Branch', name: 'branch', ...options }, 'searchBranches', { id: 'br_koramangala' });
}

/** n8n's usual Return All / Limit pair. */
export const returnAllFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];
