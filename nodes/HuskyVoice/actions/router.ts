import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { routeItems } from '../../shared/runItems';
import * as appointment from './appointment';
import * as calendarWindow from './calendarWindow';
import * as call from './call';
import { OUTCOME_OUTPUTS } from './call/outcome';
import type { HuskyVoiceOperation } from './node.type';
import * as service from './service';
import * as slot from './slot';

/**
 * Items in flight at once. n8n's HTTP Request node sends all items' requests together; we keep
 * a bound so a large batch paces itself to HuskyVoice's rate limit (nodes/shared/pacing.ts)
 * instead of piling into 429s, while small latency per request no longer adds up item by item.
 */
export const MAX_ITEMS_IN_FLIGHT = 10;

const operations: Record<string, HuskyVoiceOperation> = {
	'call:create': call.create.execute,
	'call:get': call.get.execute,
	'call:cancel': call.cancel.execute,
	'call:delete': call.delete.execute,
	'call:waitForOutcome': call.waitForOutcome.execute,
	'call:checkCallingWindow': call.checkCallingWindow.execute,
	'call:checkNumber': call.checkNumber.execute,
	'appointment:update': appointment.update.execute,
	'appointment:create': appointment.create.execute,
	'appointment:get': appointment.get.execute,
	'appointment:getMany': appointment.getMany.execute,
	'appointment:cancel': appointment.cancel.execute,
	'appointment:getConfig': appointment.getConfig.execute,
	'slot:checkAvailability': slot.checkAvailability.execute,
	'slot:findNextOpen': slot.findNextOpen.execute,
	'service:getMany': service.getMany.execute,
	'calendarWindow:create': calendarWindow.create.execute,
};

/**
 * Whether the node waits for calls to end (three outputs). Must agree with the `outputs`
 * expression in HuskyVoice.node.ts, which reads the same parameters.
 */
export function waitsForOutcome(resource: unknown, operation: unknown, waitForOutcome: unknown): boolean {
	return resource === 'call' && (operation === 'waitForOutcome' || (operation === 'create' && waitForOutcome === true));
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const waiting = waitsForOutcome(
		this.getNodeParameter('resource', 0),
		this.getNodeParameter('operation', 0),
		this.getNodeParameter('waitForOutcome', 0, false),
	);
	// Waiting items all wait at once: their polls share the rate limit (nodes/shared/waitForCall.ts),
	// and the shared pacing still spaces every request.
	return await routeItems(this, operations, {
		maxInFlight: waiting ? Number.MAX_SAFE_INTEGER : MAX_ITEMS_IN_FLIGHT,
		outputs: waiting ? OUTCOME_OUTPUTS.length : 1,
	});
}
