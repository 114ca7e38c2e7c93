import { DEFAULT_SEEN_EVENT_LIMITS, processSeenEvents } from '../../nodes/HuskyVoiceTrigger/dedupe';

const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2030, 5, 3, 10);

describe('seen-event store (process memory)', () => {
	it('reports an event id as seen on its second delivery only', () => {
		const store = processSeenEvents('wf-second:node-1:webhook');
		expect(store.checkAndRecord('evt_1', T0)).toBe(false);
		expect(store.checkAndRecord('evt_1', T0 + 1000)).toBe(true);
		expect(store.checkAndRecord('evt_2', T0 + 2000)).toBe(false);
	});

	it('forgets an event id once the TTL (24 h by default) has passed', () => {
		const store = processSeenEvents('wf-ttl:node-1:webhook');
		store.checkAndRecord('evt_1', T0);
		expect(store.checkAndRecord('evt_1', T0 + 23 * HOUR)).toBe(true);
		expect(store.checkAndRecord('evt_1', T0 + 23 * HOUR + DEFAULT_SEEN_EVENT_LIMITS.ttlMs)).toBe(false);
	});

	it('keeps the newest ids up to the bound under a flood of distinct ids', () => {
		const store = processSeenEvents('wf-flood:node-1:webhook');
		for (let i = 0; i < 5000; i++) store.checkAndRecord(`evt_${i}`, T0 + i);
		const newest = 5000 - DEFAULT_SEEN_EVENT_LIMITS.maxIds;
		expect(store.checkAndRecord(`evt_${newest}`, T0 + 5000)).toBe(true);
		expect(store.checkAndRecord(`evt_${newest - 1}`, T0 + 5001)).toBe(false); // dropped by the bound
	});

	it('an id like __proto__ is stored as data, not as a property', () => {
		const store = processSeenEvents('wf-proto:node-1:webhook');
		expect(store.checkAndRecord('__proto__', T0)).toBe(false);
		expect(store.checkAndRecord('__proto__', T0)).toBe(true);
	});

	it('is kept per scope: test runs and production runs do not share ids', () => {
		const production = processSeenEvents('wf-dedupe:node-1:webhook');
		const test = processSeenEvents('wf-dedupe:node-1:manual');
		expect(production.checkAndRecord('evt_1', T0)).toBe(false);
		expect(test.checkAndRecord('evt_1', T0)).toBe(false);
		expect(processSeenEvents('wf-dedupe:node-1:webhook').checkAndRecord('evt_1', T0)).toBe(true);
	});

	it('keeps the newest ids up to the bound and forgets ids after the TTL', () => {
		const limits = { ttlMs: HOUR, maxIds: 3 };
		const store = processSeenEvents('wf-bounds:node-1:webhook', limits);
		for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) expect(store.checkAndRecord(id, T0 + i)).toBe(false);
		expect(store.checkAndRecord('a', T0 + 10)).toBe(false); // dropped by the bound, recorded again
		expect(store.checkAndRecord('d', T0 + 11)).toBe(true);
		expect(store.checkAndRecord('d', T0 + 3 + HOUR)).toBe(false); // expired, recorded again
		expect(store.checkAndRecord('d', T0 + 4 + HOUR)).toBe(true);
	});
});
