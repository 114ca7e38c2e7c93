import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** JSON with object keys sorted at every level, so equal bodies give equal text. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.keys(value as IDataObject)
			.filter((key) => (value as IDataObject)[key] !== undefined)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as IDataObject)[key])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

export interface IdempotencySource {
	workflowId: string;
	nodeId: string;
	/** Only its UTC calendar date is used, and only for attempt 1 without a campaign. */
	now: Date;
	/** The create-call body; from attempt 2 on it carries additional_info.attempt. */
	body: IDataObject;
	/** Call → Create's Attempt (default 1). */
	attempt?: number;
	/** Call → Create's Campaign ID ('' or absent = none). */
	campaignId?: string;
}

function digest(material: unknown[]): string {
	return `hv-${createHash('sha256').update(canonicalJson(material)).digest('hex').slice(0, 32)}`;
}

/**
 * The default Idempotency-Key of a create-call request: `hv-` + the first 32 hex digits of a
 * sha256. n8n's "Retry" of a failed execution and the transport's own retries send the same key,
 * so HuskyVoice returns the original call instead of placing a second one.
 * - Attempt 1, no campaign: sha256(workflow id, node id, UTC date, canonical body). The date
 *   bounds it: the same reminder to the same person tomorrow is a new call. Trade-off: two
 *   identical items on the same day in the same node are one call — set the key to e.g.
 *   `{{$execution.id}}-{{$itemIndex}}` to place both.
 * - From attempt 2 on: sha256(workflow id, node id, body) — the body carries the attempt, so
 *   attempt 2 is a new call, and with no date, attempt 2 run again after midnight UTC (a
 *   campaign spans days) is still the same call.
 * - With a Campaign ID: sha256("campaign", campaign id, body) — one call per campaign, call
 *   details and attempt, on any day and from any workflow or node.
 */
export function idempotencyKeyFor(source: IdempotencySource): string {
	const campaignId = source.campaignId ?? '';
	if (campaignId !== '') return digest(['campaign', campaignId, source.body]);
	if ((source.attempt ?? 1) > 1) return digest([source.workflowId, source.nodeId, source.body]);
	const day = source.now.toISOString().slice(0, 10);
	return digest([source.workflowId, source.nodeId, day, source.body]);
}
