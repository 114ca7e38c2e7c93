// The sandbox is written as .cts, outside the scope of n8n-node lint (see jest.config.js); this
// entry lets the other suites `import { startSandbox } from '../sandbox'`.
export { SEED_DATES, SandboxState, startSandbox } from './sandbox.cjs';
export type {
	Appointment,
	CallRecord,
	DeliveryAttempt,
	Fault,
	RecordedRequest,
	Sandbox,
	SandboxConfig,
	SandboxOptions,
	Slot,
	Subscription,
} from './sandbox.cjs';
