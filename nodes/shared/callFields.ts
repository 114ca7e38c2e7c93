import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { FieldContext } from './validation';
import {
	fieldError,
	requireString,
	validateAdditionalInfo,
	validateEmail,
	validatePhone,
} from './validation';

export const callIdField: INodeProperties = {
	displayName: 'Call ID',
	name: 'callId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'call_abc123',
	description: 'The call_id HuskyVoice returned when the call was created',
};

/** Call fields shared by the HuskyVoice node (POST /calls) and the Inbound Webhook node (call.create). */
export const callCreateFields: INodeProperties[] = [
	{
		displayName: 'Agent ID',
		name: 'agentId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'agent_123',
		description: 'The HuskyVoice AI agent that places the call (Agents → copy ID in the dashboard)',
	},
	{
		displayName: 'Contact Number',
		name: 'contactNumber',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+919876543210',
		description: 'Indian mobile number in +91 format, e.g. +919876543210',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Additional Info',
				name: 'additionalInfo',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Key-Value Pair',
				description: 'Up to 25 key-value pairs the agent can use in the call',
				options: [
					{
						displayName: 'Pair',
						name: 'pair',
						values: [
							{ displayName: 'Key', name: 'key', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Additional Info (JSON)',
				name: 'additionalInfoJson',
				type: 'json',
				default: '{}',
				description:
					'Flat object of up to 25 key-value pairs the agent can use in the call, e.g. {"invoice_id": "INV-42"}. Merged with Additional Info pairs (pairs win).',
			},
			{
				displayName: 'Contact Email',
				name: 'contactEmail',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
				description: 'Email address of the person being called',
			},
			{
				displayName: 'Contact Name',
				name: 'contactName',
				type: 'string',
				default: '',
				description: 'Name the agent uses to greet the person',
			},
			{
				displayName: 'Normalise Number',
				name: 'normaliseNumber',
				type: 'boolean',
				default: false,
				description:
					'Whether to strip spaces, dashes and brackets from the contact number and add a missing +91 before checking it',
			},
		],
	},
];

function additionalInfoOf(ctx: FieldContext, fields: IDataObject): IDataObject | undefined {
	const fromJson = validateAdditionalInfo(ctx, 'Additional Info (JSON)', fields.additionalInfoJson);
	const pairs = ((fields.additionalInfo as IDataObject | undefined)?.pair ?? []) as IDataObject[];
	const fromPairs: IDataObject = {};
	for (const pair of pairs) {
		const key = String(pair.key ?? '').trim();
		if (key === '') throw fieldError(ctx, 'Additional Info', 'has a pair with an empty key');
		fromPairs[key] = pair.value as string;
	}
	const merged = validateAdditionalInfo(ctx, 'Additional Info', { ...fromJson, ...fromPairs });
	return Object.keys(merged).length > 0 ? merged : undefined;
}

/** Reads and validates the call fields of one item into HuskyVoice's create-call body. */
export function readCallCreateBody(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const ctx: FieldContext = { node: this.getNode(), itemIndex };
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {
		agent_id: requireString(ctx, 'Agent ID', this.getNodeParameter('agentId', itemIndex, '')),
		contact_number: validatePhone(
			ctx,
			'Contact Number',
			this.getNodeParameter('contactNumber', itemIndex, ''),
			fields.normaliseNumber === true,
		),
	};
	if (typeof fields.contactName === 'string' && fields.contactName.trim() !== '') {
		body.contact_name = fields.contactName.trim();
	}
	if (fields.contactEmail !== undefined && fields.contactEmail !== '') {
		body.contact_email = validateEmail(ctx, 'Contact Email', fields.contactEmail);
	}
	const info = additionalInfoOf(ctx, fields);
	if (info) body.additional_info = info;
	return body;
}
