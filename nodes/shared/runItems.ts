import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** An item's result for an output other than the first (nodes with several named outputs). */
export class ToOutput {
	constructor(
		readonly output: number,
		readonly data: IDataObject | IDataObject[],
	) {}
}

/** One operation on one item; it never loops over items and never catches to continue. */
export type ItemOperation = (
	this: IExecuteFunctions,
	itemIndex: number,
) => Promise<IDataObject | IDataObject[] | ToOutput>;

export interface RunItemsOptions {
	/** Items whose requests may be in flight at once; 1 (the default) runs them one after another. */
	maxInFlight?: number;
	/** How many outputs the node has now (default 1). Continue On Fail errors go to the first, as in n8n's If and Switch. */
	outputs?: number;
}

type NodeError = NodeApiError | NodeOperationError;

/** The error as n8n shows it, tied to its item; other errors are wrapped, never rethrown raw. */
function nodeErrorFor(context: IExecuteFunctions, error: unknown, itemIndex: number): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * The item loop of every HuskyVoice node with operations: runs `operation` once per input item,
 * pairs each output with its input and keeps input order. On a failure it either stops (requests
 * already sent finish; the first failing item's error is thrown) or, with Continue On Fail, emits
 * `{ error, description }` paired with the failing item and carries on.
 */
export async function runItems(
	context: IExecuteFunctions,
	operation: ItemOperation,
	options: RunItemsOptions = {},
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const continueOnFail = context.continueOnFail();
	const results: Array<{ output: number; items: INodeExecutionData[] }> = new Array(items.length);
	let failure: { itemIndex: number; error: NodeError } | undefined;
	let next = 0;

	const runItem = async (itemIndex: number): Promise<void> => {
		try {
			const result = await operation.call(context, itemIndex);
			const routed = result instanceof ToOutput ? result : new ToOutput(0, result);
			results[itemIndex] = {
				output: routed.output,
				items: context.helpers.constructExecutionMetaData(context.helpers.returnJsonArray(routed.data), {
					itemData: { item: itemIndex },
				}),
			};
		} catch (caught) {
			const error = nodeErrorFor(context, caught, itemIndex);
			if (continueOnFail) {
				const json: IDataObject = { error: error.message };
				if (error.description) json.description = error.description;
				results[itemIndex] = {
					output: 0,
					items: context.helpers.constructExecutionMetaData(context.helpers.returnJsonArray(json), {
						itemData: { item: itemIndex },
					}),
				};
			} else if (!failure || itemIndex < failure.itemIndex) {
				failure = { itemIndex, error };
			}
		}
	};

	const worker = async (): Promise<void> => {
		while (next < items.length && !failure) await runItem(next++);
	};
	const workers = Math.max(1, Math.min(options.maxInFlight ?? 1, items.length));
	await Promise.all(Array.from({ length: workers }, worker));
	if (failure) throw failure.error;
	const outputs: INodeExecutionData[][] = Array.from({ length: Math.max(1, options.outputs ?? 1) }, () => []);
	for (const result of results) {
		const output = outputs[result.output];
		if (!output) throw new NodeOperationError(context.getNode(), `Output ${result.output} does not exist on this node`);
		output.push(...result.items);
	}
	return outputs;
}

/** Picks the operation for the node's `resource` and `operation` parameters and runs it per item. */
export async function routeItems(
	context: IExecuteFunctions,
	operations: Record<string, ItemOperation>,
	options: RunItemsOptions = {},
): Promise<INodeExecutionData[][]> {
	const resource = context.getNodeParameter('resource', 0) as string;
	const operation = context.getNodeParameter('operation', 0) as string;
	const execute = operations[`${resource}:${operation}`];
	if (!execute) {
		throw new NodeOperationError(
			context.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	return await runItems(context, execute, options);
}
