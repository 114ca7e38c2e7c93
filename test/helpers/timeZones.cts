/**
 * A fixed-offset zone (Etc/GMT…) whose wall clock shows `localHour` right now, so a test about
 * "inside / outside the calling window" holds at any hour it runs: the test picks the zone
 * instead of the clock. (Etc/GMT-5 is UTC+5: the sign is inverted by POSIX convention.)
 */
export function zoneWhereItIsNow(localHour: number, now = new Date()): string {
	let offset = (localHour - now.getUTCHours() + 24) % 24;
	if (offset > 14) offset -= 24;
	if (offset === 0) return 'Etc/GMT';
	return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}
