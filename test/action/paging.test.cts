import { MAX_PAGE_SIZE } from '../../nodes/shared/paging';
import { runNode, startTestHttpServer } from '../helpers/index.cjs';
import type { TestHttpServer } from '../helpers/index.cjs';
import { huskyVoice } from './support.cjs';

/** Shapes the sandbox does not produce: a bare-array answer and a server that ignores `page`. */
describe('Get Many paging against other answer shapes', () => {
	let server: TestHttpServer;
	afterEach(async () => {
		await server.stop();
	});

	const getAll = () =>
		runNode(huskyVoice, {
			parameters: { resource: 'appointment', operation: 'getMany', returnAll: true },
			credentials: { huskyVoiceApi: { apiKey: 'sk_test_paging', baseUrl: `${server.baseUrl}/v1` } },
			credentialId: 'paging-test',
		});
	const page = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ appointment_id: `apt_${from + i}` }));

	it('reads a bare array with totals-free pages until the short one', async () => {
		server = await startTestHttpServer((request) => {
			const n = Number(new URL(request.path, 'http://x').searchParams.get('page'));
			return { status: 200, body: n === 1 ? page(0, MAX_PAGE_SIZE) : page(MAX_PAGE_SIZE, 3) };
		});
		const result = await getAll();
		expect(result.json).toHaveLength(MAX_PAGE_SIZE + 3);
		expect(server.requests).toHaveLength(2);
	});

	it('stops with an error instead of looping when the server answers every page with page 1', async () => {
		server = await startTestHttpServer(() => ({ status: 200, body: { success: true, data: page(0, MAX_PAGE_SIZE) } }));
		const result = await getAll();
		expect(result.error?.message).toBe('HuskyVoice answered page 2 with the same records as page 1; stopped paging');
		expect(server.requests).toHaveLength(2);
	});
});
