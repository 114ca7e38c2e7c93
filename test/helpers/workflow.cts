import './n8nEnv.cjs';
import type {
	IDataObject,
	INode,
	INodeParameters,
	INodeType,
	INodeTypes,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import type { TestCredentials } from './credentials.cjs';
import { TestCredentialsHelper } from './credentials.cjs';

export interface TestWorkflowOptions {
	/** The node's parameters as a user would set them; the description's defaults fill the rest. */
	parameters?: INodeParameters | Record<string, unknown>;
	/** Credentials by type name, e.g. `huskyVoiceApiCredentials(sandbox)`. */
	credentials?: TestCredentials;
	/** The id n8n would give the stored credential (`test-<type>` by default); pacing state is keyed by it. */
	credentialId?: string;
	/** The node's "On Error → Continue" setting. */
	continueOnFail?: boolean;
	nodeName?: string;
	nodeId?: string;
	workflowId?: string;
	executionId?: string;
	typeVersion?: number;
	/** Workflow static data (shared by reference, so a test can read what the node stored). */
	staticData?: IDataObject;
	/** Base of the production webhook URLs (`getNodeWebhookUrl('default')`). */
	webhookBaseUrl?: string;
	webhookTestBaseUrl?: string;
	/** The node's webhookId (the path segment n8n gives every webhook node). */
	webhookId?: string;
	timezone?: string;
}

export interface TestWorkflow {
	workflow: Workflow;
	node: INode;
	nodeType: INodeType;
	additionalData: IWorkflowExecuteAdditionalData;
	credentialsHelper: TestCredentialsHelper;
}

const TEST_NODE_TYPE = 'CUSTOM.testNode';

/** A one-node workflow as n8n would build it for `nodeType`, with parameters resolved like the editor does. */
export function buildTestWorkflow(nodeType: INodeType, options: TestWorkflowOptions = {}): TestWorkflow {
	const description = nodeType.description;
	const version = options.typeVersion ??
		(Array.isArray(description.version) ? Math.max(...description.version) : description.version);
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	const credentials: INode['credentials'] = {};
	for (const type of Object.keys(options.credentials ?? {})) {
		credentials[type] = { id: options.credentialId ?? `test-${type}`, name: `Test ${type}` };
	}
	const node: INode = {
		id: options.nodeId ?? 'test-node-id',
		name: options.nodeName ?? description.defaults.name ?? description.displayName,
		type: TEST_NODE_TYPE,
		typeVersion: version,
		position: [0, 0],
		parameters: {},
		credentials,
		continueOnFail: options.continueOnFail ?? false,
		onError: options.continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
		webhookId: options.webhookId ?? 'test-webhook-id',
	};
	node.parameters =
		NodeHelpers.getNodeParameters(
			description.properties,
			(options.parameters ?? {}) as INodeParameters,
			true,
			false,
			node,
			description,
		) ??
		{};
	const workflow = new Workflow({
		id: options.workflowId ?? 'test-workflow-id',
		name: 'Test workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		staticData: options.staticData,
		settings: { timezone: options.timezone ?? 'UTC' },
	});
	const credentialsHelper = new TestCredentialsHelper(options.credentials ?? {});
	const additionalData = {
		credentialsHelper,
		executionId: options.executionId ?? 'test-execution-id',
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		webhookBaseUrl: options.webhookBaseUrl ?? 'http://127.0.0.1:5678/webhook',
		webhookTestBaseUrl: options.webhookTestBaseUrl ?? 'http://127.0.0.1:5678/webhook-test',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
	return { workflow, node, nodeType, additionalData, credentialsHelper };
}
