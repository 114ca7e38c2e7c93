import { createHmac } from 'crypto';
import { HuskyVoiceInboundWebhookApi } from '../../credentials/HuskyVoiceInboundWebhookApi.credentials';

// The credential signs requests made with it (its own credential test in n8n, an HTTP Request
// node using it) like the node does; found by the real-n8n e2e suite, where a correct credential
// failed its test against a hook that enforces signing.
describe('HuskyVoice Inbound Webhook credential: authenticate', () => {
	const credential = new HuskyVoiceInboundWebhookApi();

	test('without a signing secret the request is left as it is', async () => {
		const options = { url: 'https://x/v1/hooks/t', method: 'POST' as const, body: { action: 'call.cancel' }, json: true };
		expect(await credential.authenticate({ token: 't', signingSecret: '  ' }, options)).toBe(options);
	});

	test('with a secret the exact body bytes sent are signed with a fresh timestamp', async () => {
		const before = Math.floor(Date.now() / 1000);
		const out = await credential.authenticate(
			{ token: 't', signingSecret: ' insec_1 ' },
			{ url: 'https://x/v1/hooks/t', method: 'POST', body: { action: 'call.cancel', data: { call_id: 'x' } }, json: true, headers: { A: '1' } },
		);
		expect(typeof out.body).toBe('string');
		const headers = out.headers as Record<string, string>;
		const ts = Number(headers['X-Inbound-Timestamp']);
		expect(ts).toBeGreaterThanOrEqual(before);
		expect(headers['X-Inbound-Signature']).toBe(createHmac('sha256', 'insec_1').update(`${ts}.${out.body as string}`).digest('hex'));
		expect(headers).toMatchObject({ A: '1', 'Content-Type': 'application/json' });
		expect(JSON.parse(out.body as string)).toEqual({ action: 'call.cancel', data: { call_id: 'x' } });
	});

	test('the credential test reads HuskyVoice’s error codes from the body (n8n hands it no status)', () => {
		const rules = credential.test.rules ?? [];
		expect(rules.map((r) => (r.properties as { key: string; value: unknown }).value)).toEqual([
			'UNAUTHORIZED',
			'INVALID_SIGNATURE',
			'unauthorized',
		]);
		expect((credential.test.request as { returnFullResponse?: boolean }).returnFullResponse).toBeUndefined();
	});
});
