import type { ICredentialsDecrypted, ICredentialTestFunctions, INodePropertyOptions } from 'n8n-workflow';
import { HuskyVoiceTrigger } from '../../nodes/HuskyVoiceTrigger/HuskyVoiceTrigger.node';
import { ALL_EVENTS, DASHBOARD_WEBHOOKS_PATH } from '../../nodes/shared/constants';

const node = new HuskyVoiceTrigger();
const property = (name: string) => node.description.properties.find((p) => p.name === name)!;

describe('HuskyVoice Trigger description', () => {
	it('offers All Events (*) and exactly the 11 documented events', () => {
		const values = (property('events').options as INodePropertyOptions[]).map((option) => option.value);
		expect(values[0]).toBe('*');
		expect(values.slice(1).sort()).toEqual([...ALL_EVENTS].sort());
	});

	it('new nodes are version 1.2 (Simplify on; n8n evaluates no expression per request for it); workflows saved with 1 and 1.1 keep working', () => {
		expect(node.description.version).toEqual([1, 1.1, 1.2]);
		expect(node.description.defaultVersion).toBe(1.2);
	});

	it('asks for the API key only in Automatic mode and the signing secret only in Manual mode with verification on', () => {
		expect(node.description.credentials).toEqual([
			expect.objectContaining({ name: 'huskyVoiceApi', displayOptions: { show: { registration: ['automatic'] } } }),
			expect.objectContaining({
				name: 'huskyVoiceWebhookSecretApi',
				displayOptions: { show: { registration: ['manual'], verifySignature: [true] } },
			}),
		]);
	});

	it('verifies signatures by default and warns when verification is turned off', () => {
		expect(property('verifySignature').default).toBe(true);
		expect(property('unsignedWarning')).toMatchObject({ type: 'notice', displayOptions: { show: { verifySignature: [false] } } });
	});

	it('tells Manual users where in the dashboard to paste the production URL', () => {
		expect(property('manualNotice').displayName).toContain(DASHBOARD_WEBHOOKS_PATH);
		expect(property('manualNotice').displayName).toContain('Production URL');
	});

	it('answers HuskyVoice as soon as a delivery is received', () => {
		expect(node.description.webhooks).toEqual([expect.objectContaining({ httpMethod: 'POST', responseMode: 'onReceived' })]);
	});
});

describe('signing secret credential test', () => {
	const test = (signingSecret: unknown) =>
		node.methods.credentialTest.huskyVoiceSigningSecretTest.call({} as ICredentialTestFunctions, {
			data: { signingSecret },
		} as unknown as ICredentialsDecrypted);

	it('accepts a whole secret', async () => {
		await expect(test('whsec_abc123')).resolves.toMatchObject({ status: 'OK' });
	});

	it.each(['', '   ', 'whsec_abc\n', 'whsec abc', undefined])('refuses %j', async (secret) => {
		await expect(test(secret)).resolves.toMatchObject({ status: 'Error' });
	});
});
