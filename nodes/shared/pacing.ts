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
 *
 * Several processes (n8n queue-mode workers) may share one API key without sharing memory. The
 * headers show it: the server counts more requests (X-RateLimit-Limit − Remaining) than this
 * process had answered within the window. From that ratio each process estimates how many
 * clients share the key, spends only its share of a reported budget, and spreads its probe after
 * a reset over a random delay of up to one slot per other client, so that not every process
 * probes the one slot a sliding window frees at the same moment (each such collision is a 429).
 * Alone, the estimate stays at one and nothing changes.
 */
interface RateWindow {
	remaining: number;
	resetAt: number;
	probeUntil?: number;
	/** When this process may probe once the budget is used: resetAt plus a random spread among peers. */
	probeAt?: number;
}

interface PacingState {
	inFlight: number;
	window?: RateWindow;
	/** undefined until an answer arrived; false when the server sends no rate-limit headers. */
	headersSent?: boolean;
	/** While nothing is known: when the lone first request stops holding the others back. */
	firstUntil?: number;
	/** X-RateLimit-Limit, when sent. */
	limit?: number;
	/** The longest reset distance seen: the server's window (a sliding window's reset is at most this far away). */
	windowMs?: number;
	/** When this process's answered (counted) requests were answered, within the last windowMs. */
	answeredAt: number[];
	/** Clients estimated to share the key, this process included (≥ 1). */
	clients: number;
}

const states = new Map<string, PacingState>();

/** How long waiters let a probe run before another request probes. */
const PROBE_TIMEOUT_MS = 2_000;
/** How often waiters look again while a probe is out. */
const POLL_MS = 5;

function stateOf(key: string): PacingState {
	let state = states.get(key);
	if (!state) {
		state = { inFlight: 0, answeredAt: [], clients: 1 };
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

/** Below this the estimate is noise (answers arrive a little after the server counted them): one client. */
const ALONE_BELOW = 1.25;

function clientsSharing(state: PacingState): number {
	return state.clients < ALONE_BELOW ? 1 : state.clients;
}

/**
 * Updates the estimate of clients sharing the key from one answer: requests the server counts
 * in its window against those this process had in it (answered or still in flight).
 */
function estimateClients(state: PacingState, remaining: number, resetAt: number, counted: boolean, now: number): void {
	state.windowMs = Math.max(state.windowMs ?? 0, resetAt - now);
	if (counted) state.answeredAt.push(now);
	const since = now - state.windowMs;
	while (state.answeredAt.length && state.answeredAt[0] <= since) state.answeredAt.shift();
	const limit = state.limit;
	if (limit === undefined) return;
	const used = Math.max(0, limit - remaining);
	const mine = Math.max(1, state.answeredAt.length + state.inFlight);
	const sample = Math.min(limit, Math.max(1, used / mine));
	state.clients = (state.clients + sample) / 2;
}

/** This process's share of a budget shared by `clients`, rounded up or down at random so the shares add up. */
function shareOf(budget: number, clients: number): number {
	return clients === 1 ? budget : Math.floor(budget / clients + Math.random());
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
	// kept even without Remaining/Reset: Wait for Outcome spaces its polls by it (pollBudget.ts)
	const limit = Number(headers['x-ratelimit-limit']);
	if (Number.isFinite(limit) && limit > 0) state.limit = limit;
	if (reported === undefined || reported === '' || !Number.isFinite(remaining) || resetAt === undefined) {
		state.headersSent ??= false;
		return;
	}
	state.headersSent = true;
	// a 429 carries Retry-After; the server did not count that request
	estimateClients(state, remaining, resetAt, headers['retry-after'] === undefined, now);
	const budget = shareOf(Math.max(0, remaining - state.inFlight), clientsSharing(state));
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

/** A random delay of up to one slot (window ÷ limit) per other client sharing the key; 0 alone. */
function probeSpread(state: PacingState): number {
	const clients = clientsSharing(state);
	if (clients === 1 || state.limit === undefined || state.windowMs === undefined) return 0;
	return Math.random() * (clients - 1) * (state.windowMs / state.limit);
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
		window.probeAt ??= window.resetAt + probeSpread(state);
		if (now >= window.probeAt && (window.probeUntil === undefined || now >= window.probeUntil)) {
			window.probeUntil = now + PROBE_TIMEOUT_MS;
			state.inFlight++;
			return;
		}
		await wait(now < window.probeAt ? Math.min(window.probeAt - now, 60_000) : POLL_MS);
	}
}

/** Clients this process estimates to share the key (1 when alone or unknown). */
export function clientsEstimate(key: string): number {
	return states.get(key)?.clients ?? 1;
}

/** The X-RateLimit-Limit HuskyVoice last reported for this key (undefined: never reported). */
export function reportedLimit(key: string): number | undefined {
	return states.get(key)?.limit;
}

/** Requests this process may still send in the current window without waiting (undefined: not paced yet). */
export function budgetLeft(key: string): number | undefined {
	return states.get(key)?.window?.remaining;
}
