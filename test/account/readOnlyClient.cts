/**
 * The only way `npm run check-account` talks to HuskyVoice: GET, nothing else. There is no method
 * parameter to get wrong; a test checks that the sandbox saw GETs only.
 */
import type { HuskyResponse } from '../../nodes/shared/errors';
import { RetriesExhaustedError, sendWithRetry } from '../../nodes/shared/retry';

/** Few retries: this is a one-off probe, and a 429 should be waited out, not reported as a difference. */
const PROBE_RETRY_POLICY = { maxServerRetries: 1, maxRateLimitRetries: 2, baseDelayMs: 500, maxDelayMs: 10_000 };
const TIMEOUT_MS = 20_000;

export interface ReadAnswer extends HuskyResponse {
	headers: Record<string, string>;
}

/** Why the server could not be reached, from the error's code only (never the URL or headers). */
export class UnreachableError extends Error {}

export class ReadOnlyClient {
	constructor(
		private readonly baseUrl: string,
		private readonly apiKey: string,
	) {}

	async get(path: string, query: Record<string, string | number> = {}): Promise<ReadAnswer> {
		const url = new URL(`${this.baseUrl}${path}`);
		for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
		const once = async (): Promise<ReadAnswer> => {
			const response = await fetch(url, {
				method: 'GET',
				headers: { Accept: 'application/json', Authorization: `Bearer ${this.apiKey}` },
				redirect: 'error',
				signal: AbortSignal.timeout(TIMEOUT_MS),
			});
			const text = await response.text();
			let body: unknown = text;
			try {
				body = text === '' ? undefined : JSON.parse(text);
			} catch {
				// not JSON: the text itself is the body
			}
			return { statusCode: response.status, headers: Object.fromEntries(response.headers), body };
		};
		try {
			return (await sendWithRetry(once, PROBE_RETRY_POLICY)) as ReadAnswer;
		} catch (error) {
			if (error instanceof RetriesExhaustedError && error.lastResponse) return error.lastResponse as ReadAnswer;
			const cause = error instanceof RetriesExhaustedError ? error.lastNetworkError : (error as Error);
			throw new UnreachableError(reasonOf(cause));
		}
	}
}

function reasonOf(error: Error | undefined): string {
	const e = error as { name?: string; code?: unknown; cause?: { code?: unknown; name?: string } } | undefined;
	if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
	const code = [e?.code, e?.cause?.code].find((c): c is string => typeof c === 'string');
	if (code === 'ECONNREFUSED') return 'connection refused';
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
	if (code && /CERT|SSL|TLS/.test(code)) return `TLS error ${code}`;
	return code ? `network error ${code}` : 'network error';
}
