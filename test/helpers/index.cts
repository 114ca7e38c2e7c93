import './n8nEnv.cjs';

export type { TestCredentials } from './credentials.cjs';
export { huskyVoiceApiCredentials, PACKAGE_CREDENTIAL_TYPES, TestCredentialsHelper } from './credentials.cjs';
export type { TestWorkflow, TestWorkflowOptions } from './workflow.cjs';
export { buildTestWorkflow } from './workflow.cjs';
export type { RunNodeOptions, RunNodeResult } from './runNode.cjs';
export { runNode } from './runNode.cjs';
export type { WebhookDelivery, WebhookRequest, WebhookServer } from './webhook.cjs';
export { callWebhook, hookContext, serveWebhook } from './webhook.cjs';
export type { TestHttpServer, RecordedRequest } from './httpServer.cjs';
export { startTestHttpServer } from './httpServer.cjs';
export { serialiseError } from './errors.cjs';
export type { SandboxAdmin, SandboxFault, SandboxRecordedRequest } from './sandboxAdmin.cjs';
export { sandboxAdmin } from './sandboxAdmin.cjs';
