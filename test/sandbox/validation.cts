import { isObject, type JsonObject } from './http.cjs';
import type { Scalar } from './types.cjs';

export const PHONE_PATTERN = /^\+91\d{10}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_ADDITIONAL_INFO_KEYS = 25;

export interface CallInput {
	agent_id: string;
	contact_number: string;
	contact_name: string | null;
	contact_email: string | null;
	additional_info: Record<string, Scalar>;
}

function optionalString(body: JsonObject, field: string): string | null | Error {
	const value = body[field];
	if (value === undefined || value === null) return null;
	return typeof value === 'string' ? value : new Error(`${field} must be a string`);
}

/** Validates a create-call body as the contract describes; the error message names the field. */
export function validateCallInput(body: JsonObject): CallInput | { error: string } {
	const { agent_id, contact_number, additional_info } = body;
	if (typeof agent_id !== 'string' || agent_id.trim() === '') {
		return { error: 'agent_id is required and must be a non-empty string' };
	}
	if (contact_number === undefined || contact_number === null || contact_number === '') {
		return { error: 'contact_number is required' };
	}
	if (typeof contact_number !== 'string' || !PHONE_PATTERN.test(contact_number)) {
		return { error: 'contact_number must be +91 followed by 10 digits, e.g. +919876543210' };
	}
	const contact_name = optionalString(body, 'contact_name');
	if (contact_name instanceof Error) return { error: contact_name.message };
	const contact_email = optionalString(body, 'contact_email');
	if (contact_email instanceof Error) return { error: contact_email.message };
	if (contact_email !== null && !EMAIL_PATTERN.test(contact_email)) {
		return { error: 'contact_email is not a valid email address' };
	}
	const info = additional_info ?? {};
	if (!isObject(info)) return { error: 'additional_info must be an object of key-value pairs' };
	const keys = Object.keys(info);
	if (keys.length > MAX_ADDITIONAL_INFO_KEYS) {
		return { error: `additional_info has ${keys.length} keys; at most ${MAX_ADDITIONAL_INFO_KEYS} are allowed` };
	}
	const nested = keys.find((k) => isObject(info[k]) || Array.isArray(info[k]));
	if (nested !== undefined) {
		return { error: `additional_info.${nested} must be a string, number, boolean or null` };
	}
	return {
		agent_id,
		contact_number,
		contact_name,
		contact_email,
		additional_info: info as Record<string, Scalar>,
	};
}
