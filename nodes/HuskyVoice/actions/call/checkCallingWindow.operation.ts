import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { callingWindowAt, DEFAULT_CALLING_WINDOW } from '../../../shared/callingWindow';
import { toolDescriptionField } from '../../../shared/toolDescription';
import { readTimeZone, timeZoneField } from '../../../shared/retrySettings';

const properties: INodeProperties[] = [
	timeZoneField,
	toolDescriptionField(
		'Tell whether HuskyVoice starts calls now: it places calls only between 09:00 and 20:00 in the organisation’s time zone, and a call placed outside that window waits until it opens. Use this before placing a call when the caller wants to know if it will ring now. Input: Time Zone, an IANA name such as Asia/Kolkata (the default). Returns open (true or false), now, opens_at and closes_at as ISO 8601 UTC date-times, and time_zone. If open is false, tell the user the call would start at opens_at. If it fails because the time zone is unknown, use Asia/Kolkata.',
	),
];

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['checkCallingWindow'] } },
	properties,
);

/**
 * Whether HuskyVoice starts calls now (09:00–20:00 in the organisation's time zone), so a
 * campaign's dispatcher can stop at an If node instead of queueing calls for the night. Reads
 * n8n's clock (a Schedule Trigger's time); asks HuskyVoice nothing.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	// With a context, a bad zone is thrown as the item's error.
	const timeZone = readTimeZone(this.getNodeParameter('timeZone', itemIndex, ''), 'Time Zone', { node: this.getNode(), itemIndex }) as string;
	const now = Date.now();
	const state = callingWindowAt(now, { ...DEFAULT_CALLING_WINDOW, timeZone });
	return {
		open: state.open,
		now: new Date(now).toISOString(),
		opens_at: state.opensAt.toISOString(),
		closes_at: state.closesAt.toISOString(),
		time_zone: timeZone,
	};
}
