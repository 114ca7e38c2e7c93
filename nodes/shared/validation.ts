import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError, toPathSegment } from 'n8n-workflow';
import { MAX_ADDITIONAL_INFO_KEYS, PHONE_PATTERN } from './constants';

/** Where a value came from, so every error names the field and the item. */
export interface FieldContext {
	node: INode;
	itemIndex: number;
}

export function fieldError(ctx: FieldContext, field: string, problem: string, hint?: string) {
	return new NodeOperationError(ctx.node, `${field} (item ${ctx.itemIndex}): ${problem}`, {
		itemIndex: ctx.itemIndex,
		description: hint,
	});
}

function describe(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'nothing';
	return JSON.stringify(value);
}

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A whole number from `min` (to `max`, when given); otherwise an error naming the field and the item. */
export function validateWholeNumber(ctx: FieldContext, field: string, value: unknown, min: number, max?: number): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
		const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
		throw fieldError(ctx, field, `must be a whole number ${range} but received ${JSON.stringify(value)}`);
	}
	return n;
}

export function requireString(ctx: FieldContext, field: string, value: unknown): string {
	const text = typeof value === 'number' ? String(value) : value;
	if (typeof text !== 'string' || text.trim() === '') {
		throw fieldError(ctx, field, `is required but received ${describe(value)}`);
	}
	return text.trim();
}

export const PHONE_FORMAT_PROBLEM = 'must be an Indian number in +91 format (+91 and 10 digits, e.g. +919876543210)';

/**
 * The number as HuskyVoice accepts it, or undefined. Spaces, dashes, dots and brackets are
 * removed, and a missing +91 added, only when the user asked for normalisation.
 */
export function callableNumber(raw: string, normalise: boolean): string | undefined {
	let phone = normalise ? raw.trim().replace(/[\s\-().]/g, '') : raw.trim();
	if (normalise && /^\d{10}$/.test(phone)) phone = `+91${phone}`;
	if (normalise && /^91\d{10}$/.test(phone)) phone = `+${phone}`;
	return PHONE_PATTERN.test(phone) ? phone : undefined;
}

export function validatePhone(
	ctx: FieldContext,
	field: string,
	value: unknown,
	normalise = false,
): string {
	const raw = requireString(ctx, field, value);
	const phone = callableNumber(raw, normalise);
	if (phone === undefined) {
		throw fieldError(
			ctx,
			field,
			`${PHONE_FORMAT_PROBLEM} but received ${describe(raw)}`,
			normalise
				? 'HuskyVoice v1 only calls Indian numbers.'
				: 'Turn on "Normalise Number" to strip spaces and dashes and add a missing +91 automatically.',
		);
	}
	return phone;
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateEmail(ctx: FieldContext, field: string, value: unknown): string {
	const email = requireString(ctx, field, value);
	if (!EMAIL_PATTERN.test(email)) {
		throw fieldError(ctx, field, `is not a valid email address: ${describe(email)}`);
	}
	return email;
}

/** Accepts an object or a JSON string; HuskyVoice allows at most 25 flat key-value pairs. */
export function validateAdditionalInfo(ctx: FieldContext, field: string, value: unknown): IDataObject {
	let info = value;
	if (typeof info === 'string') {
		if (info.trim() === '') return {};
		try {
			info = JSON.parse(info);
		} catch {
			throw fieldError(ctx, field, 'is not valid JSON', 'Example: {"invoice_id": "INV-42", "amount": 1500}');
		}
	}
	if (info === undefined || info === null) return {};
	if (typeof info !== 'object' || Array.isArray(info)) {
		throw fieldError(ctx, field, `must be an object of key-value pairs but received ${describe(info)}`);
	}
	const entries = Object.entries(info as IDataObject);
	if (entries.length > MAX_ADDITIONAL_INFO_KEYS) {
		throw fieldError(
			ctx,
			field,
			`has ${entries.length} keys; HuskyVoice accepts at most ${MAX_ADDITIONAL_INFO_KEYS}`,
		);
	}
	for (const [key, entry] of entries) {
		if (key.trim() === '') throw fieldError(ctx, field, 'has an empty key');
		if (entry !== null && typeof entry === 'object') {
			throw fieldError(
				ctx,
				field,
				`value of "${key}" must be text, a number or true/false, not a nested ${Array.isArray(entry) ? 'list' : 'object'}`,
			);
		}
	}
	return info as IDataObject;
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date `YYYY-MM-DD` that really exists (no 2025-02-30). */
export function validateDate(ctx: FieldContext, field: string, value: unknown): string {
	const date = requireString(ctx, field, value);
	const time = DATE_PATTERN.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
	if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== date) {
		throw fieldError(ctx, field, `must be a date in YYYY-MM-DD format but received ${describe(value)}`);
	}
	return date;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** ISO 8601 with a time zone; sent to HuskyVoice in UTC. */
export function validateIsoDateTime(ctx: FieldContext, field: string, value: unknown): string {
	const text = requireString(ctx, field, value);
	const parsed = new Date(text);
	if (!ISO_DATE_TIME.test(text) || Number.isNaN(parsed.getTime())) {
		throw fieldError(
			ctx,
			field,
			`must be an ISO 8601 date-time with a time zone (e.g. 2026-12-01T10:30:00Z) but received ${describe(value)}`,
		);
	}
	return parsed.toISOString();
}

export function validateChoice<T extends string>(
	ctx: FieldContext,
	field: string,
	value: unknown,
	allowed: readonly T[],
): T {
	if (typeof value !== 'string' || !allowed.includes(value as T)) {
		throw fieldError(ctx, field, `must be one of ${allowed.join(', ')} but received ${describe(value)}`);
	}
	return value as T;
}

/** An id that goes into a URL path, encoded as one segment: `../appointments/x` stays a call id. */
export function requirePathId(ctx: FieldContext, field: string, value: unknown): string {
	const id = requireString(ctx, field, value);
	if (id === '.' || id === '..') throw fieldError(ctx, field, `is not a valid ID: ${describe(id)}`);
	return toPathSegment(id);
}
