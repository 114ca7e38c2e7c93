/** Small statistics helpers (nearest-rank percentiles, like most latency reports). */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values: number[]): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function fmt(value: number, digits = 2): string {
	return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** ours / baseline, or n/a when the baseline is 0 or missing. */
export function ratio(ours: number, baseline: number, digits = 2): string {
	return Number.isFinite(ours) && Number.isFinite(baseline) && baseline !== 0 ? `${(ours / baseline).toFixed(digits)}×` : 'n/a';
}
