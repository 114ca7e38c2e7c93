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

/** The UTC dates from `now`'s day on, one a day: a week covers every weekday a calendar window can open on. */
export function lookaheadDates(now: number, days = BRANCH_LOOKAHEAD_DAYS): string[] {
	const today = Math.floor(now / 86_400_000) * 86_400_000;
	return Array.from({ length: days }, (_, d) => new Date(today + d * 86_400_000).toISOString().slice(0, 10));
}

/** The branches seen in the availability of today and the following days (UTC dates). */
export async function searchBranches(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const dates = lookaheadDates(Date.now());
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
