import './n8nEnv.cjs';
import { randomUUID } from 'crypto';
import { HookContext } from 'n8n-core';
import type { IDataObject, IWebhookData } from 'n8n-workflow';
import { HuskyVoiceTrigger } from '../../nodes/HuskyVoiceTrigger/HuskyVoiceTrigger.node';
import type { TestWorkflow, TestWorkflowOptions } from './workflow.cjs';
import { buildTestWorkflow } from './workflow.cjs';
import { hookContext } from './webhook.cjs';

/**
 * A HuskyVoice Trigger in a one-node workflow. Every harness gets its own workflow and node id,
 * so the trigger's in-process dedupe memory never leaks from one test into another.
 */
export function triggerWorkflow(options: TestWorkflowOptions = {}): TestWorkflow {
	return buildTestWorkflow(new HuskyVoiceTrigger(), {
		workflowId: `wf-${randomUUID()}`,
		nodeId: randomUUID(),
		webhookId: randomUUID(),
		staticData: {},
		...options,
	});
}

export type WebhookKind = 'production' | 'test';

/**
 * The HookContext n8n builds for each URL: production activation runs in "trigger" mode;
 * "Listen for test event" runs in "manual" mode on a webhook marked isTest (the test URL).
 */
export function triggerHookContext(harness: TestWorkflow, kind: WebhookKind = 'production'): HookContext {
	if (kind === 'production') return hookContext(harness, 'activate');
	const description = harness.nodeType.description.webhooks?.[0];
	const webhookData = {
		httpMethod: 'POST',
		node: harness.node.name,
		path: String(description?.path ?? ''),
		webhookDescription: description,
		workflowId: String(harness.workflow.id),
		workflowExecuteAdditionalData: harness.additionalData,
		webhookId: harness.node.webhookId,
		isTest: true,
	} as IWebhookData;
	return new HookContext(harness.workflow, harness.node, harness.additionalData, 'manual', 'manual', webhookData);
}

const hooks = () => new HuskyVoiceTrigger().webhookMethods.default;

/** What n8n does on activation: checkExists, then create when it answered false. */
export async function activateTrigger(harness: TestWorkflow, kind: WebhookKind = 'production'): Promise<{ created: boolean }> {
	const context = triggerHookContext(harness, kind);
	if (await hooks().checkExists.call(context)) return { created: false };
	await hooks().create.call(context);
	return { created: true };
}

export async function deactivateTrigger(harness: TestWorkflow, kind: WebhookKind = 'production'): Promise<boolean> {
	return await hooks().delete.call(triggerHookContext(harness, kind));
}

export function webhookUrlOf(harness: TestWorkflow, kind: WebhookKind = 'production'): string {
	return triggerHookContext(harness, kind).getNodeWebhookUrl('default') as string;
}

/** The trigger node's own static data (what `getWorkflowStaticData('node')` returns). */
export function nodeStaticData(harness: TestWorkflow): IDataObject {
	return harness.workflow.getStaticData('node', harness.node);
}
