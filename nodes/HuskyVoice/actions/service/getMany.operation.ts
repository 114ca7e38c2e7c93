import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { listServices } from '../../../shared/services';
import { returnAllFields } from '../common.descriptions';

const properties: INodeProperties[] = [...returnAllFields];

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
