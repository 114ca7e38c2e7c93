import { instantOfWallClock, wallClockOf } from './timeZone';

/**
 * HuskyVoice's calling window (contract §10): calls start only between these wall-clock times
 * in the organisation's time zone; a call placed outside it waits in the queue until it opens.
 * Every function here is pure: the instant is passed in, nothing reads the clock.
 */
export interface CallingWindow {
	/** IANA time zone of the organisation, e.g. `Asia/Kolkata`. */
	timeZone: string;
	/** `HH:MM`, inclusive. */
	opensAt: string;
	/** `HH:MM`, exclusive; later than opensAt on the same day. */
	closesAt: string;
}

export const DEFAULT_TIME_ZONE = 'Asia/Kolkata';

export const DEFAULT_CALLING_WINDOW: CallingWindow = {
	timeZone: DEFAULT_TIME_ZONE,
	opensAt: '09:00',
	closesAt: '20:00',
};

/** How a campaign retries an unreached contact. */
export interface RetryPolicy {
	/** Minutes between the end of attempt 1 and attempt 2. */
	retryDelayMinutes: number;
	/** Each further delay is the previous one times this (1 = always the same delay). */
	backoffFactor: number;
	/** Attempts in all, the first call included. */
	maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retryDelayMinutes: 120, backoffFactor: 1, maxAttempts: 3 };

const DAY_MS = 86_400_000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(hhmm: string): number {
	const match = HH_MM.exec(hhmm);
	if (!match) throw new RangeError(`"${hhmm}" is not a time of day in HH:MM`);
	return Number(match[1]) * 60 + Number(match[2]);
}

function toMs(instant: Date | number): number {
	return typeof instant === 'number' ? instant : instant.getTime();
}

/** Opening and closing instants of the window on the calendar day (in the window's zone) of `wallDay`. */
function windowOnDay(wallDay: number, window: CallingWindow): { opens: number; closes: number } {
	const midnight = Math.floor(wallDay / DAY_MS) * DAY_MS;
	return {
		opens: instantOfWallClock(midnight + minutesOf(window.opensAt) * 60_000, window.timeZone),
		closes: instantOfWallClock(midnight + minutesOf(window.closesAt) * 60_000, window.timeZone),
	};
}

/** The window of the local day `now` falls on, and of the next local day. */
function windowsAround(now: number, window: CallingWindow) {
	const wall = wallClockOf(now, window.timeZone);
	return { today: windowOnDay(wall, window), tomorrow: windowOnDay(wall + DAY_MS, window) };
}

export function isInsideCallingWindow(now: Date | number, window: CallingWindow = DEFAULT_CALLING_WINDOW): boolean {
	const t = toMs(now);
	const { today } = windowsAround(t, window);
	return t >= today.opens && t < today.closes;
}

/** The next instant after `now` at which the window opens (tomorrow's opening when it is open now). */
export function nextWindowOpening(now: Date | number, window: CallingWindow = DEFAULT_CALLING_WINDOW): Date {
	const t = toMs(now);
	const { today, tomorrow } = windowsAround(t, window);
	return new Date(t < today.opens ? today.opens : tomorrow.opens);
}

/** `instant` itself when the window is open then, else the window's next opening. */
export function firstMomentInsideWindow(instant: Date | number, window: CallingWindow = DEFAULT_CALLING_WINDOW): Date {
	const t = toMs(instant);
	return isInsideCallingWindow(t, window) ? new Date(t) : nextWindowOpening(t, window);
}

export interface CallingWindowState {
	open: boolean;
	/** While open: when today's window opened; while closed: when it opens next. */
	opensAt: Date;
	/** The closing of the window that `opensAt` belongs to. */
	closesAt: Date;
}

/** Whether calls start at `now`, and the window that is open or opens next. */
export function callingWindowAt(now: Date | number, window: CallingWindow = DEFAULT_CALLING_WINDOW): CallingWindowState {
	const t = toMs(now);
	const { today, tomorrow } = windowsAround(t, window);
	if (t >= today.opens && t < today.closes) {
		return { open: true, opensAt: new Date(today.opens), closesAt: new Date(today.closes) };
	}
	const next = t < today.opens ? today : tomorrow;
	return { open: false, opensAt: new Date(next.opens), closesAt: new Date(next.closes) };
}

/** Delay after attempt `attempt` ended: retryDelayMinutes × backoffFactor^(attempt − 1). */
export function retryDelayMs(attempt: number, retry: RetryPolicy = DEFAULT_RETRY_POLICY): number {
	return retry.retryDelayMinutes * 60_000 * Math.pow(retry.backoffFactor, Math.max(0, attempt - 1));
}

/**
 * When the next attempt may start: the first moment at or after `endedAt` + the delay for this
 * attempt that lies inside the calling window (due 19:30 → 19:30; due 20:30 → 09:00 the next day).
 */
export function nextAttemptAt(input: {
	endedAt: Date | number;
	attempt: number;
	retry?: RetryPolicy;
	window?: CallingWindow;
}): Date {
	const due = toMs(input.endedAt) + retryDelayMs(input.attempt, input.retry ?? DEFAULT_RETRY_POLICY);
	return firstMomentInsideWindow(due, input.window ?? DEFAULT_CALLING_WINDOW);
}

/** A problem with the window's settings, or undefined when they are usable. */
export function callingWindowProblem(window: CallingWindow): string | undefined {
	if (!HH_MM.test(window.opensAt)) return `opening time "${window.opensAt}" is not HH:MM`;
	if (!HH_MM.test(window.closesAt)) return `closing time "${window.closesAt}" is not HH:MM`;
	if (minutesOf(window.opensAt) >= minutesOf(window.closesAt)) return 'the window must open before it closes';
	return undefined;
}
