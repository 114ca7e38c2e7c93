import { canonicalJson, idempotencyKeyFor } from '../../nodes/HuskyVoice/helpers/idempotencyKey';

const body = { agent_id: 'agent_1', contact_number: '+919876543210', additional_info: { b: 2, a: 1 } };
const base = { workflowId: 'wf1', nodeId: 'node1', now: new Date('2030-06-03T10:00:00Z'), body };

describe('idempotencyKeyFor (default Idempotency-Key of Call → Create)', () => {
	it('is "hv-" followed by 32 hex digits', () => {
		expect(idempotencyKeyFor(base)).toMatch(/^hv-[0-9a-f]{32}$/);
	});

	it('is the same for the same workflow, node, UTC day and body, whatever the key order or time of day', () => {
		const reordered = { additional_info: { a: 1, b: 2 }, contact_number: '+919876543210', agent_id: 'agent_1' };
		expect(idempotencyKeyFor({ ...base, body: reordered, now: new Date('2030-06-03T23:59:59Z') })).toBe(
			idempotencyKeyFor(base),
		);
	});

	it('changes on the next UTC day, so tomorrow’s identical reminder is a new call', () => {
		expect(idempotencyKeyFor({ ...base, now: new Date('2030-06-04T00:00:00Z') })).not.toBe(idempotencyKeyFor(base));
	});

	it('changes with the workflow, the node and any body field', () => {
		const key = idempotencyKeyFor(base);
		expect(idempotencyKeyFor({ ...base, workflowId: 'wf2' })).not.toBe(key);
		expect(idempotencyKeyFor({ ...base, nodeId: 'node2' })).not.toBe(key);
		expect(idempotencyKeyFor({ ...base, body: { ...body, contact_name: 'Asha' } })).not.toBe(key);
		expect(idempotencyKeyFor({ ...base, body: { ...body, additional_info: { a: 1, b: 3 } } })).not.toBe(key);
	});
});

describe('idempotencyKeyFor in a campaign (Attempt, Campaign ID)', () => {
	const attempt2 = { ...base, attempt: 2, body: { ...body, additional_info: { ...body.additional_info, attempt: 2 } } };

	it('attempt 1 without a campaign is the key it always was', () => {
		expect(idempotencyKeyFor({ ...base, attempt: 1 })).toBe(idempotencyKeyFor(base));
	});

	it('attempt 2 differs from attempt 1 and does not change at midnight UTC', () => {
		expect(idempotencyKeyFor(attempt2)).not.toBe(idempotencyKeyFor(base));
		expect(idempotencyKeyFor({ ...attempt2, now: new Date('2030-06-04T00:00:01Z') })).toBe(idempotencyKeyFor(attempt2));
	});

	it('with a Campaign ID it depends on the campaign and the body only: any day, any workflow or node', () => {
		const campaign = { ...base, campaignId: 'june' };
		const key = idempotencyKeyFor(campaign);
		expect(idempotencyKeyFor({ ...campaign, now: new Date('2030-06-09T00:00:00Z'), workflowId: 'wf9', nodeId: 'n9' })).toBe(key);
		expect(idempotencyKeyFor({ ...campaign, campaignId: 'july' })).not.toBe(key);
		expect(idempotencyKeyFor({ ...attempt2, campaignId: 'june' })).not.toBe(key);
	});
});

describe('canonicalJson', () => {
	it('sorts keys at every level and leaves array order alone', () => {
		expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: 'x' })).toBe('{"a":"x","b":[{"c":2,"d":1}]}');
	});

	it('omits undefined fields like JSON.stringify does', () => {
		expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
	});
});
