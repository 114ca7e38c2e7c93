import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import type { HuskyResponse } from './errors';

export interface RetryPolicy {
	/** Retries after a 5xx or a network failure. */
	maxServerRetries: number;
	/** Retries after 429; each waits what Retry-After asks. */
	maxRateLimitRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/**
	 * Which network failures may be retried; all when absent. A request without an idempotency
	 * guarantee must not be retried after a failure that may have come after the server acted.
	 */
	retryNetworkError?: (error: Error) => boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxServerRetries: 3,
	maxRateLimitRetries: 8,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
};

export class RetriesExhaustedError extends Error {
	constructor(
		readonly lastResponse: HuskyResponse | undefined,
		readonly lastNetworkError: Error | undefined,
		readonly attempts: number,
	) {
		super('retries exhausted');
	}
}

function header(headers: IDataObject, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return value === undefined ? undefined : String(value);
}

/** Seconds (the documented form) or an HTTP date. */
export function retryAfterMs(headers: IDataObject, now = Date.now()): number | undefined {
	const value = header(headers, 'retry-after');
	if (value === undefined) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function backoffMs(policy: RetryPolicy, attempt: number): number {
	const exponential = policy.baseDelayMs * 2 ** attempt;
	return Math.min(policy.maxDelayMs, exponential / 2 + Math.random() * (exponential / 2));
}

export function isRetryableStatus(status: number): boolean {
	return status === 429 || status >= 500;
}

/**
 * Sends until a non-retryable answer arrives or the policy's bounds are reached.
 * `send` must send the identical request each time (same body, same Idempotency-Key).
 */
export async function sendWithRetry(
	send: () => Promise<HuskyResponse>,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<HuskyResponse> {
	let serverRetries = 0;
	let rateLimitRetries = 0;
	let lastResponse: HuskyResponse | undefined;
	let lastNetworkError: Error | undefined;
	for (;;) {
		let wait: number;
		try {
			const response = await send();
			if (!isRetryableStatus(response.statusCode)) return response;
			lastResponse = response;
			lastNetworkError = undefined;
			if (response.statusCode === 429) {
				if (rateLimitRetries >= policy.maxRateLimitRetries) break;
				rateLimitRetries++;
				wait = Math.min(
					policy.maxDelayMs * 2,
					retryAfterMs(response.headers) ?? backoffMs(policy, rateLimitRetries),
				);
			} else {
				if (serverRetries >= policy.maxServerRetries) break;
				serverRetries++;
				wait = backoffMs(policy, serverRetries);
			}
		} catch (error) {
			lastNetworkError = error as Error;
			lastResponse = undefined;
			if (policy.retryNetworkError && !policy.retryNetworkError(lastNetworkError)) break;
			if (serverRetries >= policy.maxServerRetries) break;
			serverRetries++;
			wait = backoffMs(policy, serverRetries);
		}
		await sleep(wait);
	}
	throw new RetriesExhaustedError(
		lastResponse,
		lastNetworkError,
		serverRetries + rateLimitRetries,
	);
}
