import { createHmac, timingSafeEqual } from 'crypto';

export function hmacSha256Hex(secret: string, payload: string | Buffer): string {
	return createHmac('sha256', secret).update(payload).digest('hex');
}

/**
 * Checks a hex HMAC-SHA256 signature of the exact raw bytes received.
 * Lengths are compared first because timingSafeEqual throws on unequal lengths;
 * hex case is accepted as sent only if it is lower case, like HuskyVoice sends it.
 */
export function isValidSignature(secret: string, rawBody: Buffer, signature: unknown): boolean {
	if (typeof signature !== 'string' || secret === '') return false;
	const expected = Buffer.from(hmacSha256Hex(secret, rawBody), 'utf8');
	const received = Buffer.from(signature.trim(), 'utf8');
	if (received.length !== expected.length) return false;
	return timingSafeEqual(received, expected);
}

/** Inbound hooks sign `"{timestamp}.{raw body}"`; the caller must send exactly `body`. */
export function signInboundBody(secret: string, timestamp: number, body: string): string {
	return hmacSha256Hex(secret, `${timestamp}.${body}`);
}
