import type { ErrorMessages } from './errors';

/**
 * What a receptionist needs to hear when HuskyVoice refuses a booking: what was refused and
 * what to try instead.
 */
export const BOOKING_MESSAGES: ErrorMessages = {
	OUTSIDE_AVAILABILITY:
		'HuskyVoice refused the booking: the clinic has no opening at that branch, date and time. Try another session or another date (Slot → Check Availability lists the open slots).',
	SLOT_FULL:
		'HuskyVoice refused the booking: that session is fully booked. Try another session or another date.',
	DUPLICATE_BOOKING:
		'HuskyVoice refused the booking: this patient already has an appointment on that date and session. Look it up (Appointment → Get Many with the date) or pick another date or session.',
	403: 'The HuskyVoice API key may not do this — it lacks the scope (appointments:read, appointments:write or slots:write). Create a key with that scope in the HuskyVoice dashboard.',
	insufficient_scope:
		'The HuskyVoice API key may not do this — it lacks the scope (appointments:read, appointments:write or slots:write). Create a key with that scope in the HuskyVoice dashboard.',
};
