import { duplicateOf, isCalendarDate, ISO_UTC, publicAppointment, seat, SESSIONS } from './appointments.cjs';
import { hasRoom } from './capacity.cjs';
import { flatError, parseJsonObject, type Handler, type JsonObject, type Reply } from './http.cjs';
import { now, randomHex, type SandboxState } from './state.cjs';
import type { Appointment, Session, Slot } from './types.cjs';
import { branchesOf, slotsOn } from './windows.cjs';

const SEARCH_STATUSES = ['confirmed', 'rescheduled', 'cancelled', 'completed'];
const MAX_LIMIT = 200;
const PHONE = /^\+91\d{10}$/;

const invalid = (message: string) => flatError(400, 'INVALID_REQUEST', message);

/** A service by UUID or by name (case-insensitive), as `appointment_type` allows. */
function findService(state: SandboxState, value: string) {
	return state.services.find((s) => s.service_id === value || s.name.toLowerCase() === value.toLowerCase());
}

interface BookingRequest {
	serviceId: string;
	date: string;
	time: string;
	patient_name: string;
	parent_phone: string;
	branch_id?: string;
	session?: Session;
}

function readBooking(state: SandboxState, body: JsonObject): BookingRequest | Reply {
	const { appointment_type, appointment_date, patient_name, parent_phone, branch_id, session } = body;
	if (typeof appointment_type !== 'string' || appointment_type.trim() === '') return invalid('appointment_type is required');
	const service = findService(state, appointment_type.trim());
	if (!service) return invalid(`appointment_type ${JSON.stringify(appointment_type)} is not a service of this organisation`);
	const match = typeof appointment_date === 'string' ? ISO_UTC.exec(appointment_date) : null;
	if (!match || !match[2] || !isCalendarDate(match[1])) {
		return invalid('appointment_date must be an ISO 8601 UTC date-time with a time, e.g. 2030-06-03T09:30:00Z');
	}
	if (typeof patient_name !== 'string' || patient_name.trim() === '') return invalid('patient_name is required');
	if (typeof parent_phone !== 'string' || !PHONE.test(parent_phone)) return invalid('parent_phone must be +91 and 10 digits');
	if (branch_id !== undefined && (typeof branch_id !== 'string' || branch_id === '')) return invalid('branch_id must be a string');
	if (session !== undefined && !SESSIONS.includes(session as Session)) return invalid(`session must be one of ${SESSIONS.join(', ')}`);
	return {
		serviceId: service.service_id,
		date: match[1],
		time: `${match[3]}:${match[4]}`,
		patient_name: patient_name.trim(),
		parent_phone,
		branch_id: branch_id as string | undefined,
		session: session as Session | undefined,
	};
}

/** The branch to book at: required only when the organisation has several. */
function branchFor(state: SandboxState, given: string | undefined): string | Reply {
	const branches = branchesOf(state);
	if (given !== undefined) return branches.has(given) ? given : invalid(`branch_id ${JSON.stringify(given)} is not a branch of this organisation`);
	if (branches.size === 1) return [...branches][0];
	return invalid(`branch_id is required: this organisation has several branches (${[...branches].sort().join(', ')})`);
}

/** Availability (the session's slot, or the slot whose hours hold the time), duplicates, capacity. */
function slotFor(state: SandboxState, request: BookingRequest, branchId: string, via: 'api' | 'phone_call'): Slot | Reply {
	const candidates = slotsOn(state, request.date).filter(
		(s) =>
			s.branch_id === branchId &&
			(s.appointment_type === null || s.appointment_type === request.serviceId) &&
			(request.session ? s.session === request.session : s.start_time <= request.time && request.time < s.end_time),
	);
	const when = request.session ? `${request.session} on ${request.date}` : `${request.date} at ${request.time} UTC`;
	if (candidates.length === 0) return flatError(400, 'OUTSIDE_AVAILABILITY', `No availability at ${branchId} for ${when}`);
	const session = candidates[0].session;
	const duplicate = duplicateOf(state, request, request.date, session);
	if (duplicate) {
		return flatError(409, 'DUPLICATE_BOOKING', `${request.patient_name} already has ${duplicate.appointment_id} on ${request.date} (${session})`);
	}
	return candidates.find((s) => hasRoom(s, via)) ?? flatError(409, 'SLOT_FULL', `Every ${session} slot at ${branchId} on ${request.date} is full`);
}

/** Books an appointment as `POST /appointments` does; the admin API's agent booking uses it too. */
export function placeAppointment(state: SandboxState, body: JsonObject, via: 'api' | 'phone_call'): { appointment: Appointment; slot: Slot } | Reply {
	const request = readBooking(state, body);
	if ('status' in request) return request;
	const branchId = branchFor(state, request.branch_id);
	if (typeof branchId !== 'string') return branchId;
	const slot = slotFor(state, request, branchId, via);
	if (!('slot_id' in slot)) return slot;
	const open = slot;
	seat(open, +1);
	const at = now();
	const appointment: Appointment = {
		appointment_id: `apt_${randomHex(6)}`,
		appointment_type: request.serviceId,
		branch_id: branchId,
		date: request.date,
		session: open.session,
		batch: open.batch,
		token: `T-${String(open.filled_slots).padStart(2, '0')}`,
		patient_name: request.patient_name,
		parent_phone: request.parent_phone,
		assigned_doctor: '',
		status: 'confirmed',
		external_reference_id: `EXT-${randomHex(3).toUpperCase()}`,
		created_at: at,
		updated_at: at,
		booked_via: via,
		starts_at: new Date(body.appointment_date as string).toISOString(),
	};
	state.appointments.set(appointment.appointment_id, appointment);
	return { appointment, slot: open };
}

/** POST /v1/appointments. A REST write: no appointment.created event (contract §10). */
export const createAppointmentHandler: Handler = ({ state, rawBody }) => {
	const parsed = parseJsonObject(rawBody);
	if ('error' in parsed) return invalid(parsed.error);
	const placed = placeAppointment(state, parsed.value, 'api');
	if (!('appointment' in placed)) return placed;
	const { appointment } = placed;
	return {
		status: 201,
		body: { success: true, appointment_id: appointment.appointment_id, token: appointment.token, data: publicAppointment(appointment, state.config.appointmentDateTime) },
	};
};

export const getAppointmentHandler: Handler = ({ state, params }) => {
	const a = state.appointments.get(params.id);
	return a ? { status: 200, body: { success: true, data: publicAppointment(a, state.config.appointmentDateTime) } } : flatError(404, 'NOT_FOUND', `Appointment ${params.id} not found`);
};

function positiveInt(value: string | null, fallback: number): number | undefined {
	if (value === null) return fallback;
	return /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : undefined;
}

const SESSION_ORDER: Record<string, number> = { Morning: 0, Afternoon: 1, Evening: 2 };

/** GET /v1/appointments: every filter optional, sorted by appointment date, `page`/`limit` (≤ 200). */
export const searchAppointmentsHandler: Handler = ({ state, query }) => {
	const date = query.get('date');
	if (date !== null && !isCalendarDate(date)) return invalid('date must be YYYY-MM-DD');
	const status = query.get('status');
	if (status !== null && !SEARCH_STATUSES.includes(status)) return invalid(`status must be one of ${SEARCH_STATUSES.join(', ')}`);
	const session = query.get('session');
	if (session !== null && !SESSIONS.includes(session as Session)) return invalid(`session must be one of ${SESSIONS.join(', ')}`);
	const page = positiveInt(query.get('page'), 1);
	if (page === undefined) return invalid('page must be a positive integer');
	const limit = positiveInt(query.get('limit'), 50);
	if (limit === undefined || limit > MAX_LIMIT) return invalid(`limit must be an integer from 1 to ${MAX_LIMIT}`);
	const filters: Array<[keyof Appointment, string | null]> = [
		['date', date],
		['status', status],
		['appointment_type', query.get('appointment_type')],
		['branch_id', query.get('branch_id')],
		['session', session],
		['batch', query.get('batch')],
	];
	const matching = [...state.appointments.values()]
		.filter((a) => filters.every(([field, value]) => value === null || a[field] === value))
		.sort(
			(a, b) =>
				a.date.localeCompare(b.date) ||
				SESSION_ORDER[a.session] - SESSION_ORDER[b.session] ||
				a.created_at.localeCompare(b.created_at) ||
				a.appointment_id.localeCompare(b.appointment_id),
		);
	const data = matching.slice((page - 1) * limit, page * limit).map((a) => publicAppointment(a, state.config.appointmentDateTime));
	const pagination = { page, limit, total: matching.length, total_pages: Math.ceil(matching.length / limit) };
	return { status: 200, body: { success: true, data, ...(state.config.searchTotals ? { pagination } : {}) } };
};

/** GET /v1/services: the answer shape is not documented; `servicesShape` picks one of two plausible ones. */
export const listServicesHandler: Handler = ({ state }) =>
	state.config.servicesShape === 'bare'
		? { status: 200, body: state.services.map((s) => ({ id: s.service_id, name: s.name })) }
		: { status: 200, body: { success: true, data: state.services.map((s) => ({ ...s })) } };

/** GET /v1/appointment-config: the two documented fields plus one undocumented one. */
export const appointmentConfigHandler: Handler = ({ state }) => ({
	status: 200,
	body: { success: true, data: { ...state.appointmentConfig, timezone: 'Asia/Kolkata' } },
});
