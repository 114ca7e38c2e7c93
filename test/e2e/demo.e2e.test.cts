/**
 * `npm start` for real, then the editor through a real browser:
 *  - runs the demo (`.cache/tools/test/demo/start.cjs`, compiled here) as a child process, as
 *    `npm start` does after building, on free ports; waits for its banner;
 *  - the printed login works, the six examples are active (their Manual-registration triggers'
 *    URLs added in the sandbox dashboard for the user), the
 *    HuskyVoice nodes are registered as AI Agent tools (`…Tool` node types), and the sandbox's
 *    calls move on by themselves so a lead posted to the example webhook ends up tagged;
 *  - headless Chromium (Debian's package) signs in and captures test/e2e/screenshots/*.png,
 *    and the page's DOM must show our nodes, their icons (loaded), actions and parameters;
 *  - every example command the banner prints (curl, the lookup with its Header Auth header) runs
 *    as printed through bash, each answered 2xx;
 *  - Ctrl-C (SIGINT) stops everything: the process exits, no process of its run is left, the
 *    run folder is gone and the ports are closed.
 *
 * Run: npm run build && npx jest --selectProjects e2e test/e2e/demo.e2e.test.cts
 * Needs /usr/bin/chromium: apt-get install -y --no-install-recommends chromium
 */
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SandboxAdmin, waitForNodeOutput } from './husky.cjs';
import { freePort, N8nApi, repoRoot, request, waitFor } from './runner/index.cjs';
import { processesOfRun } from './runner/procs.cjs';
import type { INodeTypeDescription } from 'n8n-workflow';
import { panelActions, PICTURES, readManifest } from './screenshotManifest.cjs';
import { captureScreenshots, chromiumMissingMessage, CHROMIUM, type ScreenshotReport } from './screenshots.cjs';

jest.setTimeout(10 * 60_000);

const ROOT = repoRoot();
const DEMO = path.join(ROOT, '.cache', 'tools', 'test', 'demo', 'start.cjs');

const execFileAsync = promisify(execFile);

/** The banner's commands: a line starting `curl ` or `NAME=$(curl `, continued while a line ends in `\\`. */
function bannerCommands(text: string): string[] {
	const lines = text.split('\n');
	const commands: string[] = [];
	for (let i = 0; i < lines.length; i++) {
		if (!/^\s*(curl |[A-Z_]+=\$\(curl )/.test(lines[i])) continue;
		const block = [lines[i].trim()];
		while (block[block.length - 1].endsWith('\\') && i + 1 < lines.length) block.push(lines[++i].trim());
		commands.push(block.join('\n'));
	}
	return commands;
}

describe('npm start demo + editor screenshots (headless Chromium)', () => {
	let child: ChildProcess;
	let output = '';
	let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	let editorUrl: string;
	let sandboxAdminUrl: string;
	let runDir: string;
	let api: N8nApi;
	let report: ScreenshotReport;
	const t0 = Date.now();
	const banner = (label: string) => {
		const m = new RegExp(`${label}\\s+(\\S+)`).exec(output);
		if (!m) throw new Error(`no "${label}" in the demo's output:\n${output}`);
		return m[1];
	};

	beforeAll(async () => {
		// what `npm start` runs after `npm run build`: the tools compiled with tsc (a type error
		// elsewhere in test/ must not stop this suite, so only the emitted file is required)
		const tTsc = Date.now();
		let tscMs = 0;
		try {
			execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.tools.json'], { cwd: ROOT, stdio: 'pipe' });
		} catch (e) {
			console.warn(`tsc -p tsconfig.tools.json reported errors:\n${String((e as { stdout?: Buffer }).stdout ?? e).slice(0, 2000)}`);
		}
		tscMs = Date.now() - tTsc;
		expect(fs.statSync(DEMO).mtimeMs).toBeGreaterThanOrEqual(tTsc - 1000);

		const [port, sandboxPort] = [await freePort(), await freePort()];
		child = spawn(process.execPath, [DEMO], {
			cwd: ROOT,
			env: { ...process.env, HUSKYVOICE_API_KEY: '', HUSKYVOICE_DEMO_PORT: String(port), HUSKYVOICE_SANDBOX_PORT: String(sandboxPort) },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
		child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
		await waitFor(
			'the demo banner',
			() => {
				if (child.exitCode !== null) throw new Error(`the demo exited (${child.exitCode}):\n${output}`);
				return output.includes('Press Ctrl-C to stop everything');
			},
			{ timeoutMs: 5 * 60_000, intervalMs: 250 },
		);
		editorUrl = banner('Editor:').replace(/\/+$/, '');
		sandboxAdminUrl = banner('Admin API:');
		runDir = path.dirname(banner('Logs:'));
		expect(editorUrl).toBe(`http://127.0.0.1:${port}`);
		expect(sandboxAdminUrl).toBe(`http://127.0.0.1:${sandboxPort}/__admin`);
		console.log(`tsc ${(tscMs / 1000).toFixed(1)} s; demo up ${((Date.now() - t0 - tscMs) / 1000).toFixed(1)} s after it was started`);
	});

	afterAll(async () => {
		if (child && child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL'); // its n8n/Postgres die with it (pdeathsig) and are reaped by the next run
			await exit;
		}
	});

	test('the printed login works; the examples are imported and active, their trigger URLs added in the sandbox dashboard', async () => {
		api = new N8nApi(editorUrl);
		await api.login(banner('Login:'), /Login:\s+\S+\s+\/\s+(\S+)/.exec(output)![1]);
		api.apiKey = banner('API key:');
		const workflows = await api.rest<Array<{ name: string; active: boolean }>>('GET', '/workflows');
		expect(workflows.map((w) => [w.name, w.active]).sort()).toEqual([
			['HuskyVoice campaign: add contacts', true],
			['HuskyVoice campaign: dispatcher', true],
			['HuskyVoice campaign: results', true],
			['HuskyVoice: appointment confirmation calls', true],
			['HuskyVoice: booking sync', true],
			['HuskyVoice: during-call availability lookup', true],
			['HuskyVoice: instant lead qualification', true],
			['HuskyVoice: payment reminder with auto-stop', true],
			['HuskyVoice: tools for AI assistants (MCP)', true],
		]);
		// the MCP example's server is printed with its token, and refuses a client without it
		const mcpUrl = banner('MCP server:');
		expect(mcpUrl).toBe(`${editorUrl}/mcp/huskyvoice-tools`);
		expect(output).toMatch(/header Authorization: Bearer mcp_[0-9a-f]{32}/);
		expect((await request('POST', mcpUrl, { body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } })).status).toBe(403);
		// three HuskyVoice endpoints (one per example trigger: appointment confirmation, booking sync, the campaign's
		// results), all added "in the dashboard" (Manual registration); lead qualification waits for its call's outcome in one flow
		const endpoints = await new SandboxAdmin(sandboxAdminUrl).webhooks();
		expect(endpoints.map((e) => e.created_via)).toEqual(['dashboard', 'dashboard', 'dashboard']);
	});

	test('the action nodes are available to n8n’s AI Agent as tools', async () => {
		const names = (await api.getNodeTypes()).map((t) => t.name).filter((n) => n.startsWith('n8n-nodes-huskyvoice.'));
		expect([...new Set(names)].sort()).toEqual([
			'n8n-nodes-huskyvoice.huskyVoice',
			'n8n-nodes-huskyvoice.huskyVoiceInboundWebhook',
			'n8n-nodes-huskyvoice.huskyVoiceInboundWebhookTool',
			'n8n-nodes-huskyvoice.huskyVoiceTool',
			'n8n-nodes-huskyvoice.huskyVoiceTrigger',
		]);
		const tool = (await api.getNodeTypes()).find((t) => t.name === 'n8n-nodes-huskyvoice.huskyVoiceTool')!;
		expect(JSON.stringify(tool.outputs)).toMatch(/ai_tool/);
	});

	let leadPosted: number;
	test('a lead posted to the example webhook is called at once through the API (sandbox calls move on by themselves)', async () => {
		const r = await request('POST', `${editorUrl}/webhook/huskyvoice-new-lead`, {
			body: { lead_id: 'L-DEMO', name: 'Demo Lead', phone: '+919876500001', email: 'demo@example.com', source: 'demo' },
		});
		expect(r.status).toBe(200);
		leadPosted = Date.now();
		const call = await waitFor('the lead call', async () =>
			(await new SandboxAdmin(sandboxAdminUrl).calls()).find((c) => c.additional_info?.lead_id === 'L-DEMO'),
		);
		// POST /calls answers `scheduled` (the inbound hook would say `queued`)
		expect(call.status).toBe('scheduled');
	});

	test('headless Chromium signs in and captures the editor with our nodes (DOM-checked)', async () => {
		if (!fs.existsSync(CHROMIUM)) throw new Error(chromiumMissingMessage());
		const t = Date.now();
		// Tests write to test-results/ (git-ignored); the committed README images are refreshed by running
		// `node .cache/tools/test/e2e/screenshots.cjs` against a running `npm start`.
		report = await captureScreenshots({
			url: editorUrl,
			outDir: process.env.E2E_SCREENSHOT_DIR ?? path.join(repoRoot(), 'test-results', 'screenshots'),
		});
		console.log(`screenshots in ${((Date.now() - t) / 1000).toFixed(1)} s: ${report.files.map((f) => path.basename(f)).join(', ')}`);
		expect(report.files.map((f) => path.basename(f)).sort()).toEqual(Object.keys(PICTURES).sort());
		expect(readManifest(path.dirname(report.manifest)).huskyVoiceActions).toEqual(report.actions);
		for (const f of report.files) {
			const png = fs.readFileSync(f);
			expect(png.subarray(1, 4).toString()).toBe('PNG');
			expect(png.length).toBeGreaterThan(20_000);
		}
		expect(report.canvas['HuskyVoice: appointment confirmation calls']).toEqual(
			expect.arrayContaining(['New appointment', 'Call patient', 'Call completed', 'Appointment call?', 'Confirm appointment']),
		);
		expect(report.canvas['HuskyVoice: instant lead qualification']).toEqual(
			expect.arrayContaining(['New lead', 'Call lead and wait', 'Tag lead', 'Schedule retry', 'Note for later']),
		);
		// our icon, served by n8n from the package and rendered by the browser, on each HuskyVoice node
		expect(report.canvasIcons.length).toBeGreaterThanOrEqual(3);
		for (const icon of [...report.canvasIcons, ...report.panelIcons]) {
			expect(icon).toEqual({ src: '/icons/n8n-nodes-huskyvoice/dist/nodes/shared/huskyvoice.svg', width: expect.any(Number) });
			expect(icon.width).toBeGreaterThan(0);
		}
		expect(report.panelNodes).toEqual(expect.arrayContaining(['HuskyVoice', 'HuskyVoice Inbound Webhook']));
		// every action of the node, as its description defines them (the packed node's, as n8n loaded it)
		const description = (await api.getNodeTypes()).find((t) => t.name === 'n8n-nodes-huskyvoice.huskyVoice')!;
		expect([...report.actions].sort()).toEqual(panelActions(description as unknown as INodeTypeDescription).sort());
		expect([...report.servicePicker].sort()).toEqual(['Consultation', 'Follow-up visit', 'Vaccination']);
		expect(report.parameters).toEqual(expect.arrayContaining(['Resource', 'Operation', 'Agent ID', 'Contact Number']));
	});

	test('…and the lead is tagged once the call completed (Create with Wait for Outcome, Completed output)', async () => {
		const wf = (await api.rest<Array<{ id: string; name: string }>>('GET', '/workflows')).find((w) => /lead qualification/.test(w.name))!;
		const { item } = await waitForNodeOutput(api, wf.id, 'Tag lead', (i) => i.lead_id === 'L-DEMO', { timeoutMs: 60_000 });
		console.log(`lead tagged ${((Date.now() - leadPosted) / 1000).toFixed(1)} s after it was posted`);
		expect(item).toMatchObject({ lead_id: 'L-DEMO', tag: 'hot', outcome: 'confirmed' });
	});

	test('every example command the banner prints runs as printed (bash + curl), the during-call lookup with its header', async () => {
		const commands = bannerCommands(output);
		expect(commands.length).toBeGreaterThanOrEqual(7);
		expect(commands.find((c) => c.includes('/webhook/huskyvoice-availability'))).toMatch(/-H 'X-Lookup-Key: lookup_[0-9a-f]{32}'/);
		// One shell, as a user pasting them in order (the payment example's second command uses the
		// first one's CALL_ID); curl fails on any non-2xx answer, and each answer is printed under a marker.
		const script = [
			'set -eo pipefail',
			'curl() { command curl --fail-with-body -sS "$@"; echo; }',
			...commands.flatMap((command, i) => [`echo '### ${i}'`, command]),
		].join('\n');
		const { stdout } = await execFileAsync('bash', ['-c', script], { timeout: 120_000 }).catch((e: { stdout?: string; stderr?: string }) => {
			throw new Error(`a banner command failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n--- script ---\n${script}`);
		});
		const answers = stdout.split(/^### \d+$/m).slice(1).map((a) => a.trim());
		expect(answers).toHaveLength(commands.length);
		const answerTo = (needle: string) => answers[commands.findIndex((c) => c.includes(needle))];
		expect(answerTo('huskyvoice-invoice-due')).toMatch(/^call_id call_\S+$/m);
		expect(JSON.parse(answerTo('huskyvoice-availability'))).toMatchObject({ date: '2030-06-03', answer: expect.stringMatching(/^Open on 2030-06-03/) });
		const calls = await new SandboxAdmin(sandboxAdminUrl).calls();
		expect(calls.map((c) => c.contact_number)).toEqual(expect.arrayContaining(['+919876543210', '+919900112233', '+919812345678']));
	});

	test('Ctrl-C (SIGINT) stops n8n, Postgres and the sandbox and leaves nothing behind', async () => {
		expect(processesOfRun(runDir).length).toBeGreaterThan(0);
		const t = Date.now();
		child.kill('SIGINT');
		const { code } = await exit;
		console.log(`demo stopped ${((Date.now() - t) / 1000).toFixed(1)} s after SIGINT`);
		expect(code).toBe(130);
		expect(processesOfRun(runDir)).toEqual([]);
		expect(fs.existsSync(runDir)).toBe(false);
		await expect(request('GET', `${editorUrl}/healthz`, { timeoutMs: 2000 })).rejects.toThrow();
		await expect(request('GET', sandboxAdminUrl, { timeoutMs: 2000 })).rejects.toThrow();
	});
});
