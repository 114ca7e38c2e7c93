import { execFileSync } from 'child_process';
import { createHmac } from 'crypto';
import { isValidSignature, signInboundBody } from '../../nodes/shared/signing';

const secret = 'whsec_test_0123456789';
const body = Buffer.from('{"event_id":"evt_1","event_type":"call.completed","data":{"call_id":"c_1"}}');

function openssl(data: Buffer, key: string): string {
	const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', key], { input: data }).toString();
	return out.trim().split(/\s+/).pop() as string;
}

describe('outbound signature check', () => {
	it('accepts the signature openssl computes over the raw body', () => {
		expect(isValidSignature(secret, body, openssl(body, secret))).toBe(true);
	});

	it('refuses a tampered body, a wrong secret, a missing or short header', () => {
		const good = openssl(body, secret);
		const tampered = Buffer.from(body.toString().replace('c_1', 'c_2'));
		expect(isValidSignature(secret, tampered, good)).toBe(false);
		expect(isValidSignature('whsec_other', body, good)).toBe(false);
		expect(isValidSignature(secret, body, undefined)).toBe(false);
		expect(isValidSignature(secret, body, good.slice(0, 20))).toBe(false);
		expect(isValidSignature(secret, body, `${good}00`)).toBe(false);
	});

	it('refuses the same JSON re-serialised with other whitespace', () => {
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
		expect(isValidSignature(secret, reserialised, openssl(body, secret))).toBe(false);
	});

	it('never accepts an empty secret', () => {
		expect(isValidSignature('', body, createHmac('sha256', '').update(body).digest('hex'))).toBe(false);
	});
});

describe('inbound signing', () => {
	it('signs "{timestamp}.{body}" as openssl does', () => {
		const text = '{"action":"call.cancel","data":{"call_id":"c_9"}}';
		expect(signInboundBody(secret, 1764000000, text)).toBe(openssl(Buffer.from(`1764000000.${text}`), secret));
	});
});
