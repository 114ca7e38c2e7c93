import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { toolDescriptionField } from '../../../shared/toolDescription';
import { callableNumber, PHONE_FORMAT_PROBLEM } from '../../../shared/validation';

const properties: INodeProperties[] = [
	{
		displayName: 'Phone Number',
		name: 'number',
		type: 'string',
		default: '',
		placeholder: '+919876543210',
		description: 'The number to check, e.g. from a contact list. Nothing is sent to HuskyVoice.',
	},
	{
		displayName: 'Normalise Number',
		name: 'normaliseNumber',
		type: 'boolean',
		default: true,
		description:
			'Whether to strip spaces, dashes and brackets and add a missing +91 before checking, as Create does with the same option',
	},
	toolDescriptionField(
		'Check whether a phone number can be called by HuskyVoice, without placing a call: HuskyVoice calls Indian numbers only, written +91 and 10 digits (e.g. +919876543210). Use this before placing a call when a number comes from the user or a list. Inputs: Phone Number, the number as given; Normalise Number, true to strip spaces and dashes and add a missing +91. Returns valid (true or false), phone (the number as a call would use it) and problem (what is wrong). If valid is false, ask the user for the number again and never invent one. If it fails, the number was missing: ask for it.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['call'], operation: ['checkNumber'] } },
	properties,
);

/**
 * The item as it came, plus `valid`, `phone` (the number as Create would send it) and `problem`:
 * a contact list is checked with the same rule Create applies, without placing a call, so the
 * rejected lines can be shown instead of failing one by one later.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const given = this.getNodeParameter('number', itemIndex, '');
	const raw = typeof given === 'number' ? String(given) : typeof given === 'string' ? given : '';
	const phone = raw.trim() === '' ? undefined : callableNumber(raw, this.getNodeParameter('normaliseNumber', itemIndex, true) === true);
	const item = this.getInputData()[itemIndex]?.json ?? {};
	return {
		...item,
		valid: phone !== undefined,
		phone: phone ?? raw.trim(),
		problem: phone !== undefined ? null : raw.trim() === '' ? 'no phone number' : PHONE_FORMAT_PROBLEM,
	};
}
