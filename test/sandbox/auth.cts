import type { IncomingMessage } from 'http';

import { apiError, type Reply } from './http.cjs';
import type { SandboxState } from './state.cjs';

/**
 * The API key from `Authorization: Bearer <key>`, or from `x-api-key: <key>`. The contract shows
 * `x-api-key` only on the delete-call page; the sandbox accepts it on every route so that a client
 * using either documented form works everywhere.
 */
export function presentedApiKey(req: IncomingMessage): string | undefined {
	const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
	if (bearer) return bearer[1];
	const header = req.headers['x-api-key'];
	return typeof header === 'string' && header.length > 0 ? header : undefined;
}

export function authenticate(state: SandboxState, req: IncomingMessage): { key: string } | { reply: Reply } {
	const key = presentedApiKey(req);
	if (key === state.apiKey || (key !== undefined && state.scopedKeys.has(key))) return { key };
	const reply = apiError(401, 'unauthorized', key ? 'Invalid API key' : 'Missing API key: send Authorization: Bearer <key>');
	return { reply: { ...reply, headers: { 'www-authenticate': 'Bearer' } } };
}

/**
 * A key created with scopes may use only routes that need one of them. The contract leaves the
 * status open ("401 or 403"); the sandbox answers 403 `insufficient_scope`.
 */
export function checkScope(state: SandboxState, key: string, scope: string | undefined): Reply | undefined {
	const scopes = state.scopedKeys.get(key);
	if (!scope || !scopes || scopes.includes(scope)) return undefined;
	return apiError(403, 'insufficient_scope', `This API key lacks the ${scope} scope`);
}
