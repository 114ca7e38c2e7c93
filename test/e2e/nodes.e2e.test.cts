/**
 * Every HuskyVoice node inside a real n8n 2.41.1 (Node 24, Postgres 15), against the local
 * HuskyVoice sandbox started in this process on 127.0.0.1:
 *  - credentials and workflows are created through n8n's public API and run for real;
 *  - every action-node operation and every inbound-webhook action (hook signing enforced);
 *  - credential tests through n8n's own REST endpoint (POST /rest/credentials/test);
 *  - the trigger: Automatic registration (activate → one endpoint → signed call.completed →
 *    one execution with the normalised event; forged → 401, no execution; redelivery,
 *    concurrent duplicates and a redelivery after an n8n restart → no second execution;
 *    deactivate → endpoint removed) and Manual registration with the signing-secret credential.
 *
 * One n8n stack for the whole file. Run: npm run build && npx jest --selectProjects e2e test/e2e/nodes.e2e.test.cts
 */
import { randomUUID } from 'node:crypto';
import type { Sandbox } from '../sandbox/sandbox.cjs';
import {
	CREDENTIAL_TYPES,
	callCompletedEvent,
	startHuskyStack,
	createManualTriggerWorkflow,
	credentialRef,
	deliverSigned,
	executionsAfterQuiet,
	hmacHex,
	HuskyCredentials,
	NODE_TYPES,
	runOneNode,
	SandboxAdmin,
} from './husky.cjs';
import { executionError, N8N_VERSION, N8nStack, nodeOutput, request, waitFor, type Credential } from './runner/index.cjs';
import { zoneWhereItIsNow } from '../helpers/timeZones.cjs';

jest.setTimeout(10 * 60_000);

const INBOUND_SECRET = 'insec_e2e_0123456789abcdef';
const AGENT = 'agent_e2e';

describe('HuskyVoice nodes in a real n8n', () => {
	let sandbox: Sandbox;
	let admin: SandboxAdmin;
	let stack: N8nStack;
	let creds: HuskyCredentials;
	const t0 = Date.now();

	beforeAll(async () => {
		({ sandbox, admin, stack, creds } = await startHuskyStack('nodes', { inboundSigningSecret: INBOUND_SECRET }));
		console.log(`nodes e2e: stack ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${stack.timings.report()})`);
	});

	afterAll(async () => {
		await stack?.stop();
		await sandbox?.stop();
		console.log(`nodes e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
	});

	const apiCred = () => ({ [CREDENTIAL_TYPES.api]: credentialRef(creds.api) });
	const inboundCred = () => ({ [CREDENTIAL_TYPES.inbound]: credentialRef(creds.inbound!) });

	/** Runs the HuskyVoice action node once with these parameters. */
	function action(name: string, parameters: Record<string, unknown>) {
		return runOneNode(stack.api, name, { name: 'HuskyVoice', type: NODE_TYPES.action, parameters, credentials: apiCred() });
	}
	function inbound(name: string, parameters: Record<string, unknown>, credentials = inboundCred()) {
		return runOneNode(stack.api, name, { name: 'Inbound', type: NODE_TYPES.inbound, parameters, credentials });
	}
	async function createCallDirect(contactNumber = '+919876543210'): Promise<string> {
		const r = await request('POST', `${sandbox.baseUrl}/calls`, {
			headers: { authorization: `Bearer ${sandbox.apiKey}` },
			body: { agent_id: AGENT, contact_number: contactNumber },
		});
		expect(r.status).toBe(201);
		return r.json().data.call_id;
	}

	describe('HuskyVoice action node', () => {
		let callId: string;

		test('Call → Create places one call with the contact, additional info and an Idempotency-Key', async () => {
			const { execution } = await action('call create', {
				resource: 'call',
				operation: 'create',
				agentId: AGENT,
				contactNumber: '+919876543210',
				additionalFields: {
					contactName: 'Aarav Sharma',
					contactEmail: 'aarav@example.com',
					additionalInfoJson: JSON.stringify({ appointment_id: 'apt_1001', clinic: 'Koramangala' }),
				},
				// The organisation's clock shows noon, so the calling window is open and no starts_after is added.
				retry: { timeZone: zoneWhereItIsNow(12) },
			});
			expect(execution.status).toBe('success');
			const [out] = nodeOutput(execution, 'HuskyVoice');
			expect(out).toEqual({ call_id: expect.stringMatching(/^call_/), status: 'scheduled', idempotency_key: expect.any(String), attempt: 1 });
			callId = out.call_id;
			const call = await admin.getCall(callId);
			expect(call).toMatchObject({
				agent_id: AGENT,
				contact_number: '+919876543210',
				contact_name: 'Aarav Sharma',
				contact_email: 'aarav@example.com',
				additional_info: { appointment_id: 'apt_1001', clinic: 'Koramangala' },
			});
			expect(call.sandbox.idempotencyKey).toBe(out.idempotency_key);
			const [req] = await admin.requests({ method: 'POST', path: '/v1/calls' });
			expect(req.headers.authorization).toBe(`Bearer ${sandbox.apiKey}`);
		});

		test('Call → Get returns the call', async () => {
			const { execution } = await action('call get', { resource: 'call', operation: 'get', callId });
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'HuskyVoice')).toEqual([
				expect.objectContaining({ call_id: callId, status: 'scheduled', agent_id: AGENT, contact_number: '+919876543210' }),
			]);
		});

		test('Call → Cancel cancels a scheduled call', async () => {
			const { execution } = await action('call cancel', { resource: 'call', operation: 'cancel', callId });
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'HuskyVoice')).toEqual([
				expect.objectContaining({ call_id: callId, status: 'cancelled', cancelled_at: expect.any(String) }),
			]);
			expect((await admin.getCall(callId)).status).toBe('cancelled');
		});

		test('Call → Cancel of a call that already connected fails with our message', async () => {
			const id = await createCallDirect();
			await admin.advance(id, 'completed');
			const { execution } = await action('call cancel late', { resource: 'call', operation: 'cancel', callId: id });
			expect(execution.status).toBe('error');
			expect(executionError(execution)).toMatchObject({
				node: 'HuskyVoice',
				message: expect.stringContaining('only queued or scheduled calls can be cancelled'),
			});
		});

		test('Call → Delete erases a completed call', async () => {
			const id = await createCallDirect();
			await admin.advance(id, 'completed');
			const { execution } = await action('call delete', { resource: 'call', operation: 'delete', callId: id });
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'HuskyVoice')).toEqual([{ call_id: id, deleted: true }]);
			const erased = await admin.getCall(id);
			expect(erased.sandbox.deletedAt).toEqual(expect.any(String));
			expect(erased.contact_number ?? null).toBeNull();
		});

		test('Appointment → Update confirms an appointment', async () => {
			const { execution } = await action('appointment update', {
				resource: 'appointment',
				operation: 'update',
				appointmentId: 'apt_1001',
				updateFields: { status: 'confirmed', notes: 'Confirmed from n8n' },
			});
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'HuskyVoice')).toEqual([
				expect.objectContaining({ appointment_id: 'apt_1001', status: 'confirmed' }),
			]);
			expect(await admin.appointment('apt_1001')).toMatchObject({ status: 'confirmed' });
			const [req] = await admin.requests({ method: 'PATCH', path: '/v1/appointments/apt_1001' });
			expect(typeof req.body === 'string' ? JSON.parse(req.body) : req.body).toEqual({ status: 'confirmed', notes: 'Confirmed from n8n' });
		});

		test('Appointment → Update into a full slot fails with HuskyVoice’s reason', async () => {
			const { execution } = await action('appointment update full', {
				resource: 'appointment',
				operation: 'update',
				appointmentId: 'apt_1004',
				updateFields: { appointmentDate: '2030-06-03T13:00:00Z', session: 'Afternoon' },
			});
			expect(execution.status).toBe('error');
			const err = executionError(execution)!;
			expect(`${err.message} ${err.description ?? ''}`).toMatch(/SLOT_FULL|full/i);
		});

		test('Slot → Check Availability lists the day’s slots, one item per slot', async () => {
			const all = await action('slots', { resource: 'slot', operation: 'checkAvailability', date: '2030-06-03' });
			expect(all.execution.status).toBe('success');
			const slots = nodeOutput(all.execution, 'HuskyVoice');
			expect(slots.map((s) => s.slot_id).sort()).toEqual(['slot_2001', 'slot_2002', 'slot_2003', 'slot_2004']);

			const free = await action('slots free', {
				resource: 'slot',
				operation: 'checkAvailability',
				date: '2030-06-03',
				filters: { branchId: 'br_koramangala' },
				options: { onlyWithCapacity: true },
			});
			expect(nodeOutput(free.execution, 'HuskyVoice').map((s) => s.slot_id).sort()).toEqual(['slot_2001', 'slot_2003']);
		});
	});

	describe('HuskyVoice Inbound Webhook node (hook signing enforced by the sandbox)', () => {
		let queuedId: string;

		test('Call → Create places a call through the signed hook', async () => {
			const { execution } = await inbound('inbound create', {
				resource: 'call',
				operation: 'create',
				agentId: AGENT,
				contactNumber: '+919812345678',
				additionalFields: { contactName: 'Diya Patel', additionalInfo: { pair: [{ key: 'lead_id', value: 'L-7' }] } },
			});
			expect(execution.status).toBe('success');
			const [out] = nodeOutput(execution, 'Inbound');
			expect(out).toMatchObject({ call_id: expect.stringMatching(/^call_/), status: 'queued' });
			queuedId = out.call_id;
			expect(await admin.getCall(queuedId)).toMatchObject({
				contact_name: 'Diya Patel',
				additional_info: { lead_id: 'L-7' },
				sandbox: expect.objectContaining({ source: 'inbound' }),
			});
			const hooks = await admin.requests({ method: 'POST', path: '/v1/hooks/' });
			const last = hooks[hooks.length - 1];
			expect(last.headers['x-inbound-signature']).toMatch(/^[0-9a-f]{64}$/);
			expect(last.headers['x-inbound-timestamp']).toMatch(/^\d+$/);
		});

		test('Call → Cancel cancels the queued call', async () => {
			const { execution } = await inbound('inbound cancel', { resource: 'call', operation: 'cancel', callId: queuedId });
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'Inbound')).toEqual([expect.objectContaining({ call_id: queuedId, status: 'cancelled' })]);
			expect((await admin.getCall(queuedId)).status).toBe('cancelled');
		});

		test('Call → Delete erases a completed call', async () => {
			const id = await createCallDirect();
			await admin.advance(id, 'completed');
			const { execution } = await inbound('inbound delete', { resource: 'call', operation: 'delete', callId: id });
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'Inbound')).toEqual([expect.objectContaining({ call_id: id, status: 'deleted' })]);
			expect((await admin.getCall(id)).sandbox.deletedAt).toEqual(expect.any(String));
		});

		test('a wrong signing secret is refused (401) and reported without the token', async () => {
			const wrong = await stack.api.createCredential({
				name: 'Inbound wrong secret',
				type: CREDENTIAL_TYPES.inbound,
				data: { token: sandbox.inboundToken, baseUrl: sandbox.baseUrl, signingSecret: 'not-the-secret' },
			});
			const { execution } = await inbound(
				'inbound wrong secret',
				{ resource: 'call', operation: 'cancel', callId: queuedId },
				{ [CREDENTIAL_TYPES.inbound]: credentialRef(wrong) },
			);
			expect(execution.status).toBe('error');
			const err = executionError(execution)!;
			expect(err.message).toMatch(/signature rejected|Token invalid/);
			expect(JSON.stringify(execution.data)).not.toContain(sandbox.inboundToken);
		});
	});

	describe('credential tests (POST /rest/credentials/test, as the editor’s “Test” button)', () => {
		async function testCredential(c: Credential, data: Record<string, unknown>) {
			return stack.api.rest<{ status: 'OK' | 'Error'; message: string }>('POST', '/credentials/test', {
				credentials: { id: c.id, name: c.name, type: c.type, data },
			});
		}

		test('HuskyVoice API: a good key passes, a bad key fails with our message', async () => {
			expect(await testCredential(creds.api, { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl })).toMatchObject({ status: 'OK' });
			const bad = await testCredential(creds.api, { apiKey: 'sk_live_wrong', baseUrl: sandbox.baseUrl });
			const wrongBase = await testCredential(creds.api, { apiKey: sandbox.apiKey, baseUrl: `${sandbox.origin}/nope` });
			if (N8N_VERSION.startsWith('1.')) {
				// n8n 1.x's credential tester does not apply the credential's responseCode rules to the
				// error its request helper throws (no `cause.response`): n8n's own messages instead
				expect(bad).toEqual({ status: 'Error', message: 'Authorization failed - please check your credentials' });
				expect(wrongBase).toMatchObject({ status: 'Error' });
			} else {
				expect(bad).toEqual({ status: 'Error', message: expect.stringContaining('HuskyVoice rejected this API key') });
				expect(wrongBase).toEqual({ status: 'Error', message: expect.stringContaining('No HuskyVoice API at this Base URL') });
			}
		});

		test('HuskyVoice Inbound Webhook: a good token (+ signing secret) passes, a rotated token fails with our message', async () => {
			const good = await testCredential(creds.inbound!, {
				token: sandbox.inboundToken,
				baseUrl: sandbox.baseUrl,
				signingSecret: INBOUND_SECRET,
			});
			expect(good).toMatchObject({ status: 'OK' });
			// the whole inbound URL works as well as the bare token
			const asUrl = await testCredential(creds.inbound!, {
				token: `${sandbox.baseUrl}/hooks/${sandbox.inboundToken}`,
				baseUrl: 'https://api.huskyvoice.ai/v1',
				signingSecret: INBOUND_SECRET,
			});
			expect(asUrl).toMatchObject({ status: 'OK' });
			const bad = await testCredential(creds.inbound!, { token: 'revoked-token', baseUrl: sandbox.baseUrl, signingSecret: INBOUND_SECRET });
			expect(bad).toEqual({ status: 'Error', message: expect.stringContaining('HuskyVoice refused the token') });
			const wrongSecret = await testCredential(creds.inbound!, {
				token: sandbox.inboundToken,
				baseUrl: sandbox.baseUrl,
				signingSecret: 'not-the-secret',
			});
			expect(wrongSecret).toEqual({ status: 'Error', message: expect.stringContaining('refused the request signature') });
			const noSecret = await testCredential(creds.inbound!, { token: sandbox.inboundToken, baseUrl: sandbox.baseUrl });
			expect(noSecret).toEqual({ status: 'Error', message: expect.stringContaining('this hook requires signing') });
			// the test never cancelled anything real: only the fake call id was sent
			const sent = (await admin.requests({ method: 'POST', path: '/v1/hooks/' })).map((r) =>
				typeof r.body === 'string' ? JSON.parse(r.body) : r.body,
			);
			expect(sent.filter((b) => b?.data?.call_id === 'n8n-credential-test')).toHaveLength(5);
		});

		test('HuskyVoice Webhook Signing Secret: a pasted secret passes, a broken paste fails', async () => {
			const c = await stack.api.createCredential({
				name: 'Signing secret (test)',
				type: CREDENTIAL_TYPES.webhookSecret,
				data: { signingSecret: 'whsec_ok' },
			});
			expect(await testCredential(c, { signingSecret: 'whsec_0123abcd' })).toMatchObject({ status: 'OK' });
			expect(await testCredential(c, { signingSecret: 'whsec_01 23' })).toEqual({
				status: 'Error',
				message: expect.stringContaining('spaces or line breaks'),
			});
		});
	});

	describe('HuskyVoice Trigger, Automatic registration', () => {
		let workflowId: string;
		let hookUrl: string;
		let secret: string;
		let firstEventId: string;
		let concurrentEventId: string;
		let concurrentBody: string;
		let burstBodies: string[];
		let executionsSoFar: number;

		test('activation registers exactly one endpoint at the production URL', async () => {
			const wf = await stack.api.createWorkflow({
				name: 'trigger automatic',
				nodes: [
					{
						name: 'HuskyVoice Trigger',
						type: NODE_TYPES.trigger,
						typeVersion: 1,
						position: [0, 0],
						webhookId: randomUUID(),
						parameters: { registration: 'automatic', events: ['call.completed'] },
						credentials: apiCred(),
					},
				],
				connections: {},
			});
			workflowId = wf.id;
			const { webhooks } = await stack.activateAndWait(wf.id);
			expect(webhooks).toHaveLength(1);
			hookUrl = webhooks[0].url;
			const endpoints = await admin.webhooks();
			expect(endpoints).toEqual([
				expect.objectContaining({ url: hookUrl, events: ['call.completed'], created_via: 'api' }),
			]);
			secret = endpoints[0].secret;
		});

		test('a signed call.completed from HuskyVoice starts one execution with the normalised event', async () => {
			const callId = await createCallDirect();
			await admin.advance(callId, 'completed'); // the sandbox emits call.initiated/answered/completed; only completed is subscribed
			const event = await waitFor('the call.completed event', async () =>
				(await admin.events()).find((e) => e.event_type === 'call.completed' && JSON.parse(e.raw).data.call_id === callId),
			);
			firstEventId = event.event_id;
			const [delivery] = await admin.settledDeliveries(firstEventId);
			expect(delivery).toMatchObject({ url: hookUrl, status: 200, kind: 'original' });

			const [exec] = await stack.api.waitForExecutions(workflowId, 1, { includeData: true });
			expect(exec.status).toBe('success');
			const [item] = nodeOutput(exec, 'HuskyVoice Trigger');
			expect(item).toEqual({
				event_id: firstEventId,
				event_type: 'call.completed',
				created_at: expect.any(String),
				org_id: expect.any(String),
				data: expect.objectContaining({
					call_id: callId,
					status: 'completed',
					summary: expect.any(String),
					call_analytics: expect.objectContaining({ next_step: expect.any(String) }),
				}),
				attempt: 1,
				ending: 'completed',
				retryable: false,
				next_attempt_at: null,
				final: true,
			});
		});

		test('a forged or unsigned delivery is answered 401 and starts nothing', async () => {
			const body = JSON.stringify(callCompletedEvent('call_forged'));
			const forged = await deliverSigned(hookUrl, body, 'whsec_not_the_secret');
			expect(forged.status).toBe(401);
			expect(forged.json()).toEqual({ error: 'Invalid or missing signature' });
			const unsigned = await deliverSigned(hookUrl, body, null);
			expect(unsigned.status).toBe(401);
			// signed with the real secret but altered after signing
			const tampered = await deliverSigned(hookUrl, body.replace('call_forged', 'call_forgeX'), null, hmacHex(secret, body));
			expect(tampered.status).toBe(401);
			expect(await executionsAfterQuiet(stack.api, workflowId)).toHaveLength(1);
		});

		test('an event type that is not selected is acknowledged (200) and starts nothing', async () => {
			const body = JSON.stringify({ ...callCompletedEvent('call_x'), event_type: 'call.initiated' });
			const r = await deliverSigned(hookUrl, body, secret);
			expect(r.status).toBe(200);
			expect(r.json()).toMatchObject({ ignored: 'event not selected' });
			expect(await executionsAfterQuiet(stack.api, workflowId)).toHaveLength(1);
		});

		test('HuskyVoice redelivering the same event_id starts no second execution', async () => {
			await admin.redeliver(firstEventId, true);
			const deliveries = await admin.deliveries(firstEventId);
			expect(deliveries.map((d) => [d.kind, d.status])).toEqual([
				['original', 200],
				['redelivery', 200],
			]);
			expect(await executionsAfterQuiet(stack.api, workflowId)).toHaveLength(1);
		});

		test('five deliveries of one new event sent at the same moment start exactly one execution', async () => {
			const event = callCompletedEvent(await createCallDirect());
			concurrentEventId = event.event_id as string;
			const body = JSON.stringify(event);
			concurrentBody = body;
			const answers = await Promise.all(Array.from({ length: 5 }, () => deliverSigned(hookUrl, body, secret)));
			expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
			const ignored = answers.filter((a) => /already delivered/.test(a.text));
			expect(ignored).toHaveLength(4);
			const execs = await executionsAfterQuiet(stack.api, workflowId);
			expect(execs).toHaveLength(2);
		});

		test('five different events sent at the same moment start five executions (measures the static-data store)', async () => {
			const events = Array.from({ length: 5 }, (_, i) => callCompletedEvent(`call_burst_${i}`));
			burstBodies = events.map((e) => JSON.stringify(e));
			const answers = await Promise.all(burstBodies.map((b) => deliverSigned(hookUrl, b, secret)));
			expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
			await stack.api.waitForExecutions(workflowId, 7);
			expect(await executionsAfterQuiet(stack.api, workflowId, 1000)).toHaveLength(7);
		});

		/*
		 * What the trigger's dedupe really guarantees across a restart, measured in n8n 2.41.1:
		 *  - process memory catches every duplicate while the n8n process lives (tests above);
		 *  - workflow static data written in webhook() is saved only when that delivery starts NO
		 *    execution. WorkflowRunner.run() wraps the same static-data object in another Workflow
		 *    (workflow-runner.js › establishContextForPersistence) and ObservableObject.create
		 *    redefines its __dataChanged flag as false, so the save after the webhook
		 *    (live-webhooks.js › saveStaticData) is skipped. An id recorded by an ignored duplicate
		 *    is saved (if the node keeps a static-data store at all).
		 * So after a restart, exactly the ids present in static data are recognised; an event that
		 * arrived exactly once before the restart starts a second execution when redelivered.
		 * The assertions below hold whichever store the trigger uses and report what it kept.
		 */
		test('after an n8n restart: the endpoint is kept; exactly the ids in static data are recognised (measured)', async () => {
			const seenIds = async (): Promise<string[]> =>
				(((await stack.api.getWorkflow(workflowId)).staticData as any)?.['node:HuskyVoice Trigger']?.seenEvents ?? []).map(
					(e: [string, number]) => e[0],
				);
			const burstIds = burstBodies.map((b) => JSON.parse(b).event_id as string);
			const bodies = new Map<string, string>([
				[concurrentEventId, concurrentBody],
				...burstBodies.map((b, i) => [burstIds[i], b] as [string, string]),
			]);
			const persisted = await seenIds();
			// delivered once each, each starting an execution: n8n 2.41.1 never saves these ids
			expect(burstIds.filter((id) => persisted.includes(id))).toEqual([]);

			await stack.restartN8n();
			await stack.api.waitForWebhook(hookUrl, { timeoutMs: 60_000 });
			// re-activation on start: checkExists() found the stored endpoint, nothing re-registered
			expect((await admin.webhooks()).map((w) => w.url)).toEqual([hookUrl]);

			// process memory is gone now; every earlier event once more, one at a time
			const verdicts: Record<string, string> = {};
			await admin.redeliver(firstEventId, true);
			const [, , last] = await admin.deliveries(firstEventId);
			expect(last.status).toBe(200);
			for (const [id, body] of bodies) {
				const r = await deliverSigned(hookUrl, body, secret);
				expect(r.status).toBe(200);
				verdicts[id] = /already delivered/.test(r.text) ? 'ignored' : 'executed';
			}
			const executed = Object.values(verdicts).filter((v) => v === 'executed').length;
			await stack.api.waitForExecutions(workflowId, 7 + executed);
			const after = await executionsAfterQuiet(stack.api, workflowId);
			const firstExecutedAgain = after.length - 7 - executed === 1;
			verdicts[firstEventId] = firstExecutedAgain ? 'executed' : 'ignored';
			console.log(
				`dedupe across a restart: static data held ${persisted.length} id(s); redelivered after the restart: ${JSON.stringify(
					Object.entries(verdicts).map(([id, v]) => `${id === firstEventId ? 'first' : id === concurrentEventId ? 'concurrent' : 'burst'}:${v}`),
				)}`,
			);
			for (const [id, v] of Object.entries(verdicts)) {
				expect({ id, verdict: v }).toEqual({ id, verdict: persisted.includes(id) ? 'ignored' : 'executed' });
			}
			expect(after).toHaveLength(7 + Object.values(verdicts).filter((v) => v === 'executed').length);
			executionsSoFar = after.length;

			// …and process memory catches every further duplicate again
			const third = await Promise.all([...bodies.values()].map((b) => deliverSigned(hookUrl, b, secret)));
			expect(third.map((r) => r.json().ignored)).toEqual(Array(bodies.size).fill('event already delivered'));
			expect(await executionsAfterQuiet(stack.api, workflowId)).toHaveLength(executionsSoFar);
		});

		test('deactivation removes the endpoint from HuskyVoice', async () => {
			await stack.deactivateAndWait(workflowId);
			// n8n runs the node's delete() around the time the webhook goes: wait for it to reach HuskyVoice
			await waitFor('the endpoint to be deleted', async () => (await admin.webhooks()).length === 0, { timeoutMs: 20_000 });
			expect(await admin.webhooks()).toEqual([]);
			expect((await admin.requests({ method: 'DELETE', path: '/v1/webhooks/' })).map((r) => r.path)).toHaveLength(1);
			// a late delivery to the old URL is not served any more
			expect(await stack.api.webhookRegistered(hookUrl)).toBe(false);
		});
	});

	describe('HuskyVoice Trigger, Manual registration (secret pasted into the credential)', () => {
		test('the dashboard endpoint’s signed events start executions; other secrets are refused', async () => {
			// What the user does in the dashboard, then in n8n.
			const { workflow: wf, url, endpoint } = await createManualTriggerWorkflow(stack, admin, {
				name: 'trigger manual',
				credentialName: 'HuskyVoice signing secret',
				events: ['call.completed', 'call.failed'],
				options: { includeRawPayload: true },
			});
			const { webhooks } = await stack.activateAndWait(wf.id);
			expect(webhooks.map((w) => w.url)).toEqual([url]);
			expect((await admin.webhooks()).map((w) => w.id)).toEqual([endpoint.id]); // the node registered nothing itself

			const failing = await createCallDirect('+919800001111'); // ends failed: no_answer
			await admin.advance(failing, 'failed');
			const [exec] = await stack.api.waitForExecutions(wf.id, 1, { includeData: true });
			const [item] = nodeOutput(exec, 'HuskyVoice Trigger');
			expect(item).toMatchObject({ event_type: 'call.failed', data: expect.objectContaining({ call_id: failing, status: 'failed' }) });
			expect(item.raw).toMatchObject({ event_type: 'call.failed', event_id: item.event_id });

			const forged = await deliverSigned(url, JSON.stringify(callCompletedEvent('call_x')), 'whsec_other');
			expect(forged.status).toBe(401);
			expect(await executionsAfterQuiet(stack.api, wf.id)).toHaveLength(1);

			await stack.deactivateAndWait(wf.id);
			expect((await admin.webhooks()).map((w) => w.id)).toEqual([endpoint.id]); // Manual: left for the user
			await admin.deleteWebhook(endpoint.id);
		});
	});

	test('no execution of ours ended in error except the ones provoked on purpose', async () => {
		const errors = (await stack.api.listExecutions({ status: 'error' })).length;
		expect(errors).toBe(3); // cancel-late, slot full, wrong inbound secret
	});
});
