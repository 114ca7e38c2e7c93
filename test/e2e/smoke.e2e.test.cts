/**
 * Smoke test of the real-n8n runner: a private n8n 2.41.1 + Postgres 15 starts with community
 * packages installed from tarballs, loads them, runs and activates workflows through the API,
 * and leaves nothing running.
 *
 * Packages installed:
 *  - test/e2e/fixtures/smoke-package (a plain-JS node + a webhook trigger that can refuse to
 *    activate): always, so the runner's helpers are checked even before the real package builds;
 *  - this repository, `npm pack`ed, when `dist/` is built (`npm run build`): then n8n must list
 *    the HuskyVoice node types, the generated tool variant and the credential types, and serve
 *    the icons.
 *
 * Run: npx jest --selectProjects e2e test/e2e/smoke.e2e.test.cts
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { N8N_VERSION, N8nStack, nodeOutput, packRepo, repoRoot, request, startN8nStack } from './runner/index.cjs';
import { processesOfRun } from './runner/procs.cjs';

jest.setTimeout(20 * 60_000); // includes a first-time n8n install (~3-6 min) on a fresh machine

const ROOT = repoRoot();
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
};
// the real package is checked once it is built (the nodes are written concurrently with this suite)
const realBuilt =
	fs.existsSync(path.join(ROOT, 'dist/nodes/HuskyVoice/HuskyVoice.node.js')) &&
	[...PKG.n8n.nodes, ...PKG.n8n.credentials].every((f) => fs.existsSync(path.join(ROOT, f)));
const withRealPackage = realBuilt ? test : test.skip;
const SMOKE = 'n8n-nodes-e2e-smoke';

describe('real n8n (runner smoke test)', () => {
	let stack: N8nStack;
	let packDir: string;
	const t0 = Date.now();

	/** A workflow with only the fixture package's webhook trigger, named "Hook". */
	const createSmokeTriggerWorkflow = (name: string, parameters: Record<string, unknown>) =>
		stack.api.createWorkflow({
			name,
			nodes: [
				{
					name: 'Hook',
					type: `${SMOKE}.e2eSmokeTrigger`,
					typeVersion: 1,
					position: [0, 0],
					webhookId: randomUUID(),
					parameters,
				},
			],
			connections: {},
		});

	beforeAll(async () => {
		if (!realBuilt) {
			console.warn(`dist/ of ${PKG.name} is not built: only the fixture package is checked (run \`npm run build\` first)`);
		}
		packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'husky-smoke-pack-'));
		const tPack = Date.now();
		const tarballs = [await packRepo(packDir, path.join(__dirname, 'fixtures', 'smoke-package'))];
		if (realBuilt) tarballs.push(await packRepo(packDir));
		const packMs = Date.now() - tPack;
		stack = await startN8nStack({ tarball: tarballs, label: 'smoke' });
		console.log(
			`real n8n ready in ${((Date.now() - t0) / 1000).toFixed(1)} s — pack ${(packMs / 1000).toFixed(1)}s, ${stack.timings.report()}`,
		);
	});

	afterAll(async () => {
		await stack?.stop();
		if (packDir) fs.rmSync(packDir, { recursive: true, force: true });
	});

	test('n8n loads the fixture package (node, generated tool variant, trigger)', async () => {
		const names = (await stack.api.getNodeTypes()).map((t) => t.name).filter((n) => n.startsWith(`${SMOKE}.`));
		expect(names.sort()).toEqual([`${SMOKE}.e2eSmoke`, `${SMOKE}.e2eSmokeTool`, `${SMOKE}.e2eSmokeTrigger`]);
	});

	withRealPackage('n8n lists the HuskyVoice node types, tool variants, credentials and icons', async () => {
		// what the built package declares (class instances from dist/)
		const declared = (files: string[]) =>
			files.map((f) => {
				const mod = require(path.join(ROOT, f)) as Record<string, new () => any>;
				return new (Object.values(mod)[0])();
			});
		const nodes = declared(PKG.n8n.nodes).map((n) => ({
			name: `${PKG.name}.${n.description.name}`,
			usableAsTool: Boolean(n.description.usableAsTool ?? n.nodeVersions?.[n.currentVersion]?.description?.usableAsTool),
		}));
		const credentials = declared(PKG.n8n.credentials).map((c) => c.name as string);

		const types = (await stack.api.getNodeTypes()).filter((t) => t.name.startsWith(`${PKG.name}.`));
		const names = [...new Set(types.map((t) => t.name))].sort();
		expect(names).toContain(`${PKG.name}.huskyVoice`);
		// n8n 2.41 generates a `<name>Tool` type for every node with usableAsTool (tool-generation/ai-tools)
		const expected = nodes.flatMap((n) => (n.usableAsTool ? [n.name, `${n.name}Tool`] : [n.name])).sort();
		expect(names).toEqual(expected);

		// every node has an icon that n8n serves (the editor shows these)
		for (const t of types.filter((x) => nodes.some((n) => n.name === x.name))) {
			const icons: string[] = [];
			const collect = (v: unknown) => {
				if (typeof v === 'string') icons.push(v);
				else if (v && typeof v === 'object') Object.values(v).forEach(collect);
			};
			collect(t.iconUrl);
			expect({ type: t.name, hasIcon: icons.length > 0 }).toEqual({ type: t.name, hasIcon: true });
			for (const icon of icons) {
				const r = await request('GET', `${stack.url}/${icon.replace(/^\//, '')}`);
				expect({ icon, status: r.status }).toEqual({ icon, status: 200 });
			}
		}

		const credentialTypes = (await stack.api.getCredentialTypes()).map((c) => c.name);
		expect(credentialTypes).toEqual(expect.arrayContaining(credentials));
	});

	test('a workflow runs manually and its node output is readable', async () => {
		const wf = await stack.api.createWorkflow({
			name: 'smoke manual',
			nodes: [
				{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{ name: 'Smoke', type: `${SMOKE}.e2eSmoke`, typeVersion: 1, position: [220, 0], parameters: {} },
			],
			connections: { Start: { main: [[{ node: 'Smoke', type: 'main', index: 0 }]] } },
		});
		const exec = await stack.api.runManually(wf.id, 'Start');
		expect(exec.status).toBe('success');
		expect(nodeOutput(exec, 'Smoke')).toEqual([{ smoke: true }]);
	});

	test('activation: webhook goes live, receives a delivery, disappears on deactivation', async () => {
		const wf = await createSmokeTriggerWorkflow('smoke trigger', { path: 'smoke-ok' });
		const { status, webhooks } = await stack.activateAndWait(wf.id);
		expect(status.status).toBe('published');
		expect(webhooks).toHaveLength(1);
		expect(webhooks[0].webhookPath).toBe(`${wf.nodes[0].webhookId}/smoke-ok`);

		const r = await request('POST', webhooks[0].url, { body: { hello: 'world' } });
		expect(r.status).toBe(200);
		const [exec] = await stack.api.waitForExecutions(wf.id, 1, { includeData: true });
		expect(exec.status).toBe('success');
		expect(nodeOutput(exec, 'Hook')).toEqual([{ body: { hello: 'world' } }]);

		await stack.deactivateAndWait(wf.id);
		expect(await stack.api.webhookRegistered(webhooks[0].url)).toBe(false);
	});

	test('a trigger that fails to register is reported, not hidden behind the 200 of activate', async () => {
		const wf = await createSmokeTriggerWorkflow('smoke trigger failing', { path: 'smoke-fail', failActivation: true });
		if (N8N_VERSION.startsWith('1.')) {
			// n8n 1.x activates synchronously: the activate call itself answers 400 with the trigger's error
			await expect(stack.activateAndWait(wf.id, { timeoutMs: 90_000 })).rejects.toThrow(/activate → 400: .*activation refused on purpose/);
		} else {
			// n8n retries the failing create() for ~15 s before it reports the failure
			await expect(stack.activateAndWait(wf.id, { timeoutMs: 90_000 })).rejects.toThrow(
				/ended "failed".*activation refused on purpose.*publication outbox: #\d+ failed/,
			);
			const rows = await stack.publicationOutbox({ workflowId: wf.id });
			expect(rows.map((r) => r.status)).toEqual(['failed']);
		}
		expect(await stack.productionWebhooks(wf.id)).toEqual([]);
	});

	test('log files are written (for the secrets scan)', () => {
		const files = stack.logFiles.map((f) => path.basename(f));
		expect(files).toEqual(expect.arrayContaining(['n8n-main.log', 'n8n-main.out.log', 'postgres.log', 'n8nEventLog.log']));
		expect(fs.readFileSync(path.join(stack.logDir, 'n8n-main.out.log'), 'utf8')).toContain('Editor is now accessible');
	});

	test('stop() leaves no process and no run folder behind', async () => {
		const pids = [stack.db.proc.pid, ...stack.processes.map((p) => p.pid)];
		await stack.stop();
		expect(processesOfRun(stack.runDir)).toEqual([]);
		for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
		expect(fs.existsSync(stack.runDir)).toBe(false);
	});
});
