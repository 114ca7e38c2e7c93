import type { ItemOperation } from '../../shared/runItems';

/** Every operation: one item in, its JSON out (an array becomes several items paired to it). */
export type HuskyVoiceOperation = ItemOperation;

export type HuskyVoiceResource = 'call' | 'appointment' | 'slot' | 'service' | 'calendarWindow';

export interface HuskyVoiceOperations {
	call: 'create' | 'get' | 'cancel' | 'delete' | 'waitForOutcome' | 'checkCallingWindow' | 'checkNumber';
	appointment: 'update' | 'create' | 'get' | 'getMany' | 'cancel' | 'getConfig';
	slot: 'checkAvailability';
	service: 'getMany';
	calendarWindow: 'create';
}
