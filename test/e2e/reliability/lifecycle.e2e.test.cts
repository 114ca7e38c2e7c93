/**
 * Registration lifecycle of the HuskyVoice Trigger (Automatic registration) in a real
 * single-process n8n 2.41.1: 20 cycles of activate → deactivate → n8n restart → workflow edit
 * (events changed on a published workflow: n8n re-publishes it) → credential change (the API key
 * is rotated in HuskyVoice and in the n8n credential). After every step the sandbox's registered
 * endpoints must equal the active triggers: one endpoint per active trigger's production URL, with
 * that trigger's events, nothing else (no orphans, no duplicates); and a signed event then reaches
 * every active trigger and is accepted (the secret the node stored is the endpoint's).
 *
 * Run: npx jest --selectProjects e2e --runInBand test/e2e/reliability/lifecycle
 */
import { randomBytes } from 'node:crypto';
import type { Workflow, WorkflowNode } from '../runner/index.cjs';
import {
	isStaticDataSecret,
	n8nLogErrors,
	type ReliabilityEnv,
	scanForSecrets,
	secretRows,
	sleep,
	startEnv,
	summariseOccurrences,
	triggerNode,
	writeResults,
} from './support.cjs';

jest.setTimeout(15 * 60_000);

const CYCLES = Number(process.env.RELIABILITY_LIFECYCLE_CYCLES ?? 20);
const ALL = [
	'appointment.cancelled',
	'appointment.completed',
	'appointment.created',
	'appointment.updated',
	'call.answered',
	'call.completed',
	'call.disallowed',
	'call.failed',
	'call.initiated',
	'slot.created',
	'slot.updated',
];

/** Each trigger toggles between two event selections on "edit"; all contain call.completed (used to probe). */
const TRIGGERS = [
	{ name: 'lifecycle A', events: [['call.completed'], ['call.completed', 'call.failed']] },
	{ name: 'lifecycle B', events: [['*'], ['call.completed', 'appointment.updated', 'slot.updated']] },
	{ name: 'lifecycle C', events: [['appointment.updated', 'call.completed'], ['*']] },
];

interface Tracked {
	wf: Workflow;
	node: WorkflowNode;
	url: string;
	selection: number;
	active: boolean;
}

function subscribed(events: string[]): string[] {
	return events.includes('*') ? [...ALL] : [...new Set(events)].sort();
}

describe('HuskyVoice Trigger registration lifecycle (Automatic registration, single-process n8n)', () => {
	let env: ReliabilityEnv;
	const tracked: Tracked[] = [];
	const rows: Array<[string, string | number]> = [];
	const stats = { steps: 0, checks: 0, orphans: 0, duplicates: 0, missing: 0, wrongEvents: 0, maxPerUrlSeen: 0, probes: 0, probeDeliveries: 0, refusedProbes: 0, restarts: 0, edits: 0, rotations: 0, activations: 0, deactivations: 0, slowestSettleMs: 0 };
	const problems: string[] = [];

	beforeAll(async () => {
		env = await startEnv({ label: 'rel-life' });
		for (const t of TRIGGERS) {
			const node = triggerNode({ registration: 'automatic', events: t.events[0], credential: env.apiCredential });
			const wf = await env.stack.api.createWorkflow({ name: t.name, nodes: [node], connections: {} });
			// n8n's copy of the node (with the id it gave it), edited in place later
			tracked.push({ wf, node: wf.nodes[0], url: `${env.stack.webhookBaseUrl}/webhook/${node.webhookId}/webhook`, selection: 0, active: false });
		}
	});

	afterAll(async () => {
		const total = stats.orphans + stats.duplicates + stats.missing + stats.wrongEvents;
		if (stats.steps) {
			writeResults(
				'lifecycle',
				'Trigger registration lifecycle (Automatic registration, single-process n8n)',
				[
					['lifecycle cycles (activate → deactivate → restart → edit → credential change)', `${Math.floor(stats.steps / 5)} of ${CYCLES}`],
					['steps checked', stats.steps],
					['activations / deactivations / n8n restarts / edits (re-publish) / API key rotations', `${stats.activations} / ${stats.deactivations} / ${stats.restarts} / ${stats.edits} / ${stats.rotations}`],
					['orphaned endpoints (registered, no active trigger)', stats.orphans],
					['duplicate endpoints (two for one trigger URL)', stats.duplicates],
					['active triggers without an endpoint', stats.missing],
					['endpoints with other events than the trigger', stats.wrongEvents],
					['most endpoints seen at one URL while steps settled', stats.maxPerUrlSeen],
					['probe events delivered to active triggers / refused', `${stats.probeDeliveries} / ${stats.refusedProbes}`],
					['slowest step to settle (ms)', stats.slowestSettleMs],
					['rule breaks', total],
					...rows,
				],
			);
		}
		await env?.stop();
	});

	/** Registered endpoints vs. active triggers; polls until they agree (n8n publishes asynchronously). */
	async function expectEndpointsMatch(step: string): Promise<void> {
		stats.steps++;
		const t0 = Date.now();
		let last: string[] = [];
		for (;;) {
			const subs = [...env.sandbox.state.subscriptions.values()];
			const perUrl = new Map<string, number>();
			for (const s of subs) perUrl.set(s.url, (perUrl.get(s.url) ?? 0) + 1);
			stats.maxPerUrlSeen = Math.max(stats.maxPerUrlSeen, ...perUrl.values(), 0);
			const issues: Array<[keyof typeof stats, string]> = [];
			for (const s of subs) {
				const owner = tracked.find((t) => t.url === s.url && t.active);
				if (!owner) issues.push(['orphans', `orphan ${s.id} at ${s.url}`]);
				else if (JSON.stringify([...s.events].sort()) !== JSON.stringify(subscribed(TRIGGERS[tracked.indexOf(owner)].events[owner.selection]))) {
					issues.push(['wrongEvents', `${owner.wf.name}: endpoint events ${s.events.join(',')}`]);
				}
			}
			for (const [u, n] of perUrl) if (n > 1) issues.push(['duplicates', `${n} endpoints at ${u}`]);
			for (const t of tracked) if (t.active && !perUrl.has(t.url)) issues.push(['missing', `${t.wf.name} active without endpoint`]);
			if (issues.length === 0) break;
			last = issues.map(([, m]) => m);
			if (Date.now() - t0 > 30_000) {
				for (const [k] of issues) (stats[k] as number)++;
				problems.push(`${step}: ${last.join('; ')}`);
				break;
			}
			await sleep(100);
		}
		stats.checks++;
		stats.slowestSettleMs = Math.max(stats.slowestSettleMs, Date.now() - t0);
		await probe(step);
	}

	/** A signed call.completed event to every endpoint: each active trigger must accept it. */
	async function probe(step: string): Promise<void> {
		if (!tracked.some((t) => t.active)) return;
		stats.probes++;
		const r = await fetch(`${env.sandbox.adminUrl}/events`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ event_type: 'call.completed', data: { call_id: `call_probe_${stats.probes}` }, wait: true }),
		});
		const { event_id: eventId } = (await r.json()) as { event_id: string };
		const attempts = env.sandbox.state.deliveries.filter((d) => d.event_id === eventId);
		stats.probeDeliveries += attempts.length;
		const refused = attempts.filter((d) => !d.ok);
		stats.refusedProbes += refused.length;
		if (attempts.length !== tracked.filter((t) => t.active).length || refused.length) {
			problems.push(`${step}: probe ${eventId} → ${attempts.map((d) => `${d.url.slice(-50)} ${d.status}`).join(', ')}`);
		}
	}

	async function activate(t: Tracked): Promise<void> {
		await env.stack.activateAndWait(t.wf.id);
		t.active = true;
		stats.activations++;
	}

	async function deactivate(t: Tracked): Promise<void> {
		await env.stack.deactivateAndWait(t.wf.id);
		t.active = false;
		stats.deactivations++;
	}

	test(`${CYCLES} cycles: after every step the registered endpoints equal the active triggers`, async () => {
		for (let c = 0; c < CYCLES; c++) {
			for (const t of tracked.filter((x) => !x.active)) await activate(t);
			await expectEndpointsMatch(`cycle ${c} activate`);

			await deactivate(tracked[c % 3]);
			await expectEndpointsMatch(`cycle ${c} deactivate`);

			await env.stack.restartN8n();
			stats.restarts++;
			for (const t of tracked.filter((x) => x.active)) await env.stack.api.waitForWebhook(t.url, { timeoutMs: 60_000 });
			await expectEndpointsMatch(`cycle ${c} restart`);

			const edited = tracked[(c + 1) % 3];
			edited.selection = 1 - edited.selection;
			edited.node.parameters.events = TRIGGERS[tracked.indexOf(edited)].events[edited.selection];
			await env.stack.api.updateWorkflow(edited.wf.id, { ...edited.wf, nodes: [edited.node] });
			stats.edits++;
			await expectEndpointsMatch(`cycle ${c} edit ${edited.wf.name}${edited.active ? ' (published)' : ''}`);

			const newKey = `sk_test_${randomBytes(16).toString('hex')}`;
			env.secrets.add('API key', newKey);
			// HuskyVoice rotates the key (the old one stops working at once), the user pastes the new one
			(env.sandbox.state as unknown as { apiKey: string }).apiKey = newKey;
			await env.stack.api.updateCredential(env.apiCredential.id, {
				name: env.apiCredential.name,
				type: 'huskyVoiceApi',
				data: { apiKey: newKey, baseUrl: env.sandbox.baseUrl },
			});
			stats.rotations++;
			await expectEndpointsMatch(`cycle ${c} credential change`);
		}
		// while triggers are active: where are their endpoint secrets?
		const whileActive = await scanForSecrets(env);
		const stored = whileActive.occurrences.filter(isStaticDataSecret);
		const leaked = whileActive.occurrences.filter((o) => !isStaticDataSecret(o));
		rows.push(
			['while active: endpoint secrets in workflow static data (by design) / in the public API workflow listing', `${stored.filter((o) => o.where.startsWith('db')).length} / ${stored.filter((o) => o.where.startsWith('public')).length}`],
			['while active: secret occurrences anywhere else', leaked.length],
		);
		expect(summariseOccurrences(leaked)).toEqual([]);

		for (const t of tracked.filter((x) => x.active)) await deactivate(t);
		await expectEndpointsMatch('end: all deactivated');
		expect(env.sandbox.state.subscriptions.size).toBe(0);
		expect(problems).toEqual([]);
	});

	test('after deactivation no secret (API keys, endpoint signing secrets) anywhere: database, logs, node outputs, answers; no error in the logs', async () => {
		const scan = await scanForSecrets(env);
		const logs = n8nLogErrors(env);
		rows.push(...secretRows(scan), ['n8n log: uncaught errors', logs.uncaught.length], ['n8n log: error entries', logs.unexpected.length]);
		expect(summariseOccurrences(scan.occurrences)).toEqual([]);
		expect(logs.uncaught).toEqual([]);
		expect(logs.unexpected).toEqual([]);
	});
});
