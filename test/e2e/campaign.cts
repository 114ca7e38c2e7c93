/**
 * The call-campaign example (examples/campaign/) in a real n8n: creates its Data Table, imports
 * the three workflows wired to it (credentials, table id, and for tests a faster schedule and the
 * plan's concurrency), registers the results trigger in the sandbox's dashboard, activates them,
 * and submits the contacts form. Used by the campaign e2e suite, the bench and `npm start`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CALLING_WINDOW, firstMomentInsideWindow, type CallingWindow } from '../../nodes/shared/callingWindow';
import type { Credential, DataTable, DataTableColumn, DataTableRow, N8nStack, WorkflowNode } from './runner/index.cjs';
import { createDataTable, dataTableRows, request, sleep, waitFor } from './runner/index.cjs';
import {
	CREDENTIAL_TYPES,
	DashboardEndpoint,
	EXAMPLES_DIR,
	HuskyCredentials,
	registerInSandboxDashboard,
	SandboxAdmin,
	wireExample,
} from './husky.cjs';

export const CAMPAIGN_DIR = path.join(EXAMPLES_DIR, 'campaign');
export const CAMPAIGN_WORKFLOW_FILES = {
	dispatcher: 'campaign-dispatcher.json',
	results: 'campaign-results.json',
	import: 'campaign-import.json',
} as const;
export type CampaignPart = keyof typeof CAMPAIGN_WORKFLOW_FILES;
/** The value the files' Data Table nodes carry until the table is picked (or wired here). */
export const TABLE_PLACEHOLDER = 'huskyvoice-campaign-contacts';
/** The value the results workflow's "Call the next contact" carries until the dispatcher is picked. */
export const DISPATCHER_PLACEHOLDER = 'huskyvoice-campaign-dispatcher';
/** The Form Trigger's path in campaign-import.json. */
export const CONTACTS_FORM_PATH = 'huskyvoice-campaign-contacts';

export interface ContactsTableSpec {
	name: string;
	columns: DataTableColumn[];
}

export function contactsTableSpec(): ContactsTableSpec {
	return JSON.parse(fs.readFileSync(path.join(CAMPAIGN_DIR, 'contacts-table.json'), 'utf8'));
}

export function loadCampaignWorkflow(part: CampaignPart): Record<string, any> {
	return JSON.parse(fs.readFileSync(path.join(CAMPAIGN_DIR, CAMPAIGN_WORKFLOW_FILES[part]), 'utf8'));
}

/** What a test or the demo changes in the files besides wiring: the user-facing knobs, set faster. */
export interface CampaignTuning {
	/** "Campaign settings → concurrency" (the plan's: Base 1, Professional 4). */
	concurrency?: number;
	agentId?: string;
	/** The dispatcher's Schedule Trigger ("Every minute"), in seconds. */
	dispatchEverySeconds?: number;
	/** The results workflow's look-up of calls still in flight ("Every 10 minutes"), in seconds. */
	sweepEverySeconds?: number;
}

function everySeconds(node: WorkflowNode, seconds: number): void {
	node.parameters = { rule: { interval: [{ field: 'seconds', secondsInterval: seconds }] } };
}

function setAssignment(node: WorkflowNode, name: string, value: unknown): void {
	const list = (node.parameters as any).assignments.assignments as Array<{ name: string; value: unknown }>;
	const entry = list.find((a) => a.name === name);
	if (!entry) throw new Error(`"${node.name}" has no assignment ${name}`);
	entry.value = value;
}

/** Replaces a resource locator's placeholder value by the real id, as picking it in the editor would. */
function pick(node: WorkflowNode, parameter: string, placeholder: string, id: string, name: string): void {
	const locator = node.parameters[parameter] as { value: string; cachedResultName?: string };
	if (locator.value !== placeholder) throw new Error(`"${node.name}" does not point at the placeholder ${placeholder}`);
	node.parameters[parameter] = { ...locator, value: id, cachedResultName: name };
}

/** Credentials by type, the Data Table in every Data Table node, the dispatcher in the results workflow, and the tuning. */
export function wireCampaignWorkflow(
	workflow: Record<string, any>,
	creds: Partial<Record<string, Credential>>,
	table: Pick<DataTable, 'id' | 'name'>,
	tuning: CampaignTuning = {},
	dispatcher?: { id: string; name: string },
): Record<string, any> {
	const wf = wireExample(workflow, creds);
	const byName = (name: string) => (wf.nodes as WorkflowNode[]).find((n) => n.name === name);
	for (const node of wf.nodes as WorkflowNode[]) {
		if (node.type === 'n8n-nodes-base.dataTable') pick(node, 'dataTableId', TABLE_PLACEHOLDER, table.id, table.name);
		if (node.type === 'n8n-nodes-base.executeWorkflow') {
			if (!dispatcher) throw new Error(`"${node.name}" needs the dispatcher workflow's id`);
			pick(node, 'workflowId', DISPATCHER_PLACEHOLDER, dispatcher.id, dispatcher.name);
		}
	}
	const settings = byName('Campaign settings');
	if (settings && tuning.concurrency !== undefined) setAssignment(settings, 'concurrency', tuning.concurrency);
	if (settings && tuning.agentId !== undefined) setAssignment(settings, 'agent_id', tuning.agentId);
	const dispatch = byName('Every minute');
	if (dispatch && tuning.dispatchEverySeconds) everySeconds(dispatch, tuning.dispatchEverySeconds);
	const sweep = byName('Every 10 minutes');
	if (sweep && tuning.sweepEverySeconds) everySeconds(sweep, tuning.sweepEverySeconds);
	return wf;
}

export interface ImportedCampaign {
	table: DataTable;
	workflowIds: Record<CampaignPart, string>;
	/** The contacts form (Form Trigger's production URL). */
	formUrl: string;
	/** Dashboard endpoint of the results trigger (with `dashboard`). */
	endpoints: DashboardEndpoint[];
}

/**
 * Creates the contacts table, imports the three workflows wired to it and (with `dashboard`)
 * registers the results trigger's URL in the sandbox's dashboard. With `activate` (default) all
 * three go live, each really live when it returns.
 */
export async function importCampaign(
	stack: N8nStack,
	creds: HuskyCredentials,
	o: { dashboard?: SandboxAdmin; activate?: boolean; tuning?: CampaignTuning; tableName?: string } = {},
): Promise<ImportedCampaign> {
	const spec = contactsTableSpec();
	const table = await createDataTable(stack.api, o.tableName ?? spec.name, spec.columns);
	const byType = { [CREDENTIAL_TYPES.api]: creds.api, [CREDENTIAL_TYPES.inbound]: creds.inbound };
	const workflowIds = {} as Record<CampaignPart, string>;
	let endpoints: DashboardEndpoint[] = [];
	let dispatcher: { id: string; name: string } | undefined;
	for (const part of ['dispatcher', 'import', 'results'] as CampaignPart[]) {
		const wf = await stack.api.createWorkflow(wireCampaignWorkflow(loadCampaignWorkflow(part), byType, table, o.tuning, dispatcher));
		workflowIds[part] = wf.id;
		if (part === 'dispatcher') dispatcher = { id: wf.id, name: wf.name };
		if (part === 'results' && o.dashboard) endpoints = await registerInSandboxDashboard(stack, o.dashboard, wf);
	}
	const formUrl = `${stack.webhookBaseUrl}/form/${CONTACTS_FORM_PATH}`;
	if (o.activate ?? true) {
		// n8n 2.x publishes a workflow only after the sub-workflows it calls: the dispatcher first
		// (the table is still empty, so it places nothing before results listens)
		await stack.activateAndWait(workflowIds.dispatcher);
		await stack.activateAndWait(workflowIds.results);
		// the form's URL is under /form/, not /webhook/: activate, then probe it directly
		await stack.api.activateAndWait(workflowIds.import);
		await stack.api.waitForWebhook(formUrl, { method: 'POST' });
	}
	return { table, workflowIds, formUrl, endpoints };
}

/** The title of the page the contacts form shows once it has added the contacts (campaign-import.json, *Result page*). */
export const CONTACTS_ADDED_TITLE = 'Contacts added';

/**
 * Submits the contacts form like a browser (multipart, one `name, phone` per line) and returns
 * the page it then shows. The form answers `{ formWaitingUrl }`; that page is served once the
 * execution reached its completion node (until then n8n holds the request), so it is asked again
 * with a short timeout until it shows the result.
 */
export async function addContactsThroughForm(campaign: ImportedCampaign, lines: string[]): Promise<string> {
	const boundary = `----huskyvoice${Date.now().toString(16)}`;
	const body = [`--${boundary}`, 'Content-Disposition: form-data; name="field-0"', '', lines.join('\n'), `--${boundary}--`, ''].join('\r\n');
	const r = await request('POST', campaign.formUrl, {
		body,
		headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
		timeoutMs: 120_000,
	});
	if (r.status !== 200) throw new Error(`contacts form answered ${r.status}: ${r.text.slice(0, 300)}`);
	const waitingUrl = r.json<{ formWaitingUrl: string }>().formWaitingUrl;
	return waitFor(
		'the contacts form to show its result page',
		async () => {
			const page = await request('GET', waitingUrl, { timeoutMs: 5_000 }).catch(() => undefined);
			return page?.status === 200 && page.text.includes(CONTACTS_ADDED_TITLE) ? page.text : undefined;
		},
		{ timeoutMs: 180_000, intervalMs: 500 },
	);
}

export type ContactRow = DataTableRow & {
	name: string;
	phone: string;
	status: string;
	attempts: number;
	next_attempt_at: string | null;
	call_id: string | null;
	called_at: string | null;
	ending: string | null;
	outcome: string | null;
	summary: string | null;
};

export async function contactRows(stack: N8nStack, table: DataTable): Promise<ContactRow[]> {
	return (await dataTableRows(stack.api, table)) as ContactRow[];
}

// ---------- driving a campaign on a fast clock ----------

/** GET /__admin/queue of the sandbox's queue model (test/sandbox/queue.cts). */
export interface QueueReport {
	now: string;
	plan: string | null;
	concurrency: number | null;
	starts_per_minute: number;
	queued: string[];
	in_flight: string[];
	max_in_flight: number;
	starts: Array<{ call_id: string; contact_number: string; attempt: number; at: string; in_flight: number }>;
	calls_per_contact_attempt: Record<string, number>;
	duplicates: Array<{ contact_number: string; attempt: number; calls: number }>;
}

export function queueReport(admin: SandboxAdmin): Promise<QueueReport> {
	return admin.call('GET', '/queue');
}

const FINAL_STATUSES = new Set(['done', 'unreachable', 'dnd']);

/** The most calls placed and not yet ended at one time (the sandbox's calls: created → last state change). */
export function mostPlacedAtOnce(calls: Array<Record<string, any>>): number {
	const edges = calls.flatMap((c) => [
		{ t: Date.parse(c.created_at), d: +1 },
		{ t: Date.parse(c.sandbox.history.at(-1).at), d: -1 },
	]);
	edges.sort((a, b) => a.t - b.t || a.d - b.d);
	let open = 0;
	let most = 0;
	for (const e of edges) most = Math.max(most, (open += e.d));
	return most;
}

export function isFinalRow(row: ContactRow): boolean {
	return FINAL_STATUSES.has(row.status);
}

export interface CampaignDriveOptions {
	stack: N8nStack;
	admin: SandboxAdmin;
	table: DataTable;
	/** The campaign's concurrency (Campaign settings). */
	concurrency: number;
	window?: CallingWindow;
	/** Jump only when the next thing happens more than this far ahead (sandbox-clock ms); default 60 s. */
	skipThresholdMs?: number;
	/** Land this long before it (default 15 s), so the dispatcher meets the moment itself. */
	leadMs?: number;
	/** Called on every poll with the rows (e.g. to restart n8n in the middle); may take long. */
	onPoll?: (rows: ContactRow[]) => Promise<void>;
	timeoutMs?: number;
	pollMs?: number;
}

export interface ClockJump {
	from: string;
	to: string;
	reason: string;
}

/**
 * Polls the contacts table until every row is final. The shifted clock runs at real speed (so
 * n8n's Schedule Triggers keep their real intervals); while nothing is being dialled and nothing
 * can happen before a later moment (the window is closed, the retries are not due yet, HuskyVoice
 * holds calls for the morning or for its 10-starts-a-minute pacing), the clock jumps to just
 * before that moment — the night and the retry delays pass in seconds. Never jumps while a call is live or while a row
 * is "calling" for a call that already ended (its event or the look-up must settle it first).
 */
export async function driveCampaign(o: CampaignDriveOptions): Promise<{ rows: ContactRow[]; jumps: ClockJump[] }> {
	const clock = o.stack.clock;
	if (!clock) throw new Error('driveCampaign needs a stack with shiftedClock');
	const window = o.window ?? DEFAULT_CALLING_WINDOW;
	const threshold = o.skipThresholdMs ?? 60_000;
	const lead = o.leadMs ?? 15_000;
	const jumps: ClockJump[] = [];
	const deadline = Date.now() + (o.timeoutMs ?? 15 * 60_000);
	for (;;) {
		const rows = await contactRows(o.stack, o.table);
		if (rows.length > 0 && rows.every(isFinalRow)) return { rows, jumps };
		if (Date.now() > deadline) {
			const open = rows.filter((r) => !isFinalRow(r)).map((r) => `${r.phone} ${r.status} #${r.attempts}`);
			throw new Error(`campaign not settled in time; still open: ${open.join(', ')}`);
		}
		await o.onPoll?.(rows);
		const target = await nextMomentToJumpTo(o, rows, window);
		const now = clock.now().getTime();
		if (target !== undefined && target.at - now > threshold) {
			const to = target.at - lead;
			jumps.push({ from: new Date(now).toISOString(), to: new Date(to).toISOString(), reason: target.reason });
			clock.setTo(to);
		}
		await sleep(o.pollMs ?? 500);
	}
}

async function nextMomentToJumpTo(
	o: CampaignDriveOptions,
	rows: ContactRow[],
	window: CallingWindow,
): Promise<{ at: number; reason: string } | undefined> {
	const queue = await queueReport(o.admin);
	if (queue.in_flight.length > 0) return undefined; // a call is being dialled or talking
	const waiting = new Set(queue.queued);
	const calling = rows.filter((r) => r.status === 'calling');
	if (calling.some((r) => !r.call_id || !waiting.has(r.call_id))) return undefined; // ended, not settled yet
	const now = Date.parse(queue.now);
	const candidates: Array<{ at: number; reason: string }> = [];
	if (waiting.size > 0) {
		// HuskyVoice starts at most `startsPerMinute` calls in any minute: the next start is free a
		// minute after the one that many starts back
		const back = queue.starts.at(-queue.starts_per_minute);
		const paced = back ? Date.parse(back.at) + 60_000 : now;
		candidates.push({ at: firstMomentInsideWindow(Math.max(now, paced), window).getTime(), reason: 'queued calls wait for the window or the pacing' });
	}
	if (calling.length < o.concurrency) {
		if (rows.some((r) => r.status === 'new')) candidates.push({ at: firstMomentInsideWindow(now, window).getTime(), reason: 'new contacts wait for the window' });
		for (const r of rows.filter((x) => x.status === 'retry' && x.next_attempt_at)) {
			const due = Math.max(now, Date.parse(r.next_attempt_at!));
			candidates.push({ at: firstMomentInsideWindow(due, window).getTime(), reason: `retry of ${r.phone} due` });
		}
	}
	return candidates.sort((a, b) => a.at - b.at)[0];
}
