import type { IDataObject } from 'n8n-workflow';
import { isInsideCallingWindow, nextAttemptAt } from '../../nodes/shared/callingWindow';
import { POLL_INTERVALS } from '../../nodes/shared/waitForCall';
import { callWebhook } from '../helpers/index.cjs';
import { triggerWorkflow } from '../helpers/trigger.cjs';
import { errorOf, useSandbox, VALID_CALL, zoneWhereItIsNow } from './support.cjs';

const env = useSandbox();
// Polls every 100 ms (200 ms while queued), and a hopeless queued call is given up after 300 ms.
const intervals = { ...POLL_INTERVALS };
beforeAll(() => Object.assign(POLL_INTERVALS, { liveMs: 100, queuedMs: 200, hopelessAfterMs: 300 }));
afterAll(() => Object.assign(POLL_INTERVALS, intervals));

const number = (i: number) => `+9198000${String(i).padStart(5, '0')}`;

async function callsTo(contact: string): Promise<IDataObject[]> {
	return (await env.admin.calls()).filter((c) => c.contact_number === contact) as IDataObject[];
}

describe('Call → Create: Attempt', () => {
	it('attempt 2 is a new call, running attempt 2 again is the same call; attempt is echoed and sent', async () => {
		const params = { ...VALID_CALL, contactNumber: number(1) };
		const first = await env.run({ ...params, attempt: 1 });
		const second = await env.run({ ...params, attempt: 2 });
		const again = await env.run({ ...params, attempt: 2 });
		expect(first.json[0]).toMatchObject({ attempt: 1, status: 'scheduled' });
		expect(second.json[0]).toMatchObject({ attempt: 2 });
		expect(second.json[0].call_id).not.toBe(first.json[0].call_id);
		expect(again.json[0].call_id).toBe(second.json[0].call_id);
		const calls = await callsTo(number(1));
		expect(calls).toHaveLength(2);
		// Attempt 1 leaves the body as it always was; from attempt 2 on it rides in additional_info.
		expect(calls.map((c) => c.additional_info)).toEqual([{}, { attempt: 2 }]);
		const queue = await env.admin.queue();
		expect(queue.duplicates).toEqual([]);
	});

	it('running attempt 2 again after midnight UTC is still one call', async () => {
		const params = { ...VALID_CALL, contactNumber: number(2), attempt: 2 };
		jest.useFakeTimers({ now: new Date('2030-06-03T23:59:50Z'), doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'queueMicrotask', 'hrtime', 'performance'] });
		try {
			const before = await env.run(params);
			jest.setSystemTime(new Date('2030-06-04T00:00:10Z'));
			const after = await env.run(params);
			expect(after.json[0].call_id).toBe(before.json[0].call_id);
			expect(after.json[0].idempotency_key).toBe(before.json[0].idempotency_key);
			// Attempt 1 without a campaign keeps the date: tomorrow's identical reminder is a new call.
			const reminder = { ...VALID_CALL, contactNumber: number(3) };
			jest.setSystemTime(new Date('2030-06-03T23:59:50Z'));
			const today = await env.run(reminder);
			jest.setSystemTime(new Date('2030-06-04T00:00:10Z'));
			const tomorrow = await env.run(reminder);
			expect(tomorrow.json[0].call_id).not.toBe(today.json[0].call_id);
		} finally {
			jest.useRealTimers();
		}
		expect(await callsTo(number(2))).toHaveLength(1);
	});

	it('with a Campaign ID, attempt 1 is one call on any day and from any workflow; campaign_id is sent', async () => {
		const params = { ...VALID_CALL, contactNumber: number(4), options: { campaignId: 'june-reminders' } };
		const first = await env.run(params, { workflowId: 'dispatcher' });
		const other = await env.run(params, { workflowId: 'another-workflow', nodeId: 'another-node' });
		expect(other.json[0].call_id).toBe(first.json[0].call_id);
		const calls = await callsTo(number(4));
		expect(calls).toHaveLength(1);
		expect(calls[0].additional_info).toEqual({ campaign_id: 'june-reminders' });
	});

	it('an Attempt below 1 or not whole is refused, naming the field and the item', async () => {
		for (const attempt of [0, 1.5, -2]) {
			const message = errorOf(await env.run({ ...VALID_CALL, attempt })).message;
			expect(message).toBe(`Attempt (item 0): must be a whole number, 1 or more, but received ${attempt}`);
		}
		expect(await env.admin.calls()).toHaveLength(0);
	});

	it('Attempt and Campaign ID count against the 25 additional_info keys', async () => {
		const info = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`k${i}`, 'v']));
		const result = await env.run({
			...VALID_CALL,
			attempt: 2,
			additionalFields: { additionalInfoJson: JSON.stringify(info) },
			options: { campaignId: 'c' },
		});
		expect(errorOf(result).message).toBe(
			'Additional Info (item 0): has 26 keys with attempt and campaign_id; HuskyVoice accepts at most 25',
		);
	});
});

describe('Call → Create outside the calling window', () => {
	it('says when HuskyVoice will start the call (starts_after, ISO UTC) and nothing inside the window', async () => {
		const night = zoneWhereItIsNow(2);
		const outside = await env.run({ ...VALID_CALL, contactNumber: number(5), retry: { timeZone: night } });
		const startsAfter = Date.parse(String(outside.json[0].starts_after));
		expect(startsAfter).toBeGreaterThan(Date.now());
		expect(startsAfter - Date.now()).toBeLessThan(8 * 3_600_000);
		expect(isInsideCallingWindow(startsAfter, { timeZone: night, opensAt: '09:00', closesAt: '20:00' })).toBe(true);
		const inside = await env.run({ ...VALID_CALL, contactNumber: number(6), retry: { timeZone: zoneWhereItIsNow(12) } });
		expect(inside.json[0]).not.toHaveProperty('starts_after');
	});

	it('Wait for Outcome does not hold the item for a window that opens after the time limit: Timed Out early, with why', async () => {
		const night = zoneWhereItIsNow(2);
		await env.admin.config({ plan: 'base', timeZone: night });
		const started = Date.now();
		const result = await env.run({
			...VALID_CALL,
			contactNumber: number(7),
			waitForOutcome: true,
			timeLimit: 15,
			timeLimitUnit: 'minutes',
			retry: { timeZone: night },
		});
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(result.output?.[2]).toHaveLength(1);
		const item = result.output![2][0].json;
		expect(item).toMatchObject({ timed_out: true, status: 'scheduled', attempt: 1, ending: null, final: false });
		expect(item.timed_out_reason).toBe(
			`The call waits in HuskyVoice’s queue until the calling window opens at ${item.starts_after} (09:00 ${night}), after the time limit. Follow it with a HuskyVoice Trigger on call.completed, or Get Call after starts_after.`,
		);
	});

	it('a call queued behind the plan’s concurrency inside the window is waited for up to the limit, then Timed Out says so', async () => {
		const day = zoneWhereItIsNow(12);
		await env.admin.config({ plan: 'base', timeZone: day, callDurationMs: 600_000 });
		await env.run({ ...VALID_CALL, contactNumber: number(8) });
		const result = await env.run({
			...VALID_CALL,
			contactNumber: number(9),
			waitForOutcome: true,
			timeLimit: 2,
			timeLimitUnit: 'seconds',
			retry: { timeZone: day },
		});
		const item = result.output![2][0].json;
		expect(item.waited_seconds).toBeGreaterThanOrEqual(2);
		expect(item).not.toHaveProperty('starts_after');
		expect(item.timed_out_reason).toBe(
			'The call was still waiting in HuskyVoice’s queue (calls beyond the plan’s concurrency start in turn) when the time limit ended',
		);
	});
});

describe('ended calls carry attempt, ending, retryable, next_attempt_at and final', () => {
	const cases: Array<[string, string, boolean]> = [
		['completed', 'completed', false],
		['busy', 'busy', true],
		['no_answer', 'no_answer', true],
		['failed', 'failed', true],
		['dnd', 'dnd', false],
		['blocked', 'blocked', false],
		['invalid_number', 'invalid_number', false],
		['no_credits', 'no_credits', false],
	];

	async function endedCall(scripted: string, contact: string, attempt = 1) {
		await env.admin.script({ [contact]: [scripted] });
		const created = await env.run({ ...VALID_CALL, contactNumber: contact, attempt });
		const callId = String(created.json[0].call_id);
		const to = scripted === 'completed' ? 'completed' : ['dnd', 'blocked', 'no_credits'].includes(scripted) ? 'disallowed' : 'failed';
		await env.admin.advance(callId, to);
		// 17:30 IST: a 2-hour delay lands at 19:30, inside the window.
		env.sandbox.state.calls.get(callId)!.completed_at = '2030-06-03T12:00:00.000Z';
		return callId;
	}

	it.each(cases)('%s → ending %s, retryable %s (Get Call, raw and simplified)', async (scripted, ending, retryable) => {
		const callId = await endedCall(scripted, number(10));
		for (const simplify of [false, true]) {
			const got = (await env.run({ resource: 'call', operation: 'get', callId, simplify })).json[0];
			expect(got).toMatchObject({ attempt: 1, ending, retryable, final: !retryable });
			expect(got.next_attempt_at).toBe(retryable ? '2030-06-03T14:00:00.000Z' : null);
		}
	});

	it('cancelled → not retryable, final', async () => {
		const created = await env.run({ ...VALID_CALL, contactNumber: number(11) });
		await env.run({ resource: 'call', operation: 'cancel', callId: created.json[0].call_id });
		const got = (await env.run({ resource: 'call', operation: 'get', callId: created.json[0].call_id })).json[0];
		expect(got).toMatchObject({ ending: 'cancelled', retryable: false, final: true, next_attempt_at: null });
	});

	it('a call still running is not final and has no ending yet', async () => {
		const created = await env.run({ ...VALID_CALL, contactNumber: number(12) });
		const got = (await env.run({ resource: 'call', operation: 'get', callId: created.json[0].call_id })).json[0];
		expect(got).toMatchObject({ attempt: 1, ending: null, retryable: null, next_attempt_at: null, final: false });
	});

	it('the Retry settings: a retry due after 20:00 moves to 09:00 the next day; backoff; the last attempt is final', async () => {
		const callId = await endedCall('busy', number(13), 2);
		const get = (retry: IDataObject) => env.run({ resource: 'call', operation: 'get', callId, retry });
		// Attempt 2 ended 17:30 IST; 150 min × 2^(2−1) = 5 h → 22:30 IST → 09:00 IST next day.
		expect((await get({ retryDelayMinutes: 150, backoffFactor: 2 })).json[0]).toMatchObject({
			attempt: 2,
			retryable: true,
			final: false,
			next_attempt_at: '2030-06-04T03:30:00.000Z',
		});
		expect((await get({ maxAttempts: 2 })).json[0]).toMatchObject({ attempt: 2, retryable: true, final: true, next_attempt_at: null });
		// Another organisation time zone: 12:00 UTC + 2 h = 14:00 UTC = 15:00 in London (summer), inside.
		expect((await get({ timeZone: 'Europe/London' })).json[0].next_attempt_at).toBe('2030-06-03T14:00:00.000Z');
	});

	it('a bad Retry setting is refused naming the field and the item', async () => {
		const callId = await endedCall('busy', number(14));
		const bad = async (retry: IDataObject) => errorOf(await env.run({ resource: 'call', operation: 'get', callId, retry })).message;
		expect(await bad({ timeZone: 'Mars/Olympus' })).toBe(
			'Retry → Time Zone (item 0): must be an IANA time zone such as Asia/Kolkata or Europe/London but received "Mars/Olympus"',
		);
		expect(await bad({ maxAttempts: 0 })).toBe('Retry → Max Attempts (item 0): must be a whole number, 1 or more, but received 0');
		expect(await bad({ backoffFactor: 0.5 })).toBe('Retry → Backoff Factor (item 0): must be 1 or more but received 0.5');
	});

	it('Wait for Outcome routes with the same fields (Not Reached for busy)', async () => {
		await env.admin.script({ [number(15)]: ['busy'] });
		await env.admin.config({ autoAdvanceMs: 50 });
		const result = await env.run({
			...VALID_CALL,
			contactNumber: number(15),
			attempt: 2,
			waitForOutcome: true,
			timeLimit: 30,
			timeLimitUnit: 'seconds',
			retry: { retryDelayMinutes: 60 },
		});
		const item = result.output![1][0].json;
		expect(item).toMatchObject({ status: 'failed', attempt: 2, ending: 'busy', retryable: true, final: false });
		const expected = nextAttemptAt({
			endedAt: Date.parse(String(item.ended_at)),
			attempt: 2,
			retry: { retryDelayMinutes: 60, backoffFactor: 1, maxAttempts: 3 },
		});
		expect(item.next_attempt_at).toBe(expected.toISOString());
	});
});

describe('the Trigger’s call events carry the same fields', () => {
	const event = (data: IDataObject, type = 'call.failed') => ({
		event_id: `evt_${type}_${JSON.stringify(data).length}`,
		event_type: type,
		created_at: '2030-06-03T12:00:05Z',
		org_id: 'org_1',
		data: { call_id: 'call_1', agent_id: 'agent_1', completed_at: '2030-06-03T12:00:00Z', ...data },
	});

	async function deliver(body: IDataObject, parameters: IDataObject = {}) {
		const harness = triggerWorkflow({ parameters: { registration: 'manual', events: ['*'], verifySignature: false, ...parameters } });
		const { result, error } = await callWebhook(harness, { body });
		if (error) throw error;
		return result!.workflowData![0][0].json;
	}

	it.each([true, false])('busy attempt 2 of 3 with Simplify %s: retry at 19:30 IST', async (simplify) => {
		const json = await deliver(
			event({ status: 'failed', error: { code: 'busy', message: 'The line was busy' }, additional_info: { attempt: 2 } }),
			{ simplify },
		);
		expect(json).toMatchObject({ attempt: 2, ending: 'busy', retryable: true, final: false, next_attempt_at: '2030-06-03T14:00:00.000Z' });
	});

	it('DND is never retried; a completed call is final; the Retry settings apply', async () => {
		expect(await deliver(event({ status: 'disallowed', error: { code: 'dnd_registered' } }, 'call.disallowed'))).toMatchObject({
			ending: 'dnd',
			retryable: false,
			final: true,
			next_attempt_at: null,
		});
		expect(await deliver(event({ status: 'completed' }, 'call.completed'))).toMatchObject({ ending: 'completed', final: true });
		const late = await deliver(event({ status: 'failed', error: { code: 'no_answer' } }), { retry: { retryDelayMinutes: 180 } });
		expect(late.next_attempt_at).toBe('2030-06-04T03:30:00.000Z');
	});

	it('a bad Time Zone never fails the delivery: next_attempt_at is empty and retry_settings_error says why', async () => {
		const json = await deliver(event({ status: 'failed', error: { code: 'busy' } }), { retry: { timeZone: 'Nowhere/Land' } });
		expect(json).toMatchObject({ ending: 'busy', retryable: true, next_attempt_at: null });
		expect(json.retry_settings_error).toMatch(/^Retry → Time Zone must be an IANA time zone/);
	});
});

describe('Call → Check Calling Window', () => {
	it('is open when the organisation’s clock shows 12:00 and closed at 02:00, with the window’s instants', async () => {
		const open = (await env.run({ resource: 'call', operation: 'checkCallingWindow', timeZone: zoneWhereItIsNow(12) })).json[0];
		const now = Date.parse(String(open.now));
		expect(open.open).toBe(true);
		expect(Date.parse(String(open.opens_at))).toBeLessThanOrEqual(now);
		expect(Date.parse(String(open.closes_at))).toBeGreaterThan(now);
		expect(Date.parse(String(open.closes_at)) - Date.parse(String(open.opens_at))).toBe(11 * 3_600_000);
		const closed = (await env.run({ resource: 'call', operation: 'checkCallingWindow', timeZone: zoneWhereItIsNow(2) })).json[0];
		expect(closed).toMatchObject({ open: false, time_zone: zoneWhereItIsNow(2) });
		expect(Date.parse(String(closed.opens_at))).toBeGreaterThan(Date.parse(String(closed.now)));
		expect(await env.admin.requests()).toHaveLength(0);
	});

	it('defaults to Asia/Kolkata and refuses an unknown zone', async () => {
		const result = (await env.run({ resource: 'call', operation: 'checkCallingWindow' })).json[0];
		expect(result.time_zone).toBe('Asia/Kolkata');
		const bad = errorOf(await env.run({ resource: 'call', operation: 'checkCallingWindow', timeZone: 'India' }));
		expect(bad.message).toBe('Time Zone (item 0): must be an IANA time zone such as Asia/Kolkata or Europe/London but received "India"');
	});
});

describe('a Trial plan', () => {
	it('Create Call explains that the plan cannot place calls and what to do', async () => {
		await env.admin.config({ plan: 'trial' });
		const error = errorOf(await env.run(VALID_CALL));
		expect(error.message).toBe(
			'Your HuskyVoice plan cannot place calls (Trial) — upgrade to Base, Professional or Enterprise in the HuskyVoice dashboard, then run the workflow again',
		);
		expect(error.httpCode).toBe('403');
	});
});
