export type CallStatus =
	| 'scheduled'
	| 'queued'
	| 'initiated'
	| 'ringing'
	| 'in_progress'
	| 'completed'
	| 'failed'
	| 'disallowed'
	| 'cancelled';

export type CallOutcome = 'completed' | 'failed' | 'disallowed';

export type Scalar = string | number | boolean | null;

export interface CallError {
	code: string;
	message: string;
}

/** A call as the API shows it, plus `sandbox` bookkeeping that is never sent to clients. */
export interface CallRecord {
	call_id: string;
	status: CallStatus;
	agent_id: string;
	contact_number: string | null;
	contact_name: string | null;
	contact_email: string | null;
	additional_info: Record<string, Scalar>;
	scheduled_at: string;
	completed_at: string | null;
	error: CallError | null;
	created_at: string;
	updated_at: string;
	cancelled_at?: string;
	summary?: string | null;
	transcript?: Array<{ speaker: string; text: string }> | null;
	/** The other documented spelling: speaker-labelled text lines (config callDataSpelling). */
	call_transcript?: string | null;
	call_analytics?: { summary: string; next_step: string } | null;
	recording_url?: string | null;
	duration_seconds?: number;
	outcome?: string;
	sandbox: {
		source: 'api' | 'inbound';
		idempotencyKey?: string;
		plannedOutcome: CallOutcome;
		plannedError?: CallError;
		deletedAt?: string;
		history: Array<{ status: CallStatus; at: string }>;
		/** Who was called and which attempt (`additional_info.attempt`, default 1), kept after a delete erases the number. */
		contact: string;
		attempt: number;
		/** Scripted conversation result of a completed call (`POST /__admin/script`). */
		plannedConversation?: { outcome?: string; summary?: string };
		/** Placed while a plan was set: the queue model (queue.cts) starts and ends it. */
		queueManaged?: boolean;
		/** When the queue started dialling it (sandbox clock, ISO). */
		startedAt?: string;
		/** The stages still ahead of a started call, in order, at sandbox-clock ms. */
		stagesAhead?: Array<{ status: CallStatus; at: number }>;
	};
}

/** An entry of a number's script: what its n-th attempt does. */
export type ScriptedEnding =
	| 'completed'
	| 'busy'
	| 'no_answer'
	| 'failed'
	| 'dnd'
	| 'blocked'
	| 'invalid_number'
	| 'no_credits';

export interface ScriptEntry {
	ending: ScriptedEnding;
	outcome?: string;
	summary?: string;
}

export type Plan = 'trial' | 'base' | 'professional' | 'enterprise';

/** A call the queue started dialling (for "no start outside the window", pacing and concurrency checks). */
export interface CallStart {
	call_id: string;
	contact_number: string;
	attempt: number;
	at: string;
	/** Calls being dialled or talking right after this one started, itself included. */
	in_flight: number;
}

export type Session = 'Morning' | 'Afternoon' | 'Evening';

export interface Appointment {
	appointment_id: string;
	appointment_type: string;
	branch_id: string;
	date: string;
	session: Session;
	batch: string;
	token: string;
	patient_name: string;
	parent_phone: string;
	assigned_doctor: string;
	status: 'confirmed' | 'rescheduled' | 'completed' | 'cancelled';
	external_reference_id: string;
	created_at: string;
	updated_at: string;
	notes?: string;
	/** Sandbox bookkeeping, shown only in events: `api`, `dashboard` or `phone_call`. */
	booked_via?: string;
}

/** A service (appointment type) as `GET /services` lists it. */
export interface Service {
	service_id: string;
	name: string;
}

/** `GET /appointment-config`: the documented fields. */
export interface AppointmentConfig {
	allow_cancellation: boolean;
	cancellation_notice_hours: number;
}

/** A calendar window (`POST /appointment-slots`): a weekly rule that becomes a slot on each matching date. */
export interface CalendarWindow {
	slot_id: string;
	calendar_id: string;
	branch_id: string;
	day: string;
	session: Session;
	start_time: string;
	end_time: string;
	max_slots: number;
	ai_slots: number;
	batch: string;
	appointment_type: string | null;
	created_at: string;
}

/** `date` is sandbox bookkeeping (which calendar day the slot is on); the API shows `day`. */
export interface Slot {
	slot_id: string;
	calendar_id: string;
	branch_id: string;
	day: string;
	session: Session;
	batch: string;
	start_time: string;
	end_time: string;
	appointment_type: string | null;
	max_slots: number;
	ai_slots: number;
	filled_slots: number;
	available_slots: number;
	status: 'OPEN';
	date: string;
}

export interface Subscription {
	id: string;
	url: string;
	events: string[];
	secret: string;
	created_at: string;
	created_via: 'api' | 'dashboard';
	/** Events in a row whose every delivery attempt failed. */
	failed_events: number;
	/** Set after `disableEndpointAfterFailures` failed events; a disabled endpoint gets nothing. */
	disabled: boolean;
}

export interface EmittedEvent {
	event_id: string;
	event_type: string;
	created_at: string;
	/** The exact bytes every delivery of this event carries. */
	raw: string;
}

export interface DeliveryAttempt {
	id: number;
	event_id: string;
	event_type: string;
	subscription_id: string;
	url: string;
	attempt: number;
	kind: 'original' | 'redelivery' | 'duplicate';
	status: number | null;
	ok: boolean;
	error?: string;
	latencyMs: number;
	at: string;
	signature_header: string;
	signature: string;
	body: string;
}

export interface RecordedRequest {
	id: number;
	at: string;
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	/** The answer's status; absent while the request runs or when the connection was dropped. */
	status?: number;
}

export interface Fault {
	latencyMs?: number;
	failTimes?: number;
	dropAfterCommitTimes?: number;
	rateLimitTimes?: number;
	retryAfterSeconds?: number;
}

export interface SandboxConfig {
	rateLimit: { limit: number; windowMs: number };
	autoAdvanceMs: number;
	/**
	 * With auto-advance on: how long a call stays scheduled/queued before it starts (calling window,
	 * plan concurrency). 0 = one autoAdvanceMs step like every other stage.
	 */
	queuedMs: number;
	/**
	 * Field names of a completed call's conversation: `transcript` = `summary`, `transcript` as
	 * `[{speaker, text}]`; `call_transcript` = no top-level summary (only `call_analytics.summary`)
	 * and `call_transcript` as speaker-labelled text. Both are documented (contract sections 2, 10).
	 */
	callDataSpelling: 'transcript' | 'call_transcript';
	deliveryRetryDelaysMs: number[];
	deliveryTimeoutMs: number;
	webhooksApiEnabled: boolean;
	legacySignatureHeader: boolean;
	flatCancelResponse: boolean;
	/** Deliver every event twice (same event_id), as a real at-least-once sender sometimes does. */
	duplicateDeliveries: boolean;
	/** 0 = never. Otherwise an endpoint is disabled after this many events in a row failed (all retries). */
	disableEndpointAfterFailures: number;
	/** undefined = unlimited. */
	credits?: number;
	/** undefined = unlimited. */
	dailyInboundQuota?: number;
	/** undefined = inbound hooks need no signature. */
	inboundSigningSecret?: string;
	/** `GET /services` answer shape (undocumented): `{ data: [{ service_id, name }] }` or a bare `[{ id, name }]`. */
	servicesShape: 'data' | 'bare';
	/** Whether `GET /appointments` also carries `pagination: { page, limit, total }` (undocumented). */
	searchTotals: boolean;
	/**
	 * undefined (default) = no queue model: calls start at once (auto-advance as configured).
	 * Set = HuskyVoice's queue (queue.cts): the plan's concurrency, startsPerMinute, the calling
	 * window; `trial` refuses API and hook call creation.
	 */
	plan?: Plan;
	/** Enterprise plan's concurrency (default 10); other plans have theirs (Base 1, Professional 4). */
	concurrency?: number;
	/** New calls started per sliding minute of the sandbox clock (default 10). */
	startsPerMinute: number;
	/** The organisation's IANA time zone for the calling window (default Asia/Kolkata). */
	timeZone: string;
	/** Calling window, `HH:MM` in timeZone (default 09:00–20:00). */
	callingWindow: { opensAt: string; closesAt: string };
	/** With a plan: sandbox-clock ms from the start of dialling to the end of a dialled call (default 2000). */
	callDurationMs: number;
	/** A libfaketime timestamp file (`+13h`, `-30m`, `@2026-12-07 19:58:00`), re-read on every use. */
	fakeTimeFile?: string;
}
