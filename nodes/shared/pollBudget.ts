import type { IDataObject } from 'n8n-workflow';

/**
 * How fast the items waiting for calls may poll, per credential: together they use at most
 * POLL_SHARE of the rate limit, however many wait, so they never push the account over its limit
 * and always leave the rest to other requests (which the shared pacing serves as usual). Every
 * request, polls included, still goes through the shared pacing, so no poll can cause a 429.
 */
export const POLL_SHARE = 0.5;
/** HuskyVoice's documented limit: 60 requests per minute per API key. */
const DOCUMENTED_LIMIT_PER_MINUTE = 60;

interface PollSchedule {
	/** Requests per minute: the documented limit until HuskyVoice reports its own. */
	limit: number;
	/** The earliest time the next poll of this credential may go out. */
	nextSlot: number;
}

const schedules = new Map<string, PollSchedule>();

function scheduleOf(key: string): PollSchedule {
	let schedule = schedules.get(key);
	if (!schedule) {
		schedule = { limit: DOCUMENTED_LIMIT_PER_MINUTE, nextSlot: 0 };
		schedules.set(key, schedule);
	}
	return schedule;
}

/**
 * The account's limit as HuskyVoice last reported it (X-RateLimit-Limit, per minute as documented);
 * the transport hands every answer's headers here. Without the header the documented 60 stays.
 */
export function noteRateLimit(key: string, headers: IDataObject): void {
	const limit = Number(headers['x-ratelimit-limit']);
	if (Number.isFinite(limit) && limit >= 1) scheduleOf(key).limit = limit;
}

/**
 * Asked when an item's poll is due: the time it may go out, spaced from every other poll of the
 * same credential so that all waiting items together stay within POLL_SHARE of the limit.
 */
export function reservePollSlot(key: string, now = Date.now()): number {
	const schedule = scheduleOf(key);
	const spacing = 60_000 / (schedule.limit * POLL_SHARE);
	const slot = Math.max(now, schedule.nextSlot);
	schedule.nextSlot = slot + spacing;
	return slot;
}

