/**
 * The six example workflows in examples/ inside a real n8n 2.41.1, against the sandbox:
 * imported through the public API exactly as files (credentials rewired by type), all activated
 * at once (as `npm start` does; their Manual-registration triggers' Production URLs added in the
 * sandbox's dashboard first, as a user would), then driven like production: their Webhook entries are called
 * over HTTP, the sandbox's admin API moves calls on, and HuskyVoice's signed events flow to the
 * HuskyVoice Triggers. Asserts the executions and what changed in HuskyVoice.
 *
 * Run: npm run build && npx jest --selectProjects e2e test/e2e/examples.e2e.test.cts
 */
import type { Sandbox } from '../sandbox/sandbox.cjs';
import {
	CREDENTIAL_TYPES,
	startHuskyStack,
	HuskyCredentials,
	ImportedExample,
	importExamples,
	loadExamples,
	NODE_TYPES,
	SandboxAdmin,
	waitForNodeOutput,
} from './husky.cjs';
import { executionError, N8nStack, request, waitFor } from './runner/index.cjs';

jest.setTimeout(10 * 60_000);

const INBOUND_SECRET = 'insec_examples_0123456789';

describe('example workflows in a real n8n', () => {
	let sandbox: Sandbox;
	let admin: SandboxAdmin;
	let stack: N8nStack;
	let creds: HuskyCredentials;
	let examples: ImportedExample[];
	const t0 = Date.now();

	const example = (file: string) => {
		const ex = examples.find((e) => e.file === file);
		if (!ex) throw new Error(`example ${file} not imported`);
		return ex;
	};
	const post = (url: string, body: unknown) => request('POST', url, { body });
	async function callWith(key: string, value: string): Promise<Record<string, any>> {
		return waitFor(`a sandbox call with additional_info.${key} = ${value}`, async () =>
			(await admin.calls()).find((c) => c.additional_info?.[key] === value),
		);
	}

	beforeAll(async () => {
		({ sandbox, admin, stack, creds } = await startHuskyStack('examples', { inboundSigningSecret: INBOUND_SECRET }));
		console.log(`examples e2e: stack ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	});

	afterAll(async () => {
		await stack?.stop();
		await sandbox?.stop();
		console.log(`examples e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
	});

	test('the examples are n8n workflow exports that use our three nodes and reference credentials by placeholder', () => {
		const files = loadExamples();
		expect(files.map((f) => f.file)).toEqual([
			'ai-tools-mcp.json',
			'appointment-confirmation.json',
			'booking-sync.json',
			'during-call-lookup.json',
			'lead-qualification.json',
			'payment-reminder.json',
		]);
		const types = new Set(files.flatMap((f) => f.workflow.nodes.map((n: { type: string }) => n.type)));
		expect([...types]).toEqual(expect.arrayContaining([NODE_TYPES.action, NODE_TYPES.trigger, NODE_TYPES.inbound]));
		for (const f of files) {
			expect(Object.keys(f.workflow).sort()).toEqual(['connections', 'meta', 'name', 'nodes', 'pinData', 'settings', 'tags']);
			for (const n of f.workflow.nodes) {
				for (const c of Object.values(n.credentials ?? {}) as Array<{ id: string; name: string }>) {
					expect(c.id).toMatch(/^huskyvoice-/); // placeholder ids: an import asks for / rewires the real credential
				}
			}
		}
	});

	test('every HuskyVoice Trigger in the examples uses Manual registration with a signing-secret placeholder and a sticky note saying where to paste its URL', () => {
		const triggers = loadExamples().flatMap((f) =>
			f.workflow.nodes.filter((n: { type: string }) => n.type === NODE_TYPES.trigger).map((n: Record<string, any>) => ({ f, n })),
		);
		expect(triggers.map(({ f, n }) => `${f.file} › ${n.name}`)).toEqual([
			'appointment-confirmation.json › Call completed',
			'booking-sync.json › Appointment changed',
		]);
		for (const { f, n } of triggers) {
			expect(n.parameters.registration).toBe('manual');
			expect(n.credentials).toEqual({ [CREDENTIAL_TYPES.webhookSecret]: { id: 'huskyvoice-webhook-secret', name: 'HuskyVoice Webhook Signing Secret' } });
			const notes = f.workflow.nodes
				.filter((s: { type: string }) => s.type === 'n8n-nodes-base.stickyNote')
				.map((s: Record<string, any>) => String(s.parameters.content));
			expect(notes.filter((c: string) => c.includes(`**${n.name}**`) && c.includes('Production URL') && c.includes('Integrations → Outbound Webhooks → Add Endpoint'))).toHaveLength(1);
		}
	});

	test('all six import and activate (every trigger’s URL added in the sandbox dashboard, every webhook is live)', async () => {
		examples = await importExamples(stack, creds, { activate: true, dashboard: admin });
		expect(examples).toHaveLength(6);
		// one HuskyVoice endpoint per HuskyVoice Trigger (two examples have one), each added in the
		// dashboard for exactly the Production URL n8n registered for that trigger
		const endpoints = await admin.webhooks();
		expect(endpoints).toHaveLength(2);
		expect(endpoints.every((e) => e.created_via === 'dashboard')).toBe(true);
		const added = examples.flatMap((ex) => ex.endpoints.map((e) => ({ url: e.url, registered: ex.webhookUrls[e.node] })));
		expect(added).toHaveLength(2);
		for (const a of added) expect(a.url).toBe(a.registered);
		expect(endpoints.map((e) => e.url).sort()).toEqual(added.map((a) => a.url).sort());
		expect(Object.keys(example('appointment-confirmation.json').webhookUrls).sort()).toEqual(['Call completed', 'New appointment']);
		expect(Object.keys(example('payment-reminder.json').webhookUrls).sort()).toEqual(['Invoice due', 'Invoice paid']);
		// the MCP server is live at /mcp/<path> and refuses a client without its Bearer token (mcp.e2e drives it with an MCP client)
		const mcpUrl = example('ai-tools-mcp.json').webhookUrls['MCP Server Trigger'];
		expect(mcpUrl).toBe(`${stack.webhookBaseUrl}/mcp/huskyvoice-tools`);
		expect((await post(mcpUrl, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).status).toBe(403);
	});

	test('appointment confirmation: booking → AI call with the appointment id → call completed → appointment confirmed', async () => {
		const ex = example('appointment-confirmation.json');
		const r = await post(ex.webhookUrls['New appointment'], {
			appointment_id: 'apt_1003',
			patient_name: 'Diya Patel',
			phone: '98123 45678', // the node normalises it to +91…
		});
		expect(r.status).toBe(200);
		const call = await callWith('appointment_id', 'apt_1003');
		expect(call).toMatchObject({
			contact_number: '+919812345678',
			contact_name: 'Diya Patel',
			additional_info: { appointment_id: 'apt_1003', purpose: 'appointment_confirmation' },
			status: 'scheduled',
		});
		expect((await admin.appointment('apt_1003'))?.notes ?? '').not.toContain(call.call_id); // untouched until the call ends

		await admin.advance(call.call_id, 'completed');
		const { execution, item } = await waitForNodeOutput(stack.api, ex.id, 'Confirm appointment');
		expect(execution.status).toBe('success');
		expect(item).toMatchObject({ appointment_id: 'apt_1003', status: 'confirmed' });
		expect(await admin.appointment('apt_1003')).toMatchObject({
			status: 'confirmed',
			notes: expect.stringContaining(`HuskyVoice call ${call.call_id}`),
		});
	});

	test('instant lead qualification: lead → call with Wait for Outcome → tagged on Completed, retry scheduled on Not Reached', async () => {
		const ex = example('lead-qualification.json');
		const url = ex.webhookUrls['New lead'];
		expect((await post(url, { lead_id: 'L-100', name: 'Kabir Rao', phone: '+919900112233', email: 'kabir@example.com', source: 'website' })).status).toBe(200);
		expect((await post(url, { lead_id: 'L-101', name: 'No Answer', phone: '+919800001111', source: 'ads' })).status).toBe(200);

		const hot = await callWith('lead_id', 'L-100');
		expect(hot).toMatchObject({ status: 'scheduled', contact_email: 'kabir@example.com', sandbox: expect.objectContaining({ source: 'api' }) });
		const cold = await callWith('lead_id', 'L-101');

		await admin.advance(hot.call_id, 'completed');
		await admin.advance(cold.call_id, 'failed');
		const tagged = await waitForNodeOutput(stack.api, ex.id, 'Tag lead', (i) => i.lead_id === 'L-100');
		expect(tagged.item).toEqual({
			lead_id: 'L-100',
			call_id: hot.call_id,
			tag: 'hot',
			outcome: 'confirmed',
			summary: expect.stringContaining('Kabir Rao'),
			next_step: expect.any(String),
		});
		const unreached = await waitForNodeOutput(stack.api, ex.id, 'Schedule retry', (i) => i.lead_id === 'L-101');
		expect(unreached.item).toMatchObject({ lead_id: 'L-101', call_id: cold.call_id, tag: 'unreached', reason: expect.stringContaining('no_answer') });
		expect(tagged.execution.status).toBe('success');
	});

	test('payment reminder: invoice due → one call per invoice; invoice paid → call cancelled through the inbound webhook', async () => {
		const ex = example('payment-reminder.json');
		const invoice = { invoice_id: 'INV-42', amount: 1999, due_date: '2030-06-01', customer_name: 'Aarav Sharma', phone: '+919876543210' };
		const due = await post(ex.webhookUrls['Invoice due'], invoice);
		expect(due.status).toBe(200);
		const created = due.json();
		expect(created).toMatchObject({ call_id: expect.stringMatching(/^call_/), status: 'scheduled', idempotency_key: 'invoice-INV-42-reminder' });
		// the billing system sends the same invoice again: no second call
		const again = (await post(ex.webhookUrls['Invoice due'], invoice)).json();
		expect(again.call_id).toBe(created.call_id);
		expect((await admin.calls()).filter((c) => c.additional_info?.invoice_id === 'INV-42')).toHaveLength(1);

		const paid = await post(ex.webhookUrls['Invoice paid'], { invoice_id: 'INV-42', call_id: created.call_id });
		expect(paid.status).toBe(200);
		expect(paid.json()).toMatchObject({ call_id: created.call_id, status: 'cancelled' });
		expect((await admin.getCall(created.call_id)).status).toBe('cancelled');
		const cancels = (await admin.requests({ method: 'POST', path: '/v1/hooks/' })).filter((h) =>
			String(typeof h.body === 'string' ? h.body : JSON.stringify(h.body)).includes(created.call_id),
		);
		expect(cancels).toHaveLength(1);

		// paid too late (the call already started): the workflow answers with the reason, nothing breaks
		const late = (await post(ex.webhookUrls['Invoice due'], { ...invoice, invoice_id: 'INV-43' })).json();
		await admin.advance(late.call_id, 'in_progress');
		const tooLate = await post(ex.webhookUrls['Invoice paid'], { invoice_id: 'INV-43', call_id: late.call_id });
		expect(tooLate.status).toBe(200);
		expect(JSON.stringify(tooLate.json())).toMatch(/only queued or scheduled calls can be cancelled/);
		expect((await admin.getCall(late.call_id)).status).toBe('in_progress');
	});

	test('booking sync: appointment events (HuskyVoice sends them for dashboard changes and agent bookings, not for API writes) become booking records', async () => {
		const ex = example('booking-sync.json');
		// the confirmation example's own PATCH of apt_1003 sent no event (REST writes never do)
		expect((await admin.events()).filter((e) => e.event_type.startsWith('appointment.'))).toEqual([]);
		// a change made in the dashboard
		await admin.call('POST', '/appointments/apt_1003/dashboard-change', { assigned_doctor: 'Dr. Kavya Menon' });
		const changed = await waitForNodeOutput(stack.api, ex.id, 'Booking record', (i) => i.appointment_id === 'apt_1003');
		expect(changed.item).toMatchObject({
			appointment_id: 'apt_1003',
			status: 'confirmed',
			event: 'appointment.updated',
			patient_name: 'Diya Patel',
			phone: '+919812345678',
			doctor: 'Dr. Kavya Menon',
			event_id: expect.any(String),
		});
		// a cancellation made in the dashboard
		await admin.call('POST', '/appointments/apt_1004/dashboard-change', { status: 'cancelled' });
		const cancelled = await waitForNodeOutput(stack.api, ex.id, 'Booking record', (i) => i.appointment_id === 'apt_1004');
		expect(cancelled.item).toMatchObject({ status: 'cancelled', event: 'appointment.cancelled', patient_name: 'Kabir Rao' });
		expect(cancelled.execution.status).toBe('success');
	});

	test('no example execution failed, and other examples’ events were filtered out, not errors', async () => {
		for (const ex of examples) {
			const execs = await stack.api.listExecutions({ workflowId: ex.id, includeData: true });
			const failed = execs.filter((e) => e.status !== 'success');
			expect({ example: ex.file, failed: failed.map((e) => executionError(e)) }).toEqual({ example: ex.file, failed: [] });
		}
	});
});
