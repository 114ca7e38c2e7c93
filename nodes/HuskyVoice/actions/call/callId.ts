import type { IExecuteFunctions } from 'n8n-workflow';
import { requirePathId, requireString } from '../../../shared/validation';

export function callIdOf(context: IExecuteFunctions, itemIndex: number): { callId: string; segment: string } {
	const ctx = { node: context.getNode(), itemIndex };
	const value = context.getNodeParameter('callId', itemIndex, '');
	return { callId: requireString(ctx, 'Call ID', value), segment: requirePathId(ctx, 'Call ID', value) };
}

export function callNotFound(callId: string): string {
	return `No call with ID "${callId}" in this HuskyVoice account`;
}
