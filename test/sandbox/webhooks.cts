import { ALL_EVENTS } from './events.cjs';
import { apiError, parseJsonObject, type Handler, type JsonObject, type Reply } from './http.cjs';
import { now, randomHex, type SandboxState } from './state.cjs';
import type { Subscription } from './types.cjs';

/** `{ url, events }` checked; `*` subscribes to every event. */
export function parseSubscriptionInput(body: JsonObject): { url: string; events: string[] } | { error: string } {
	const { url, events } = body;
	let parsed: URL | undefined;
	try {
		parsed = typeof url === 'string' ? new URL(url) : undefined;
	} catch {
		parsed = undefined;
	}
	if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) return { error: 'url must be an http(s) URL' };
	if (!Array.isArray(events) || events.length === 0) return { error: 'events must be a non-empty array of event names' };
	const unknown = events.find((e) => typeof e !== 'string' || (e !== '*' && !ALL_EVENTS.includes(e)));
	if (unknown !== undefined) return { error: `events: unknown event ${JSON.stringify(unknown)}; known: ${ALL_EVENTS.join(', ')}` };
	return { url: url as string, events: events as string[] };
}

export function addSubscription(
	state: SandboxState,
	input: { url: string; events: string[] },
	via: Subscription['created_via'],
): Subscription {
	const subscription: Subscription = {
		id: `we_${randomHex(8)}`,
		url: input.url,
		events: [...input.events],
		secret: `whsec_${randomHex(24)}`,
		created_at: now(),
		created_via: via,
		failed_events: 0,
		disabled: false,
	};
	state.subscriptions.set(subscription.id, subscription);
	return subscription;
}

/** The assumed endpoint-management API (contract §7); an account without it answers 404. */
function whenEnabled(state: SandboxState, then: () => Reply): Reply {
	if (!state.config.webhooksApiEnabled) return apiError(404, 'not_found', 'Not found');
	return then();
}

export const createWebhookHandler: Handler = ({ state, rawBody }) =>
	whenEnabled(state, () => {
		const parsed = parseJsonObject(rawBody);
		if ('error' in parsed) return apiError(400, 'invalid_request', parsed.error);
		const input = parseSubscriptionInput(parsed.value);
		if ('error' in input) return apiError(400, 'invalid_request', input.error);
		const { id, url, events, secret } = addSubscription(state, input, 'api');
		return { status: 201, body: { data: { id, url, events, secret } } };
	});

export const listWebhooksHandler: Handler = ({ state }) =>
	whenEnabled(state, () => ({
		status: 200,
		body: { data: [...state.subscriptions.values()].map(({ id, url, events }) => ({ id, url, events })) },
	}));

export const deleteWebhookHandler: Handler = ({ state, params }) =>
	whenEnabled(state, () => {
		if (!state.subscriptions.delete(params.id)) return apiError(404, 'not_found', `Webhook ${params.id} not found`);
		return { status: 200, body: { data: { id: params.id, deleted: true } } };
	});
