import type { INode } from 'n8n-workflow';
import {
	requireString,
	validateAdditionalInfo,
	validateDate,
	validateEmail,
	validateIsoDateTime,
	validatePhone,
} from '../../nodes/shared/validation';

const node = { name: 'HuskyVoice', type: 'n8n-nodes-huskyvoice.huskyVoice' } as INode;
const ctx = { node, itemIndex: 3 };

function messageOf(fn: () => unknown): string {
	try {
		fn();
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('expected a validation error');
}

describe('phone numbers', () => {
	it('accepts +91 and ten digits unchanged', () => {
		expect(validatePhone(ctx, 'Contact Number', '+919876543210')).toBe('+919876543210');
	});

	it('names the field, the item and what was received when the number is not +91 E.164', () => {
		const message = messageOf(() => validatePhone(ctx, 'Contact Number', '98765 43210'));
		expect(message).toContain('Contact Number (item 3)');
		expect(message).toContain('"98765 43210"');
		expect(message).toContain('+91');
	});

	it('strips spaces and dashes and adds +91 only when normalising is on', () => {
		expect(validatePhone(ctx, 'Contact Number', '98765-43210', true)).toBe('+919876543210');
		expect(validatePhone(ctx, 'Contact Number', '+91 98765 43210', true)).toBe('+919876543210');
		expect(() => validatePhone(ctx, 'Contact Number', '+91 98765 43210')).toThrow();
	});

	it('refuses numbers of other countries even when normalising', () => {
		expect(() => validatePhone(ctx, 'Contact Number', '+14155550123', true)).toThrow(/Indian/);
	});
});

describe('other fields', () => {
	it('requires a non-empty string', () => {
		expect(messageOf(() => requireString(ctx, 'Agent ID', '  '))).toBe(
			'Agent ID (item 3): is required but received "  "',
		);
	});

	it('checks email syntax', () => {
		expect(validateEmail(ctx, 'Contact Email', 'a@b.in')).toBe('a@b.in');
		expect(messageOf(() => validateEmail(ctx, 'Contact Email', 'a@b'))).toContain('Contact Email (item 3)');
	});

	it('limits additional info to 25 flat keys', () => {
		const info = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, i]));
		expect(validateAdditionalInfo(ctx, 'Additional Info', info)).toEqual(info);
		expect(messageOf(() => validateAdditionalInfo(ctx, 'Additional Info', { ...info, k25: 1 }))).toContain(
			'has 26 keys',
		);
		expect(messageOf(() => validateAdditionalInfo(ctx, 'Additional Info', { a: { b: 1 } }))).toContain(
			'nested object',
		);
	});

	it('parses additional info given as JSON text and reports bad JSON', () => {
		expect(validateAdditionalInfo(ctx, 'Additional Info (JSON)', '{"a": 1}')).toEqual({ a: 1 });
		expect(messageOf(() => validateAdditionalInfo(ctx, 'Additional Info (JSON)', '{a:1}'))).toContain(
			'is not valid JSON',
		);
	});

	it('accepts only real calendar dates in YYYY-MM-DD', () => {
		expect(validateDate(ctx, 'Date', '2026-12-01')).toBe('2026-12-01');
		expect(() => validateDate(ctx, 'Date', '2026-02-30')).toThrow(/YYYY-MM-DD/);
		expect(() => validateDate(ctx, 'Date', '01/12/2026')).toThrow(/YYYY-MM-DD/);
	});

	it('converts ISO 8601 date-times with a zone to UTC and refuses ones without', () => {
		expect(validateIsoDateTime(ctx, 'Appointment Date', '2026-12-01T16:00:00+05:30')).toBe(
			'2026-12-01T10:30:00.000Z',
		);
		expect(() => validateIsoDateTime(ctx, 'Appointment Date', '2026-12-01 10:30')).toThrow(/ISO 8601/);
	});
});
