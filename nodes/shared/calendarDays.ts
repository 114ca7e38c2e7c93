/** The calendar date `days` after `date` (both `YYYY-MM-DD`; calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
	const [year, month, day] = date.split('-').map(Number);
	return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}
