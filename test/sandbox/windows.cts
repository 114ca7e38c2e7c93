import { flatError, parseJsonObject, type Handler, type JsonObject } from './http.cjs';
import { now, randomHex, type SandboxState } from './state.cjs';
import type { CalendarWindow, Session, Slot } from './types.cjs';

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const SESSIONS: Session[] = ['Morning', 'Afternoon', 'Evening'];
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

function weekdayOf(date: string): string {
	return DAYS[new Date(`${date}T00:00:00Z`).getUTCDay()];
}

/**
 * The slots of a date: the seeded ones plus one per calendar window on that weekday, created on
 * first sight with the id `calendar_id||YYYY-MM-DD` (contract §9) so their seats persist.
 */
export function slotsOn(state: SandboxState, date: string): Slot[] {
	const weekday = weekdayOf(date);
	for (const w of state.windows.values()) {
		const id = `${w.calendar_id}||${date}`;
		if (w.day !== weekday || state.slots.has(id)) continue;
		const { created_at: _at, slot_id: _window, ...rule } = w;
		state.slots.set(id, { ...rule, slot_id: id, filled_slots: 0, available_slots: w.max_slots, status: 'OPEN', date });
	}
	return [...state.slots.values()].filter((s) => s.date === date);
}

/** Every branch id the organisation's availability mentions (branches have no list endpoint). */
export function branchesOf(state: SandboxState): Set<string> {
	return new Set([...state.slots.values(), ...state.windows.values()].map((s) => s.branch_id));
}

function isCount(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function checkWindow(state: SandboxState, body: JsonObject): string | undefined {
	const { branch_id, day, session, start_time, end_time, max_slots, ai_slots, batch_name, appointment_type_id } = body;
	if (typeof branch_id !== 'string' || branch_id.trim() === '') return 'branch_id is required';
	if (typeof day !== 'string' || !DAYS.includes(day)) return `day must be one of ${DAYS.join(', ')}`;
	if (!SESSIONS.includes(session as Session)) return `session must be one of ${SESSIONS.join(', ')}`;
	if (typeof start_time !== 'string' || !HH_MM.test(start_time)) return 'start_time must be HH:MM';
	if (typeof end_time !== 'string' || !HH_MM.test(end_time)) return 'end_time must be HH:MM';
	if (end_time <= start_time) return 'end_time must be after start_time';
	if (!isCount(max_slots) || max_slots === 0) return 'max_slots must be a positive integer';
	if (!isCount(ai_slots) || ai_slots > max_slots) return 'ai_slots must be an integer from 0 to max_slots';
	if (typeof batch_name !== 'string' || batch_name.trim() === '') return 'batch_name is required';
	if (appointment_type_id !== undefined && !state.services.some((s) => s.service_id === appointment_type_id)) {
		return `appointment_type_id ${JSON.stringify(appointment_type_id)} is not a service of this organisation`;
	}
	return undefined;
}

/** POST /v1/appointment-slots: a weekly calendar window. A REST write: no slot.created event (contract §10). */
export const createWindowHandler: Handler = ({ state, rawBody }) => {
	const parsed = parseJsonObject(rawBody);
	if ('error' in parsed) return flatError(400, 'INVALID_REQUEST', parsed.error);
	const body = parsed.value;
	const invalid = checkWindow(state, body);
	if (invalid) return flatError(400, 'INVALID_REQUEST', invalid);
	const calendarId = `cal_${randomHex(6)}`;
	const window: CalendarWindow = {
		slot_id: calendarId,
		calendar_id: calendarId,
		branch_id: body.branch_id as string,
		day: body.day as string,
		session: body.session as Session,
		start_time: body.start_time as string,
		end_time: body.end_time as string,
		max_slots: body.max_slots as number,
		ai_slots: body.ai_slots as number,
		batch: body.batch_name as string,
		appointment_type: (body.appointment_type_id as string | undefined) ?? null,
		created_at: now(),
	};
	state.windows.set(calendarId, window);
	return { status: 201, body: { success: true, data: { ...window, status: 'OPEN' } } };
};
