/**
 * 8. Campaign: the call-campaign example (examples/campaign/) in its own n8n and sandbox —
 * 300 contacts added through its form, a Professional plan (4 calls at a time), 60-second calls
 * on the sandbox clock, the issue's outcome mix (60 % answer at once, 25 % after one or two busy
 * or unanswered calls, 10 % never, 5 % DND). n8n and the sandbox share a shifted clock that runs
 * `--campaign-speed` times faster than real time and jumps over idle time (driveCampaign).
 *
 * Figures: campaign time ÷ the floor (campaignFloor.cts: the same campaign on an ideal dispatcher
 * that refills a line the instant it frees), calls in flight, duplicate calls, HuskyVoice requests
 * and n8n executions per contact.
 */
import { DEFAULT_CALLING_WINDOW, DEFAULT_RETRY_POLICY } from '../../nodes/shared/callingWindow';
import { addContactsThroughForm, driveCampaign, importCampaign, mostPlacedAtOnce, queueReport } from '../e2e/campaign.cjs';
import { createHuskyCredentials, SandboxAdmin } from '../e2e/husky.cjs';
import { type ShiftedClock, startN8nStack } from '../e2e/runner/index.cjs';
import { startSandbox } from '../sandbox/sandbox.cjs';
import { idealCampaignEndMs } from './campaignFloor.cjs';
import type { BenchConfig } from './config.cjs';
import { log, type Row } from './context.cjs';
import { fmt } from './stats.cjs';

/** Wednesday 2030-06-05, 09:00 in Kolkata: the window opens as the campaign starts. */
const START = Date.parse('2030-06-05T09:00:00+05:30');
const CALL_MS = 60_000;
const CONCURRENCY = 4;

/** The issue's mix over `n` contacts: 60 % complete, 25 % complete on a retry, 10 % never reached, 5 % DND. */
export function campaignScripts(n: number): Array<{ name: string; phone: string; script: string[] }> {
	const kinds: Array<[number, string[][]]> = [
		[0.6, [['completed']]],
		[0.25, [['busy', 'completed'], ['no_answer', 'completed'], ['no_answer', 'busy', 'completed']]],
		[0.1, [['no_answer', 'busy', 'no_answer']]],
		[0.05, [['dnd']]],
	];
	const out: Array<{ name: string; phone: string; script: string[] }> = [];
	for (const [share, variants] of kinds) {
		const count = Math.round(n * share);
		for (let i = 0; i < count && out.length < n; i++) {
			const k = out.length + 1;
			out.push({ name: `Contact ${k}`, phone: `+9197${String(10000000 + k).padStart(8, '0')}`, script: variants[i % variants.length] });
		}
	}
	while (out.length < n) out.push({ name: `Contact ${out.length + 1}`, phone: `+9197${String(10000001 + out.length).padStart(8, '0')}`, script: ['completed'] });
	return out;
}

/** Makes the shifted clock run `speed` times faster than real time until stopped. */
function runFastClock(clock: ShiftedClock, speed: number, tickMs = 200): { stop(): void } {
	const timer = setInterval(() => clock.advance(tickMs * (speed - 1)), tickMs);
	return { stop: () => clearInterval(timer) };
}

const hours = (ms: number) => `${fmt(ms / 3_600_000, 2)} h`;

export async function benchCampaign(tarball: string, cfg: BenchConfig): Promise<{ rows: Row[]; notes: string[] }> {
	const contacts = campaignScripts(cfg.campaignContacts);
	const sandbox = await startSandbox({ rateLimit: { limit: 1_000_000, windowMs: 1000 } });
	const admin = new SandboxAdmin(sandbox.adminUrl);
	let fast: { stop(): void } | undefined;
	const stack = await startN8nStack({ tarball, label: 'bench-campaign', logLevel: cfg.logLevel, shiftedClock: { offsetMs: START - 3 * 3_600_000 - Date.now() } });
	try {
		const clock = stack.clock!;
		await admin.config({ plan: 'professional', callDurationMs: CALL_MS, fakeTimeFile: clock.file });
		await admin.call('POST', '/script', Object.fromEntries(contacts.map((c) => [c.phone, c.script])));
		const creds = await createHuskyCredentials(stack.api, { baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey });
		// the sweep every 60 s of real time is about every 10 minutes of campaign time at speed 10, as in the example
		const campaign = await importCampaign(stack, creds, {
			dashboard: admin,
			tuning: { concurrency: CONCURRENCY, dispatchEverySeconds: 5, sweepEverySeconds: 60 },
		});
		clock.setTo(START);
		fast = runFastClock(clock, cfg.campaignSpeed);
		const real0 = Date.now();
		const startedAt = clock.now().getTime();
		log(`8. campaign: ${contacts.length} contacts, Professional plan, ${CALL_MS / 1000}-s calls, clock ×${cfg.campaignSpeed}`);
		await addContactsThroughForm(campaign, contacts.map((c) => `${c.name}, ${c.phone}`));
		const { rows, jumps } = await driveCampaign({ stack, admin, table: campaign.table, concurrency: CONCURRENCY, timeoutMs: 60 * 60_000, pollMs: 1000 });
		fast.stop();
		const realSeconds = (Date.now() - real0) / 1000;

		const calls = await admin.calls();
		const queue = await queueReport(admin);
		const endedAt = Math.max(...calls.map((c) => Date.parse(c.sandbox.history.at(-1).at)));
		const floorEnd = idealCampaignEndMs({
			scripts: contacts.map((c) => c.script),
			startMs: startedAt,
			concurrency: CONCURRENCY,
			callMs: CALL_MS,
			startsPerMinute: 10,
			window: DEFAULT_CALLING_WINDOW,
			retry: DEFAULT_RETRY_POLICY,
		});
		const campaignMs = endedAt - startedAt;
		const floorMs = floorEnd - startedAt;
		const ratio = campaignMs / floorMs;
		const placedAtOnce = mostPlacedAtOnce(calls);
		const requestLog = await admin.requests({ path: '/v1/' });
		const requests = requestLog.length;
		// which requests make up the figure: method, path with ids folded, status
		const requestKinds = new Map<string, number>();
		for (const r of requestLog) {
			const kind = `${String(r.method)} ${String(r.path).split('?')[0].replace(/\/[^/]*_[^/]*$|\/[0-9a-f-]{20,}$/, '/{id}')} → ${String(r.status ?? '?')}`;
			requestKinds.set(kind, (requestKinds.get(kind) ?? 0) + 1);
		}
		const ids = Object.values(campaign.workflowIds);
		const [{ count }] = await stack.db.query<{ count: string }>(
			`select count(*) from execution_entity where "workflowId" in (${ids.map((id) => `'${id}'`).join(',')})`,
		);
		const settled = rows.filter((r) => ['done', 'unreachable', 'dnd'].includes(r.status)).length;
		const n = contacts.length;
		const row = (figure: string, ours: string, baseline: string, r: string, target: string, met: boolean | undefined): Row => ({
			bench: '8. Campaign',
			figure,
			ours,
			baseline,
			ratio: r,
			target,
			met,
		});
		const rowsOut: Row[] = [
			row('campaign time ÷ floor (ideal dispatcher, same plan, calls, window, retries)', hours(campaignMs), hours(floorMs), fmt(ratio, 3), '≤ 1.10', ratio <= 1.1),
			row('calls dialled at once, most (sandbox)', String(queue.max_in_flight), `plan ${CONCURRENCY}`, '', `≤ ${CONCURRENCY}`, queue.max_in_flight <= CONCURRENCY),
			row('calls placed and not ended at once, most', String(placedAtOnce), `plan ${CONCURRENCY}`, '', `≤ ${CONCURRENCY}`, placedAtOnce <= CONCURRENCY),
			row('duplicate calls (same contact and attempt)', String(queue.duplicates.length), '0', '', '0', queue.duplicates.length === 0),
			row('contacts settled', `${settled} / ${n}`, '', '', `${n} / ${n}`, settled === n),
			row('HuskyVoice requests per contact', fmt(requests / n, 2), '', '', '', undefined),
			row('n8n executions per contact', fmt(Number(count) / n, 2), '', '', '', undefined),
		];
		const notes = [
			`**8.** ${n} contacts through the contacts form at ${new Date(startedAt).toISOString()} (09:00 in Kolkata), ${calls.length} calls ` +
				`(${queue.starts.length} dialled), ${CALL_MS / 1000}-s calls, Professional plan; clock ×${cfg.campaignSpeed} and jumps over idle time ` +
				`(${jumps.length}: ${jumps.map((j) => j.reason).join('; ') || 'none'}), ${fmt(realSeconds, 0)} s real. The floor is the same campaign ` +
				`on an ideal dispatcher that refills a line the instant it frees (campaignFloor.cts); the gap is n8n's time per call — the event ` +
				`reaching the results workflow, the row update, the dispatcher run it starts, the Create Call — which the clock's speed ` +
				`multiplies: at ×${cfg.campaignSpeed} one real second is ${cfg.campaignSpeed} campaign seconds. Requests count every /v1 request the ` +
				`sandbox received (creates, the look-ups of calls in flight); executions count the three campaign workflows' runs. Requests by kind: ` +
				[...requestKinds].sort((a, b) => b[1] - a[1]).map(([kind, count]) => `${kind}: ${count}`).join('; ') + '.',
		];
		log(`8. campaign: ${hours(campaignMs)} vs floor ${hours(floorMs)} (×${fmt(ratio, 3)}), ${realSeconds.toFixed(0)} s real`);
		return { rows: rowsOut, notes };
	} finally {
		fast?.stop();
		await stack.stop();
		await sandbox.stop();
	}
}
