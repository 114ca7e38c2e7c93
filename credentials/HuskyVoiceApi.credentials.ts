import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class HuskyVoiceApi implements ICredentialType {
	name = 'huskyVoiceApi';

	displayName = 'HuskyVoice API';

	icon: Icon = { light: 'file:../nodes/shared/huskyvoice.svg', dark: 'file:../nodes/shared/huskyvoice.dark.svg' };

	documentationUrl = 'https://github.com/huskyvoice/n8n-nodes-huskyvoice#huskyvoice-api-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'sk_live_…',
			description:
				'Your HuskyVoice API key. Find it in the HuskyVoice dashboard under Settings → API Keys.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.huskyvoice.ai/v1',
			description:
				'Leave as is for HuskyVoice cloud. Change only for a self-hosted or test HuskyVoice server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// The availability endpoint is a cheap authenticated read that every account has.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/appointment-slots/availability',
			qs: { date: '2026-01-01' },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'HuskyVoice rejected this API key — copy it again from Settings → API Keys',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message: 'No HuskyVoice API at this Base URL — it should end in /v1',
				},
			},
		],
	};
}
