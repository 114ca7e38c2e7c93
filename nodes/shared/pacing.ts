import type { IDataObject } from 'n8n-workflow';

/**
 * Per-credential pacing from the rate-limit headers HuskyVoice sends (X-RateLimit-Remaining,
 * X-RateLimit-Reset), so a batch runs at the limit instead of bursting into 429s.
 * Requests spend the remaining budget locally, so concurrent items do not all rush in on one
 * stale count; requests still in flight are subtracted from every reported count (they may not
 * be counted yet). With the budget used up, one request probes when the reset time is reached
 * (a sliding window frees one slot, a fixed window all of them) and its answer sets the pace.
 * Until the first answer shows whether the server sends these headers, one request goes alone;
 * a server that sends none is not paced at all. Keyed by credential id, never by the key.
 */
interface RateWindow {
	remaining: number;
	resetAt: number;
	probeUntil?: number;
}

interface PacingState {
	inFlight: number;
	window?: RateWindow;
	/** undefined until an answer arrived; false when the server sends no rate-limit headers. */
	headersSent?: boolean;
	/** While nothing is known: when the lone first request stops holding the others back. */
	firstUntil?: number;
}

const states = new Map<string, PacingState>();

/** How long waiters let a probe run before another request probes. */
const PROBE_TIMEOUT_MS = 2_000;
/** How often waiters look again while a probe is out. */
const POLL_MS = 5;

function stateOf(key: string): PacingState {
	let state = states.get(key);
	if (!state) {
		state = { inFlight: 0 };
		states.set(key, state);
	}
	return state;
}

/** X-RateLimit-Reset as epoch milliseconds, epoch seconds, or seconds from now. */
export function resetAtMs(value: unknown, now = Date.now()): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const n = Number(value);
	if (!Number.isFinite(n) || n < 0) return undefined;
	if (n > 1e12) return n;
	if (n > 1e9) return n * 1000;
	return now + n * 1000;
}

/** Call once per request that `paceBefore` let through, when it has finished (answer or error). */
export function requestFinished(key: string): void {
	const state = states.get(key);
	if (state && state.inFlight > 0) state.inFlight--;
}

export function recordRateLimit(key: string, headers: IDataObject, now = Date.now()): void {
	const reported = headers['x-ratelimit-remaining'];
	const remaining = Number(reported);
	const resetAt = resetAtMs(headers['x-ratelimit-reset'], now);
	const state = stateOf(key);
	if (reported === undefined || reported === '' || !Number.isFinite(remaining) || resetAt === undefined) {
		state.headersSent ??= false;
		return;
	}
	state.headersSent = true;
	const budget = Math.max(0, remaining - state.inFlight);
	const current = state.window;
	if (!current || resetAt > current.resetAt) {
		state.window = { remaining: budget, resetAt };
	} else if (resetAt === current.resetAt) {
		// Answers to concurrent requests arrive out of order: within one window the lowest count wins.
		// A probe still out keeps its claim: this answer belongs to an older request, and letting
		// another request probe now would send two into the one slot the reset frees (a 429).
		current.remaining = Math.min(current.remaining, budget);
	}
	// An earlier reset than the one known comes from an older answer: nothing new.
}

export async function paceBefore(key: string, wait: (ms: number) => Promise<void>): Promise<void> {
	const state = stateOf(key);
	for (;;) {
		const window = state.window;
		const now = Date.now();
		if (!window && state.headersSent === undefined) {
			if (state.inFlight > 0 && state.firstUntil !== undefined && now < state.firstUntil) {
				await wait(POLL_MS);
				continue;
			}
			state.firstUntil = now + PROBE_TIMEOUT_MS;
		}
		if (!window || window.remaining > 0) {
			if (window) window.remaining--;
			state.inFlight++;
			return;
		}
		if (now >= window.resetAt && (window.probeUntil === undefined || now >= window.probeUntil)) {
			window.probeUntil = now + PROBE_TIMEOUT_MS;
			state.inFlight++;
			return;
		}
		await wait(now < window.resetAt ? Math.min(window.resetAt - now, 60_000) : POLL_MS);
	}
}
