/**
 * The bad-input table for the README, generated from real node runs in a real n8n 2.41.1:
 * each invalid field, credential or payload, and the exact error the user sees (message and
 * details as n8n shows them; for the Trigger, the answer HuskyVoice gets). Writes
 * bad-input-table.md. Every row is also checked: it must fail the way it should (the pattern
 * in `expect`), and no error may contain a secret.
 *
 * Run: npx jest --selectProjects e2e --runInBand test/e2e/reliability/bad-input
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { request, type WorkflowNode } from '../runner/index.cjs';
import { freePort } from '../runner/util.cjs';
import {
	chain,
	createCredential,
	type CredentialRef,
	manualTrigger,
	nodeOutput,
	RELIABILITY_DIR,
	type ReliabilityEnv,
	scanForSecrets,
	sign,
	startEnv,
	summariseOccurrences,
	triggerNode,
	TYPES,
	writeResults,
	secretRows,
} from './support.cjs';

jest.setTimeout(10 * 60_000);

const TABLE_FILE = path.join(RELIABILITY_DIR, 'bad-input-table.md');

interface Row {
	where: string;
	input: string;
	message: string;
	details: string;
	expect: RegExp;
}

interface ItemCase {
	input: string;
	json: Record<string, unknown>;
	expect: RegExp;
}

const CREATE_PARAMS = {
	resource: 'call',
	operation: 'create',
	agentId: '={{ $json.agentId ?? "agent_42" }}',
	contactNumber: '={{ $json.contactNumber ?? "+919876543210" }}',
	additionalFields: {
		contactEmail: '={{ $json.contactEmail ?? "" }}',
		additionalInfoJson: '={{ $json.additionalInfoJson ?? "{}" }}',
		normaliseNumber: '={{ $json.normalise === true }}',
	},
};

describe('bad input: what the user sees (generated from real n8n runs)', () => {
	let env: ReliabilityEnv;
	const rows: Row[] = [];
	const inboundSecret = `insec_${randomBytes(16).toString('hex')}`;

	beforeAll(async () => {
		env = await startEnv({ label: 'rel-bad' });
	});

	afterAll(async () => {
		await env?.stop();
	});

	/** Manual Trigger (one pinned item per case) → the node with "On Error: Continue"; one row per item. */
	async function runCases(where: string, type: string, parameters: Record<string, unknown>, credentials: Record<string, CredentialRef>, cases: ItemCase[]) {
		const node: WorkflowNode = { name: 'Node', type, typeVersion: 1, position: [220, 0], parameters, credentials, onError: 'continueRegularOutput' };
		const wf = await env.stack.api.createWorkflow({
			name: `bad input: ${where}`,
			nodes: [manualTrigger(), node],
			connections: chain('Start', 'Node'),
			pinData: { Start: cases.map((c) => ({ json: c.json })) },
		});
		const exec = await env.stack.api.runManually(wf.id, 'Start', { timeoutMs: 120_000 });
		const out = nodeOutput(exec, 'Node');
		cases.forEach((c, i) => {
			const json = out[i] ?? {};
			rows.push({
				where,
				input: c.input,
				message: String(json.error ?? `(no error: ${JSON.stringify(json).slice(0, 200)})`),
				details: String(json.description ?? ''),
				expect: c.expect,
			});
		});
	}

	/** Runs one case with a sandbox fault on `route` in place. */
	async function withFault<T>(route: string, fault: Record<string, number>, fn: () => Promise<T>): Promise<T> {
		env.sandbox.state.faults.set(route, fault);
		try {
			return await fn();
		} finally {
			env.sandbox.state.faults.delete(route);
		}
	}

	async function withConfig<T>(config: Record<string, unknown>, restore: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
		const set = (body: Record<string, unknown>) =>
			request('POST', `${env.sandbox.adminUrl}/config`, { body }).then((r) => {
				if (r.status !== 200) throw new Error(`sandbox config ${JSON.stringify(body)}: ${r.text}`);
			});
		await set(config);
		try {
			return await fn();
		} finally {
			await set(restore);
		}
	}

	async function placeCall(to?: string): Promise<string> {
		const r = await request('POST', `${env.sandbox.baseUrl}/calls`, {
			body: { agent_id: 'agent_42', contact_number: '+919812300042' },
			headers: { authorization: `Bearer ${env.sandbox.state.apiKey}` },
		});
		const callId = r.json().data.call_id as string;
		if (to) await request('POST', `${env.sandbox.adminUrl}/calls/${callId}/advance`, { body: { to } });
		return callId;
	}

	test('HuskyVoice › Call › Create: invalid fields', async () => {
		const cred = { huskyVoiceApi: env.apiCredential };
		const params = { ...CREATE_PARAMS, options: { idempotencyKey: '={{ $json.key ?? "" }}', timeout: '={{ $json.timeout ?? 30000 }}' } };
		const keys26 = JSON.stringify(Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, i])));
		await runCases('HuskyVoice › Call › Create', TYPES.action, params, cred, [
			{ input: 'Agent ID empty', json: { agentId: '' }, expect: /^Agent ID \(item 0\): is required/ },
			{ input: 'Contact Number empty', json: { contactNumber: '' }, expect: /^Contact Number \(item 1\): is required/ },
			{ input: 'Contact Number `9876543210` (no +91), Normalise Number off', json: { contactNumber: '9876543210' }, expect: /^Contact Number \(item 2\): must be an Indian number/ },
			{ input: 'Contact Number `+14155550100` (not Indian)', json: { contactNumber: '+14155550100' }, expect: /^Contact Number \(item 3\): must be an Indian number/ },
			{ input: 'Contact Number `+91 98765` (too short), Normalise Number on', json: { contactNumber: '+91 98765', normalise: true }, expect: /^Contact Number \(item 4\): must be an Indian number/ },
			{ input: 'Contact Email `not-an-email`', json: { contactEmail: 'not-an-email' }, expect: /^Contact Email \(item 5\): is not a valid email/ },
			{ input: 'Additional Info (JSON) `{"invoice": ` (not JSON)', json: { additionalInfoJson: '{"invoice": ' }, expect: /^Additional Info \(JSON\) \(item 6\): is not valid JSON/ },
			{ input: 'Additional Info (JSON) with 26 keys', json: { additionalInfoJson: keys26 }, expect: /has 26 keys; HuskyVoice accepts at most 25/ },
			{ input: 'Additional Info (JSON) `{"a": {"b": 1}}` (nested)', json: { additionalInfoJson: '{"a": {"b": 1}}' }, expect: /value of "a" must be text, a number or true\/false/ },
			{ input: 'Additional Info (JSON) `[1, 2]` (a list)', json: { additionalInfoJson: '[1, 2]' }, expect: /must be an object of key-value pairs/ },
			{ input: 'Idempotency Key with a line break', json: { key: 'order-1\nreminder' }, expect: /^Idempotency Key \(item 10\): must be at most 255 printable ASCII/ },
			{ input: 'Idempotency Key of 300 characters', json: { key: 'k'.repeat(300) }, expect: /^Idempotency Key \(item 11\)/ },
			{ input: 'Timeout `0`', json: { timeout: 0 }, expect: /^Timeout \(item 12\): must be a number of milliseconds/ },
		]);
	});

	test('HuskyVoice › Call › Create: what HuskyVoice answers', async () => {
		const wrongKey = await createCredential(env, 'HuskyVoice API (wrong key)', 'huskyVoiceApi', {
			apiKey: `sk_live_${randomBytes(12).toString('hex')}`,
			baseUrl: env.sandbox.baseUrl,
		});
		const nowhere = await createCredential(env, 'HuskyVoice API (nothing listening)', 'huskyVoiceApi', {
			apiKey: env.sandbox.apiKey,
			baseUrl: `http://127.0.0.1:${await freePort()}/v1`,
		});
		const where = 'HuskyVoice › Call › Create';
		const params = (timeout = 30_000) => ({ ...CREATE_PARAMS, options: { timeout } });
		const one = (input: string, expect: RegExp, contactNumber: string) => [{ input, json: { contactNumber }, expect }];
		await runCases(where, TYPES.action, params(), { huskyVoiceApi: wrongKey }, one('API key wrong or revoked (401)', /rejected the API key/, '+919800000001'));
		await runCases(where, TYPES.action, params(), { huskyVoiceApi: nowhere }, one('Base URL where nothing listens', /did not answer/, '+919800000002'));
		await withFault('POST /v1/calls', { failTimes: 10 }, () =>
			runCases(where, TYPES.action, params(), { huskyVoiceApi: env.apiCredential }, one('HuskyVoice answers 500 to every attempt', /server error/, '+919800000003')),
		);
		await withFault('POST /v1/calls', { rateLimitTimes: 20, retryAfterSeconds: 0 }, () =>
			runCases(where, TYPES.action, params(), { huskyVoiceApi: env.apiCredential }, one('HuskyVoice answers 429 to every attempt', /rate limit/, '+919800000004')),
		);
		await withFault('POST /v1/calls', { latencyMs: 700 }, () =>
			runCases(where, TYPES.action, params(300), { huskyVoiceApi: env.apiCredential }, one('every answer slower than Options › Timeout (300 ms)', /did not answer/, '+919800000005')),
		);
		await withFault('POST /v1/calls', { dropAfterCommitTimes: 10 }, () =>
			runCases(where, TYPES.action, params(), { huskyVoiceApi: env.apiCredential }, one('connection closed after HuskyVoice placed the call, every attempt', /did not answer/, '+919800000006')),
		);
	});

	test('HuskyVoice › Call › Get / Cancel / Delete', async () => {
		const cred = { huskyVoiceApi: env.apiCredential };
		const inProgress = await placeCall('in_progress');
		const scheduled = await placeCall();
		const byId = (operation: string) => ({ resource: 'call', operation, callId: '={{ $json.callId }}' });
		await runCases('HuskyVoice › Call › Get', TYPES.action, byId('get'), cred, [
			{ input: 'Call ID empty', json: { callId: '' }, expect: /^Call ID \(item 0\): is required/ },
			{ input: 'Call ID `../appointments/apt_1001`', json: { callId: '../appointments/apt_1001' }, expect: /./ },
			{ input: 'Call ID `call_missing` (no such call)', json: { callId: 'call_missing' }, expect: /No call with ID "call_missing"/ },
		]);
		await runCases('HuskyVoice › Call › Cancel', TYPES.action, byId('cancel'), cred, [
			{ input: 'Call ID of a call already in progress', json: { callId: inProgress }, expect: /only queued or scheduled calls can be cancelled/ },
			{ input: 'Call ID `call_missing`', json: { callId: 'call_missing' }, expect: /No call/ },
		]);
		await runCases('HuskyVoice › Call › Delete', TYPES.action, byId('delete'), cred, [
			{ input: 'Call ID of a call that has not completed', json: { callId: scheduled }, expect: /Only completed \(connected\) calls can be deleted/ },
			{ input: 'Call ID `call_missing`', json: { callId: 'call_missing' }, expect: /No call|Not found/ },
		]);
	});

	test('HuskyVoice › Appointment › Update and Slot › Check Availability', async () => {
		const cred = { huskyVoiceApi: env.apiCredential };
		await runCases(
			'HuskyVoice › Appointment › Update',
			TYPES.action,
			{
				resource: 'appointment',
				operation: 'update',
				appointmentId: '={{ $json.id ?? "apt_1001" }}',
				updateFields: {
					appointmentDate: '={{ $json.date ?? "" }}',
					status: '={{ $json.status ?? "" }}',
					session: '={{ $json.session ?? "" }}',
				},
			},
			cred,
			[
				{ input: 'no Update Fields', json: {}, expect: /^Update Fields \(item 0\): nothing to update/ },
				{ input: 'Appointment Date `tomorrow`', json: { date: 'tomorrow' }, expect: /^Appointment Date \(item 1\)/ },
				{ input: 'Status `done` (not an option)', json: { status: 'done' }, expect: /^Status \(item 2\)/ },
				{ input: 'Session `Night` (not an option)', json: { session: 'Night' }, expect: /^Session \(item 3\)/ },
				{ input: 'Appointment ID `apt_9999` (no such appointment)', json: { id: 'apt_9999', status: 'confirmed' }, expect: /No appointment with ID "apt_9999"/ },
				{ input: 'a date with no availability (2030-06-05)', json: { id: 'apt_1004', date: '2030-06-05T09:00:00Z' }, expect: /outside the clinic/ },
				{ input: 'a full slot (2030-06-03 Afternoon)', json: { id: 'apt_1004', date: '2030-06-03T13:00:00Z', session: 'Afternoon' }, expect: /slot is full/ },
				{ input: 'the same patient already booked in that slot', json: { id: 'apt_1002', date: '2030-06-03T10:00:00Z' }, expect: /already has an appointment/ },
			],
		);
		await runCases('HuskyVoice › Slot › Check Availability', TYPES.action, { resource: 'slot', operation: 'checkAvailability', date: '={{ $json.date }}' }, cred, [
			{ input: 'Date empty', json: { date: '' }, expect: /^Date \(item 0\): is required/ },
			{ input: 'Date `tomorrow`', json: { date: 'tomorrow' }, expect: /^Date \(item 1\): must be a date in YYYY-MM-DD/ },
			{ input: 'Date `2030-02-30` (no such day)', json: { date: '2030-02-30' }, expect: /^Date \(item 2\): must be a date in YYYY-MM-DD/ },
		]);
	});

	test('HuskyVoice Inbound Webhook › Call', async () => {
		const good = await createCredential(env, 'Inbound', 'huskyVoiceInboundWebhookApi', { token: env.sandbox.inboundToken, baseUrl: env.sandbox.baseUrl });
		const wrong = await createCredential(env, 'Inbound (wrong token)', 'huskyVoiceInboundWebhookApi', { token: randomBytes(24).toString('hex'), baseUrl: env.sandbox.baseUrl });
		const notAUrl = await createCredential(env, 'Inbound (bad URL)', 'huskyVoiceInboundWebhookApi', { token: 'https://api.huskyvoice.ai/v1/webhooks/abc', baseUrl: env.sandbox.baseUrl });
		const where = 'HuskyVoice Inbound Webhook › Call › Create';
		const create = { ...CREATE_PARAMS, options: {} };
		const inbound = (c: CredentialRef) => ({ huskyVoiceInboundWebhookApi: c });
		await runCases(where, TYPES.inbound, create, inbound(good), [
			{ input: 'Contact Number `98765 43210`, Normalise Number off', json: { contactNumber: '98765 43210' }, expect: /^Contact Number \(item 0\): must be an Indian number/ },
		]);
		await runCases(where, TYPES.inbound, create, inbound(wrong), [{ input: 'token wrong or rotated (401)', json: {}, expect: /Token invalid or rotated/ }]);
		await runCases(where, TYPES.inbound, create, inbound(notAUrl), [{ input: 'credential holds a URL that does not end in /hooks/<token>', json: {}, expect: /does not end in \/hooks\/<token>/ }]);
		await withConfig({ credits: 0 }, { credits: null }, () =>
			runCases(where, TYPES.inbound, create, inbound(good), [{ input: 'no credits left (402)', json: { contactNumber: '+919800000010' }, expect: /Insufficient HuskyVoice credits/ }]),
		);
		await withConfig({ dailyInboundQuota: 0 }, { dailyInboundQuota: null }, () =>
			runCases(where, TYPES.inbound, create, inbound(good), [{ input: 'daily inbound quota reached (429)', json: { contactNumber: '+919800000011' }, expect: /Daily inbound quota reached/ }]),
		);
		env.secrets.add('inbound signing secret', inboundSecret);
		await withConfig({ inboundSigningSecret: inboundSecret }, { inboundSigningSecret: null }, () =>
			runCases(where, TYPES.inbound, create, inbound(good), [
				{ input: 'hook requires signed requests, credential has no Inbound Signing Secret', json: { contactNumber: '+919800000012' }, expect: /signature rejected/ },
			]),
		);
		const inProgress = await placeCall('in_progress');
		const byId = (operation: string) => ({ resource: 'call', operation, callId: '={{ $json.callId }}' });
		await runCases('HuskyVoice Inbound Webhook › Call › Cancel', TYPES.inbound, byId('cancel'), inbound(good), [
			{ input: 'Call ID `call_missing`', json: { callId: 'call_missing' }, expect: /No call with this Call ID/ },
			{ input: 'Call ID of a call already in progress', json: { callId: inProgress }, expect: /only queued or scheduled calls can be cancelled/ },
		]);
		await runCases('HuskyVoice Inbound Webhook › Call › Delete', TYPES.inbound, byId('delete'), inbound(good), [
			{ input: 'Call ID of a call that has not completed', json: { callId: inProgress }, expect: /./ },
		]);
	});

	test('HuskyVoice Trigger: deliveries it refuses or ignores (the answer HuskyVoice gets, no execution)', async () => {
		const secret = `whsec_${randomBytes(24).toString('hex')}`;
		env.secrets.add('trigger signing secret (Manual credential)', secret);
		const credential = await createCredential(env, 'Signing secret', 'huskyVoiceWebhookSecretApi', { signingSecret: secret });
		const wf = await env.stack.api.createWorkflow({
			name: 'bad input: trigger',
			nodes: [triggerNode({ registration: 'manual', events: ['call.completed'], credential })],
			connections: {},
		});
		const { webhooks } = await env.stack.activateAndWait(wf.id);
		const url = webhooks[0].url;
		const event = (type = 'call.completed', id = `evt_${randomUUID()}`) => JSON.stringify({ event_id: id, event_type: type, data: { call_id: 'call_1' } });
		const json = { 'content-type': 'application/json' };
		const once = event();
		const cases: Array<{ input: string; body: string; headers: Record<string, string>; expect: RegExp }> = [
			{ input: 'no X-Husky-Signature / X-Webhook-Signature header', body: event(), headers: json, expect: /^401 / },
			{ input: 'signature made with another secret', body: event(), headers: { ...json, 'x-husky-signature': sign('whsec_other', event()) }, expect: /^401 / },
			{ input: 'body changed after signing', body: event(), headers: { ...json, 'x-husky-signature': sign(secret, event()) }, expect: /^401 / },
			{ input: 'signature in upper-case hex', body: once, headers: { ...json, 'x-husky-signature': sign(secret, once).toUpperCase() }, expect: /^401 / },
			{ input: 'valid signature over text that is not JSON (sent as text/plain)', body: 'hello', headers: { 'content-type': 'text/plain', 'x-husky-signature': sign(secret, 'hello') }, expect: /^400 / },
			{ input: 'valid signature over JSON that is not an event', body: '{"hello":1}', headers: { ...json, 'x-husky-signature': sign(secret, '{"hello":1}') }, expect: /^400 / },
			{ input: 'body that is not JSON sent as application/json (n8n answers before the node runs)', body: 'hello', headers: { ...json, 'x-husky-signature': sign(secret, 'hello') }, expect: /^422 / },
			{ input: 'valid event of a type not selected in Events', body: event('call.failed'), headers: {}, expect: /^200 .*event not selected/ },
			{ input: 'valid event whose event_id was already delivered', body: once, headers: { ...json, 'x-husky-signature': sign(secret, once) }, expect: /^200 .*event already delivered/ },
		];
		const notSelected = cases[7];
		notSelected.headers = { ...json, 'x-husky-signature': sign(secret, notSelected.body) };
		await request('POST', url, { body: once, headers: { ...json, 'x-husky-signature': sign(secret, once) } }); // first delivery
		for (const c of cases) {
			const r = await request('POST', url, { body: c.body, headers: c.headers });
			env.responses.push(r.text);
			rows.push({ where: 'HuskyVoice Trigger (delivery)', input: c.input, message: `${r.status} ${r.text}`, details: '', expect: c.expect });
		}
	});

	test('HuskyVoice Trigger: Automatic registration on an account without the endpoint API', async () => {
		const wf = await env.stack.api.createWorkflow({
			name: 'bad input: automatic registration',
			nodes: [triggerNode({ registration: 'automatic', events: ['call.completed'], credential: env.apiCredential })],
			connections: {},
		});
		const error = await (async () => {
			await request('POST', `${env.sandbox.adminUrl}/config`, { body: { webhooksApiEnabled: false } });
			try {
				await env.stack.activateAndWait(wf.id, { timeoutMs: 90_000 });
				return 'activated';
			} catch (e) {
				return (e as Error).message;
			} finally {
				await request('POST', `${env.sandbox.adminUrl}/config`, { body: { webhooksApiEnabled: true } });
			}
		})();
		const message = /\((This HuskyVoice account cannot register webhooks automatically[^)]*)\)/.exec(error)?.[1] ?? error;
		rows.push({ where: 'HuskyVoice Trigger (activation)', input: 'Registration Automatic, account answers 404 for /webhooks', message, details: '(shown by n8n as the activation error)', expect: /set Registration to Manual/ });
	});

	test('every row fails the way it should, no secret in any error; the table is written', async () => {
		const scan = await scanForSecrets(env);
		const texts = rows.map((r) => `${r.message} ${r.details}`).join('\n');
		const inErrors = env.secrets.entries.filter((s) => texts.includes(s.value)).map((s) => s.label);
		const wrong = rows.filter((r) => !r.expect.test(`${r.message} ${r.details}`)).map((r) => `${r.where} / ${r.input}: ${r.message} ${r.details}`);

		// ids and keys differ per run: shown as placeholders so the table only changes when a message does
		const cell = (s: string) =>
			s
				.replace(/call_[0-9a-f]{20}/g, 'call_…')
				.replace(/hv-[0-9a-f]{32}/g, 'hv-…')
				.replace(/\|/g, '\\|')
				.replace(/\n/g, ' ');
		const table = [
			'# Bad input: what the user sees',
			'',
			'Generated by `test/e2e/reliability/bad-input.e2e.test.cts` from real runs of the nodes in n8n 2.41.1',
			'against the HuskyVoice sandbox (do not edit by hand). "Error" is the message n8n shows on the node',
			'(with On Error: Continue, the item’s `error`); "Details" is the description under it (the item’s',
			'`description`). Items are numbered from 0, as n8n counts them. For the Trigger, the HTTP answer',
			'HuskyVoice gets; none of those deliveries starts an execution. `call_…` and `hv-…` stand for the',
			'call id and the 32-hex-digit idempotency key of the run.',
			'',
			'| Node › operation | Invalid input | Error | Details |',
			'|---|---|---|---|',
			...rows.map((r) => `| ${cell(r.where)} | ${cell(r.input)} | ${cell(r.message)} | ${cell(r.details)} |`),
			'',
		].join('\n');
		fs.writeFileSync(TABLE_FILE, table);
		writeResults('bad-input', 'Bad input table (single-process n8n)', [
			['invalid inputs / payloads run', rows.length],
			['rows failing otherwise than expected', wrong.length],
			['secrets in the errors shown', inErrors.length],
			...secretRows(scan),
		]);
		expect(wrong).toEqual([]);
		expect(inErrors).toEqual([]);
		expect(summariseOccurrences(scan.occurrences)).toEqual([]);
	});
});
