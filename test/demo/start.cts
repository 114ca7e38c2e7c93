/**
 * `npm start`: a real n8n 2.41.1 with this package installed, ready to click through.
 *
 *   npm start                                   # local HuskyVoice sandbox, everything wired and active
 *   HUSKYVOICE_API_KEY=sk_live_… npm start      # your real HuskyVoice account instead (nothing activated)
 *
 * Sandbox mode: starts the HuskyVoice sandbox (calls move on every 3 s, signed events flow to
 * n8n), a private n8n + Postgres (runner in test/e2e/runner), the owner account, credentials
 * pointing at the sandbox (API, inbound webhook with request signing, a webhook signing secret),
 * imports the six example workflows, adds their HuskyVoice Triggers' Production URLs in the
 * sandbox's dashboard (the examples use Manual registration, as a real account needs), stores each
 * endpoint's signing secret in a credential, and activates them; creates the Data Table
 * "HuskyVoice campaign contacts" and imports and activates the three call-campaign workflows
 * (examples/campaign/, docs/campaigns.md) wired to it.
 *
 * Real mode (`HUSKYVOICE_API_KEY` set): credentials for https://api.huskyvoice.ai/v1 (or
 * `HUSKYVOICE_BASE_URL`), the inbound credential only with `HUSKYVOICE_INBOUND_URL` (+ optional
 * `HUSKYVOICE_INBOUND_SIGNING_SECRET`); examples imported but NOT activated (they would place
 * real calls); their triggers wait for you to add their URLs in the HuskyVoice dashboard.
 *
 * Ports: n8n on `HUSKYVOICE_DEMO_PORT` (default 5678, a free one if taken); the sandbox on
 * `HUSKYVOICE_SANDBOX_PORT` (default 4010, a free one if taken). Ctrl-C stops everything (n8n,
 * Postgres; the sandbox lives in this process).
 */
import * as net from 'node:net';
import { startSandbox, type Sandbox } from '../sandbox/sandbox.cjs';
import { runStart } from '../e2e/runner/cli.cjs';
import { onSignalCleanup } from '../e2e/runner/procs.cjs';
import { setLogPrefix } from '../e2e/runner/util.cjs';
import {
	createHuskyCredentials,
	type HuskyCredentials,
	HuskyTarget,
	type ImportedExample,
	importExamples,
	SandboxAdmin,
} from '../e2e/husky.cjs';
import { realAccountFromEnv } from './realAccount.cjs';
import { importCampaign } from '../e2e/campaign.cjs';

const DEMO_INBOUND_SECRET = 'insec_demo_sandbox_signing_secret';

function portFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/** The wanted port when it is free, else undefined (= let the caller pick a free one). */
async function preferredPort(envName: string, fallback: number): Promise<number | undefined> {
	const wanted = Number(process.env[envName] ?? fallback);
	if (!Number.isInteger(wanted) || wanted <= 0) throw new Error(`${envName} must be a port number`);
	if (await portFree(wanted)) return wanted;
	process.stderr.write(`port ${wanted} is taken; using a free one (set ${envName} to choose)\n`);
	return undefined;
}

/** The entry webhooks' URLs of the imported examples, by node name. */
function webhookUrl(examples: ImportedExample[], node: string): string {
	const url = examples.map((e) => e.webhookUrls[node]).find(Boolean);
	if (!url) throw new Error(`no active webhook "${node}" among the imported examples`);
	return url;
}

/**
 * One curl per example entry point, complete: the body, and for the during-call lookup the
 * Header Auth header with the value this run stored in its credential (test/e2e/demo.e2e runs
 * every line printed here through bash).
 */
function exampleCommands(examples: ImportedExample[], creds: HuskyCredentials, adminUrl: string): string[] {
	const json = "-H 'content-type: application/json'";
	const lookup = creds.lookupHeader;
	if (!lookup) throw new Error('the during-call lookup example needs its Header Auth credential');
	return [
		'    Appointment confirmation (the patient is called; on call.completed the appointment is confirmed):',
		`      curl -X POST ${webhookUrl(examples, 'New appointment')} ${json} \\`,
		`        -d '{"appointment_id":"apt_1002","patient_name":"Aarav Sharma","phone":"+919876543210"}'`,
		'    Instant lead qualification (called at once; Wait for Outcome tags the lead):',
		`      curl -X POST ${webhookUrl(examples, 'New lead')} ${json} \\`,
		`        -d '{"lead_id":"L-1","name":"Kabir Rao","phone":"+919900112233","email":"kabir@example.com","source":"website"}'`,
		'    Payment reminder, then "invoice paid" cancels the reminder call (the first answer carries its call_id):',
		`      CALL_ID=$(curl -s -X POST ${webhookUrl(examples, 'Invoice due')} ${json} \\`,
		`        -d '{"invoice_id":"INV-1","amount":1999,"due_date":"2030-06-01","customer_name":"Diya Patel","phone":"+919812345678"}' \\`,
		`        | sed -E 's/.*"call_id":"([^"]*)".*/\\1/'); echo "call_id $CALL_ID"`,
		`      curl -X POST ${webhookUrl(examples, 'Invoice paid')} ${json} \\`,
		`        -d "{\\"invoice_id\\":\\"INV-1\\",\\"call_id\\":\\"$CALL_ID\\"}"`,
		`    During-call availability lookup (n8n Header Auth credential "${lookup.credential.name}": header ${lookup.name}):`,
		`      curl -X POST ${webhookUrl(examples, 'Availability request')} ${json} \\`,
		`        -H '${lookup.name}: ${lookup.value}' -d '{"date":"2030-06-03","session":"Morning"}'`,
		'  Appointment events come only from the AI agent and the dashboard (none for REST writes); in the sandbox:',
		'    AI agent books during a call (booking sync hears appointment.created):',
		`      curl -X POST ${adminUrl}/appointments/agent-booking ${json} \\`,
		`        -d '{"appointment_type":"Vaccination","appointment_date":"2030-06-03T17:15:00Z","patient_name":"Zara Khan","parent_phone":"+919833344455","branch_id":"br_koramangala"}'`,
		'    A change "in the dashboard" (booking sync hears appointment.updated):',
		`      curl -X POST ${adminUrl}/appointments/apt_1003/dashboard-change ${json} \\`,
		`        -d '{"assigned_doctor":"Dr. Kavya Menon"}'`,
	];
}

async function sandboxMode(): Promise<void> {
	const sandboxPort = (await preferredPort('HUSKYVOICE_SANDBOX_PORT', 4010)) ?? 0;
	const sandbox: Sandbox = await startSandbox({ port: sandboxPort, autoAdvanceMs: 3000, inboundSigningSecret: DEMO_INBOUND_SECRET });
	onSignalCleanup(() => sandbox.stop());
	const admin = new SandboxAdmin(sandbox.adminUrl);
	const target: HuskyTarget = {
		baseUrl: sandbox.baseUrl,
		apiKey: sandbox.apiKey,
		inboundToken: sandbox.inboundToken,
		inboundSigningSecret: DEMO_INBOUND_SECRET,
	};
	try {
		await runStart({
			label: 'demo',
			port: await preferredPort('HUSKYVOICE_DEMO_PORT', 5678),
			afterStart: async (stack) => {
				const creds = await createHuskyCredentials(stack.api, target, 'HuskyVoice');
				const examples = await importExamples(stack, creds, { activate: true, dashboard: admin });
				const campaign = await importCampaign(stack, creds, { dashboard: admin });
				const endpoints = [...examples.flatMap((ex) => ex.endpoints), ...campaign.endpoints].map((e) => `    ${e.node.padEnd(20)} ${e.url}`);
				const mcpUrl = examples.find((e) => e.file === 'ai-tools-mcp.json')?.webhookUrls[MCP_TRIGGER];
				return [
					'',
					'HuskyVoice: local SANDBOX (no real calls; calls move on every 3 s and send signed events)',
					`  Sandbox API:  ${sandbox.baseUrl}   API key ${sandbox.apiKey}`,
					`  Inbound hook: ${sandbox.baseUrl}/hooks/${sandbox.inboundToken}   signing secret ${DEMO_INBOUND_SECRET}`,
					`  Admin API:    ${sandbox.adminUrl}   (GET it; /calls, /events, /deliveries, /appointments)`,
					`  Credentials:  "HuskyVoice API", "HuskyVoice Inbound Webhook", "${creds.lookupHeader?.credential.name}" (n8n Header Auth),`,
					'                one "HuskyVoice Webhook Signing Secret (…)" per trigger',
					`  Workflows:    ${examples.map((e) => `"${e.name}"`).join(', ')} — all active`,
					'  Trigger URLs added in the sandbox dashboard for you (Manual registration; on a real account you add them',
					'  under Integrations → Outbound Webhooks → Add Endpoint):',
					...endpoints,
					'  Try the examples — each command runs as printed (copy and paste; see examples/README.md):',
					...exampleCommands(examples, creds, sandbox.adminUrl),
					`  MCP server:   ${mcpUrl}   (HuskyVoice tools for AI assistants, Streamable HTTP or SSE)`,
					`                header Authorization: Bearer ${creds.mcpBearer?.token}   (see docs/ai-agents.md)`,
					`  Call campaign (docs/campaigns.md): Data Table "${campaign.table.name}", workflows "HuskyVoice campaign: dispatcher",`,
					'  "…: results" and "…: add contacts" — active. Add contacts in the form (one "name, phone" per line; numbers ending',
					'  1111 are not answered, 0000 are on DND); the dispatcher calls them every minute while 09:00–20:00 in Kolkata:',
					`    ${campaign.formUrl}`,
				];
			},
		});
	} catch (e) {
		await sandbox.stop();
		throw e;
	}
}

/** The MCP example's trigger (its URL is printed with the bearer token instead of a curl). */
const MCP_TRIGGER = 'MCP Server Trigger';

async function realMode(apiKey: string, baseUrl: string): Promise<void> {
	const inboundUrl = process.env.HUSKYVOICE_INBOUND_URL;
	const target: HuskyTarget = {
		baseUrl,
		apiKey,
		inboundToken: inboundUrl || undefined,
		inboundSigningSecret: process.env.HUSKYVOICE_INBOUND_SIGNING_SECRET || undefined,
	};
	await runStart({
		label: 'demo',
		port: await preferredPort('HUSKYVOICE_DEMO_PORT', 5678),
		afterStart: async (stack) => {
			const creds = await createHuskyCredentials(stack.api, target, 'HuskyVoice');
			const examples = await importExamples(stack, creds, { activate: false });
			const campaign = await importCampaign(stack, creds, { activate: false });
			return [
				'',
				`HuskyVoice: your REAL account at ${baseUrl} (API key from HUSKYVOICE_API_KEY)`,
				`  Credentials:  "HuskyVoice API"${creds.inbound ? ', "HuskyVoice Inbound Webhook"' : ' (set HUSKYVOICE_INBOUND_URL for the inbound-webhook credential)'}`,
				`  Workflows:    ${examples.map((e) => `"${e.name}"`).join(', ')} — imported, NOT active:`,
				'                set your agent IDs; for each HuskyVoice Trigger add its Production URL in the dashboard',
				'                (Integrations → Outbound Webhooks → Add Endpoint; HuskyVoice must be able to reach this n8n)',
				'                and put the endpoint’s signing secret in a credential; then activate (they place real calls).',
				`  Campaign:     Data Table "${campaign.table.name}" and the three "HuskyVoice campaign: …" workflows, NOT active (docs/campaigns.md).`,
			];
		},
	});
}

async function main(): Promise<void> {
	setLogPrefix('npm start');
	const { apiKey, baseUrl } = realAccountFromEnv();
	if (apiKey) await realMode(apiKey, baseUrl);
	else await sandboxMode();
}

main().catch((e: unknown) => {
	process.stderr.write(`npm start failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
	process.exit(1);
});
