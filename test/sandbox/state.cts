import { randomBytes } from 'crypto';
import type { ClientRequest } from 'http';

import { SandboxClock } from './clock.cjs';
import { Scheduler } from './scheduler.cjs';
import { seedAppointmentConfig, seedAppointments, seedServices, seedSlots } from './seed.cjs';
import type {
	Appointment,
	AppointmentConfig,
	CalendarWindow,
	CallRecord,
	CallStart,
	DeliveryAttempt,
	EmittedEvent,
	Fault,
	RecordedRequest,
	SandboxConfig,
	Service,
	ScriptEntry,
	Slot,
	Subscription,
} from './types.cjs';

export const ORG_ID = 'org_sandbox';
const MAX_RECORDED_REQUESTS = 10_000;

export function randomHex(bytes: number): string {
	return randomBytes(bytes).toString('hex');
}

/** Real time, for what the queue model and the clock do not touch (bookings, deliveries' own bookkeeping). */
export function now(): string {
	return new Date().toISOString();
}

/** Everything the sandbox knows. Tests may read (and poke) it directly via `sandbox.state`. */
export class SandboxState {
	readonly scheduler = new Scheduler();
	/** Outbound HTTP requests still running, aborted on stop. */
	readonly inflight = new Set<ClientRequest>();
	origin = '';
	/** Bumped on reset/stop so that work started before it (delivery retries) ends quietly. */
	epoch = 0;
	inboundToken: string;
	config: SandboxConfig;

	calls = new Map<string, CallRecord>();
	idempotencyKeys = new Map<string, string>();
	autoAdvanceTimers = new Map<string, NodeJS.Timeout | undefined>();
	appointments = new Map<string, Appointment>();
	slots = new Map<string, Slot>();
	services: Service[] = [];
	appointmentConfig: AppointmentConfig = seedAppointmentConfig();
	windows = new Map<string, CalendarWindow>();
	/** Extra API keys and their scopes (the main key has every scope). */
	scopedKeys = new Map<string, string[]>();
	subscriptions = new Map<string, Subscription>();
	events = new Map<string, EmittedEvent>();
	deliveries: DeliveryAttempt[] = [];
	requests: RecordedRequest[] = [];
	faults = new Map<string, Fault>();
	rateWindows = new Map<string, number[]>();
	inboundUsage = { day: '', count: 0 };
	/** The sandbox clock (libfaketime file + admin offset): calls, events and the queue run on it. */
	readonly clock = new SandboxClock(() => this.config.fakeTimeFile);
	/** Per-number scripted endings, one per attempt (`POST /__admin/script`). */
	scripts = new Map<string, ScriptEntry[]>();
	/** Every call the queue model started dialling, in order. */
	callStarts: CallStart[] = [];
	/** The queue's next wake-up (queue.cts). */
	queueTimer: NodeJS.Timeout | undefined;
	/** Sandbox time (ms) of the last thing the queue did. */
	queueCursor = Number.NEGATIVE_INFINITY;
	private sequence = 0;

	constructor(
		readonly apiKey: string,
		private readonly initialToken: string,
		private readonly initialConfig: SandboxConfig,
	) {
		this.inboundToken = initialToken;
		this.config = structuredClone(initialConfig);
		this.seed();
	}

	/** Now on the sandbox clock, ISO. */
	nowIso(): string {
		return this.clock.nowIso();
	}

	nextId(): number {
		return ++this.sequence;
	}

	recordRequest(entry: Omit<RecordedRequest, 'id'>): RecordedRequest {
		const recorded = { id: this.nextId(), ...entry };
		this.requests.push(recorded);
		if (this.requests.length > MAX_RECORDED_REQUESTS) this.requests.shift();
		return recorded;
	}

	/** Back to the state right after start: seed data, startup options, original inbound token. */
	reset(options: { keepWebhooks?: boolean } = {}): void {
		this.stopActivity();
		this.inboundToken = this.initialToken;
		this.config = structuredClone(this.initialConfig);
		this.calls.clear();
		this.idempotencyKeys.clear();
		this.events.clear();
		this.deliveries = [];
		this.requests = [];
		this.faults.clear();
		this.rateWindows.clear();
		this.inboundUsage = { day: '', count: 0 };
		if (!options.keepWebhooks) this.subscriptions.clear();
		this.scopedKeys.clear();
		this.scripts.clear();
		this.callStarts = [];
		this.queueCursor = Number.NEGATIVE_INFINITY;
		this.clock.adminOffsetMs = 0;
		this.clock.frozenAtMs = undefined;
		this.seed();
	}

	/** Clears every timer and aborts every outbound delivery still running. */
	stopActivity(): void {
		this.epoch++;
		this.scheduler.clearAll();
		this.autoAdvanceTimers.clear();
		this.queueTimer = undefined;
		for (const request of this.inflight) request.destroy();
		this.inflight.clear();
	}

	private seed(): void {
		this.appointments = new Map(seedAppointments().map((a) => [a.appointment_id, a]));
		this.slots = new Map(seedSlots().map((s) => [s.slot_id, s]));
		this.services = seedServices();
		this.appointmentConfig = seedAppointmentConfig();
		this.windows.clear();
	}
}
