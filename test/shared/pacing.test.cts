import { paceBefore, recordRateLimit, requestFinished, resetAtMs } from '../../nodes/shared/pacing';

/** A fake clock-free wait that records how long pacing asked to sleep. */
function recordingWait() {
	const waits: number[] = [];
	return { waits, wait: async (ms: number) => void waits.push(ms) };
}

describe('pacing from X-RateLimit headers', () => {
	it('reads X-RateLimit-Reset as epoch ms, epoch seconds or seconds from now', () => {
		expect(resetAtMs('1900000000000', 0)).toBe(1900000000000);
		expect(resetAtMs('1900000000', 0)).toBe(1900000000000);
		expect(resetAtMs('30', 1000)).toBe(31000);
		expect(resetAtMs(undefined)).toBeUndefined();
	});

	it('holds the others back until the first answer shows the budget, counting requests still in flight', async () => {
		const key = `budget-${Math.random()}`;
		const { waits, wait } = recordingWait();
		await paceBefore(key, wait); // the first request goes alone
		// The second waits until the first answer arrives: 3 left in this window.
		await paceBefore(key, async (ms) => {
			await wait(ms);
			requestFinished(key);
			recordRateLimit(key, { 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': String(Date.now() + 60_000) });
		});
		expect(waits).toHaveLength(1);
		await paceBefore(key, wait);
		await paceBefore(key, wait);
		expect(waits).toHaveLength(1);
		// Budget spent (3 sent since the answer): the next one waits for the reset.
		let released = false;
		await paceBefore(key, async () => {
			if (released) return;
			released = true;
			recordRateLimit(key, { 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': String(Date.now() + 120_000) });
		});
		expect(released).toBe(true);
	});

	it('subtracts requests still in flight from a reported count', async () => {
		const key = `inflight-${Math.random()}`;
		const { wait } = recordingWait();
		recordRateLimit(key, { 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(Date.now() + 60_000) });
		await paceBefore(key, wait); // in flight, not yet counted by the server
		recordRateLimit(key, { 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(Date.now() + 60_001) });
		let waited = false;
		await paceBefore(key, async () => {
			waited = true;
			requestFinished(key);
			recordRateLimit(key, { 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': String(Date.now() + 60_002) });
		});
		expect(waited).toBe(true);
	});

	it('waits for the reset once the budget is used up, then lets one request probe', async () => {
		const key = `exhausted-${Math.random()}`;
		const resetAt = Date.now() + 40;
		recordRateLimit(key, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetAt) });
		const waits: number[] = [];
		await paceBefore(key, async (ms) => {
			waits.push(ms);
			await new Promise((resolve) => setTimeout(resolve, ms));
		});
		expect(waits.length).toBeGreaterThan(0);
		expect(waits[0]).toBeLessThanOrEqual(40);
		expect(Date.now()).toBeGreaterThanOrEqual(resetAt);
		requestFinished(key);
	});

	it('an older answer with the same reset does not let a second request probe the slot the reset frees', async () => {
		const key = `probe-${Math.random()}`;
		const resetAt = Date.now() - 1; // the oldest counted request has just left the window
		recordRateLimit(key, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetAt) });
		const { waits, wait } = recordingWait();
		await paceBefore(key, wait); // the probe goes at once
		expect(waits).toEqual([]);
		// an answer to a request sent before the probe, in the same window
		recordRateLimit(key, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetAt) });
		let probeAnswered = false;
		await paceBefore(key, async (ms) => {
			await wait(ms);
			probeAnswered = true;
			requestFinished(key);
			recordRateLimit(key, { 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(Date.now() + 1_000) });
		});
		expect(probeAnswered).toBe(true);
		requestFinished(key);
	});

	it('ignores an older answer that arrives after a newer one', async () => {
		const key = `stale-${Math.random()}`;
		const later = Date.now() + 60_000;
		recordRateLimit(key, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(later) });
		recordRateLimit(key, { 'x-ratelimit-remaining': '50', 'x-ratelimit-reset': String(later - 5_000) });
		const { waits, wait } = recordingWait();
		let calls = 0;
		// The stale "50 left" must not release the request: pacing asks to wait.
		await paceBefore(key, async (ms) => {
			await wait(ms);
			if (++calls === 1) recordRateLimit(key, { 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': String(later + 1) });
		});
		expect(waits.length).toBe(1);
		requestFinished(key);
	});

	it('does not pace a server that sends no rate-limit headers', async () => {
		const key = `none-${Math.random()}`;
		const { waits, wait } = recordingWait();
		await paceBefore(key, wait);
		recordRateLimit(key, {});
		await paceBefore(key, wait);
		await paceBefore(key, wait);
		expect(waits).toEqual([]);
	});
});
