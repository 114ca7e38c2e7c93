/**
 * A scripted OpenAI-compatible chat model on 127.0.0.1 for the AI Agent e2e suite: n8n's OpenAI
 * Chat Model node is pointed at it through its credential's base URL, so n8n's own agent and
 * LangChain code run exactly as with a real model. Each POST /chat/completions is answered by the
 * next step of the script (tool calls, or a final text) and recorded as received: the tool list
 * (names, descriptions, JSON schemas) and the messages, tool results included.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ToolSpec {
	name: string;
	description: string;
	parameters: { type?: string; properties?: Record<string, { type?: string; description?: string }>; required?: string[] };
}

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ReceivedRequest {
	model: string;
	stream: boolean;
	tools: ToolSpec[];
	messages: ChatMessage[];
}

/** What the model answers: tool calls (run by the agent, results sent back) or a final text. */
export type ModelReply = { toolCalls: Array<{ name: string; args: Record<string, unknown> }> } | { content: string };

/** One turn of the script: a fixed reply, or one computed from what the model received (e.g. an id from a tool result). */
export type ScriptStep = ModelReply | ((request: ReceivedRequest) => ModelReply);

export function messageText(m: ChatMessage): string {
	if (typeof m.content === 'string') return m.content;
	if (Array.isArray(m.content)) return m.content.map((p) => p.text ?? '').join('');
	return '';
}

/** The tool results the model received in a request, in order, with the name of the tool that produced each. */
export function toolResults(request: ReceivedRequest): Array<{ tool: string; text: string }> {
	const names = new Map<string, string>();
	for (const m of request.messages) for (const c of m.tool_calls ?? []) names.set(c.id, c.function.name);
	return request.messages
		.filter((m) => m.role === 'tool')
		.map((m) => ({ tool: names.get(m.tool_call_id ?? '') ?? '?', text: messageText(m) }));
}

/** The last tool result of a request, parsed as JSON when it is JSON. */
export function lastToolResult(request: ReceivedRequest): { tool: string; text: string; json?: any } {
	const last = toolResults(request).at(-1);
	if (!last) throw new Error('the model has received no tool result yet');
	try {
		return { ...last, json: JSON.parse(last.text) };
	} catch {
		return last;
	}
}

export class ScriptedModel {
	readonly received: ReceivedRequest[] = [];
	private script: ScriptStep[] = [];
	private server?: http.Server;
	private callSeq = 0;
	/** Requests that arrived with the script already used up (a test fails on them). */
	readonly unscripted: ReceivedRequest[] = [];

	/** e.g. http://127.0.0.1:41234/v1 — the base URL for n8n's OpenAI credential. */
	baseUrl = '';

	async start(): Promise<this> {
		this.server = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
		return this;
	}

	async stop(): Promise<void> {
		const s = this.server;
		this.server = undefined;
		if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
	}

	/** Replaces the script and forgets what was received. */
	play(steps: ScriptStep[]): void {
		this.script = [...steps];
		this.received.length = 0;
		this.unscripted.length = 0;
	}

	get remaining(): number {
		return this.script.length;
	}

	private handle(req: http.IncomingMessage, res: http.ServerResponse, text: string): void {
		const url = req.url ?? '';
		if (req.method === 'GET' && url.endsWith('/models')) {
			return json(res, 200, { object: 'list', data: [{ id: 'scripted-model', object: 'model', owned_by: 'e2e' }] });
		}
		if (req.method !== 'POST' || !url.endsWith('/chat/completions')) {
			return json(res, 404, { error: { message: `scripted model: no route ${req.method} ${url}`, type: 'invalid_request_error' } });
		}
		let body: Record<string, any>;
		try {
			body = JSON.parse(text);
		} catch {
			return json(res, 400, { error: { message: 'scripted model: body is not JSON', type: 'invalid_request_error' } });
		}
		const received: ReceivedRequest = {
			model: String(body.model ?? ''),
			stream: body.stream === true,
			tools: (body.tools ?? []).map((t: { function: ToolSpec }) => t.function),
			messages: body.messages ?? [],
		};
		const step = this.script.shift();
		if (!step) {
			this.unscripted.push(received);
			return json(res, 500, { error: { message: 'scripted model: the script has no more steps', type: 'server_error' } });
		}
		this.received.push(received);
		let reply: ModelReply;
		try {
			reply = typeof step === 'function' ? step(received) : step;
		} catch (e) {
			// A script step that cannot read what it expected: answer in text, so the run ends and the test shows why.
			reply = { content: `SCRIPT ERROR: ${(e as Error).message}` };
		}
		const message =
			'toolCalls' in reply
				? {
						role: 'assistant',
						content: null,
						tool_calls: reply.toolCalls.map((c) => ({
							id: `call_${++this.callSeq}`,
							type: 'function',
							function: { name: c.name, arguments: JSON.stringify(c.args) },
						})),
					}
				: { role: 'assistant', content: reply.content };
		const finish = 'toolCalls' in reply ? 'tool_calls' : 'stop';
		const id = `chatcmpl_${this.callSeq}_${this.received.length}`;
		const created = Math.floor(Date.now() / 1000);
		const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
		if (!received.stream) {
			return json(res, 200, {
				id,
				object: 'chat.completion',
				created,
				model: received.model,
				choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
				usage,
			});
		}
		// Streaming: the whole message in one delta (tool calls with their index), then the finish.
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		const chunk = (delta: unknown, finish_reason: string | null, extra: Record<string, unknown> = {}) =>
			res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: received.model, choices: [{ index: 0, delta, finish_reason }], ...extra })}\n\n`);
		const delta =
			'tool_calls' in message
				? { role: 'assistant', content: null, tool_calls: message.tool_calls!.map((c, index) => ({ index, ...c })) }
				: { role: 'assistant', content: message.content };
		chunk(delta, null);
		chunk({}, finish, { usage });
		res.end('data: [DONE]\n\n');
	}
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}
