/**
 * How many expression isolates n8n's `vm` engine takes per delivery to each trigger workflow,
 * read from n8n's own counter (n8n_expression_pool_acquired_total, N8N_METRICS=true) around
 * sequential deliveries — in an n8n of its own, so that metrics never touch a timed pass.
 */
import { sleep } from '../e2e/runner/index.cjs';
import type { BenchContext } from './context.cjs';
import { type Delivery, EVENT_PREFIX, eventBody, post, type Side } from './trigger.cjs';
import { oursTrigger, plainWebhook } from './workflows.cjs';

const DELIVERIES = 20;
const METRIC = /^n8n_expression_pool_acquired_total\s+(\S+)$/m;

async function acquiredSoFar(ctx: BenchContext): Promise<number> {
	const text = await (await fetch(`${ctx.stack.url}/metrics`)).text();
	const match = METRIC.exec(text);
	if (!match) throw new Error('n8n_expression_pool_acquired_total not in /metrics (needs N8N_METRICS=true and the vm engine)');
	return Number(match[1]);
}

export type IsolateCounts = Record<'ours' | 'unsigned' | 'baseline', number>;

export async function isolatesPerDelivery(ctx: BenchContext): Promise<IsolateCounts> {
	const { stack, creds } = ctx;
	const inputs = { ours: oursTrigger(creds.webhookSecret), unsigned: oursTrigger(), baseline: plainWebhook() };
	const counts = {} as IsolateCounts;
	for (const side of Object.keys(inputs) as Array<keyof IsolateCounts>) {
		const wf = await stack.api.createWorkflow(inputs[side]);
		const { webhooks } = await stack.activateAndWait(wf.id);
		// the first delivery reads the signing secret (one isolate more); count from the second on
		const send = (i: number) => {
			const eventId = `evt_isolates_${EVENT_PREFIX[side as Side]}_${i}`;
			const delivery: Delivery = { side, eventId, measured: true, body: eventBody(eventId, i) };
			return post({ url: webhooks[0].url, headers: {} }, delivery, creds.signingSecret, 0);
		};
		await send(0);
		await sleep(1000);
		const before = await acquiredSoFar(ctx);
		for (let i = 1; i <= DELIVERIES; i++) {
			const answer = await send(i);
			if (answer.status < 200 || answer.status >= 300) throw new Error(`delivery to ${side} answered ${answer.status}`);
			await sleep(200);
		}
		await sleep(1500); // executions finish and release their isolates
		counts[side] = (await acquiredSoFar(ctx) - before) / DELIVERIES;
		await stack.api.deactivateWorkflow(wf.id).catch(() => undefined);
	}
	return counts;
}
