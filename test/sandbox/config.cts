import type { JsonObject } from './http.cjs';
import { callingWindowProblem } from '../../nodes/shared/callingWindow';
import { isValidTimeZone } from '../../nodes/shared/timeZone';
import type { Plan, SandboxConfig } from './types.cjs';

export const PLANS: Plan[] = ['trial', 'base', 'professional', 'enterprise'];

export const DEFAULT_CONFIG: SandboxConfig = {
	rateLimit: { limit: 60, windowMs: 60_000 },
	autoAdvanceMs: 0,
	queuedMs: 0,
	callDataSpelling: 'transcript',
	deliveryRetryDelaysMs: [200, 1000, 3000],
	deliveryTimeoutMs: 5000,
	webhooksApiEnabled: true,
	legacySignatureHeader: false,
	flatCancelResponse: false,
	duplicateDeliveries: false,
	disableEndpointAfterFailures: 0,
	servicesShape: 'data',
	searchTotals: false,
	startsPerMinute: 10,
	timeZone: 'Asia/Kolkata',
	callingWindow: { opensAt: '09:00', closesAt: '20:00' },
	callDurationMs: 2000,
};

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isPositive = (v: unknown): v is number => isCount(v) && v > 0;

type Check = (value: unknown) => boolean;
const CHECKS: Record<keyof SandboxConfig, [Check, string]> = {
	rateLimit: [
		(v) => typeof v === 'object' && v !== null && isPositive((v as JsonObject).limit) && isPositive((v as JsonObject).windowMs),
		'{ limit, windowMs } with positive integers',
	],
	autoAdvanceMs: [isCount, 'a non-negative integer (0 = off)'],
	queuedMs: [isCount, 'a non-negative integer (0 = one auto-advance step)'],
	callDataSpelling: [(v) => v === 'transcript' || v === 'call_transcript', '"transcript" or "call_transcript"'],
	deliveryRetryDelaysMs: [(v) => Array.isArray(v) && v.every(isCount), 'an array of non-negative integers'],
	deliveryTimeoutMs: [isPositive, 'a positive integer'],
	webhooksApiEnabled: [(v) => typeof v === 'boolean', 'a boolean'],
	legacySignatureHeader: [(v) => typeof v === 'boolean', 'a boolean'],
	flatCancelResponse: [(v) => typeof v === 'boolean', 'a boolean'],
	duplicateDeliveries: [(v) => typeof v === 'boolean', 'a boolean'],
	disableEndpointAfterFailures: [isCount, 'a non-negative integer (0 = never)'],
	credits: [(v) => v === null || isCount(v), 'a non-negative integer, or null for unlimited'],
	dailyInboundQuota: [(v) => v === null || isCount(v), 'a non-negative integer, or null for unlimited'],
	inboundSigningSecret: [(v) => v === null || (typeof v === 'string' && v !== ''), 'a non-empty string, or null for off'],
	servicesShape: [(v) => v === 'data' || v === 'bare', '"data" or "bare"'],
	searchTotals: [(v) => typeof v === 'boolean', 'a boolean'],
	plan: [(v) => v === null || PLANS.includes(v as Plan), `one of ${PLANS.join(', ')}, or null for no queue model`],
	concurrency: [(v) => v === null || isPositive(v), 'a positive integer (the Enterprise plan’s), or null for 10'],
	startsPerMinute: [isPositive, 'a positive integer'],
	timeZone: [(v) => typeof v === 'string' && isValidTimeZone(v), 'an IANA time zone such as Asia/Kolkata'],
	callingWindow: [
		(v) =>
			typeof v === 'object' &&
			v !== null &&
			callingWindowProblem({ timeZone: 'UTC', ...(v as { opensAt: string; closesAt: string }) }) === undefined,
		'{ opensAt, closesAt } in HH:MM, opening before closing',
	],
	callDurationMs: [isPositive, 'a positive integer'],
	fakeTimeFile: [(v) => v === null || (typeof v === 'string' && v !== ''), 'a file path, or null for none'],
};

/** Validates a partial config from the admin API; null clears an optional setting. */
export function parseConfigPatch(body: JsonObject): Partial<SandboxConfig> | { error: string } {
	const patch: JsonObject = {};
	for (const [key, value] of Object.entries(body)) {
		const check = CHECKS[key as keyof SandboxConfig];
		if (!check) return { error: `unknown setting ${key}; known: ${Object.keys(CHECKS).join(', ')}` };
		if (!check[0](value)) return { error: `${key} must be ${check[1]}` };
		patch[key] = value === null ? undefined : value;
	}
	return patch as Partial<SandboxConfig>;
}
