/** The results as markdown: settings, machine, one table, notes. */
import type { BenchConfig } from './config.cjs';
import type { Row } from './context.cjs';
import type { MachineInfo } from './machine.cjs';

export interface Report {
	cfg: BenchConfig;
	machine: MachineInfo;
	startedAt: Date;
	minutes: number;
	load: { start: string; end: string; perBench: string[] };
	rows: Row[];
	notes: string[];
}

function cell(text: string): string {
	return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderReport(r: Report): string {
	const { cfg, machine: m } = r;
	const lines = [
		'# HuskyVoice nodes — benchmark results',
		'',
		`\`npm run bench\` (test/bench/), ${r.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${r.minutes.toFixed(1)} min. ` +
			'In every comparison ours and the baseline ran in the same real n8n, in the same run, against the same local HuskyVoice sandbox ' +
			'(test/sandbox). Baselines are n8n\'s built-in nodes: an HTTP Request node with a Header Auth credential ' +
			'(`Authorization: Bearer …`) and Retry On Fail at n8n\'s defaults (3 tries, 1 s apart), and a plain Webhook node. ' +
			'Figures, not timed tests: nothing here fails a build.',
		'',
		`**Machine:** ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}. n8n ${m.n8n} on Node ${m.n8nNode} (bench client on Node ${m.benchNode}), Postgres ${m.postgres}. ` +
			`Load average (1 min) at start ${r.load.start}, at end ${r.load.end}.`,
		'',
		`**Settings:** N=${cfg.n} create-call items, sandbox limit ${cfg.limit} requests per ${cfg.windowMs} ms (sliding window); ` +
			`${cfg.getItems} Get Call items × ${cfg.repeats} runs per node (+1 warm-up); ${cfg.triggerEvents} deliveries per trigger at ${cfg.triggerRate}/s ` +
			`(+${cfg.triggerWarmup} warm-up, blocks of ${cfg.triggerBlock})${cfg.triggerControl ? ` and ${cfg.triggerControl} to each control` : ''}, on n8n expression engine setting(s) ${cfg.triggerEngines.join(' + ')}` +
			(cfg.triggerEngines.includes('vm') && cfg.triggerLowRate > 0 ? `, and ${cfg.triggerLowEvents} per side at ${cfg.triggerLowRate}/s on the default engine (3d). ` : '. ') +
			(cfg.only.has('queue')
				? `Queue mode (6): ${cfg.queueWorkers} workers, ${cfg.queueExecutions} executions × ${cfg.queueItems} create-call items, ${cfg.queueEvents} events at ${cfg.queueEventRate}/s. `
				: '') +
			`n8n settings: n8n's defaults plus NODE_FUNCTION_ALLOW_BUILTIN=crypto (for the Code node of 3's HMAC flow) and what a benchmark's name states. ` +
			`Change with \`--n= --limit= --window-ms= --get-items= --repeats= --trigger-events= --trigger-rate= --trigger-control= --trigger-engines= --trigger-low-rate= --queue-*=\` or \`BENCH_*\` (test/bench/README.md).`,
		'',
		'| benchmark | figure | HuskyVoice node | baseline (n8n built-in) | ratio ours / baseline | target | target met |',
		'|---|---|---|---|---|---|---|',
	];
	let previous = '';
	for (const row of r.rows) {
		const bench = row.bench === previous ? '' : row.bench;
		previous = row.bench;
		const met = row.met === undefined ? '' : row.met ? 'yes' : '**no — missed**';
		lines.push(`| ${[bench, row.figure, row.ours, row.baseline, row.ratio, row.target, met].map(cell).join(' | ')} |`);
	}
	if (r.notes.length) {
		lines.push('', '**Notes**', '', ...r.notes.map((n) => `- ${n}`));
	}
	if (r.load.perBench.length) {
		lines.push('', `Load average (1 min) after each benchmark: ${r.load.perBench.join('; ')}.`);
	}
	return lines.join('\n') + '\n';
}
