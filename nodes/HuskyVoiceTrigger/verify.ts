import { OUTBOUND_SIGNATURE_HEADERS } from '../shared/constants';
import { isValidSignature } from '../shared/signing';

/** Lower-cased header names, as Node delivers them. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** The documented `X-Husky-Signature` when sent, else the older `X-Webhook-Signature`. */
export function signatureHeaderOf(headers: RequestHeaders): unknown {
	for (const name of OUTBOUND_SIGNATURE_HEADERS) {
		if (headers[name] !== undefined) return headers[name];
	}
	return undefined;
}

/**
 * True when the signature matches the exact received bytes under one of the node's secrets
 * (one secret in Manual mode; in Automatic mode the test and the production endpoint each
 * have their own, and both belong to this node). Never parses or re-serialises the body.
 */
export function verifyHuskySignature(
	rawBody: Buffer | undefined,
	headers: RequestHeaders,
	secrets: string[],
): boolean {
	if (!Buffer.isBuffer(rawBody)) return false;
	const signature = signatureHeaderOf(headers);
	return secrets.some((secret) => isValidSignature(secret, rawBody, signature));
}

interface RequestWithRawBody {
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

/** n8n fills `req.rawBody` lazily; ask for it when it has not been read yet. */
export async function rawBodyOf(request: RequestWithRawBody): Promise<Buffer | undefined> {
	if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function') {
		await request.readRawBody();
	}
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined;
}
