import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { listServices } from '../../../shared/services';
import { returnAllFields } from '../common.descriptions';
import { toolDescriptionField } from '../../../shared/toolDescription';

const properties: INodeProperties[] = [
	...returnAllFields,
	toolDescriptionField(
		'List the services (appointment types) patients can book, each with service_id and name. Use it to match what the patient asks for (e.g. a consultation) to a service before checking availability or booking. Inputs, optional: Return All (true for every service) or Limit (how many). If it fails because the API key lacks a scope, tell the user to fix the HuskyVoice credential.',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['service'], operation: ['getMany'] } },
	properties,
);

/** One item per service, each with `service_id` and `name` whatever shape HuskyVoice answered in. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const services = await listServices.call(this, itemIndex);
	if (this.getNodeParameter('returnAll', itemIndex, false) as boolean) return services;
	return services.slice(0, Number(this.getNodeParameter('limit', itemIndex, 50)));
}
