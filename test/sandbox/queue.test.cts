import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { fakeTimeOffsetMs, fakeTimeSpecFor } from './sandbox.cjs';
import { useSandbox, waitFor } from './test-client.cjs';

const env = useSandbox({ rateLimit: { limit: 10_000, windowMs: 60_000 } });

/** IST wall time on 2030-06-03 (a fixed day; the test owns the sandbox clock) as a UTC instant. */
const ist = (hhmmss: string, day = '2030-06-03') => new Date(`${day}T${hhmmss}+05:30`).toISOString();
const number = (i: number) => `+9198000${String(i).padStart(5, '0')}`;

/** Sets the sandbox clock and holds it there, so times in the queue's report are exact. */
async function setClock(iso: string) {
	const res = await env.admin('POST', '/clock', { set: iso, freeze: true });
	expect(res.status).toBe(200);
}

async function advanceClock(ms: number) {
	expect((await env.admin('POST', '/clock', { advanceMs: ms })).status).toBe(200);
}

async function place(i: number, extra: object = {}) {
	const res = await env.api('POST', '/calls', { agent_id: 'agent_campaign', contact_number: number(i), ...extra });
	expect(res.status).toBe(201);
	return res.body.data.call_id as string;
}

async function queue() {
	return (await env.admin('GET', '/queue')).body;
}

async function callOf(id: string) {
	return (await env.api('GET', `/calls/${id}`)).body.data;
}

describe('without a plan (the default) the sandbox behaves as before', () => {
	test('a call placed at 23:00 IST is not held back: admin advance and auto-advance move it at once', async () => {
		await setClock(ist('23:00:00'));
		const id = await place(1);
		expect((await env.admin('POST', `/calls/${id}/advance`, { to: 'completed' })).status).toBe(200);
		expect((await callOf(id)).status).toBe('completed');
		expect((await queue()).plan).toBeNull();
	});
});

describe('plan concurrency', () => {
	test('Base: one call at a time, the others stay queued and start in turn', async () => {
		await env.admin('POST', '/config', { plan: 'base', callDurationMs: 60_000 });
		await setClock(ist('10:00:00'));
		const ids = [await place(1), await place(2), await place(3)];
		expect((await callOf(ids[0])).status).toBe('initiated');
		expect((await callOf(ids[1])).status).toBe('scheduled');
		expect((await queue()).queued).toEqual([ids[1], ids[2]]);

		await advanceClock(60_000);
		expect((await callOf(ids[0])).status).toBe('completed');
		expect((await callOf(ids[1])).status).toBe('initiated');
		await advanceClock(120_000);
		const report = await queue();
		expect(report.starts.map((s: { at: string }) => s.at)).toEqual([ist('10:00:00.000'), ist('10:01:00.000'), ist('10:02:00.000')]);
		expect(report.max_in_flight).toBe(1);
		expect(report.in_flight).toEqual([]);
	});

	test('Professional: four at a time; Enterprise: as configured', async () => {
		await env.admin('POST', '/config', { plan: 'professional', callDurationMs: 60_000 });
		await setClock(ist('10:00:00'));
		for (let i = 1; i <= 6; i++) await place(i);
		let report = await queue();
		expect(report.in_flight).toHaveLength(4);
		expect(report.queued).toHaveLength(2);
		await advanceClock(60_000);
		report = await queue();
		expect(report.in_flight).toHaveLength(2);
		expect(report.max_in_flight).toBe(4);

		env.sandbox.state.reset();
		await env.admin('POST', '/config', { plan: 'enterprise', concurrency: 7, callDurationMs: 60_000 });
		await setClock(ist('10:00:00'));
		for (let i = 1; i <= 9; i++) await place(i);
		report = await queue();
		expect(report.concurrency).toBe(7);
		expect(report.in_flight).toHaveLength(7);
	});
});

describe('start pacing', () => {
	test('at most 10 new calls start in any minute', async () => {
		await env.admin('POST', '/config', { plan: 'enterprise', concurrency: 100, callDurationMs: 1_000 });
		await setClock(ist('10:00:00'));
		for (let i = 1; i <= 25; i++) await place(i);
		await advanceClock(3 * 60_000);
		const starts: Array<{ at: string }> = (await queue()).starts;
		expect(starts).toHaveLength(25);
		const perStart = new Map<string, number>();
		for (const s of starts) perStart.set(s.at, (perStart.get(s.at) ?? 0) + 1);
		expect([...perStart]).toEqual([
			[ist('10:00:00.000'), 10],
			[ist('10:01:00.000'), 10],
			[ist('10:02:00.000'), 5],
		]);
		// Any 60-second span holds at most 10 starts.
		const times = starts.map((s) => Date.parse(s.at));
		for (const t of times) expect(times.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(10);
	});
});

describe('the calling window (09:00–20:00 in the organisation’s time zone)', () => {
	test('a call placed at night waits queued until 09:00, then starts', async () => {
		await env.admin('POST', '/config', { plan: 'base', callDurationMs: 60_000 });
		await setClock(ist('23:00:00'));
		const id = await place(1);
		await advanceClock(9 * 3_600_000);
		expect((await callOf(id)).status).toBe('scheduled');
		await setClock(ist('09:00:30', '2030-06-04'));
		expect((await callOf(id)).status).not.toBe('scheduled');
		expect((await queue()).starts[0].at).toBe(ist('09:00:00.000', '2030-06-04'));
	});

	test('a call still queued at 20:00 waits for the next day; one already talking finishes', async () => {
		await env.admin('POST', '/config', { plan: 'base', callDurationMs: 60_000 });
		await setClock(ist('19:59:30'));
		const first = await place(1);
		const second = await place(2);
		const third = await place(3);
		await setClock(ist('20:30:00'));
		expect((await callOf(first)).status).toBe('completed');
		expect((await callOf(first)).completed_at).toBe(ist('20:00:30.000'));
		expect((await callOf(second)).status).toBe('scheduled');
		// The night passes in one jump: the next morning plays out in order.
		await setClock(ist('09:05:00', '2030-06-04'));
		const starts = (await queue()).starts.map((s: { call_id: string; at: string }) => [s.call_id, s.at]);
		expect(starts).toEqual([
			[first, ist('19:59:30.000')],
			[second, ist('09:00:00.000', '2030-06-04')],
			[third, ist('09:01:00.000', '2030-06-04')],
		]);
		expect((await callOf(third)).status).toBe('completed');
	});

	test('the window follows the configured time zone', async () => {
		await env.admin('POST', '/config', { plan: 'base', callDurationMs: 1_000, timeZone: 'Europe/London' });
		// 07:00 BST on 2030-06-03 = 06:00 UTC: closed in London (opens 08:00 UTC), open in India.
		await setClock('2030-06-03T06:00:00.000Z');
		const id = await place(1);
		expect((await callOf(id)).status).toBe('scheduled');
		await setClock('2030-06-03T08:00:05.000Z');
		expect((await queue()).starts[0].at).toBe('2030-06-03T08:00:00.000Z');
	});

	test('with a short window a test crosses a closing and an opening in seconds of sandbox time', async () => {
		await env.admin('POST', '/config', { plan: 'base', callDurationMs: 1_000, callingWindow: { opensAt: '09:00', closesAt: '09:01' } });
		await setClock(ist('09:00:59'));
		const ids = [await place(1), await place(2)];
		await setClock(ist('09:00:30', '2030-06-04'));
		const starts = (await queue()).starts.map((s: { at: string }) => s.at);
		expect(starts).toEqual([ist('09:00:59.000'), ist('09:00:00.000', '2030-06-04')]);
		expect((await callOf(ids[1])).status).toBe('completed');
	});
});

describe('scripted outcomes per number and attempt', () => {
	test('busy then completed: the first attempt fails busy, the second completes with the scripted outcome', async () => {
		await env.admin('POST', '/config', { plan: 'enterprise', callDurationMs: 1_000 });
		await setClock(ist('10:00:00'));
		const script = { [number(1)]: ['busy', { ending: 'completed', outcome: 'interested', summary: 'Wants a demo' }] };
		expect((await env.admin('POST', '/script', script)).status).toBe(200);
		const first = await place(1, { additional_info: { attempt: 1 } });
		const second = await place(1, { additional_info: { attempt: '2' } });
		await advanceClock(5_000);
		expect(await callOf(first)).toMatchObject({ status: 'failed', error: { code: 'busy' } });
		expect(await callOf(second)).toMatchObject({ status: 'completed', outcome: 'interested', summary: 'Wants a demo' });
	});

	test.each([
		['no_answer', 'failed', 'no_answer'],
		['failed', 'failed', 'network_error'],
		['invalid_number', 'failed', 'invalid_number'],
		['dnd', 'disallowed', 'dnd_registered'],
		['blocked', 'disallowed', 'number_blocked'],
		['no_credits', 'disallowed', 'insufficient_credits'],
	])('%s ends %s with error code %s', async (ending, status, code) => {
		await env.admin('POST', '/config', { plan: 'enterprise', callDurationMs: 1_000 });
		await setClock(ist('10:00:00'));
		await env.admin('POST', '/script', { [number(2)]: [ending] });
		const id = await place(2);
		await advanceClock(5_000);
		expect(await callOf(id)).toMatchObject({ status, error: { code } });
	});

	test('a blocked call is never dialled: no start is recorded and it takes no slot', async () => {
		await env.admin('POST', '/config', { plan: 'base', callDurationMs: 60_000 });
		await setClock(ist('10:00:00'));
		await env.admin('POST', '/script', { [number(3)]: ['dnd'] });
		const dnd = await place(3);
		const next = await place(4);
		expect((await callOf(dnd)).status).toBe('disallowed');
		expect((await callOf(next)).status).toBe('initiated');
		expect((await queue()).starts.map((s: { call_id: string }) => s.call_id)).toEqual([next]);
	});

	test('the script works without a plan too (auto-advance)', async () => {
		await env.admin('POST', '/script', { [number(5)]: ['busy'] });
		const id = await place(5);
		await env.admin('POST', `/calls/${id}/advance`, { to: 'failed' });
		expect(await callOf(id)).toMatchObject({ status: 'failed', error: { code: 'busy' } });
	});

	test('bad scripts are refused with the reason', async () => {
		expect((await env.admin('POST', '/script', { '98000': ['busy'] })).body.error.message).toMatch(/not a \+91 number/);
		expect((await env.admin('POST', '/script', { [number(1)]: ['maybe'] })).body.error.message).toMatch(/each entry must be one of completed, busy/);
	});
});

describe('counting calls per contact and attempt', () => {
	test('two calls for the same contact and attempt are reported as a duplicate', async () => {
		await place(1, { additional_info: { attempt: 1 } });
		await place(1, { additional_info: { attempt: 2 } });
		await place(1, { additional_info: { attempt: 2 } });
		const report = await queue();
		expect(report.calls_per_contact_attempt).toEqual({ [`${number(1)}#1`]: 1, [`${number(1)}#2`]: 2 });
		expect(report.duplicates).toEqual([{ contact_number: number(1), attempt: 2, calls: 2 }]);
	});
});

describe('Trial plan', () => {
	test('Create Call is refused 403 plan_not_allowed, through the API and the inbound hook', async () => {
		await env.admin('POST', '/config', { plan: 'trial' });
		const res = await env.api('POST', '/calls', { agent_id: 'a', contact_number: number(1) });
		expect(res.status).toBe(403);
		expect(res.body.error.code).toBe('plan_not_allowed');
		expect(res.body.error.message).toMatch(/Trial plans cannot place calls/);
		const hook = await env.api('POST', `/hooks/${env.sandbox.inboundToken}`, { action: 'call.create', data: { agent_id: 'a', contact_number: number(1) } });
		expect(hook.status).toBe(403);
		expect(hook.body).toMatchObject({ success: false, code: 'PLAN_NOT_ALLOWED' });
		expect(env.sandbox.state.calls.size).toBe(0);
	});
});

describe('the clock', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'hv-clock-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	test('reads libfaketime offsets and start times', () => {
		expect(fakeTimeOffsetMs('+13h', 0)).toBe(13 * 3_600_000);
		expect(fakeTimeOffsetMs('-30m', 0)).toBe(-30 * 60_000);
		expect(fakeTimeOffsetMs('+7200', 0)).toBe(7_200_000);
		expect(fakeTimeOffsetMs('+1.5d', 0)).toBe(36 * 3_600_000);
		expect(fakeTimeOffsetMs('2030-06-03 10:00:00', 1000)).toBe(Date.parse('2030-06-03T10:00:00Z') - 1000);
		const seen = new Map<string, number>();
		expect(fakeTimeOffsetMs('@2030-06-03 10:00:00', 5000, seen)).toBe(Date.parse('2030-06-03T10:00:00Z') - 5000);
		expect(fakeTimeOffsetMs('@2030-06-03 10:00:00', 9000, seen)).toBe(Date.parse('2030-06-03T10:00:00Z') - 5000);
		expect(fakeTimeOffsetMs('nonsense', 0)).toBe(0);
		expect(fakeTimeSpecFor(Date.parse('2030-06-03T10:00:00Z'), Date.parse('2030-06-03T09:00:00Z'))).toBe('+3600s');
	});

	test('follows a timestamp file, re-read on every use; the queue notices a jump by itself', async () => {
		const file = join(dir, 'faketime');
		writeFileSync(file, fakeTimeSpecFor(Date.parse(ist('19:59:50'))));
		await env.admin('POST', '/config', { plan: 'base', callDurationMs: 60_000, fakeTimeFile: file });
		const clock = (await env.admin('GET', '/clock')).body;
		expect(Math.abs(Date.parse(clock.now) - Date.parse(ist('19:59:50')))).toBeLessThan(5_000);
		await place(1);
		const waiting = await place(2);
		writeFileSync(file, fakeTimeSpecFor(Date.parse(ist('09:00:10', '2030-06-04'))));
		// No request needed: the queue's own timer re-reads the clock.
		await waitFor(() => env.sandbox.state.calls.get(waiting)?.sandbox.startedAt, 3_000);
		expect(env.sandbox.state.calls.get(waiting)?.sandbox.startedAt).toBe(ist('09:00:00.000', '2030-06-04'));
	});
});
