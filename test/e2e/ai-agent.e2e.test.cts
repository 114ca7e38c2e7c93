/**
 * n8n's AI Agent with the HuskyVoice tools, for real: Manual Trigger → AI Agent, with n8n's OpenAI
 * Chat Model pointed (through its credential's base URL) at a scripted OpenAI-compatible model on
 * 127.0.0.1 (scripted-model.cts) and six HuskyVoice tool nodes (`huskyVoiceTool`) whose inputs
 * are left to the model exactly as n8n's editor sets them up (the ✨ button: `$fromAI('<Field>',
 * '', '<type>')`, no description written by the user). n8n's own agent and LangChain code pick
 * and run the tools; the model answers with tool calls from its script and we read what it
 * received: the tool list (names, descriptions, schemas) and every tool result, the
 * DUPLICATE_BOOKING refusal included. Against the sandbox.
 *
 * One n8n for the file. Run: npm run build && npx jest --selectProjects e2e test/e2e/ai-agent.e2e.test.cts
 * (E2E_N8N_VERSION=1.123.81 runs it on the last n8n 1.x.)
 */
import { SEED_DATES } from '../sandbox/sandbox.cjs';
import type { Sandbox } from '../sandbox/sandbox.cjs';
import { CREDENTIAL_TYPES, credentialRef, HuskyCredentials, NODE_TYPES, SandboxAdmin, startHuskyStack } from './husky.cjs';
import { ensureSqliteBinding, executionError, N8N_VERSION, N8nStack, nodeOutput, type Credential, type WorkflowNode } from './runner/index.cjs';
import { lastToolResult, ReceivedRequest, ScriptedModel, toolResults } from './scripted-model.cjs';
import { guidanceProblems, operationsOf, toolDescriptionDefault } from './tool-guidance.cjs';

jest.setTimeout(6 * 60_000);

const MAJOR = Number(N8N_VERSION.split('.')[0]);
const { open } = SEED_DATES;
const PATIENT = { name: 'Priya Sharma', phone: '+919811122233' };

/** What n8n's editor writes when the user lets the model define a field (no description). */
const fromAI = (key: string, type = 'string') => `={{ /*n8n-auto-generated-fromAI-override*/ $fromAI('${key}', \`\`, '${type}') }}`;
const rl = (mode: string, value: string) => ({ __rl: true, mode, value });

/** The six tools, as a user adds them under the agent: node name → operation and parameters. */
const TOOLS: Record<string, { op: string; parameters: Record<string, unknown>; inputs: string[] }> = {
	'Check availability': {
		op: 'slot:checkAvailability',
		parameters: { date: fromAI('Date'), options: { onlyWithCapacity: true } },
		inputs: ['Date'],
	},
	'Book appointment': {
		op: 'appointment:create',
		parameters: {
			service: rl('name', fromAI('Service')),
			appointmentDate: fromAI('Appointment_Date_and_Time'),
			patientName: fromAI('Patient_Name'),
			patientPhone: fromAI('Patient_Phone'),
			additionalFields: { branch: rl('id', fromAI('Branch')) },
		},
		inputs: ['Service', 'Appointment_Date_and_Time', 'Patient_Name', 'Patient_Phone', 'Branch'],
	},
	'Find appointments': {
		op: 'appointment:getMany',
		parameters: { returnAll: true, filters: { date: fromAI('Date') } },
		inputs: ['Date'],
	},
	'Cancel appointment': {
		op: 'appointment:cancel',
		parameters: { appointmentId: fromAI('Appointment_ID') },
		inputs: ['Appointment_ID'],
	},
	'Place call': {
		op: 'call:create',
		parameters: {
			agentId: 'agent_appointments',
			contactNumber: fromAI('Contact_Number'),
			additionalFields: { contactName: fromAI('Contact_Name') },
		},
		inputs: ['Contact_Number', 'Contact_Name'],
	},
	'Get call': { op: 'call:get', parameters: { callId: fromAI('Call_ID') }, inputs: ['Call_ID'] },
};
const toolName = (nodeName: string) => nodeName.replace(/[^a-zA-Z0-9_-]+/g, '_');

function agentWorkflow(apiCredential: Credential, openAiCredential: Credential, prompt: string) {
	const toolNodes: WorkflowNode[] = Object.entries(TOOLS).map(([name, t], i) => {
		const [resource, operation] = t.op.split(':');
		return {
			name,
			type: `${NODE_TYPES.action}Tool`,
			typeVersion: 1.1,
			position: [200 + i * 140, 260],
			parameters: { resource, operation, ...t.parameters },
			credentials: { [CREDENTIAL_TYPES.api]: credentialRef(apiCredential) },
			// n8n 2.x hands a failing tool's error to the model by itself; on 1.x the execution stops
			// unless the tool continues on error (Settings → On Error), as docs/ai-agents.md tells 1.x users
			...(MAJOR < 2 ? { onError: 'continueRegularOutput' } : {}),
		} as WorkflowNode;
	});
	const nodes: WorkflowNode[] = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			name: 'AI Agent',
			type: '@n8n/n8n-nodes-langchain.agent',
			typeVersion: MAJOR >= 2 ? 3.1 : 3,
			position: [260, 0],
			parameters: {
				promptType: 'define',
				text: prompt,
				options: { systemMessage: 'You are the front desk of a clinic. Use the HuskyVoice tools.', maxIterations: 20 },
			},
		},
		{
			name: 'OpenAI Chat Model',
			type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
			typeVersion: 1.2,
			position: [60, 260],
			parameters: { model: rl('list', 'scripted-model'), options: {} },
			credentials: { openAiApi: credentialRef(openAiCredential) },
		},
		...toolNodes,
	];
	const connections: Record<string, unknown> = {
		Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
		'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
	};
	for (const t of toolNodes) connections[t.name] = { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] };
	return { name: 'HuskyVoice AI Agent (e2e)', nodes, connections };
}

describe(`n8n's AI Agent runs the HuskyVoice tools (n8n ${N8N_VERSION})`, () => {
	let sandbox: Sandbox;
	let admin: SandboxAdmin;
	let stack: N8nStack;
	let creds: HuskyCredentials;
	let openAi: Credential;
	const model = new ScriptedModel();
	const t0 = Date.now();

	beforeAll(async () => {
		await ensureSqliteBinding(); // n8n's Agent node type cannot load without it (see runner/install.cts)
		await model.start();
		({ sandbox, admin, stack, creds } = await startHuskyStack('ai-agent'));
		await admin.config({ rateLimit: { limit: 10_000, windowMs: 60_000 } });
		openAi = await stack.api.createCredential({
			name: 'Scripted model',
			type: 'openAiApi',
			data: { apiKey: 'sk-scripted-e2e', url: model.baseUrl, header: false },
		});
		console.log(`ai-agent e2e: stack ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	});

	afterAll(async () => {
		await stack?.stop();
		await sandbox?.stop();
		await model.stop();
		console.log(`ai-agent e2e (n8n ${N8N_VERSION}): ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
	});

	/** Runs the agent workflow once with `script` as the model; returns the execution and what the model received. */
	async function runAgent(prompt: string, script: Parameters<ScriptedModel['play']>[0]) {
		model.play(script);
		const wf = await stack.api.createWorkflow(agentWorkflow(creds.api, openAi, prompt));
		const execution = await stack.api.runManually(wf.id, 'Start', { timeoutMs: 120_000 });
		return { execution, received: [...model.received] };
	}

	const bookingArgs = (slot: Record<string, any>) => ({
		Service: 'Consultation',
		Appointment_Date_and_Time: `${open}T${slot.start_time}:00Z`,
		Patient_Name: PATIENT.name,
		Patient_Phone: PATIENT.phone,
		Branch: slot.branch_id,
	});

	let booking: { execution: any; received: ReceivedRequest[] };
	let bookedSlot: Record<string, any>;
	let appointmentId = '';
	let callId = '';

	test('the agent books, meets the duplicate refusal as a tool result, finds the booking, cancels it, calls the patient and reads the call', async () => {
		booking = await runAgent(`Book ${PATIENT.name} (${PATIENT.phone}) for a consultation on ${open} and call her to confirm.`, [
			{ toolCalls: [{ name: 'Check_availability', args: { Date: open } }] },
			(r) => {
				const slots = lastToolResult(r).json as Array<Record<string, any>>;
				bookedSlot = slots.find((s) => s.branch_id === 'br_koramangala' && s.available_slots > 0)!;
				return { toolCalls: [{ name: 'Book_appointment', args: bookingArgs(bookedSlot) }] };
			},
			(r) => {
				appointmentId = (lastToolResult(r).json as Array<Record<string, any>>)[0].appointment_id;
				// the same booking again, as a model that lost track would try
				return { toolCalls: [{ name: 'Book_appointment', args: bookingArgs(bookedSlot) }] };
			},
			(r) => {
				// acts on the refusal's words, as the tool description says: search instead of booking again
				if (!/already has an appointment/.test(lastToolResult(r).text)) return { content: 'unexpected: no duplicate refusal' };
				return { toolCalls: [{ name: 'Find_appointments', args: { Date: open } }] };
			},
			(r) => {
				const found = (lastToolResult(r).json as Array<Record<string, any>>).find((a) => a.parent_phone === PATIENT.phone)!;
				return { toolCalls: [{ name: 'Cancel_appointment', args: { Appointment_ID: found.appointment_id } }] };
			},
			{ toolCalls: [{ name: 'Place_call', args: { Contact_Number: PATIENT.phone, Contact_Name: PATIENT.name } }] },
			(r) => ({ toolCalls: [{ name: 'Get_call', args: { Call_ID: (lastToolResult(r).json as Array<Record<string, any>>)[0].call_id } }] }),
			(r) => {
				callId = (lastToolResult(r).json as Array<Record<string, any>>)[0].call_id;
				return { content: `Booked and then cancelled ${appointmentId}; call ${callId} is placed.` };
			},
		]);
		const { execution, received } = booking;
		expect(executionError(execution)).toBeUndefined();
		expect(execution.status).toBe('success');
		expect(model.unscripted).toEqual([]);
		expect(model.remaining).toBe(0);
		expect(nodeOutput(execution, 'AI Agent')).toEqual([{ output: `Booked and then cancelled ${appointmentId}; call ${callId} is placed.` }]);

		// what the model received back, tool by tool, in order
		const results = toolResults(received.at(-1)!);
		expect(results.map((r) => r.tool)).toEqual([
			'Check_availability',
			'Book_appointment',
			'Book_appointment',
			'Find_appointments',
			'Cancel_appointment',
			'Place_call',
			'Get_call',
		]);
		expect(appointmentId).toMatch(/^apt_/);
		expect(callId).toMatch(/^call_/);
		// the refusal reaches the model as readable text it can act on, not as a crashed execution
		const refusal = results[2].text;
		console.log(`ai-agent e2e: the model received for the second booking: ${refusal}`);
		expect(refusal).toMatch(/HuskyVoice refused the booking: this patient already has an appointment on that date and session/);
		expect(refusal).not.toMatch(/sk_|Bearer|apiKey/);
		expect(JSON.parse(results[4].text)).toEqual([expect.objectContaining({ appointment_id: appointmentId, status: 'cancelled' })]);
		expect(JSON.parse(results[6].text)).toEqual([expect.objectContaining({ call_id: callId, contact_number: PATIENT.phone })]);

		// HuskyVoice saw one booking (not two), now cancelled, and one call to the patient
		const mine = (await admin.appointments()).filter((a) => a.parent_phone === PATIENT.phone);
		expect(mine).toEqual([expect.objectContaining({ appointment_id: appointmentId, status: 'cancelled', date: open, session: bookedSlot.session, branch_id: bookedSlot.branch_id })]);
		const calls = (await admin.calls()).filter((c) => c.contact_number === PATIENT.phone);
		expect(calls).toEqual([expect.objectContaining({ call_id: callId, contact_name: PATIENT.name })]);
	});

	test('the model receives every tool with its name, a description written for it and a schema of the inputs the user left to it', () => {
		const first = booking.received[0];
		expect(first.tools.map((t) => t.name).sort()).toEqual(Object.keys(TOOLS).map(toolName).sort());
		const problems: string[] = [];
		for (const [nodeName, t] of Object.entries(TOOLS)) {
			const tool = first.tools.find((x) => x.name === toolName(nodeName))!;
			expect(Object.keys(tool.parameters.properties ?? {}).sort()).toEqual([...t.inputs].sort());
			problems.push(...guidanceProblems(t.op, tool.description, t.inputs).map((p) => `${tool.name} (${t.op}): ${p}`));
		}
		expect(problems).toEqual([]);
		const book = first.tools.find((x) => x.name === 'Book_appointment')!;
		console.log(`ai-agent e2e: Book_appointment as the model receives it (${book.description.length} chars): ${book.description}`);
		console.log(`ai-agent e2e: its schema: ${JSON.stringify(book.parameters)}`);
	});

	test('every operation of both HuskyVoice tool node types carries a Tool Description with the guidance (as n8n serves the types)', async () => {
		const types = await stack.api.getNodeTypes();
		const problems: string[] = [];
		for (const name of [`${NODE_TYPES.action}Tool`, `${NODE_TYPES.inbound}Tool`]) {
			const type = types.find((t) => t.name === name);
			expect(type).toBeDefined();
			const properties = type!.properties as Array<Record<string, any>>;
			// n8n adds its own "Set Automatically" description only when a node defines none
			expect(properties.filter((p) => p.name === 'descriptionType')).toEqual([]);
			for (const op of operationsOf(properties)) {
				const text = toolDescriptionDefault(properties, op);
				if (!text) problems.push(`${name} ${op}: no Tool Description`);
				else problems.push(...guidanceProblems(op, text).map((p) => `${name} ${op}: ${p}`));
			}
		}
		expect(problems).toEqual([]);
	});

	test('the editor’s action list is unchanged: the plain node has no Tool Description and keeps its short actions', async () => {
		const action = (await stack.api.getNodeTypes()).find((t) => t.name === NODE_TYPES.action)!;
		const properties = action.properties as Array<Record<string, any>>;
		for (const p of properties.filter((x) => x.name === 'toolDescription')) expect(p.displayOptions.show['@tool']).toEqual([true]);
		const create = properties.find((p) => p.name === 'operation' && p.displayOptions.show.resource[0] === 'appointment');
		expect(create!.options.find((o: { value: string }) => o.value === 'create').action).toBe('Book an appointment');
	});
});
