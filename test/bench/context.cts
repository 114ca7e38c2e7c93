/** What every benchmark gets: the running n8n, the sandbox, the credentials, the settings; and one row type. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Execution, N8nStack } from '../e2e/runner/index.cjs';
import type { Sandbox } from '../sandbox/sandbox.cjs';
import type { BenchConfig } from './config.cjs';
import type { StatusTap } from './statusTap.cjs';
import type { CredentialRef } from './workflows.cjs';

export interface BenchContext {
	stack: N8nStack;
	sandbox: Sandbox;
	tap: StatusTap;
	cfg: BenchConfig;
	creds: { huskyVoiceApi: CredentialRef; httpHeaderAuth: CredentialRef; webhookSecret: CredentialRef; signingSecret: string };
}

/** One line of the results table. */
export interface Row {
	bench: string;
	figure: string;
	ours: string;
	baseline: string;
	/** ours / baseline */
	ratio: string;
	target: string;
	met: boolean | undefined;
}

/** Writes raw measurements to `<dump>/<name>.json` when `--dump=DIR` is given. */
export function dump(cfg: BenchConfig, name: string, data: unknown): void {
	if (!cfg.dump) return;
	fs.mkdirSync(cfg.dump, { recursive: true });
	fs.writeFileSync(path.join(cfg.dump, `${name}.json`), JSON.stringify(data, null, 1));
}

export function log(message: string): void {
	console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

export interface NodeRun {
	/** ms since epoch */
	startTime: number;
	executionTime: number;
	status?: string;
	error?: { message?: string; description?: string };
	items: Array<Record<string, any>>;
}

/** The first run of a node in an execution: timing (n8n measures it around the node's execute) and output. */
export function nodeRun(exec: Execution, nodeName: string): NodeRun | undefined {
	const run = exec.data?.resultData?.runData?.[nodeName]?.[0];
	if (!run) return undefined;
	return {
		startTime: run.startTime,
		executionTime: run.executionTime,
		status: run.executionStatus,
		error: run.error,
		items: (run.data?.main?.[0] ?? []).map((i: { json: Record<string, any> }) => i.json),
	};
}

export function executionMs(exec: Execution): number {
	return exec.stoppedAt ? Date.parse(exec.stoppedAt) - Date.parse(exec.startedAt) : NaN;
}
