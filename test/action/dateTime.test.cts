import type { INode } from 'n8n-workflow';
import { toUtcDateTime } from '../../nodes/HuskyVoice/helpers/dateTime';

const ctx = { node: { name: 'HuskyVoice' } as INode, itemIndex: 2 };

describe('toUtcDateTime (Appointment Date)', () => {
	it('keeps an explicit offset and sends UTC', () => {
		expect(toUtcDateTime(ctx, 'Appointment Date', '2030-06-03T15:00:00+05:30', 'UTC')).toBe('2030-06-03T09:30:00.000Z');
	});

	it('reads a date-picker value without zone in the workflow time zone', () => {
		expect(toUtcDateTime(ctx, 'Appointment Date', '2030-06-03T15:00:00', 'Asia/Kolkata')).toBe('2030-06-03T09:30:00.000Z');
		expect(toUtcDateTime(ctx, 'Appointment Date', '2030-01-15T09:00', 'Europe/Berlin')).toBe('2030-01-15T08:00:00.000Z');
		expect(toUtcDateTime(ctx, 'Appointment Date', '2030-07-15T09:00:00.5', 'Europe/Berlin')).toBe('2030-07-15T07:00:00.500Z');
	});

	it('accepts Date and Luxon-like values from expressions', () => {
		expect(toUtcDateTime(ctx, 'Appointment Date', new Date('2030-06-03T09:30:00Z'), 'UTC')).toBe('2030-06-03T09:30:00.000Z');
		expect(toUtcDateTime(ctx, 'Appointment Date', { toISO: () => '2030-06-03T15:00:00.000+05:30' }, 'UTC')).toBe(
			'2030-06-03T09:30:00.000Z',
		);
	});

	it('refuses impossible dates and free text, naming the field and the item', () => {
		expect(() => toUtcDateTime(ctx, 'Appointment Date', '2030-02-30T10:00:00', 'UTC')).toThrow(
			/^Appointment Date \(item 2\): is not a real date and time/,
		);
		expect(() => toUtcDateTime(ctx, 'Appointment Date', 'next tuesday', 'UTC')).toThrow(
			/^Appointment Date \(item 2\): must be an ISO 8601 date-time/,
		);
		expect(() => toUtcDateTime(ctx, 'Appointment Date', '2030-06-03', 'UTC')).toThrow(/ISO 8601 date-time with a time zone/);
	});
});
