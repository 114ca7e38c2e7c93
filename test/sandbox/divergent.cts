import type { JsonObject, Reply } from './http.cjs';
import { isObject } from './http.cjs';
import { apiRoutes } from './routes.cjs';

/**
 * `shapeVariant: "divergent"`: the same behaviour, rendered the way a real HuskyVoice account might
 * answer if the public docs are wrong about its shapes. Proves that `npm run check-account` reports
 * each difference. Every difference is listed here, in one place:
 *  - errors: RFC 7807 problem details `{ type, title, status, detail }` instead of either documented envelope;
 *  - rate-limit headers: the IETF draft's `RateLimit-Limit/-Remaining/-Reset` (seconds) instead of `X-RateLimit-*`;
 *  - `GET /services`: `[{ serviceId, serviceName }]` in `data`;
 *  - `GET /appointment-config`: `allow_cancellation` as a string ("true") and `cancellationNoticeHours`;
 *  - availability: each slot with `availableSlots` and `branch` instead of `available_slots` and `branch_id`;
 *  - `GET /appointments`: the records under `items` instead of `data`.
 */
export function divergentReply(method: string, path: string, reply: Reply): Reply {
	const headers = renamedRateLimitHeaders(reply.headers);
	if (reply.status >= 400) return { status: reply.status, headers: { ...headers, 'content-type': 'application/problem+json' }, body: problem(reply) };
	const route = apiRoutes.match(method, path)?.route.key;
	const body = route && isObject(reply.body) ? (RENDER[route]?.(reply.body) ?? reply.body) : reply.body;
	return { ...reply, headers, body };
}

const RENDER: Record<string, (body: JsonObject) => JsonObject> = {
	'GET /v1/services': (body) => ({
		...body,
		data: records(body.data).map(({ service_id, name, ...rest }) => ({ ...rest, serviceId: service_id, serviceName: name })),
	}),
	'GET /v1/appointment-config': (body) => {
		const { allow_cancellation, cancellation_notice_hours, ...rest } = isObject(body.data) ? body.data : {};
		return { ...body, data: { ...rest, allow_cancellation: String(allow_cancellation), cancellationNoticeHours: cancellation_notice_hours } };
	},
	'GET /v1/appointment-slots/availability': (body) => ({
		...body,
		slots: records(body.slots).map(({ available_slots, branch_id, ...rest }) => ({ ...rest, availableSlots: available_slots, branch: branch_id })),
	}),
	'GET /v1/appointments': ({ data, ...rest }) => ({ ...rest, items: data }),
};

function records(value: unknown): JsonObject[] {
	return Array.isArray(value) ? value.filter(isObject) : [];
}

function problem(reply: Reply): JsonObject {
	const body = isObject(reply.body) ? reply.body : {};
	const nested = isObject(body.error) ? body.error : undefined;
	const code = nested ? nested.code : body.code;
	const detail = nested ? nested.message : body.error;
	return { type: `https://errors.huskyvoice.ai/${String(code ?? 'error')}`, title: String(code ?? 'error'), status: reply.status, detail };
}

function renamedRateLimitHeaders(headers: Record<string, string> | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		const lower = name.toLowerCase();
		if (lower === 'x-ratelimit-reset') out['RateLimit-Reset'] = String(Math.max(0, Math.ceil((Number(value) - Date.now()) / 1000)));
		else if (lower.startsWith('x-ratelimit-')) out[`RateLimit-${name.slice('x-ratelimit-'.length).replace(/^./, (c) => c.toUpperCase())}`] = value;
		else out[name] = value;
	}
	return out;
}
