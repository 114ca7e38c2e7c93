import type { IDataObject } from 'n8n-workflow';

/**
 * Same-process hand-over from the HuskyVoice Trigger to waiting Wait for Outcome items. Both
 * nodes load this one module of the package, so a verified final call event received by a
 * Trigger in this n8n process wakes the items waiting for that call at once. Polling stays the
 * guarantee: in queue mode the trigger (webhook process) and the waiting item (worker) are
 * different processes and nothing arrives here.
 */
type Listener = (call: IDataObject) => void;

const listeners = new Map<string, Set<Listener>>();

/** Called by the Trigger for every verified event about a call in a final state. */
export function announceCallEnded(call: IDataObject): void {
	const callId = typeof call.call_id === 'string' ? call.call_id : undefined;
	if (!callId) return;
	for (const listener of listeners.get(callId) ?? []) listener(call);
}

/** Resolves with the call the Trigger saw end, or never; `stop()` forgets the listener. */
export function listenForCallEnd(callId: string): { ended: Promise<IDataObject>; stop: () => void } {
	let listener: Listener = () => {};
	const ended = new Promise<IDataObject>((resolve) => {
		listener = resolve;
	});
	const set = listeners.get(callId) ?? new Set<Listener>();
	set.add(listener);
	listeners.set(callId, set);
	return {
		ended,
		stop: () => {
			set.delete(listener);
			if (set.size === 0 && listeners.get(callId) === set) listeners.delete(callId);
		},
	};
}

/** Items waiting in this process (the tests read it). */
export function waitingCallCount(): number {
	let count = 0;
	for (const set of listeners.values()) count += set.size;
	return count;
}
