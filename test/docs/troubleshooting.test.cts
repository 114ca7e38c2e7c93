/**
 * README's Troubleshooting table cannot fall behind the code: every error message the shipped
 * code can show (read from nodes/ and credentials/ by errorMessages.cts) must be quoted by a
 * row, and every message a row quotes must still exist in the code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessagesIn, type MessageTemplate, shippedErrorMessages, shippedSourceFiles } from './errorMessages.cjs';
import { fixedWords, patternRegExp, troubleshootingRows } from './markdown.cjs';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const patterns = troubleshootingRows(README).flatMap((row) => row.patterns);

function rowFor(message: MessageTemplate): string | undefined {
	return patterns.find((pattern) => patternRegExp(pattern).test(message.text));
}

function missingRows(messages: MessageTemplate[]): string[] {
	return messages
		.filter((message) => rowFor(message) === undefined)
		.map((message) => `${message.at}: ${message.text}`);
}

describe('README Troubleshooting covers every error message in the code', () => {
	const messages = shippedErrorMessages(ROOT);

	it('finds the messages in the shipped code (a sample of each kind)', () => {
		const texts = messages.map((m) => m.text);
		expect(texts).toEqual(
			expect.arrayContaining([
				// NodeOperationError through fieldError, expanded per call with the field's name
				'Contact Number (item …): must be an Indian number in +91 format (+91 and 10 digits, e.g. +919876543210) but received …',
				// NodeApiError's message
				'HuskyVoice did not answer — the request may or may not have been carried out',
				// an ErrorMessages map
				'HuskyVoice rejected the API key — check the HuskyVoice API credential',
				// a one-line function returning a template, used in a `messages` map
				'No call with ID "…" in this HuskyVoice account',
				// a credential test rule
				'No HuskyVoice API at this Base URL — it should end in /v1',
				// a `message` parameter (the Trigger's answer to a bad delivery)
				'Invalid or missing signature',
			]),
		);
		// a credential test's success and a NodeApiError's cause are not error messages
		expect(texts.some((t) => t.startsWith('Secret stored'))).toBe(false);
		expect(texts).not.toContain('repeated page');
		expect(messages.length).toBeGreaterThan(80);
	});

	it('has a row quoting every message (add the missing ones to the Troubleshooting table)', () => {
		const missing = missingRows(messages);
		if (missing.length > 0) {
			throw new Error(
				`README.md's Troubleshooting table has no row for ${missing.length} error message(s). Add each, in backticks in ` +
					`the first column (… for the parts that vary), with its cause and fix:\n  ${missing.join('\n  ')}`,
			);
		}
	});

	it('quotes only messages the code still has, each with at least three fixed words', () => {
		const stale = patterns.filter((pattern) => !messages.some((m) => patternRegExp(pattern).test(m.text)));
		expect(stale).toEqual([]);
		expect(patterns.filter((pattern) => fixedWords(pattern).length < 3)).toEqual([]);
	});

	it('fails for a new message without a row: one added to any shipped file is reported with its place and text', () => {
		const sources = new Map(
			shippedSourceFiles(ROOT).map((file) => [path.relative(ROOT, file), fs.readFileSync(file, 'utf8')] as const),
		);
		const file = 'nodes/shared/validation.ts';
		sources.set(
			file,
			`${sources.get(file)}\nexport function lunchBreak(ctx: FieldContext, when: string) {\n\tthrow fieldError(ctx, 'Start Time', \`falls in the clinic's lunch break at \${when}\`);\n}\n`,
		);
		sources.set('nodes/Added/added.ts', "throw new NodeOperationError(node, 'A brand-new failure nobody documented');\n");
		expect(missingRows(errorMessagesIn(sources))).toEqual([
			expect.stringMatching(
				/^nodes\/shared\/validation\.ts:\d+ \(message built at nodes\/shared\/validation\.ts:\d+\): Start Time \(item …\): falls in the clinic's lunch break at …$/,
			),
			'nodes/Added/added.ts:1: A brand-new failure nobody documented',
		]);
	});
});
