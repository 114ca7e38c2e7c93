import { apiError, type Reply } from './http.cjs';
import type { SandboxState } from './state.cjs';

export interface RateLimitVerdict {
	headers: Record<string, string>;
	/** Set when the request is over the limit. */
	reply?: Reply;
}

/** Sliding window per API key: a request counts if it was let through within the last windowMs. */
export function checkRateLimit(state: SandboxState, key: string, at = Date.now()): RateLimitVerdict {
	const { limit, windowMs } = state.config.rateLimit;
	const window = (state.rateWindows.get(key) ?? []).filter((t) => t > at - windowMs);
	state.rateWindows.set(key, window);
	const limited = window.length >= limit;
	if (!limited) window.push(at);
	// When the oldest counted request leaves the window a slot frees up.
	const resetAt = (window[0] ?? at) + windowMs;
	const headers = {
		'x-ratelimit-limit': String(limit),
		'x-ratelimit-remaining': String(Math.max(0, limit - window.length)),
		'x-ratelimit-reset': String(resetAt),
	};
	if (!limited) return { headers };
	const retryAfter = Math.max(1, Math.ceil((resetAt - at) / 1000));
	const reply = apiError(429, 'RATE_LIMIT_EXCEEDED', `Rate limit of ${limit} requests per ${windowMs} ms exceeded`);
	return { headers, reply: { ...reply, headers: { 'retry-after': String(retryAfter) } } };
}
