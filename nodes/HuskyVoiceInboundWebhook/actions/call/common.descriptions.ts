import type { INodeProperties } from 'n8n-workflow';

/** Shown on every operation; the daily inbound quota usually resets only the next day. */
export const inboundOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Retry When Daily Quota Reached',
			name: 'retryOnQuotaReached',
			type: 'boolean',
			default: false,
			description:
				'Whether to wait and retry (honouring Retry-After, at most 8 times) when HuskyVoice answers that the daily inbound quota is reached, instead of failing the item at once',
		},
	],
};
