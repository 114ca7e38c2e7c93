/**
 * Client for a running n8n 2.41: the internal REST API (`/rest`, cookie `n8n-auth`, answers
 * wrapped in `{ data }`) and the public API (`/api/v1`, header `X-N8N-API-KEY`).
 *
 * Request bodies were checked against n8n 2.41.1's DTOs (@n8n/api-types):
 *  - POST /rest/owner/setup   { email, firstName, lastName, password (8-64, a digit, an uppercase) }
 *  - POST /rest/api-keys      { label (1-50), scopes: string[] (≥1, allowed for the role), expiresAt: number|null (unix s) }
 *    the allowed scopes come from GET /rest/api-keys/scopes; the answer's `rawApiKey` is the key
 *  - POST /rest/login         { emailOrLdapLoginId, password }
 *  - POST /api/v1/workflows   strict: name, nodes, connections, settings (+ staticData, pinData, …)
 *  - POST /rest/workflows/:id/run  { triggerToStartFrom: { name } } or { destinationNode: { nodeName, mode } }
 * Activation (`POST /api/v1/workflows/:id/activate`) is asynchronous in 2.41: it goes through a
 * publication outbox; `GET /rest/workflows/:id/publication-status` tells when it settled.
 *
 * n8n 1.x (1.123): activation is synchronous (the activate call answers 400 with the trigger's
 * error), there is no publication status; a manual run needs the workflow in the body
 * (`workflowData` with its id). The client reads the version from /rest/settings once.
 */
import { HttpResponse, request } from './http.cjs';
import { sleep, waitFor } from './util.cjs';

export interface OwnerAccount {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const DEFAULT_OWNER: OwnerAccount = {
	email: 'owner@example.com',
	password: 'HuskyE2e-Passw0rd',
	firstName: 'Husky',
	lastName: 'Owner',
};

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	disabled?: boolean;
	[k: string]: unknown;
}

export interface WorkflowInput {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	staticData?: unknown;
	pinData?: Record<string, unknown> | null;
}

export interface Workflow extends WorkflowInput {
	id: string;
	active: boolean;
	versionId?: string;
	[k: string]: unknown;
}

export interface Credential {
	id: string;
	name: string;
	type: string;
	[k: string]: unknown;
}

export interface Execution {
	id: string;
	workflowId: string;
	status: 'canceled' | 'crashed' | 'error' | 'new' | 'running' | 'success' | 'unknown' | 'waiting';
	mode: string;
	finished: boolean;
	startedAt: string;
	stoppedAt: string | null;
	/** With includeData: the run data (`data.resultData.runData[nodeName][run].data.main[output][item].json`). */
	data?: any;
	[k: string]: unknown;
}

export interface PublicationStatus {
	status: 'in_progress' | 'not_published' | 'published' | 'partial' | 'failed';
	liveVersionId: string | null;
	pendingVersionId: string | null;
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

export interface NodeTypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	group: string[];
	icon?: unknown;
	iconUrl?: unknown;
	usableAsTool?: unknown;
	credentials?: Array<{ name: string; required?: boolean }>;
	webhooks?: unknown[];
	[k: string]: unknown;
}

export class N8nApiError extends Error {
	constructor(
		readonly method: string,
		readonly path: string,
		readonly response: HttpResponse,
	) {
		super(`${method} ${path} → ${response.status}: ${response.text.slice(0, 1000)}`);
	}
	get status(): number {
		return this.response.status;
	}
}

/** Fields the public API accepts on create/update (it rejects unknown keys). */
const WORKFLOW_WRITE_KEYS = ['name', 'nodes', 'connections', 'settings', 'staticData', 'pinData', 'nodeGroups', 'projectId', 'parentFolderId'];

export class N8nApi {
	cookie?: string;
	apiKey?: string;

	/** @param baseUrl e.g. http://127.0.0.1:5678 (no trailing slash) */
	constructor(readonly baseUrl: string) {}

	// ---------- low level ----------

	/** Internal REST API with the session cookie; returns the unwrapped `data`. */
	async rest<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		const r = await this.restRaw(method, path, body);
		if (r.status >= 400) throw new N8nApiError(method, `/rest${path}`, r);
		if (!r.text) return undefined as T;
		const j = r.json();
		return (j && typeof j === 'object' && 'data' in j ? j.data : j) as T;
	}

	async restRaw(method: string, path: string, body?: unknown): Promise<HttpResponse> {
		const r = await request(method, `${this.baseUrl}/rest${path}`, {
			body,
			headers: { cookie: this.cookie ? `n8n-auth=${this.cookie}` : undefined },
		});
		this.takeCookie(r);
		return r;
	}

	/** Public API (`/api/v1`) with the API key. */
	async pub<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		const r = await this.pubRaw(method, path, body);
		if (r.status >= 400) throw new N8nApiError(method, `/api/v1${path}`, r);
		return (r.text ? r.json() : undefined) as T;
	}

	async pubRaw(method: string, path: string, body?: unknown): Promise<HttpResponse> {
		if (!this.apiKey) throw new Error('no API key: call createApiKey() first');
		return request(method, `${this.baseUrl}/api/v1${path}`, { body, headers: { 'x-n8n-api-key': this.apiKey } });
	}

	private takeCookie(r: HttpResponse): void {
		for (const c of r.headers['set-cookie'] ?? []) {
			const m = /^n8n-auth=([^;]*)/.exec(c);
			if (m) this.cookie = m[1] || undefined;
		}
	}

	// ---------- users / keys ----------

	/** Creates the instance owner (first start only) and keeps the session cookie. */
	async setupOwner(owner: OwnerAccount = DEFAULT_OWNER): Promise<{ id: string; email: string }> {
		const user = await this.rest('POST', '/owner/setup', owner);
		if (!this.cookie) throw new Error('owner setup did not return an n8n-auth cookie');
		return user;
	}

	async login(email: string, password: string): Promise<void> {
		await this.rest('POST', '/login', { emailOrLdapLoginId: email, password });
		if (!this.cookie) throw new Error('login did not return an n8n-auth cookie');
	}

	/** Creates a public-API key with every scope the owner may grant; keeps and returns the raw key. */
	async createApiKey(label = 'e2e'): Promise<string> {
		const scopes = await this.rest<string[]>('GET', '/api-keys/scopes');
		const created = await this.rest<{ rawApiKey: string }>('POST', '/api-keys', { label, scopes, expiresAt: null });
		if (!created?.rawApiKey) throw new Error('POST /rest/api-keys returned no rawApiKey');
		this.apiKey = created.rawApiKey;
		return this.apiKey;
	}

	// ---------- node types ----------

	/** Every node type the editor sees (GET /types/nodes.json, session cookie), incl. generated `…Tool` variants. */
	async getNodeTypes(): Promise<NodeTypeDescription[]> {
		const r = await request('GET', `${this.baseUrl}/types/nodes.json`, {
			headers: { cookie: this.cookie ? `n8n-auth=${this.cookie}` : undefined },
		});
		if (r.status !== 200) throw new N8nApiError('GET', '/types/nodes.json', r);
		return r.json();
	}

	/** Every credential type (GET /types/credentials.json). */
	async getCredentialTypes(): Promise<Array<{ name: string; displayName: string; [k: string]: unknown }>> {
		const r = await request('GET', `${this.baseUrl}/types/credentials.json`, {
			headers: { cookie: this.cookie ? `n8n-auth=${this.cookie}` : undefined },
		});
		if (r.status !== 200) throw new N8nApiError('GET', '/types/credentials.json', r);
		return r.json();
	}

	// ---------- credentials ----------

	async createCredential(c: { name: string; type: string; data: Record<string, unknown> }): Promise<Credential> {
		return this.pub('POST', '/credentials', { ...c, data: await this.withV1CredentialDefaults(c.type, c.data) });
	}

	/**
	 * n8n 1.x's public API requires `allowedDomains` for some credential types unless
	 * `allowedHttpRequestDomains` is given (a JSON-schema `if` on an absent property), and refuses
	 * that field for others (e.g. httpHeaderAuth): the type's own API schema
	 * (GET /credentials/schema/:type) says which. The editor saves `all` by default; so does this.
	 */
	private async withV1CredentialDefaults(type: string, data: Record<string, unknown>): Promise<Record<string, unknown>> {
		if ((await this.n8nMajor()) >= 2 || 'allowedHttpRequestDomains' in data) return data;
		const schema = await this.pub<{ properties?: Record<string, unknown> }>('GET', `/credentials/schema/${encodeURIComponent(type)}`);
		return schema?.properties && 'allowedHttpRequestDomains' in schema.properties ? { ...data, allowedHttpRequestDomains: 'all' } : data;
	}

	/** Updates a credential's data (public API PATCH; replaces `data` as given). */
	updateCredential(id: string, c: { name?: string; type?: string; data?: Record<string, unknown> }): Promise<Credential> {
		return this.pub('PATCH', `/credentials/${id}`, c);
	}

	deleteCredential(id: string): Promise<unknown> {
		return this.pub('DELETE', `/credentials/${id}`);
	}

	// ---------- workflows ----------

	async createWorkflow(wf: WorkflowInput | Record<string, unknown>): Promise<Workflow> {
		return this.pub('POST', '/workflows', workflowBody(wf, await this.n8nMajor()));
	}

	getWorkflow(id: string): Promise<Workflow> {
		return this.pub('GET', `/workflows/${id}`);
	}

	async updateWorkflow(id: string, wf: WorkflowInput | Record<string, unknown>): Promise<Workflow> {
		return this.pub('PUT', `/workflows/${id}`, workflowBody(wf, await this.n8nMajor()));
	}

	deleteWorkflow(id: string): Promise<Workflow> {
		return this.pub('DELETE', `/workflows/${id}`);
	}

	/**
	 * POST /api/v1/workflows/:id/activate. NOTE: answers 200 before the triggers are really
	 * registered (and even when registration will fail) — use `activateAndWait`.
	 */
	activateWorkflow(id: string): Promise<Workflow> {
		return this.pub('POST', `/workflows/${id}/activate`, {});
	}

	deactivateWorkflow(id: string): Promise<Workflow> {
		return this.pub('POST', `/workflows/${id}/deactivate`);
	}

	/** GET /rest/workflows/:id/publication-status (cookie). n8n 1.x has none: its activate call already settled it. */
	async publicationStatus(id: string): Promise<PublicationStatus> {
		if ((await this.n8nMajor()) < 2) return { status: 'published', liveVersionId: null, pendingVersionId: null, triggers: [] };
		return this.rest('GET', `/workflows/${id}/publication-status`);
	}

	private major?: Promise<number>;
	/** The major version of the n8n answering (GET /rest/settings → versionCli). */
	n8nMajor(): Promise<number> {
		this.major ??= this.rest<{ versionCli?: string }>('GET', '/settings').then((s) => Number((s?.versionCli ?? '2').split('.')[0]));
		return this.major;
	}

	/**
	 * Activates and waits until n8n's publication settled. Resolves when every trigger is
	 * activated (status `published`); rejects with the trigger error messages otherwise (n8n
	 * retries a failing trigger several times, ~15 s, before it reports `failed`). Pass
	 * `webhookPaths` to also wait until those production webhook paths answer.
	 */
	async activateAndWait(
		id: string,
		o: { timeoutMs?: number; webhookPaths?: string[]; webhookBaseUrl?: string; allowPartial?: boolean } = {},
	): Promise<PublicationStatus> {
		const timeoutMs = o.timeoutMs ?? 60_000;
		await this.activateWorkflow(id);
		const st = await this.waitForPublication(id, { timeoutMs });
		if (st.status !== 'published' && !(o.allowPartial && st.status === 'partial')) {
			const why = st.triggers.map((t) => `${t.nodeId}: ${t.status}${t.errorMessage ? ` (${t.errorMessage})` : ''}`).join('; ');
			throw new Error(`activation of workflow ${id} ended "${st.status}": ${why || 'no trigger status'}`);
		}
		for (const p of o.webhookPaths ?? []) await this.waitForWebhook(p, { timeoutMs, baseUrl: o.webhookBaseUrl });
		return st;
	}

	/**
	 * Polls the publication status until it is no longer `in_progress`. On a loaded machine the
	 * first read can come before n8n's outbox picked the activation up: `not_published` with no
	 * trigger status and nothing pending. That is not an outcome yet, so it is read again for up
	 * to `unstartedMs`; a real failure reports its triggers (or `failed`).
	 */
	async waitForPublication(id: string, { timeoutMs = 60_000, unstartedMs = 15_000 } = {}): Promise<PublicationStatus> {
		const started = Date.now();
		await sleep(100);
		return waitFor(
			`publication of workflow ${id} to settle`,
			async () => {
				const st = await this.publicationStatus(id);
				if (st.status === 'in_progress') return undefined;
				const notPickedUp = st.status === 'not_published' && st.triggers.length === 0 && !st.liveVersionId;
				return notPickedUp && Date.now() - started < unstartedMs ? undefined : st;
			},
			{ timeoutMs, intervalMs: 250 },
		);
	}

	/**
	 * Waits until a production webhook path (or full URL) is registered in n8n — probed with a
	 * CORS preflight (OPTIONS + Origin), which n8n answers from its webhook table without running
	 * the workflow: a registered path lists its method in Access-Control-Allow-Methods.
	 * `{ gone: true }` waits for the opposite (after deactivation).
	 */
	async waitForWebhook(
		pathOrUrl: string,
		o: { method?: string; timeoutMs?: number; gone?: boolean; baseUrl?: string } = {},
	): Promise<void> {
		const method = (o.method ?? 'POST').toUpperCase();
		const url = /^https?:/.test(pathOrUrl)
			? pathOrUrl
			: `${o.baseUrl ?? this.baseUrl}/webhook/${pathOrUrl.replace(/^\/+/, '').replace(/^webhook\//, '')}`;
		await waitFor(
			`webhook ${method} ${url} to be ${o.gone ? 'removed' : 'registered'}`,
			async () => {
				const registered = await this.webhookRegistered(url, method);
				return o.gone ? !registered : registered;
			},
			{ timeoutMs: o.timeoutMs ?? 60_000, intervalMs: 200 },
		);
	}

	/** True when n8n has a production webhook for `url` and `method`. */
	async webhookRegistered(url: string, method = 'POST'): Promise<boolean> {
		const r = await request('OPTIONS', url, {
			headers: { origin: 'http://e2e-probe.invalid', 'access-control-request-method': method },
		});
		const allowed = String(r.headers['access-control-allow-methods'] ?? '')
			.split(',')
			.map((s) => s.trim().toUpperCase());
		return allowed.includes(method);
	}

	// ---------- executions ----------

	/** Lists executions (newest first), following the cursor up to `limit` (default 250). */
	async listExecutions(
		o: { workflowId?: string; includeData?: boolean; status?: Execution['status']; limit?: number } = {},
	): Promise<Execution[]> {
		const want = o.limit ?? 250;
		const out: Execution[] = [];
		let cursor: string | undefined;
		do {
			const q = new URLSearchParams();
			q.set('limit', String(Math.min(250, want - out.length)));
			if (o.workflowId) q.set('workflowId', o.workflowId);
			if (o.includeData) q.set('includeData', 'true');
			if (o.status) q.set('status', o.status);
			if (cursor) q.set('cursor', cursor);
			const page = await this.pub<{ data: Execution[]; nextCursor: string | null }>('GET', `/executions?${q}`);
			out.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor && out.length < want);
		return out;
	}

	getExecution(id: string, includeData = true): Promise<Execution> {
		return this.pub('GET', `/executions/${id}?includeData=${includeData}`);
	}

	/** Waits until the workflow has at least `count` finished executions (any final status unless given); returns them. */
	async waitForExecutions(
		workflowId: string,
		count = 1,
		o: { timeoutMs?: number; includeData?: boolean; status?: Execution['status'] } = {},
	): Promise<Execution[]> {
		return waitFor(
			`${count} finished execution(s) of workflow ${workflowId}`,
			async () => {
				const all = await this.listExecutions({ workflowId, includeData: o.includeData, status: o.status, limit: Math.max(250, count) });
				const done = all.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
				return done.length >= count ? done : undefined;
			},
			{ timeoutMs: o.timeoutMs ?? 60_000, intervalMs: 300 },
		);
	}

	/** Waits for one execution to finish and returns it with data. */
	waitForExecution(id: string, { timeoutMs = 60_000 } = {}): Promise<Execution> {
		return waitFor(
			`execution ${id} to finish`,
			async () => {
				const e = await this.getExecution(id, true).catch((err: unknown) => {
					if (err instanceof N8nApiError && err.status === 404) return undefined; // not saved yet
					throw err;
				});
				return e && !['new', 'running', 'waiting'].includes(e.status) ? e : undefined;
			},
			{ timeoutMs, intervalMs: 250 },
		);
	}

	/**
	 * Runs a saved workflow like the editor's "Execute workflow" button, starting from
	 * `triggerName` (e.g. a Manual Trigger node); returns the finished execution with data.
	 */
	async runManually(workflowId: string, triggerName: string, { timeoutMs = 60_000 } = {}): Promise<Execution> {
		const body: Record<string, unknown> = { triggerToStartFrom: { name: triggerName } };
		if ((await this.n8nMajor()) < 2) body.workflowData = await this.rest('GET', `/workflows/${workflowId}`);
		const r = await this.rest<{ executionId?: string; waitingForWebhook?: boolean }>('POST', `/workflows/${workflowId}/run`, body);
		if (!r?.executionId) throw new Error(`manual run of ${workflowId} returned no executionId: ${JSON.stringify(r)}`);
		return this.waitForExecution(r.executionId, { timeoutMs });
	}
}

/** n8n 1.x's public API knows fewer workflow fields (no pinData, nodeGroups, projectId, parentFolderId) and refuses the rest. */
const WORKFLOW_WRITE_KEYS_V1 = ['name', 'nodes', 'connections', 'settings', 'staticData'];

function workflowBody(wf: Record<string, any>, n8nMajor: number): Record<string, unknown> {
	const body: Record<string, unknown> = {};
	for (const k of n8nMajor < 2 ? WORKFLOW_WRITE_KEYS_V1 : WORKFLOW_WRITE_KEYS) if (wf[k] !== undefined) body[k] = wf[k];
	body.settings ??= { executionOrder: 'v1' };
	return body;
}

/** The JSON items a node produced in an execution (run 0, output 0 unless given). */
export function nodeOutput(exec: Execution, nodeName: string, { run = 0, output = 0 } = {}): Array<Record<string, any>> {
	const runData = exec.data?.resultData?.runData?.[nodeName];
	if (!runData) return [];
	return (runData[run]?.data?.main?.[output] ?? []).map((i: { json: Record<string, any> }) => i.json);
}

/** The error of a failed execution (message + node), if any. */
export function executionError(exec: Execution): { message: string; node?: string; description?: string } | undefined {
	const e = exec.data?.resultData?.error;
	if (!e) return undefined;
	return { message: e.message, node: e.node?.name, description: e.description };
}
