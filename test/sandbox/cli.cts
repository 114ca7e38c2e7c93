/**
 * Runs the sandbox standalone (`npm run sandbox` = port 4010; `npm run sandbox -- --port 0` = a free one):
 *   npx tsc -p tsconfig.tools.json && node .cache/tools/test/sandbox/cli.cjs [--port 4010] [PORT]
 *     [--api-key sk_test_x] [--inbound-token hex] [--inbound-signing-secret s] [--auto-advance-ms 2000] [--queued-ms 0]
 *     [--rate-limit 60] [--legacy-signature-header] [--no-webhooks-api]
 *     [--plan base|professional|enterprise|trial] [--concurrency 10] [--starts-per-minute 10]
 *     [--time-zone Asia/Kolkata] [--call-duration-ms 2000] [--fake-time-file /path/to/faketime-file]
 */
import { startSandbox, type SandboxOptions } from './sandbox.cjs';

function optionsFrom(argv: string[]): SandboxOptions {
	const flags = new Map<string, string>();
	const positional: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) positional.push(arg);
		else if (arg.includes('=')) flags.set(arg.slice(2, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1));
		else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) flags.set(arg.slice(2), argv[++i]);
		else flags.set(arg.slice(2), 'true');
	}
	const number = (name: string) => (flags.has(name) ? Number(flags.get(name)) : undefined);
	return {
		port: number('port') ?? (positional[0] ? Number(positional[0]) : 0),
		apiKey: flags.get('api-key'),
		inboundToken: flags.get('inbound-token'),
		inboundSigningSecret: flags.get('inbound-signing-secret'),
		autoAdvanceMs: number('auto-advance-ms') ?? 2000,
		queuedMs: number('queued-ms'),
		rateLimit: flags.has('rate-limit') ? { limit: number('rate-limit')!, windowMs: 60_000 } : undefined,
		legacySignatureHeader: flags.has('legacy-signature-header'),
		webhooksApiEnabled: !flags.has('no-webhooks-api'),
		plan: flags.get('plan') as SandboxOptions['plan'],
		concurrency: number('concurrency'),
		startsPerMinute: number('starts-per-minute'),
		timeZone: flags.get('time-zone'),
		callDurationMs: number('call-duration-ms'),
		fakeTimeFile: flags.get('fake-time-file'),
	};
}

async function main(): Promise<void> {
	const options = optionsFrom(process.argv.slice(2));
	if (!Number.isInteger(options.port)) throw new Error('--port must be a number');
	const sandbox = await startSandbox(options);
	const lines = [
		'HuskyVoice sandbox running (127.0.0.1 only)',
		`  base URL               ${sandbox.baseUrl}`,
		`  API key                ${sandbox.apiKey}`,
		`  inbound hook URL       ${sandbox.baseUrl}/hooks/${sandbox.inboundToken}`,
		`  inbound token          ${sandbox.inboundToken}`,
		`  inbound signing secret ${sandbox.inboundSigningSecret ?? '(none: hooks accept unsigned requests)'}`,
		`  admin API              ${sandbox.adminUrl}  (GET it for everything above as JSON)`,
		`  call auto-advance      ${options.autoAdvanceMs ? `every ${options.autoAdvanceMs} ms` : 'off'}`,
		...(options.queuedMs ? [`  calls stay queued      ${options.queuedMs} ms before they start`] : []),
		...(options.plan ? [`  queue model            ${options.plan} plan, calling window 09:00–20:00 ${options.timeZone ?? 'Asia/Kolkata'}`] : []),
		...(options.fakeTimeFile ? [`  clock                  follows ${options.fakeTimeFile} (libfaketime format)`] : []),
		'',
		'In your own n8n (on this machine; the sandbox listens on 127.0.0.1 only):',
		`  "HuskyVoice API" credential:             API Key ${sandbox.apiKey}, Base URL ${sandbox.baseUrl}`,
		`  "HuskyVoice Inbound Webhook" credential: Inbound URL ${sandbox.baseUrl}/hooks/${sandbox.inboundToken}${sandbox.inboundSigningSecret ? `, Signing Secret ${sandbox.inboundSigningSecret}` : ''}`,
		'  HuskyVoice Trigger: Automatic registration works here (the sandbox has the endpoint API); for Manual,',
		`  add the trigger's Production URL with the dashboard call below and paste the whsec_ secret it answers.`,
		'',
		'Subscribe an endpoint to outbound events (each subscription gets its own whsec_ signing secret):',
		`  curl -s -X POST ${sandbox.baseUrl}/webhooks -H 'Authorization: Bearer ${sandbox.apiKey}' \\`,
		`       -H 'content-type: application/json' -d '{"url":"http://127.0.0.1:5678/webhook/x","events":["call.completed"]}'`,
		`  or, like the dashboard: curl -s -X POST ${sandbox.adminUrl}/webhooks -H 'content-type: application/json' -d '{"url":"…","events":["*"]}'`,
		'',
		'Ctrl-C stops it.',
	];
	process.stdout.write(`${lines.join('\n')}\n`);
	const stop = () => void sandbox.stop().then(() => process.exit(0));
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
	process.stderr.write(`sandbox failed to start: ${error.message}\n`);
	process.exit(1);
});
