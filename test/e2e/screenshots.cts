/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Screenshots of the HuskyVoice nodes in a real n8n editor, taken with headless Chromium
 * (Debian's `chromium` package, driven by playwright-core) — the README shows them, and the e2e
 * suite checks through the browser's DOM that the editor really renders our nodes and icons.
 *
 *   npm run screenshots                         # refreshes the committed pictures (refresh.cts: its own demo)
 *   npm start                                   # or: in one terminal (or any n8n with the examples imported)
 *   npx tsc -p tsconfig.tools.json && node .cache/tools/test/e2e/screenshots.cjs [--url http://127.0.0.1:5678] [--out DIR]
 *
 * Signs in through the editor's login form, opens the example workflows, and writes into
 * test/e2e/screenshots/ (default) the pictures listed in screenshotManifest.cts (PICTURES) and
 * manifest.json: the node panel's HuskyVoice actions, the nodes on each canvas, the Service picker's list.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_OWNER, N8nApi, repoRoot } from './runner/index.cjs';
import { PICTURES, writeManifest } from './screenshotManifest.cjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
export const SCREENSHOT_DIR = path.join(repoRoot(), 'test', 'e2e', 'screenshots');

export interface ScreenshotOptions {
	/** Editor base URL, e.g. http://127.0.0.1:5678 */
	url: string;
	email?: string;
	password?: string;
	outDir?: string;
}

/** What the browser saw, for the e2e assertions. */
export interface ScreenshotReport {
	files: string[];
	/** Node names on each example's canvas. */
	canvas: Record<string, string[]>;
	/** HuskyVoice icons on the canvas that the browser loaded (src → natural width). */
	canvasIcons: Array<{ src: string; width: number }>;
	/** Node names listed by the node panel for the search "HuskyVoice". */
	panelNodes: string[];
	/** HuskyVoice icons in the node panel that the browser loaded. */
	panelIcons: Array<{ src: string; width: number }>;
	/** Action titles listed for the HuskyVoice node. */
	actions: string[];
	/** Parameter labels shown with the Create Call node open. */
	parameters: string[];
	/** What the Service picker (Book an appointment) listed. */
	servicePicker: string[];
	/** manifest.json, written beside the pictures. */
	manifest: string;
}

export function chromiumMissingMessage(): string {
	return (
		`Chromium not found at ${CHROMIUM}. Install Debian's package: ` +
		'`apt-get install -y --no-install-recommends chromium` (CI does this in .ci/run), or set CHROMIUM_PATH.'
	);
}

async function launch(): Promise<Browser> {
	if (!fs.existsSync(CHROMIUM)) throw new Error(chromiumMissingMessage());
	const { chromium } = await import('playwright-core');
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** Signs in through the login form; `redirect` (an editor path) is opened right after, without reloading the app. */
async function signIn(page: Page, url: string, email: string, password: string, redirect?: string): Promise<void> {
	await page.goto(`${url}/signin${redirect ? `?redirect=${encodeURIComponent(redirect)}` : ''}`);
	await page.locator('input[name="emailOrLdapLoginId"]').fill(email);
	await page.locator('input[name="password"]').fill(password);
	await page.locator('[data-test-id="form-submit-button"]').click();
	await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30_000 });
}

/** Opens a workflow (unless it is open already) and fits it into the view; returns the node names on the canvas. */
async function openWorkflow(page: Page, url: string, id: string): Promise<string[]> {
	if (!new URL(page.url()).pathname.endsWith(`/workflow/${id}`)) {
		// in-app navigation (the editor's router follows popstate): a full reload of the editor costs ~8 s here
		await page.evaluate((p) => {
			window.history.pushState({}, '', p);
			window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
		}, `/workflow/${id}`);
		await page
			.waitForFunction((p) => window.location.pathname.endsWith(p), `/workflow/${id}`, { timeout: 5000 })
			.catch(() => page.goto(`${url}/workflow/${id}`));
	}
	const nodes = page.locator('[data-test-id="canvas-node"]');
	await nodes.first().waitFor({ timeout: 30_000 });
	await page.waitForTimeout(500);
	await dismissPopups(page);
	const fit = page.locator('[data-test-id="zoom-to-fit"]');
	if (await fit.count()) await fit.first().click();
	await page.waitForTimeout(300);
	const zoomOut = page.locator('[data-test-id="zoom-out-button"]');
	if (await zoomOut.count()) await zoomOut.first().click(); // a margin around the nodes
	await page.waitForTimeout(600);
	return nodes.evaluateAll((els) =>
		els.map((e) => e.getAttribute('data-node-name') ?? (e as HTMLElement).innerText.split('\n')[0]).filter(Boolean),
	);
}

/** Closes toasts/banners that would cover the canvas (best effort). */
async function dismissPopups(page: Page): Promise<void> {
	await page.keyboard.press('Escape').catch(() => undefined);
	for (const sel of ['.el-notification__closeBtn', '[data-test-id="banner-close"]', '[data-test-id="close-chat-button"]']) {
		for (const el of await page.locator(sel).all()) await el.click({ timeout: 1000 }).catch(() => undefined);
	}
}

async function loadedIcons(page: Page, scope: string): Promise<Array<{ src: string; width: number }>> {
	return page.evaluate((s) => {
		const root = document.querySelector(s) ?? document;
		return [...root.querySelectorAll('img')]
			.filter((img) => /huskyvoice/i.test(img.src))
			.map((img) => ({ src: new URL(img.src).pathname, width: img.naturalWidth }));
	}, scope);
}

export async function captureScreenshots(o: ScreenshotOptions): Promise<ScreenshotReport> {
	if (!fs.existsSync(CHROMIUM)) throw new Error(chromiumMissingMessage());
	const outDir = o.outDir ?? SCREENSHOT_DIR;
	fs.mkdirSync(outDir, { recursive: true });
	const email = o.email ?? DEFAULT_OWNER.email;
	const password = o.password ?? DEFAULT_OWNER.password;
	const url = o.url.replace(/\/+$/, '');

	// the example workflows' ids, through n8n's REST API with the same login
	const api = new N8nApi(url);
	await api.login(email, password);
	const workflows = await api.rest<Array<{ id: string; name: string }>>('GET', '/workflows');
	const byName = (re: RegExp) => {
		const wf = workflows.find((w) => re.test(w.name));
		if (!wf) throw new Error(`no workflow matching ${re} in ${url} (import the examples, e.g. with npm start)`);
		return wf;
	};

	const report: ScreenshotReport = {
		files: [],
		canvas: {},
		canvasIcons: [],
		panelNodes: [],
		panelIcons: [],
		actions: [],
		parameters: [],
		servicePicker: [],
		manifest: '',
	};
	const t0 = Date.now();
	const step = (what: string) => {
		if (process.env.E2E_SCREENSHOT_DEBUG) process.stderr.write(`[screenshots +${((Date.now() - t0) / 1000).toFixed(1)}s] ${what}\n`);
	};
	const shot = async (page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }) => {
		step(`capturing ${name}`);
		if (!name.startsWith('node-')) await page.mouse.move(1250, 560); // no hover toolbar on a node in canvas shots
		const file = path.join(outDir, name);
		await page.screenshot({ path: file, clip });
		report.files.push(file);
	};

	const browser = await launch();
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 1, colorScheme: 'light' });
		const page = await context.newPage();
		// a loaded machine (CI, parallel suites) can take far longer than playwright's 30 s default
		page.setDefaultTimeout(120_000);
		page.setDefaultNavigationTimeout(120_000);
		step('browser up');
		const appointment = byName(/appointment confirmation/i);
		await signIn(page, url, email, password, `/workflow/${appointment.id}`);
		step('signed in');

		// 1. an example's canvas
		report.canvas[appointment.name] = await openWorkflow(page, url, appointment.id);
		await page.waitForFunction(
			() => [...document.querySelectorAll('img')].filter((i) => /huskyvoice/i.test(i.src)).every((i) => i.complete && i.naturalWidth > 0),
			undefined,
			{ timeout: 15_000 },
		);
		report.canvasIcons = await loadedIcons(page, '[data-test-id="canvas-wrapper"], .vue-flow');
		await shot(page, 'canvas-appointment-confirmation.png');

		// 2. the node panel: search "HuskyVoice" (same page: every full load of the editor costs ~7 s)
		await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
		const search = page.locator('[data-test-id="node-creator-search-bar"] input, [data-test-id="node-creator-search-bar"]').first();
		await search.waitFor({ timeout: 15_000 });
		await search.fill('HuskyVoice');
		await page.waitForTimeout(800);
		const panel = '[data-test-id="node-creator"]';
		report.panelNodes = await page.locator(`${panel} [data-test-id="node-creator-item-name"]`).allInnerTexts();
		await page.waitForFunction(
			(s) => [...(document.querySelector(s)?.querySelectorAll('img') ?? [])].filter((i) => /huskyvoice/i.test(i.src)).every((i) => i.complete && i.naturalWidth > 0),
			panel,
			{ timeout: 15_000 },
		);
		report.panelIcons = await loadedIcons(page, panel);
		await shot(page, 'node-panel-huskyvoice.png');

		// 3. the HuskyVoice node's actions
		await page
			.locator(`${panel} [data-test-id="item-iterator-item"]`)
			.filter({ has: page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^HuskyVoice$/ }) })
			.first()
			.click();
		await page.waitForTimeout(1000);
		report.actions = (await page.locator(`${panel} [data-test-id="node-creator-item-name"]`).allInnerTexts()).map((t) => t.trim());
		// tall enough for every action: the panel lists them all, the picture should too
		const listBottom = await page
			.locator(`${panel} [data-test-id="node-creator-item-name"]`)
			.last()
			.evaluate((e) => e.getBoundingClientRect().bottom);
		await page.setViewportSize({ width: 1440, height: Math.max(860, Math.ceil(listBottom) + 160) });
		await page.waitForTimeout(600);
		await shot(page, 'node-actions-huskyvoice.png');
		await page.setViewportSize({ width: 1440, height: 860 });
		await page.keyboard.press('Escape');
		await page.keyboard.press('Escape');

		// 4. the Create Call node, opened
		await page.locator('[data-test-id="canvas-node"][data-node-name="Call patient"]').dblclick();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.waitFor({ timeout: 15_000 });
		await page.waitForTimeout(800);
		report.parameters = await page
			.locator('[data-test-id="ndv"] [data-test-id="parameter-input"], [data-test-id="ndv"] .parameter-item label, [data-test-id="ndv"] [data-test-id^="parameter-input-"]')
			.evaluateAll((els) => [...new Set(els.map((e) => (e as HTMLElement).innerText.split('\n')[0].trim()).filter(Boolean))]);
		await shot(page, 'node-parameters-create-call.png');
		await page.keyboard.press('Escape');

		// 5. the second example's canvas
		const lead = byName(/lead qualification/i);
		report.canvas[lead.name] = await openWorkflow(page, url, lead.id);
		await shot(page, 'canvas-lead-qualification.png');

		// 6. the Service picker, in a scratch workflow with one Book an appointment node (removed afterwards)
		report.servicePicker = await servicePicker(api, page, url, step, (p) => shot(p, 'node-parameters-service-picker.png'));

		await context.close();
	} finally {
		await browser.close();
	}
	report.manifest = writeManifest(outDir, {
		generatedBy: 'npm run screenshots (test/e2e/screenshots.cts)',
		pictures: Object.fromEntries(report.files.map((f) => path.basename(f)).map((f) => [f, PICTURES[f] ?? ''])),
		nodePanel: report.panelNodes,
		huskyVoiceActions: report.actions,
		canvases: report.canvas,
		servicePicker: report.servicePicker,
	});
	return report;
}

const SCRATCH_NODE = 'Book appointment';

async function servicePicker(
	api: N8nApi,
	page: Page,
	url: string,
	step: (what: string) => void,
	shoot: (page: Page) => Promise<void>,
): Promise<string[]> {
	const credentials = await api.rest<Array<{ id: string; name: string; type: string }>>('GET', '/credentials');
	const credential = credentials.find((c) => c.type === 'huskyVoiceApi');
	if (!credential) throw new Error(`no HuskyVoice API credential in ${url} (npm start creates one)`);
	const scratch = await api.rest<{ id: string }>('POST', '/workflows', {
		name: 'HuskyVoice: Service picker (screenshot, removed afterwards)',
		nodes: [
			{
				id: '5c1d2e3f-0000-4000-8000-00000000b00c',
				name: SCRATCH_NODE,
				type: 'n8n-nodes-huskyvoice.huskyVoice',
				typeVersion: 1,
				position: [0, 0],
				parameters: { resource: 'appointment', operation: 'create' },
				credentials: { huskyVoiceApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: {},
		settings: {},
	});
	try {
		await openWorkflow(page, url, scratch.id);
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${SCRATCH_NODE}"]`).dblclick();
		await page.locator('[data-test-id="ndv"]').waitFor();
		await page.locator('[data-test-id="resource-locator-service"] input').last().click();
		const items = page.locator('[data-test-id="rlc-item"]');
		await items.first().waitFor();
		await page.waitForTimeout(500);
		step('service picker open');
		const listed = (await items.allInnerTexts()).map((t) => t.trim());
		await shoot(page);
		await page.keyboard.press('Escape');
		await page.keyboard.press('Escape');
		return listed;
	} finally {
		// n8n 2.x deletes only archived workflows; 1.x has no archive and deletes at once
		await api.rest('POST', `/workflows/${scratch.id}/archive`).catch(() => undefined);
		await api.rest('DELETE', `/workflows/${scratch.id}`).catch(() => undefined);
	}
}

function argValue(argv: string[], name: string): string | undefined {
	const i = argv.indexOf(name);
	return i >= 0 ? argv[i + 1] : undefined;
}

if (require.main === module) {
	const argv = process.argv.slice(2);
	captureScreenshots({
		url: argValue(argv, '--url') ?? 'http://127.0.0.1:5678',
		email: argValue(argv, '--email'),
		password: argValue(argv, '--password'),
		outDir: argValue(argv, '--out'),
	}).then(
		(r) => {
			process.stdout.write(`${JSON.stringify({ ...r, files: r.files.map((f) => path.relative(process.cwd(), f)) }, null, 2)}\n`);
		},
		(e: unknown) => {
			process.stderr.write(`screenshots failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
			process.exit(1);
		},
	);
}
