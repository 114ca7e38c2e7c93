import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { callIdField } from '../../../shared/callFields';
import { retrySettingsField } from '../../../shared/retrySettings';
import type { ToOutput } from '../../../shared/runItems';
import { callIdOf } from './callId';
import { simplifyFields, timeLimitFields, waitAndRoute } from './outcome';

const show = { resource: ['call'], operation: ['waitForOutcome'] };

const properties: INodeProperties[] = [
	{ ...callIdField, description: 'The call to wait for (call_id returned by Create)' },
	retrySettingsField,
];

export const description: INodeProperties[] = [
	...updateDisplayOptions({ show }, properties),
	...timeLimitFields(show),
	...simplifyFields(show),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ToOutput> {
	const { callId, segment } = callIdOf(this, itemIndex);
	return await waitAndRoute(this, itemIndex, { callId, segment });
}
