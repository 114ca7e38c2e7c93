/**
 * What a model must be told about each HuskyVoice tool, checked on the descriptions it really
 * receives through n8n (the AI Agent's tool list, MCP tools/list) and on the Tool Description
 * defaults n8n serves for the tool node types. Shared by the AI Agent and MCP suites.
 */

/** Per operation (`resource:operation`), what its description must say beyond the generic rules. */
export const TOOL_GUIDANCE: Record<string, Array<[what: string, pattern: RegExp]>> = {
	'slot:checkAvailability': [
		['comes before booking', /before booking/i],
		['date format', /YYYY-MM-DD/],
		['sessions', /Morning, Afternoon or Evening/],
		['what an empty answer means', /empty list/i],
	],
	'appointment:create': [
		['check availability first', /check availability/i],
		['ISO 8601 UTC date-time', /ISO 8601 UTC/],
		['+91 phone', /\+91/],
		['ask for the number', /ask the patient/i],
		['duplicate booking: what to do', /DUPLICATE_BOOKING[^.;]*(search|find)/i],
		['full session: what to do', /SLOT_FULL[^.;]*another/i],
		['closed: what to do', /OUTSIDE_AVAILABILITY[^.;]*check availability/i],
	],
	'appointment:get': [['where the id comes from', /appointment_id/]],
	'appointment:getMany': [
		['date format', /YYYY-MM-DD/],
		['statuses', /confirmed, rescheduled, cancelled or completed/],
	],
	'appointment:cancel': [
		['confirm first', /confirm/i],
		['refused by the clinic: what to do', /not allow cancelling/i],
	],
	'appointment:update': [
		['ISO 8601 UTC date-time', /ISO 8601 UTC/],
		['full session: what to do', /SLOT_FULL[^.;]*another/i],
	],
	'appointment:getConfig': [['what it tells', /cancellation_notice_hours/]],
	'service:getMany': [['what it returns', /service_id/]],
	'calendarWindow:create': [['time format', /HH:MM/]],
	'call:create': [
		['+91 phone', /\+91/],
		['the call runs later', /runs later/i],
		['how to follow up', /call_id/],
		['credits: what to do', /credits[^.;]*(top up|tell)/i],
	],
	'call:get': [
		['statuses', /in_progress/],
		['not ended yet: what to do', /check again later/i],
	],
	'call:cancel': [['already started: what to do', /already started[^.;]*tell the user/i]],
	'call:delete': [['irreversible', /cannot be undone/i]],
	'call:waitForOutcome': [['prefer get', /get-call tool/i]],
	'call:checkCallingWindow': [
		['the window', /09:00 and 20:00/],
		['ISO 8601 UTC date-times', /ISO 8601 UTC/],
		['closed: what to do', /open is false[^.;]*opens_at/i],
	],
	'call:checkNumber': [
		['+91 phone', /\+91 and 10 digits/],
		['invalid: what to do', /valid is false[^.;]*ask/i],
	],
	'slot:findNextOpen': [
		['comes before booking', /before booking/i],
		['date format', /YYYY-MM-DD/],
		['nothing found: what to do', /found false[^.;]*(later|drop)/i],
	],
};

/**
 * What is missing from one tool's description: the generic rules (what it is for, every input
 * named with its format, what to do when it fails) and the operation's own.
 */
export function guidanceProblems(op: string, description: string, inputKeys: string[] = []): string[] {
	const problems: string[] = [];
	if (description.length < 200) problems.push(`only ${description.length} characters: "${description}"`);
	if (!/\bIf it fails\b/.test(description)) problems.push('says nothing about what to do when it fails ("If it fails …")');
	for (const key of inputKeys) {
		// n8n's editor names a $fromAI key after the field (Patient_Phone for "Patient Phone")
		const label = key.replace(/_/g, ' ');
		if (!description.toLowerCase().includes(label.toLowerCase())) problems.push(`does not name its input "${label}"`);
	}
	const own = TOOL_GUIDANCE[op];
	if (!own) problems.push(`no guidance rules for ${op} in test/e2e/tool-guidance.cts`);
	for (const [what, pattern] of own ?? []) if (!pattern.test(description)) problems.push(`lacks ${what} (${pattern})`);
	return problems;
}

/** Operations of a node type description that has the resource/operation convention, as `resource:operation`. */
export function operationsOf(properties: Array<Record<string, any>>): string[] {
	return properties
		.filter((p) => p.name === 'operation')
		.flatMap((p) => (p.options as Array<{ value: string }>).map((o) => `${p.displayOptions.show.resource[0]}:${o.value}`));
}

/** The Tool Description default a tool node type holds for one operation (what the model gets unless the user edits it). */
export function toolDescriptionDefault(properties: Array<Record<string, any>>, op: string): string | undefined {
	const [resource, operation] = op.split(':');
	const field = properties.find(
		(p) =>
			p.name === 'toolDescription' &&
			p.displayOptions?.show?.resource?.includes(resource) &&
			p.displayOptions?.show?.operation?.includes(operation),
	);
	return field?.default;
}
