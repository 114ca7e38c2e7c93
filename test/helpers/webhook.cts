import './n8nEnv.cjs';
import { HookContext, WebhookContext } from 'n8n-core';
import { createServer } from 'http';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type {
	IDataObject,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	WorkflowActivateMode,
} from 'n8n-workflow';
import type { TestWorkflow } from './workflow.cjs';

/** n8n-core's real HookContext for `webhookMethods.default.{checkExists,create,delete}`. */
export function hookContext(
	harness: TestWorkflow,
	activation: WorkflowActivateMode = 'activate',
): HookContext {
	const { workflow, node, additionalData } = harness;
	return new HookContext(workflow, node, additionalData, 'trigger', activation);
}

function webhookDescriptionOf(harness: TestWorkflow, name: string): IWebhookDescription {
	const description = harness.nodeType.description.webhooks?.find((webhook) => webhook.name === name);
	if (!description) throw new Error(`${harness.nodeType.description.name} has no webhook named "${name}"`);
	return description;
}

export interface WebhookRequest {
	body?: unknown;
	/** The exact bytes n8n would keep as `req.rawBody`; JSON.stringify(body) when omitted. */
	rawBody?: Buffer | string;
	headers?: Record<string, string>;
	query?: IDataObject;
	method?: string;
}

/** A node's webhook() answer plus the status and body n8n would send back. */
export interface WebhookDelivery {
	request: { headers: IDataObject; body: unknown };
	result?: IWebhookResponseData;
	error?: Error;
	status: number;
	responseBody: unknown;
}

/** Response helpers that n8n's Express response offers a webhook node (status/json/send/end/setHeader). */
function expressLikeResponse(res: ServerResponse) {
	const response = res as ServerResponse & IDataObject;
	response.status = (code: number) => {
		res.statusCode = code;
		return response;
	};
	response.json = (data: unknown) => {
		if (!res.headersSent) res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify(data));
		return response;
	};
	response.send = (data: unknown) => {
		if (data !== null && typeof data === 'object' && !Buffer.isBuffer(data)) return (response.json as (d: unknown) => unknown)(data);
		res.end(data as string | Buffer | undefined);
		return response;
	};
	return response;
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/**
 * Runs the node's real `webhook()` in n8n-core's WebhookContext for one request object
 * (no HTTP). `res` may be given when the node answers itself (`noWebhookResponse`).
 */
export async function callWebhook(
	harness: TestWorkflow,
	request: WebhookRequest,
	options: { webhookName?: string; res?: ServerResponse } = {},
): Promise<{ result?: IWebhookResponseData; error?: Error }> {
	const { workflow, node, nodeType } = harness;
	if (!nodeType.webhook) throw new Error(`${nodeType.description.name} has no webhook()`);
	const name = options.webhookName ?? 'default';
	const headers: IDataObject = {};
	for (const [key, value] of Object.entries(request.headers ?? {})) headers[key.toLowerCase()] = value;
	const rawBody =
		request.rawBody === undefined
			? Buffer.from(request.body === undefined ? '' : JSON.stringify(request.body))
			: Buffer.from(request.rawBody);
	const httpRequest = {
		method: request.method ?? 'POST',
		headers,
		body: request.body ?? {},
		rawBody,
		query: request.query ?? {},
		params: {},
	};
	const additionalData = {
		...harness.additionalData,
		httpRequest,
		httpResponse: options.res ? expressLikeResponse(options.res) : undefined,
	} as typeof harness.additionalData;
	const description = webhookDescriptionOf(harness, name);
	const webhookData: IWebhookData = {
		httpMethod: (request.method ?? 'POST') as IWebhookData['httpMethod'],
		node: node.name,
		path: String(description.path ?? ''),
		webhookDescription: description,
		workflowId: String(workflow.id),
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
	};
	const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], null);
	try {
		return { result: await nodeType.webhook.call(context) };
	} catch (error) {
		return { error: error as Error };
	}
}

export interface WebhookServer {
	/** POST here as HuskyVoice would. */
	url: string;
	/** Every request answered, in arrival order. */
	deliveries: WebhookDelivery[];
	/** The items of every started "execution" (`workflowData` returned by webhook()). */
	executions: IDataObject[][];
	stop(): Promise<void>;
}

/**
 * Serves the node's real `webhook()` over HTTP on 127.0.0.1, answering like n8n's webhook
 * endpoint in "respond immediately" mode: the node's `webhookResponse` if it gave one, 200
 * `{"message":"Workflow was started"}` otherwise, 500 when webhook() throws; nothing when the
 * node answered itself (`noWebhookResponse`). Static data persists across requests (one Workflow).
 */
export async function serveWebhook(
	harness: TestWorkflow,
	options: { webhookName?: string } = {},
): Promise<WebhookServer> {
	const deliveries: WebhookDelivery[] = [];
	const executions: IDataObject[][] = [];
	const server: Server = createServer((req, res) => {
		void (async () => {
			const raw = await readRaw(req);
			const headers = req.headers as Record<string, string>;
			let body: unknown = {};
			if (raw.length > 0 && String(headers['content-type'] ?? '').includes('json')) {
				try {
					body = JSON.parse(raw.toString('utf8'));
				} catch {
					res.statusCode = 422;
					res.end('{"message":"Failed to parse request body"}');
					return;
				}
			}
			const query = Object.fromEntries(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
			const { result, error } = await callWebhook(
				harness,
				{ body, rawBody: raw, headers, query, method: req.method },
				{ webhookName: options.webhookName, res },
			);
			const delivery: WebhookDelivery = { request: { headers, body }, result, error, status: 0, responseBody: undefined };
			deliveries.push(delivery);
			if (result?.workflowData) executions.push(result.workflowData.flat().map((item) => item.json));
			if (error) {
				delivery.status = 500;
				delivery.responseBody = { code: 0, message: error.message };
			} else if (result?.noWebhookResponse) {
				delivery.status = res.statusCode;
				return;
			} else {
				delivery.status = 200;
				delivery.responseBody = result?.webhookResponse ?? { message: 'Workflow was started' };
			}
			if (res.writableEnded) return;
			res.statusCode = delivery.status;
			res.setHeader('content-type', 'application/json');
			res.end(typeof delivery.responseBody === 'string' ? delivery.responseBody : JSON.stringify(delivery.responseBody));
		})().catch((error: Error) => {
			if (!res.writableEnded) {
				res.statusCode = 500;
				res.end(JSON.stringify({ message: error.message }));
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/`,
		deliveries,
		executions,
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
