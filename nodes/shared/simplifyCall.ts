import type { IDataObject } from 'n8n-workflow';
import { isObject } from './validation';

/** A call is over in these states; HuskyVoice changes nothing about it afterwards. */
export const FINAL_CALL_STATUSES = ['completed', 'failed', 'disallowed', 'cancelled'];

/** Still waiting in HuskyVoice's queue (calling window, plan concurrency): can take minutes to hours. */
export const QUEUED_CALL_STATUSES = ['scheduled', 'queued'];

export interface TranscriptTurn extends IDataObject {
	speaker: string;
	text: string;
}

function firstString(...values: unknown[]): string | null {
	for (const value of values) if (typeof value === 'string' && value !== '') return value;
	return null;
}

/** `speaker: text` lines; a line without a label continues the previous turn. */
function turnsFromText(text: string): TranscriptTurn[] {
	const turns: TranscriptTurn[] = [];
	for (const line of text.split(/\r?\n/)) {
		if (line.trim() === '') continue;
		const labelled = /^\s*([^:\n]{1,40}):\s*(.*)$/.exec(line);
		if (labelled) turns.push({ speaker: labelled[1].trim(), text: labelled[2].trim() });
		else if (turns.length > 0) turns[turns.length - 1].text += `\n${line.trim()}`;
		else turns.push({ speaker: '', text: line.trim() });
	}
	return turns;
}

/** The transcript's format is not fixed by the docs: `[{ speaker, text }]` (or role/content), or text. */
export function transcriptTurnsOf(value: unknown): TranscriptTurn[] {
	if (typeof value === 'string') return turnsFromText(value);
	if (!Array.isArray(value)) return [];
	return value.filter(isObject).map((turn) => ({
		speaker: firstString(turn.speaker, turn.role, turn.name) ?? '',
		text: firstString(turn.text, turn.content, turn.message) ?? '',
	}));
}

function transcriptText(turns: TranscriptTurn[]): string | null {
	if (turns.length === 0) return null;
	return turns.map((turn) => (turn.speaker ? `${turn.speaker}: ${turn.text}` : turn.text)).join('\n');
}

/** Why a call did not reach anyone: HuskyVoice's error message and code, or its status. */
export function notReachedReason(call: IDataObject): string | null {
	const status = firstString(call.status);
	if (status === null || !['failed', 'disallowed', 'cancelled'].includes(status)) return null;
	const error = call.error;
	if (isObject(error)) {
		const message = firstString(error.message);
		const code = firstString(error.code);
		if (message && code) return `${message} (${code})`;
		if (message || code) return message ?? code;
	}
	return firstString(error, call.reason, call.failure_reason) ?? status;
}

/**
 * One flat shape for a call, whichever of the documented spellings HuskyVoice used
 * (`summary` or `call_analytics.summary`, `transcript` or `call_transcript`, as turns or text).
 */
export function simplifyCall(call: IDataObject): IDataObject {
	const analytics = isObject(call.call_analytics) ? call.call_analytics : {};
	const turns = transcriptTurnsOf(call.transcript ?? call.call_transcript);
	const duration = Number(call.duration_seconds ?? call.duration);
	return {
		call_id: firstString(call.call_id, call.id),
		status: firstString(call.status),
		outcome: firstString(call.outcome, analytics.outcome),
		summary: firstString(call.summary, analytics.summary),
		next_step: firstString(analytics.next_step, call.next_step),
		transcript: transcriptText(turns),
		transcript_turns: turns,
		recording_url: firstString(call.recording_url, call.recording),
		duration_seconds: Number.isFinite(duration) ? duration : null,
		agent_id: firstString(call.agent_id),
		contact_number: firstString(call.contact_number),
		additional_info: isObject(call.additional_info) ? call.additional_info : {},
		ended_at: firstString(call.ended_at, call.completed_at, call.cancelled_at),
		reason: notReachedReason(call),
	};
}
