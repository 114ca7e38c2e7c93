import { resourceEnvelope } from './events.cjs';
import { flatError, parseJsonObject, type Handler, type JsonObject } from './http.cjs';
import { emit } from './outbound.cjs';
import { now, type SandboxState } from './state.cjs';
import type { Appointment, Session, Slot } from './types.cjs';

const SESSIONS: Session[] = ['Morning', 'Afternoon', 'Evening'];
const STATUSES: Appointment['status'][] = ['confirmed', 'completed', 'cancelled'];
const PATCHABLE = ['appointment_date', 'status', 'assigned_doctor', 'notes', 'session', 'batch'];
const TYPE_NAMES: Record<string, string> = {
	consultation: 'Consultation',
	follow_up: 'Follow-up visit',
	vaccination: 'Vaccination',
};
const ISO_UTC = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|\+00:00))?$/;

export function isCalendarDate(value: string): boolean {
	return /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/** The slot as the API shows it (`date` is sandbox bookkeeping). */
export function publicSlot(slot: Slot): Omit<Slot, 'date'> {
	const { date: _date, ...visible } = slot;
	return visible;
}

function slotOf(state: SandboxState, a: Pick<Appointment, 'date' | 'branch_id' | 'session' | 'batch'>): Slot | undefined {
	return [...state.slots.values()].find(
		(s) => s.date === a.date && s.branch_id === a.branch_id && s.session === a.session && s.batch === a.batch,
	);
}

/** The appointment as outbound appointment events carry it. */
export function appointmentEventView(state: SandboxState, a: Appointment): object {
	return {
		...a,
		doctor_name: a.assigned_doctor,
		appointment_type_name: TYPE_NAMES[a.appointment_type] ?? a.appointment_type,
		start_time: slotOf(state, a)?.start_time ?? null,
		booked_via: 'ai_agent',
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
	if (status !== undefined && !STATUSES.includes(status as Appointment['status'])) {
		return `status must be one of ${STATUSES.join(', ')}`;
	}
	if (session !== undefined && !SESSIONS.includes(session as Session)) return `session must be one of ${SESSIONS.join(', ')}`;
	for (const field of ['assigned_doctor', 'notes', 'batch']) {
		if (body[field] !== undefined && typeof body[field] !== 'string') return `${field} must be a string`;
	}
	return undefined;
}

function seat(slot: Slot, delta: number): Slot {
	slot.filled_slots += delta;
	slot.available_slots = slot.max_slots - slot.filled_slots;
	return slot;
}

/** PATCH /v1/appointments/{id}: reschedules (date/session/batch), changes status, doctor, notes. */
export const patchAppointmentHandler: Handler = ({ state, params, rawBody }) => {
	const parsed = parseJsonObject(rawBody);
	if ('error' in parsed) return flatError(400, 'INVALID_REQUEST', parsed.error);
	const body = parsed.value;
	const a = state.appointments.get(params.id);
	if (!a) return flatError(404, 'NOT_FOUND', `Appointment ${params.id} not found`);
	const invalid = checkFields(body);
	if (invalid) return flatError(400, 'INVALID_REQUEST', invalid);

	const date = typeof body.appointment_date === 'string' ? body.appointment_date.slice(0, 10) : a.date;
	const session = (body.session as Session | undefined) ?? a.session;
	const batch = body.batch as string | undefined;
	const status = (body.status as Appointment['status'] | undefined) ?? a.status;
	const moving = date !== a.date || session !== a.session || (batch !== undefined && batch !== a.batch);

	const currentSlot = slotOf(state, a);
	let targetSlot = currentSlot;
	if (moving) {
		const candidates = [...state.slots.values()].filter(
			(s) => s.date === date && s.branch_id === a.branch_id && s.session === session && (batch === undefined || s.batch === batch),
		);
		if (candidates.length === 0) {
			return flatError(400, 'OUTSIDE_AVAILABILITY', `No ${session} availability at ${a.branch_id} on ${date}`);
		}
		targetSlot = candidates.find((s) => s.available_slots > 0) ?? candidates[0];
	}
	const wasSeatedIn = a.status === 'cancelled' ? undefined : currentSlot;
	const willSeatIn = status === 'cancelled' ? undefined : targetSlot;
	if (willSeatIn && willSeatIn !== wasSeatedIn) {
		const duplicate = [...state.appointments.values()].find(
			(o) =>
				o !== a &&
				o.status !== 'cancelled' &&
				o.patient_name === a.patient_name &&
				o.parent_phone === a.parent_phone &&
				o.date === date &&
				o.session === session,
		);
		if (duplicate) {
			return flatError(409, 'DUPLICATE_BOOKING', `${a.patient_name} already has ${duplicate.appointment_id} on ${date} (${session})`);
		}
		if (willSeatIn.available_slots <= 0) return flatError(409, 'SLOT_FULL', `Slot ${willSeatIn.slot_id} is full`);
	}

	const changedSlots: Slot[] = [];
	if (wasSeatedIn !== willSeatIn) {
		if (wasSeatedIn) changedSlots.push(seat(wasSeatedIn, -1));
		if (willSeatIn) changedSlots.push(seat(willSeatIn, +1));
	}
	const previousStatus = a.status;
	if (moving && targetSlot) Object.assign(a, { date, session, batch: targetSlot.batch });
	if (willSeatIn && willSeatIn !== wasSeatedIn) a.token = `T-${String(willSeatIn.filled_slots).padStart(2, '0')}`;
	a.status = status;
	if (typeof body.assigned_doctor === 'string') a.assigned_doctor = body.assigned_doctor;
	if (typeof body.notes === 'string') a.notes = body.notes;
	a.updated_at = now();

	const eventType =
		status !== previousStatus && status !== 'confirmed' ? `appointment.${status}` : 'appointment.updated';
	emit(state, eventType, resourceEnvelope(eventType, 'appointment', appointmentEventView(state, a)));
	for (const slot of changedSlots) emit(state, 'slot.updated', resourceEnvelope('slot.updated', 'slot', publicSlot(slot)));
	return { status: 200, body: { success: true, data: { appointment: { ...a } } } };
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
	const slots = [...state.slots.values()]
		.filter((s) => s.date === date && (!branch || s.branch_id === branch) && (!session || s.session === session))
		.map(publicSlot);
	return { status: 200, body: { success: true, date, slots } };
};
