import http from 'http';
import https from 'https';

import type { EnvelopeBuilder } from './events.cjs';
import { hmacSha256Hex } from './signing.cjs';
import { now, randomHex, type SandboxState } from './state.cjs';
import type { DeliveryAttempt, EmittedEvent, Subscription } from './types.cjs';

export interface PostResult {
	status: number | null;
	error?: string;
	latencyMs: number;
	responseBody: string;
}

/** Signs the body once per subscription; the raw bytes are what every delivery sends. */
export function emit(
	state: SandboxState,
	eventType: string,
	build: EnvelopeBuilder,
	created_at = state.nowIso(),
): { event_id: string; done: Promise<void> } {
	const event_id = `evt_${randomHex(12)}`;
	const event: EmittedEvent = { event_id, event_type: eventType, created_at, raw: JSON.stringify(build(event_id, created_at)) };
	state.events.set(event_id, event);
	return { event_id, done: dispatch(state, event, 'original') };
}

/** Sends an already emitted event again, same event_id and bytes, to the current subscribers. */
export function redeliver(state: SandboxState, event: EmittedEvent): Promise<void> {
	return dispatch(state, event, 'redelivery');
}

export function subscribersOf(state: SandboxState, eventType: string): Subscription[] {
	return [...state.subscriptions.values()].filter(
		(s) => !s.disabled && (s.events.includes(eventType) || s.events.includes('*')),
	);
}

function dispatch(state: SandboxState, event: EmittedEvent, kind: DeliveryAttempt['kind']): Promise<void> {
	const epoch = state.epoch;
	const deliveries = subscribersOf(state, event.event_type).map(async (subscription) => {
		const delivered = await deliverWithRetries(state, subscription, event, kind);
		if (state.epoch !== epoch) return; // reset or stopped meanwhile
		countFailure(state, subscription, delivered);
		if (delivered && kind === 'original' && state.config.duplicateDeliveries) {
			await deliverWithRetries(state, subscription, event, 'duplicate');
		}
	});
	return Promise.all(deliveries).then(() => undefined);
}

/** Repeated failures get an endpoint disabled, as the contract warns (off unless configured). */
function countFailure(state: SandboxState, subscription: Subscription, delivered: boolean): void {
	subscription.failed_events = delivered ? 0 : subscription.failed_events + 1;
	const limit = state.config.disableEndpointAfterFailures;
	if (limit > 0 && subscription.failed_events >= limit) subscription.disabled = true;
}

export function signatureHeaderName(state: SandboxState): string {
	return state.config.legacySignatureHeader ? 'x-webhook-signature' : 'x-husky-signature';
}

/** One try, then one more after each configured delay; non-2xx, network errors and timeouts retry. */
async function deliverWithRetries(
	state: SandboxState,
	subscription: Subscription,
	event: EmittedEvent,
	kind: DeliveryAttempt['kind'],
): Promise<boolean> {
	const epoch = state.epoch;
	const delays = state.config.deliveryRetryDelaysMs;
	for (let attempt = 1; ; attempt++) {
		const signature_header = signatureHeaderName(state);
		const signature = hmacSha256Hex(subscription.secret, event.raw);
		const result = await postOnce(state, subscription.url, event.raw, {
			[signature_header]: signature,
			'x-husky-event-id': event.event_id,
		});
		if (state.epoch !== epoch) return false; // reset or stopped meanwhile
		const ok = result.status !== null && result.status >= 200 && result.status < 300;
		state.deliveries.push({
			id: state.nextId(),
			event_id: event.event_id,
			event_type: event.event_type,
			subscription_id: subscription.id,
			url: subscription.url,
			attempt,
			kind,
			status: result.status,
			ok,
			...(result.error ? { error: result.error } : {}),
			latencyMs: result.latencyMs,
			at: now(),
			signature_header,
			signature,
			body: event.raw,
		});
		if (ok) return true;
		if (attempt > delays.length) return false;
		await state.scheduler.delay(delays[attempt - 1]);
	}
}

/** POSTs bytes to a url without connection reuse; never rejects. */
export function postOnce(
	state: SandboxState,
	url: string,
	body: string | Buffer,
	headers: Record<string, string>,
): Promise<PostResult> {
	const started = performance.now();
	return new Promise((resolve) => {
		let target: URL;
		try {
			target = new URL(url);
		} catch {
			resolve({ status: null, error: 'invalid url', latencyMs: 0, responseBody: '' });
			return;
		}
		const payload = Buffer.from(body);
		const lowerCased = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
		const transport = target.protocol === 'https:' ? https : http;
		const req = transport.request(target, {
			method: 'POST',
			agent: false,
			headers: {
				'content-type': 'application/json',
				'user-agent': 'HuskyVoice-Webhooks/1.0 (sandbox)',
				...lowerCased,
				'content-length': String(payload.length),
			},
		});
		let settled = false;
		const finish = (outcome: Omit<PostResult, 'latencyMs'>) => {
			if (settled) return;
			settled = true;
			state.scheduler.cancel(timeout);
			state.inflight.delete(req);
			resolve({ ...outcome, latencyMs: Math.round(performance.now() - started) });
		};
		const timeoutMs = state.config.deliveryTimeoutMs;
		const timeout = state.scheduler.later(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
		req.on('response', (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => finish({ status: res.statusCode ?? null, responseBody: Buffer.concat(chunks).toString('utf8').slice(0, 4096) }));
			res.on('error', (error) => finish({ status: null, error: error.message, responseBody: '' }));
			res.on('close', () => finish({ status: null, error: 'connection closed mid-answer', responseBody: '' }));
		});
		req.on('error', (error) => finish({ status: null, error: error.message, responseBody: '' }));
		state.inflight.add(req);
		req.end(payload);
	});
}
