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
	/** Only its UTC calendar date is used. */
	now: Date;
	body: IDataObject;
}

/**
 * The default Idempotency-Key of a create-call request: `hv-` + the first 32 hex digits of
 * sha256(workflow id, node id, UTC date, canonical body). n8n's "Retry" of a failed execution
 * and the transport's own retries send the same key, so HuskyVoice returns the original call
 * instead of placing a second one. The date bounds it: the same reminder to the same person
 * tomorrow is a new call. Trade-off: two identical items on the same day in the same node are
 * one call — set the key to e.g. `{{$execution.id}}-{{$itemIndex}}` to place both.
 */
export function idempotencyKeyFor(source: IdempotencySource): string {
	const day = source.now.toISOString().slice(0, 10);
	const material = canonicalJson([source.workflowId, source.nodeId, day, source.body]);
	return `hv-${createHash('sha256').update(material).digest('hex').slice(0, 32)}`;
}
