import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, toPathSegment } from 'n8n-workflow';
import { DASHBOARD_WEBHOOKS_PATH } from '../shared/constants';
import { huskyVoiceApiRequest, unwrapData } from '../shared/transport';

/** What the node keeps about one endpoint it registered. */
export interface EndpointRegistration extends IDataObject {
	endpointId: string;
	secret: string;
	events: string[];
}

interface RemoteEndpoint {
	id: string;
	url: string;
	events: string[];
}

/**
 * Registrations are keyed by the endpoint URL: n8n's test URL and production URL are different
 * URLs, each registered as its own HuskyVoice endpoint, and neither may overwrite the other.
 */
function registrationsIn(staticData: IDataObject): Record<string, EndpointRegistration> {
	const value = staticData.endpoints;
	return value && typeof value === 'object' ? (value as Record<string, EndpointRegistration>) : {};
}

export function registrationFor(staticData: IDataObject, url: string): EndpointRegistration | undefined {
	return registrationsIn(staticData)[url];
}

export function storeRegistration(staticData: IDataObject, url: string, registration: EndpointRegistration): void {
	staticData.endpoints = { ...registrationsIn(staticData), [url]: registration };
}

export function forgetRegistration(staticData: IDataObject, url: string): void {
	const rest = Object.entries(registrationsIn(staticData)).filter(([key]) => key !== url);
	if (rest.length === 0) delete staticData.endpoints;
	else staticData.endpoints = Object.fromEntries(rest);
}

export function signingSecretsIn(staticData: IDataObject): string[] {
	return Object.values(registrationsIn(staticData))
		.map((registration) => registration.secret)
		.filter((secret): secret is string => typeof secret === 'string' && secret !== '');
}

export function sameEvents(a: string[], b: string[]): boolean {
	const left = [...new Set(a)].sort();
	const right = [...new Set(b)].sort();
	return left.length === right.length && left.every((event, index) => event === right[index]);
}

function isNotFound(error: unknown): boolean {
	return error instanceof NodeApiError && String(error.httpCode) === '404';
}

/** The transport already throws n8n errors (with HuskyVoice's answer, never the API key); keep them as they are. */
function asNodeError(context: IHookFunctions, error: unknown): NodeApiError | NodeOperationError {
	return error instanceof NodeApiError || error instanceof NodeOperationError
		? error
		: new NodeOperationError(context.getNode(), error as Error);
}

function toRemoteEndpoint(value: unknown): RemoteEndpoint | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const endpoint = value as IDataObject;
	if (typeof endpoint.id !== 'string' && typeof endpoint.id !== 'number') return undefined;
	return {
		id: String(endpoint.id),
		url: typeof endpoint.url === 'string' ? endpoint.url : '',
		events: Array.isArray(endpoint.events) ? endpoint.events.map(String) : [],
	};
}

/** The account's endpoints that point at `url`. An account without the endpoint API answers 404. */
export async function listOwnEndpoints(this: IHookFunctions, url: string): Promise<RemoteEndpoint[]> {
	let body: unknown;
	try {
		body = await huskyVoiceApiRequest.call(this, { method: 'GET', path: '/webhooks' });
	} catch (error) {
		throw isNotFound(error) ? endpointApiMissingError(this, url) : asNodeError(this, error);
	}
	const list = body && typeof body === 'object' ? (body as IDataObject).data : undefined;
	if (!Array.isArray(list)) return [];
	return list
		.map(toRemoteEndpoint)
		.filter((endpoint): endpoint is RemoteEndpoint => endpoint !== undefined && endpoint.url === url);
}

export async function createEndpoint(
	this: IHookFunctions,
	url: string,
	events: string[],
): Promise<EndpointRegistration> {
	const body = await huskyVoiceApiRequest.call(this, {
		method: 'POST',
		path: '/webhooks',
		body: { url, events },
	});
	const created = unwrapData(body);
	if (created.id === undefined || typeof created.secret !== 'string' || created.secret === '') {
		throw new NodeOperationError(this.getNode(), 'HuskyVoice registered the webhook but sent no endpoint id or signing secret', {
			description: `Switch Registration to Manual and add the endpoint in the HuskyVoice dashboard (${DASHBOARD_WEBHOOKS_PATH}).`,
		});
	}
	return { endpointId: String(created.id), secret: created.secret, events };
}

/** Idempotent: an endpoint that is already gone counts as deleted. */
export async function deleteEndpoint(this: IHookFunctions, endpointId: string): Promise<void> {
	try {
		await huskyVoiceApiRequest.call(this, {
			method: 'DELETE',
			path: `/webhooks/${toPathSegment(endpointId)}`,
		});
	} catch (error) {
		if (!isNotFound(error)) throw asNodeError(this, error);
	}
}

export function endpointApiMissingError(context: IHookFunctions, url: string): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`This HuskyVoice account cannot register webhooks automatically — set Registration to Manual and paste the production URL in the HuskyVoice dashboard at ${DASHBOARD_WEBHOOKS_PATH}`,
		{
			description: `HuskyVoice answered 404 for its webhook endpoint API. In the HuskyVoice dashboard open ${DASHBOARD_WEBHOOKS_PATH}, paste this node's Production URL, choose the same events, and store the endpoint's signing secret in a HuskyVoice Webhook Signing Secret credential. This activation tried to register: ${url}`,
		},
	);
}
