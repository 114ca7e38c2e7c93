/**
 * n8n's queue mode scaled out (shared by `npm run bench -- --only=queue` and the CI test
 * test/e2e/reliability/queue-scale): several `n8n worker` processes and two `n8n webhook`
 * processes behind a round-robin proxy (test/e2e/runner), one Redis, one Postgres.
 *
 * - sharedRateLimit: `executions` production executions of `items` Create Call items each,
 *   started at once through the proxy and spread over the workers, against one API key limited
 *   to `limit` requests per `windowMs`. Every worker paces only from what the sandbox answers.
 * - eventsThroughProxy: signed deliveries at a fixed rate, each event redelivered once a few
 *   seconds later, forged ones mixed in; executions counted per event_id.
 */
import { createHmac, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { type Execution, type N8nStack, PACKAGE_NAME, request, sleep, type WorkflowInput, type WorkflowNode } from '../e2e/runner/index.cjs';
import type { Sandbox } from '../sandbox/sandbox.cjs';
import type { StatusTap } from './statusTap.cjs';
import type { CredentialRef } from './workflows.cjs';

export interface QueueTarget {
	stack: N8nStack;
	sandbox: Sandbox;
	tap: StatusTap;
	creds: { huskyVoiceApi: CredentialRef; webhookSecret: CredentialRef; signingSecret: string };
}

const WEBHOOK = 'Webhook';
const ITEMS = 'Items';
const CREATE = 'HuskyVoice';
const TRIGGER = 'HuskyVoice Trigger';
const DEDUPE = 'Remove Duplicates';

function chain(name: string, nodes: WorkflowNode[]): WorkflowInput {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Webhook (answers on receipt) → `body.count` contacts of batch `body.batch` → Create Call (Continue On Fail, so a failed item is counted, not fatal). */
export function createCallsByWebhook(path: string, cred: CredentialRef): WorkflowInput {
	return chain('queue: create calls per webhook request', [
		{ name: WEBHOOK, type: 'n8n-nodes-base.webhook', typeVersion: 2.1, position: [0, 0], webhookId: randomUUID(), parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} } },
		{
			name: ITEMS,
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [220, 0],
			parameters: {
				jsCode: [
					`const { batch, count } = $input.first().json.body;`,
					`const items = [];`,
					`for (let i = 0; i < count; i++) items.push({ json: { name: 'Contact ' + batch + '-' + i, phone: '+9197' + String(batch).padStart(2, '0') + String(i).padStart(6, '0') } });`,
					`return items;`,
				].join('\n'),
			},
		},
		{
			name: CREATE,
			type: `${PACKAGE_NAME}.huskyVoice`,
			typeVersion: 1,
			position: [440, 0],
			onError: 'continueRegularOutput',
			parameters: { resource: 'call', operation: 'create', agentId: 'agent_queue', contactNumber: '={{ $json.phone }}', additionalFields: { contactName: '={{ $json.name }}' } },
			credentials: { huskyVoiceApi: cred },
		},
	]);
}

/** HuskyVoice Trigger (Manual registration, verification on), alone or followed by n8n's Remove Duplicates (database-backed, keyed by event_id). */
export function triggerWorkflow(secret: CredentialRef, removeDuplicates: boolean): WorkflowInput {
	const nodes: WorkflowNode[] = [
		{
			name: TRIGGER,
			type: `${PACKAGE_NAME}.huskyVoiceTrigger`,
			typeVersion: 1.1,
			position: [0, 0],
			webhookId: randomUUID(),
			parameters: { registration: 'manual', events: ['*'], options: {} },
			credentials: { huskyVoiceWebhookSecretApi: secret },
		},
	];
	if (removeDuplicates) {
		nodes.push({
			name: DEDUPE,
			type: 'n8n-nodes-base.removeDuplicates',
			typeVersion: 2,
			position: [220, 0],
			// "Remove Items Processed in Previous Executions", scope node, history 10,000 (test/e2e/dedupe-restart)
			parameters: { operation: 'removeItemsSeenInPreviousExecutions', logic: 'removeItemsWithAlreadySeenKeyValues', dedupeValue: '={{ $json.event_id }}', options: {} },
		});
	}
	return chain(removeDuplicates ? 'queue: trigger → Remove Duplicates' : 'queue: trigger', nodes);
}

function finished(e: Execution): boolean {
	return !['new', 'running', 'waiting'].includes(e.status);
}

/** Waits until `expected` executions of the workflow have finished, or nothing changed for `quietMs`. */
export async function settle(stack: N8nStack, workflowId: string, expected: number, { timeoutMs = 300_000, quietMs = 15_000 } = {}): Promise<Execution[]> {
	const deadline = Date.now() + timeoutMs;
	let last = -1;
	let since = Date.now();
	for (;;) {
		const all = await stack.api.listExecutions({ workflowId, limit: expected + 500 });
		const done = all.filter(finished).length;
		if (done >= expected && all.length === done) break;
		if (done !== last) [last, since] = [done, Date.now()];
		else if (Date.now() - since > quietMs || Date.now() > deadline) break;
		await sleep(500);
	}
	return stack.api.listExecutions({ workflowId, includeData: true, limit: expected + 500 });
}

/** Which worker ran each execution, from the workers' logs ("Worker started execution N"; log level info). */
function executionsPerWorker(stack: N8nStack, ids: string[]): number[] {
	return stack.workers.map((w) => {
		const text = fs.existsSync(w.logFile) ? fs.readFileSync(w.logFile, 'utf8') : '';
		return ids.filter((id) => text.includes(`Worker started execution ${id} `)).length;
	});
}

export interface SharedRateLimitResult {
	items: number;
	floorMs: number;
	/** First Create Call node start → last one's end (n8n's own node timings). */
	wallMs: number;
	/** First request sent to the proxy → last execution stopped. */
	endToEndMs: number;
	succeeded: number;
	failed: number;
	callsPlaced: number;
	duplicates: number;
	rateLimited: number;
	executions: number;
	executionsPerWorker: number[];
	/** Distinct error messages of failed items (first three). */
	firstErrors: string[];
}

export async function sharedRateLimit(
	t: QueueTarget,
	o: { executions: number; items: number; limit: number; windowMs: number },
): Promise<SharedRateLimitResult> {
	const { stack, sandbox, tap, creds } = t;
	const path = `queue-batch-${randomUUID()}`;
	const wf = await stack.api.createWorkflow(createCallsByWebhook(path, creds.huskyVoiceApi));
	const { webhooks } = await stack.activateAndWait(wf.id);
	sandbox.state.reset();
	sandbox.state.config.rateLimit = { limit: o.limit, windowMs: o.windowMs };
	tap.reset();
	const items = o.executions * o.items;
	const floorMs = (items * o.windowMs) / o.limit;
	const t0 = Date.now();
	let executions: Execution[];
	try {
		const answers = await Promise.all(
			Array.from({ length: o.executions }, (_, batch) => request('POST', webhooks[0].url, { body: { batch, count: o.items }, timeoutMs: 30_000 })),
		);
		const refused = answers.filter((a) => a.status !== 200);
		if (refused.length) throw new Error(`${refused.length} of ${o.executions} batch requests were not accepted: ${refused[0].status} ${refused[0].text.slice(0, 200)}`);
		executions = await settle(stack, wf.id, o.executions, { timeoutMs: Math.max(180_000, floorMs * 4), quietMs: 60_000 });
	} finally {
		sandbox.state.config.rateLimit = { limit: 1_000_000, windowMs: 1000 };
		await stack.api.deactivateWorkflow(wf.id).catch(() => undefined);
	}
	const runs = executions.map((e) => e.data?.resultData?.runData?.[CREATE]?.[0]).filter((r): r is NonNullable<typeof r> => !!r);
	const outputs = runs.flatMap((r) => (r.data?.main?.[0] ?? []).map((i: { json: Record<string, any> }) => i.json));
	const succeeded = outputs.filter((j) => typeof j.call_id === 'string' && j.error === undefined).length;
	const contacts = new Set([...sandbox.state.calls.values()].map((c) => c.contact_number));
	const stopped = executions.map((e) => (e.stoppedAt ? Date.parse(e.stoppedAt) : NaN));
	return {
		items,
		floorMs,
		wallMs: runs.length ? Math.max(...runs.map((r) => r.startTime + r.executionTime)) - Math.min(...runs.map((r) => r.startTime)) : NaN,
		endToEndMs: Math.max(...stopped) - t0,
		succeeded,
		failed: items - succeeded,
		callsPlaced: sandbox.state.calls.size,
		duplicates: sandbox.state.calls.size - contacts.size,
		rateLimited: tap.count(429, 'POST /v1/calls'),
		executions: executions.length,
		executionsPerWorker: executionsPerWorker(stack, executions.map((e) => e.id)),
		firstErrors: [...new Set(outputs.filter((j) => j.error !== undefined).map((j) => String(j.error?.message ?? j.error)))].slice(0, 3),
	};
}

export interface EventsResult {
	events: number;
	deliveries: number;
	forged: number;
	/** Deliveries not answered 2xx (genuine) / not answered 401 (forged). */
	wrongAnswers: number;
	executions: number;
	lost: number;
	acceptedForgeries: number;
	/** Executions beyond one per event_id. */
	duplicateExecutions: number;
	/** With Remove Duplicates: event_ids it let through more than once (beyond one each). */
	duplicatesPassed?: number;
	forwarded: number[];
	seconds: number;
	/** Answers by status (0: no answer), genuine and forged deliveries apart. */
	statuses: { genuine: Record<string, number>; forged: Record<string, number> };
}

interface Planned {
	eventId: string;
	body: Buffer;
	signature: string;
	forged: boolean;
}

function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let x = s;
		x = Math.imul(x ^ (x >>> 15), x | 1);
		x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
		return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Every event once, and again `redeliverAfter` deliveries later (a random 1–10 s at 20/s, as
 * HuskyVoice retries a delivery it thinks failed); every `forgedEvery`-th slot gets a forgery: a
 * new event signed with a wrong secret, or a genuine signature over a changed body.
 */
export function deliveryPlan(secret: string, o: { events: number; forgedEvery: number; seed: number; prefix: string }): Planned[] {
	const random = rng(o.seed);
	const sign = (body: Buffer, key = secret) => createHmac('sha256', key).update(body).digest('hex');
	const body = (eventId: string, i: number) =>
		Buffer.from(JSON.stringify({ event_id: eventId, event_type: 'call.completed', created_at: new Date().toISOString(), org_id: 'org_sandbox', data: { call_id: `call_q_${i}`, status: 'completed', contact_number: `+9196${String(i).padStart(8, '0')}` } }));
	const slots: Array<Planned | undefined> = [];
	const place = (at: number, p: Planned) => {
		while (slots[at] !== undefined) at++;
		slots[at] = p;
	};
	let next = 0;
	for (let i = 0; i < o.events; i++) {
		while (slots[next] !== undefined) next++;
		const eventId = `evt_${o.prefix}_${i}`;
		const b = body(eventId, i);
		const genuine = { eventId, body: b, signature: sign(b), forged: false };
		slots[next] = genuine;
		place(next + 20 + Math.floor(random() * 180), genuine);
		if (i % o.forgedEvery === o.forgedEvery - 1) {
			const forgedId = `evt_${o.prefix}_forged_${i}`;
			const fb = body(forgedId, i);
			// half signed with a wrong secret, half carrying the genuine event's signature over another body
			place(next + 1 + Math.floor(random() * 40), { eventId: forgedId, body: fb, signature: random() < 0.5 ? sign(fb, `whsec_wrong_${i}`) : genuine.signature, forged: true });
		}
	}
	return slots.filter((p): p is Planned => p !== undefined);
}

async function deliverAtRate(url: string, plan: Planned[], rate: number): Promise<Array<{ p: Planned; status: number }>> {
	const t0 = Date.now();
	const pending: Array<Promise<{ p: Planned; status: number }>> = [];
	for (let k = 0; k < plan.length; k++) {
		const wait = t0 + (k * 1000) / rate - Date.now();
		if (wait > 1) await sleep(wait);
		const p = plan[k];
		pending.push(
			request('POST', url, { body: p.body, headers: { 'content-type': 'application/json', 'x-husky-signature': p.signature }, timeoutMs: 60_000 }).then(
				(a) => ({ p, status: a.status }),
				() => ({ p, status: 0 }),
			),
		);
	}
	return Promise.all(pending);
}

function countBy(values: number[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const v of values) out[v] = (out[v] ?? 0) + 1;
	return out;
}

export async function eventsThroughProxy(
	t: QueueTarget,
	o: { events: number; rate: number; forgedEvery: number; seed: number; removeDuplicates: boolean },
): Promise<EventsResult> {
	const { stack, creds } = t;
	const wf = await stack.api.createWorkflow(triggerWorkflow(creds.webhookSecret, o.removeDuplicates));
	const { webhooks } = await stack.activateAndWait(wf.id);
	const plan = deliveryPlan(creds.signingSecret, { events: o.events, forgedEvery: o.forgedEvery, seed: o.seed, prefix: o.removeDuplicates ? 'rd' : 'pp' });
	const before = stack.proxy ? [...stack.proxy.forwarded] : [];
	const t0 = Date.now();
	const answers = await deliverAtRate(webhooks[0].url, plan, o.rate);
	const seconds = (Date.now() - t0) / 1000;
	const executions = await settle(stack, wf.id, 2 * o.events, { timeoutMs: 300_000, quietMs: 20_000 });
	await stack.api.deactivateWorkflow(wf.id).catch(() => undefined);

	const genuineIds = new Set(plan.filter((p) => !p.forged).map((p) => p.eventId));
	const perId = new Map<string, number>();
	const passed = new Map<string, number>();
	for (const e of executions) {
		const id = e.data?.resultData?.runData?.[TRIGGER]?.[0]?.data?.main?.[0]?.[0]?.json?.event_id as string | undefined;
		if (id === undefined) continue;
		perId.set(id, (perId.get(id) ?? 0) + 1);
		const through = e.data?.resultData?.runData?.[DEDUPE]?.[0]?.data?.main?.[0]?.length ?? 0;
		if (through > 0) passed.set(id, (passed.get(id) ?? 0) + 1);
	}
	const genuineExecutions = [...perId].filter(([id]) => genuineIds.has(id));
	const sum = (m: Array<[string, number]>) => m.reduce((a, [, n]) => a + n, 0);
	return {
		events: o.events,
		deliveries: plan.length,
		forged: plan.filter((p) => p.forged).length,
		wrongAnswers: answers.filter(({ p, status }) => (p.forged ? status !== 401 : status < 200 || status >= 300)).length,
		executions: executions.length,
		lost: [...genuineIds].filter((id) => !perId.has(id)).length,
		acceptedForgeries: [...perId.keys()].filter((id) => !genuineIds.has(id)).length,
		duplicateExecutions: sum(genuineExecutions) - genuineExecutions.length,
		duplicatesPassed: o.removeDuplicates ? sum([...passed]) - passed.size : undefined,
		forwarded: stack.proxy ? stack.proxy.forwarded.map((n, i) => n - before[i]) : [],
		seconds,
		statuses: {
			genuine: countBy(answers.filter((a) => !a.p.forged).map((a) => a.status)),
			forged: countBy(answers.filter((a) => a.p.forged).map((a) => a.status)),
		},
	};
}
