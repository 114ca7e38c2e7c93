import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, toPathSegment } from 'n8n-workflow';
import { INBOUND_SIGNATURE_HEADER, INBOUND_TIMESTAMP_HEADER, INBOUND_WEBHOOK_CREDENTIAL } from '../shared/constants';
import type { ErrorMessages, HuskyResponse } from '../shared/errors';
import { huskyApiError, readErrorBody } from '../shared/errors';
import { DEFAULT_RETRY_POLICY, RetriesExhaustedError, sendWithRetry } from '../shared/retry';
import type { RetryPolicy } from '../shared/retry';
import { signInboundBody } from '../shared/signing';
import { baseUrlOf, networkReason } from '../shared/transport';

export type InboundAction = 'call.create' | 'call.cancel' | 'call.delete';

/** Where the account's inbound hook answers; `url` contains the token and must never be shown. */
export interface InboundTarget {
	url: string;
	token: string;
	signingSecret?: string;
}

export interface InboundRequest {
	itemIndex: number;
	action: InboundAction;
	data: IDataObject;
	/** Human messages by HTTP status for this action; they win over HuskyVoice's error codes. */
	messages: ErrorMessages;
}

/** `call_id`, `status` and `message` as HuskyVoice answered them; absent ones are left out. */
export type InboundResult = IDataObject & { call_id?: string; status?: string; message?: string };

/** What every inbound answer means, whatever the action; actions add their own 404 and 409. */
export const INBOUND_MESSAGES: ErrorMessages = {
	400: 'HuskyVoice rejected the request as invalid',
	401: 'Token invalid or rotated, or signature rejected — check the HuskyVoice Inbound Webhook credential',
	402: 'Insufficient HuskyVoice credits — top up the account in the HuskyVoice dashboard',
	404: 'HuskyVoice has no inbound webhook at this address — check the Base URL in the HuskyVoice Inbound Webhook credential',
	429: 'Daily inbound quota reached — HuskyVoice accepts no more inbound webhook requests on this account today',
};

const TOKEN_PLACEHOLDER = '[inbound token]';

const CREDENTIAL_HINT =
	'Paste the inbound webhook URL exactly as the HuskyVoice dashboard shows it (Integrations → Inbound Webhook), or only the token at its end.';

function credentialError(node: INode, problem: string): NodeOperationError {
	return new NodeOperationError(node, `HuskyVoice Inbound Webhook credential: ${problem}`, {
		description: CREDENTIAL_HINT,
	});
}

/** The segment after `/hooks/` of a full inbound URL; everything before it is the base URL. */
function splitInboundUrl(node: INode, value: string): { base: string; token: string } {
	let url: URL;
	try {
		url = new URL(/^https?:\/\//i.test(value) ? value : `https://${value}`);
	} catch {
		throw credentialError(node, 'the Inbound Token or URL looks like a URL but cannot be read as one');
	}
	const segments = url.pathname.replace(/\/+$/, '').split('/');
	const hooksAt = segments.lastIndexOf('hooks');
	if (hooksAt === -1 || hooksAt !== segments.length - 2) {
		throw credentialError(node, 'the URL does not end in /hooks/<token>');
	}
	let token: string;
	try {
		token = decodeURIComponent(segments[hooksAt + 1]);
	} catch {
		throw credentialError(node, 'the token at the end of the URL is not validly encoded');
	}
	return { base: `${url.origin}${segments.slice(0, hooksAt).join('/')}`, token };
}

/**
 * Reads the credential into the hook's URL. The credential holds either the bare token (sent to
 * the Base URL) or the whole inbound URL (its own base wins, so a copied URL always works).
 */
export function inboundTargetOf(node: INode, credentials: IDataObject): InboundTarget {
	const value = typeof credentials.token === 'string' ? credentials.token.trim() : '';
	if (value === '') throw credentialError(node, 'the Inbound Token or URL is empty');
	const isUrl = /^https?:\/\//i.test(value) || value.includes('/hooks/');
	const { base, token } = isUrl ? splitInboundUrl(node, value) : { base: baseUrlOf(credentials), token: value };
	let segment: string;
	try {
		segment = toPathSegment(token);
	} catch {
		throw credentialError(node, 'the token is empty or not a valid path segment');
	}
	const secret = typeof credentials.signingSecret === 'string' ? credentials.signingSecret.trim() : '';
	return { url: `${base}/hooks/${segment}`, token, signingSecret: secret === '' ? undefined : secret };
}

/** Removes the token (raw and URL-encoded) from anything HuskyVoice answered before it is shown. */
export function redactToken<T>(value: T, token: string): T {
	if (token === '') return value;
	const forms = [...new Set([token, encodeURIComponent(token)])];
	const scrub = (text: string) => forms.reduce((out, form) => out.split(form).join(TOKEN_PLACEHOLDER), text);
	if (typeof value === 'string') return scrub(value) as T;
	if (value === null || typeof value !== 'object') return value;
	return JSON.parse(scrub(JSON.stringify(value))) as T;
}

/** Headers for one attempt: a retry re-signs the same body string with a fresh timestamp. */
export function inboundHeaders(target: InboundTarget, body: string, idempotencyKey?: string, now = Date.now()): IDataObject {
	const headers: IDataObject = { 'Content-Type': 'application/json', Accept: 'application/json' };
	if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
	if (target.signingSecret) {
		const timestamp = Math.floor(now / 1000);
		headers[INBOUND_TIMESTAMP_HEADER] = String(timestamp);
		headers[INBOUND_SIGNATURE_HEADER] = signInboundBody(target.signingSecret, timestamp, body);
	}
	return headers;
}

/** One attempt. `body` is the string serialised once by the caller and sent byte for byte. */
async function postToHook(
	context: IExecuteFunctions,
	target: InboundTarget,
	body: string,
	idempotencyKey?: string,
): Promise<HuskyResponse> {
	return (await context.helpers.httpRequest({
		method: 'POST',
		url: target.url,
		headers: inboundHeaders(target, body, idempotencyKey),
		body,
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: 30_000,
	})) as HuskyResponse;
}

/** Credentials are read once per execution, not once per item. */
const targetsByExecution = new WeakMap<IExecuteFunctions, Promise<InboundTarget>>();

async function readTarget(context: IExecuteFunctions): Promise<InboundTarget> {
	const credentials = await context.getCredentials(INBOUND_WEBHOOK_CREDENTIAL);
	return inboundTargetOf(context.getNode(), credentials);
}

function targetFor(context: IExecuteFunctions): Promise<InboundTarget> {
	let target = targetsByExecution.get(context);
	if (!target) {
		target = readTarget(context);
		targetsByExecution.set(context, target);
	}
	return target;
}

function parseBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) return parseBody(body.toString('utf8'));
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

/** Flat `{ success, call_id, status, message }` or wrapped in `{ data: … }`; only these three fields leave. */
export function inboundResult(body: unknown): InboundResult {
	const parsed = parseBody(body);
	if (!parsed || typeof parsed !== 'object') return {};
	const outer = parsed as IDataObject;
	const inner = outer.data && typeof outer.data === 'object' && !Array.isArray(outer.data) ? (outer.data as IDataObject) : {};
	const pick = (name: string) => {
		const value = inner[name] ?? outer[name];
		return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
	};
	const result: InboundResult = {};
	for (const name of ['call_id', 'status', 'message']) {
		const value = pick(name);
		if (value !== undefined) result[name] = value;
	}
	return result;
}

/**
 * The inbound hook's answers are told apart by HTTP status (a 429 is the daily quota, not the
 * API's per-minute limit), so the status message wins over a generic message for the error code.
 */
function messagesFor(request: InboundRequest, response: HuskyResponse): ErrorMessages {
	const { code, message } = readErrorBody(response.body);
	const messages: ErrorMessages = { ...INBOUND_MESSAGES, ...request.messages };
	if (response.statusCode === 400 && message) messages[400] = `HuskyVoice rejected the request: ${message}`;
	const byStatus = messages[String(response.statusCode)];
	if (code && byStatus && request.messages[code] === undefined) messages[code] = byStatus;
	return messages;
}

function failureFor(
	context: IExecuteFunctions,
	target: InboundTarget,
	request: InboundRequest,
	response: HuskyResponse,
	notes: Array<string | undefined> = [],
): NodeApiError {
	if (response.statusCode === 401 && !target.signingSecret) {
		notes.unshift('The credential has no Inbound Signing Secret: if signing is enabled on the inbound webhook, add it.');
	}
	const detail = notes.filter(Boolean).join(' ') || undefined;
	const safe: HuskyResponse = { ...response, body: redactToken(parseBody(response.body), target.token), headers: {} };
	return huskyApiError(context.getNode(), safe, {
		itemIndex: request.itemIndex,
		messages: messagesFor(request, safe),
		detail,
	});
}

/** Built from the error code only: the failing request's URL carries the token. */
function unansweredError(context: IExecuteFunctions, request: InboundRequest, error: unknown): NodeApiError {
	const cause = error instanceof RetriesExhaustedError ? error.lastNetworkError : (error as Error);
	const reason = networkReason(cause);
	const notSent = cause !== undefined && wasNotSent(cause);
	const checkFirst =
		request.action === 'call.create' && !notSent
			? ' Check the calls in the HuskyVoice dashboard before running this item again, or the contact may be called twice.'
			: '';
	return new NodeApiError(
		context.getNode(),
		{ message: reason },
		{
			message: notSent
				? 'The HuskyVoice inbound webhook could not be reached — nothing was sent'
				: 'The HuskyVoice inbound webhook did not answer — the request may or may not have been carried out',
			description: `${reason}.${checkFirst}`,
			itemIndex: request.itemIndex,
		},
	);
}

/** Failures that happen before a request reaches the server: retrying them cannot act twice. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function wasNotSent(error: Error): boolean {
	return NOT_SENT_CODES.has((error as { code?: string }).code ?? '');
}

/**
 * Cancel and delete are safe to repeat. The hook documents no idempotency for call.create, so a
 * create is retried after a network failure only when the request never left this machine: a
 * connection lost after sending may already have placed the call.
 */
function retryPolicy(action: InboundAction, retryOnQuotaReached: boolean): RetryPolicy {
	return {
		...DEFAULT_RETRY_POLICY,
		maxRateLimitRetries: retryOnQuotaReached ? DEFAULT_RETRY_POLICY.maxRateLimitRetries : 0,
		retryNetworkError: action === 'call.create' ? wasNotSent : undefined,
	};
}

/**
 * Sends `{ action, data }` to the account's inbound hook, signed when the credential has a signing
 * secret. Retries 5xx and network failures; 429 (daily quota) only when the user enabled it.
 */
export async function inboundWebhookRequest(this: IExecuteFunctions, request: InboundRequest): Promise<InboundResult> {
	const target = await targetFor(this);
	const options = this.getNodeParameter('options', request.itemIndex, {}) as IDataObject;
	const retryOnQuotaReached = options.retryOnQuotaReached === true;
	const body = JSON.stringify({ action: request.action, data: request.data });
	// The hook does not document idempotency keys; sending one costs nothing and lets a server
	// that honours them drop the duplicate a retried create would otherwise place.
	const idempotencyKey = request.action === 'call.create' ? randomUUID() : undefined;

	let response: HuskyResponse;
	try {
		response = await sendWithRetry(() => postToHook(this, target, body, idempotencyKey), retryPolicy(request.action, retryOnQuotaReached));
	} catch (error) {
		if (!(error instanceof RetriesExhaustedError) || !error.lastResponse) {
			throw unansweredError(this, request, error);
		}
		const { lastResponse, attempts } = error;
		const quotaHint =
			lastResponse.statusCode === 429 && !retryOnQuotaReached
				? 'Turn on Options → Retry When Daily Quota Reached to wait and retry instead of failing.'
				: undefined;
		const gaveUp = attempts > 0 ? `Gave up after ${attempts} retries.` : undefined;
		throw failureFor(this, target, request, lastResponse, [quotaHint, gaveUp]);
	}
	if (response.statusCode >= 200 && response.statusCode < 300) {
		return redactToken(inboundResult(response.body), target.token);
	}
	throw failureFor(this, target, request, response);
}
