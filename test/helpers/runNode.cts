import './n8nEnv.cjs';
import { ExecuteContext } from 'n8n-core';
import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	IRunExecutionData,
} from 'n8n-workflow';
import type { TestWorkflow, TestWorkflowOptions } from './workflow.cjs';
import { buildTestWorkflow } from './workflow.cjs';

export interface RunNodeOptions extends TestWorkflowOptions {
	/** Input items (plain JSON objects or full items); one empty item by default. */
	items?: Array<IDataObject | INodeExecutionData>;
}

export interface RunNodeResult {
	/** What `execute()` returned, or null when it threw. */
	output: INodeExecutionData[][] | null;
	/** What `execute()` threw. */
	error?: Error & IDataObject;
	/** The first output's items (empty when it threw). */
	items: INodeExecutionData[];
	/** The first output's JSON, for short assertions. */
	json: IDataObject[];
	context: ExecuteContext;
	harness: TestWorkflow;
}

function toItem(item: IDataObject | INodeExecutionData): INodeExecutionData {
	const isItem = typeof item.json === 'object' && item.json !== null && !Array.isArray(item.json);
	return isItem ? (item as INodeExecutionData) : { json: item as IDataObject };
}

/**
 * Runs the node's real `execute()` inside n8n-core's real ExecuteContext: parameters resolved
 * (expressions included) by n8n, credentials through `getCredentials`, HTTP through n8n's own
 * `httpRequestWithAuthentication` to whatever server the credentials point at.
 */
export async function runNode(nodeType: INodeType, options: RunNodeOptions = {}): Promise<RunNodeResult> {
	if (!nodeType.execute) throw new Error(`${nodeType.description.name} has no execute()`);
	const harness = buildTestWorkflow(nodeType, options);
	const { workflow, node, additionalData } = harness;
	const items = (options.items ?? [{}]).map(toItem);
	const runExecutionData = {
		version: 1,
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			nodeExecutionStack: [],
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'manual',
		runExecutionData,
		0,
		items,
		{ main: [items] },
		{ node, data: { main: [items] }, source: { main: [{ previousNode: 'Input' }] } },
		[],
	);
	try {
		const output = (await nodeType.execute.call(context)) as INodeExecutionData[][];
		const first = output?.[0] ?? [];
		return { output, items: first, json: first.map((item) => item.json), context, harness };
	} catch (error) {
		return { output: null, error: error as Error & IDataObject, items: [], json: [], context, harness };
	}
}
