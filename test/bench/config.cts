/**
 * Benchmark settings: defaults < environment (BENCH_*) < command line (`--n=300`).
 *
 *   node .cache/tools/test/bench/run.cjs --n=50 --get-items=200 --trigger-events=100 --only=rate,get
 */
export type BenchName = 'rate' | 'get' | 'trigger' | 'package' | 'wait' | 'queue' | 'lookup' | 'campaign';
export const ALL_BENCHES: BenchName[] = ['package', 'get', 'rate', 'trigger', 'wait', 'queue', 'lookup', 'campaign'];

export interface BenchConfig {
	/** 1. create-call items. */
	n: number;
	/**
	 * 1. The sandbox's sliding window. HuskyVoice's 600 requests/min is written as 10 per 1000 ms:
	 * a 60 s window of 600 would take a 300-item batch in one burst (floor ≈ 0), so the floor
	 * N / limit would not be real; 10 per second is the same rate with bursts of at most 10.
	 */
	limit: number;
	windowMs: number;
	/** 2. Get Call items per run, measured runs per node (+ one warm-up each). */
	getItems: number;
	repeats: number;
	/** 3. Signed deliveries per workflow, per second, warm-up deliveries, block size of the A/B alternation. */
	triggerEvents: number;
	triggerRate: number;
	triggerWarmup: number;
	triggerBlock: number;
	/**
	 * n8n expression-engine settings to run the trigger benchmark on, each in its own n8n: `vm`
	 * (n8n 2.41's default), `vm-lazy` (vm with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true) and/or
	 * `legacy` (N8N_EXPRESSION_ENGINE=legacy). The other benchmarks run on n8n's defaults.
	 */
	triggerEngines: TriggerEngine[];
	/**
	 * Deliveries to each of the two controls (0 = none): a Webhook node secured by a Header Auth
	 * credential, and the HuskyVoice Trigger with signature verification off (no credential).
	 */
	triggerControl: number;
	/**
	 * 3d. A second pass on n8n's default engine at this rate (0 = none), below what n8n's
	 * per-request isolates let one main process answer on 2 cores, with this many deliveries per side.
	 */
	triggerLowRate: number;
	triggerLowEvents: number;
	/** Minutes the whole run may take: a trigger pass that would not fit is skipped (and says so). */
	budgetMinutes: number;
	/** 5. Queue mode: worker processes, executions started at once, Create Call items in each. */
	queueWorkers: number;
	queueExecutions: number;
	queueItems: number;
	/** 5. Events through the two webhook processes (each redelivered once) and their rate per second. */
	queueEvents: number;
	queueEventRate: number;
	/** 7. In-call lookup: request rates per second, measured requests per side and rate, block size of the A/B alternation. */
	lookupRates: number[];
	lookupRequests: number;
	lookupBlock: number;
	/** 8. Contacts in the campaign, and how many times faster than real time its shared clock runs. */
	campaignContacts: number;
	campaignSpeed: number;
	only: Set<BenchName>;
	/** Where the markdown goes (relative to the repository root unless absolute). */
	out: string;
	/** n8n's N8N_LOG_LEVEL during the run (same for both sides). */
	logLevel: string;
	/** A folder for the raw measurements (every delivery's latency, every run), or undefined. */
	dump?: string;
	/** Extra environment for n8n (`--n8n-env=N8N_EXPRESSION_ENGINE=legacy,KEY=VALUE`); none by default. */
	n8nEnv: Record<string, string>;
}

const KEYS: Record<string, keyof BenchConfig> = {
	n: 'n',
	limit: 'limit',
	'window-ms': 'windowMs',
	'get-items': 'getItems',
	repeats: 'repeats',
	'trigger-events': 'triggerEvents',
	'trigger-rate': 'triggerRate',
	'trigger-warmup': 'triggerWarmup',
	'trigger-block': 'triggerBlock',
	'trigger-engines': 'triggerEngines',
	'trigger-control': 'triggerControl',
	'trigger-low-rate': 'triggerLowRate',
	'trigger-low-events': 'triggerLowEvents',
	'budget-min': 'budgetMinutes',
	'queue-workers': 'queueWorkers',
	'queue-executions': 'queueExecutions',
	'queue-items': 'queueItems',
	'queue-events': 'queueEvents',
	'queue-event-rate': 'queueEventRate',
	'lookup-rates': 'lookupRates',
	'lookup-requests': 'lookupRequests',
	'lookup-block': 'lookupBlock',
	'campaign-contacts': 'campaignContacts',
	'campaign-speed': 'campaignSpeed',
	only: 'only',
	out: 'out',
	'log-level': 'logLevel',
	dump: 'dump',
	'n8n-env': 'n8nEnv',
};

function envName(flag: string): string {
	return `BENCH_${flag.replace(/-/g, '_').toUpperCase()}`;
}

function positiveInt(flag: string, value: string, allowZero = false): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new Error(`--${flag} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${value}"`);
	return n;
}

export const TRIGGER_ENGINES = ['vm', 'vm-lazy', 'legacy'] as const;
export type TriggerEngine = (typeof TRIGGER_ENGINES)[number];

function engines(value: string): TriggerEngine[] {
	const list = value.split(',').map((s) => s.trim()).filter(Boolean);
	for (const e of list) {
		if (!(TRIGGER_ENGINES as readonly string[]).includes(e)) throw new Error(`--trigger-engines: any of ${TRIGGER_ENGINES.join(', ')}, got "${e}"`);
	}
	return [...new Set(list)] as TriggerEngine[];
}

export function readConfig(argv: string[], env: NodeJS.ProcessEnv): BenchConfig {
	const raw: Record<string, string> = {};
	for (const flag of Object.keys(KEYS)) {
		const value = env[envName(flag)];
		if (value !== undefined && value !== '') raw[flag] = value;
	}
	for (const arg of argv) {
		if (arg === '--queue' || arg === '--campaign') {
			raw.only = arg.slice(2); // that part on its own
			continue;
		}
		if (arg === '--lookup') {
			raw.only = 'lookup'; // the in-call lookup part on its own
			continue;
		}
		const m = /^--([a-z0-9-]+)=(.*)$/.exec(arg);
		if (!m || !KEYS[m[1]]) throw new Error(`unknown argument "${arg}"; known: ${Object.keys(KEYS).map((k) => `--${k}=…`).join(' ')}`);
		raw[m[1]] = m[2];
	}
	const int = (flag: string, fallback: number, allowZero = false) =>
		raw[flag] === undefined ? fallback : positiveInt(flag, raw[flag], allowZero);
	const only = new Set<BenchName>();
	for (const name of (raw.only ?? ALL_BENCHES.join(',')).split(',').map((s) => s.trim()).filter(Boolean)) {
		if (!ALL_BENCHES.includes(name as BenchName)) throw new Error(`--only: unknown benchmark "${name}"; known: ${ALL_BENCHES.join(',')}`);
		only.add(name as BenchName);
	}
	return {
		n: int('n', 300),
		limit: int('limit', 10),
		windowMs: int('window-ms', 1000),
		getItems: int('get-items', 1000),
		repeats: int('repeats', 5),
		triggerEvents: int('trigger-events', 1000),
		triggerRate: int('trigger-rate', 20),
		triggerWarmup: int('trigger-warmup', 30, true),
		triggerBlock: int('trigger-block', 100),
		triggerEngines: engines(raw['trigger-engines'] ?? TRIGGER_ENGINES.join(',')),
		triggerControl: int('trigger-control', 200, true),
		triggerLowRate: int('trigger-low-rate', 5, true),
		triggerLowEvents: int('trigger-low-events', 300),
		budgetMinutes: raw['budget-min'] === undefined ? 35 : Number(raw['budget-min']),
		queueWorkers: int('queue-workers', 3),
		queueExecutions: int('queue-executions', 6),
		queueItems: int('queue-items', 100),
		queueEvents: int('queue-events', 1000),
		queueEventRate: int('queue-event-rate', 20),
		lookupRates: (raw['lookup-rates'] ?? '2,5,10').split(',').map((r) => positiveInt('lookup-rates', r.trim())),
		lookupRequests: int('lookup-requests', 100),
		lookupBlock: int('lookup-block', 25),
		campaignContacts: int('campaign-contacts', 300),
		campaignSpeed: int('campaign-speed', 10),
		only,
		out: raw.out ?? 'docs/bench-results.md',
		logLevel: raw['log-level'] ?? env.E2E_N8N_LOG_LEVEL ?? 'warn',
		dump: raw.dump,
		n8nEnv: Object.fromEntries(
			(raw['n8n-env'] ?? '')
				.split(',')
				.filter((pair) => pair.trim() !== '')
				.map((pair) => {
					const eq = pair.indexOf('=');
					if (eq < 1) throw new Error(`--n8n-env: expected KEY=VALUE, got "${pair}"`);
					return [pair.slice(0, eq).trim(), pair.slice(eq + 1)];
				}),
		),
	};
}
