import type { IDataObject } from 'n8n-workflow';
import { errorOf, useFastBackoff, useSandbox, VALID_CALL } from './support.cjs';

const ctx = useSandbox();
useFastBackoff();

async function placeCall(): Promise<string> {
	const result = await ctx.run({ ...VALID_CALL, options: { idempotencyKey: `k-${Math.random()}` } });
	return result.json[0].call_id as string;
}

describe('Call → Get', () => {
	it('outputs the call unwrapped from the data envelope', async () => {
		const callId = await placeCall();
		const result = await ctx.run({ resource: 'call', operation: 'get', callId });
		expect(result.error).toBeUndefined();
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(result.json[0]).toMatchObject({ call_id: callId, status: 'scheduled', agent_id: 'agent_reminders', contact_number: '+919876543210' });
		expect(result.json[0]).not.toHaveProperty('data');
	});

	it('a version 1 node shows the completed call as HuskyVoice sent it (Simplify off by default)', async () => {
		const callId = await placeCall();
		await ctx.admin.advance(callId, 'completed');
		const result = await ctx.run({ resource: 'call', operation: 'get', callId }, { typeVersion: 1 });
		expect(result.json[0]).toMatchObject({ status: 'completed', summary: expect.any(String), transcript: expect.any(Array) });
	});

	it('Simplify (on by default from version 1.1) gives one flat shape for both documented spellings', async () => {
		const shapes: IDataObject[] = [];
		for (const spelling of ['transcript', 'call_transcript']) {
			await ctx.admin.config({ callDataSpelling: spelling });
			const callId = await placeCall();
			await ctx.admin.advance(callId, 'completed');
			const raw = (await ctx.run({ resource: 'call', operation: 'get', callId, simplify: false })).json[0];
			expect(raw).toHaveProperty(spelling);
			const { call_id, recording_url, duration_seconds, ended_at, ...rest } = (
				await ctx.run({ resource: 'call', operation: 'get', callId })
			).json[0];
			expect([call_id, recording_url, duration_seconds, ended_at]).toEqual([callId, expect.any(String), expect.any(Number), expect.any(String)]);
			shapes.push(rest);
		}
		expect(shapes[0]).toEqual({
			status: 'completed',
			outcome: 'confirmed',
			summary: expect.stringContaining('confirmed the appointment'),
			next_step: 'Send a reminder one day before the appointment',
			transcript: expect.stringMatching(/^agent: Hello .*\ncustomer: Yes, hi/),
			transcript_turns: expect.arrayContaining([{ speaker: 'customer', text: 'Yes please.' }]),
			agent_id: 'agent_reminders',
			contact_number: '+919876543210',
			additional_info: {},
			reason: null,
			attempt: 1,
			ending: 'completed',
			retryable: false,
			next_attempt_at: null,
			final: true,
		});
		expect(shapes[1]).toEqual(shapes[0]);
	});

	it('names the call ID when the call does not exist', async () => {
		const error = errorOf(await ctx.run({ resource: 'call', operation: 'get', callId: 'call_missing' }));
		expect(error.message).toBe('No call with ID "call_missing" in this HuskyVoice account');
		expect((error as unknown as { httpCode: string }).httpCode).toBe('404');
	});

	it('encodes the call ID as one path segment, so "../appointments/x" cannot reach another endpoint', async () => {
		await ctx.run({ resource: 'call', operation: 'get', callId: '../appointments/apt_1001' }, { continueOnFail: true });
		const [request] = await ctx.admin.requests();
		expect(request.method).toBe('GET');
		expect(request.path).toBe('/v1/calls/..%2Fappointments%2Fapt_1001');
	});

	it('refuses an empty call ID and "..", naming the field and the item', async () => {
		const result = await ctx.run(
			{ resource: 'call', operation: 'get', callId: '={{ $json.id }}' },
			{ items: [{ id: '' }, { id: '..' }], continueOnFail: true },
		);
		expect(result.json[0].error).toBe('Call ID (item 0): is required but received nothing');
		expect(result.json[1].error).toBe('Call ID (item 1): is not a valid ID: ".."');
		expect(await ctx.admin.requests()).toHaveLength(0);
	});
});

describe('Call → Cancel', () => {
	it('cancels a scheduled call and outputs call_id, status and cancelled_at', async () => {
		const callId = await placeCall();
		const result = await ctx.run({ resource: 'call', operation: 'cancel', callId });
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([{ call_id: callId, status: 'cancelled', cancelled_at: expect.any(String) }]);
	});

	it('gives the same output for the flat {success, call_id, status, message} answer', async () => {
		await ctx.admin.config({ flatCancelResponse: true });
		const callId = await placeCall();
		const result = await ctx.run({ resource: 'call', operation: 'cancel', callId });
		expect(result.json).toEqual([{ call_id: callId, status: 'cancelled', message: 'Call cancelled' }]);
	});

	it('cancelling an already cancelled call succeeds again', async () => {
		const callId = await placeCall();
		await ctx.run({ resource: 'call', operation: 'cancel', callId });
		const again = await ctx.run({ resource: 'call', operation: 'cancel', callId });
		expect(again.error).toBeUndefined();
		expect(again.json[0]).toMatchObject({ call_id: callId, status: 'cancelled' });
	});

	it('cancel of a ringing call explains that only queued or scheduled calls can be cancelled', async () => {
		const callId = await placeCall();
		await ctx.admin.advance(callId, 'ringing');
		const error = errorOf(await ctx.run({ resource: 'call', operation: 'cancel', callId }));
		expect(error.message).toBe('The call has already started — only queued or scheduled calls can be cancelled');
		expect(String(error.description)).toContain('call_not_cancellable');
	});

	it('names the call ID when the call to cancel does not exist', async () => {
		const error = errorOf(await ctx.run({ resource: 'call', operation: 'cancel', callId: 'call_nope' }));
		expect(error.message).toBe('No call with ID "call_nope" in this HuskyVoice account');
	});
});

describe('Call → Delete', () => {
	it('deletes a completed call and outputs call_id and deleted: true', async () => {
		const callId = await placeCall();
		await ctx.admin.advance(callId, 'completed');
		const result = await ctx.run({ resource: 'call', operation: 'delete', callId });
		expect(result.error).toBeUndefined();
		expect(result.json).toEqual([{ call_id: callId, deleted: true }]);
		const [request] = await ctx.admin.requests({ method: 'DELETE' });
		expect(request.path).toBe(`/v1/calls/${callId}`);
	});

	it('delete of a call that never connected explains that only completed calls can be deleted', async () => {
		const callId = await placeCall();
		const error = errorOf(await ctx.run({ resource: 'call', operation: 'delete', callId }));
		expect(error.message).toBe('Only completed (connected) calls can be deleted');
	});

	it('names the call ID when the call to delete does not exist', async () => {
		const error = errorOf(await ctx.run({ resource: 'call', operation: 'delete', callId: 'call_gone' }));
		expect(error.message).toBe('No call with ID "call_gone" in this HuskyVoice account');
	});
});
