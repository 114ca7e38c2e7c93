import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { routeItems } from '../../shared/runItems';
import * as appointment from './appointment';
import * as calendarWindow from './calendarWindow';
import * as call from './call';
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
	'appointment:update': appointment.update.execute,
	'appointment:create': appointment.create.execute,
	'appointment:get': appointment.get.execute,
	'appointment:getMany': appointment.getMany.execute,
	'appointment:cancel': appointment.cancel.execute,
	'appointment:getConfig': appointment.getConfig.execute,
	'slot:checkAvailability': slot.checkAvailability.execute,
	'service:getMany': service.getMany.execute,
	'calendarWindow:create': calendarWindow.create.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeItems(this, operations, { maxInFlight: MAX_ITEMS_IN_FLIGHT });
}
