import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { callingWindowAt, DEFAULT_CALLING_WINDOW } from '../../../shared/callingWindow';
import { isSettingProblem, readTimeZone, timeZoneField } from '../../../shared/retrySettings';
import { fieldError } from '../../../shared/validation';

const properties: INodeProperties[] = [timeZoneField];

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
	const timeZone = readTimeZone(this.getNodeParameter('timeZone', itemIndex, ''));
	if (isSettingProblem(timeZone)) {
		throw fieldError({ node: this.getNode(), itemIndex }, timeZone.field, timeZone.problem);
	}
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
