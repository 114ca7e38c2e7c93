/**
 * Helpers shared by the HuskyVoice end-to-end suites (nodes, examples, screenshots) and the
 * `npm start` demo: node type names, credentials pointed at a sandbox, one-node workflows run
 * for real, signed deliveries, and a small client for the sandbox's admin API.
 */
import { createHmac, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Credential, Execution, N8nApi, N8nStack, StackOptions, Workflow, WorkflowNode } from './runner/index.cjs';
import { nodeOutput, request, repoRoot, sleep, startN8nStack, waitFor } from './runner/index.cjs';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/sandbox.cjs';

export const PACKAGE = 'n8n-nodes-huskyvoice';
export const NODE_TYPES = {
	action: `${PACKAGE}.huskyVoice`,
	trigger: `${PACKAGE}.huskyVoiceTrigger`,
	inbound: `${PACKAGE}.huskyVoiceInboundWebhook`,
} as const;
export const CREDENTIAL_TYPES = {
	api: 'huskyVoiceApi',
	webhookSecret: 'huskyVoiceWebhookSecretApi',
	inbound: 'huskyVoiceInboundWebhookApi',
} as const;

/** What the e2e suites and the demo need to know about the HuskyVoice server they talk to. */
export interface HuskyTarget {
	/** e.g. http://127.0.0.1:4010/v1 */
	baseUrl: string;
	apiKey: string;
	/** Hook token (or the whole inbound URL); omitted when none is known. */
	inboundToken?: string;
	inboundSigningSecret?: string;
}

export interface HuskyCredentials {
	api: Credential;
	inbound?: Credential;
	/** n8n's Header Auth for the during-call lookup example's Webhook, and the header it expects. */
	lookupHeader?: { credential: Credential; name: string; value: string };
	/** n8n's Bearer Auth for the MCP example's MCP Server Trigger, and the token a client must send. */
	mcpBearer?: { credential: Credential; token: string };
}

export function credentialRef(c: Credential): { id: string; name: string } {
	return { id: c.id, name: c.name };
}

/** Creates the HuskyVoice API credential and (when a token is known) the Inbound Webhook credential. */
export async function createHuskyCredentials(api: N8nApi, target: HuskyTarget, prefix = 'HuskyVoice'): Promise<HuskyCredentials> {
	const created = await api.createCredential({
		name: `${prefix} API`,
		type: CREDENTIAL_TYPES.api,
		data: { apiKey: target.apiKey, baseUrl: target.baseUrl },
	});
	let inbound: Credential | undefined;
	if (target.inboundToken) {
		const data: Record<string, unknown> = { token: target.inboundToken, baseUrl: target.baseUrl };
		if (target.inboundSigningSecret) data.signingSecret = target.inboundSigningSecret;
		inbound = await api.createCredential({ name: `${prefix} Inbound Webhook`, type: CREDENTIAL_TYPES.inbound, data });
	}
	const header = { name: 'X-Lookup-Key', value: `lookup_${randomUUID().replace(/-/g, '')}` };
	const lookup = await api.createCredential({ name: `${prefix} lookup header`, type: 'httpHeaderAuth', data: header });
	const token = `mcp_${randomUUID().replace(/-/g, '')}`;
	const bearer = await api.createCredential({ name: `${prefix} MCP bearer token`, type: 'httpBearerAuth', data: { token } });
	return { api: created, inbound, lookupHeader: { credential: lookup, ...header }, mcpBearer: { credential: bearer, token } };
}

/** `Manual Trigger → <node>`: the smallest workflow that runs one of our action nodes for real. */
export function oneNodeWorkflow(name: string, node: Omit<WorkflowNode, 'position' | 'typeVersion'> & { typeVersion?: number }) {
	const full = { typeVersion: 1, position: [260, 0], ...node } as WorkflowNode;
	return {
		name,
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} },
			full,
		],
		connections: { Start: { main: [[{ node: full.name, type: 'main', index: 0 }]] } },
	};
}

/** Creates the one-node workflow, runs it like the editor's "Execute workflow" and returns the finished execution. */
export async function runOneNode(
	api: N8nApi,
	name: string,
	node: Omit<WorkflowNode, 'position' | 'typeVersion'> & { typeVersion?: number },
): Promise<{ workflow: Workflow; execution: Execution }> {
	const workflow = await api.createWorkflow(oneNodeWorkflow(name, node));
	const execution = await api.runManually(workflow.id, 'Start');
	return { workflow, execution };
}

export function hmacHex(secret: string, payload: string | Buffer): string {
	return createHmac('sha256', secret).update(payload).digest('hex');
}

/** A call.completed envelope as HuskyVoice sends it (fresh event id unless given). */
export function callCompletedEvent(callId: string, eventId = `evt_${randomUUID().replace(/-/g, '')}`): Record<string, unknown> {
	return {
		event_id: eventId,
		event_type: 'call.completed',
		created_at: new Date().toISOString(),
		org_id: 'org_e2e',
		data: {
			call_id: callId,
			agent_id: 'agent_e2e',
			status: 'completed',
			outcome: 'interested',
			call_analytics: { summary: 'Wants a demo', next_step: 'book_demo' },
		},
	};
}

/** POSTs exactly `body` to `url`, signed like HuskyVoice (X-Husky-Signature) with `secret` (or the given signature). */
export function deliverSigned(url: string, body: string, secret: string | null, signature?: string) {
	const headers: Record<string, string> = { 'content-type': 'application/json' };
	const sig = signature ?? (secret === null ? undefined : hmacHex(secret, body));
	if (sig !== undefined) headers['x-husky-signature'] = sig;
	return request('POST', url, { body, headers });
}

/** Client for the sandbox's `/__admin` API (plain JSON, no auth). */
export class SandboxAdmin {
	constructor(readonly adminUrl: string) {}

	async call<T = any>(method: string, p: string, body?: unknown): Promise<T> {
		const r = await request(method, `${this.adminUrl}${p}`, { body: body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}) });
		if (r.status >= 400) throw new Error(`sandbox admin ${method} ${p} → ${r.status}: ${r.text.slice(0, 500)}`);
		return r.json<T>();
	}

	facts(): Promise<Record<string, any>> {
		return this.call('GET', '');
	}
	webhooks(): Promise<Array<{ id: string; url: string; events: string[]; secret: string; created_via: string }>> {
		return this.call('GET', '/webhooks');
	}
	addWebhook(url: string, events: string[]): Promise<{ id: string; url: string; events: string[]; secret: string }> {
		return this.call('POST', '/webhooks', { url, events });
	}
	deleteWebhook(id: string): Promise<unknown> {
		return this.call('DELETE', `/webhooks/${id}`);
	}
	calls(): Promise<Array<Record<string, any>>> {
		return this.call('GET', '/calls');
	}
	getCall(id: string): Promise<Record<string, any>> {
		return this.call('GET', `/calls/${id}`);
	}
	advance(id: string, to?: string): Promise<Record<string, any>> {
		return this.call('POST', `/calls/${id}/advance`, to ? { to } : {});
	}
	appointments(): Promise<Array<Record<string, any>>> {
		return this.call('GET', '/appointments');
	}
	async appointment(id: string): Promise<Record<string, any> | undefined> {
		return (await this.appointments()).find((a) => a.appointment_id === id);
	}
	requests(q: { method?: string; path?: string } = {}): Promise<Array<Record<string, any>>> {
		const s = new URLSearchParams(Object.entries(q).filter(([, v]) => v) as Array<[string, string]>);
		return this.call('GET', `/requests${s.size ? `?${s}` : ''}`);
	}
	deliveries(eventId?: string): Promise<Array<Record<string, any>>> {
		return this.call('GET', `/deliveries${eventId ? `?event_id=${encodeURIComponent(eventId)}` : ''}`);
	}
	events(): Promise<Array<{ event_id: string; event_type: string; created_at: string; raw: string }>> {
		return this.call('GET', '/events');
	}
	emit(body: { event_type: string; call_id?: string; appointment_id?: string; slot_id?: string; data?: unknown; wait?: boolean }) {
		return this.call<{ event_id: string; subscribers: number; deliveries: Array<Record<string, any>> }>('POST', '/events', body);
	}
	redeliver(eventId: string, wait = true) {
		return this.call('POST', `/events/${eventId}/redeliver`, { wait });
	}
	config(patch?: Record<string, unknown>): Promise<Record<string, any>> {
		return patch ? this.call('POST', '/config', patch) : this.call('GET', '/config');
	}
	rawDelivery(url: string, body: string, headers: Record<string, string> = {}) {
		return this.call<{ status: number; responseBody?: string; error?: string }>('POST', '/raw-delivery', { url, body, headers });
	}
	/** Waits until every delivery attempt of `eventId` is answered and returns them. */
	async settledDeliveries(eventId: string, count = 1, timeoutMs = 30_000): Promise<Array<Record<string, any>>> {
		return waitFor(
			`${count} answered deliveries of ${eventId}`,
			async () => {
				const d = await this.deliveries(eventId);
				return d.length >= count && d.every((x) => x.status !== undefined) ? d : undefined;
			},
			{ timeoutMs, intervalMs: 150 },
		);
	}
}

/** An endpoint added in the sandbox's dashboard for a Manual-registration trigger, and the credential holding its secret. */
export interface DashboardEndpoint {
	/** The trigger node's name. */
	node: string;
	/** Its Production URL, as registered. */
	url: string;
	endpointId: string;
	credential: Credential;
}

/** What a user does in HuskyVoice's dashboard for one URL: add the endpoint, store its signing secret in a credential. */
async function addDashboardEndpoint(
	stack: N8nStack,
	admin: SandboxAdmin,
	o: { node: string; url: string; events: string[]; credentialName: string },
): Promise<DashboardEndpoint> {
	const endpoint = await admin.addWebhook(o.url, o.events);
	const credential = await stack.api.createCredential({
		name: o.credentialName,
		type: CREDENTIAL_TYPES.webhookSecret,
		data: { signingSecret: endpoint.secret },
	});
	return { node: o.node, url: o.url, endpointId: endpoint.id, credential };
}

/** The Production URL n8n gives a HuskyVoice Trigger (its webhook path is `webhook`). */
export function triggerProductionUrl(stack: N8nStack, webhookId: string): string {
	return `${stack.webhookBaseUrl}/webhook/${webhookId}/webhook`;
}

/**
 * Does for an imported workflow what its sticky notes ask a user to do: for every HuskyVoice
 * Trigger with Manual registration, adds the node's Production URL (with its events) as an endpoint
 * in the sandbox's dashboard, stores that endpoint's signing secret in a new credential, selects it
 * in the node and saves the workflow. Activate the workflow afterwards.
 */
export async function registerInSandboxDashboard(stack: N8nStack, admin: SandboxAdmin, workflow: Workflow): Promise<DashboardEndpoint[]> {
	const nodes = structuredClone(workflow.nodes);
	const added: DashboardEndpoint[] = [];
	for (const node of nodes) {
		if (node.type !== NODE_TYPES.trigger || node.parameters?.registration !== 'manual') continue;
		if (!node.webhookId) throw new Error(`"${node.name}" in "${workflow.name}" has no webhookId, so it has no Production URL yet`);
		const endpoint = await addDashboardEndpoint(stack, admin, {
			node: node.name,
			url: triggerProductionUrl(stack, node.webhookId),
			events: (node.parameters.events as string[] | undefined) ?? [],
			credentialName: `HuskyVoice Webhook Signing Secret (${workflow.name} › ${node.name})`,
		});
		node.credentials = { [CREDENTIAL_TYPES.webhookSecret]: credentialRef(endpoint.credential) };
		added.push(endpoint);
	}
	if (added.length) await stack.api.updateWorkflow(workflow.id, { ...workflow, nodes });
	return added;
}

/**
 * A HuskyVoice Trigger in Manual mode: its endpoint added in the sandbox "dashboard" as a user
 * would, the endpoint's secret stored in a signing-secret credential, the workflow created.
 */
export async function createManualTriggerWorkflow(
	stack: N8nStack,
	admin: SandboxAdmin,
	opts: { name: string; credentialName: string; events: string[]; options?: Record<string, unknown>; nextNode?: string },
) {
	const webhookId = randomUUID();
	const { url, endpointId, credential } = await addDashboardEndpoint(stack, admin, {
		node: 'HuskyVoice Trigger',
		url: triggerProductionUrl(stack, webhookId),
		events: opts.events,
		credentialName: opts.credentialName,
	});
	const trigger: WorkflowNode = {
		name: 'HuskyVoice Trigger',
		type: NODE_TYPES.trigger,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters: { registration: 'manual', events: opts.events, options: opts.options ?? {} },
		credentials: { [CREDENTIAL_TYPES.webhookSecret]: credentialRef(credential) },
	};
	const next: WorkflowNode[] = opts.nextNode
		? [{ name: opts.nextNode, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [240, 0], parameters: {} }]
		: [];
	const workflow = await stack.api.createWorkflow({
		name: opts.name,
		nodes: [trigger, ...next],
		connections: opts.nextNode
			? { 'HuskyVoice Trigger': { main: [[{ node: opts.nextNode, type: 'main', index: 0 }]] } }
			: {},
	});
	return { workflow, url, endpoint: { id: endpointId }, credential };
}

export interface HuskyStackOptions {
	/** Signing secret the sandbox enforces on its inbound hook; without it no inbound credential is made. */
	inboundSigningSecret?: string;
	sandbox?: SandboxOptions;
	queueMode?: boolean;
	credentialPrefix?: string;
	/** Every n8n process on a clock the test moves (runner StackOptions.shiftedClock); `stack.clock` moves it. */
	shiftedClock?: StackOptions['shiftedClock'];
}

/**
 * The sandbox, a real n8n with the package, and credentials wired to the sandbox. If a step fails,
 * what was already started is stopped before the error is rethrown: the suite never receives it,
 * so its afterAll could not stop it, and jest would hang on the live sandbox and n8n.
 */
export async function startHuskyStack(label: string, o: HuskyStackOptions = {}) {
	const sandbox: Sandbox = await startSandbox({ ...o.sandbox, inboundSigningSecret: o.inboundSigningSecret });
	let stack: N8nStack | undefined;
	try {
		stack = await startN8nStack({ label, queueMode: o.queueMode, shiftedClock: o.shiftedClock });
		await assertPackageLoaded(stack);
		const creds = await createHuskyCredentials(
			stack.api,
			{
				baseUrl: sandbox.baseUrl,
				apiKey: sandbox.apiKey,
				...(o.inboundSigningSecret ? { inboundToken: sandbox.inboundToken, inboundSigningSecret: o.inboundSigningSecret } : {}),
			},
			o.credentialPrefix,
		);
		return { sandbox, admin: new SandboxAdmin(sandbox.adminUrl), stack, creds };
	} catch (e) {
		await stack?.stop();
		await sandbox.stop();
		throw e;
	}
}

/** Executions of a workflow right now (any status), newest first. */
export async function executionsOf(api: N8nApi, workflowId: string, includeData = false): Promise<Execution[]> {
	return api.listExecutions({ workflowId, includeData });
}

/**
 * Waits `quietMs` and returns the workflow's executions: used to show that something did NOT
 * start an execution (n8n saves a webhook execution within ~100 ms here; 1.5 s is generous).
 */
export async function executionsAfterQuiet(api: N8nApi, workflowId: string, quietMs = 1500): Promise<Execution[]> {
	await sleep(quietMs);
	return executionsOf(api, workflowId);
}

// ---------- example workflows ----------

export const EXAMPLES_DIR = path.join(repoRoot(), 'examples');

export interface ExampleFile {
	file: string;
	name: string;
	workflow: Record<string, any>;
}

export function loadExamples(): ExampleFile[] {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => {
			const workflow = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, f), 'utf8'));
			return { file: f, name: workflow.name as string, workflow };
		});
}

/**
 * Rewires an exported workflow for import: every credential reference of a HuskyVoice type
 * points to the given credential; webhook ids are kept (they name the production URLs).
 */
export function wireExample(workflow: Record<string, any>, creds: Partial<Record<string, Credential>>): Record<string, any> {
	const wf = structuredClone(workflow);
	for (const node of wf.nodes as WorkflowNode[]) {
		for (const type of Object.keys(node.credentials ?? {})) {
			const c = creds[type];
			if (c) node.credentials![type] = credentialRef(c);
			else delete node.credentials![type];
		}
	}
	return wf;
}

export interface ImportedExample extends ExampleFile {
	id: string;
	active: boolean;
	/** Production webhook URLs by node name (after activation). */
	webhookUrls: Record<string, string>;
	/** Endpoints added in the sandbox's dashboard for its Manual-registration triggers (with `dashboard`). */
	endpoints: DashboardEndpoint[];
}

/**
 * Imports every example through the public API with its credentials rewired. With `dashboard`
 * (the sandbox's admin client) its Manual-registration triggers are registered there
 * (registerInSandboxDashboard). Activates those with a trigger or webhook when `activate`
 * (waiting until they are really live).
 */
export async function importExamples(
	stack: N8nStack,
	creds: HuskyCredentials,
	{ activate = true, dashboard }: { activate?: boolean; dashboard?: SandboxAdmin } = {},
): Promise<ImportedExample[]> {
	const out: ImportedExample[] = [];
	for (const ex of loadExamples()) {
		const wf = await stack.api.createWorkflow(
			wireExample(ex.workflow, {
				[CREDENTIAL_TYPES.api]: creds.api,
				[CREDENTIAL_TYPES.inbound]: creds.inbound,
				httpHeaderAuth: creds.lookupHeader?.credential,
				httpBearerAuth: creds.mcpBearer?.credential,
			}),
		);
		const endpoints = dashboard ? await registerInSandboxDashboard(stack, dashboard, wf) : [];
		const webhookUrls: Record<string, string> = {};
		if (activate) {
			const { webhooks } = await stack.activateAndWait(wf.id);
			for (const w of webhooks) webhookUrls[w.node] = w.url;
		}
		out.push({ ...ex, id: wf.id, active: activate, webhookUrls, endpoints });
	}
	return out;
}

/** Waits for an execution of `workflowId` in which `nodeName` produced an item matching `match`; returns it. */
export async function waitForNodeOutput(
	api: N8nApi,
	workflowId: string,
	nodeName: string,
	match: (item: Record<string, any>) => boolean = () => true,
	{ timeoutMs = 30_000 } = {},
): Promise<{ execution: Execution; item: Record<string, any> }> {
	return waitFor(
		`an execution of ${workflowId} where "${nodeName}" output a matching item`,
		async () => {
			for (const execution of await api.listExecutions({ workflowId, includeData: true })) {
				const item = nodeOutput(execution, nodeName).find(match);
				if (item) return { execution, item };
			}
			return undefined;
		},
		{ timeoutMs, intervalMs: 300 },
	);
}

/** Fails fast, with the likely reason, when n8n did not load the package (e.g. dist/ rebuilt while it was packed). */
export async function assertPackageLoaded(stack: N8nStack): Promise<void> {
	const names = new Set((await stack.api.getNodeTypes()).map((t) => t.name));
	const missing = Object.values(NODE_TYPES).filter((n) => !names.has(n));
	if (missing.length) {
		throw new Error(
			`n8n did not load ${missing.join(', ')} — is dist/ built (npm run build) and was it complete when the package was packed? See ${stack.logDir}`,
		);
	}
}
