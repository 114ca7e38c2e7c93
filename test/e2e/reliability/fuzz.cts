/**
 * Delivery fuzzing for the HuskyVoice Trigger: builds a seeded list of deliveries (valid ones and
 * forgeries of every kind the issue lists), each with the answer n8n + the node must give.
 *
 * What decides the expected answer (n8n 2.41.1 + this package):
 * - n8n parses a body sent as `application/json` before the node runs; when that fails it answers
 *   422 `Failed to parse request body` itself (and logs it at error level) — whatever the signature.
 *   Empty bodies are not parsed. The node never sees these deliveries.
 * - The node checks `X-Husky-Signature` when present, else `X-Webhook-Signature`: lower-case hex
 *   HMAC-SHA256 of the exact bytes, so upper-case hex, truncated, overlong, flipped or missing
 *   signatures and other secrets get 401.
 * - A valid signature over something that is not one JSON object with an event name → 400.
 * - Valid, but the event is not selected, or its event_id was already delivered → 200, ignored.
 */
import type { Execution } from '../runner/index.cjs';
import { deliverAll, type Delivery, type DeliveryAnswer, nodeOutput, type ReliabilityEnv, rng, sign } from './support.cjs';

const REFUSED = '{"error":"Invalid or missing signature"}';
const NOT_AN_EVENT = '{"error":"The body is not a HuskyVoice event"}';

export type FuzzClass =
	| 'valid'
	| 'valid, legacy X-Webhook-Signature header'
	| 'valid, both headers with the same signature'
	| 'both headers: X-Husky-Signature valid, X-Webhook-Signature forged'
	| 'both headers: X-Husky-Signature forged, X-Webhook-Signature valid'
	| 'valid 1 MB+ body'
	| 'valid, sent 3 times at once'
	| 'replay of an old event (same bytes)'
	| 'replay of an old event_id (re-signed new body)'
	| 'valid, event not selected'
	| 'bit flip in body'
	| 'bit flip in signature'
	| 'truncated signature'
	| 'overlong signature'
	| 'upper-case hex signature'
	| 'empty signature header'
	| 'missing signature header'
	| 'wrong secret'
	| 'empty body, valid signature'
	| 'empty body, forged signature'
	| 'empty body, no signature'
	| 'forged 1 MB+ body'
	| 'non-JSON 1 MB+ body as application/json'
	| 'non-JSON body as application/json, valid signature'
	| 'non-JSON body as application/json, forged signature'
	| 'non-JSON body as text/plain, valid signature'
	| 'non-JSON body as text/plain, forged signature'
	| 'JSON that is not an event, valid signature';

export interface FuzzDelivery extends Delivery {
	cls: FuzzClass;
	/** The status n8n must answer. */
	status: 200 | 400 | 401 | 422;
	/** For 200: whether this delivery may start the workflow (a new valid event). */
	newEvent?: string;
	/** 'ignored' answers (duplicate / not selected). */
	ignored?: boolean;
	/** Deliveries with the same group are sent concurrently (race). */
	group?: number;
}

export const SELECTED_EVENTS = [
	'call.initiated',
	'call.answered',
	'call.completed',
	'call.failed',
	'call.disallowed',
	'appointment.created',
	'appointment.updated',
	'appointment.cancelled',
	'appointment.completed',
];
const UNSELECTED_EVENTS = ['slot.created', 'slot.updated'];

const JSON_CT = { 'content-type': 'application/json' };
const TEXT_CT = { 'content-type': 'text/plain' };

function jsonParses(body: Buffer): boolean {
	if (body.length === 0) return true; // n8n does not parse an empty body
	try {
		const text = body.toString('utf8');
		JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
		return true;
	} catch {
		return false;
	}
}

export interface FuzzPlan {
	/** Sent first, shuffled. */
	first: FuzzDelivery[];
	/** Sent after every `first` delivery was answered: replays of events delivered in `first`. */
	then: FuzzDelivery[];
	validEventIds: string[];
}

export function fuzzPlan(secret: string, seed: number, scale = 1): FuzzPlan {
	const random = rng(seed);
	const int = (n: number) => Math.floor(random() * n);
	const pick = <T,>(list: T[]): T => list[int(list.length)];
	const n = (count: number) => Math.max(1, Math.round(count * scale));
	let sequence = 0;

	const event = (type: string, pad = 0): Record<string, unknown> => {
		const id = `evt_fuzz_${seed}_${++sequence}`;
		const filler = pad ? { notes: 'x'.repeat(pad) } : { nonce: random().toString(36).slice(2) };
		if (type.startsWith('call.')) {
			return {
				event_id: id,
				event_type: type,
				created_at: new Date().toISOString(),
				org_id: 'org_fuzz',
				data: { call_id: `call_${sequence}`, agent_id: 'agent_fuzz', status: type.split('.')[1], ...filler },
			};
		}
		const key = type.startsWith('slot.') ? 'slot' : 'appointment';
		return { event_id: id, event: type, timestamp: new Date().toISOString(), [key]: { [`${key}_id`]: `${key}_${sequence}`, ...filler } };
	};
	const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
	const signed = (body: Buffer, header = 'x-husky-signature', s = secret) => ({ ...JSON_CT, [header]: sign(s, body) });

	const first: FuzzDelivery[] = [];
	const validBodies: Array<{ id: string; body: Buffer; value: Record<string, unknown> }> = [];
	const add = (d: FuzzDelivery) => first.push(d);
	const valid = (cls: FuzzClass, headersFor: (body: Buffer) => Record<string, string>, pad = 0) => {
		const value = event(pick(SELECTED_EVENTS), pad);
		const body = bytes(value);
		validBodies.push({ id: value.event_id as string, body, value });
		add({ cls, body, headers: headersFor(body), status: 200, newEvent: value.event_id as string });
	};
	const forged = (cls: FuzzClass, mutate: (body: Buffer, sig: string) => Delivery) => {
		const value = event(pick(SELECTED_EVENTS));
		const body = bytes(value);
		const d = mutate(body, sign(secret, body));
		const status = d.headers['content-type'] === 'application/json' && !jsonParses(d.body) ? 422 : 401;
		add({ cls, ...d, status });
	};

	for (let i = 0; i < n(300); i++) valid('valid', (b) => signed(b));
	for (let i = 0; i < n(40); i++) valid('valid, legacy X-Webhook-Signature header', (b) => signed(b, 'x-webhook-signature'));
	for (let i = 0; i < n(20); i++) {
		valid('valid, both headers with the same signature', (b) => ({ ...signed(b), 'x-webhook-signature': sign(secret, b) }));
	}
	for (let i = 0; i < n(20); i++) {
		valid('both headers: X-Husky-Signature valid, X-Webhook-Signature forged', (b) => ({
			...signed(b),
			'x-webhook-signature': sign('whsec_attacker', b),
		}));
	}
	for (let i = 0; i < 3; i++) valid('valid 1 MB+ body', (b) => signed(b), 1_100_000);
	for (let i = 0; i < n(20); i++) {
		forged('both headers: X-Husky-Signature forged, X-Webhook-Signature valid', (body, sig) => ({
			body,
			headers: { ...JSON_CT, 'x-husky-signature': sign('whsec_attacker', body), 'x-webhook-signature': sig },
		}));
	}
	for (let i = 0; i < n(20); i++) {
		const body = bytes(event(pick(UNSELECTED_EVENTS)));
		add({ cls: 'valid, event not selected', body, headers: signed(body), status: 200, ignored: true });
	}
	for (let i = 0; i < n(120); i++) {
		forged('bit flip in body', (body, sig) => {
			const flipped = Buffer.from(body);
			flipped[int(flipped.length)] ^= 1 << int(8);
			return { body: flipped, headers: { ...JSON_CT, 'x-husky-signature': sig } };
		});
	}
	for (let i = 0; i < n(100); i++) {
		forged('bit flip in signature', (body, sig) => {
			const chars = Buffer.from(sig);
			// half: another hex digit (stays well-formed hex); half: any bit of any byte
			const at = int(chars.length);
			if (random() < 0.5) {
				const hex = '0123456789abcdef'.replace(String.fromCharCode(chars[at]), '');
				chars[at] = hex.charCodeAt(int(hex.length));
			} else {
				chars[at] ^= 1 << int(7);
				if (chars[at] < 0x21 || chars[at] > 0x7e) chars[at] = 0x7a; // keep it a legal header value
			}
			return { body, headers: { ...JSON_CT, 'x-husky-signature': chars.toString('latin1') } };
		});
	}
	for (let i = 0; i < n(40); i++) {
		forged('truncated signature', (body, sig) => ({ body, headers: { ...JSON_CT, 'x-husky-signature': sig.slice(0, int(64)) || sig.slice(0, 1) } }));
	}
	for (let i = 0; i < n(40); i++) {
		forged('overlong signature', (body, sig) => ({
			body,
			headers: { ...JSON_CT, 'x-husky-signature': sig + 'abcdef0123456789'.slice(0, 1 + int(16)) },
		}));
	}
	for (let i = 0; i < n(30); i++) {
		forged('upper-case hex signature', (body, sig) => ({ body, headers: { ...JSON_CT, 'x-husky-signature': sig.toUpperCase() } }));
	}
	for (let i = 0; i < n(10); i++) forged('empty signature header', (body) => ({ body, headers: { ...JSON_CT, 'x-husky-signature': '' } }));
	for (let i = 0; i < n(40); i++) forged('missing signature header', (body) => ({ body, headers: { ...JSON_CT } }));
	for (let i = 0; i < n(40); i++) {
		forged('wrong secret', (body) => ({ body, headers: signed(body, pick(['x-husky-signature', 'x-webhook-signature']), `whsec_wrong_${int(1e6)}`) }));
	}
	const empty = Buffer.alloc(0);
	for (let i = 0; i < n(10); i++) add({ cls: 'empty body, valid signature', body: empty, headers: signed(empty), status: 400 });
	for (let i = 0; i < n(10); i++) {
		add({ cls: 'empty body, forged signature', body: empty, headers: signed(empty, 'x-husky-signature', 'whsec_attacker'), status: 401 });
	}
	for (let i = 0; i < n(5); i++) add({ cls: 'empty body, no signature', body: empty, headers: { ...JSON_CT }, status: 401 });
	for (let i = 0; i < 3; i++) {
		const body = bytes(event(pick(SELECTED_EVENTS), 1_100_000));
		add({ cls: 'forged 1 MB+ body', body, headers: signed(body, 'x-husky-signature', 'whsec_attacker'), status: 401 });
	}
	{
		const body = Buffer.from(`not json ${'y'.repeat(1_100_000)}`);
		add({ cls: 'non-JSON 1 MB+ body as application/json', body, headers: signed(body), status: 422 });
	}
	const nonJson = () => Buffer.from(pick(['hello', '{"event_id":', 'event_id=1&event=x', '<xml/>', '{\'a\':1}', '\u0000\u0001']) + random().toString(36));
	for (let i = 0; i < n(15); i++) {
		const body = nonJson();
		add({ cls: 'non-JSON body as application/json, valid signature', body, headers: signed(body), status: 422 });
	}
	for (let i = 0; i < n(10); i++) {
		const body = nonJson();
		add({ cls: 'non-JSON body as application/json, forged signature', body, headers: { ...JSON_CT, 'x-husky-signature': '00'.repeat(32) }, status: 422 });
	}
	for (let i = 0; i < n(15); i++) {
		const body = nonJson();
		add({ cls: 'non-JSON body as text/plain, valid signature', body, headers: { ...TEXT_CT, 'x-husky-signature': sign(secret, body) }, status: 400 });
	}
	for (let i = 0; i < n(10); i++) {
		const body = nonJson();
		add({ cls: 'non-JSON body as text/plain, forged signature', body, headers: { ...TEXT_CT, 'x-husky-signature': sign('whsec_attacker', body) }, status: 401 });
	}
	for (let i = 0; i < n(15); i++) {
		const body = Buffer.from(pick(['[1,2,3]', '{}', '{"event_id":"evt_x"}', '"call.completed"', '42', 'null', '{"event_type":""}']));
		add({ cls: 'JSON that is not an event, valid signature', body, headers: signed(body), status: 400 });
	}

	// shuffle (Fisher–Yates, seeded)
	for (let i = first.length - 1; i > 0; i--) {
		const j = int(i + 1);
		[first[i], first[j]] = [first[j], first[i]];
	}

	const then: FuzzDelivery[] = [];
	for (let i = 0; i < n(80); i++) {
		const old = pick(validBodies);
		then.push({ cls: 'replay of an old event (same bytes)', body: old.body, headers: signed(old.body), status: 200, ignored: true });
	}
	for (let i = 0; i < n(20); i++) {
		const old = pick(validBodies);
		const body = bytes({ ...old.value, replayed: random() });
		then.push({ cls: 'replay of an old event_id (re-signed new body)', body, headers: signed(body), status: 200, ignored: true });
	}
	for (let g = 0; g < n(15); g++) {
		const value = event(pick(SELECTED_EVENTS));
		const body = bytes(value);
		for (let c = 0; c < 3; c++) {
			then.push({ cls: 'valid, sent 3 times at once', body, headers: signed(body), status: 200, newEvent: value.event_id as string, group: g });
		}
		validBodies.push({ id: value.event_id as string, body, value });
	}
	return { first, then, validEventIds: validBodies.map((v) => v.id) };
}

/** Sends `first`, then the replays, then each race group (3 copies at once). */
export async function runFuzz(env: ReliabilityEnv, url: string, plan: ReturnType<typeof fuzzPlan>) {
	const sent: Array<{ d: FuzzDelivery; a: DeliveryAnswer }> = [];
	const firstAnswers = await deliverAll(env, url, plan.first);
	plan.first.forEach((d, i) => sent.push({ d, a: firstAnswers[i] }));
	const replays = plan.then.filter((d) => d.group === undefined);
	const replayAnswers = await deliverAll(env, url, replays);
	replays.forEach((d, i) => sent.push({ d, a: replayAnswers[i] }));
	const groups = new Map<number, FuzzDelivery[]>();
	for (const d of plan.then) if (d.group !== undefined) groups.set(d.group, [...(groups.get(d.group) ?? []), d]);
	for (const group of groups.values()) {
		const answers = await deliverAll(env, url, group, group.length);
		group.forEach((d, i) => sent.push({ d, a: answers[i] }));
	}
	return sent;
}

/** What was wrong with each answer (empty when all are right). */
export function checkAnswers(sent: Array<{ d: FuzzDelivery; a: DeliveryAnswer }>): string[] {
	const wrong: string[] = [];
	const started = new Map<string, number>();
	for (const { d, a } of sent) {
		const label = `${d.cls} (${d.body.length} bytes)`;
		if (a.status !== d.status) {
			wrong.push(`${label}: answered ${a.status} ${a.text.slice(0, 120)}, expected ${d.status}`);
			continue;
		}
		if (d.status === 401 && a.text !== REFUSED) wrong.push(`${label}: 401 body ${a.text.slice(0, 120)}`);
		if (d.status === 400 && a.text !== NOT_AN_EVENT) wrong.push(`${label}: 400 body ${a.text.slice(0, 120)}`);
		if (d.status !== 200) continue;
		const ignored = /"ignored"/.test(a.text);
		if (d.ignored && !ignored) wrong.push(`${label}: was not ignored: ${a.text.slice(0, 120)}`);
		if (d.newEvent && !ignored) started.set(d.newEvent, (started.get(d.newEvent) ?? 0) + 1);
		if (d.newEvent && ignored && d.group === undefined) wrong.push(`${label}: a new event was ignored: ${a.text.slice(0, 120)}`);
	}
	for (const [id, n] of started) if (n !== 1) wrong.push(`${id}: ${n} deliveries were answered as started`);
	return wrong;
}

export function eventIdsOf(executions: Execution[], triggerName: string): string[] {
	return executions.map((e) => String(nodeOutput(e, triggerName)[0]?.event_id));
}
