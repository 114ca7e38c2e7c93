/**
 * The call campaign (examples/campaign/) in a real n8n against the sandbox's HuskyVoice queue,
 * on a shifted clock across one night: n8n (every process, under libfaketime) and the sandbox
 * read the same timestamp file. 50 contacts come in through the contacts form on a Base plan
 * (1 call at a time) at 19:57 in Kolkata; the clock runs at real speed (1.5-s calls) and jumps
 * whenever nothing can happen before a later moment (the night, a retry delay, HuskyVoice's
 * 10-starts-a-minute pacing). In the middle n8n
 * restarts while a call is live (its events are lost: the look-up of calls still in flight settles
 * it) and HuskyVoice redelivers events already handled.
 *
 * Run: npm run build && npx jest --selectProjects e2e test/e2e/campaign.e2e.test.cts
 *      (E2E_N8N_VERSION=1.123.81 for n8n 1.x)
 */
import { isInsideCallingWindow, nextAttemptAt } from '../../nodes/shared/callingWindow';
import type { Sandbox } from '../sandbox/sandbox.cjs';
import {
	addContactsThroughForm,
	ClockJump,
	ContactRow,
	contactRows,
	driveCampaign,
	ImportedCampaign,
	importCampaign,
	mostPlacedAtOnce,
	QueueReport,
	queueReport,
} from './campaign.cjs';
import { HuskyCredentials, SandboxAdmin, startHuskyStack } from './husky.cjs';
import { N8nStack, waitFor } from './runner/index.cjs';

jest.setTimeout(30 * 60_000);

/** Monday 2030-06-03, 19:57 in Kolkata: 3 minutes of window left (about 30 starts at 10 a minute), then the night. */
const EVENING = Date.parse('2030-06-03T19:57:00+05:30');
const CALL_MS = 1_500;
const PLAN_CONCURRENCY = 1;

type Script = string[];
/** 50 contacts: 60 % complete at once, 24 % after one or two unanswered or busy calls, 10 % never, 6 % DND or blocked. */
function scripts(): Array<{ name: string; phone: string; script: Script }> {
	const out: Array<{ name: string; phone: string; script: Script }> = [];
	const add = (count: number, script: Script, label: string) => {
		for (let i = 0; i < count; i++) {
			const n = out.length + 1;
			out.push({ name: `${label} ${n}`, phone: `+9198${String(76500000 + n).padStart(8, '0')}`, script });
		}
	};
	add(30, ['completed'], 'Answers');
	add(5, ['busy', 'completed'], 'Busy once');
	add(5, ['no_answer', 'completed'], 'Unanswered once');
	add(1, ['failed', 'completed'], 'Dropped once');
	add(1, ['busy', 'no_answer', 'completed'], 'Third time');
	add(5, ['no_answer', 'busy', 'no_answer'], 'Never reached');
	add(2, ['dnd'], 'On DND');
	add(1, ['blocked'], 'Blocked');
	return out;
}

const expectedStatus = (script: Script) =>
	script.at(-1) === 'completed' ? 'done' : script[0] === 'dnd' || script[0] === 'blocked' ? 'dnd' : 'unreachable';

describe('call campaign across a night (Base plan, 50 contacts, shifted clock)', () => {
	let sandbox: Sandbox;
	let admin: SandboxAdmin;
	let stack: N8nStack;
	let creds: HuskyCredentials;
	let campaign: ImportedCampaign;
	const contacts = scripts();
	const t0 = Date.now();
	let campaignStartedAt = 0;
	let rows: ContactRow[] = [];
	let jumps: ClockJump[] = [];
	let queue: QueueReport;
	let restart: { at: string; openRows: number; liveCall?: string } | undefined;
	const redelivered: Array<{ eventId: string; phone: string; rowBefore: ContactRow; rowAfter?: ContactRow }> = [];

	beforeAll(async () => {
		({ sandbox, admin, stack, creds } = await startHuskyStack('campaign', {
			// n8n starts on the campaign's day; the test sets the exact minute once it is up
			shiftedClock: { offsetMs: EVENING - 3 * 3600_000 - Date.now() },
		}));
		await admin.config({
			plan: 'base',
			callDurationMs: CALL_MS,
			fakeTimeFile: stack.clock!.file,
			// HuskyVoice retries a delivery a few times; n8n restarting outlasts them (the lost event)
			deliveryRetryDelaysMs: [200, 1000, 3000],
		});
		await admin.call('POST', '/script', Object.fromEntries(contacts.map((c) => [c.phone, c.script])));
		campaign = await importCampaign(stack, creds, {
			dashboard: admin,
			tuning: { concurrency: PLAN_CONCURRENCY, dispatchEverySeconds: 2, sweepEverySeconds: 10 },
		});
		console.log(`campaign e2e: stack ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	});

	afterAll(async () => {
		await stack?.stop();
		await sandbox?.stop();
		console.log(`campaign e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
	});

	test('n8n and the sandbox read the same shifted clock, and both see a jump at once', async () => {
		stack.clock!.setTo(EVENING - 60_000);
		const sandboxNow = Date.parse((await admin.call('GET', '/clock')).now);
		expect(Math.abs(sandboxNow - (EVENING - 60_000))).toBeLessThan(5_000);
		// n8n: the dispatcher's Check Calling Window reads n8n's own clock every second
		const seen = await waitFor(
			'a dispatcher run at the shifted time',
			async () => {
				for (const e of await stack.api.listExecutions({ workflowId: campaign.workflowIds.dispatcher, includeData: true })) {
					const now = e.data?.resultData?.runData?.['Calling window']?.[0]?.data?.main?.[0]?.[0]?.json?.now;
					if (typeof now === 'string' && Math.abs(Date.parse(now) - (EVENING - 60_000)) < 30_000) return now;
				}
				return undefined;
			},
			{ timeoutMs: 60_000, intervalMs: 500 },
		);
		expect(isInsideCallingWindow(Date.parse(seen))).toBe(true);
	});

	test('the contacts form adds 50 contacts once each and lists the lines it rejected instead of calling them', async () => {
		stack.clock!.setTo(EVENING);
		campaignStartedAt = Date.now();
		const lines = [
			...contacts.map((c) => `${c.name}, ${c.phone.replace(/^\+91(\d{5})(\d{5})$/, '+91 $1 $2')}`),
			`${contacts[0].name} again, ${contacts[0].phone}`, // already in the list: kept once
			'Wrong Digits, 98765',
			'Abroad, +14155550100',
		];
		const page = await addContactsThroughForm(campaign, lines);
		expect(page).toContain('Wrong Digits (98765)');
		expect(page).toContain('Abroad (+14155550100)');
		const added = await contactRows(stack, campaign.table);
		expect(added.map((r) => r.phone).sort()).toEqual(contacts.map((c) => c.phone).sort());
	});

	test('the campaign runs through the evening, the night and the next day until every contact is settled', async () => {
		const drive = await driveCampaign({
			stack,
			admin,
			table: campaign.table,
			concurrency: PLAN_CONCURRENCY,
			timeoutMs: 20 * 60_000,
			onPoll: async (current) => {
				const settled = current.filter((r) => ['done', 'unreachable', 'dnd'].includes(r.status)).length;
				// once: after 10 settled contacts, redeliver two events n8n already handled …
				if (settled >= 10 && redelivered.length === 0) await redeliverHandledEvents(current);
				// … and restart n8n while a call is live, so its events find n8n down
				if (settled >= 15 && !restart) {
					const live = (await queueReport(admin)).in_flight[0];
					if (!live) return;
					restart = { at: stack.clock!.now().toISOString(), openRows: current.length - settled, liveCall: live };
					await stack.restartN8n();
				}
			},
		});
		rows = drive.rows;
		jumps = drive.jumps;
		queue = await queueReport(admin);
		console.log(
			`campaign e2e: campaign settled in ${((Date.now() - campaignStartedAt) / 1000).toFixed(1)} s real, ` +
				`${queue.starts.length} calls started, clock jumps: ${jumps.map((j) => `${j.from} → ${j.to} (${j.reason})`).join('; ')}`,
		);
	});

	test('every contact ends in exactly one final state, the one its calls lead to', () => {
		expect(rows).toHaveLength(contacts.length);
		for (const c of contacts) {
			const row = rows.filter((r) => r.phone === c.phone);
			expect(row).toHaveLength(1);
			expect({ phone: c.phone, status: row[0].status, attempts: row[0].attempts }).toEqual({
				phone: c.phone,
				status: expectedStatus(c.script),
				attempts: c.script.length,
			});
			if (row[0].status === 'done') expect(row[0].summary).toEqual(expect.any(String));
		}
	});

	test('0 duplicate calls: one call per contact and attempt, as many attempts as its script', async () => {
		expect(queue.duplicates).toEqual([]);
		for (const c of contacts) {
			for (let attempt = 1; attempt <= c.script.length; attempt++) {
				expect({ key: `${c.phone}#${attempt}`, calls: queue.calls_per_contact_attempt[`${c.phone}#${attempt}`] }).toEqual({
					key: `${c.phone}#${attempt}`,
					calls: 1,
				});
			}
			expect(queue.calls_per_contact_attempt[`${c.phone}#${c.script.length + 1}`]).toBeUndefined();
		}
	});

	test('no call starts outside 09:00–20:00 in Kolkata, and the campaign did cross the night', () => {
		const starts = queue.starts.map((s) => Date.parse(s.at));
		expect(starts.filter((t) => !isInsideCallingWindow(t))).toEqual([]);
		const nextMorning = Date.parse('2030-06-04T09:00:00+05:30');
		expect(starts.some((t) => t < EVENING + 3 * 60_000)).toBe(true);
		expect(starts.some((t) => t >= nextMorning)).toBe(true);
		expect(jumps.some((j) => Date.parse(j.from) < nextMorning && Date.parse(j.to) >= nextMorning - 60_000)).toBe(true);
	});

	test('DND and blocked numbers are called once and never again', () => {
		for (const c of contacts.filter((x) => x.script[0] === 'dnd' || x.script[0] === 'blocked')) {
			const calls = Object.entries(queue.calls_per_contact_attempt).filter(([key]) => key.startsWith(`${c.phone}#`));
			expect(calls).toEqual([[`${c.phone}#1`, 1]]);
		}
	});

	test('no retry is placed before its next_attempt_at (the end of the previous attempt + 2 h, moved into the window)', async () => {
		const calls = await admin.calls();
		const byKey = new Map(calls.map((c) => [`${c.sandbox.contact}#${c.sandbox.attempt}`, c]));
		let retries = 0;
		for (const c of contacts) {
			for (let attempt = 2; attempt <= c.script.length; attempt++) {
				const previous = byKey.get(`${c.phone}#${attempt - 1}`)!;
				const ended = previous.sandbox.history.at(-1).at as string;
				const due = nextAttemptAt({ endedAt: Date.parse(ended), attempt: attempt - 1 });
				const placed = Date.parse(byKey.get(`${c.phone}#${attempt}`)!.created_at);
				expect({ call: `${c.phone}#${attempt}`, early: placed < due.getTime() }).toEqual({ call: `${c.phone}#${attempt}`, early: false });
				retries++;
			}
		}
		expect(retries).toBe(contacts.reduce((n, c) => n + c.script.length - 1, 0));
	});

	test('never more calls in flight than the plan allows: neither dialled at once nor placed before the previous one ended', async () => {
		expect(queue.max_in_flight).toBeLessThanOrEqual(PLAN_CONCURRENCY);
		// placed → ended intervals of every call never overlap more than the plan's concurrency
		expect(mostPlacedAtOnce(await admin.calls())).toBeLessThanOrEqual(PLAN_CONCURRENCY);
	});

	test('an n8n restart mid-campaign lost the live call’s events, and the look-up of calls in flight settled that contact anyway', async () => {
		expect(restart).toBeDefined();
		expect(restart!.openRows).toBeGreaterThan(0);
		const deliveries = await admin.deliveries();
		const lostEvents = [...new Set(deliveries.map((d) => d.event_id))].filter((id) =>
			deliveries.filter((d) => d.event_id === id).every((d) => !d.ok),
		);
		expect(lostEvents.length).toBeGreaterThan(0);
		// every contact whose event was lost was settled by the look-up of calls still in flight
		const events = await admin.events();
		const lookedUp = new Set<string>();
		for (const e of await stack.api.listExecutions({ workflowId: campaign.workflowIds.results, includeData: true })) {
			for (const item of e.data?.resultData?.runData?.['Look up call']?.[0]?.data?.main?.[0] ?? []) lookedUp.add(item.json.call_id);
		}
		for (const id of lostEvents) {
			const callId = JSON.parse(events.find((e) => e.event_id === id)!.raw).data.call_id as string;
			const call = await admin.getCall(callId);
			const row = rows.find((r) => r.phone === call.contact_number)!;
			expect({ callId, lookedUp: lookedUp.has(callId), final: ['done', 'unreachable', 'dnd'].includes(row.status) }).toEqual({
				callId,
				lookedUp: true,
				final: true,
			});
		}
	});

	test('events HuskyVoice redelivered mid-campaign changed nothing', () => {
		expect(redelivered.length).toBe(2);
		for (const r of redelivered) {
			expect({ phone: r.phone, status: r.rowAfter?.status, next: r.rowAfter?.next_attempt_at, call: r.rowAfter?.call_id }).toEqual({
				phone: r.phone,
				status: r.rowBefore.status,
				next: r.rowBefore.next_attempt_at,
				call: r.rowBefore.call_id,
			});
		}
	});

	/** Redelivers a call.completed of a done contact and a call.failed of one waiting for its retry. */
	async function redeliverHandledEvents(current: ContactRow[]): Promise<void> {
		const events = await admin.events();
		const calls = await admin.calls();
		const pick = (type: string, status: string) => {
			for (const e of events.filter((x) => x.event_type === type)) {
				const callId = JSON.parse(e.raw).data?.call_id;
				const call = calls.find((c) => c.call_id === callId);
				const row = current.find((r) => r.call_id === callId && r.status === status);
				if (call && row) return { eventId: e.event_id, phone: row.phone, rowBefore: row };
			}
			return undefined;
		};
		const picks = [pick('call.completed', 'done'), pick('call.failed', 'retry')].filter((p) => p !== undefined);
		if (picks.length < 2) return; // not yet one of each: try on the next poll
		for (const p of picks) {
			await admin.redeliver(p.eventId, true);
			redelivered.push(p);
		}
		// whatever the redeliveries started has finished before the rows are read again
		await waitFor(
			'the results workflow to finish what the redeliveries started',
			async () => (await stack.api.listExecutions({ workflowId: campaign.workflowIds.results })).every((e) => e.status !== 'running' && e.status !== 'new'),
			{ timeoutMs: 60_000, intervalMs: 300 },
		);
		const after = await contactRows(stack, campaign.table);
		for (const p of redelivered) p.rowAfter = after.find((r) => r.phone === p.phone);
	}
});
