import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** The account's secret inbound URL: whoever holds the token can place calls. */
export class HuskyVoiceInboundWebhookApi implements ICredentialType {
	name = 'huskyVoiceInboundWebhookApi';

	displayName = 'HuskyVoice Inbound Webhook API';

	icon: Icon = { light: 'file:../nodes/shared/huskyvoice.svg', dark: 'file:../nodes/shared/huskyvoice.dark.svg' };

	documentationUrl = 'https://github.com/huskyvoice/n8n-nodes-huskyvoice#credentials';

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

	// Cancelling a call id that cannot exist is harmless: a valid token gets 404 (unknown call),
	// a bad or rotated token 401.
	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			url: '={{ /^https?:\\/\\//.test($credentials.token) ? $credentials.token : $credentials.baseUrl.replace(/\\/+$/, "") + "/hooks/" + encodeURIComponent($credentials.token) }}',
			body: { action: 'call.cancel', data: { call_id: 'n8n-credential-test' } },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'statusCode',
					value: 401,
					message:
						'HuskyVoice refused the token (invalid or rotated), or this hook only accepts signed requests — copy the inbound URL again from Integrations → Inbound Webhook',
				},
			},
		],
	};
}
