import type { Handler } from './http.cjs';

export interface Route {
	/** Also the fault-injection key, e.g. `GET /v1/calls/:id`. */
	key: string;
	handler: Handler;
	/** Public routes skip API-key auth and rate limiting (the inbound hook's token is its credential). */
	public?: boolean;
	/** The API-key scope the route needs (e.g. `appointments:read`); the main key has every scope. */
	scope?: string;
}

interface CompiledRoute extends Route {
	method: string;
	pattern: RegExp;
	names: string[];
}

export class Router {
	private readonly routes: CompiledRoute[] = [];

	add(key: string, handler: Handler, options: { public?: boolean; scope?: string } = {}): this {
		const [method, path] = key.split(' ');
		const names: string[] = [];
		const source = path.replace(/:(\w+)/g, (_, name: string) => {
			names.push(name);
			return '([^/]+)';
		});
		this.routes.push({ key, handler, method, pattern: new RegExp(`^${source}/?$`), names, ...options });
		return this;
	}

	keys(): string[] {
		return this.routes.map((r) => r.key);
	}

	match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
		for (const route of this.routes) {
			if (route.method !== method) continue;
			const found = route.pattern.exec(path);
			if (!found) continue;
			const params: Record<string, string> = {};
			route.names.forEach((name, i) => (params[name] = safeDecode(found[i + 1])));
			return { route, params };
		}
		return undefined;
	}
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}
