import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { getPaged } from '../../../shared/paging';
import type { FieldContext } from '../../../shared/validation';

function samePatient(a: IDataObject, body: IDataObject): boolean {
	return (
		String(a.patient_name ?? '').trim().toLowerCase() === String(body.patient_name).toLowerCase() &&
		a.parent_phone === body.parent_phone &&
		a.status !== 'cancelled' &&
		(body.session === undefined || a.session === body.session) &&
		(body.branch_id === undefined || a.branch_id === body.branch_id)
	);
}

/**
 * A create whose answer was lost (no answer, or a 5xx after HuskyVoice may have committed):
 * appointments have no idempotency key, so instead of booking again, search the day for this
 * patient and phone and return what is there — or say clearly that it may exist.
 */
export async function findExistingBooking(
	this: IExecuteFunctions,
	ctx: FieldContext,
	body: IDataObject,
	lost: NodeApiError,
): Promise<IDataObject> {
	const date = String(body.appointment_date).slice(0, 10);
	const who = `${String(body.patient_name)} (${String(body.parent_phone)}) on ${date}`;
	let found: IDataObject[];
	try {
		const day = await getPaged.call(this, { path: '/appointments', qs: { date }, itemIndex: ctx.itemIndex }, { returnAll: true });
		found = day.filter((a) => samePatient(a, body));
	} catch {
		throw new NodeApiError(ctx.node, { message: lost.message }, {
			message: `The booking for ${who} may or may not have been made — HuskyVoice did not confirm it and the check afterwards failed too`,
			description: `Search Appointment → Get Many for ${date} before running this item again, so the patient is not booked twice. First failure: ${lost.message}`,
			itemIndex: ctx.itemIndex,
		});
	}
	if (found.length === 0) {
		throw new NodeApiError(ctx.node, { message: lost.message }, {
			message: `The booking for ${who} was not confirmed by HuskyVoice and is not in its appointments for that day — it was most likely not made`,
			description: `It is safe to run this item again. First failure: ${lost.message}`,
			itemIndex: ctx.itemIndex,
		});
	}
	// The newest match is the one this request made, if it made one.
	const newest = [...found].sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')))[0];
	return newest;
}
