/**
 * `npm run screenshots`: refreshes the committed pictures in test/e2e/screenshots/ and their
 * manifest.json in one command. Starts `npm start`'s demo (sandbox + n8n 2.41.1 with the examples)
 * on free ports, takes the screenshots with headless Chromium (screenshots.cts), then stops the
 * demo with Ctrl-C (SIGINT), as a user would. Run it after adding or renaming an operation: the
 * unit test test/verify/screenshot-manifest.test.cts fails until the manifest lists it.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { freePort, repoRoot, waitFor } from './runner/index.cjs';
import { captureScreenshots } from './screenshots.cjs';

const DEMO = path.join(repoRoot(), '.cache', 'tools', 'test', 'demo', 'start.cjs');

async function main(): Promise<void> {
	const t0 = Date.now();
	const seconds = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
	const [port, sandboxPort] = [await freePort(), await freePort()];
	const child = spawn(process.execPath, [DEMO], {
		cwd: repoRoot(),
		// never a real account: the pictures show the sandbox's services
		env: { ...process.env, HUSKYVOICE_API_KEY: '', HUSKYVOICE_DEMO_PORT: String(port), HUSKYVOICE_SANDBOX_PORT: String(sandboxPort) },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	let output = '';
	child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
	try {
		process.stdout.write('starting the demo (sandbox + n8n with the examples)…\n');
		await waitFor(
			'the demo banner',
			() => {
				if (child.exitCode !== null) throw new Error(`the demo exited (${child.exitCode}):\n${output}`);
				return output.includes('Press Ctrl-C to stop everything');
			},
			{ timeoutMs: 10 * 60_000, intervalMs: 250 },
		);
		const editor = /Editor:\s+(\S+)/.exec(output)?.[1]?.replace(/\/+$/, '');
		if (!editor) throw new Error(`no "Editor:" line in the demo's banner:\n${output}`);
		process.stdout.write(`demo up after ${seconds()}; taking the screenshots…\n`);
		const report = await captureScreenshots({ url: editor });
		const relative = (f: string) => path.relative(repoRoot(), f);
		process.stdout.write(
			[
				`written after ${seconds()}:`,
				...report.files.map((f) => `  ${relative(f)}`),
				`  ${relative(report.manifest)} (${report.actions.length} HuskyVoice actions, ${Object.keys(report.canvas).length} canvases, ${report.servicePicker.length} services in the picker)`,
				'Look at each picture before committing it.',
				'',
			].join('\n'),
		);
	} finally {
		if (child.exitCode === null) {
			child.kill('SIGINT');
			await exited;
		}
	}
	process.stdout.write(`demo stopped; ${seconds()} in all\n`);
}

main().catch((e: unknown) => {
	process.stderr.write(`npm run screenshots failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
	process.exit(1);
});
