import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { dayAvailability } from '../../../shared/availability';
import { getPaged } from '../../../shared/paging';
import type { FieldContext } from '../../../shared/validation';
import { formatWallTime } from '../../helpers/dateTime';
import type { RequestedBooking } from './bookingMatch';
import { dateTimeOf, isRequestedBooking, isSamePatient, needsSlotHours } from './bookingMatch';

/** The day's slots (for their hours), only when an appointment cannot be placed in time otherwise. */
async function slotHoursIfNeeded(
	this: IExecuteFunctions,
	ctx: FieldContext,
	date: string,
	candidates: IDataObject[],
	request: RequestedBooking,
): Promise<IDataObject[]> {
	if (!candidates.some((a) => needsSlotHours(a, request))) return [];
	const qs: IDataObject = { date };
	if (request.branchId !== undefined) qs.branch_id = request.branchId;
	return (await dayAvailability.call(this, qs, ctx.itemIndex)).slots;
}

/** `apt_123 at 2030-06-03 09:20 UTC`, or `apt_123 (Morning session)` where HuskyVoice gives no time. */
function describeAppointment(a: IDataObject, timeZone: string): string {
	const at = dateTimeOf(a);
	if (at !== undefined) return `${String(a.appointment_id)} at ${formatWallTime(at, timeZone)}`;
	return a.session ? `${String(a.appointment_id)} (${String(a.session)} session)` : String(a.appointment_id);
}

/**
 * A create whose answer was lost (no answer, or a 5xx after HuskyVoice may have committed):
 * appointments have no idempotency key, so instead of booking again, search the day for the
 * appointment this request asked for — this patient and phone, at the requested time, made no
 * earlier than the request — and return it, or say clearly that it was most likely not made
 * (naming the patient's other appointments that day) or that it may exist.
 */
export async function findExistingBooking(
	this: IExecuteFunctions,
	ctx: FieldContext,
	body: IDataObject,
	lost: NodeApiError,
	sentAtMs: number,
): Promise<IDataObject> {
	const request: RequestedBooking = {
		appointmentDate: String(body.appointment_date),
		patientName: String(body.patient_name),
		phone: String(body.parent_phone),
		session: body.session === undefined ? undefined : String(body.session),
		branchId: body.branch_id === undefined ? undefined : String(body.branch_id),
		sentAtMs,
	};
	const date = request.appointmentDate.slice(0, 10);
	const who = `${request.patientName} (${request.phone}) on ${date}`;
	let candidates: IDataObject[];
	let slots: IDataObject[];
	try {
		const day = await getPaged.call(this, { path: '/appointments', qs: { date }, itemIndex: ctx.itemIndex }, { returnAll: true });
		candidates = day.filter((a) => isSamePatient(a, request));
		slots = await slotHoursIfNeeded.call(this, ctx, date, candidates, request);
	} catch {
		throw new NodeApiError(ctx.node, { message: lost.message }, {
			message: `The booking for ${who} may or may not have been made — HuskyVoice did not confirm it and the check afterwards failed too`,
			description: `Search Appointment → Get Many for ${date} before running this item again, so the patient is not booked twice. First failure: ${lost.message}`,
			itemIndex: ctx.itemIndex,
		});
	}
	const made = candidates.filter((a) => isRequestedBooking(a, request, slots));
	if (made.length > 0) {
		// Several only if HuskyVoice allows two at one time: the newest is the one this request made.
		return [...made].sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')))[0];
	}
	if (candidates.length === 0) {
		throw new NodeApiError(ctx.node, { message: lost.message }, {
			message: `The booking for ${who} was not confirmed by HuskyVoice and is not in its appointments for that day — it was most likely not made`,
			description: `It is safe to run this item again. First failure: ${lost.message}`,
			itemIndex: ctx.itemIndex,
		});
	}
	const timeZone = this.getTimezone();
	const requested = formatWallTime(Date.parse(request.appointmentDate), timeZone);
	const others = candidates.map((a) => describeAppointment(a, timeZone)).join(', ');
	const theirs = candidates.length === 1 ? 'the appointment it lists for this patient that day is another one' : 'the appointments it lists for this patient that day are other ones';
	throw new NodeApiError(ctx.node, { message: lost.message }, {
		message: `The booking for ${request.patientName} (${request.phone}) at ${requested} was not confirmed by HuskyVoice and was most likely not made — ${theirs}: ${others}`,
		description: `HuskyVoice's answer was lost. Its appointments for this patient on ${date} are at another time or were made before this request, so none is the one asked for. It is safe to run this item again (HuskyVoice refuses a second booking in the same session). First failure: ${lost.message}`,
		itemIndex: ctx.itemIndex,
	});
}
