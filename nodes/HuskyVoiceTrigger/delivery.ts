import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { campaignFieldsOf } from '../shared/callEnding';
import { DEFAULT_CALLING_WINDOW, DEFAULT_RETRY_POLICY } from '../shared/callingWindow';
import { isSettingProblem, readRetrySettings } from '../shared/retrySettings';
import { WEBHOOK_SECRET_CREDENTIAL } from '../shared/constants';
import type { SeenEventStore } from './dedupe';
import { processSeenEvents } from './dedupe';
import { callWithStatus, passesCallFilters, simplifyCallEvent } from './callFilters';
import type { HuskyVoiceEvent } from './normalise';
import { eventTypeOf, isSelectedEvent, normaliseEvent } from './normalise';
import { signingSecretsIn } from './registration';
import { verifyHuskySignature } from './verify';

const DEFAULT_SETTINGS_FOR_ENDING = { retry: DEFAULT_RETRY_POLICY, window: DEFAULT_CALLING_WINDOW };

/** Manual mode's secret, as read from the credential, per trigger node and credential. */
interface CachedSecret {
	secret: Promise<string | undefined>;
	readAt: number;
}

const manualSecrets = new Map<string, CachedSecret>();

/**
 * How long a secret read from the credential is reused. Every read costs n8n a database query,
 * a decryption and, with n8n's default `vm` expression engine, a fresh expression isolate
 * (about 40 ms of CPU) — per delivery, on the path to the answer. A secret changed in n8n is
 * used at once for deliveries signed with it (a mismatch reads the credential again); the
 * previous secret stays accepted for at most this long.
 */
export const SIGNING_SECRET_REUSE_MS = 60_000;

/** A mismatch reads the credential again at most this often, so forged requests cannot make n8n re-read it on every request. */
export const SIGNING_SECRET_REREAD_MS = 1_000;

async function readManualSecret(context: IWebhookFunctions): Promise<string | undefined> {
	try {
		const credentials = await context.getCredentials(WEBHOOK_SECRET_CREDENTIAL);
		const secret = credentials.signingSecret;
		return typeof secret === 'string' && secret !== '' ? secret : undefined;
	} catch {
		return undefined;
	}
}

function manualSecretKey(context: IWebhookFunctions): string {
	const credentialId = context.getNode().credentials?.[WEBHOOK_SECRET_CREDENTIAL]?.id ?? '';
	return `${context.getWorkflow().id ?? ''}:${context.getNode().id}:${credentialId}`;
}

/** Manual mode: the credential's secret, read again when stale or when it did not match. */
async function verifyWithManualSecret(
	context: IWebhookFunctions,
	rawBody: Buffer | undefined,
	now: number,
): Promise<boolean> {
	const headers = context.getHeaderData();
	const key = manualSecretKey(context);
	const cached = manualSecrets.get(key);
	if (cached && now - cached.readAt < SIGNING_SECRET_REUSE_MS) {
		const secret = await cached.secret;
		if (secret !== undefined && verifyHuskySignature(rawBody, headers, [secret])) return true;
		if (now - cached.readAt < SIGNING_SECRET_REREAD_MS) return false;
	}
	const fresh: CachedSecret = { secret: readManualSecret(context), readAt: now };
	manualSecrets.set(key, fresh);
	const secret = await fresh.secret;
	return secret !== undefined && verifyHuskySignature(rawBody, headers, [secret]);
}

/** Step 1: the signature must match the raw bytes, unless the user turned verification off. */
export async function verifyDelivery(
	context: IWebhookFunctions,
	rawBody: Buffer | undefined,
	now = Date.now(),
): Promise<boolean> {
	if (context.getNodeParameter('verifySignature', true) === false) return true;
	if (context.getNodeParameter('registration') === 'manual') return await verifyWithManualSecret(context, rawBody, now);
	return verifyHuskySignature(rawBody, context.getHeaderData(), signingSecretsIn(context.getWorkflowStaticData('node')));
}

/**
 * Per trigger node, and separately for test and production runs so that trying an event out
 * with "Listen for test event" never swallows the production delivery of the same event.
 * Process memory only: n8n 2.41.1 saves static data written in `webhook()` only when the
 * delivery starts no execution (test/e2e/nodes.e2e.test.cts), so the id of every event that did
 * start one was never kept across a restart, while keeping the list cost copies of up to 1000
 * entries per delivery (and a database update for each ignored duplicate).
 */
export function seenEventsOf(context: IWebhookFunctions): SeenEventStore {
	return processSeenEvents(`${context.getWorkflow().id ?? ''}:${context.getNode().id}:${context.getMode()}`);
}

export type FilterDecision = 'emit' | 'notSelected' | 'filteredOut' | 'duplicate';

/**
 * Step 2: unselected events, call events outside the agent and outcome filters, and redeliveries
 * of an event already emitted start nothing.
 */
export function filterDelivery(context: IWebhookFunctions, body: IDataObject, now = Date.now()): FilterDecision {
	const selected = context.getNodeParameter('events', []) as string[];
	if (!isSelectedEvent(selected, eventTypeOf(body) ?? '')) return 'notSelected';
	const event = normaliseEvent(body);
	if (!passesCallFilters(context, event)) return 'filteredOut';
	const { event_id: eventId } = event;
	if (eventId !== null && seenEventsOf(context).checkAndRecord(eventId, now)) return 'duplicate';
	return 'emit';
}

/**
 * A call event's campaign fields (attempt, ending, retryable, next_attempt_at, final) from the
 * Retry settings. The trigger never throws: a bad setting leaves next_attempt_at empty and says why.
 */
function campaignFieldsOfEvent(context: IWebhookFunctions, event: HuskyVoiceEvent, now: number): IDataObject {
	const settings = readRetrySettings(context.getNodeParameter('retry', {}) as IDataObject);
	const call = callWithStatus(event);
	if (!isSettingProblem(settings)) return campaignFieldsOf(call, { ...settings, now });
	const fields: IDataObject = campaignFieldsOf(call, { ...DEFAULT_SETTINGS_FOR_ENDING, now });
	return { ...fields, next_attempt_at: null, retry_settings_error: `${settings.field} ${settings.problem}` };
}

/** Step 3: one item per event, in the same shape for both envelopes; call events add the campaign fields. */
export function emitEvent(context: IWebhookFunctions, body: IDataObject, now = Date.now()): IWebhookResponseData {
	const includeRaw = context.getNodeParameter('options.includeRawPayload', false) === true;
	const simplify = context.getNodeParameter('simplify', false) === true;
	const normalised = normaliseEvent(body);
	let event: IDataObject = simplify ? simplifyCallEvent(normalised) : normalised;
	if (normalised.event_type.startsWith('call.')) event = { ...event, ...campaignFieldsOfEvent(context, normalised, now) };
	if (includeRaw) event.raw = body;
	return { workflowData: [context.helpers.returnJsonArray([event])] };
}

/** Answers at once and starts no execution; the body never echoes the request or a secret. */
export function refuseDelivery(context: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	context.getResponseObject().status(status).json({ error: message });
	return { noWebhookResponse: true };
}

/** 200 without an execution: HuskyVoice must not retry an event the workflow does not want. */
export function acknowledgeDelivery(reason: string): IWebhookResponseData {
	return { webhookResponse: { received: true, ignored: reason } };
}
