import type { IDataObject } from 'n8n-workflow';

/** How far HuskyVoice's clock may be behind n8n's when it stamps `created_at`. */
export const CREATED_AT_SKEW_MS = 2 * 60_000;

/** What an Appointment → Create asked for, and when it was sent. */
export interface RequestedBooking {
	/** ISO 8601 UTC date-time, as sent. */
	appointmentDate: string;
	patientName: string;
	phone: string;
	session?: string;
	branchId?: string;
	sentAtMs: number;
}

/** Same patient and phone, not cancelled, at the requested branch when one was given. */
export function isSamePatient(a: IDataObject, request: RequestedBooking): boolean {
	return (
		String(a.patient_name ?? '').trim().toLowerCase() === request.patientName.trim().toLowerCase() &&
		a.parent_phone === request.phone &&
		a.status !== 'cancelled' &&
		(request.branchId === undefined || a.branch_id === request.branchId)
	);
}

/** Made before the request was sent (beyond the clock skew), so not made by it; unknown without `created_at`. */
export function existedBefore(a: IDataObject, sentAtMs: number): boolean {
	const created = Date.parse(String(a.created_at ?? ''));
	return Number.isFinite(created) && created < sentAtMs - CREATED_AT_SKEW_MS;
}

/** The appointment's own date-time, where HuskyVoice reports one (`appointment_date` with a time; not documented). */
export function dateTimeOf(a: IDataObject): number | undefined {
	const value = a.appointment_date;
	if (typeof value !== 'string' || !/T\d{2}:\d{2}/.test(value)) return undefined;
	const at = Date.parse(value);
	return Number.isFinite(at) ? at : undefined;
}

/** `HH:MM` of an ISO UTC date-time. */
export function utcTimeOf(isoUtc: string): string {
	return new Date(isoUtc).toISOString().slice(11, 16);
}

/**
 * The sessions whose hours at `branchId` hold the UTC time `HH:MM`: where HuskyVoice books a
 * request that names no session (availability slots carry `start_time` / `end_time`).
 */
export function sessionsHolding(slots: IDataObject[], branchId: unknown, time: string): string[] {
	const hhmm = /^\d{2}:\d{2}$/;
	return slots
		.filter((s) => s.branch_id === branchId && hhmm.test(String(s.start_time)) && hhmm.test(String(s.end_time)))
		.filter((s) => String(s.start_time) <= time && time < String(s.end_time))
		.map((s) => String(s.session));
}

/** Whether an appointment needs the day's slot hours to tell if it is at the requested time. */
export function needsSlotHours(a: IDataObject, request: RequestedBooking): boolean {
	return request.session === undefined && dateTimeOf(a) === undefined && !existedBefore(a, request.sentAtMs);
}

/**
 * At the requested time: the same date-time where HuskyVoice reports one; else the requested
 * session, or, when none was requested, the session whose hours hold the requested time.
 */
export function isAtRequestedTime(a: IDataObject, request: RequestedBooking, slots: IDataObject[]): boolean {
	const at = dateTimeOf(a);
	if (at !== undefined) return at === Date.parse(request.appointmentDate);
	if (request.session !== undefined) return a.session === request.session;
	return sessionsHolding(slots, a.branch_id, utcTimeOf(request.appointmentDate)).includes(String(a.session));
}

/** The appointment this request made: at the requested time and not older than the request. */
export function isRequestedBooking(a: IDataObject, request: RequestedBooking, slots: IDataObject[]): boolean {
	return !existedBefore(a, request.sentAtMs) && isAtRequestedTime(a, request, slots);
}
