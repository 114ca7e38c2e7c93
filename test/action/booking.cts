/** Shared bits of the booking tests: seed services, a booking's parameters, list-search runs. */
import { LoadOptionsContext } from 'n8n-core';
import type { INodeListSearchResult } from 'n8n-workflow';
import { HuskyVoice } from '../../nodes/HuskyVoice/HuskyVoice.node';
import { buildTestWorkflow, huskyVoiceApiCredentials } from '../helpers/index.cjs';
import type { Sandbox } from '../sandbox';
import { SEED_SERVICES } from '../sandbox/seed.cjs';

export { SEED_SERVICES };

export const createParams = (overrides: Record<string, unknown> = {}) => ({
	resource: 'appointment',
	operation: 'create',
	service: { __rl: true, mode: 'list', value: SEED_SERVICES.consultation.service_id },
	appointmentDate: '2030-06-03T09:30:00',
	patientName: 'Meera Nair',
	patientPhone: '+919811122233',
	additionalFields: { branch: { __rl: true, mode: 'id', value: 'br_koramangala' } },
	...overrides,
});

/** Runs one of the node's listSearch methods in n8n-core's real LoadOptionsContext. */
export async function listSearch(sandbox: Sandbox, method: 'searchServices' | 'searchBranches', filter?: string): Promise<INodeListSearchResult> {
	const node = new HuskyVoice();
	const { workflow, node: inode, additionalData } = buildTestWorkflow(node, {
		credentials: huskyVoiceApiCredentials(sandbox),
		credentialId: `list-${method}-${Date.now()}`,
		parameters: createParams(),
	});
	const context = new LoadOptionsContext(workflow, inode, additionalData, 'parameters.service');
	return await node.methods.listSearch[method].call(context, filter);
}
