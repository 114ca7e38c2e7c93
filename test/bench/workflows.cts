/**
 * The workflows compared. Ours use this package's nodes; the baselines use n8n's built-in nodes
 * the way a user without this package would: an HTTP Request node with a Header Auth credential
 * (`Authorization: Bearer <key>`), the JSON body typed in with expressions, Retry On Fail on with
 * n8n's defaults (3 tries, 1000 ms apart); a plain Webhook node for events.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowInput, WorkflowNode } from '../e2e/runner/index.cjs';
import { PACKAGE_NAME } from '../e2e/runner/index.cjs';

export interface CredentialRef {
	id: string;
	name: string;
}

export const START = 'Start';
export const ITEMS = 'Items';
export const OURS = 'HuskyVoice';
export const HTTP = 'HTTP Request';
export const TRIGGER = 'HuskyVoice Trigger';
export const WEBHOOK = 'Webhook';
export const AGENT_ID = 'agent_bench';

const start: WorkflowNode = { name: START, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

function codeNode(jsCode: string): WorkflowNode {
	return { name: ITEMS, type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode } };
}

function chain(name: string, nodes: WorkflowNode[]): WorkflowInput {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** `count` distinct contacts (+91 and 10 digits), one item each. */
export function contactsCode(count: number): string {
	return [
		`const items = [];`,
		`for (let i = 0; i < ${count}; i++) {`,
		`  items.push({ json: { name: 'Contact ' + i, phone: '+9198' + String(i).padStart(8, '0') } });`,
		`}`,
		`return items;`,
	].join('\n');
}

/** `count` items `{ call_id }`, cycling through `callIds`. */
export function callIdsCode(count: number, callIds: string[]): string {
	return [
		`const ids = ${JSON.stringify(callIds)};`,
		`const items = [];`,
		`for (let i = 0; i < ${count}; i++) items.push({ json: { call_id: ids[i % ids.length] } });`,
		`return items;`,
	].join('\n');
}

export function oursCreateCalls(n: number, cred: CredentialRef): WorkflowInput {
	return chain(`bench: ${n} create-call items, HuskyVoice node`, [
		start,
		codeNode(contactsCode(n)),
		{
			name: OURS,
			type: `${PACKAGE_NAME}.huskyVoice`,
			typeVersion: 1,
			position: [440, 0],
			parameters: {
				resource: 'call',
				operation: 'create',
				agentId: AGENT_ID,
				contactNumber: '={{ $json.phone }}',
				additionalFields: { contactName: '={{ $json.name }}' },
			},
			credentials: { huskyVoiceApi: cred },
		},
	]);
}

function httpNode(parameters: Record<string, unknown>, cred: CredentialRef): WorkflowNode {
	return {
		name: HTTP,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.5,
		position: [440, 0],
		// Retry On Fail with n8n's defaults (maxTries 3, waitBetweenTries 1000 ms)
		retryOnFail: true,
		parameters: { authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth', options: {}, ...parameters },
		credentials: { httpHeaderAuth: cred },
	};
}

export function httpCreateCalls(n: number, baseUrl: string, cred: CredentialRef): WorkflowInput {
	return chain(`bench: ${n} create-call items, HTTP Request node`, [
		start,
		codeNode(contactsCode(n)),
		httpNode(
			{
				method: 'POST',
				url: `${baseUrl}/calls`,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: `={\n  "agent_id": "${AGENT_ID}",\n  "contact_number": "{{ $json.phone }}",\n  "contact_name": "{{ $json.name }}"\n}`,
			},
			cred,
		),
	]);
}

export function oursGetCalls(count: number, callIds: string[], cred: CredentialRef): WorkflowInput {
	return chain(`bench: ${count} Get Call items, HuskyVoice node`, [
		start,
		codeNode(callIdsCode(count, callIds)),
		{
			name: OURS,
			type: `${PACKAGE_NAME}.huskyVoice`,
			typeVersion: 1,
			position: [440, 0],
			parameters: { resource: 'call', operation: 'get', callId: '={{ $json.call_id }}' },
			credentials: { huskyVoiceApi: cred },
		},
	]);
}

export function httpGetCalls(count: number, callIds: string[], baseUrl: string, cred: CredentialRef): WorkflowInput {
	return chain(`bench: ${count} Get Call items, HTTP Request node`, [
		start,
		codeNode(callIdsCode(count, callIds)),
		httpNode({ method: 'GET', url: `=${baseUrl}/calls/{{ $json.call_id }}` }, cred),
	]);
}

/**
 * Manual registration, every event, the current version; signature verification on (the node's
 * default) with `secretCred`, off without it — the diagnostic side with no credential at all.
 */
export function oursTrigger(secretCred?: CredentialRef): WorkflowInput {
	return chain(secretCred ? 'bench: HuskyVoice Trigger' : 'bench: HuskyVoice Trigger without verification', [
		{
			name: TRIGGER,
			type: `${PACKAGE_NAME}.huskyVoiceTrigger`,
			typeVersion: 1.1, // what the editor adds today (defaultVersion)
			position: [0, 0],
			webhookId: randomUUID(),
			parameters: { registration: 'manual', events: ['*'], verifySignature: secretCred !== undefined, options: {} },
			...(secretCred ? { credentials: { huskyVoiceWebhookSecretApi: secretCred } } : {}),
		},
	]);
}

/** n8n's Webhook node answering on receipt; with `headerAuth`, secured by a Header Auth credential. */
export function plainWebhook(headerAuth?: CredentialRef): WorkflowInput {
	return chain(headerAuth ? 'bench: Webhook node with Header Auth' : 'bench: plain Webhook node', [
		{
			name: WEBHOOK,
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			position: [0, 0],
			webhookId: randomUUID(),
			parameters: {
				httpMethod: 'POST',
				path: `bench-${randomUUID()}`,
				responseMode: 'onReceived',
				options: {},
				...(headerAuth ? { authentication: 'headerAuth' } : {}),
			},
			...(headerAuth ? { credentials: { httpHeaderAuth: headerAuth } } : {}),
		},
	]);
}

export const HMAC_CODE = 'Verify signature';

/**
 * What a security-minded user builds today without this package: a Webhook node with Raw Body
 * on that answers from a Respond to Webhook node, a Code node checking the HMAC over the raw
 * body with Node's crypto (needs NODE_FUNCTION_ALLOW_BUILTIN=crypto; the secret typed into the
 * code), an If node, and a 401 for a bad signature.
 */
export function webhookCodeHmac(signingSecret: string): WorkflowInput {
	const jsCode = [
		`const crypto = require('crypto');`,
		`const item = $input.first();`,
		`const raw = await this.helpers.getBinaryDataBuffer(0, 'data');`,
		`const given = String(item.json.headers['x-husky-signature'] ?? '');`,
		`const expected = crypto.createHmac('sha256', ${JSON.stringify(signingSecret)}).update(raw).digest('hex');`,
		`const valid = given.length === expected.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));`,
		`return [{ json: { valid, event: valid ? JSON.parse(raw.toString('utf8')) : null } }];`,
	].join('\n');
	const nodes: WorkflowNode[] = [
		{
			name: WEBHOOK,
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			position: [0, 0],
			webhookId: randomUUID(),
			parameters: { httpMethod: 'POST', path: `bench-hmac-${randomUUID()}`, responseMode: 'responseNode', options: { rawBody: true } },
		},
		{ name: HMAC_CODE, type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode } },
		{
			name: 'Valid?',
			type: 'n8n-nodes-base.if',
			typeVersion: 2.2,
			position: [440, 0],
			parameters: {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
					conditions: [{ id: randomUUID(), leftValue: '={{ $json.valid }}', rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } }],
					combinator: 'and',
				},
				options: {},
			},
		},
		{ name: 'Accepted', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, position: [660, -100], parameters: { respondWith: 'json', responseBody: '{ "received": true }', options: {} } },
		{ name: 'Refused', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, position: [660, 100], parameters: { respondWith: 'noData', options: { responseCode: 401 } } },
	];
	const to = (node: string) => [{ node, type: 'main', index: 0 }];
	return {
		name: 'bench: Webhook + Code HMAC check',
		nodes,
		connections: { [WEBHOOK]: { main: [to(HMAC_CODE)] }, [HMAC_CODE]: { main: [to('Valid?')] }, 'Valid?': { main: [to('Accepted'), to('Refused')] } },
		settings: { executionOrder: 'v1' },
	};
}
