/** Every timer the sandbox starts goes through here: unref'd, all cleared on reset, none after stop. */
export class Scheduler {
	private readonly timers = new Set<NodeJS.Timeout>();
	private stopped = false;

	later(ms: number, fn: () => void): NodeJS.Timeout | undefined {
		if (this.stopped) return undefined;
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			fn();
		}, ms);
		timer.unref();
		this.timers.add(timer);
		return timer;
	}

	cancel(timer: NodeJS.Timeout | undefined): void {
		if (!timer) return;
		clearTimeout(timer);
		this.timers.delete(timer);
	}

	/** Resolves after ms; never resolves if the timers are cleared first (nothing keeps waiting on it). */
	delay(ms: number): Promise<void> {
		return new Promise((resolve) => this.later(ms, resolve));
	}

	clearAll(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	stop(): void {
		this.stopped = true;
		this.clearAll();
	}
}
