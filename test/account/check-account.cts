/**
 * `npm run check-account`: a read-only probe of a real HuskyVoice account. With HUSKYVOICE_API_KEY
 * (and optional HUSKYVOICE_BASE_URL, read as `npm start` reads them) it sends only GETs:
 *   GET /services, GET /appointment-config, availability for today and tomorrow (UTC dates),
 *   GET /appointments?limit=1, GET /calls/<an id that does not exist> (the 404 body),
 * and prints, per endpoint, whether the answer matches what the nodes accept and what differs
 * (see shapes.cts and docs/check-account.md). It never creates, changes or deletes anything.
 *
 * Exit code: 0 everything matches, 1 differences, 2 cannot reach or authenticate (or a check
 * could not run: a missing scope, a server error). Never prints the API key.
 */
import { readErrorBody } from '../../nodes/shared/errors';
import type { RealAccount } from '../demo/realAccount.cjs';
import { realAccountFromEnv } from '../demo/realAccount.cjs';
import type { ReadAnswer } from './readOnlyClient.cjs';
import { ReadOnlyClient, UnreachableError } from './readOnlyClient.cjs';
import type { Difference, Verdict } from './shapes.cjs';
import {
	checkAppointmentConfig,
	checkAppointments,
	checkAvailability,
	checkNotFound,
	checkRateLimitHeaders,
	checkServices,
} from './shapes.cjs';

/** A call id no account has (UUID-shaped, as HuskyVoice's are): its answer shows the error envelope. */
export const UNKNOWN_CALL_ID = '00000000-0000-4000-8000-00000000c0de';

export const EXIT = { match: 0, differences: 1, unreachable: 2 } as const;

interface Probe {
	label: string;
	path: string;
	query?: Record<string, string | number>;
	/** The 404 probe expects an error; every other probe expects a 2xx. */
	expectsError?: boolean;
	check: (answer: ReadAnswer) => Verdict;
}

function utcDate(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

export function probes(now: number): Probe[] {
	const today = utcDate(now);
	const tomorrow = utcDate(now + 86_400_000);
	return [
		{ label: 'GET /services', path: '/services', check: (a) => checkServices(a.body) },
		{ label: 'GET /appointment-config', path: '/appointment-config', check: (a) => checkAppointmentConfig(a.body) },
		...[today, tomorrow].map((date) => ({
			label: `GET /appointment-slots/availability?date=${date}`,
			path: '/appointment-slots/availability',
			query: { date },
			check: (a: ReadAnswer) => checkAvailability(a.body),
		})),
		{ label: 'GET /appointments?limit=1', path: '/appointments', query: { limit: 1 }, check: (a) => checkAppointments(a.body) },
		{
			label: `GET /calls/${UNKNOWN_CALL_ID}`,
			path: `/calls/${UNKNOWN_CALL_ID}`,
			expectsError: true,
			check: (a) => checkNotFound(a.statusCode, a.body),
		},
	];
}

export interface Output {
	out: (line: string) => void;
	err: (line: string) => void;
}

/** Removes the key from anything HuskyVoice said before it is printed (a server may echo it). */
function redactor(apiKey: string): (text: string) => string {
	return (text) => (apiKey ? text.split(apiKey).join('[API key]') : text);
}

function refusal(answer: ReadAnswer): string {
	const { code, message } = readErrorBody(answer.body);
	const said = [code && `code ${code}`, message && `"${message.slice(0, 200)}"`].filter(Boolean).join(', ');
	const hint =
		answer.statusCode === 401
			? 'HuskyVoice rejected the API key — check HUSKYVOICE_API_KEY (and HUSKYVOICE_BASE_URL)'
			: answer.statusCode === 403
				? 'the key lacks the scope this endpoint needs (appointments:read for the booking endpoints)'
				: answer.statusCode === 429
					? 'still rate limited after waiting — run it again in a minute'
					: answer.statusCode >= 500
						? 'HuskyVoice had a server error — run it again later'
						: 'unexpected answer';
	return `HTTP ${answer.statusCode}: ${hint}${said ? ` (HuskyVoice said: ${said})` : ''}`;
}

const WIDTH = 62;

/** Runs every probe; returns the exit code. Prints to `output` only. */
export async function checkAccount(account: RealAccount, output: Output, now = Date.now()): Promise<number> {
	const { apiKey, baseUrl } = account;
	if (!apiKey) {
		output.err('check-account: set HUSKYVOICE_API_KEY to your HuskyVoice API key (and HUSKYVOICE_BASE_URL if it is not https://api.huskyvoice.ai/v1).');
		return EXIT.unreachable;
	}
	const redact = redactor(apiKey);
	let parsed: URL;
	try {
		parsed = new URL(baseUrl);
		if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
	} catch {
		output.err('check-account: HUSKYVOICE_BASE_URL must be an http(s) URL such as https://api.huskyvoice.ai/v1.');
		return EXIT.unreachable;
	}
	const print = (line: string) => output.out(redact(line));
	const client = new ReadOnlyClient(baseUrl, apiKey);
	print(`HuskyVoice account check — ${parsed.origin}${parsed.pathname} (read-only: GET requests only)`);
	print('');

	let differing = 0;
	let notChecked = 0;
	let lastHeaders: Record<string, string> | undefined;
	for (const probe of probes(now)) {
		let answer: ReadAnswer;
		try {
			answer = await client.get(probe.path, probe.query);
		} catch (error) {
			if (!(error instanceof UnreachableError)) throw error;
			output.err(redact(`check-account: cannot reach HuskyVoice at ${parsed.origin}${parsed.pathname}: ${error.message}. Check HUSKYVOICE_BASE_URL and the network.`));
			return EXIT.unreachable;
		}
		if (answer.statusCode === 401) {
			output.err(redact(`check-account: ${refusal(answer)}`));
			return EXIT.unreachable;
		}
		lastHeaders = answer.headers;
		const ok = answer.statusCode >= 200 && answer.statusCode < 300;
		if (!probe.expectsError && !ok) {
			notChecked++;
			print(`${probe.label.padEnd(WIDTH)} NOT CHECKED`);
			print(`    ${refusal(answer)}`);
			continue;
		}
		const verdict = probe.check(answer);
		if (verdict.differences.length > 0) differing++;
		print(`${probe.label.padEnd(WIDTH)} ${verdict.differences.length ? 'DIFFERS' : 'OK     '} ${verdict.summary}`);
		for (const d of verdict.differences) print(formatDifference(d));
	}
	if (lastHeaders) {
		const verdict = checkRateLimitHeaders(lastHeaders);
		if (verdict.differences.length > 0) differing++;
		print(`${'rate-limit headers (on every answer)'.padEnd(WIDTH)} ${verdict.differences.length ? 'DIFFERS' : 'OK     '} ${verdict.summary}`);
		for (const d of verdict.differences) print(formatDifference(d));
	}
	print('');
	if (notChecked > 0) {
		print(`${notChecked} check(s) could not run${differing ? `; ${differing} differ` : ''}. Exit ${EXIT.unreachable}.`);
		return EXIT.unreachable;
	}
	if (differing > 0) {
		print(`${differing} of ${probes(now).length + 1} checks differ from what the nodes accept. Exit ${EXIT.differences}.`);
		print('Please report the lines above (they contain no personal data and no key) at https://github.com/huskyvoice/n8n-nodes-huskyvoice/issues.');
		return EXIT.differences;
	}
	print(`All ${probes(now).length + 1} checks match what the nodes accept. Exit ${EXIT.match}.`);
	return EXIT.match;
}

function formatDifference(d: Difference): string {
	return `    - ${d.path}: ${d.what}`;
}

if (require.main === module) {
	checkAccount(realAccountFromEnv(), {
		out: (line) => process.stdout.write(`${line}\n`),
		err: (line) => process.stderr.write(`${line}\n`),
	}).then(
		(code) => process.exit(code),
		(error: unknown) => {
			// a bug in the check itself: its message only (a stack could hold request details)
			const key = realAccountFromEnv().apiKey;
			const text = error instanceof Error ? error.message : String(error);
			process.stderr.write(`check-account failed: ${key ? text.split(key).join('[API key]') : text}\n`);
			process.exit(EXIT.unreachable);
		},
	);
}
