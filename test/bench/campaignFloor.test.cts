import { DEFAULT_CALLING_WINDOW, DEFAULT_RETRY_POLICY } from '../../nodes/shared/callingWindow';
import { idealCampaignEndMs, type FloorInput } from './campaignFloor.cjs';

const NINE = Date.parse('2030-06-05T09:00:00+05:30');
const base: FloorInput = {
	scripts: [],
	startMs: NINE,
	concurrency: 4,
	callMs: 60_000,
	startsPerMinute: 10,
	window: DEFAULT_CALLING_WINDOW,
	retry: DEFAULT_RETRY_POLICY,
};
const minutes = (end: number) => (end - NINE) / 60_000;

describe('campaign floor (an ideal dispatcher)', () => {
	it('fills every line back to back: 8 answered calls on 4 lines take 2 call lengths', () => {
		expect(minutes(idealCampaignEndMs({ ...base, scripts: Array.from({ length: 8 }, () => ['completed']) }))).toBe(2);
	});

	it('a busy contact is called again 2 h after the first call ended', () => {
		expect(minutes(idealCampaignEndMs({ ...base, scripts: [['busy', 'completed']] }))).toBe(1 + 120 + 1);
	});

	it('starts at most 10 calls a minute even with free lines', () => {
		const end = idealCampaignEndMs({ ...base, concurrency: 20, callMs: 1000, scripts: Array.from({ length: 11 }, () => ['completed']) });
		expect((end - NINE) / 1000).toBe(61);
	});

	it('DND numbers take no line; a retry due after 20:00 waits for 09:00 the next day', () => {
		const evening = Date.parse('2030-06-05T19:00:00+05:30');
		const end = idealCampaignEndMs({ ...base, startMs: evening, scripts: [['dnd'], ['no_answer', 'completed']] });
		expect(new Date(end).toISOString()).toBe('2030-06-06T03:31:00.000Z'); // 09:01 in Kolkata
	});
});
