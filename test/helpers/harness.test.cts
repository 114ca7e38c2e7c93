import type { IExecuteFunctions, INodeType, IWebhookFunctions } from 'n8n-workflow';
import { buildTestWorkflow, hookContext, runNode, serveWebhook, startTestHttpServer } from './index.cjs';

const echoNode: INodeType = {
	description: {
		displayName: 'Echo',
		name: 'echo',
		group: ['transform'],
		version: 1,
		description: 'test node',
		defaults: { name: 'Echo' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'huskyVoiceApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'hook' }],
		properties: [
			{ displayName: 'Path', name: 'path', type: 'string', default: '/echo' },
			{ displayName: 'Label', name: 'label', type: 'string', default: 'none' },
		],
	},
	async execute(this: IExecuteFunctions) {
		const credentials = await this.getCredentials('huskyVoiceApi');
		const out = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			const response = await this.helpers.httpRequestWithAuthentication.call(this, 'huskyVoiceApi', {
				baseURL: credentials.baseUrl as string,
				url: this.getNodeParameter('path', i) as string,
				json: true,
			});
			out.push({ json: { label: this.getNodeParameter('label', i), response } });
		}
		return [out];
	},
	async webhook(this: IWebhookFunctions) {
		const seen = this.getWorkflowStaticData('node');
		seen.count = ((seen.count as number) ?? 0) + 1;
		return { workflowData: [[{ json: { body: this.getBodyData(), raw: (this.getRequestObject() as unknown as { rawBody: Buffer }).rawBody.toString(), count: seen.count } }]] };
	},
};

describe('test harness', () => {
	it('runs execute() with defaults, per-item expressions and the credential applied to real HTTP', async () => {
		const server = await startTestHttpServer((request) => ({ body: { auth: request.headers.authorization } }));
		try {
			const result = await runNode(echoNode, {
				parameters: { label: '={{ $json.name }}-{{ $itemIndex }}' },
				credentials: { huskyVoiceApi: { apiKey: 'sk_test_harness', baseUrl: server.baseUrl } },
				items: [{ name: 'a' }, { name: 'b' }],
			});
			expect(result.error).toBeUndefined();
			expect(result.json).toEqual([
				{ label: 'a-0', response: { auth: 'Bearer sk_test_harness' } },
				{ label: 'b-1', response: { auth: 'Bearer sk_test_harness' } },
			]);
			expect(server.requests.map((r) => r.path)).toEqual(['/echo', '/echo']);
		} finally {
			await server.stop();
		}
	});

	it('serves webhook() over HTTP with raw body and persistent static data, and gives hook contexts the webhook URL', async () => {
		const harness = buildTestWorkflow(echoNode, {
			credentials: { huskyVoiceApi: { apiKey: 'k' } },
			webhookBaseUrl: 'http://n8n.test/webhook',
		});
		expect(hookContext(harness).getNodeWebhookUrl('default')).toBe('http://n8n.test/webhook/test-webhook-id/hook');
		const hook = await serveWebhook(harness);
		try {
			for (const n of [1, 2]) {
				const response = await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"n": ${n}}` });
				expect(response.status).toBe(200);
			}
			expect(hook.executions).toEqual([[{ body: { n: 1 }, raw: '{"n": 1}', count: 1 }], [{ body: { n: 2 }, raw: '{"n": 2}', count: 2 }]]);
		} finally {
			await hook.stop();
		}
	});
});
