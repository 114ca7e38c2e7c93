/**
 * What the nodes accept from each read-only endpoint, and how an answer differs from it.
 *
 * The envelopes are not re-described here: each check runs the nodes' own parsing code
 * (nodes/shared/services.ts, availability.ts, paging.ts, transport.ts's unwrapData, errors.ts's
 * readErrorBody, pacing.ts's resetAtMs) and then checks the fields the nodes go on to read. Each
 * field names the file that reads it; a unit test checks that file still mentions the field.
 */
import type { IDataObject } from 'n8n-workflow';
import { readErrorBody } from '../../nodes/shared/errors';
import { resetAtMs } from '../../nodes/shared/pacing';
import { recordsOf } from '../../nodes/shared/paging';
import { normaliseService, serviceRecordsOf } from '../../nodes/shared/services';
import { readAvailability } from '../../nodes/shared/availability';
import { unwrapData } from '../../nodes/shared/transport';

/** `number` is what the nodes' `Number(…)` reads: a number or a numeric string. `id` = a non-empty string or a number. */
export type FieldType = 'string' | 'number' | 'boolean' | 'id';

export interface FieldRule {
	/** The name the nodes read; alternatives they also accept (e.g. `id` for `service_id`). */
	name: string;
	alternatives?: string[];
	type: FieldType;
	/** The file (node code or example workflow) that reads the field. */
	readBy: string;
}

export interface Difference {
	/** Where in the answer, e.g. `data[].service_id`, `header x-ratelimit-reset`. */
	path: string;
	what: string;
}

export const SERVICE_FIELDS: FieldRule[] = [
	{ name: 'service_id', alternatives: ['id'], type: 'id', readBy: 'nodes/shared/services.ts' },
	{ name: 'name', alternatives: ['service_name'], type: 'string', readBy: 'nodes/shared/services.ts' },
];

export const CONFIG_FIELDS: FieldRule[] = [
	{ name: 'allow_cancellation', type: 'boolean', readBy: 'nodes/HuskyVoice/actions/appointment/cancel.operation.ts' },
	{ name: 'cancellation_notice_hours', type: 'number', readBy: 'nodes/HuskyVoice/actions/appointment/cancel.operation.ts' },
];

export const SLOT_FIELDS: FieldRule[] = [
	{ name: 'available_slots', type: 'number', readBy: 'nodes/shared/availability.ts' },
	{ name: 'branch_id', type: 'string', readBy: 'nodes/HuskyVoice/methods/listSearch.ts' },
	{ name: 'session', type: 'string', readBy: 'examples/during-call-lookup.json' },
	{ name: 'start_time', type: 'string', readBy: 'examples/during-call-lookup.json' },
	{ name: 'end_time', type: 'string', readBy: 'examples/during-call-lookup.json' },
];

export const APPOINTMENT_FIELDS: FieldRule[] = [
	{ name: 'appointment_id', type: 'id', readBy: 'nodes/HuskyVoice/actions/appointment/create.operation.ts' },
	{ name: 'patient_name', type: 'string', readBy: 'nodes/HuskyVoice/actions/appointment/bookingMatch.ts' },
	{ name: 'parent_phone', type: 'string', readBy: 'nodes/HuskyVoice/actions/appointment/bookingMatch.ts' },
	{ name: 'status', type: 'string', readBy: 'nodes/HuskyVoice/actions/appointment/bookingMatch.ts' },
	{ name: 'session', type: 'string', readBy: 'nodes/HuskyVoice/actions/appointment/bookingMatch.ts' },
	{ name: 'branch_id', type: 'string', readBy: 'nodes/HuskyVoice/actions/appointment/bookingMatch.ts' },
	{ name: 'created_at', type: 'string', readBy: 'nodes/HuskyVoice/actions/appointment/bookingMatch.ts' },
];

/** The headers nodes/shared/pacing.ts paces by (read lowercased, as n8n's request helper hands them over). */
export const RATE_LIMIT_HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];
export const RATE_LIMIT_HEADERS_READ_BY = 'nodes/shared/pacing.ts';

export interface Verdict {
	differences: Difference[];
	/** One line on what was compared, e.g. "3 services". */
	summary: string;
}

function plural(n: number, noun: string): string {
	return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function typeOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value;
}

function hasType(value: unknown, type: FieldType): boolean {
	if (type === 'boolean') return typeof value === 'boolean';
	if (type === 'string') return typeof value === 'string';
	if (type === 'id') return (typeof value === 'string' && value !== '') || typeof value === 'number';
	return (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')) && Number.isFinite(Number(value));
}

const TYPE_WORDS: Record<FieldType, string> = {
	string: 'a string',
	number: 'a number (or numeric string)',
	boolean: 'true or false',
	id: 'a string or number id',
};

/** `serviceId`, `service-id`, `ServiceID`, `RateLimit-Reset` → their words, lowercased (a leading `x` dropped). */
function words(name: string): string {
	const parts = name
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.toLowerCase()
		.split(/[^a-z0-9]+/)
		.filter(Boolean);
	if (parts[0] === 'x' && parts.length > 1) parts.shift();
	return parts.sort().join(' ');
}

/** Keys of `record` that look like `name` renamed (same words in another spelling or order). */
export function renamedLooking(record: IDataObject | Record<string, unknown>, names: string[]): string[] {
	const wanted = new Set(names.map(words));
	return Object.keys(record).filter((key) => !names.includes(key) && wanted.has(words(key)));
}

/** Checks one field across `records` (the problems of many records are reported once, with counts). */
function checkField(records: IDataObject[], rule: FieldRule, at: string): Difference[] {
	const names = [rule.name, ...(rule.alternatives ?? [])];
	const accepted = names.map((n) => `\`${n}\``).join(' or ');
	const path = `${at}${rule.name}`;
	const of = (n: number) => (records.length > 1 ? ` in ${n} of ${records.length}` : '');
	const missing = records.filter((r) => names.every((n) => r[n] === undefined || r[n] === null));
	const present = records.filter((r) => !missing.includes(r));
	const wrong = present.filter((r) => !hasType(r[names.find((n) => r[n] !== undefined && r[n] !== null)!], rule.type));
	const differences: Difference[] = [];
	if (missing.length > 0) {
		const renamed = [...new Set(missing.flatMap((r) => renamedLooking(r, names)))];
		differences.push({
			path,
			what: `missing${of(missing.length)} (the nodes read ${accepted})${renamed.length ? ` — looks renamed to ${renamed.map((r) => `\`${r}\``).join(', ')}` : ''}`,
		});
	}
	if (wrong.length > 0) {
		const types = [...new Set(wrong.map((r) => typeOf(r[names.find((n) => r[n] !== undefined && r[n] !== null)!])))];
		differences.push({ path, what: `wrong type${of(wrong.length)}: ${types.join(', ')} (the nodes read ${TYPE_WORDS[rule.type]})` });
	}
	return differences;
}

export function checkFields(records: IDataObject[], rules: FieldRule[], at: string): Difference[] {
	return rules.flatMap((rule) => checkField(records, rule, at));
}

/** Where in `body` the array holding `record` is, e.g. `data[].`, `[].`, `data.slots[].`. */
function locate(body: unknown, record: IDataObject | undefined, candidates: string[]): string {
	for (const path of candidates) {
		const value = path === '' ? body : path.split('.').reduce<unknown>((v, k) => (v as IDataObject | undefined)?.[k], body);
		if (Array.isArray(value) && (record === undefined || value.includes(record))) return `${path}[].`;
	}
	return `${candidates[0]}[].`;
}

/** Non-empty arrays of objects anywhere in the top two levels of `body` (where records might be instead). */
function arraysIn(body: unknown): string[] {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
	const found: string[] = [];
	for (const [key, value] of Object.entries(body as IDataObject)) {
		if (Array.isArray(value) && value.some((v) => v && typeof v === 'object')) found.push(`\`${key}\` (${value.length})`);
		else if (value && typeof value === 'object' && !Array.isArray(value)) {
			for (const [inner, v] of Object.entries(value as IDataObject)) {
				if (Array.isArray(v) && v.some((x) => x && typeof x === 'object')) found.push(`\`${key}.${inner}\` (${v.length})`);
			}
		}
	}
	return found;
}

/** An empty list is only a difference when the records are visibly elsewhere. */
function emptyList(body: unknown, expected: string, noun: string): Verdict {
	const elsewhere = arraysIn(body);
	if (elsewhere.length > 0) {
		return {
			summary: `no ${noun} where the nodes look`,
			differences: [{ path: '(list)', what: `the nodes read ${expected}, which is empty or absent; the answer has records under ${elsewhere.join(', ')}` }],
		};
	}
	return { summary: `0 ${noun} (fields not compared: nothing to compare)`, differences: [] };
}

export function checkServices(body: unknown): Verdict {
	const records = serviceRecordsOf(body);
	if (records.length === 0) return emptyList(body, 'a `data` array, a bare array or a `services` array', 'services');
	const at = locate(body, records[0], ['data', '', 'services']);
	const differences = checkFields(records, SERVICE_FIELDS, at);
	const listed = records.map(normaliseService).filter((s) => s.service_id !== undefined && s.service_id !== null).length;
	return { summary: `${plural(records.length, 'service')} (the Service picker can list ${listed})`, differences };
}

export function checkAppointmentConfig(body: unknown): Verdict {
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return { summary: 'not an object', differences: [{ path: '(body)', what: `${typeOf(body)} instead of a JSON object` }] };
	}
	const config = unwrapData(body);
	const at = config === body || (body as IDataObject).data === undefined ? '' : 'data.';
	return { summary: 'organisation cancellation rule', differences: checkFields([config], CONFIG_FIELDS, at) };
}

export function checkAvailability(body: unknown): Verdict {
	const { slots } = readAvailability(body);
	if (slots.length === 0) return emptyList(body, '`slots` (or `data.slots`, or a `data` array)', 'slots');
	const at = locate(body, slots[0], ['slots', 'data.slots', 'data']);
	return { summary: plural(slots.length, 'slot'), differences: checkFields(slots, SLOT_FIELDS, at) };
}

export function checkAppointments(body: unknown): Verdict {
	const records = recordsOf(body);
	if (records.length === 0) return emptyList(body, 'a `data` array or a bare array', 'appointments');
	const at = locate(body, records[0], ['data', '']);
	return { summary: `${plural(records.length, 'appointment')} (limit=1)`, differences: checkFields(records, APPOINTMENT_FIELDS, at) };
}

/** A 404 the nodes can explain: status 404 and HuskyVoice's code and message found by readErrorBody. */
export function checkNotFound(status: number, body: unknown): Verdict {
	const differences: Difference[] = [];
	if (status !== 404) differences.push({ path: '(status)', what: `HTTP ${status} instead of 404 for an unknown call id` });
	const { code, message } = readErrorBody(body);
	if (typeof code !== 'string' || typeof message !== 'string') {
		const keys = body && typeof body === 'object' ? Object.keys(body as IDataObject).map((k) => `\`${k}\``).join(', ') : typeOf(body);
		const lacking = [typeof code !== 'string' && 'code', typeof message !== 'string' && 'message'].filter(Boolean).join(' and ');
		differences.push({
			path: '(error envelope)',
			what:
				`the nodes found no ${lacking}: they read \`{ error: { code, message } }\` or \`{ success: false, error, code }\`; ` +
				`this answer has ${keys || 'no keys'} — errors would show only the HTTP status, not HuskyVoice's reason`,
		});
	}
	return { summary: `HTTP ${status}${code ? `, code ${code}` : ''}`, differences };
}

export function checkRateLimitHeaders(headers: Record<string, string>): Verdict {
	const differences: Difference[] = [];
	for (const name of RATE_LIMIT_HEADERS) {
		const value = headers[name];
		if (value === undefined) {
			const renamed = renamedLooking(headers, [name]);
			differences.push({
				path: `header ${name}`,
				what: `missing${renamed.length ? ` — looks renamed to ${renamed.map((r) => `\`${r}\``).join(', ')}` : ''}`,
			});
		} else if (name === 'x-ratelimit-reset' ? resetAtMs(value) === undefined : !Number.isFinite(Number(value))) {
			differences.push({ path: `header ${name}`, what: 'not a number the nodes can read' });
		}
	}
	const seen = RATE_LIMIT_HEADERS.filter((h) => headers[h] !== undefined).map((h) => `${h} ${headers[h]}`);
	const summary = seen.length ? seen.join(', ') : 'none of the three';
	// what a missing header costs, said once
	const cost = differences.length ? ' — without them the nodes cannot pace to the server’s count, so a batch meets 429s and waits them out' : '';
	return { summary: `${summary}${cost}`, differences };
}
