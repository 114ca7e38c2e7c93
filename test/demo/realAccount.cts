/** How `npm start` and `npm run check-account` find a real HuskyVoice account: the same two variables, read the same way. */
export const REAL_API_URL = 'https://api.huskyvoice.ai/v1';

export interface RealAccount {
	/** `HUSKYVOICE_API_KEY`, trimmed; undefined when unset or blank. */
	apiKey?: string;
	/** `HUSKYVOICE_BASE_URL` (default the public API), without trailing slashes. */
	baseUrl: string;
}

export function realAccountFromEnv(env: NodeJS.ProcessEnv = process.env): RealAccount {
	return {
		apiKey: env.HUSKYVOICE_API_KEY?.trim() || undefined,
		baseUrl: (env.HUSKYVOICE_BASE_URL ?? REAL_API_URL).replace(/\/+$/, ''),
	};
}
