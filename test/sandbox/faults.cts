import { apiError, type Reply } from './http.cjs';
import type { SandboxState } from './state.cjs';
import type { Fault } from './types.cjs';

type CountedFault = 'failTimes' | 'dropAfterCommitTimes' | 'rateLimitTimes';

/** The fault set for a route key (e.g. `POST /v1/calls`), else the one for `*`. */
export function faultFor(state: SandboxState, routeKey: string | undefined): Fault | undefined {
	return (routeKey && state.faults.get(routeKey)) || state.faults.get('*');
}

/** Uses up one of the fault's N times; true when the fault applies to this request. */
export function consume(fault: Fault | undefined, kind: CountedFault): boolean {
	const left = fault?.[kind] ?? 0;
	if (left <= 0) return false;
	fault![kind] = left - 1;
	return true;
}

/** Injected failures that answer instead of the handler (the action is not performed). */
export function injectedReply(fault: Fault | undefined): Reply | undefined {
	if (consume(fault, 'rateLimitTimes')) {
		const seconds = fault?.retryAfterSeconds ?? 1;
		const reply = apiError(429, 'RATE_LIMIT_EXCEEDED', 'Rate limit exceeded (injected fault)');
		return { ...reply, headers: { 'retry-after': String(seconds) } };
	}
	if (consume(fault, 'failTimes')) return apiError(500, 'internal_error', 'Internal server error (injected fault)');
	return undefined;
}

const NUMBER_FIELDS = ['latencyMs', 'failTimes', 'dropAfterCommitTimes', 'rateLimitTimes', 'retryAfterSeconds'] as const;

/** Validates an admin fault body; returns the fault or an error message. */
export function parseFault(body: Record<string, unknown>): Fault | string {
	const fault: Fault = {};
	for (const field of NUMBER_FIELDS) {
		const value = body[field];
		if (value === undefined) continue;
		if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
			return `${field} must be a non-negative integer`;
		}
		fault[field] = value;
	}
	return fault;
}
