import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { announceCallEnded } from '../shared/callEvents';
import { FINAL_CALL_STATUSES, simplifyCall } from '../shared/simplifyCall';
import type { HuskyVoiceEvent } from './normalise';

const STATUS_OF_EVENT: Record<string, string> = {
	'call.completed': 'completed',
	'call.failed': 'failed',
	'call.disallowed': 'disallowed',
};

function isCallEvent(event: HuskyVoiceEvent): boolean {
	return event.event_type.startsWith('call.');
}

/** A comma- or line-separated list, trimmed, empty entries dropped. */
function listOf(value: unknown): string[] {
	return String(value ?? '')
		.split(/[,\n]/)
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
}

/**
 * The Trigger's call filters (Options → Agent IDs, Outcomes). They apply to call events only;
 * an empty filter lets everything through. Outcomes are compared without regard to case.
 */
export function passesCallFilters(context: IWebhookFunctions, event: HuskyVoiceEvent): boolean {
	if (!isCallEvent(event)) return true;
	const agents = listOf(context.getNodeParameter('options.agentIds', ''));
	if (agents.length > 0 && !agents.includes(String(event.data.agent_id ?? ''))) return false;
	const outcomes = listOf(context.getNodeParameter('options.outcomes', '')).map((o) => o.toLowerCase());
	if (outcomes.length === 0) return true;
	const outcome = simplifyCall(event.data).outcome;
	return typeof outcome === 'string' && outcomes.includes(outcome.toLowerCase());
}

/** Simplify: a call event becomes the event's ids plus one flat call (nodes/shared/simplifyCall.ts). */
export function simplifyCallEvent(event: HuskyVoiceEvent): IDataObject {
	if (!isCallEvent(event)) return event;
	const envelope: IDataObject = { event_id: event.event_id, event_type: event.event_type, created_at: event.created_at };
	if (event.org_id !== undefined) envelope.org_id = event.org_id;
	return { ...envelope, ...simplifyCall(callWithStatus(event)) };
}

/** The call as the event describes it; an event without `status` takes it from its type. */
export function callWithStatus(event: HuskyVoiceEvent): IDataObject {
	const status = event.data.status ?? STATUS_OF_EVENT[event.event_type];
	return status === undefined ? event.data : { ...event.data, status };
}

/**
 * A verified event about a call that has ended wakes the Wait for Outcome items waiting for that
 * call in this n8n process (whatever this trigger's event selection and filters).
 */
export function announceIfCallEnded(event: HuskyVoiceEvent): void {
	if (!isCallEvent(event)) return;
	const call = callWithStatus(event);
	if (typeof call.status === 'string' && FINAL_CALL_STATUSES.includes(call.status)) announceCallEnded(call);
}
