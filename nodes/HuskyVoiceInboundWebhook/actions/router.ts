import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { ItemOperation } from '../../shared/runItems';
import { routeItems } from '../../shared/runItems';
import * as call from './call';

export type HuskyVoiceInboundOperation = ItemOperation;

const operations: Record<string, HuskyVoiceInboundOperation> = {
	'call:create': call.create.execute,
	'call:cancel': call.cancel.execute,
	'call:delete': call.delete.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeItems(this, operations);
}
