import type { Slot } from './types.cjs';

/** Who is booking: the AI agent during a call, or the API / dashboard (contract §9). */
export type Booker = 'phone_call' | 'api' | 'dashboard';

/**
 * `available_slots` = `ai_slots` − `filled_slots` (contract §9): what the AI agent may still book.
 * Bookings made by the API or in the dashboard can take a slot past `ai_slots`; the count then stays 0.
 */
export function availableSlots(slot: Pick<Slot, 'ai_slots' | 'filled_slots'>): number {
	return Math.max(0, slot.ai_slots - slot.filled_slots);
}

/** The AI agent may fill only a slot's `ai_slots`; the API and the dashboard up to `max_slots`. */
export function hasRoom(slot: Slot, via: Booker): boolean {
	return slot.filled_slots < (via === 'phone_call' ? slot.ai_slots : slot.max_slots);
}
