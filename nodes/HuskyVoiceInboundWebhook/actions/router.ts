import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { ItemOperation } from '../../shared/runItems';
import { runItems } from '../../shared/runItems';
import * as call from './call';

export type HuskyVoiceInboundOperation = ItemOperation;

const operations: Record<string, HuskyVoiceInboundOperation> = {
	'call:create': call.create.execute,
	'call:cancel': call.cancel.execute,
	'call:delete': call.delete.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[`${resource}:${operation}`];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return await runItems(this, execute);
}
