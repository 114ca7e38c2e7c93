/**
 * The committed screenshots cannot go stale unnoticed: test/e2e/screenshots/manifest.json (written by
 * `npm run screenshots` together with the pictures) must list what the nodes offer today. Fast: no
 * n8n, no browser — it reads the nodes' descriptions and the example workflows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HuskyVoice } from '../../nodes/HuskyVoice/HuskyVoice.node';
import { HuskyVoiceInboundWebhook } from '../../nodes/HuskyVoiceInboundWebhook/HuskyVoiceInboundWebhook.node';
import { panelActions, PICTURES, readManifest } from '../e2e/screenshotManifest.cjs';
import { seedServices } from '../sandbox/seed.cjs';

const SCREENSHOT_DIR = path.join(__dirname, '..', 'e2e', 'screenshots');
const REFRESH = 'run `npm run screenshots` and commit test/e2e/screenshots/';
const manifest = readManifest(SCREENSHOT_DIR);

function difference(shown: string[], expected: string[]): { missing: string[]; extra: string[] } {
	return { missing: expected.filter((a) => !shown.includes(a)), extra: shown.filter((a) => !expected.includes(a)) };
}

describe(`screenshot manifest (stale? ${REFRESH})`, () => {
	test('the node panel listed every action of the HuskyVoice node, and no other', () => {
		const expected = panelActions(new HuskyVoice().description);
		expect(expected.length).toBeGreaterThan(0);
		expect({ ...difference(manifest.huskyVoiceActions, expected), count: manifest.huskyVoiceActions.length }).toEqual({
			missing: [],
			extra: [],
			count: expected.length,
		});
	});

	test('the node panel listed the action nodes by their display names', () => {
		const names = [new HuskyVoice().description.displayName, new HuskyVoiceInboundWebhook().description.displayName];
		expect(manifest.nodePanel).toEqual(expect.arrayContaining(names));
	});

	test('each canvas shown has exactly the nodes of its example workflow', () => {
		const examples = fs
			.readdirSync(path.join(__dirname, '..', '..', 'examples'))
			.filter((f) => f.endsWith('.json'))
			.map((f) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', f), 'utf8')) as { name: string; nodes: Array<{ name: string; type: string }> });
		expect(Object.keys(manifest.canvases).length).toBeGreaterThanOrEqual(2);
		for (const [workflow, shown] of Object.entries(manifest.canvases)) {
			const example = examples.find((e) => e.name === workflow);
			expect({ workflow, found: example !== undefined }).toEqual({ workflow, found: true });
			const nodes = example!.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote').map((n) => n.name);
			expect({ workflow, ...difference(shown, nodes) }).toEqual({ workflow, missing: [], extra: [] });
		}
	});

	test('the Service picker listed the sandbox’s services', () => {
		expect([...manifest.servicePicker].sort()).toEqual(seedServices().map((s) => s.name).sort());
	});

	test('every picture is listed, described and committed as a PNG', () => {
		expect(Object.keys(manifest.pictures).sort()).toEqual(Object.keys(PICTURES).sort());
		for (const [file, what] of Object.entries(manifest.pictures)) {
			expect(what).toBe(PICTURES[file]);
			const png = fs.readFileSync(path.join(SCREENSHOT_DIR, file));
			expect(png.subarray(1, 4).toString()).toBe('PNG');
		}
	});
});
