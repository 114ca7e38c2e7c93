import type { IDataObject } from 'n8n-workflow';
import { HuskyVoiceInboundWebhook } from '../../nodes/HuskyVoiceInboundWebhook/HuskyVoiceInboundWebhook.node';
import type { RunNodeOptions } from '../helpers/index.cjs';
import { runNode } from '../helpers/index.cjs';

export const node = new HuskyVoiceInboundWebhook();

/** A token shaped like a real one and long enough that finding it anywhere is no coincidence. */
export const SCRIPTED_TOKEN = 'ihk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

export const VALID_CALL = { agentId: 'agent_inbound', contactNumber: '+919876543210' };

export function inboundCredentials(credential: IDataObject): RunNodeOptions['credentials'] {
	return { huskyVoiceInboundWebhookApi: credential };
}

/** Runs the node with `parameters` (operation defaults to create) against `credential`. */
export async function runInbound(credential: IDataObject, parameters: IDataObject, options: Partial<RunNodeOptions> = {}) {
	return await runNode(node, {
		...options,
		parameters: { resource: 'call', operation: 'create', ...parameters } as RunNodeOptions['parameters'],
		credentials: inboundCredentials(credential),
	});
}

/** Everything a user or execution log could see of one run: output items and the thrown error. */
export function visibleText(result: { json: IDataObject[]; error?: unknown }, serialiseError: (error: unknown) => string): string {
	return `${JSON.stringify(result.json)}\n${serialiseError(result.error)}`;
}
