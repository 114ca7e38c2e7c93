/**
 * Shared pieces of the reliability suites (issue 9): a real n8n stack + the HuskyVoice sandbox,
 * workflow builders, the fault driver, the secret book and scanner, the n8n log scanner and the
 * writer of results.md. Every suite is self-contained: it starts its own stack and sandbox.
 */
import { createHmac, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandbox, type Fault, type Sandbox, type SandboxOptions } from '../../sandbox/sandbox.cjs';
import {
	type Credential,
	type Execution,
	type N8nStack,
	type WorkflowNode,
	nodeOutput,
	request,
	startN8nStack,
	waitFor,
} from '../runner/index.cjs';

export const PACKAGE = 'n8n-nodes-huskyvoice';
export const TYPES = {
	action: `${PACKAGE}.huskyVoice`,
	trigger: `${PACKAGE}.huskyVoiceTrigger`,
	inbound: `${PACKAGE}.huskyVoiceInboundWebhook`,
	manual: 'n8n-nodes-base.manualTrigger',
} as const;

export const RELIABILITY_DIR = __dirname;
export const CREATE_ROUTE = 'POST /v1/calls';

export interface CredentialRef {
	id: string;
	name: string;
}

export interface ReliabilityEnv {
	stack: N8nStack;
	sandbox: Sandbox;
	secrets: SecretBook;
	/** huskyVoiceApi credential pointing at the sandbox. */
	apiCredential: CredentialRef;
	/** Every HTTP answer the suites got from n8n webhooks, scanned for secrets too. */
	responses: string[];
	stop(): Promise<void>;
}

export interface EnvOptions {
	label: string;
	queueMode?: boolean;
	sandbox?: SandboxOptions;
}

/** Sandbox + n8n stack + the HuskyVoice API credential. */
export async function startEnv(o: EnvOptions): Promise<ReliabilityEnv> {
	const sandbox = await startSandbox({
		// high enough that the suites only see the 429s they inject
		rateLimit: { limit: 2_000, windowMs: 1_000 },
		deliveryRetryDelaysMs: [],
		...o.sandbox,
	});
	const secrets = new SecretBook();
	secrets.watchSandbox(sandbox);
	let stack: N8nStack;
	try {
		stack = await startN8nStack({ label: o.label, queueMode: o.queueMode });
	} catch (e) {
		await sandbox.stop();
		throw e;
	}
	const env: ReliabilityEnv = {
		stack,
		sandbox,
		secrets,
		apiCredential: { id: '', name: '' },
		responses: [],
		async stop() {
			await stack.stop();
			await sandbox.stop();
		},
	};
	try {
		env.apiCredential = await createCredential(env, 'HuskyVoice API', 'huskyVoiceApi', {
			apiKey: sandbox.apiKey,
			baseUrl: sandbox.baseUrl,
		});
	} catch (e) {
		await env.stop();
		throw e;
	}
	return env;
}

export async function createCredential(
	env: ReliabilityEnv,
	name: string,
	type: string,
	data: Record<string, unknown>,
): Promise<CredentialRef> {
	const created: Credential = await env.stack.api.createCredential({ name, type, data });
	return { id: created.id, name: created.name };
}

// ---------- workflows ----------

export function manualTrigger(name = 'Start'): WorkflowNode {
	return { name, type: TYPES.manual, typeVersion: 1, position: [0, 0], parameters: {} };
}

export function chain(...names: string[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

export interface CreateCallWorkflow {
	name: string;
	credential: CredentialRef;
	phones: string[];
	/** `continueRegularOutput` = n8n's "On Error: Continue"; default stops the workflow. */
	onError?: 'continueRegularOutput' | 'stopWorkflow';
	timeoutMs?: number;
}

/** Manual Trigger (items pinned: one `{ phone }` per call) → HuskyVoice › Call › Create. */
export function createCallWorkflow(o: CreateCallWorkflow) {
	const action: WorkflowNode = {
		name: 'HuskyVoice',
		type: TYPES.action,
		typeVersion: 1,
		position: [220, 0],
		parameters: {
			resource: 'call',
			operation: 'create',
			agentId: 'agent_reliability',
			contactNumber: '={{ $json.phone }}',
			additionalFields: {},
			options: o.timeoutMs ? { timeout: o.timeoutMs } : {},
		},
		credentials: { huskyVoiceApi: o.credential },
	};
	if (o.onError) action.onError = o.onError;
	return {
		name: o.name,
		nodes: [manualTrigger(), action],
		connections: chain('Start', 'HuskyVoice'),
		pinData: { Start: o.phones.map((phone) => ({ json: { phone } })) },
	};
}

export interface TriggerNodeOptions {
	name?: string;
	registration: 'manual' | 'automatic';
	events: string[];
	credential: CredentialRef;
	webhookId?: string;
}

export function triggerNode(o: TriggerNodeOptions): WorkflowNode {
	return {
		name: o.name ?? 'HuskyVoice Trigger',
		type: TYPES.trigger,
		typeVersion: 1.1, // what a new node gets (defaultVersion)
		position: [0, 0],
		webhookId: o.webhookId ?? randomUUID(),
		parameters: { registration: o.registration, events: o.events, verifySignature: true, options: {} },
		credentials:
			o.registration === 'manual'
				? { huskyVoiceWebhookSecretApi: o.credential }
				: { huskyVoiceApi: o.credential },
	};
}

/** n8n's Retry of a failed execution (the editor's "Retry with original workflow" / "…currently saved workflow"). */
export async function retryExecution(env: ReliabilityEnv, executionId: string, loadWorkflow: boolean): Promise<Execution> {
	const retried = await env.stack.api.rest<{ id: string }>('POST', `/executions/${executionId}/retry`, { loadWorkflow });
	return env.stack.api.waitForExecution(String(retried.id), { timeoutMs: 5 * 60_000 });
}

/** Items of a node with their pairing (input index), from an execution with data. */
export function pairedOutput(exec: Execution, nodeName: string): Array<{ json: Record<string, any>; item: number | undefined }> {
	const runs = exec.data?.resultData?.runData?.[nodeName];
	const items = (runs?.[0]?.data?.main?.[0] ?? []) as Array<{ json: Record<string, any>; pairedItem?: { item: number } }>;
	return items.map((i) => ({ json: i.json, item: i.pairedItem?.item }));
}

export { nodeOutput };

// ---------- phone numbers ----------

/** Distinct valid +91 numbers: `+91` + 2-digit prefix + 8-digit counter (never ending 0000/1111 patterns by accident). */
export function phones(prefix: string, count: number, start = 0): string[] {
	if (!/^\d{2}$/.test(prefix)) throw new Error('prefix: 2 digits');
	return Array.from({ length: count }, (_, i) => `+91${prefix}${String(12_340_000 + start + i).padStart(8, '0')}`);
}

export function callsByContact(sandbox: Sandbox): Map<string, Array<{ call_id: string; idempotencyKey?: string }>> {
	const byContact = new Map<string, Array<{ call_id: string; idempotencyKey?: string }>>();
	for (const call of sandbox.state.calls.values()) {
		const key = call.contact_number ?? '';
		const list = byContact.get(key) ?? [];
		list.push({ call_id: call.call_id, idempotencyKey: call.sandbox.idempotencyKey });
		byContact.set(key, list);
	}
	return byContact;
}

// ---------- fault driver ----------

export type FaultKind = 'serverError' | 'slowPastTimeout' | 'dropAfterCommit' | 'rateLimited';
export const FAULT_KINDS: FaultKind[] = ['serverError', 'slowPastTimeout', 'dropAfterCommit', 'rateLimited'];

/** Small seeded PRNG (mulberry32): a failing run can be replayed with its seed. */
export function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface FaultDriverOptions {
	route?: string;
	seed: number;
	/** Latency of a slow window; must exceed the node's Timeout option. */
	slowMs: number;
	/** Longest a counted fault window stays when requests do not use it up (default 4 s). */
	maxWindowMs?: number;
}

/**
 * Cycles fault windows on one sandbox route while work runs: a burst of 500s, a window of slow
 * answers (latency past the node's timeout: the sandbox still performs the action after the
 * delay, so the call is placed while the client gave up), a burst of connections dropped after
 * committing, a 429 storm, a quiet gap. Counts exactly what was injected: the counted faults by
 * what the sandbox consumed, slow answers by the requests that arrived while latency was set
 * (the sandbox reads the fault in the same tick as it records the request).
 */
export class FaultDriver {
	readonly injected: Record<FaultKind, number> = { serverError: 0, slowPastTimeout: 0, dropAfterCommit: 0, rateLimited: 0 };
	readonly windows: Record<FaultKind | 'quiet', number> = { serverError: 0, slowPastTimeout: 0, dropAfterCommit: 0, rateLimited: 0, quiet: 0 };
	private readonly route: string;
	private readonly random: () => number;
	private running?: Promise<void>;
	private stopping = false;
	private current?: { kind: FaultKind | 'quiet'; fault?: Fault; configured: Fault; firstId: number };
	private step = 0;
	/** Every window: kind, start (ms since epoch), fault set. */
	readonly log: Array<{ kind: FaultKind | 'quiet'; at: number; fault?: Fault }> = [];

	constructor(
		private readonly sandbox: Sandbox,
		private readonly o: FaultDriverOptions,
	) {
		this.route = o.route ?? CREATE_ROUTE;
		this.random = rng(o.seed);
	}

	private int(min: number, max: number): number {
		return min + Math.floor(this.random() * (max - min + 1));
	}

	private lastRequestId(): number {
		const list = this.sandbox.state.requests;
		return list.length ? list[list.length - 1].id : 0;
	}

	/** Replaces the current fault (synchronously: no request can slip between account and set). */
	set(kind: FaultKind | 'quiet', fault?: Fault): void {
		this.account();
		this.windows[kind]++;
		if (fault) this.sandbox.state.faults.set(this.route, fault);
		else this.sandbox.state.faults.delete(this.route);
		this.current = { kind, fault, configured: { ...fault }, firstId: this.lastRequestId() };
		this.log.push({ kind, at: Date.now(), fault: fault && { ...fault } });
	}

	private account(): void {
		const c = this.current;
		if (!c?.fault) return;
		const used = (k: 'failTimes' | 'dropAfterCommitTimes' | 'rateLimitTimes') => (c.configured[k] ?? 0) - (c.fault![k] ?? 0);
		this.injected.serverError += used('failTimes');
		this.injected.dropAfterCommit += used('dropAfterCommitTimes');
		this.injected.rateLimited += used('rateLimitTimes');
		if (c.configured.latencyMs) {
			const [method, routePath] = this.route.split(' ');
			this.injected.slowPastTimeout += this.sandbox.state.requests.filter(
				(r) => r.id > c.firstId && r.method === method && r.path === routePath,
			).length;
		}
		this.current = undefined;
	}

	/** Whether the current window's counted faults are used up. */
	private consumed(): boolean {
		const f = this.current?.fault;
		return !!f && !f.latencyMs && !(f.failTimes || f.dropAfterCommitTimes || f.rateLimitTimes);
	}

	/**
	 * The next window in the rotation, with random strength: a counted fault stays until the
	 * requests used it up (or `maxMs`), so the faults keep pace with the work however fast it runs.
	 */
	private next(): { ms: number; untilConsumed: boolean } {
		const kinds: Array<FaultKind | 'quiet'> = ['serverError', 'slowPastTimeout', 'dropAfterCommit', 'rateLimited', 'quiet'];
		const kind = kinds[this.step++ % kinds.length];
		const maxMs = this.o.maxWindowMs ?? 4_000;
		switch (kind) {
			case 'serverError':
				this.set(kind, { failTimes: this.int(5, 40) });
				return { ms: maxMs, untilConsumed: true };
			case 'slowPastTimeout':
				this.set(kind, { latencyMs: this.o.slowMs });
				return { ms: this.int(500, 3_000), untilConsumed: false };
			case 'dropAfterCommit':
				this.set(kind, { dropAfterCommitTimes: this.int(5, 40) });
				return { ms: maxMs, untilConsumed: true };
			case 'rateLimited':
				this.set(kind, { rateLimitTimes: this.int(10, 80), retryAfterSeconds: 1 });
				return { ms: maxMs, untilConsumed: true };
			default:
				this.set('quiet');
				return { ms: this.int(200, 1_000), untilConsumed: false };
		}
	}

	start(): void {
		this.running = (async () => {
			while (!this.stopping) {
				const { ms, untilConsumed } = this.next();
				const until = Date.now() + ms;
				while (!this.stopping && Date.now() < until && !(untilConsumed && this.consumed())) await sleep(25);
			}
		})();
	}

	async stop(): Promise<void> {
		this.stopping = true;
		await this.running;
		this.set('quiet');
		this.windows.quiet--; // the closing "quiet" is not a window
	}

	get total(): number {
		return FAULT_KINDS.reduce((sum, k) => sum + this.injected[k], 0);
	}
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------- create-call outcomes ----------

export const KEY_PATTERN = /hv-[0-9a-f]{32}/;
export const MAY_HAVE_PLACED = /a call may have been placed/i;
export const NONE_PLACED = /no call was placed/i;

export interface ItemVerdict {
	phone: string;
	outcome: 'succeeded' | 'failed';
	calls: number;
	problem?: string;
	message?: string;
}

/**
 * Checks one create-call item against the sandbox: a succeeded item has exactly one call, the
 * one it reports; a failed item has at most one, and its error says whether a call may have been
 * placed and names the idempotency key (the key of that call, when there is one).
 */
export function verdictFor(
	phone: string,
	json: Record<string, any> | undefined,
	calls: Array<{ call_id: string; idempotencyKey?: string }>,
): ItemVerdict {
	if (!json) return { phone, outcome: 'failed', calls: calls.length, problem: 'no output item' };
	if (typeof json.call_id === 'string') {
		const v: ItemVerdict = { phone, outcome: 'succeeded', calls: calls.length };
		if (calls.length !== 1) v.problem = `succeeded but the sandbox holds ${calls.length} calls`;
		else if (calls[0].call_id !== json.call_id) v.problem = `reports ${json.call_id}, sandbox holds ${calls[0].call_id}`;
		else if (calls[0].idempotencyKey !== json.idempotency_key) v.problem = 'idempotency key differs from the one the call was placed with';
		return v;
	}
	const text = `${json.error ?? ''} ${json.description ?? ''}`;
	const v: ItemVerdict = { phone, outcome: 'failed', calls: calls.length, message: String(json.error ?? '') };
	const key = KEY_PATTERN.exec(text)?.[0];
	const may = MAY_HAVE_PLACED.test(text);
	const none = NONE_PLACED.test(text);
	if (!json.error) v.problem = 'neither call_id nor error';
	else if (calls.length > 1) v.problem = `failed item has ${calls.length} calls`;
	else if (!key) v.problem = `error gives no idempotency key: ${text}`;
	else if (may === none) v.problem = `error does not say (exactly) whether a call may have been placed: ${text}`;
	else if (calls.length === 1 && none) v.problem = `error says no call was placed, but the sandbox holds ${calls[0].call_id}`;
	else if (calls.length === 1 && calls[0].idempotencyKey !== key) v.problem = `error names key ${key}, the call was placed with ${calls[0].idempotencyKey}`;
	return v;
}

// ---------- signatures ----------

export function sign(secret: string, body: string | Buffer): string {
	return createHmac('sha256', secret).update(body).digest('hex');
}

export interface Delivery {
	body: Buffer;
	headers: Record<string, string>;
}

export interface DeliveryAnswer {
	status: number;
	text: string;
}

/** POSTs exact bytes to a webhook URL (a fresh connection each time), `concurrency` at once. */
export async function deliverAll(
	env: ReliabilityEnv,
	url: string,
	deliveries: Delivery[],
	concurrency = 6,
): Promise<DeliveryAnswer[]> {
	const answers: DeliveryAnswer[] = new Array(deliveries.length);
	let next = 0;
	const worker = async () => {
		while (next < deliveries.length) {
			const i = next++;
			const r = await request('POST', url, { body: deliveries[i].body, headers: deliveries[i].headers, timeoutMs: 60_000 });
			answers[i] = { status: r.status, text: r.text };
			env.responses.push(r.text);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return answers;
}

// ---------- secrets ----------

export interface SecretEntry {
	label: string;
	value: string;
}

/** Every secret the run handed to n8n or that HuskyVoice (the sandbox) issued to it. */
export class SecretBook {
	private readonly byValue = new Map<string, string>();

	add(label: string, value: string | undefined | null): void {
		if (typeof value === 'string' && value.length >= 8 && !this.byValue.has(value)) this.byValue.set(value, label);
	}

	/** API key, inbound token and signing secret now, and every endpoint secret the sandbox issues from now on. */
	watchSandbox(sandbox: Sandbox): void {
		this.add('API key', sandbox.apiKey);
		this.add('inbound token', sandbox.inboundToken);
		this.add('inbound signing secret', sandbox.inboundSigningSecret);
		const subscriptions = sandbox.state.subscriptions;
		const set = subscriptions.set.bind(subscriptions);
		subscriptions.set = (id, subscription) => {
			this.add('trigger signing secret (Automatic registration)', subscription.secret);
			return set(id, subscription);
		};
	}

	get entries(): SecretEntry[] {
		return [...this.byValue].map(([value, label]) => ({ label, value }));
	}

	get labels(): Record<string, number> {
		const counts: Record<string, number> = {};
		for (const label of this.byValue.values()) counts[label] = (counts[label] ?? 0) + 1;
		return counts;
	}
}

export interface Occurrence {
	where: string;
	secret: string;
	form: string;
}

export interface SecretScan {
	secrets: Record<string, number>;
	searched: {
		dbTables: number;
		dbRows: number;
		dbBytes: number;
		logFiles: string[];
		logBytes: number;
		files: number;
		fileBytes: number;
		executions: number;
		nodeOutputBytes: number;
		webhookAnswers: number;
	};
	occurrences: Occurrence[];
}

/** The forms a secret could be written in: as is, URL-encoded, base64, hex of its bytes. */
function formsOf(value: string): Array<[string, string]> {
	const forms: Array<[string, string]> = [
		['plain', value],
		['url-encoded', encodeURIComponent(value)],
		['base64', Buffer.from(value).toString('base64').replace(/=+$/, '')],
	];
	return forms.filter(([, f], i) => forms.findIndex(([, g]) => g === f) === i);
}

function findIn(text: string, where: string, secrets: SecretEntry[], out: Occurrence[]): void {
	for (const { label, value } of secrets) {
		for (const [form, needle] of formsOf(value)) {
			let at = text.indexOf(needle);
			while (at !== -1) {
				out.push({ where, secret: label, form });
				at = text.indexOf(needle, at + needle.length);
			}
		}
	}
}

/**
 * Every row of every table of n8n's database as text (each row in Postgres's record text form,
 * one per line), per table: what `pg_dump --data-only` would show, without needing pg_dump.
 */
async function dumpTables(env: ReliabilityEnv): Promise<Map<string, { text: string; rows: number }>> {
	const { db } = env.stack;
	const tables = new Map<string, { text: string; rows: number }>();
	const names = await db.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
	for (const { name } of names) {
		const rows = await db.query<{ line: string }>(`select t::text as line from public."${name.replace(/"/g, '""')}" t`);
		tables.set(name, { text: rows.map((r) => r.line + '\n').join(''), rows: rows.length });
	}
	return tables;
}

function filesUnder(dir: string, skip: (p: string) => boolean): string[] {
	const out: string[] = [];
	const walk = (d: string) => {
		let entries: fs.Dirent[];
		try {
			entries = fs.readdirSync(d, { withFileTypes: true });
		} catch {
			return;
		}
		for (const e of entries) {
			const p = path.join(d, e.name);
			if (skip(p)) continue;
			if (e.isDirectory()) walk(p);
			else if (e.isFile()) out.push(p);
		}
	};
	walk(dir);
	return out;
}

/**
 * Searches, for every secret in the book (plain, URL-encoded, base64): every table of n8n's
 * database (every row read as text, so TOASTed/compressed values are searched decompressed — execution_data,
 * execution_entity, workflow_entity incl. static data, workflow_history, webhook_entity,
 * event/insights tables… and credentials_entity, whose data is encrypted, so a plain secret there
 * would be a finding too), every log file of every n8n process, every other file in the run
 * folder (user folders: config, event logs, binary data; not Postgres's own files, not the
 * installed package, not the editor's static assets), every node output of every execution of every workflow (public API, with
 * data), and every answer n8n gave to the suites' webhook deliveries.
 */
export async function scanForSecrets(env: ReliabilityEnv): Promise<SecretScan> {
	const secrets = env.secrets.entries;
	const occurrences: Occurrence[] = [];
	const scan: SecretScan = {
		secrets: env.secrets.labels,
		searched: {
			dbTables: 0,
			dbRows: 0,
			dbBytes: 0,
			logFiles: [],
			logBytes: 0,
			files: 0,
			fileBytes: 0,
			executions: 0,
			nodeOutputBytes: 0,
			webhookAnswers: env.responses.length,
		},
		occurrences,
	};

	for (const [table, { text, rows }] of await dumpTables(env)) {
		scan.searched.dbTables++;
		scan.searched.dbRows += rows;
		scan.searched.dbBytes += text.length;
		findIn(text, `db table ${table}`, secrets, occurrences);
	}

	const logs = env.stack.logFiles;
	for (const f of logs) {
		const text = fs.readFileSync(f, 'utf8');
		scan.searched.logFiles.push(path.basename(f));
		scan.searched.logBytes += text.length;
		findIn(text, `log ${path.basename(f)}`, secrets, occurrences);
	}
	const others = filesUnder(
		env.stack.runDir,
		// not Postgres's own files (the dump covers them), the installed package, or the editor's static assets
		(p) => /\/(pgdata|pack|node_modules|pg-socket)$|\/\.cache\/n8n\/public$/.test(p) || logs.includes(p),
	);
	for (const f of others) {
		const text = fs.readFileSync(f).toString('latin1');
		scan.searched.files++;
		scan.searched.fileBytes += text.length;
		findIn(text, `file ${path.relative(env.stack.runDir, f)}`, secrets, occurrences);
	}

	const workflows = await env.stack.api.pub<{ data: Array<{ id: string }> }>('GET', '/workflows?limit=250');
	findIn(JSON.stringify(workflows), 'public API GET /workflows', secrets, occurrences);
	for (const wf of workflows.data) {
		const executions = await env.stack.api.listExecutions({ workflowId: wf.id, includeData: true, limit: 5_000 });
		for (const e of executions) {
			const runData = e.data?.resultData?.runData ?? {};
			for (const [nodeName, runs] of Object.entries(runData as Record<string, unknown>)) {
				const text = JSON.stringify(runs);
				scan.searched.nodeOutputBytes += text.length;
				findIn(text, `execution ${e.id} node ${nodeName}`, secrets, occurrences);
			}
			const error = JSON.stringify(e.data?.resultData?.error ?? null);
			findIn(error, `execution ${e.id} error`, secrets, occurrences);
		}
		scan.searched.executions += executions.length;
	}

	env.responses.forEach((text, i) => findIn(text, `webhook answer #${i}`, secrets, occurrences));
	return scan;
}

/**
 * The one place a secret is stored on purpose: in Automatic registration the Trigger keeps the
 * endpoint's signing secret in the workflow's static data (workflow_entity."staticData"), as n8n's
 * own Stripe Trigger does, and n8n's public API returns static data with the workflow. Reported
 * separately; everything else is a leak.
 */
export function isStaticDataSecret(o: Occurrence): boolean {
	return (
		o.secret === 'trigger signing secret (Automatic registration)' &&
		(o.where === 'db table workflow_entity' || o.where === 'public API GET /workflows')
	);
}

/** Occurrences grouped as `where (secret, form) × n`. */
export function summariseOccurrences(occurrences: Occurrence[]): string[] {
	const counts = new Map<string, number>();
	for (const o of occurrences) {
		const key = `${o.where.replace(/^execution \d+/, 'execution *')} — ${o.secret} (${o.form})`;
		counts.set(key, (counts.get(key) ?? 0) + 1);
	}
	return [...counts].map(([k, n]) => `${k} × ${n}`);
}

// ---------- n8n logs ----------

export interface LogFinding {
	file: string;
	line: string;
}

/**
 * Error-level entries and any uncaught/unhandled error in n8n's logs (JSON log files and
 * stdout/stderr), except those matching `expected` (counted per pattern).
 */
export function n8nLogErrors(
	env: ReliabilityEnv,
	expected: RegExp[] = [],
): { unexpected: LogFinding[]; expectedCounts: number[]; uncaught: LogFinding[] } {
	const unexpected: LogFinding[] = [];
	const uncaught: LogFinding[] = [];
	const expectedCounts = expected.map(() => 0);
	for (const f of env.stack.logFiles) {
		const base = path.basename(f);
		if (!/^n8n-/.test(base)) continue;
		const jsonLog = !base.endsWith('.out.log');
		for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
			if (!line.trim()) continue;
			if (/uncaught|unhandled/i.test(line)) uncaught.push({ file: base, line: line.slice(0, 600) });
			if (!jsonLog) continue;
			let entry: { level?: string; message?: string };
			try {
				entry = JSON.parse(line);
			} catch {
				continue;
			}
			if (entry.level !== 'error') continue;
			const i = expected.findIndex((re) => re.test(entry.message ?? ''));
			if (i >= 0) expectedCounts[i]++;
			else unexpected.push({ file: base, line: line.slice(0, 600) });
		}
	}
	return { unexpected, expectedCounts, uncaught };
}

// ---------- results.md ----------

export const RESULTS_FILE = path.join(RELIABILITY_DIR, 'results.md');

const RESULTS_HEADER = `# Reliability results

Written by the suites in this folder from their own runs (\`npx jest --selectProjects e2e --runInBand test/e2e/reliability\`);
each suite replaces only its own section. Real n8n 2.41.1 + Postgres (and Redis in queue mode), the
HuskyVoice sandbox as the API. Numbers are from the last run of each suite.
`;

/** Replaces the suite's section of results.md (creating the file if needed). */
export function writeResults(section: string, title: string, rows: Array<[string, string | number]>, notes: string[] = []): void {
	const begin = `<!-- results:${section} -->`;
	const end = `<!-- /results:${section} -->`;
	const body = [
		begin,
		`## ${title}`,
		'',
		`Run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}.`,
		'',
		'| count | value |',
		'|---|---|',
		...rows.map(([k, v]) => `| ${k} | ${v} |`),
		...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
		end,
	].join('\n');
	let text = fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, 'utf8') : RESULTS_HEADER;
	const re = new RegExp(`${escape(begin)}[\\s\\S]*?${escape(end)}`);
	text = re.test(text) ? text.replace(re, () => body) : `${text.trimEnd()}\n\n${body}\n`;
	fs.writeFileSync(RESULTS_FILE, text);
}

function escape(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Secret-scan rows for a results section. */
export function secretRows(scan: SecretScan): Array<[string, string | number]> {
	const s = scan.searched;
	return [
		['secrets searched for', Object.entries(scan.secrets).map(([k, n]) => `${n} ${k}`).join(', ')],
		['searched', `${s.dbTables} db tables (${s.dbRows} rows, ${(s.dbBytes / 1e6).toFixed(1)} MB), ${s.logFiles.length} log files (${(s.logBytes / 1e6).toFixed(1)} MB), ${s.files} other run files, node outputs of ${s.executions} executions (${(s.nodeOutputBytes / 1e6).toFixed(1)} MB), ${s.webhookAnswers} webhook answers`],
		['secret occurrences', scan.occurrences.length],
	];
}

export async function waitUntil<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
	return waitFor(what, async () => (await fn()) || undefined, { timeoutMs, intervalMs: 100 }) as Promise<T>;
}
