import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

export interface HuskyResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

/** Human messages keyed by HuskyVoice error code or HTTP status; operations add their own. */
export type ErrorMessages = Partial<Record<string, string>>;

/** HuskyVoice's code for a Trial key's refused call is not documented; these are the plausible ones. */
const TRIAL_PLAN_MESSAGE =
	'Your HuskyVoice plan cannot place calls (Trial) — upgrade to Base, Professional or Enterprise in the HuskyVoice dashboard, then run the workflow again';

const DEFAULT_MESSAGES: ErrorMessages = {
	400: 'HuskyVoice refused the request as invalid',
	401: 'HuskyVoice rejected the API key — check the HuskyVoice API credential',
	402: 'Insufficient HuskyVoice credits — top up the account in the HuskyVoice dashboard',
	404: 'Not found in this HuskyVoice account',
	409: 'HuskyVoice refused the request because of the current state',
	429: 'HuskyVoice rate limit still exceeded after retrying',
	500: 'HuskyVoice had a server error',
	call_not_cancellable:
		'The call has already started — only queued or scheduled calls can be cancelled',
	SLOT_FULL: 'That slot is full — pick another date, session or batch',
	DUPLICATE_BOOKING: 'This patient already has an appointment in that slot',
	OUTSIDE_AVAILABILITY: 'The new date or session is outside the clinic’s availability',
	RATE_LIMIT_EXCEEDED: 'HuskyVoice rate limit (60 requests per minute per API key) still exceeded after retrying',
	...Object.fromEntries(
		['plan_not_allowed', 'trial_plan', 'plan_upgrade_required']
			.flatMap((code) => [code, code.toUpperCase()])
			.map((code) => [code, TRIAL_PLAN_MESSAGE]),
	),
};

/** Both documented error shapes: `{error:{code,message}}` and `{success:false,error,code}`. */
export function readErrorBody(body: unknown): { code?: string; message?: string } {
	if (typeof body === 'string') {
		try {
			return readErrorBody(JSON.parse(body));
		} catch {
			return { message: body.slice(0, 300) || undefined };
		}
	}
	if (!body || typeof body !== 'object') return {};
	const b = body as IDataObject;
	if (b.error && typeof b.error === 'object') {
		const e = b.error as IDataObject;
		return { code: e.code as string | undefined, message: e.message as string | undefined };
	}
	return {
		code: typeof b.code === 'string' ? b.code : undefined,
		message: typeof b.error === 'string' ? b.error : (b.message as string | undefined),
	};
}

/**
 * Builds the error from HuskyVoice's answer only (never from the request), so the API key,
 * inbound token or request URL cannot leak into the message or the execution data.
 */
export function huskyApiError(
	node: INode,
	response: HuskyResponse,
	options: { itemIndex?: number; messages?: ErrorMessages; detail?: string } = {},
): NodeApiError {
	const { code, message: serverMessage } = readErrorBody(response.body);
	const messages = { ...DEFAULT_MESSAGES, ...options.messages };
	const status = response.statusCode;
	// Own keys only: a server code such as "constructor" must not pick up Object.prototype.
	const own = (key: string | undefined) =>
		key && Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : undefined;
	const human = own(code) ?? own(String(status)) ?? `HuskyVoice answered HTTP ${status}`;
	const description = [serverMessage && `HuskyVoice said: ${serverMessage}`, code && `code ${code}`, options.detail]
		.filter(Boolean)
		.join(' · ');
	const errorResponse: JsonObject = { httpCode: String(status), code: code ?? null, message: serverMessage ?? null };
	return new NodeApiError(node, errorResponse, {
		message: human,
		description: description || undefined,
		httpCode: String(status),
		itemIndex: options.itemIndex,
	});
}
