/**
 * A shifted clock for n8n processes: libfaketime preloaded into every n8n process, reading its
 * offset from a file that a test rewrites to jump (e.g. across a night) while n8n keeps running.
 *
 *   FAKETIME_TIMESTAMP_FILE=<file>   holds the offset in seconds, e.g. `+46800` (13 h ahead)
 *   FAKETIME_NO_CACHE=1              re-read on every clock call, so a rewrite takes effect at once
 *   FAKETIME_DONT_FAKE_MONOTONIC=1   only the wall clock moves: timers (setTimeout, cron's waits,
 *                                    Postgres pool timeouts) keep real durations
 *
 * Only the wall clock (Date, $now, the Schedule Trigger's cron) is shifted; Postgres, Redis and
 * the test process run on the real clock. Anything else that must agree (the HuskyVoice sandbox)
 * reads the same file: `offsetSecondsFromFile`.
 */
import * as fs from 'node:fs';

/** Debian/Ubuntu package `libfaketime` (`faketime` pulls it in); override with E2E_LIBFAKETIME. */
export const LIBFAKETIME = process.env.E2E_LIBFAKETIME ?? '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** Environment that makes a process run on the clock in `file`. */
export function faketimeEnv(file: string): Record<string, string> {
	if (!fs.existsSync(LIBFAKETIME)) {
		throw new Error(`a shifted clock needs libfaketime at ${LIBFAKETIME} (apt-get install faketime, or set E2E_LIBFAKETIME)`);
	}
	return {
		LD_PRELOAD: LIBFAKETIME,
		FAKETIME_TIMESTAMP_FILE: file,
		FAKETIME_NO_CACHE: '1',
		FAKETIME_DONT_FAKE_MONOTONIC: '1',
	};
}

/** Offset (ms) in a libfaketime timestamp file holding `+<seconds>` / `-<seconds>`; 0 when absent or not an offset. */
export function offsetMsFromFile(file: string): number {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8').trim();
	} catch {
		return 0;
	}
	const m = /^([+-]\d+(?:\.\d+)?)$/.exec(text);
	return m ? Math.round(Number(m[1]) * 1000) : 0;
}

export class ShiftedClock {
	constructor(readonly file: string, initialOffsetMs = 0) {
		this.write(initialOffsetMs);
	}

	/** Current offset from the real clock, in ms (as written to the file). */
	get offsetMs(): number {
		return offsetMsFromFile(this.file);
	}

	/** The shifted time now (what n8n's `$now` says). */
	now(): Date {
		return new Date(Date.now() + this.offsetMs);
	}

	/** Moves the clock so that it reads `at` now; returns the new offset in ms. */
	setTo(at: Date | number): number {
		return this.write(new Date(at).getTime() - Date.now());
	}

	/** Moves the clock forward (or back, negative) by `ms`. */
	advance(ms: number): number {
		return this.write(this.offsetMs + ms);
	}

	/** Atomic rewrite (a process may read the file at any moment): write a sibling, rename over. */
	private write(offsetMs: number): number {
		const seconds = (offsetMs / 1000).toFixed(3);
		const tmp = `${this.file}.tmp-${process.pid}`;
		fs.writeFileSync(tmp, `${offsetMs >= 0 ? '+' : ''}${seconds}\n`);
		fs.renameSync(tmp, this.file);
		return offsetMs;
	}
}
