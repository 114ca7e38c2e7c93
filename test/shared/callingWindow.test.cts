import {
	callingWindowAt,
	callingWindowProblem,
	DEFAULT_CALLING_WINDOW,
	firstMomentInsideWindow,
	isInsideCallingWindow,
	nextAttemptAt,
	nextWindowOpening,
	retryDelayMs,
} from '../../nodes/shared/callingWindow';

const kolkata = DEFAULT_CALLING_WINDOW;
const london = { timeZone: 'Europe/London', opensAt: '09:00', closesAt: '20:00' };
const newYork = { timeZone: 'America/New_York', opensAt: '09:00', closesAt: '20:00' };
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('the calling window in Asia/Kolkata (UTC+05:30, no DST)', () => {
	// 09:00 IST = 03:30 UTC, 20:00 IST = 14:30 UTC.
	it('is open from 09:00 inclusive to 20:00 exclusive', () => {
		expect(isInsideCallingWindow(at('2030-06-03T03:29:59Z'), kolkata)).toBe(false);
		expect(isInsideCallingWindow(at('2030-06-03T03:30:00Z'), kolkata)).toBe(true);
		expect(isInsideCallingWindow(at('2030-06-03T14:29:59Z'), kolkata)).toBe(true);
		expect(isInsideCallingWindow(at('2030-06-03T14:30:00Z'), kolkata)).toBe(false);
	});

	it('opens next at 09:00 the same day before the window, the next day from 20:00 and while open', () => {
		expect(iso(nextWindowOpening(at('2030-06-03T01:00:00Z'), kolkata))).toBe('2030-06-03T03:30:00.000Z');
		expect(iso(nextWindowOpening(at('2030-06-03T14:30:00Z'), kolkata))).toBe('2030-06-04T03:30:00.000Z');
		expect(iso(nextWindowOpening(at('2030-06-03T10:00:00Z'), kolkata))).toBe('2030-06-04T03:30:00.000Z');
		// 23:50 IST on the 3rd is 18:20 UTC the 3rd; 00:10 IST on the 4th is 18:40 UTC the 3rd: both open at 09:00 IST on the 4th.
		expect(iso(nextWindowOpening(at('2030-06-03T18:20:00Z'), kolkata))).toBe('2030-06-04T03:30:00.000Z');
		expect(iso(nextWindowOpening(at('2030-06-03T18:40:00Z'), kolkata))).toBe('2030-06-04T03:30:00.000Z');
	});

	it('firstMomentInsideWindow keeps an instant inside the window and moves one outside to the opening', () => {
		expect(iso(firstMomentInsideWindow(at('2030-06-03T14:00:00Z'), kolkata))).toBe('2030-06-03T14:00:00.000Z');
		expect(iso(firstMomentInsideWindow(at('2030-06-03T15:00:00Z'), kolkata))).toBe('2030-06-04T03:30:00.000Z');
	});

	it('callingWindowAt reports the open window, or the next one while closed', () => {
		expect(callingWindowAt(at('2030-06-03T10:00:00Z'), kolkata)).toEqual({
			open: true,
			opensAt: at('2030-06-03T03:30:00Z'),
			closesAt: at('2030-06-03T14:30:00Z'),
		});
		expect(callingWindowAt(at('2030-06-03T20:00:00Z'), kolkata)).toEqual({
			open: false,
			opensAt: at('2030-06-04T03:30:00Z'),
			closesAt: at('2030-06-04T14:30:00Z'),
		});
	});
});

describe('nextAttemptAt: the first moment after the retry delay that lies inside the window', () => {
	const retry = { retryDelayMinutes: 120, backoffFactor: 1, maxAttempts: 3 };

	it('a retry due at 19:30 IST stays at 19:30', () => {
		// Ended 17:30 IST (12:00 UTC) + 2 h = 19:30 IST (14:00 UTC).
		expect(iso(nextAttemptAt({ endedAt: at('2030-06-03T12:00:00Z'), attempt: 1, retry, window: kolkata }))).toBe(
			'2030-06-03T14:00:00.000Z',
		);
	});

	it('a retry due at 20:30 IST moves to 09:00 IST the next day', () => {
		expect(iso(nextAttemptAt({ endedAt: at('2030-06-03T13:00:00Z'), attempt: 1, retry, window: kolkata }))).toBe(
			'2030-06-04T03:30:00.000Z',
		);
	});

	it('a retry due exactly at 20:00 moves to the next morning, one due exactly at 09:00 stays', () => {
		expect(iso(nextAttemptAt({ endedAt: at('2030-06-03T12:30:00Z'), attempt: 1, retry, window: kolkata }))).toBe(
			'2030-06-04T03:30:00.000Z',
		);
		expect(iso(nextAttemptAt({ endedAt: at('2030-06-03T01:30:00Z'), attempt: 1, retry, window: kolkata }))).toBe(
			'2030-06-03T03:30:00.000Z',
		);
	});

	it('backs off: delay × factor^(attempt − 1)', () => {
		const backoff = { retryDelayMinutes: 30, backoffFactor: 2, maxAttempts: 5 };
		expect(retryDelayMs(1, backoff)).toBe(30 * 60_000);
		expect(retryDelayMs(2, backoff)).toBe(60 * 60_000);
		expect(retryDelayMs(3, backoff)).toBe(120 * 60_000);
		// Attempt 3 ended 10:00 IST → + 2 h = 12:00 IST (06:30 UTC).
		expect(iso(nextAttemptAt({ endedAt: at('2030-06-03T04:30:00Z'), attempt: 3, retry: backoff, window: kolkata }))).toBe(
			'2030-06-03T06:30:00.000Z',
		);
	});

	it('a delay of more than a day lands on the right day', () => {
		const long = { retryDelayMinutes: 26 * 60, backoffFactor: 1, maxAttempts: 2 };
		// Ended 19:00 IST on the 3rd + 26 h = 21:00 IST on the 4th → 09:00 IST on the 5th.
		expect(iso(nextAttemptAt({ endedAt: at('2030-06-03T13:30:00Z'), attempt: 1, retry: long, window: kolkata }))).toBe(
			'2030-06-05T03:30:00.000Z',
		);
	});
});

describe('other time zones and DST', () => {
	it('Europe/London in summer (UTC+1) and winter (UTC+0)', () => {
		expect(iso(nextWindowOpening(at('2030-07-01T21:00:00Z'), london))).toBe('2030-07-02T08:00:00.000Z');
		expect(iso(nextWindowOpening(at('2030-01-15T21:00:00Z'), london))).toBe('2030-01-16T09:00:00.000Z');
		expect(isInsideCallingWindow(at('2030-07-01T18:59:00Z'), london)).toBe(true);
		expect(isInsideCallingWindow(at('2030-07-01T19:00:00Z'), london)).toBe(false);
		expect(isInsideCallingWindow(at('2030-01-15T19:59:00Z'), london)).toBe(true);
	});

	it('across the spring DST change the next morning opens at 09:00 summer time', () => {
		// Europe/London switches to BST at 01:00 UTC on 2030-03-31. 20:30 GMT on the 30th → 09:00 BST (08:00 UTC) on the 31st.
		expect(iso(nextWindowOpening(at('2030-03-30T20:30:00Z'), london))).toBe('2030-03-31T08:00:00.000Z');
		const retry = { retryDelayMinutes: 120, backoffFactor: 1, maxAttempts: 3 };
		expect(iso(nextAttemptAt({ endedAt: at('2030-03-30T19:00:00Z'), attempt: 1, retry, window: london }))).toBe(
			'2030-03-31T08:00:00.000Z',
		);
	});

	it('across the autumn DST change the next morning opens at 09:00 winter time', () => {
		// America/New_York leaves EDT at 06:00 UTC on 2030-11-03. 21:00 EDT on the 2nd → 09:00 EST (14:00 UTC) on the 3rd.
		expect(iso(nextWindowOpening(at('2030-11-03T01:00:00Z'), newYork))).toBe('2030-11-03T14:00:00.000Z');
		expect(iso(nextWindowOpening(at('2030-11-02T12:00:00Z'), newYork))).toBe('2030-11-02T13:00:00.000Z'); // 08:00 EDT: today 09:00 EDT
		expect(isInsideCallingWindow(at('2030-11-02T13:00:00Z'), newYork)).toBe(true); // 09:00 EDT
	});

	it('a zone east of UTC whose local day starts the previous UTC day', () => {
		const tokyo = { timeZone: 'Asia/Tokyo', opensAt: '09:00', closesAt: '20:00' };
		// 08:00 JST on 2030-06-04 = 23:00 UTC on the 3rd → opens 09:00 JST = 00:00 UTC on the 4th.
		expect(iso(nextWindowOpening(at('2030-06-03T23:00:00Z'), tokyo))).toBe('2030-06-04T00:00:00.000Z');
	});
});

describe('callingWindowProblem', () => {
	it('accepts the default and names what is wrong with others', () => {
		expect(callingWindowProblem(kolkata)).toBeUndefined();
		expect(callingWindowProblem({ ...kolkata, opensAt: '9' })).toMatch(/not HH:MM/);
		expect(callingWindowProblem({ ...kolkata, opensAt: '21:00' })).toMatch(/open before it closes/);
	});
});
