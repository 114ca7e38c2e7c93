import type { IDataObject } from 'n8n-workflow';

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

/** Oldest first, so the bound drops the oldest ids. */
type SeenList = Array<[string, number]>;

export function pruneSeen(seen: SeenList, now: number, limits: SeenEventLimits): SeenList {
	const fresh = seen.filter(([, at]) => now - at < limits.ttlMs);
	return fresh.length > limits.maxIds ? fresh.slice(fresh.length - limits.maxIds) : fresh;
}

function recordIn(seen: SeenList, eventId: string, now: number, limits: SeenEventLimits) {
	const current = pruneSeen(seen, now, limits);
	const wasSeen = current.some(([id]) => id === eventId);
	if (!wasSeen) current.push([eventId, now]);
	return { wasSeen, next: pruneSeen(current, now, limits) };
}

function readSeenList(value: unknown): SeenList {
	if (!Array.isArray(value)) return [];
	return value.filter(
		(entry): entry is [string, number] =>
			Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number',
	);
}

/**
 * Seen ids in the node's workflow static data: survives restarts as far as n8n persists static
 * data written inside `webhook()` (see the README for what was proven in real n8n).
 * The list is reassigned, never mutated, so n8n's change tracking always notices the write.
 */
export function staticDataSeenEvents(
	staticData: IDataObject,
	limits: SeenEventLimits = DEFAULT_SEEN_EVENT_LIMITS,
): SeenEventStore {
	return {
		checkAndRecord(eventId, now) {
			const { wasSeen, next } = recordIn(readSeenList(staticData.seenEvents), eventId, now, limits);
			staticData.seenEvents = next as unknown as IDataObject[];
			return wasSeen;
		},
	};
}

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

/** Seen if any store has seen it; every store records it. */
export function combinedSeenEvents(...stores: SeenEventStore[]): SeenEventStore {
	return {
		checkAndRecord(eventId, now) {
			return stores.map((store) => store.checkAndRecord(eventId, now)).some(Boolean);
		},
	};
}
