/**
 * The manifest the screenshot script writes beside the pictures (test/e2e/screenshots/manifest.json):
 * what the editor showed when they were taken. A unit test compares it with the nodes'
 * descriptions, so a new operation fails the tests until `npm run screenshots` is run again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

export const MANIFEST_FILE = 'manifest.json';

/** The committed pictures, and what each shows (also for the README). */
export const PICTURES: Record<string, string> = {
	'canvas-appointment-confirmation.png':
		'the appointment-confirmation example: a HuskyVoice Trigger (Call completed) with its sticky note on registering it in HuskyVoice',
	'canvas-lead-qualification.png': 'the lead-qualification example: Create Call with Wait for Outcome and its three outputs (Completed, Not Reached, Timed Out)',
	'node-panel-huskyvoice.png': 'the node panel searched for "HuskyVoice": the package’s nodes with their icons',
	'node-actions-huskyvoice.png': 'the HuskyVoice node’s actions in the node panel, every one of them',
	'node-parameters-create-call.png': 'the Create Call node open with its parameters',
	'node-parameters-service-picker.png': 'Book an appointment open with its Service picker listing the account’s services',
};

export interface ScreenshotManifest {
	generatedBy: string;
	pictures: Record<string, string>;
	/** Node names the node panel listed for the search "HuskyVoice". */
	nodePanel: string[];
	/** Action titles the node panel listed for the HuskyVoice node. */
	huskyVoiceActions: string[];
	/** Node names on each example canvas shown (sticky notes are not nodes). */
	canvases: Record<string, string[]>;
	/** What the Service picker listed (the sandbox's services). */
	servicePicker: string[];
}

/**
 * The actions n8n's node panel lists for a node: for every resource, the `action` title of each of
 * its operations (the panel shows `action`, else the operation's name).
 */
export function panelActions(description: Pick<INodeTypeDescription, 'properties'>): string[] {
	const resources = description.properties.find((p) => p.name === 'resource')?.options ?? [];
	const actions: string[] = [];
	for (const resource of resources as Array<{ value: string }>) {
		const operation = description.properties.find(
			(p: INodeProperties) => p.name === 'operation' && (p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource.value),
		);
		for (const option of (operation?.options ?? []) as Array<{ name: string; action?: string }>) actions.push(option.action ?? option.name);
	}
	return actions;
}

export function writeManifest(outDir: string, manifest: ScreenshotManifest): string {
	const file = path.join(outDir, MANIFEST_FILE);
	fs.writeFileSync(file, `${JSON.stringify(manifest, null, '\t')}\n`);
	return file;
}

export function readManifest(dir: string): ScreenshotManifest {
	return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as ScreenshotManifest;
}
