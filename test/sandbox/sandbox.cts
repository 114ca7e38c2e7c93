import type { AddressInfo } from 'net';

import { DEFAULT_CONFIG } from './config.cjs';
import { createServer } from './server.cjs';
import { randomHex, SandboxState } from './state.cjs';
import type { SandboxConfig } from './types.cjs';

export { SandboxState } from './state.cjs';
export type { Appointment, CallRecord, CallStart, Plan, ScriptEntry, DeliveryAttempt, Fault, RecordedRequest, SandboxConfig, Slot, Subscription } from './types.cjs';
export { SEED_DATES } from './seed.cjs';
export { fakeTimeOffsetMs, fakeTimeSpecFor } from './clock.cjs';
export { concurrencyOf } from './queue.cjs';

export interface SandboxOptions {
	/** 0 (default) = a random free port. */
	port?: number;
	apiKey?: string;
	inboundToken?: string;
	/** When set, inbound hooks REQUIRE a valid signature. */
	inboundSigningSecret?: string;
	/** Default 60 per 60000 ms, sliding window, per API key. */
	rateLimit?: { limit: number; windowMs: number };
	/** 0 (default) = off: a call advances only by admin call; >0 = each stage after this many ms. */
	autoAdvanceMs?: number;
	/** With auto-advance: ms a call stays scheduled/queued before it starts (default 0 = one step). */
	queuedMs?: number;
	/** Default 'transcript'; 'call_transcript' = the other documented field spelling. */
	callDataSpelling?: 'transcript' | 'call_transcript';
	/** Default [200, 1000, 3000]. */
	deliveryRetryDelaysMs?: number[];
	/** Default true; false = /v1/webhooks answers 404. */
	webhooksApiEnabled?: boolean;
	legacySignatureHeader?: boolean;
	credits?: number;
	dailyInboundQuota?: number;
	/** Unset (default) = no queue model; set = HuskyVoice's queue with this plan (README "Queue model"). */
	plan?: SandboxConfig['plan'];
	concurrency?: number;
	startsPerMinute?: number;
	timeZone?: string;
	callingWindow?: SandboxConfig['callingWindow'];
	callDurationMs?: number;
	/** A libfaketime timestamp file the sandbox clock follows (README "Clock"). */
	fakeTimeFile?: string;
}

export interface Sandbox {
	/** http://127.0.0.1:PORT/v1 */
	baseUrl: string;
	origin: string;
	/** http://127.0.0.1:PORT/__admin */
	adminUrl: string;
	apiKey: string;
	/** The current token (follows rotation). */
	inboundToken: string;
	inboundSigningSecret?: string;
	/** In-process access for tests. */
	state: SandboxState;
	stop(): Promise<void>;
}

function configFrom(options: SandboxOptions): SandboxConfig {
	const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
	const { port: _port, apiKey: _apiKey, inboundToken: _token, ...settings } = given as SandboxOptions;
	return { ...structuredClone(DEFAULT_CONFIG), ...structuredClone(settings) };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const apiKey = options.apiKey ?? `sk_test_${randomHex(16)}`;
	const state = new SandboxState(apiKey, options.inboundToken ?? randomHex(24), configFrom(options));
	const server = createServer(state);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	const origin = `http://127.0.0.1:${port}`;
	state.origin = origin;
	let stopped: Promise<void> | undefined;
	return {
		baseUrl: `${origin}/v1`,
		origin,
		adminUrl: `${origin}/__admin`,
		apiKey,
		get inboundToken() {
			return state.inboundToken;
		},
		get inboundSigningSecret() {
			return state.config.inboundSigningSecret;
		},
		state,
		stop() {
			stopped ??= new Promise<void>((resolve) => {
				state.scheduler.stop();
				state.stopActivity();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return stopped;
		},
	};
}
