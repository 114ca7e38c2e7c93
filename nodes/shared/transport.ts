import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';
import { DEFAULT_BASE_URL, HUSKYVOICE_API_CREDENTIAL } from './constants';
import type { ErrorMessages, HuskyResponse } from './errors';
import { huskyApiError } from './errors';
import type { RetryPolicy } from './retry';
import { RetriesExhaustedError, sendWithRetry } from './retry';
import { paceBefore, recordRateLimit, requestFinished } from './pacing';

export type HuskyContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions;

export interface HuskyRequest {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	itemIndex?: number;
	/** Sent on every attempt unchanged, so a retry never places a second call. */
	idempotencyKey?: string;
	messages?: ErrorMessages;
	timeoutMs?: number;
	/** Default: DEFAULT_RETRY_POLICY. A request that is not safe to resend passes a stricter one. */
	retryPolicy?: RetryPolicy;
}

/** Per attempt: HuskyVoice answers within seconds; 30 s covers a slow day. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export function baseUrlOf(credentials: IDataObject): string {
	const url = typeof credentials.baseUrl === 'string' && credentials.baseUrl.trim() !== ''
		? credentials.baseUrl.trim()
		: DEFAULT_BASE_URL;
	return url.replace(/\/+$/, '');
}

/** Unwraps `{ data: … }`; flat answers (`{ success: true, … }`) lose only the `success` flag. */
export function unwrapData(body: unknown): IDataObject {
	if (!body || typeof body !== 'object') return {};
	const b = body as IDataObject;
	if (b.data !== undefined && b.data !== null && typeof b.data === 'object' && !Array.isArray(b.data)) {
		return b.data as IDataObject;
	}
	const rest = { ...b };
	delete rest.success;
	return rest;
}

interface ResolvedCredentials {
	baseURL: string;
	pacingKey: string;
	decrypted: ICredentialsDecrypted;
}

/**
 * One credential read per execution context (not one per item and request): n8n decrypts and
 * resolves credentials on every `getCredentials`, and `httpRequestWithAuthentication` would do
 * it again per request unless handed the decrypted data.
 */
const credentialsByContext = new WeakMap<object, Promise<ResolvedCredentials>>();

async function resolveCredentials(context: HuskyContext): Promise<ResolvedCredentials> {
	const data = await context.getCredentials(HUSKYVOICE_API_CREDENTIAL);
	const baseURL = baseUrlOf(data);
	const reference = context.getNode().credentials?.[HUSKYVOICE_API_CREDENTIAL];
	return {
		baseURL,
		pacingKey: reference?.id ?? baseURL,
		decrypted: {
			id: reference?.id ?? '',
			name: reference?.name ?? HUSKYVOICE_API_CREDENTIAL,
			type: HUSKYVOICE_API_CREDENTIAL,
			data,
		},
	};
}

function credentialsOf(context: HuskyContext): Promise<ResolvedCredentials> {
	let resolved = credentialsByContext.get(context);
	if (!resolved) {
		resolved = resolveCredentials(context);
		// A failed read (e.g. credential missing) is not cached, so the error repeats per item.
		resolved.catch(() => credentialsByContext.delete(context));
		credentialsByContext.set(context, resolved);
	}
	return resolved;
}

/** The key the shared pacing counts this context's requests under (its credential). */
export async function pacingKeyOf(context: HuskyContext): Promise<string> {
	return (await credentialsOf(context)).pacingKey;
}

export async function huskyVoiceApiRequest(this: HuskyContext, request: HuskyRequest): Promise<unknown> {
	const { baseURL, pacingKey, decrypted } = await credentialsOf(this);
	const headers: IDataObject = { Accept: 'application/json' };
	if (request.idempotencyKey) headers['Idempotency-Key'] = request.idempotencyKey;

	// Whether any attempt may have reached HuskyVoice and acted: no answer, or a 5xx (which a
	// server can send after committing). Only definite refusals (4xx, 429) mean nothing happened.
	let mayHaveActed = false;
	const send = async (): Promise<HuskyResponse> => {
		await paceBefore(pacingKey, sleep);
		let response: HuskyResponse | undefined;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				HUSKYVOICE_API_CREDENTIAL,
				{
					method: request.method,
					baseURL,
					url: request.path,
					body: request.body,
					qs: request.qs,
					headers,
					json: true,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
				},
				{ credentialsDecrypted: decrypted },
			)) as HuskyResponse;
		} finally {
			if (response === undefined) mayHaveActed = true; // no answer: it may have been sent and acted on
			requestFinished(pacingKey);
		}
		if (response.statusCode >= 500) mayHaveActed = true;
		recordRateLimit(pacingKey, response.headers ?? {});
		return response;
	};

	let response: HuskyResponse;
	try {
		response = await sendWithRetry(send, request.retryPolicy);
	} catch (error) {
		throw exhaustedError(this, error, request, mayHaveActed);
	}
	if (response.statusCode >= 200 && response.statusCode < 300) return response.body;
	throw huskyApiError(this.getNode(), response, {
		itemIndex: request.itemIndex,
		messages: request.messages,
		detail: idempotencyNote(request, mayHaveActed).trim() || undefined,
	});
}

/**
 * For a create that failed: whether a call may have been placed, and the key to check it by.
 * Every attempt sent the same key, so running the item again can never place a second call.
 */
function idempotencyNote(request: HuskyRequest, mayHaveActed: boolean): string {
	if (!request.idempotencyKey) return '';
	return mayHaveActed
		? ` Idempotency key: ${request.idempotencyKey} — a call may have been placed; running this item again with the same key will not place a second call.`
		: ` Idempotency key: ${request.idempotencyKey} — no call was placed.`;
}

function exhaustedError(
	context: HuskyContext,
	error: unknown,
	request: HuskyRequest,
	mayHaveActed: boolean,
): NodeApiError {
	const node = context.getNode();
	const keyNote = idempotencyNote(request, mayHaveActed);
	if (error instanceof RetriesExhaustedError && error.lastResponse) {
		return huskyApiError(node, error.lastResponse, {
			itemIndex: request.itemIndex,
			messages: request.messages,
			detail: `Gave up after ${error.attempts} retries.${keyNote}`,
		});
	}
	const cause = error instanceof RetriesExhaustedError ? error.lastNetworkError : (error as Error);
	const changesSomething = request.method !== 'GET';
	return new NodeApiError(
		node,
		{ message: networkReason(cause) },
		{
			message: changesSomething
				? 'HuskyVoice did not answer — the request may or may not have been carried out'
				: 'HuskyVoice did not answer',
			description: `${networkReason(cause)}.${keyNote}`,
			itemIndex: request.itemIndex,
		},
	);
}

/** Only the error code or a short reason: network errors can carry the full URL and headers. */
export function networkReason(error: Error | undefined): string {
	// n8n's request helper wraps the network error in a NodeApiError; the code is on its cause.
	const wrapped = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
	const code = [wrapped?.code, wrapped?.cause?.code].find((c): c is string => typeof c === 'string');
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return 'The request timed out';
	if (code === 'ECONNREFUSED') return 'The connection was refused — check the Base URL in the credential';
	if (code === 'ECONNRESET' || code === 'EPIPE') return 'The connection was closed before HuskyVoice answered';
	if (code === 'ENOTFOUND') return 'The HuskyVoice host could not be found — check the Base URL in the credential';
	return code ? `Network error ${code}` : 'Network error';
}
