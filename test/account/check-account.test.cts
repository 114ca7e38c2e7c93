/**
 * `npm run check-account` against the sandbox: as documented (everything matches, exit 0) and with
 * `shapeVariant: "divergent"` (each renamed field, the other error envelope and the other
 * rate-limit headers reported, exit 1); unreachable, wrong key and missing scope (exit 2). In every
 * case the sandbox sees GET requests only and the key is never printed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox/sandbox.cjs';
import { adminClient, apiClient } from '../sandbox/test-client.cjs';
import { checkAccount, EXIT, probes } from './check-account.cjs';
import { APPOINTMENT_FIELDS, CONFIG_FIELDS, RATE_LIMIT_HEADERS, RATE_LIMIT_HEADERS_READ_BY, SERVICE_FIELDS, SLOT_FIELDS } from './shapes.cjs';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** A calendar window on every weekday, so today's and tomorrow's availability has slots on any day. */
async function openEveryDay(sandbox: Sandbox): Promise<void> {
	const api = apiClient(sandbox);
	for (const day of DAYS) {
		const r = await api('POST', '/appointment-slots', {
			branch_id: 'br_check',
			day,
			session: 'Morning',
			start_time: '09:00',
			end_time: '12:00',
			max_slots: 4,
			ai_slots: 2,
			batch_name: 'B1',
		});
		expect(r.status).toBe(201);
	}
}

interface Run {
	code: number;
	out: string;
	err: string;
	/** Everything written to the real process streams meanwhile (nothing may go around `output`). */
	stray: string;
	methods: string[];
}

async function run(sandbox: Sandbox | undefined, account: { apiKey?: string; baseUrl: string }): Promise<Run> {
	const out: string[] = [];
	const err: string[] = [];
	let stray = '';
	const from = sandbox?.state.requests.length ?? 0;
	const spies = [process.stdout, process.stderr].map((stream) =>
		jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
			stray += String(chunk);
			return true;
		}),
	);
	let code: number;
	try {
		code = await checkAccount(account, { out: (l) => out.push(l), err: (l) => err.push(l) });
	} finally {
		for (const spy of spies) spy.mockRestore();
	}
	const methods = sandbox ? sandbox.state.requests.slice(from).map((r) => r.method) : [];
	return { code, out: out.join('\n'), err: err.join('\n'), stray, methods };
}

function expectSecretKept(r: Run, ...keys: string[]): void {
	for (const key of keys) {
		expect(r.out).not.toContain(key);
		expect(r.err).not.toContain(key);
		expect(r.stray).not.toContain(key);
	}
}

describe('check-account against the sandbox as documented', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox();
		await openEveryDay(sandbox);
	});
	afterAll(() => sandbox.stop());

	test('every check matches, exit 0, GETs only, the key never printed', async () => {
		const r = await run(sandbox, { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl });
		console.log(r.out);
		expect(r.code).toBe(EXIT.match);
		expect(r.out).not.toMatch(/DIFFERS|NOT CHECKED/);
		expect(r.out.match(/ OK {5}/g)).toHaveLength(probes(Date.now()).length + 1);
		// today's and tomorrow's slots were really compared (a window on every weekday)
		expect(r.out).toMatch(/availability\?date=\d{4}-\d\d-\d\d\s+OK\s+[1-9]\d* slots?\n.*availability\?date=\d{4}-\d\d-\d\d\s+OK\s+[1-9]\d* slots?\n/);
		expect(r.out).not.toMatch(/ 0 slots/);
		expect(r.out).toContain('HTTP 404, code not_found');
		expect(r.out).toMatch(/x-ratelimit-limit 60, x-ratelimit-remaining \d+, x-ratelimit-reset \d+/);
		expect(r.methods.length).toBe(probes(Date.now()).length);
		expect(new Set(r.methods)).toEqual(new Set(['GET']));
		expect(r.err).toBe('');
		expectSecretKept(r, sandbox.apiKey);
	});

	test('the services answer as a bare array of { id, name } (the other shape the nodes accept) matches too', async () => {
		sandbox.state.config.servicesShape = 'bare';
		try {
			const r = await run(sandbox, { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl });
			expect(r.code).toBe(EXIT.match);
			expect(r.out).toMatch(/GET \/services\s+OK\s+3 services/);
		} finally {
			sandbox.state.config.servicesShape = 'data';
		}
	});

	test('a wrong key: exit 2 with the reason, and neither key printed', async () => {
		const wrong = 'sk_test_wrong_key_0123456789abcdef';
		const r = await run(sandbox, { apiKey: wrong, baseUrl: sandbox.baseUrl });
		expect(r.code).toBe(EXIT.unreachable);
		expect(r.err).toMatch(/HTTP 401: HuskyVoice rejected the API key — check HUSKYVOICE_API_KEY/);
		expect(new Set(r.methods)).toEqual(new Set(['GET']));
		expectSecretKept(r, wrong, sandbox.apiKey);
	});

	test('a key without the appointments:read scope: those checks cannot run, exit 2', async () => {
		const created = await adminClient(sandbox)('POST', '/api-keys', { scopes: ['slots:write'] });
		const limited = created.body.key as string;
		const r = await run(sandbox, { apiKey: limited, baseUrl: sandbox.baseUrl });
		expect(r.code).toBe(EXIT.unreachable);
		expect(r.out).toMatch(/GET \/services\s+NOT CHECKED\n\s+HTTP 403: the key lacks the scope/);
		expect(r.out).toMatch(/GET \/calls\/\S+\s+OK/);
		expect(new Set(r.methods)).toEqual(new Set(['GET']));
		expectSecretKept(r, limited, sandbox.apiKey);
	});
});

describe('check-account against the divergent sandbox (renamed fields, another error envelope)', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ shapeVariant: 'divergent' });
		await openEveryDay(sandbox);
	});
	afterAll(() => sandbox.stop());

	test('each difference is reported with its field path, exit 1, GETs only, the key never printed', async () => {
		const r = await run(sandbox, { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl });
		console.log(r.out);
		expect(r.code).toBe(EXIT.differences);
		const expected = [
			/GET \/services\s+DIFFERS/,
			/data\[\]\.service_id: missing in 3 of 3 \(the nodes read `service_id` or `id`\) — looks renamed to `serviceId`/,
			/data\[\]\.name: missing in 3 of 3 \(the nodes read `name` or `service_name`\) — looks renamed to `serviceName`/,
			/GET \/appointment-config\s+DIFFERS/,
			/data\.allow_cancellation: wrong type: string \(the nodes read true or false\)/,
			/data\.cancellation_notice_hours: missing \(the nodes read `cancellation_notice_hours`\) — looks renamed to `cancellationNoticeHours`/,
			/slots\[\]\.available_slots: missing( in \d+ of \d+)? \(the nodes read `available_slots`\) — looks renamed to `availableSlots`/,
			/slots\[\]\.branch_id: missing( in \d+ of \d+)? \(the nodes read `branch_id`\)\n/,
			/GET \/appointments\?limit=1\s+DIFFERS/,
			/\(list\): the nodes read a `data` array or a bare array, which is empty or absent; the answer has records under `items` \(1\)/,
			/GET \/calls\/\S+\s+DIFFERS HTTP 404/,
			/\(error envelope\): the nodes found no code and message: .* this answer has `type`, `title`, `status`, `detail`/,
			/header x-ratelimit-limit: missing — looks renamed to `ratelimit-limit`/,
			/header x-ratelimit-remaining: missing — looks renamed to `ratelimit-remaining`/,
			/header x-ratelimit-reset: missing — looks renamed to `ratelimit-reset`/,
		];
		for (const line of expected) expect(r.out).toMatch(line);
		// both availability days differ the same way; nothing else is reported
		expect(r.out.match(/DIFFERS/g)).toHaveLength(7);
		expect(r.out.match(/^ {4}- /gm)).toHaveLength(2 + 2 + 2 * 2 + 1 + 1 + 3);
		expect(new Set(r.methods)).toEqual(new Set(['GET']));
		expectSecretKept(r, sandbox.apiKey);
	});

	test('a wrong key in the other error envelope: still exit 2, the key not printed', async () => {
		const wrong = 'sk_test_another_wrong_key_fedcba';
		const r = await run(sandbox, { apiKey: wrong, baseUrl: sandbox.baseUrl });
		expect(r.code).toBe(EXIT.unreachable);
		expect(r.err).toMatch(/HTTP 401: HuskyVoice rejected the API key/);
		expectSecretKept(r, wrong, sandbox.apiKey);
	});
});

describe('check-account cannot start', () => {
	test('nothing listening: exit 2, "cannot reach", the key not printed', async () => {
		const sandbox = await startSandbox();
		const { baseUrl } = sandbox;
		await sandbox.stop(); // its port is now closed
		const key = 'sk_live_unreachable_0123456789';
		const r = await run(undefined, { apiKey: key, baseUrl });
		expect(r.code).toBe(EXIT.unreachable);
		expect(r.err).toMatch(/cannot reach HuskyVoice at http:\/\/127\.0\.0\.1:\d+\/v1: connection refused/);
		expectSecretKept(r, key);
	});

	test('no key, or a base URL that is not http(s): exit 2 with what to set', async () => {
		const none = await run(undefined, { apiKey: undefined, baseUrl: 'https://api.huskyvoice.ai/v1' });
		expect(none.code).toBe(EXIT.unreachable);
		expect(none.err).toMatch(/set HUSKYVOICE_API_KEY/);
		const key = 'sk_live_badurl_0123456789';
		const bad = await run(undefined, { apiKey: key, baseUrl: `ftp://${key}@example.com` });
		expect(bad.code).toBe(EXIT.unreachable);
		expect(bad.err).toMatch(/HUSKYVOICE_BASE_URL must be an http\(s\) URL/);
		expectSecretKept(bad, key);
	});
});

describe('the fields check-account compares are the ones the code reads', () => {
	const root = path.join(__dirname, '..', '..');
	test.each([...SERVICE_FIELDS, ...CONFIG_FIELDS, ...SLOT_FIELDS, ...APPOINTMENT_FIELDS].map((f) => [f.name, f.readBy]))(
		'%s is read in %s',
		(name, file) => {
			expect(fs.readFileSync(path.join(root, file), 'utf8')).toMatch(new RegExp(`\\b${name}\\b`));
		},
	);
	test.each(RATE_LIMIT_HEADERS)('header %s is read in nodes/shared/pacing.ts', (name) => {
		expect(fs.readFileSync(path.join(root, RATE_LIMIT_HEADERS_READ_BY), 'utf8')).toContain(`'${name}'`);
	});
});
