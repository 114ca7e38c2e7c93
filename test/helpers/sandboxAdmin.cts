/** A typed client for the sandbox's `/__admin` API (test/sandbox/README.md). */
export interface SandboxRecordedRequest {
	at: string;
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	/** The answer's status (absent for a dropped connection). */
	status?: number;
}

export interface SandboxFault {
	route: string;
	failTimes?: number;
	rateLimitTimes?: number;
	retryAfterSeconds?: number;
	dropAfterCommitTimes?: number;
	latencyMs?: number;
}

export interface SandboxAdmin {
	get<T = unknown>(path: string): Promise<T>;
	post<T = unknown>(path: string, body?: unknown): Promise<T>;
	reset(): Promise<void>;
	fault(fault: SandboxFault): Promise<void>;
	config(patch: Record<string, unknown>): Promise<void>;
	calls(): Promise<Array<Record<string, unknown>>>;
	requests(filter?: { method?: string; path?: string }): Promise<SandboxRecordedRequest[]>;
	advance(callId: string, to?: string): Promise<Record<string, unknown>>;
	/** Per-number scripted endings, one per attempt: `{ "+919800000001": ["busy", "completed"] }`. */
	script(scripts: Record<string, Array<string | Record<string, string>>>): Promise<void>;
	/** Moves the sandbox clock: `{ set: ISO }` | `{ advanceMs }` | `{ offsetMs }`, and/or `{ freeze }`. */
	clock(move: { set?: string; advanceMs?: number; offsetMs?: number; freeze?: boolean }): Promise<{ now: string }>;
	/** The queue model's report (test/sandbox/README.md "Queue model"). */
	queue(): Promise<Record<string, any>>;
}

export function sandboxAdmin(adminUrl: string): SandboxAdmin {
	const base = adminUrl.replace(/\/+$/, '');
	const call = async <T,>(method: string, path: string, body?: unknown): Promise<T> => {
		const response = await fetch(`${base}${path}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`sandbox admin ${method} ${path} answered ${response.status}: ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	};
	return {
		get: (path) => call('GET', path),
		post: (path, body) => call('POST', path, body ?? {}),
		reset: async () => void (await call('POST', '/reset', {})),
		fault: async (fault) => void (await call('POST', '/faults', fault)),
		config: async (patch) => void (await call('POST', '/config', patch)),
		calls: () => call('GET', '/calls'),
		requests: (filter = {}) => {
			const query = new URLSearchParams(filter as Record<string, string>).toString();
			return call('GET', `/requests${query ? `?${query}` : ''}`);
		},
		advance: (callId, to) => call('POST', `/calls/${encodeURIComponent(callId)}/advance`, to ? { to } : {}),
		script: async (scripts) => void (await call('POST', '/script', scripts)),
		clock: (move) => call('POST', '/clock', move),
		queue: () => call('GET', '/queue'),
	};
}
