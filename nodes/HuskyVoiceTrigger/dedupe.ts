/**
 * Remembers which event ids were already delivered to the workflow.
 * `checkAndRecord` is synchronous on purpose: two deliveries of one event handled by the same
 * process cannot both pass, because nothing can run between the check and the record.
 */
export interface SeenEventStore {
	/** True when `eventId` was recorded within the TTL; otherwise records it and returns false. */
	checkAndRecord(eventId: string, now: number): boolean;
}

export interface SeenEventLimits {
	ttlMs: number;
	maxIds: number;
}

/** HuskyVoice retries a delivery for hours at most; a day covers every retry it makes. */
export const DEFAULT_SEEN_EVENT_LIMITS: SeenEventLimits = { ttlMs: 24 * 60 * 60 * 1000, maxIds: 1000 };

/** Per scope: event id → when it was first seen, oldest first (a Map keeps insertion order). */
const processSeenMaps = new Map<string, Map<string, number>>();

/**
 * Seen ids in this process's memory, per trigger node. Catches redeliveries that race each
 * other and does not depend on how n8n saves static data; it is lost on restart and not
 * shared between n8n processes (queue mode with several webhook processes).
 * Constant work per delivery: a lookup, an insert, and dropping expired or surplus ids from
 * the old end.
 */
export function processSeenEvents(
	scope: string,
	limits: SeenEventLimits = DEFAULT_SEEN_EVENT_LIMITS,
): SeenEventStore {
	let seen = processSeenMaps.get(scope);
	if (!seen) {
		seen = new Map();
		processSeenMaps.set(scope, seen);
	}
	const ids = seen;
	return {
		checkAndRecord(eventId, now) {
			for (const [id, at] of ids) {
				if (now - at < limits.ttlMs && ids.size <= limits.maxIds) break;
				ids.delete(id);
			}
			const at = ids.get(eventId);
			if (at !== undefined && now - at < limits.ttlMs) return true;
			ids.delete(eventId);
			ids.set(eventId, now);
			if (ids.size > limits.maxIds) ids.delete(ids.keys().next().value as string);
			return false;
		},
	};
}
