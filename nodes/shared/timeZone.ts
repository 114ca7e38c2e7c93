/** Wall-clock arithmetic in any IANA time zone through Intl (no dependency); pure functions of their inputs. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

/** Whether Intl knows the zone (e.g. `Asia/Kolkata`, `Europe/London`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
	if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
	try {
		formatterFor(timeZone);
		return true;
	} catch {
		return false;
	}
}

/**
 * The wall clock of `timeZone` at instant `t`, encoded as if it were UTC milliseconds
 * (`Date.UTC(year, month, day, hour, minute, second)`), so calendar arithmetic can use Date's UTC methods.
 */
export function wallClockOf(t: number, timeZone: string): number {
	const parts = formatterFor(timeZone).formatToParts(new Date(t));
	const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

/** How far `timeZone`'s wall clock is ahead of UTC at instant `t`. */
export function zoneOffsetMs(t: number, timeZone: string): number {
	return wallClockOf(t, timeZone) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant at which `timeZone`'s wall clock shows `wall` (encoded as by wallClockOf). A wall
 * time skipped by a DST change gives the instant the clock jumps past it; one that occurs twice
 * gives the first.
 */
export function instantOfWallClock(wall: number, timeZone: string): number {
	const first = wall - zoneOffsetMs(wall, timeZone);
	const second = wall - zoneOffsetMs(first, timeZone);
	if (second === first) return first;
	// Offsets differ around a DST change: take the earlier candidate whose wall clock is right.
	const candidates = [Math.min(first, second), Math.max(first, second)];
	const exact = candidates.find((t) => wallClockOf(t, timeZone) === wall);
	return exact ?? Math.max(first, second);
}
