import { SCRIPTED_ENDINGS } from './calls.cjs';
import { apiError, isObject, parseJsonObject, type Handler, type JsonObject, type Reply } from './http.cjs';
import { queueReport, runQueue } from './queue.cjs';
import type { Router } from './router.cjs';
import type { SandboxState } from './state.cjs';
import type { ScriptEntry, ScriptedEnding } from './types.cjs';

/** Admin routes of the queue model: per-number scripts, the clock, the queue's report. */

const ok = (body: unknown): Reply => ({ status: 200, body });
const bad = (message: string): Reply => apiError(400, 'invalid_request', message);
const PHONE = /^\+91\d{10}$/;

function parseEntry(value: unknown): ScriptEntry | string {
	const entry = typeof value === 'string' ? { ending: value } : value;
	if (!isObject(entry) || !SCRIPTED_ENDINGS.includes(entry.ending as ScriptedEnding)) {
		return `each entry must be one of ${SCRIPTED_ENDINGS.join(', ')}, or { ending, outcome?, summary? }`;
	}
	const { ending, outcome, summary } = entry;
	if (outcome !== undefined && typeof outcome !== 'string') return 'outcome must be a string';
	if (summary !== undefined && typeof summary !== 'string') return 'summary must be a string';
	return { ending: ending as ScriptedEnding, outcome, summary };
}

/** `POST /__admin/script` `{ "+919800000001": ["busy", "completed"] }`: the n-th attempt ends as the n-th entry. */
const setScript: Handler = ({ state, rawBody }) => {
	const parsed = parseJsonObject(rawBody);
	if ('error' in parsed) return bad(parsed.error);
	const scripts = new Map<string, ScriptEntry[]>();
	for (const [number, entries] of Object.entries(parsed.value)) {
		if (!PHONE.test(number)) return bad(`${number} is not a +91 number with 10 digits`);
		if (!Array.isArray(entries) || entries.length === 0) return bad(`${number}: give a non-empty list of endings`);
		const list: ScriptEntry[] = [];
		for (const value of entries) {
			const entry = parseEntry(value);
			if (typeof entry === 'string') return bad(`${number}: ${entry}`);
			list.push(entry);
		}
		scripts.set(number, list);
	}
	for (const [number, list] of scripts) state.scripts.set(number, list);
	return ok(Object.fromEntries(state.scripts));
};

function clockView(state: SandboxState): JsonObject {
	return {
		now: state.nowIso(),
		admin_offset_ms: state.clock.adminOffsetMs,
		frozen: state.clock.frozenAtMs !== undefined,
		file_offset_ms: state.clock.fileOffsetMs(),
		fake_time_file: state.config.fakeTimeFile ?? null,
	};
}

/**
 * `POST /__admin/clock` with one of `{ set: ISO }`, `{ advanceMs }`, `{ offsetMs }` and/or
 * `{ freeze: boolean }` (a frozen clock stands still until moved): the queue catches up at once.
 */
const setClock: Handler = ({ state, rawBody }) => {
	const parsed = parseJsonObject(rawBody);
	if ('error' in parsed) return bad(parsed.error);
	const { set, advanceMs, offsetMs, freeze } = parsed.value;
	const moves = [set, advanceMs, offsetMs].filter((v) => v !== undefined).length;
	if (moves > 1 || (moves === 0 && freeze === undefined)) {
		return bad('give one of set (ISO date-time), advanceMs or offsetMs, and/or freeze (boolean)');
	}
	if (freeze !== undefined && typeof freeze !== 'boolean') return bad('freeze must be a boolean');
	const { clock } = state;
	if (set !== undefined) {
		const target = typeof set === 'string' ? Date.parse(set) : Number.NaN;
		if (!Number.isFinite(target)) return bad('set must be an ISO 8601 date-time');
		clock.advance(target - clock.nowMs());
	} else if (advanceMs !== undefined) {
		if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs)) return bad('advanceMs must be a number');
		clock.advance(advanceMs);
	} else if (offsetMs !== undefined) {
		if (typeof offsetMs !== 'number' || !Number.isFinite(offsetMs)) return bad('offsetMs must be a number');
		clock.freeze(false);
		clock.adminOffsetMs = offsetMs;
	}
	if (freeze !== undefined) clock.freeze(freeze);
	runQueue(state);
	return ok(clockView(state));
};

export function addQueueAdminRoutes(router: Router): Router {
	return router
		.add('GET /__admin/script', ({ state }) => ok(Object.fromEntries(state.scripts)))
		.add('POST /__admin/script', setScript)
		.add('DELETE /__admin/script', ({ state }) => {
			state.scripts.clear();
			return ok({});
		})
		.add('GET /__admin/clock', ({ state }) => ok(clockView(state)))
		.add('POST /__admin/clock', setClock)
		.add('GET /__admin/queue', ({ state }) => ok(queueReport(state)));
}
