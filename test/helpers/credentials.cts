import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeProperties,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import { HuskyVoiceApi } from '../../credentials/HuskyVoiceApi.credentials';
import { HuskyVoiceInboundWebhookApi } from '../../credentials/HuskyVoiceInboundWebhookApi.credentials';
import { HuskyVoiceWebhookSecretApi } from '../../credentials/HuskyVoiceWebhookSecretApi.credentials';

/** Test credentials by credential type name, e.g. `{ huskyVoiceApi: { apiKey, baseUrl } }`. */
export type TestCredentials = Record<string, IDataObject>;

export const PACKAGE_CREDENTIAL_TYPES: ICredentialType[] = [
	new HuskyVoiceApi(),
	new HuskyVoiceWebhookSecretApi(),
	new HuskyVoiceInboundWebhookApi(),
];

/** `{ huskyVoiceApi: { apiKey, baseUrl } }` for a sandbox (or any server) answering on baseUrl. */
export function huskyVoiceApiCredentials(server: { baseUrl: string; apiKey: string }): TestCredentials {
	return { huskyVoiceApi: { apiKey: server.apiKey, baseUrl: server.baseUrl } };
}

/**
 * Stands in for n8n's CredentialsHelper (packages/cli): returns the test credentials with the
 * credential type's defaults filled in, and applies the type's `authenticate` exactly as n8n does
 * (generic properties resolved as expressions against `$credentials`, or the function form).
 */
export class TestCredentialsHelper {
	/** Every `getDecrypted` call, by type — lets a test check credentials are read once per run. */
	readonly decryptCalls: string[] = [];

	constructor(
		private readonly credentials: TestCredentials,
		private readonly types: ICredentialType[] = PACKAGE_CREDENTIAL_TYPES,
	) {}

	private typeOf(name: string): ICredentialType | undefined {
		return this.types.find((type) => type.name === name);
	}

	getParentTypes(name: string): string[] {
		return this.typeOf(name)?.extends ?? [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.typeOf(type)?.properties ?? [];
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.decryptCalls.push(type);
		const data = this.credentials[type];
		if (!data) throw new Error(`No test credentials of type "${type}" were given to the harness`);
		const defaults: IDataObject = {};
		for (const property of this.getCredentialsProperties(type)) {
			if (property.default !== undefined) defaults[property.name] = property.default as IDataObject[string];
		}
		return { ...defaults, ...data } as ICredentialDataDecryptedObject;
	}

	async getCredentials(): Promise<never> {
		throw new Error('getCredentials is not supported by the test harness');
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.typeOf(typeName)?.authenticate;
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate.type !== 'generic') return requestOptions;
		const resolve = (value: unknown): string => {
			if (typeof value !== 'string' || !value.startsWith('=')) return String(value);
			if (!workflow || !node) throw new Error('authenticate needs the workflow to resolve expressions');
			const resolved = workflow.expression.getSimpleParameterValue(
				node,
				value,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			);
			return resolved ? String(resolved) : '';
		};
		const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
		for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
			options[outerKey] = options[outerKey] ?? {};
			for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
				options[outerKey][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}
}
