import { reportedLimit } from './pacing';

/**
 * How fast the items waiting for calls may poll, per credential: together they use at most
 * POLL_SHARE of the rate limit, however many wait, so they never push the account over its limit
 * and always leave the rest to other requests (which the shared pacing serves as usual). Every
 * request, polls included, still goes through the shared pacing, so no poll can cause a 429.
 */
export const POLL_SHARE = 0.5;
/** HuskyVoice's documented limit: 60 requests per minute per API key. */
const DOCUMENTED_LIMIT_PER_MINUTE = 60;

/** Per credential: the earliest time the next poll may go out. */
const nextSlots = new Map<string, number>();

/**
 * Requests per minute: the X-RateLimit-Limit HuskyVoice last reported (read once per answer by the
 * shared pacing), per minute as documented; the documented 60 until it reports one.
 */
function limitPerMinute(key: string): number {
	const reported = reportedLimit(key);
	return reported !== undefined && reported >= 1 ? reported : DOCUMENTED_LIMIT_PER_MINUTE;
}

/**
 * Asked when an item's poll is due: the time it may go out, spaced from every other poll of the
 * same credential so that all waiting items together stay within POLL_SHARE of the limit.
 */
export function reservePollSlot(key: string, now = Date.now()): number {
	const spacing = 60_000 / (limitPerMinute(key) * POLL_SHARE);
	const slot = Math.max(now, nextSlots.get(key) ?? 0);
	nextSlots.set(key, slot + spacing);
	return slot;
}

