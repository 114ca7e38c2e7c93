import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/** Used by the Trigger in Manual registration mode: the secret copied from the dashboard. */
export class HuskyVoiceWebhookSecretApi implements ICredentialType {
	name = 'huskyVoiceWebhookSecretApi';

	displayName = 'HuskyVoice Webhook Signing Secret API';

	icon: Icon = { light: 'file:../nodes/shared/huskyvoice.svg', dark: 'file:../nodes/shared/huskyvoice.dark.svg' };

	documentationUrl = 'https://github.com/huskyvoice/n8n-nodes-huskyvoice#huskyvoice-webhook-signing-secret-api-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'whsec_…',
			description:
				'The signing secret of your outbound webhook endpoint. In the HuskyVoice dashboard open Integrations → Outbound Webhooks, choose the endpoint with this workflow’s URL and copy its signing secret.',
		},
	];
}
