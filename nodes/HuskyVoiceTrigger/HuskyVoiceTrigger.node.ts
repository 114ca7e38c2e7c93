import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IHookFunctions,
	INodeCredentialTestResult,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { DASHBOARD_WEBHOOKS_PATH } from '../shared/constants';
import { retrySettingsField } from '../shared/retrySettings';
import {
	acknowledgeDelivery,
	emitEvent,
	filterDelivery,
	refuseDelivery,
	verifyDelivery,
} from './delivery';
import { announceIfCallEnded } from './callFilters';
import { ALL_EVENTS_OPTION, normaliseEvent, parseEventBody, subscribedEvents } from './normalise';
import {
	createEndpoint,
	deleteEndpoint,
	forgetRegistration,
	listOwnEndpoints,
	registrationFor,
	sameEvents,
	storeRegistration,
} from './registration';
import { rawBodyOf } from './verify';

const SIMPLIFY_DESCRIPTION =
	'Whether call events give the event ids plus one flat call (call_id, status, outcome, summary, next_step, transcript, transcript_turns, recording_url, duration_seconds, agent_id, contact_number, additional_info, ended_at, reason) whichever field names HuskyVoice used; appointment and slot events are unchanged';

function isManual(context: IHookFunctions): boolean {
	return context.getNodeParameter('registration') === 'manual';
}

/** Test and production URLs differ; n8n hands each hook the one it is registering. */
function ownUrl(context: IHookFunctions): string {
	return context.getNodeWebhookUrl('default') as string;
}

function wantedEvents(context: IHookFunctions): string[] {
	return subscribedEvents(context.getNodeParameter('events', []) as string[]);
}

export class HuskyVoiceTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HuskyVoice Trigger',
		name: 'huskyVoiceTrigger',
		icon: { light: 'file:../shared/huskyvoice.svg', dark: 'file:../shared/huskyvoice.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves exactly like 1. n8n 2.41 treats a webhook node of typeVersion 1 like its old
		// Webhook node v1 and evaluates `$parameter.options.binaryData` as an expression on every
		// request before parsing the body (webhook-helpers.js › parseRequestBody); with the default
		// `vm` expression engine that is a call into an isolate per delivery. New nodes get 1.1.
		// 1.2: Simplify is on by default for new nodes; 1 and 1.1 nodes keep the event as it came.
		version: [1, 1.1, 1.2],
		defaultVersion: 1.2,
		subtitle: '={{$parameter["events"].join(", ")}}',
		// n8n's node panel merges this trigger with the HuskyVoice action node into one "HuskyVoice"
		// entry and shows THIS description there (editor: generateMergedNodesAndActions), so it
		// leads with the actions.
		description:
			'Place, track and cancel AI voice calls, update appointments, check slots, and start workflows on signed HuskyVoice events',
		defaults: { name: 'HuskyVoice Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'huskyVoiceApi',
				required: true,
				displayOptions: { show: { registration: ['automatic'] } },
			},
			{
				name: 'huskyVoiceWebhookSecretApi',
				required: true,
				testedBy: 'huskyVoiceSigningSecretTest',
				displayOptions: { show: { registration: ['manual'], verifySignature: [true] } },
			},
		],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [
			{
				displayName: 'Registration',
				name: 'registration',
				type: 'options',
				options: [
					{
						name: 'Automatic',
						value: 'automatic',
						description:
							'The node registers its URL on activation and removes it on deactivation. Only for servers that offer the endpoint API (the HuskyVoice sandbox, self-hosted deployments); HuskyVoice accounts add endpoints in the dashboard: use Manual.',
					},
					{
						name: 'Manual',
						value: 'manual',
						description: 'You add the Production URL in the HuskyVoice dashboard; works with every account',
					},
				],
				default: 'manual',
			},
			{
				displayName: `In the HuskyVoice dashboard open ${DASHBOARD_WEBHOOKS_PATH}, paste this node's Production URL (see Webhook URLs above), choose the events, and copy the endpoint's signing secret into the credential. The Test URL is a different URL: add it as its own endpoint only while you test.`,
				name: 'manualNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { registration: ['manual'] } },
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: [],
				description: 'The HuskyVoice events that start the workflow; others are acknowledged and ignored',
				options: [
					{ name: 'All Events', value: ALL_EVENTS_OPTION, description: 'Every HuskyVoice event' },
					{ name: 'Appointment Cancelled', value: 'appointment.cancelled' },
					{ name: 'Appointment Completed', value: 'appointment.completed' },
					{ name: 'Appointment Created', value: 'appointment.created' },
					{ name: 'Appointment Updated', value: 'appointment.updated' },
					{ name: 'Call Answered', value: 'call.answered' },
					{ name: 'Call Completed', value: 'call.completed' },
					{ name: 'Call Disallowed', value: 'call.disallowed', description: 'Blocked by DND, credits or policy' },
					{ name: 'Call Failed', value: 'call.failed' },
					{ name: 'Call Initiated', value: 'call.initiated' },
					{ name: 'Slot Created', value: 'slot.created' },
					{ name: 'Slot Updated', value: 'slot.updated' },
				],
			},
			{
				displayName: 'Verify Signature',
				name: 'verifySignature',
				type: 'boolean',
				default: true,
				description:
					'Whether to accept only deliveries whose X-Husky-Signature (or X-Webhook-Signature) header matches the signing secret',
			},
			{
				displayName:
					'Signature verification is off: anyone who learns this URL can start the workflow with made-up events. Turn it on for production workflows.',
				name: 'unsignedWarning',
				type: 'notice',
				default: '',
				displayOptions: { show: { verifySignature: [false] } },
			},
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: false,
				description: SIMPLIFY_DESCRIPTION,
				displayOptions: { show: { '@version': [1, 1.1] } },
			},
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: true,
				description: SIMPLIFY_DESCRIPTION,
				displayOptions: { show: { '@version': [1.2] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Agent IDs',
						name: 'agentIds',
						type: 'string',
						default: '',
						placeholder: 'e.g. agent_sales, agent_reminders',
						description:
							'Only call events of these agents (comma-separated) start the workflow; others are answered 200 and start nothing',
					},
					{
						displayName: 'Outcomes',
						name: 'outcomes',
						type: 'string',
						default: '',
						placeholder: 'e.g. interested, callback_requested',
						description:
							'Only call events whose outcome is one of these (comma-separated, any case) start the workflow; call events without an outcome (e.g. failed calls) are then skipped too',
					},
					{
						displayName: 'Include Raw Payload',
						name: 'includeRawPayload',
						type: 'boolean',
						default: false,
						description: 'Whether to add the event exactly as HuskyVoice sent it under "raw"',
					},
				],
			},
			retrySettingsField,
		],
	};

	methods = {
		credentialTest: {
			/**
			 * HuskyVoice has no endpoint that checks a signing secret, so this checks what can be
			 * checked here: that a whole secret was pasted. The first signed delivery proves the rest.
			 */
			async huskyVoiceSigningSecretTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const secret = credential.data?.signingSecret;
				if (typeof secret !== 'string' || secret.trim() === '') {
					return { status: 'Error', message: 'Paste the endpoint’s signing secret' };
				}
				if (secret !== secret.trim() || /\s/.test(secret)) {
					return { status: 'Error', message: 'The signing secret contains spaces or line breaks — copy it again' };
				}
				return {
					status: 'OK',
					message: 'Secret stored. It is proven by the first signed HuskyVoice delivery (a wrong secret is answered 401)',
				};
			},
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				if (isManual(this)) return true;
				const url = ownUrl(this);
				const stored = registrationFor(this.getWorkflowStaticData('node'), url);
				if (!stored) return false;
				const remote = await listOwnEndpoints.call(this, url);
				return remote.some(
					(endpoint) => endpoint.id === stored.endpointId && sameEvents(endpoint.events, wantedEvents(this)),
				);
			},

			async create(this: IHookFunctions): Promise<boolean> {
				if (isManual(this)) return true;
				const url = ownUrl(this);
				// Endpoints left at this URL (other events, or a secret this node no longer knows) go first.
				for (const stale of await listOwnEndpoints.call(this, url)) {
					await deleteEndpoint.call(this, stale.id);
				}
				const registration = await createEndpoint.call(this, url, wantedEvents(this));
				storeRegistration(this.getWorkflowStaticData('node'), url, registration);
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				if (isManual(this)) return true;
				const url = ownUrl(this);
				const staticData = this.getWorkflowStaticData('node');
				const stored = registrationFor(staticData, url);
				try {
					if (stored) await deleteEndpoint.call(this, stored.endpointId);
					return true;
				} catch (error) {
					// Left behind remotely; the next create removes whatever is still at this URL.
					this.logger.warn(`HuskyVoice Trigger could not delete its webhook endpoint: ${(error as Error).message}`);
					return false;
				} finally {
					forgetRegistration(staticData, url);
				}
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		try {
			const rawBody = await rawBodyOf(this.getRequestObject());
			if (!(await verifyDelivery(this, rawBody))) {
				this.logger.warn('HuskyVoice Trigger refused a delivery: missing or invalid signature');
				return refuseDelivery(this, 401, 'Invalid or missing signature');
			}
			const body = rawBody ? parseEventBody(rawBody) : parsedBodyOf(this);
			if (!body) return refuseDelivery(this, 400, 'The body is not a HuskyVoice event');

			if (this.getNodeParameter('verifySignature', true) !== false) announceIfCallEnded(normaliseEvent(body));
			const decision = filterDelivery(this, body);
			if (decision === 'notSelected') return acknowledgeDelivery('event not selected');
			if (decision === 'filteredOut') return acknowledgeDelivery('event outside the filters');
			if (decision === 'duplicate') return acknowledgeDelivery('event already delivered');
			return emitEvent(this, body);
		} catch (error) {
			// A throw here would make n8n start an error execution; answer 500 so HuskyVoice retries.
			this.logger.error(`HuskyVoice Trigger could not handle a delivery: ${(error as Error).name}`);
			try {
				return refuseDelivery(this, 500, 'The delivery could not be processed');
			} catch {
				return { webhookResponse: { received: false } };
			}
		}
	}
}

/** Only reached with verification off and no raw body: n8n's parsed JSON is all there is. */
function parsedBodyOf(context: IWebhookFunctions): IDataObject | undefined {
	const body = context.getBodyData();
	return parseEventBody(Buffer.from(JSON.stringify(body ?? null)));
}
