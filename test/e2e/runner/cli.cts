/**
 * Tiny CLI around startN8nStack (build it with `npx tsc -p tsconfig.tools.json`, run with node):
 *
 *   node .cache/tools/test/e2e/runner/cli.cjs start [--tarball FILE]... [--queue] [--port N] [--log-level debug]
 *
 * Starts n8n with the package installed, prints the editor URL, the login and the API key, and
 * keeps running until Ctrl-C (which stops everything). The `npm start` demo builds on
 * `runStart()`: pass `afterStart` to wire credentials/workflows before the banner is printed.
 */
import { N8nStack, startN8nStack, StackOptions } from './index.cjs';
import { isStoppingOnSignal } from './procs.cjs';

export interface CliOptions extends StackOptions {
	/** Called once the stack is up, before the banner; extra lines are printed in the banner. */
	afterStart?: (stack: N8nStack) => Promise<string[] | void>;
}

export function parseArgs(argv: string[]): { command: string; options: StackOptions } {
	const [command = 'start', ...rest] = argv;
	const options: StackOptions = {};
	const tarballs: string[] = [];
	for (let i = 0; i < rest.length; i++) {
		const a = rest[i];
		const next = () => {
			const v = rest[++i];
			if (v === undefined) throw new Error(`${a} needs a value`);
			return v;
		};
		if (a === '--tarball') tarballs.push(next());
		else if (a === '--queue') options.queueMode = true;
		else if (a === '--port') options.port = Number(next());
		else if (a === '--log-level') options.logLevel = next();
		else throw new Error(`unknown option ${a}`);
	}
	if (tarballs.length) options.tarball = tarballs;
	return { command, options };
}

export function banner(stack: N8nStack, extra: string[] = []): string {
	const lines = [
		'',
		'  n8n is running with the HuskyVoice nodes installed',
		'',
		`  Editor:    ${stack.url}/`,
		...(stack.owner ? [`  Login:     ${stack.owner.email}  /  ${stack.owner.password}`] : []),
		...(stack.apiKey ? [`  API key:   ${stack.apiKey}   (header X-N8N-API-KEY, ${stack.url}/api/v1)`] : []),
		`  Webhooks:  ${stack.webhookBaseUrl}/webhook/...`,
		`  Packages:  ${stack.packages.map((p) => `${p.name}@${p.version}`).join(', ')}`,
		`  Logs:      ${stack.logDir}`,
		...extra.map((l) => `  ${l}`),
		'',
		'  Press Ctrl-C to stop everything.',
		'',
	];
	return lines.join('\n');
}

/** Starts the stack, prints the banner and waits for Ctrl-C (SIGINT/SIGTERM stop the stack and exit). */
export async function runStart(options: CliOptions): Promise<N8nStack> {
	const stack = await startN8nStack(options);
	let extra: string[] = [];
	try {
		extra = (await options.afterStart?.(stack)) ?? [];
	} catch (e) {
		await stack.stop();
		throw e;
	}
	process.stdout.write(banner(stack, extra) + '\n');
	// keep the event loop alive; the signal handlers in procs.cts stop the stack and exit (130 on
	// Ctrl-C) — processes they stop must not be taken for a crash here, which would exit 1 first
	setInterval(() => {
		if (isStoppingOnSignal()) return;
		const dead = stack.processes.find((p) => p.proc.hasExited());
		if (dead) {
			process.stderr.write(`${dead.name} exited unexpectedly; see ${dead.stdoutLog}\n`);
			void stack.stop().then(() => process.exit(1));
		}
	}, 2_000);
	return stack;
}

async function main(): Promise<void> {
	const { command, options } = parseArgs(process.argv.slice(2));
	if (command !== 'start') throw new Error(`unknown command ${command} (try: start)`);
	await runStart(options);
}

if (require.main === module) {
	main().catch((e) => {
		process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
		process.exit(1);
	});
}
