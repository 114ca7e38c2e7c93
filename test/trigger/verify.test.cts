import { execFileSync } from 'child_process';
import { createHmac } from 'crypto';
import { signatureHeaderOf, verifyHuskySignature } from '../../nodes/HuskyVoiceTrigger/verify';
import fixture from './fixtures/signed-deliveries.json';

/** Computed here with node:crypto, independently of the code under test. */
const sign = (secret: string, body: string | Buffer) => createHmac('sha256', secret).update(body).digest('hex');

const SECRET = 'whsec_unit_3f9a';
const BODY = '{"event_id":"evt_1","event_type":"call.answered","created_at":"2030-06-03T10:00:00Z","org_id":"org_1","data":{"call_id":"call_1","status":"in_progress"}}';

function opensslAvailable(): boolean {
	try {
		execFileSync('openssl', ['version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

describe('verifyHuskySignature', () => {
	it('accepts the hex HMAC-SHA256 of the exact raw body in X-Husky-Signature', () => {
		expect(verifyHuskySignature(Buffer.from(BODY), { 'x-husky-signature': sign(SECRET, BODY) }, [SECRET])).toBe(true);
	});

	it('accepts the older X-Webhook-Signature header name', () => {
		expect(verifyHuskySignature(Buffer.from(BODY), { 'x-webhook-signature': sign(SECRET, BODY) }, [SECRET])).toBe(true);
	});

	it('refuses a body changed by one character after signing', () => {
		const tampered = BODY.replace('in_progress', 'in_progresS');
		expect(verifyHuskySignature(Buffer.from(tampered), { 'x-husky-signature': sign(SECRET, BODY) }, [SECRET])).toBe(false);
	});

	it('refuses a signature made with another secret', () => {
		expect(verifyHuskySignature(Buffer.from(BODY), { 'x-husky-signature': sign('whsec_other', BODY) }, [SECRET])).toBe(false);
	});

	it('refuses a delivery without a signature header', () => {
		expect(verifyHuskySignature(Buffer.from(BODY), {}, [SECRET])).toBe(false);
	});

	it('refuses signatures of the wrong length without throwing', () => {
		const good = sign(SECRET, BODY);
		for (const signature of [good.slice(0, 63), `${good}0`, '', 'x', `sha256=${good}`]) {
			expect(verifyHuskySignature(Buffer.from(BODY), { 'x-husky-signature': signature }, [SECRET])).toBe(false);
		}
	});

	it('refuses the same JSON re-serialised with other whitespace: only the raw bytes count', () => {
		const reserialised = JSON.stringify(JSON.parse(BODY), null, 2);
		expect(reserialised).not.toBe(BODY);
		expect(verifyHuskySignature(Buffer.from(reserialised), { 'x-husky-signature': sign(SECRET, BODY) }, [SECRET])).toBe(false);
	});

	it('refuses when the node has no secret or no raw body', () => {
		expect(verifyHuskySignature(Buffer.from(BODY), { 'x-husky-signature': sign(SECRET, BODY) }, [])).toBe(false);
		expect(verifyHuskySignature(undefined, { 'x-husky-signature': sign(SECRET, BODY) }, [SECRET])).toBe(false);
	});

	it('accepts a delivery signed with either of the node’s secrets (test and production endpoint)', () => {
		expect(
			verifyHuskySignature(Buffer.from(BODY), { 'x-husky-signature': sign(SECRET, BODY) }, ['whsec_test_url', SECRET]),
		).toBe(true);
	});

	it('reads the documented header before the legacy one', () => {
		expect(signatureHeaderOf({ 'x-husky-signature': 'a', 'x-webhook-signature': 'b' })).toBe('a');
		expect(signatureHeaderOf({ 'x-webhook-signature': 'b' })).toBe('b');
	});
});

describe('signature fixture recorded with openssl', () => {
	it.each(['callCompleted', 'appointmentCreated'] as const)(
		'%s: the openssl signature recorded in the fixture verifies against the fixture body',
		(name) => {
			const { body, opensslSignature } = fixture[name];
			expect(sign(fixture.secret, body)).toBe(opensslSignature);
			expect(verifyHuskySignature(Buffer.from(body), { 'x-husky-signature': opensslSignature }, [fixture.secret])).toBe(true);
		},
	);

	(opensslAvailable() ? it : it.skip)('openssl dgst -sha256 -hmac run now agrees with the recorded signature', () => {
		const { body, opensslSignature } = fixture.callCompleted;
		const output = execFileSync('openssl', ['dgst', '-sha256', '-hmac', fixture.secret], { input: body }).toString();
		expect(output.trim().split('= ').pop()).toBe(opensslSignature);
	});
});
