/**
 * Pacing when several processes share one API key (n8n queue-mode workers): each "process" is
 * its own copy of nodes/shared/pacing.ts and retry.ts (jest.isolateModules: no memory shared,
 * as between two `n8n worker` processes), using the same credential id as its pacing key, each
 * keeping 10 requests in flight as the action node does, against one sandbox limited to 10
 * requests per second for the one API key. What they share is only what the sandbox answers.
 * (Both run in this test's one event loop: the only thing two real processes would not share.)
 */
import type { IDataObject } from 'n8n-workflow';
import { startSandbox, type Sandbox } from '../sandbox';

type Pacing = typeof import('../../nodes/shared/pacing');
type Retry = typeof import('../../nodes/shared/retry');

interface Process {
	pacing: Pacing;
	retry: Retry;
}

function newProcess(): Process {
	let p!: Process;
	jest.isolateModules(() => {
		p = { pacing: require('../../nodes/shared/pacing'), retry: require('../../nodes/shared/retry') };
	});
	return p;
}

jest.setTimeout(60_000);

const CREDENTIAL_ID = 'cred-shared-by-every-worker';

interface Outcome {
	ok: number;
	failed: number;
	rateLimited: number;
}

/** Creates one call per contact through `proc`'s pacing and retries, 10 at a time, like the action node's item loop. */
async function runProcess(proc: Process, sandbox: Sandbox, contacts: string[]): Promise<Outcome> {
	const out: Outcome = { ok: 0, failed: 0, rateLimited: 0 };
	const queue = [...contacts];
	const one = async (contact: string) => {
		const send = async () => {
			await proc.pacing.paceBefore(CREDENTIAL_ID, (ms) => new Promise((r) => setTimeout(r, ms)));
			let res: Response;
			try {
				res = await fetch(`${sandbox.baseUrl}/calls`, {
					method: 'POST',
					headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json', 'idempotency-key': `hv-${contact}` },
					body: JSON.stringify({ agent_id: 'agent_42', contact_number: contact }),
				});
			} finally {
				proc.pacing.requestFinished(CREDENTIAL_ID);
			}
			const headers: IDataObject = Object.fromEntries(res.headers.entries());
			proc.pacing.recordRateLimit(CREDENTIAL_ID, headers);
			if (res.status === 429) out.rateLimited++;
			return { statusCode: res.status, headers, body: await res.json() };
		};
		try {
			const answer = await proc.retry.sendWithRetry(send);
			if (answer.statusCode === 201 || answer.statusCode === 200) out.ok++;
			else out.failed++;
		} catch {
			out.failed++;
		}
	};
	await Promise.all(
		Array.from({ length: 10 }, async () => {
			for (let c = queue.shift(); c !== undefined; c = queue.shift()) await one(c);
		}),
	);
	return out;
}

function contacts(prefix: string, n: number): string[] {
	return Array.from({ length: n }, (_, i) => `+9195${prefix}${String(i).padStart(6, '0')}`);
}

describe('pacing shared by processes that do not share memory', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ rateLimit: { limit: 10, windowMs: 1_000 } });
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.state.reset();
		sandbox.state.config.rateLimit = { limit: 10, windowMs: 1_000 };
	});

	it('two processes on one key both see the other in the headers, and every call is placed once', async () => {
		const a = newProcess();
		const b = newProcess();
		const seen = { a: 1, b: 1 };
		const watch = setInterval(() => {
			seen.a = Math.max(seen.a, a.pacing.clientsEstimate(CREDENTIAL_ID));
			seen.b = Math.max(seen.b, b.pacing.clientsEstimate(CREDENTIAL_ID));
		}, 20);
		const [ra, rb] = await Promise.all([runProcess(a, sandbox, contacts('01', 30)), runProcess(b, sandbox, contacts('02', 30))]).finally(() => clearInterval(watch));
		console.log(`two processes: ${JSON.stringify({ a: ra, b: rb, highestClientEstimate: seen })}`);
		expect(ra.ok + rb.ok).toBe(60);
		expect(ra.failed + rb.failed).toBe(0);
		const numbers = [...sandbox.state.calls.values()].map((c) => c.contact_number);
		expect(new Set(numbers).size).toBe(numbers.length);
		expect(numbers).toHaveLength(60);
		// each saw the server count requests it had not sent; at least one took the other for a peer
		// (the first to start may take most of the budget and see the other only a little)
		expect(seen.a).toBeGreaterThan(1);
		expect(seen.b).toBeGreaterThan(1);
		expect(Math.max(seen.a, seen.b)).toBeGreaterThan(1.25);
	});

	it('a process alone on its key estimates one client, so it paces exactly as before', async () => {
		const alone = newProcess();
		const r = await runProcess(alone, sandbox, contacts('03', 25));
		expect(r).toEqual({ ok: 25, failed: 0, rateLimited: 0 });
		expect(alone.pacing.clientsEstimate(CREDENTIAL_ID)).toBeLessThan(1.25);
	});

	it('a process that shares a key spends only its share of a reported budget', () => {
		const { pacing } = newProcess();
		const now = Date.now();
		// its one request answered, yet the server counts 6 of 10: about five others on the key
		pacing.recordRateLimit('share', { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': String(now + 1_000) }, now);
		expect(pacing.clientsEstimate('share')).toBeGreaterThan(3);
		const spendable = pacing.budgetLeft('share');
		expect(spendable).toBeGreaterThanOrEqual(0);
		expect(spendable).toBeLessThanOrEqual(2);
	});
});
