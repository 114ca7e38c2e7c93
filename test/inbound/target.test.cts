import { createHmac } from 'crypto';
import type { IDataObject, INode } from 'n8n-workflow';
import {
	inboundHeaders,
	inboundResult,
	inboundTargetOf,
	redactToken,
} from '../../nodes/HuskyVoiceInboundWebhook/transport';
import { serialiseError } from '../helpers/index.cjs';

const node = { name: 'HuskyVoice Inbound Webhook', type: 'test', typeVersion: 1, parameters: {} } as unknown as INode;
const TOKEN = 'ihk_test_4a1b2c3d4e5f60718293a4b5c6d7e8f9';

function targetError(credentials: IDataObject): string {
	try {
		inboundTargetOf(node, credentials);
	} catch (error) {
		return serialiseError(error);
	}
	throw new Error('expected inboundTargetOf to throw');
}

describe('inbound target from the credential', () => {
	it('sends a bare token to the Base URL, without a doubled slash', () => {
		const target = inboundTargetOf(node, { token: ` ${TOKEN} `, baseUrl: 'https://hv.example/v1/' });
		expect(target.url).toBe(`https://hv.example/v1/hooks/${TOKEN}`);
		expect(target.token).toBe(TOKEN);
		expect(target.signingSecret).toBeUndefined();
	});

	it('uses a full inbound URL as given, ignoring the Base URL', () => {
		const target = inboundTargetOf(node, {
			token: `http://127.0.0.1:4010/v1/hooks/${TOKEN}/`,
			baseUrl: 'https://api.huskyvoice.ai/v1',
		});
		expect(target.url).toBe(`http://127.0.0.1:4010/v1/hooks/${TOKEN}`);
		expect(target.token).toBe(TOKEN);
	});

	it('accepts a copied URL without its https:// prefix', () => {
		expect(inboundTargetOf(node, { token: `api.huskyvoice.ai/v1/hooks/${TOKEN}` }).url).toBe(
			`https://api.huskyvoice.ai/v1/hooks/${TOKEN}`,
		);
	});

	it('encodes a token so it stays one path segment', () => {
		const target = inboundTargetOf(node, { token: 'a/../b?c', baseUrl: 'https://hv.example/v1' });
		expect(target.url).toBe('https://hv.example/v1/hooks/a%2F..%2Fb%3Fc');
	});

	it('keeps the signing secret only when one is set', () => {
		expect(inboundTargetOf(node, { token: TOKEN, signingSecret: '  ' }).signingSecret).toBeUndefined();
		expect(inboundTargetOf(node, { token: TOKEN, signingSecret: 'whsec_x' }).signingSecret).toBe('whsec_x');
	});

	it.each([
		['an empty credential', { token: '   ' }, 'is empty'],
		['a URL that is not an inbound hook', { token: `https://api.huskyvoice.ai/v1/calls/${TOKEN}` }, 'does not end in /hooks/<token>'],
		['a URL with more after the token', { token: `https://api.huskyvoice.ai/v1/hooks/${TOKEN}/extra` }, 'does not end in /hooks/<token>'],
		['a URL with a broken escape in the token', { token: `https://api.huskyvoice.ai/v1/hooks/${TOKEN}%E0%A4%A` }, 'not validly encoded'],
		['a token of ".."', { token: '..' }, 'not a valid path segment'],
	])('rejects %s with a message that never repeats the credential', (_name, credentials, problem) => {
		const text = targetError(credentials);
		expect(text).toContain(problem);
		expect(text).toContain('HuskyVoice Inbound Webhook credential');
		expect(text).not.toContain(TOKEN);
	});
});

describe('inbound request signing', () => {
	const target = { url: 'http://unused', token: TOKEN, signingSecret: 'whsec_inbound_test' };

	it('signs "{timestamp}.{body}" with the inbound secret, timestamp in Unix seconds', () => {
		const body = '{"action":"call.cancel","data":{"call_id":"call_1"}}';
		const headers = inboundHeaders(target, body, undefined, 1_767_225_600_999);
		expect(headers['X-Inbound-Timestamp']).toBe('1767225600');
		const expected = createHmac('sha256', 'whsec_inbound_test').update(`1767225600.${body}`).digest('hex');
		expect(headers['X-Inbound-Signature']).toBe(expected);
		expect(headers['Content-Type']).toBe('application/json');
	});

	it('sends no signature headers without a secret', () => {
		const headers = inboundHeaders({ url: 'http://unused', token: TOKEN }, '{}');
		expect(headers).not.toHaveProperty('X-Inbound-Signature');
		expect(headers).not.toHaveProperty('X-Inbound-Timestamp');
	});

	it('re-signing the same body later gives a fresh timestamp and a matching signature', () => {
		const body = '{"action":"call.create","data":{}}';
		const first = inboundHeaders(target, body, 'key-1', 1_000_000_000_000);
		const second = inboundHeaders(target, body, 'key-1', 1_000_000_005_000);
		expect(second['X-Inbound-Timestamp']).toBe('1000000005');
		expect(second['X-Inbound-Signature']).not.toBe(first['X-Inbound-Signature']);
		expect(second['Idempotency-Key']).toBe('key-1');
	});
});

describe('inbound answers', () => {
	it('reads the flat create answer', () => {
		expect(inboundResult({ success: true, call_id: 'call_1', status: 'queued', message: 'Call queued' })).toEqual({
			call_id: 'call_1',
			status: 'queued',
			message: 'Call queued',
		});
	});

	it('reads a { data } envelope and a JSON string body, keeping only call_id, status and message', () => {
		expect(inboundResult('{"data":{"call_id":"call_2","status":"cancelled","cancelled_at":"x","token":"t"}}')).toEqual({
			call_id: 'call_2',
			status: 'cancelled',
		});
	});

	it('gives nothing for a body that is not JSON', () => {
		expect(inboundResult('<html>')).toEqual({});
		expect(inboundResult(undefined)).toEqual({});
	});

	it('removes the token, raw or URL-encoded, from anything HuskyVoice echoes', () => {
		const token = 'tok/with space';
		expect(redactToken({ error: { message: `unknown hook tok/with space and tok%2Fwith%20space` } }, token)).toEqual({
			error: { message: 'unknown hook [inbound token] and [inbound token]' },
		});
		expect(redactToken(`bad ${token}`, token)).toBe('bad [inbound token]');
		expect(redactToken(42, token)).toBe(42);
	});
});
