import { availableSlots, hasRoom } from './capacity.cjs';
import { flatError, parseJsonObject, type Handler, type JsonObject, type Reply } from './http.cjs';
import { now, type SandboxState } from './state.cjs';
import type { Appointment, Session, Slot } from './types.cjs';
import { slotsOn } from './windows.cjs';

export const SESSIONS: Session[] = ['Morning', 'Afternoon', 'Evening'];
const STATUSES = ['confirmed', 'completed', 'cancelled'];
const PATCHABLE = ['appointment_date', 'status', 'assigned_doctor', 'notes', 'session', 'batch'];
/** `date` alone, or a date-time in UTC (`Z` or `+00:00`); group 2 is the time part. */
export const ISO_UTC = /^(\d{4}-\d{2}-\d{2})(T(\d{2}):(\d{2})(:\d{2}(\.\d{1,9})?)?(Z|\+00:00))?$/;

export function isCalendarDate(value: string): boolean {
	return /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/** The slot as the API shows it (`date` is sandbox bookkeeping). */
export function publicSlot(slot: Slot): Omit<Slot, 'date'> {
	const { date: _date, ...visible } = slot;
	return visible;
}

/**
 * The appointment as the REST API shows it (`booked_via` is shown only in events). With
 * `withDateTime` (config `appointmentDateTime`) it also carries the booked date-time as `appointment_date`.
 */
export function publicAppointment(a: Appointment, withDateTime = false): Omit<Appointment, 'booked_via' | 'starts_at'> & { appointment_date?: string } {
	const { booked_via: _via, starts_at, ...visible } = a;
	return withDateTime && starts_at ? { ...visible, appointment_date: starts_at } : visible;
}

export function slotOf(state: SandboxState, a: Pick<Appointment, 'date' | 'branch_id' | 'session' | 'batch'>): Slot | undefined {
	return slotsOn(state, a.date).find((s) => s.branch_id === a.branch_id && s.session === a.session && s.batch === a.batch);
}

export function serviceName(state: SandboxState, type: string): string {
	return state.services.find((s) => s.service_id === type)?.name ?? type;
}

/** The appointment as outbound appointment events carry it. */
export function appointmentEventView(state: SandboxState, a: Appointment): object {
	return {
		...publicAppointment(a),
		doctor_name: a.assigned_doctor,
		appointment_type_name: serviceName(state, a.appointment_type),
		start_time: slotOf(state, a)?.start_time ?? null,
		booked_via: a.booked_via ?? 'phone_call',
		booked_at: a.created_at,
	};
}

function checkFields(body: JsonObject): string | undefined {
	if (!PATCHABLE.some((f) => body[f] !== undefined)) return `Send at least one of: ${PATCHABLE.join(', ')}`;
	const { appointment_date, status, session } = body;
	if (appointment_date !== undefined) {
		const match = typeof appointment_date === 'string' ? ISO_UTC.exec(appointment_date) : null;
		if (!match || !isCalendarDate(match[1])) {
			return 'appointment_date must be an ISO 8601 UTC date, e.g. 2030-06-03T09:30:00Z';
		}
	}
	if (status !== undefined && !STATUSES.includes(status as string)) return `status must be one of ${STATUSES.join(', ')}`;
	if (session !== undefined && !SESSIONS.includes(session as Session)) return `session must be one of ${SESSIONS.join(', ')}`;
	for (const field of ['assigned_doctor', 'notes', 'batch']) {
		if (body[field] !== undefined && typeof body[field] !== 'string') return `${field} must be a string`;
	}
	return undefined;
}

export function seat(slot: Slot, delta: number): Slot {
	slot.filled_slots += delta;
	slot.available_slots = availableSlots(slot);
	return slot;
}

/** Another live appointment of the same patient on that date and session. */
export function duplicateOf(
	state: SandboxState,
	patient: Pick<Appointment, 'patient_name' | 'parent_phone'>,
	date: string,
	session: Session,
	except?: Appointment,
): Appointment | undefined {
	return [...state.appointments.values()].find(
		(o) =>
			o !== except &&
			o.status !== 'cancelled' &&
			o.patient_name.toLowerCase() === patient.patient_name.toLowerCase() &&
			o.parent_phone === patient.parent_phone &&
			o.date === date &&
			o.session === session,
	);
}

/** The organisation's cancellation rule (`GET /appointment-config`); the dashboard is not bound by it. */
function cancellationRefusal(state: SandboxState, a: Appointment): Reply | undefined {
	const { allow_cancellation, cancellation_notice_hours } = state.appointmentConfig;
	if (!allow_cancellation) {
		return flatError(403, 'CANCELLATION_NOT_ALLOWED', 'Cancellation is disabled for this organisation');
	}
	const start = Date.parse(`${a.date}T${slotOf(state, a)?.start_time ?? '00:00'}:00Z`);
	if ((start - Date.now()) / 3_600_000 < cancellation_notice_hours) {
		return flatError(400, 'CANCELLATION_WINDOW_PASSED', `Appointments must be cancelled at least ${cancellation_notice_hours} hours in advance`);
	}
	return undefined;
}

export interface AppointmentChange {
	reply: Reply;
	/** Set on success: the event HuskyVoice would send if the change came from the dashboard or a call. */
	eventType?: string;
	changedSlots: Slot[];
}

/**
 * Applies a PATCH body: a new date re-runs the create checks (availability, duplicate, capacity)
 * and, unless `status` is set too, makes the status `rescheduled`.
 */
export function changeAppointment(state: SandboxState, a: Appointment, body: JsonObject, via: 'api' | 'dashboard'): AppointmentChange {
	const fail = (reply: Reply): AppointmentChange => ({ reply, changedSlots: [] });
	const invalid = checkFields(body);
	if (invalid) return fail(flatError(400, 'INVALID_REQUEST', invalid));

	const rescheduling = typeof body.appointment_date === 'string';
	const date = rescheduling ? (body.appointment_date as string).slice(0, 10) : a.date;
	const session = (body.session as Session | undefined) ?? a.session;
	const batch = body.batch as string | undefined;
	const status = (body.status as Appointment['status'] | undefined) ?? (rescheduling ? 'rescheduled' : a.status);
	const moving = date !== a.date || session !== a.session || (batch !== undefined && batch !== a.batch);
	if (via === 'api' && status === 'cancelled' && a.status !== 'cancelled') {
		const refusal = cancellationRefusal(state, a);
		if (refusal) return fail(refusal);
	}

	const currentSlot = slotOf(state, a);
	let targetSlot = currentSlot;
	if (moving) {
		const candidates = slotsOn(state, date).filter(
			(s) => s.branch_id === a.branch_id && s.session === session && (batch === undefined || s.batch === batch),
		);
		if (candidates.length === 0) {
			return fail(flatError(400, 'OUTSIDE_AVAILABILITY', `No ${session} availability at ${a.branch_id} on ${date}`));
		}
		targetSlot = candidates.find((s) => hasRoom(s, via)) ?? candidates[0];
	}
	const wasSeatedIn = a.status === 'cancelled' ? undefined : currentSlot;
	const willSeatIn = status === 'cancelled' ? undefined : targetSlot;
	if (willSeatIn && willSeatIn !== wasSeatedIn) {
		const duplicate = duplicateOf(state, a, date, session, a);
		if (duplicate) {
			return fail(flatError(409, 'DUPLICATE_BOOKING', `${a.patient_name} already has ${duplicate.appointment_id} on ${date} (${session})`));
		}
		if (!hasRoom(willSeatIn, via)) return fail(flatError(409, 'SLOT_FULL', `Slot ${willSeatIn.slot_id} is full`));
	}

	const changedSlots: Slot[] = [];
	if (wasSeatedIn !== willSeatIn) {
		if (wasSeatedIn) changedSlots.push(seat(wasSeatedIn, -1));
		if (willSeatIn) changedSlots.push(seat(willSeatIn, +1));
	}
	const previousStatus = a.status;
	if (moving && targetSlot) Object.assign(a, { date, session, batch: targetSlot.batch });
	if (rescheduling) a.starts_at = new Date(body.appointment_date as string).toISOString();
	if (willSeatIn && willSeatIn !== wasSeatedIn) a.token = `T-${String(willSeatIn.filled_slots).padStart(2, '0')}`;
	a.status = status;
	if (typeof body.assigned_doctor === 'string') a.assigned_doctor = body.assigned_doctor;
	if (typeof body.notes === 'string') a.notes = body.notes;
	a.updated_at = now();

	const eventType =
		status !== previousStatus && (status === 'cancelled' || status === 'completed') ? `appointment.${status}` : 'appointment.updated';
	return { reply: { status: 200, body: { success: true, data: { appointment: publicAppointment(a, state.config.appointmentDateTime) } } }, eventType, changedSlots };
}

/**
 * PATCH /v1/appointments/{id}. HuskyVoice sends no appointment or slot events for REST writes
 * (contract §10); the admin API's dashboard-change action is the path that emits them.
 */
export const patchAppointmentHandler: Handler = ({ state, params, rawBody }) => {
	const parsed = parseJsonObject(rawBody);
	if ('error' in parsed) return flatError(400, 'INVALID_REQUEST', parsed.error);
	const a = state.appointments.get(params.id);
	if (!a) return flatError(404, 'NOT_FOUND', `Appointment ${params.id} not found`);
	return changeAppointment(state, a, parsed.value, 'api').reply;
};

/** GET /v1/appointment-slots/availability?date=YYYY-MM-DD[&branch_id=…][&session=…] */
export const availabilityHandler: Handler = ({ state, query }) => {
	const date = query.get('date') ?? '';
	if (!isCalendarDate(date)) return flatError(400, 'INVALID_DATE', 'date is required as a calendar date YYYY-MM-DD');
	const session = query.get('session');
	if (session && !SESSIONS.includes(session as Session)) {
		return flatError(400, 'INVALID_SESSION', `session must be one of ${SESSIONS.join(', ')}`);
	}
	const branch = query.get('branch_id');
	const slots = slotsOn(state, date)
		.filter((s) => (!branch || s.branch_id === branch) && (!session || s.session === session))
		.map(publicSlot);
	return { status: 200, body: { success: true, date, slots } };
};
