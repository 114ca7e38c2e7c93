/**
 * The example *HuskyVoice tools for AI assistants (MCP)* (examples/ai-tools-mcp.json) in a real n8n,
 * driven by the official MCP TypeScript SDK client (@modelcontextprotocol/sdk, Streamable HTTP)
 * as any MCP client would: imported as a file (credentials rewired by type), activated, then
 * tools/list (every tool named, described for a model, every parameter described in its JSON
 * schema) and tools/call for check availability → book → the same booking again (the
 * DUPLICATE_BOOKING refusal comes back as a readable tool result) → find → cancel, place a call →
 * get it; a client without the Bearer token, or with a wrong one, is refused. Against the sandbox.
 *
 * One n8n for the file. Run: npm run build && npx jest --selectProjects e2e test/e2e/mcp.e2e.test.cts
 * (E2E_N8N_VERSION=1.123.81 runs it on the last n8n 1.x.)
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SEED_DATES } from '../sandbox/sandbox.cjs';
import type { Sandbox } from '../sandbox/sandbox.cjs';
import { CREDENTIAL_TYPES, HuskyCredentials, loadExamples, SandboxAdmin, startHuskyStack, wireExample } from './husky.cjs';
import { N8N_VERSION, N8nStack, request } from './runner/index.cjs';
import { guidanceProblems } from './tool-guidance.cjs';

jest.setTimeout(6 * 60_000);

const { open } = SEED_DATES;
const PATIENT = { name: 'Anika Rao', phone: '+919812300456' };

interface McpTool {
	name: string;
	description?: string;
	inputSchema: { type: string; properties?: Record<string, { type?: string; description?: string }>; required?: string[] };
}
interface ToolResult {
	isError?: boolean;
	content: Array<{ type: string; text?: string }>;
}

describe(`the MCP example serves the HuskyVoice tools to an MCP client (n8n ${N8N_VERSION})`, () => {
	let sandbox: Sandbox;
	let admin: SandboxAdmin;
	let stack: N8nStack;
	let creds: HuskyCredentials;
	let mcpUrl = '';
	let client: Client | undefined;
	const example = loadExamples().find((e) => e.file === 'ai-tools-mcp.json')!;
	const t0 = Date.now();

	beforeAll(async () => {
		({ sandbox, admin, stack, creds } = await startHuskyStack('mcp'));
		await admin.config({ rateLimit: { limit: 10_000, windowMs: 60_000 } });
		const wired = wireExample(example.workflow, { [CREDENTIAL_TYPES.api]: creds.api, httpBearerAuth: creds.mcpBearer!.credential });
		// n8n 1.x's public API accepts only these keys of an export (2.x ignores the rest)
		const { name, nodes, connections, settings } = wired;
		const wf = await stack.api.createWorkflow({ name, nodes, connections, settings });
		const { webhooks } = await stack.activateAndWait(wf.id);
		mcpUrl = webhooks.find((w) => w.node === 'MCP Server Trigger' && w.method === 'POST')!.url;
		console.log(`mcp e2e: stack ready and example active in ${((Date.now() - t0) / 1000).toFixed(1)} s; MCP server at ${mcpUrl}`);
	});

	afterAll(async () => {
		await client?.close();
		await stack?.stop();
		await sandbox?.stop();
		console.log(`mcp e2e (n8n ${N8N_VERSION}): ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
	});

	async function connect(token?: string): Promise<Client> {
		const c = new Client({ name: 'huskyvoice-e2e', version: '1.0.0' });
		const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
		await c.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers } }));
		return c;
	}
	async function call(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string; json?: any }> {
		const r = (await client!.callTool({ name, arguments: args })) as ToolResult;
		const text = r.content.map((c) => c.text ?? '').join('');
		let json: any;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { isError: r.isError === true, text, json };
	}

	/** A tool call that worked; otherwise fails with the text the client received. */
	function succeeded(r: { isError: boolean; text: string }): void {
		if (r.isError) throw new Error(`the tool answered with an error: ${r.text}`);
	}

	test('the example is an n8n export: MCP Server Trigger with Bearer auth, six HuskyVoice tools, placeholder credentials', () => {
		const nodes = example.workflow.nodes as Array<Record<string, any>>;
		const trigger = nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.mcpTrigger')!;
		expect(trigger.parameters).toMatchObject({ authentication: 'bearerAuth', path: 'huskyvoice-tools' });
		expect(trigger.credentials).toEqual({ httpBearerAuth: { id: 'huskyvoice-mcp-bearer', name: 'HuskyVoice MCP bearer token' } });
		expect(trigger.parameters.instructions).toMatch(/Check availability before booking/);
		const tools = nodes.filter((n) => n.type === 'n8n-nodes-huskyvoice.huskyVoiceTool');
		expect(tools.map((t) => `${t.parameters.resource}:${t.parameters.operation}`)).toEqual([
			'slot:checkAvailability',
			'appointment:create',
			'appointment:getMany',
			'appointment:cancel',
			'call:create',
			'call:get',
		]);
		for (const t of tools) expect(example.workflow.connections[t.name]).toEqual({ ai_tool: [[{ node: trigger.name, type: 'ai_tool', index: 0 }]] });
	});

	test('a client without the Bearer token, or with a wrong one, is refused', async () => {
		// n8n's Bearer check answers 403 to a missing and to a wrong token alike
		await expect(connect()).rejects.toMatchObject({ code: 403, message: expect.stringMatching(/Authorization data is wrong/) });
		await expect(connect('not-the-token')).rejects.toMatchObject({ code: 403 });
		const bare = await request('POST', mcpUrl, {
			body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
			headers: { accept: 'application/json, text/event-stream' },
		});
		expect(bare.status).toBe(403);
		expect(bare.text).not.toMatch(/Check_availability/);
	});

	let tools: McpTool[] = [];
	test('tools/list: every tool has a name, a description a model can act on and a JSON schema whose every parameter is described', async () => {
		client = await connect(creds.mcpBearer!.token);
		tools = (await client.listTools()).tools as McpTool[];
		expect(tools.map((t) => t.name).sort()).toEqual(
			['Book_appointment', 'Cancel_appointment', 'Check_availability', 'Find_appointments', 'Get_call', 'Place_call'].sort(),
		);
		const ops = Object.fromEntries(
			(example.workflow.nodes as Array<Record<string, any>>)
				.filter((n) => n.type === 'n8n-nodes-huskyvoice.huskyVoiceTool')
				.map((n) => [n.name.replace(/[^a-zA-Z0-9_-]+/g, '_'), `${n.parameters.resource}:${n.parameters.operation}`]),
		);
		const problems: string[] = [];
		for (const t of tools) {
			const properties = t.inputSchema.properties ?? {};
			expect(t.inputSchema.type).toBe('object');
			expect(Object.keys(properties).length).toBeGreaterThan(0);
			for (const [key, p] of Object.entries(properties)) {
				if (!p.description || p.description.length < 15) problems.push(`${t.name}.${key}: parameter not described (${JSON.stringify(p)})`);
			}
			problems.push(...guidanceProblems(ops[t.name], t.description ?? '', Object.keys(properties)).map((p) => `${t.name}: ${p}`));
		}
		expect(problems).toEqual([]);
		const book = tools.find((t) => t.name === 'Book_appointment')!;
		console.log(`mcp e2e: Book_appointment in tools/list (${book.description!.length} chars): ${book.description}`);
		console.log(`mcp e2e: its inputSchema: ${JSON.stringify(book.inputSchema)}`);
	});

	let appointmentId = '';
	test('tools/call: availability → booking → the same booking refused in words the model can act on → find → cancel', async () => {
		const slots = await call('Check_availability', { Date: open });
		succeeded(slots);
		const slot = (slots.json as Array<Record<string, any>>).find((s) => s.branch_id === 'br_koramangala' && s.available_slots > 0)!;
		expect(slot).toBeDefined();
		const booking = {
			Service: 'Consultation',
			Appointment_Date_and_Time: `${open}T${slot.start_time}:00Z`,
			Patient_Name: PATIENT.name,
			Patient_Phone: PATIENT.phone,
			Branch: slot.branch_id,
		};
		const booked = await call('Book_appointment', booking);
		succeeded(booked);
		appointmentId = booked.json[0].appointment_id;
		expect(appointmentId).toMatch(/^apt_/);

		const again = await call('Book_appointment', booking);
		console.log(`mcp e2e: the second booking answered (isError ${again.isError}): ${again.text}`);
		expect(again.isError).toBe(true);
		expect(again.text).toMatch(/HuskyVoice refused the booking: this patient already has an appointment on that date and session/);
		expect(again.text).not.toMatch(/sk_|Bearer|mcp_/);

		const found = await call('Find_appointments', { Date: open });
		succeeded(found);
		expect((found.json as Array<Record<string, any>>).filter((a) => a.parent_phone === PATIENT.phone)).toEqual([
			expect.objectContaining({ appointment_id: appointmentId, status: 'confirmed' }),
		]);

		const cancelled = await call('Cancel_appointment', { Appointment_ID: appointmentId });
		succeeded(cancelled);
		expect(cancelled.json).toEqual([expect.objectContaining({ appointment_id: appointmentId, status: 'cancelled' })]);
		expect((await admin.appointments()).filter((a) => a.parent_phone === PATIENT.phone)).toEqual([
			expect.objectContaining({ appointment_id: appointmentId, status: 'cancelled' }),
		]);
	});

	test('tools/call: place a call → get it', async () => {
		const placed = await call('Place_call', { Contact_Number: PATIENT.phone, Contact_Name: PATIENT.name });
		succeeded(placed);
		const callId = placed.json[0].call_id;
		expect(callId).toMatch(/^call_/);
		const got = await call('Get_call', { Call_ID: callId });
		succeeded(got);
		expect(got.json).toEqual([expect.objectContaining({ call_id: callId, contact_number: PATIENT.phone, agent_id: 'agent_appointments' })]);
		expect((await admin.calls()).filter((c) => c.contact_number === PATIENT.phone)).toHaveLength(1);
	});

	test('a tool input the model got wrong comes back as a readable error naming the field, and nothing is booked', async () => {
		const before = (await admin.appointments()).length;
		const wrong = await call('Book_appointment', {
			Service: 'Consultation',
			Appointment_Date_and_Time: `${open}T10:00:00Z`,
			Patient_Name: PATIENT.name,
			Patient_Phone: '12345',
			Branch: 'br_koramangala',
		});
		console.log(`mcp e2e: a bad phone number answered (isError ${wrong.isError}): ${wrong.text}`);
		expect(wrong.isError).toBe(true);
		expect(wrong.text).toMatch(/Patient Phone/);
		expect((await admin.appointments()).length).toBe(before);
	});
});
