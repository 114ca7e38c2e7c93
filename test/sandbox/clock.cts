import { readFileSync } from 'fs';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, y: 365 * 86_400 };
const RELATIVE = /^([+-]\d+(?:\.\d+)?)([smhdy])?$/;
const ABSOLUTE = /^(@)?(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/;

/**
 * The sandbox's clock: `Date.now()` + the offset of a libfaketime timestamp file (when given) +
 * the admin offset (`POST /__admin/clock`). The file is read again on every use, so n8n processes
 * started under libfaketime with `FAKETIME_TIMESTAMP_FILE` = the same file (and
 * `FAKETIME_NO_CACHE=1`) and this sandbox read the same time, without faking the jest process.
 */
export class SandboxClock {
	/** Set by the admin API; cleared on reset. */
	adminOffsetMs = 0;
	/** Set by the admin API (`freeze: true`): the clock stands at this time until moved or released. */
	frozenAtMs: number | undefined;
	/** `@…` start times: the real time at which this clock first read that text (libfaketime counts from process start). */
	private readonly firstSeen = new Map<string, number>();

	constructor(private readonly fakeTimeFile: () => string | undefined) {}

	nowMs(): number {
		if (this.frozenAtMs !== undefined) return this.frozenAtMs;
		const real = Date.now();
		return real + this.fileOffsetMs(real) + this.adminOffsetMs;
	}

	nowIso(): string {
		return new Date(this.nowMs()).toISOString();
	}

	/** The file's offset at real time `real`; 0 without a file, or when it is missing or unreadable. */
	fileOffsetMs(real = Date.now()): number {
		const file = this.fakeTimeFile();
		if (!file) return 0;
		let text: string;
		try {
			text = readFileSync(file, 'utf8').trim();
		} catch {
			return 0;
		}
		return fakeTimeOffsetMs(text, real, this.firstSeen);
	}

	/** Stops the clock at its current time (true) or lets it run on from there (false). */
	freeze(frozen: boolean): void {
		if (frozen) {
			this.frozenAtMs = this.nowMs();
			return;
		}
		if (this.frozenAtMs === undefined) return;
		const standing = this.frozenAtMs;
		this.frozenAtMs = undefined;
		this.adminOffsetMs += standing - this.nowMs();
	}

	/** Moves the clock by `ms` (running or frozen). */
	advance(ms: number): void {
		if (this.frozenAtMs !== undefined) this.frozenAtMs += ms;
		else this.adminOffsetMs += ms;
	}
}

/**
 * libfaketime's timestamp formats: `+13h`, `-30m`, `+7200` (seconds), `+1.5d` are offsets from the
 * real time; `@2026-12-07 19:58:00` starts at that time and runs on (libfaketime counts from the
 * process start, so two processes started at different times differ — prefer offsets);
 * `2026-12-07 19:58:00` stands still. Absolute times are read as UTC (run n8n with TZ=UTC).
 */
export function fakeTimeOffsetMs(text: string, real: number, firstSeen = new Map<string, number>()): number {
	const relative = RELATIVE.exec(text);
	if (relative) return Math.round(Number(relative[1]) * UNIT_SECONDS[relative[2] ?? 's'] * 1000);
	const absolute = ABSOLUTE.exec(text);
	if (!absolute) return 0;
	const target = Date.parse(`${absolute[2]}T${absolute[3]}Z`);
	if (!absolute[1]) return target - real;
	if (!firstSeen.has(text)) firstSeen.set(text, real);
	return target - (firstSeen.get(text) as number);
}

/** A relative libfaketime spec (whole seconds) that makes a faked process read `target` now. */
export function fakeTimeSpecFor(target: Date | number, real = Date.now()): string {
	const seconds = Math.round((Number(target) - real) / 1000);
	return `${seconds >= 0 ? '+' : '-'}${Math.abs(seconds)}s`;
}
