import type { IDataObject } from 'n8n-workflow';
import {
	combinedSeenEvents,
	DEFAULT_SEEN_EVENT_LIMITS,
	processSeenEvents,
	pruneSeen,
	staticDataSeenEvents,
} from '../../nodes/HuskyVoiceTrigger/dedupe';

const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2030, 5, 3, 10);

describe('seen-event stores', () => {
	it('report an event id as seen on its second delivery only', () => {
		const store = staticDataSeenEvents({});
		expect(store.checkAndRecord('evt_1', T0)).toBe(false);
		expect(store.checkAndRecord('evt_1', T0 + 1000)).toBe(true);
		expect(store.checkAndRecord('evt_2', T0 + 2000)).toBe(false);
	});

	it('forget an event id once the TTL (24 h by default) has passed', () => {
		const store = staticDataSeenEvents({});
		store.checkAndRecord('evt_1', T0);
		expect(store.checkAndRecord('evt_1', T0 + 23 * HOUR)).toBe(true);
		expect(store.checkAndRecord('evt_1', T0 + 23 * HOUR + DEFAULT_SEEN_EVENT_LIMITS.ttlMs)).toBe(false);
	});

	it('keep at most maxIds ids, dropping the oldest, so static data stays small', () => {
		const staticData: IDataObject = {};
		const store = staticDataSeenEvents(staticData, { ttlMs: HOUR, maxIds: 3 });
		for (const id of ['a', 'b', 'c', 'd']) store.checkAndRecord(id, T0);
		expect((staticData.seenEvents as unknown[]).map((entry) => (entry as [string])[0])).toEqual(['b', 'c', 'd']);
		expect(store.checkAndRecord('a', T0)).toBe(false);
	});

	it('stays flat under a flood of distinct ids', () => {
		const staticData: IDataObject = {};
		const store = staticDataSeenEvents(staticData);
		for (let i = 0; i < 5000; i++) store.checkAndRecord(`evt_${i}`, T0 + i);
		expect((staticData.seenEvents as unknown[]).length).toBe(DEFAULT_SEEN_EVENT_LIMITS.maxIds);
	});

	it('static data store reads what an earlier request wrote (a fresh store over the same data)', () => {
		const staticData: IDataObject = {};
		staticDataSeenEvents(staticData).checkAndRecord('evt_1', T0);
		const reloaded = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		expect(staticDataSeenEvents(reloaded).checkAndRecord('evt_1', T0 + 1)).toBe(true);
	});

	it('static data store ignores malformed saved data instead of failing', () => {
		const store = staticDataSeenEvents({ seenEvents: 'garbage' as unknown as IDataObject[] });
		expect(store.checkAndRecord('evt_1', T0)).toBe(false);
	});

	it('an id like __proto__ is stored as data, not as a property', () => {
		const store = staticDataSeenEvents({});
		expect(store.checkAndRecord('__proto__', T0)).toBe(false);
		expect(store.checkAndRecord('__proto__', T0)).toBe(true);
	});

	it('process memory is kept per scope: test runs and production runs do not share ids', () => {
		const production = processSeenEvents('wf-dedupe:node-1:webhook');
		const test = processSeenEvents('wf-dedupe:node-1:manual');
		expect(production.checkAndRecord('evt_1', T0)).toBe(false);
		expect(test.checkAndRecord('evt_1', T0)).toBe(false);
		expect(processSeenEvents('wf-dedupe:node-1:webhook').checkAndRecord('evt_1', T0)).toBe(true);
	});

	it('process memory keeps the newest ids up to the bound and forgets ids after the TTL', () => {
		const limits = { ttlMs: HOUR, maxIds: 3 };
		const store = processSeenEvents('wf-bounds:node-1:webhook', limits);
		for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) expect(store.checkAndRecord(id, T0 + i)).toBe(false);
		expect(store.checkAndRecord('a', T0 + 10)).toBe(false); // dropped by the bound, recorded again
		expect(store.checkAndRecord('d', T0 + 11)).toBe(true);
		expect(store.checkAndRecord('d', T0 + 3 + HOUR)).toBe(false); // expired, recorded again
		expect(store.checkAndRecord('d', T0 + 4 + HOUR)).toBe(true);
	});

	it('the combined store reports seen when either store has seen the id and records it in both', () => {
		const staticData: IDataObject = {};
		const memory = processSeenEvents('wf-combined:node-1:webhook');
		memory.checkAndRecord('evt_lost_from_static_data', T0);
		const combined = combinedSeenEvents(memory, staticDataSeenEvents(staticData));
		expect(combined.checkAndRecord('evt_lost_from_static_data', T0)).toBe(true);
		expect(staticDataSeenEvents(staticData).checkAndRecord('evt_lost_from_static_data', T0)).toBe(true);
	});

	it('pruneSeen drops expired entries before applying the bound', () => {
		expect(
			pruneSeen([['old', T0 - 2 * HOUR], ['a', T0], ['b', T0]], T0, { ttlMs: HOUR, maxIds: 2 }),
		).toEqual([['a', T0], ['b', T0]]);
	});
});
