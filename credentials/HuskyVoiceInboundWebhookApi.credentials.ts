import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';
import { INBOUND_SIGNATURE_HEADER, INBOUND_TIMESTAMP_HEADER } from '../nodes/shared/constants';
import { signInboundBody } from '../nodes/shared/signing';

/** The account's secret inbound URL: whoever holds the token can place calls. */
export class HuskyVoiceInboundWebhookApi implements ICredentialType {
	name = 'huskyVoiceInboundWebhookApi';

	displayName = 'HuskyVoice Inbound Webhook API';

	icon: Icon = { light: 'file:../nodes/shared/huskyvoice.svg', dark: 'file:../nodes/shared/huskyvoice.dark.svg' };

	documentationUrl = 'https://github.com/huskyvoice/n8n-nodes-huskyvoice#huskyvoice-inbound-webhook-api-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Inbound Token or URL',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'https://api.huskyvoice.ai/v1/hooks/… or just the token',
			description:
				'The secret inbound webhook URL from the HuskyVoice dashboard (Integrations → Inbound Webhook), or only the token at its end. Anyone with it can place calls on your account.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.huskyvoice.ai/v1',
			description:
				'Used when only the token is given. Change only for a self-hosted or test HuskyVoice server.',
		},
		{
			displayName: 'Inbound Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. Set it when request signing is enabled on the inbound webhook in the dashboard; every request is then signed with X-Inbound-Timestamp and X-Inbound-Signature.',
		},
	];

	/**
	 * Signs requests made with this credential (the credential test, or an HTTP Request node
	 * using it) when a signing secret is set, exactly like the node does: the body is serialised
	 * once and those bytes are signed and sent. A hook that enforces signing answers unsigned
	 * requests 401, so without this a correct credential failed its own test.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const secret = typeof credentials.signingSecret === 'string' ? credentials.signingSecret.trim() : '';
		if (secret === '') return requestOptions;
		const body =
			typeof requestOptions.body === 'string' ? requestOptions.body : JSON.stringify(requestOptions.body ?? {});
		const timestamp = Math.floor(Date.now() / 1000);
		return {
			...requestOptions,
			body,
			headers: {
				...requestOptions.headers,
				'Content-Type': 'application/json',
				[INBOUND_TIMESTAMP_HEADER]: String(timestamp),
				[INBOUND_SIGNATURE_HEADER]: signInboundBody(secret, timestamp, body),
			},
		};
	}

	// Cancelling a call id that cannot exist is harmless: a valid token (and signature) gets 404
	// (unknown call). n8n hands a credential test only the response BODY (with
	// ignoreHttpStatusErrors the status is not part of it), so a refusal is recognised by the
	// error code in HuskyVoice's `{ success: false, error, code }` body.
	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			url: '={{ /^https?:\\/\\//.test($credentials.token) ? $credentials.token : $credentials.baseUrl.replace(/\\/+$/, "") + "/hooks/" + encodeURIComponent($credentials.token) }}',
			body: { action: 'call.cancel', data: { call_id: 'n8n-credential-test' } },
			json: true,
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'UNAUTHORIZED',
					message:
						'HuskyVoice refused the token (invalid or rotated) — copy the inbound URL again from Integrations → Inbound Webhook',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 'INVALID_SIGNATURE',
					message:
						'HuskyVoice accepted the token but refused the request signature — this hook requires signing: copy its Inbound Signing Secret again from Integrations → Inbound Webhook',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.code',
					value: 'unauthorized',
					message:
						'HuskyVoice refused the token (invalid or rotated) — copy the inbound URL again from Integrations → Inbound Webhook',
				},
			},
		],
	};
}
