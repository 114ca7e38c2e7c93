export const DEFAULT_BASE_URL = 'https://api.huskyvoice.ai/v1';

export const HUSKYVOICE_API_CREDENTIAL = 'huskyVoiceApi';
export const WEBHOOK_SECRET_CREDENTIAL = 'huskyVoiceWebhookSecretApi';
export const INBOUND_WEBHOOK_CREDENTIAL = 'huskyVoiceInboundWebhookApi';

/** HuskyVoice v1 accepts only Indian numbers in E.164: +91 and 10 digits. */
export const PHONE_PATTERN = /^\+91\d{10}$/;
export const MAX_ADDITIONAL_INFO_KEYS = 25;

export const CALL_EVENTS = [
	'call.initiated',
	'call.answered',
	'call.completed',
	'call.failed',
	'call.disallowed',
] as const;
export const APPOINTMENT_EVENTS = [
	'appointment.created',
	'appointment.updated',
	'appointment.cancelled',
	'appointment.completed',
] as const;
export const SLOT_EVENTS = ['slot.created', 'slot.updated'] as const;
export const ALL_EVENTS: readonly string[] = [...CALL_EVENTS, ...APPOINTMENT_EVENTS, ...SLOT_EVENTS];

/** The documented header first; an older HuskyVoice page names it X-Webhook-Signature. */
export const OUTBOUND_SIGNATURE_HEADERS = ['x-husky-signature', 'x-webhook-signature'] as const;
export const INBOUND_TIMESTAMP_HEADER = 'X-Inbound-Timestamp';
export const INBOUND_SIGNATURE_HEADER = 'X-Inbound-Signature';

export const DASHBOARD_WEBHOOKS_PATH = 'Integrations → Outbound Webhooks → Add Endpoint';
