import {
	CREATED_AT_SKEW_MS,
	isRequestedBooking,
	sessionsHolding,
	type RequestedBooking,
} from '../../nodes/HuskyVoice/actions/appointment/bookingMatch';

/** The lost-answer rule as a pure function of the request, its send time and the day's slot hours. */
const sentAtMs = Date.parse('2030-06-03T17:29:58.000Z');
const request: RequestedBooking = {
	appointmentDate: '2030-06-03T17:30:00.000Z',
	patientName: 'Meera Nair',
	phone: '+919811122233',
	sentAtMs,
};
const slots = [
	{ branch_id: 'br_koramangala', session: 'Morning', start_time: '09:00', end_time: '12:00' },
	{ branch_id: 'br_koramangala', session: 'Evening', start_time: '17:00', end_time: '20:00' },
	{ branch_id: 'br_indiranagar', session: 'Afternoon', start_time: '17:00', end_time: '18:00' },
];
const evening = { appointment_id: 'apt_new', branch_id: 'br_koramangala', session: 'Evening', patient_name: 'Meera Nair', parent_phone: '+919811122233' };

describe('which appointment a lost Create made', () => {
	it('the session whose hours at the appointment’s branch hold the time; the end is exclusive', () => {
		expect(sessionsHolding(slots, 'br_koramangala', '17:30')).toEqual(['Evening']);
		expect(sessionsHolding(slots, 'br_indiranagar', '17:30')).toEqual(['Afternoon']);
		expect(sessionsHolding(slots, 'br_koramangala', '12:00')).toEqual([]);
		expect(sessionsHolding([{ branch_id: 'br_koramangala', session: 'Evening', start_time: '5pm', end_time: '8pm' }], 'br_koramangala', '17:30')).toEqual([]);
	});

	it('without created_at and appointment_date: the session decides', () => {
		expect(isRequestedBooking(evening, request, slots)).toBe(true);
		expect(isRequestedBooking({ ...evening, session: 'Morning' }, request, slots)).toBe(false);
		expect(isRequestedBooking(evening, request, [])).toBe(false);
	});

	it('created_at up to the clock skew before the request counts; earlier never does', () => {
		const at = (ms: number) => ({ ...evening, created_at: new Date(ms).toISOString() });
		expect(isRequestedBooking(at(sentAtMs - CREATED_AT_SKEW_MS), request, slots)).toBe(true);
		expect(isRequestedBooking(at(sentAtMs - CREATED_AT_SKEW_MS - 1), request, slots)).toBe(false);
		expect(isRequestedBooking({ ...evening, created_at: 'yesterday' }, request, slots)).toBe(true);
	});

	it('appointment_date with a time wins over the session; a date alone does not', () => {
		expect(isRequestedBooking({ ...evening, appointment_date: '2030-06-03T17:30:00Z' }, request, [])).toBe(true);
		expect(isRequestedBooking({ ...evening, appointment_date: '2030-06-03T23:00:00+05:30' }, request, [])).toBe(true);
		expect(isRequestedBooking({ ...evening, appointment_date: '2030-06-03T17:45:00Z' }, request, slots)).toBe(false);
		expect(isRequestedBooking({ ...evening, appointment_date: '2030-06-03' }, request, slots)).toBe(true);
	});

	it('a Session given in the request is compared as it is', () => {
		expect(isRequestedBooking({ ...evening, session: 'Morning' }, { ...request, session: 'Morning' }, [])).toBe(true);
		expect(isRequestedBooking(evening, { ...request, session: 'Morning' }, slots)).toBe(false);
	});
});
