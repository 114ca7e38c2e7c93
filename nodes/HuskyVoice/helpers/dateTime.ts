import type { FieldContext } from '../../shared/validation';
import { fieldError, requireString, validateIsoDateTime } from '../../shared/validation';
import { zoneOffsetMs as offsetMs } from '../../shared/timeZone';

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

/**
 * An ISO 8601 date-time as UTC. n8n's date picker gives a wall time without zone
 * (`2026-12-01T10:30:00`), which n8n means in the workflow's time zone; with a zone or offset
 * the text is taken as written. Luxon DateTime and Date values from expressions are accepted.
 */
export function toUtcDateTime(ctx: FieldContext, field: string, value: unknown, timeZone: string): string {
	let input = value;
	if (input instanceof Date) input = Number.isNaN(input.getTime()) ? '' : input.toISOString();
	if (input && typeof input === 'object' && typeof (input as { toISO?: unknown }).toISO === 'function') {
		input = (input as { toISO: () => string | null }).toISO() ?? '';
	}
	const text = requireString(ctx, field, input);
	const match = WALL_TIME.exec(text);
	if (!match) return validateIsoDateTime(ctx, field, text);
	const [year, month, day, hour, minute, second] = match.slice(1, 7).map((n) => Number(n ?? '0'));
	const millis = Number((match[7] ?? '0').padEnd(3, '0'));
	const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
	const check = new Date(asUtc);
	if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
		throw fieldError(ctx, field, `is not a real date and time: "${text}"`);
	}
	let utc = asUtc - offsetMs(asUtc, timeZone);
	const corrected = asUtc - offsetMs(utc, timeZone);
	if (corrected !== utc) utc = corrected;
	return new Date(utc).toISOString();
}
