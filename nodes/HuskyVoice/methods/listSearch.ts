import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { listServices } from '../../shared/services';
import { dayAvailability } from '../../shared/availability';

/** How far ahead the branch list looks: HuskyVoice lists no branches, only slots per day. */
export const BRANCH_LOOKAHEAD_DAYS = 7;

function matches(filter: string | undefined, ...texts: string[]): boolean {
	const wanted = filter?.trim().toLowerCase();
	return !wanted || texts.some((t) => t.toLowerCase().includes(wanted));
}

export async function searchServices(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const services = await listServices.call(this);
	const results = services
		.map((s) => ({ name: String(s.name), value: String(s.service_id) }))
		.filter((s) => matches(filter, s.name, s.value))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}

/** The branches seen in the availability of today and the following days (UTC dates). */
export async function searchBranches(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
	const dates = Array.from({ length: BRANCH_LOOKAHEAD_DAYS }, (_, d) => new Date(today + d * 86_400_000).toISOString().slice(0, 10));
	const answers = await Promise.all(dates.map(async (date) => await dayAvailability.call(this, { date })));
	const branches = new Set<string>();
	for (const answer of answers) {
		for (const slot of answer.slots) if (typeof slot.branch_id === 'string' && slot.branch_id !== '') branches.add(slot.branch_id);
	}
	const results = [...branches]
		.filter((b) => matches(filter, b))
		.sort()
		.map((b) => ({ name: b, value: b }));
	return { results };
}
