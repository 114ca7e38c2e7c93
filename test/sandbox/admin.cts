import { appointmentEventView, changeAppointment, publicSlot, SESSIONS } from './appointments.cjs';
import { placeAppointment } from './booking.cjs';
import { publicCall } from './calls.cjs';
import { parseConfigPatch } from './config.cjs';
import { APPOINTMENT_EVENTS, CALL_EVENTS, SLOT_EVENTS, callEnvelope, resourceEnvelope, type EnvelopeBuilder } from './events.cjs';
import { parseFault } from './faults.cjs';
import { apiError, isObject, parseJsonObject, type Handler, type JsonObject, type Reply, type RequestContext } from './http.cjs';
import { advanceCall, CALL_STATUSES, restartAutoAdvance } from './lifecycle.cjs';
import { emit, postOnce, redeliver, subscribersOf } from './outbound.cjs';
import { addQueueAdminRoutes } from './queue-admin.cjs';
import { runQueue } from './queue.cjs';
import { Router } from './router.cjs';
import { apiRoutes } from './routes.cjs';
import { randomHex, type SandboxState } from './state.cjs';
import type { Appointment, CallStatus, Session, Slot } from './types.cjs';
import { addSubscription, parseSubscriptionInput } from './webhooks.cjs';

const ok = (body: unknown): Reply => ({ status: 200, body });
const bad = (message: string): Reply => apiError(400, 'invalid_request', message);
const missing = (what: string): Reply => apiError(404, 'not_found', `${what} not found`);

/** Runs `then` with the parsed JSON body, or answers 400. */
function withBody(ctx: RequestContext, then: (body: JsonObject) => Reply | Promise<Reply>): Reply | Promise<Reply> {
	const parsed = parseJsonObject(ctx.rawBody);
	return 'error' in parsed ? bad(parsed.error) : then(parsed.value);
}

const STATUS_OF_CALL_EVENT: Record<string, CallStatus> = {
	'call.initiated': 'initiated',
	'call.answered': 'in_progress',
	'call.completed': 'completed',
	'call.failed': 'failed',
	'call.disallowed': 'disallowed',
};

/** The envelope for an admin-emitted event: the named resource's current view, overlaid with `data`. */
function envelopeFor(state: SandboxState, body: JsonObject): EnvelopeBuilder | Reply {
	const type = body.event_type;
	const extra = isObject(body.data) ? body.data : {};
	if (typeof type !== 'string') return bad('event_type is required');
	if (CALL_EVENTS.includes(type)) {
		const call = typeof body.call_id === 'string' ? state.calls.get(body.call_id) : undefined;
		if (body.call_id !== undefined && !call) return missing(`Call ${String(body.call_id)}`);
		const base = call
			? publicCall(call)
			: { call_id: `call_${randomHex(10)}`, agent_id: 'agent_sandbox', status: STATUS_OF_CALL_EVENT[type] };
		return callEnvelope(type, { ...base, ...extra });
	}
	if (APPOINTMENT_EVENTS.includes(type)) {
		const appointment = typeof body.appointment_id === 'string' ? state.appointments.get(body.appointment_id) : undefined;
		if (body.appointment_id !== undefined && !appointment) return missing(`Appointment ${String(body.appointment_id)}`);
		return resourceEnvelope(type, 'appointment', { ...(appointment && appointmentEventView(state, appointment)), ...extra });
	}
	if (SLOT_EVENTS.includes(type)) {
		const slot = typeof body.slot_id === 'string' ? state.slots.get(body.slot_id) : undefined;
		if (body.slot_id !== undefined && !slot) return missing(`Slot ${String(body.slot_id)}`);
		return resourceEnvelope(type, 'slot', { ...(slot && publicSlot(slot)), ...extra });
	}
	return bad(`unknown event_type ${type}; known: ${[...CALL_EVENTS, ...APPOINTMENT_EVENTS, ...SLOT_EVENTS].join(', ')}`);
}

function deliveriesOf(state: SandboxState, eventId: string) {
	return state.deliveries.filter((d) => d.event_id === eventId);
}

const emitEvent: Handler = (ctx) =>
	withBody(ctx, async (body) => {
		const { state } = ctx;
		const envelope = envelopeFor(state, body);
		if (typeof envelope !== 'function') return envelope;
		const type = body.event_type as string;
		const subscribers = subscribersOf(state, type).length;
		const { event_id, done } = emit(state, type, envelope);
		if (body.wait === true) await done;
		return { status: 201, body: { event_id, subscribers, deliveries: deliveriesOf(state, event_id) } };
	});

const redeliverEvent: Handler = (ctx) =>
	withBody(ctx, async (body) => {
		const { state, params } = ctx;
		const event = state.events.get(params.id);
		if (!event) return missing(`Event ${params.id}`);
		const done = redeliver(state, event);
		if (body.wait === true) await done;
		return ok({ event_id: event.event_id, subscribers: subscribersOf(state, event.event_type).length });
	});

const advance: Handler = (ctx) =>
	withBody(ctx, (body) => {
		const { state, params } = ctx;
		const call = state.calls.get(params.id);
		if (!call) return missing(`Call ${params.id}`);
		const to = body.to as CallStatus | undefined;
		if (to !== undefined && !CALL_STATUSES.includes(to)) return bad(`to must be one of ${CALL_STATUSES.join(', ')}`);
		const result = advanceCall(state, call, to);
		return result.error ? apiError(409, 'call_not_advanceable', result.error) : ok(call);
	});

const setFault: Handler = (ctx) =>
	withBody(ctx, (body) => {
		const route = body.route;
		const known = [...apiRoutes.keys(), '*'];
		if (typeof route !== 'string' || !known.includes(route)) return bad(`route must be one of ${known.join(' | ')}`);
		const fault = parseFault(body);
		if (typeof fault === 'string') return bad(fault);
		ctx.state.faults.set(route, fault);
		return ok({ route, ...fault });
	});

const clearFaults: Handler = ({ state, query }) => {
	const route = query.get('route');
	if (route) state.faults.delete(route);
	else state.faults.clear();
	return ok(Object.fromEntries(state.faults));
};

const setConfig: Handler = (ctx) =>
	withBody(ctx, (body) => {
		const { state } = ctx;
		const patch = parseConfigPatch(body);
		if ('error' in patch) return bad(patch.error as string);
		const autoAdvanceChanged =
			(patch.autoAdvanceMs !== undefined && patch.autoAdvanceMs !== state.config.autoAdvanceMs) ||
			(patch.queuedMs !== undefined && patch.queuedMs !== state.config.queuedMs);
		for (const key of Object.keys(body)) Object.assign(state.config, { [key]: patch[key as keyof typeof patch] });
		if (autoAdvanceChanged) restartAutoAdvance(state);
		runQueue(state);
		return ok(state.config);
	});

const addWebhook: Handler = (ctx) =>
	withBody(ctx, (body) => {
		const input = parseSubscriptionInput(body);
		return 'error' in input ? bad(input.error) : { status: 201, body: addSubscription(ctx.state, input, 'dashboard') };
	});

const rawDelivery: Handler = (ctx) =>
	withBody(ctx, async (body) => {
		const { url, headers = {} } = body;
		if (typeof url !== 'string') return bad('url is required');
		if (typeof body.body !== 'string') return bad('body must be a string (the exact bytes to send)');
		if (!isObject(headers) || !Object.values(headers).every((v) => typeof v === 'string')) {
			return bad('headers must be an object of strings');
		}
		return ok(await postOnce(ctx.state, url, body.body, headers as Record<string, string>));
	});

const info: Handler = ({ state }) =>
	ok({
		baseUrl: `${state.origin}/v1`,
		adminUrl: `${state.origin}/__admin`,
		apiKey: state.apiKey,
		inboundToken: state.inboundToken,
		inboundHookUrl: `${state.origin}/v1/hooks/${state.inboundToken}`,
		inboundSigningSecret: state.config.inboundSigningSecret ?? null,
		routes: apiRoutes.keys(),
		config: state.config,
	});

/** The events HuskyVoice sends for a change made in the dashboard or by the agent during a call. */
function emitAppointmentChange(state: SandboxState, eventType: string, a: Appointment, slots: Slot[]): string {
	const { event_id } = emit(state, eventType, resourceEnvelope(eventType, 'appointment', appointmentEventView(state, a)));
	for (const slot of slots) emit(state, 'slot.updated', resourceEnvelope('slot.updated', 'slot', publicSlot(slot)));
	return event_id;
}

/** The AI agent books during a call: the same checks as POST /appointments, then appointment.created. */
const agentBooking: Handler = (ctx) =>
	withBody(ctx, (body) => {
		const placed = placeAppointment(ctx.state, body, 'phone_call');
		if (!('appointment' in placed)) return placed;
		const event_id = emitAppointmentChange(ctx.state, 'appointment.created', placed.appointment, [placed.slot]);
		return { status: 201, body: { appointment: placed.appointment, event_id } };
	});

/** Staff change an appointment in the dashboard: a PATCH body, not bound by the cancellation rule, with events. */
const dashboardChange: Handler = (ctx) =>
	withBody(ctx, (body) => {
		const a = ctx.state.appointments.get(ctx.params.id);
		if (!a) return missing(`Appointment ${ctx.params.id}`);
		const change = changeAppointment(ctx.state, a, body, 'dashboard');
		if (!change.eventType) return change.reply;
		const event_id = emitAppointmentChange(ctx.state, change.eventType, a, change.changedSlots);
		return ok({ appointment: a, event_id });
	});

const setAppointmentConfig: Handler = (ctx) =>
	withBody(ctx, (body) => {
		const { allow_cancellation, cancellation_notice_hours } = body;
		if (allow_cancellation !== undefined && typeof allow_cancellation !== 'boolean') return bad('allow_cancellation must be a boolean');
		const hours = cancellation_notice_hours;
		if (hours !== undefined && (typeof hours !== 'number' || !Number.isInteger(hours) || hours < 0)) {
			return bad('cancellation_notice_hours must be a non-negative integer');
		}
		Object.assign(ctx.state.appointmentConfig, body.allow_cancellation === undefined ? {} : { allow_cancellation }, hours === undefined ? {} : { cancellation_notice_hours: hours });
		return ok(ctx.state.appointmentConfig);
	});

const createScopedKey: Handler = (ctx) =>
	withBody(ctx, (body) => {
		const { scopes } = body;
		if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) return bad('scopes must be an array of strings');
		const key = `sk_test_${randomHex(16)}`;
		ctx.state.scopedKeys.set(key, scopes as string[]);
		return { status: 201, body: { key, scopes } };
	});

/** Many plain appointments at once (for paging): `{ count, date, session?, branch_id? }`; no seats, no events. */
const generateAppointments: Handler = (ctx) =>
	withBody(ctx, (body) => {
		const { count, date } = body;
		if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 5000) return bad('count must be 1..5000');
		if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return bad('date must be YYYY-MM-DD');
		const session = (body.session as Session | undefined) ?? 'Morning';
		if (!SESSIONS.includes(session)) return bad(`session must be one of ${SESSIONS.join(', ')}`);
		const branch = typeof body.branch_id === 'string' ? body.branch_id : 'br_koramangala';
		const at = new Date().toISOString();
		const ids: string[] = [];
		for (let i = 0; i < count; i++) {
			const a: Appointment = {
				appointment_id: `apt_gen_${randomHex(6)}`,
				appointment_type: ctx.state.services[0]?.service_id ?? 'service',
				branch_id: branch,
				date,
				session,
				batch: 'B1',
				token: `T-${i + 1}`,
				patient_name: `Generated Patient ${i + 1}`,
				parent_phone: `+9190000${String(i).padStart(5, '0')}`,
				assigned_doctor: '',
				status: 'confirmed',
				external_reference_id: `GEN-${i + 1}`,
				created_at: at,
				updated_at: at,
				booked_via: 'api',
			};
			ctx.state.appointments.set(a.appointment_id, a);
			ids.push(a.appointment_id);
		}
		return { status: 201, body: { count, ids } };
	});

const adminRoutes = addQueueAdminRoutes(new Router())
	.add('GET /__admin', info)
	.add('POST /__admin/reset', (ctx) =>
		withBody(ctx, (body) => {
			ctx.state.reset({ keepWebhooks: body.keepWebhooks === true });
			return ok({ reset: true });
		}),
	)
	.add('GET /__admin/config', ({ state }) => ok(state.config))
	.add('POST /__admin/config', setConfig)
	.add('GET /__admin/calls', ({ state }) => ok([...state.calls.values()]))
	.add('GET /__admin/calls/:id', ({ state, params }) => {
		const call = state.calls.get(params.id);
		return call ? ok(call) : missing(`Call ${params.id}`);
	})
	.add('POST /__admin/calls/:id/advance', advance)
	.add('GET /__admin/appointments', ({ state }) => ok([...state.appointments.values()]))
	.add('POST /__admin/appointments/agent-booking', agentBooking)
	.add('POST /__admin/appointments/generate', generateAppointments)
	.add('POST /__admin/appointments/:id/dashboard-change', dashboardChange)
	.add('GET /__admin/appointment-config', ({ state }) => ok(state.appointmentConfig))
	.add('POST /__admin/appointment-config', setAppointmentConfig)
	.add('POST /__admin/api-keys', createScopedKey)
	.add('GET /__admin/windows', ({ state }) => ok([...state.windows.values()]))
	.add('GET /__admin/slots', ({ state }) => ok([...state.slots.values()]))
	.add('GET /__admin/requests', ({ state, query }) => {
		const method = query.get('method')?.toUpperCase();
		const path = query.get('path');
		return ok(state.requests.filter((r) => (!method || r.method === method) && (!path || r.path.startsWith(path))));
	})
	.add('GET /__admin/deliveries', ({ state, query }) => {
		const eventId = query.get('event_id');
		return ok(eventId ? deliveriesOf(state, eventId) : state.deliveries);
	})
	.add('GET /__admin/events', ({ state }) => ok([...state.events.values()]))
	.add('POST /__admin/events', emitEvent)
	.add('POST /__admin/events/:id/redeliver', redeliverEvent)
	.add('POST /__admin/inbound/rotate', ({ state }) => {
		state.inboundToken = randomHex(24);
		return ok({ token: state.inboundToken });
	})
	.add('GET /__admin/faults', ({ state }) => ok(Object.fromEntries(state.faults)))
	.add('POST /__admin/faults', setFault)
	.add('DELETE /__admin/faults', clearFaults)
	.add('GET /__admin/webhooks', ({ state }) => ok([...state.subscriptions.values()]))
	.add('POST /__admin/webhooks', addWebhook)
	.add('DELETE /__admin/webhooks/:id', ({ state, params }) =>
		state.subscriptions.delete(params.id) ? ok({ id: params.id, deleted: true }) : missing(`Webhook ${params.id}`),
	)
	.add('POST /__admin/webhooks/:id/enable', ({ state, params }) => {
		const subscription = state.subscriptions.get(params.id);
		if (!subscription) return missing(`Webhook ${params.id}`);
		Object.assign(subscription, { disabled: false, failed_events: 0 });
		return ok(subscription);
	})
	.add('POST /__admin/raw-delivery', rawDelivery);

/** The test-only admin API: no auth, no rate limit, not recorded. */
export async function handleAdmin(ctx: RequestContext, path: string): Promise<Reply> {
	const found = adminRoutes.match(ctx.req.method ?? '', path);
	if (!found) return apiError(404, 'not_found', `No admin route ${ctx.req.method} ${path}`);
	return found.route.handler({ ...ctx, params: found.params });
}
