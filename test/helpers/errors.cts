import { inspect } from 'util';

/**
 * Everything an error could show a user or write to execution data: message, description,
 * its JSON form (own enumerable properties, as n8n serialises errors) and util.inspect, cause included.
 */
export function serialiseError(error: unknown): string {
	if (error === undefined || error === null) return '';
	const parts: string[] = [];
	if (error instanceof Error) {
		const e = error as Error & { description?: unknown; cause?: unknown };
		parts.push(e.message, String(e.description ?? ''), e.stack ?? '');
		if (e.cause !== undefined) parts.push(serialiseError(e.cause));
	}
	try {
		parts.push(JSON.stringify(error));
	} catch {
		parts.push('[unserialisable]');
	}
	parts.push(inspect(error, { depth: 8 }));
	return parts.join('\n');
}
