import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { WEBHOOK_SECRET_CREDENTIAL } from '../shared/constants';
import type { SeenEventStore } from './dedupe';
import { combinedSeenEvents, processSeenEvents, staticDataSeenEvents } from './dedupe';
import { eventTypeOf, isSelectedEvent, normaliseEvent } from './normalise';
import { signingSecretsIn } from './registration';
import { verifyHuskySignature } from './verify';

/** The secrets a genuine delivery to this node can be signed with; none when unavailable. */
async function signingSecretsOf(context: IWebhookFunctions): Promise<string[]> {
	if (context.getNodeParameter('registration') === 'manual') {
		try {
			const credentials = await context.getCredentials(WEBHOOK_SECRET_CREDENTIAL);
			const secret = credentials.signingSecret;
			return typeof secret === 'string' && secret !== '' ? [secret] : [];
		} catch {
			return [];
		}
	}
	return signingSecretsIn(context.getWorkflowStaticData('node'));
}

/** Step 1: the signature must match the raw bytes, unless the user turned verification off. */
export async function verifyDelivery(context: IWebhookFunctions, rawBody: Buffer | undefined): Promise<boolean> {
	if (context.getNodeParameter('verifySignature', true) === false) return true;
	return verifyHuskySignature(rawBody, context.getHeaderData(), await signingSecretsOf(context));
}

/**
 * Per trigger node, and separately for test and production runs so that trying an event out
 * with "Listen for test event" never swallows the production delivery of the same event.
 */
export function seenEventsOf(context: IWebhookFunctions): SeenEventStore {
	const scope = `${context.getWorkflow().id ?? ''}:${context.getNode().id}:${context.getMode()}`;
	return combinedSeenEvents(
		processSeenEvents(scope),
		staticDataSeenEvents(context.getWorkflowStaticData('node')),
	);
}

export type FilterDecision = 'emit' | 'notSelected' | 'duplicate';

/** Step 2: unselected events and redeliveries of an event already emitted start nothing. */
export function filterDelivery(context: IWebhookFunctions, body: IDataObject, now = Date.now()): FilterDecision {
	const selected = context.getNodeParameter('events', []) as string[];
	if (!isSelectedEvent(selected, eventTypeOf(body) ?? '')) return 'notSelected';
	const { event_id: eventId } = normaliseEvent(body);
	if (eventId !== null && seenEventsOf(context).checkAndRecord(eventId, now)) return 'duplicate';
	return 'emit';
}

/** Step 3: one item per event, in the same shape for both envelopes. */
export function emitEvent(context: IWebhookFunctions, body: IDataObject): IWebhookResponseData {
	const includeRaw = context.getNodeParameter('options.includeRawPayload', false) === true;
	const event: IDataObject = normaliseEvent(body);
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
