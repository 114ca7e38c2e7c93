import { MAX_ITEMS_IN_FLIGHT } from '../../nodes/HuskyVoice/actions/router';
import { runNode, startTestHttpServer } from '../helpers/index.cjs';
import type { TestHttpServer } from '../helpers/index.cjs';
import { huskyVoice, useSandbox } from './support.cjs';

const ctx = useSandbox();

describe('item loop', () => {
	let server: TestHttpServer;
	let inFlight = 0;
	let maxInFlight = 0;

	beforeAll(async () => {
		// Answers GET /calls/{id} after the delay encoded in the id: call_<ms>_<n>.
		server = await startTestHttpServer(async (request) => {
			inFlight++;
			maxInFlight = Math.max(maxInFlight, inFlight);
			const id = decodeURIComponent(request.path.split('/').pop() ?? '');
			await new Promise((resolve) => setTimeout(resolve, Number(id.split('_')[1])));
			inFlight--;
			return { status: 200, body: { data: { call_id: id, status: 'completed' } } };
		});
	});
	afterAll(async () => {
		await server.stop();
	});

	const runGets = (ids: string[]) =>
		runNode(huskyVoice, {
			parameters: { resource: 'call', operation: 'get', callId: '={{ $json.id }}' },
			credentials: { huskyVoiceApi: { apiKey: 'sk_test_router', baseUrl: `${server.baseUrl}/v1` } },
			credentialId: 'router-test',
			items: ids.map((id) => ({ id })),
		});

	it('keeps output order and pairing equal to input order when later items answer first', async () => {
		const ids = ['call_80_0', 'call_0_1', 'call_40_2', 'call_0_3', 'call_20_4', 'call_0_5'];
		const result = await runGets(ids);
		expect(result.error).toBeUndefined();
		expect(result.json.map((json) => json.call_id)).toEqual(ids);
		expect(result.items.map((item) => item.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
	});

	it(`works on up to ${MAX_ITEMS_IN_FLIGHT} items at once, never more`, async () => {
		maxInFlight = 0;
		const ids = Array.from({ length: 3 * MAX_ITEMS_IN_FLIGHT }, (_, n) => `call_15_${n}`);
		const result = await runGets(ids);
		expect(result.json).toHaveLength(ids.length);
		expect(maxInFlight).toBeGreaterThan(1);
		expect(maxInFlight).toBeLessThanOrEqual(MAX_ITEMS_IN_FLIGHT);
	});

	it('reads the credential once per execution, not once per item', async () => {
		const result = await runGets(Array.from({ length: 12 }, (_, n) => `call_0_${n}`));
		expect(result.json).toHaveLength(12);
		expect(result.harness.credentialsHelper.decryptCalls).toEqual(['huskyVoiceApi']);
		expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer sk_test_router');
	});
});

describe('rate limit pacing', () => {
	it('a batch larger than the rate limit finishes without failed items and without hitting 429', async () => {
		await ctx.admin.config({ rateLimit: { limit: 5, windowMs: 400 } });
		const result = await ctx.run(
			{ resource: 'slot', operation: 'checkAvailability', date: '2030-06-05', options: { output: 'raw' } },
			{ items: Array.from({ length: 14 }, () => ({})) },
		);
		expect(result.error).toBeUndefined();
		expect(result.json).toHaveLength(14);
		// Every request was answered on its first attempt: no 429 was provoked and retried.
		expect(await ctx.admin.requests()).toHaveLength(14);
	});
});
