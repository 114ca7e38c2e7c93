/**
 * What one expression isolate of n8n's `vm` engine costs on this machine: n8n 2.41 takes a fresh
 * one for every execution and, for every trigger but its own Webhook node, one more per webhook
 * request (a released isolate is disposed, never reused). Measured with n8n's own bridge class,
 * in n8n's Node, outside n8n: the median of 10 creations, wall and CPU.
 */
import * as path from 'node:path';
import type { Installation } from '../e2e/runner/index.cjs';
import { exec } from '../e2e/runner/util.cjs';

const SCRIPT = `
const { IsolatedVmBridge } = require(process.argv[1]);
(async () => {
	const wall = [], cpu = [];
	for (let i = 0; i < 10; i++) {
		const t = process.hrtime.bigint(), c = process.cpuUsage();
		const bridge = new IsolatedVmBridge({});
		await bridge.initialize();
		wall.push(Number(process.hrtime.bigint() - t) / 1e6);
		const u = process.cpuUsage(c);
		cpu.push((u.user + u.system) / 1000);
		await bridge.dispose();
	}
	const med = (v) => v.sort((a, b) => a - b)[5];
	console.log(JSON.stringify({ wallMs: med(wall), cpuMs: med(cpu) }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

export async function isolateCost(inst: Installation): Promise<{ wallMs: number; cpuMs: number } | undefined> {
	const nodeModules = path.resolve(inst.n8nBin, '..', '..', '..');
	const bridge = path.join(nodeModules, '@n8n', 'expression-runtime', 'dist', 'cjs', 'bridge', 'isolated-vm-bridge.js');
	try {
		const r = await exec(inst.node, ['-e', SCRIPT, bridge], { cwd: nodeModules, timeoutMs: 60_000 });
		return JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
	} catch {
		return undefined;
	}
}
