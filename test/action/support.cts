import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { HuskyVoice } from '../../nodes/HuskyVoice/HuskyVoice.node';
import { DEFAULT_RETRY_POLICY } from '../../nodes/shared/retry';
import type { RunNodeOptions, RunNodeResult, SandboxAdmin } from '../helpers/index.cjs';
import { huskyVoiceApiCredentials, runNode, sandboxAdmin } from '../helpers/index.cjs';
import type { Sandbox, SandboxOptions } from '../sandbox';
import { SEED_DATES, startSandbox } from '../sandbox';

export { SEED_DATES };
export { zoneWhereItIsNow } from '../helpers/timeZones.cjs';

export const huskyVoice = new HuskyVoice();

export const VALID_CALL: INodeParameters = {
	resource: 'call',
	operation: 'create',
	agentId: 'agent_reminders',
	contactNumber: '+919876543210',
};

export interface ActionSandbox {
	sandbox: Sandbox;
	admin: SandboxAdmin;
	/** Runs the HuskyVoice node against this sandbox with its API key. */
	run(parameters: Record<string, unknown>, options?: Omit<RunNodeOptions, 'parameters'>): Promise<RunNodeResult>;
}

let credentialCounter = 0;

/**
 * Starts one sandbox for the file (generous rate limit unless given) and resets it before each
 * test. Each file gets its own credential id so rate-limit pacing state never crosses files.
 */
export function useSandbox(options: SandboxOptions = {}): ActionSandbox {
	const context = {} as ActionSandbox;
	const credentialId = `action-${process.pid}-${++credentialCounter}-${Date.now()}`;
	beforeAll(async () => {
		context.sandbox = await startSandbox({ rateLimit: { limit: 10_000, windowMs: 60_000 }, ...options });
		context.admin = sandboxAdmin(context.sandbox.adminUrl);
		context.run = (parameters, runOptions = {}) =>
			runNode(huskyVoice, {
				credentials: huskyVoiceApiCredentials(context.sandbox),
				credentialId,
				...runOptions,
				parameters,
			});
	});
	beforeEach(async () => {
		await context.admin.reset();
		await context.admin.config({ rateLimit: options.rateLimit ?? { limit: 10_000, windowMs: 60_000 } });
	});
	afterAll(async () => {
		await context.sandbox?.stop();
	});
	return context;
}

/** Retries back off in milliseconds instead of seconds, so failure tests stay quick (Retry-After is still honoured). */
export function useFastBackoff(): void {
	const original = { ...DEFAULT_RETRY_POLICY };
	beforeAll(() => {
		DEFAULT_RETRY_POLICY.baseDelayMs = 5;
	});
	afterAll(() => {
		Object.assign(DEFAULT_RETRY_POLICY, original);
	});
}

export function errorOf(result: RunNodeResult): Error & IDataObject {
	if (!result.error) throw new Error(`expected the node to throw, got ${JSON.stringify(result.json)}`);
	return result.error;
}

export function headerOf(request: { headers: Record<string, unknown> }, name: string): string | undefined {
	const value = request.headers[name.toLowerCase()];
	return Array.isArray(value) ? String(value[0]) : (value as string | undefined);
}

