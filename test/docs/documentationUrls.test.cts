/**
 * Each node's and credential's documentation link (a credential's `documentationUrl`, a codex's
 * `primaryDocumentation` / `credentialDocumentation`) opens its own README section: the anchor
 * must be a heading README.md has, by GitHub's slug rules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ICredentialType, INodeType } from 'n8n-workflow';
import { HuskyVoiceApi } from '../../credentials/HuskyVoiceApi.credentials';
import { HuskyVoiceInboundWebhookApi } from '../../credentials/HuskyVoiceInboundWebhookApi.credentials';
import { HuskyVoiceWebhookSecretApi } from '../../credentials/HuskyVoiceWebhookSecretApi.credentials';
import { HuskyVoice } from '../../nodes/HuskyVoice/HuskyVoice.node';
import { HuskyVoiceInboundWebhook } from '../../nodes/HuskyVoiceInboundWebhook/HuskyVoiceInboundWebhook.node';
import { HuskyVoiceTrigger } from '../../nodes/HuskyVoiceTrigger/HuskyVoiceTrigger.node';
import { githubSlug, headingAnchors } from './markdown.cjs';

const ROOT = path.join(__dirname, '..', '..');
const README_URL = 'https://github.com/huskyvoice/n8n-nodes-huskyvoice#';
const anchors = headingAnchors(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

const credentials: ICredentialType[] = [new HuskyVoiceApi(), new HuskyVoiceWebhookSecretApi(), new HuskyVoiceInboundWebhookApi()];
const nodes: Array<{ type: INodeType; dir: string }> = [
	{ type: new HuskyVoice(), dir: 'HuskyVoice' },
	{ type: new HuskyVoiceTrigger(), dir: 'HuskyVoiceTrigger' },
	{ type: new HuskyVoiceInboundWebhook(), dir: 'HuskyVoiceInboundWebhook' },
];

interface Codex {
	resources: { primaryDocumentation: Array<{ url: string }>; credentialDocumentation: Array<{ url: string }> };
}

function codexOf(dir: string): Codex {
	return JSON.parse(fs.readFileSync(path.join(ROOT, 'nodes', dir, `${dir}.node.json`), 'utf8')) as Codex;
}

function anchorOf(url: string | undefined): string {
	expect(url?.startsWith(README_URL)).toBe(true);
	return (url ?? '').slice(README_URL.length);
}

describe('GitHub heading anchors', () => {
	it.each([
		['HuskyVoice node', 'huskyvoice-node'],
		['HuskyVoice Webhook Signing Secret API credential', 'huskyvoice-webhook-signing-secret-api-credential'],
		['Idempotency: a retry never places a second call', 'idempotency-a-retry-never-places-a-second-call'],
		['Call → Create (`POST /calls`)', 'call--create-post-calls'],
		['snake_case and kebab-case', 'snake_case-and-kebab-case'],
		['[Linked](https://example.com) heading', 'linked-heading'],
	])('%s → #%s', (heading, slug) => {
		expect(githubSlug(heading)).toBe(slug);
	});

	it('numbers repeated headings as GitHub does and skips code blocks', () => {
		expect(headingAnchors('# A\n## B\n```\n# not a heading\n```\n## B\n')).toEqual(['a', 'b', 'b-1']);
	});
});

describe('documentation links open their own README section', () => {
	it.each(credentials.map((c) => [c.displayName, c] as const))('credential %s', (_name, credential) => {
		expect(anchors).toContain(anchorOf(credential.documentationUrl));
	});

	it('every credential has a section of its own', () => {
		const own = credentials.map((c) => anchorOf(c.documentationUrl));
		expect(new Set(own).size).toBe(credentials.length);
	});

	it.each(nodes.map((n) => [n.type.description.displayName, n] as const))('node %s: its section and its credentials’ sections', (_name, node) => {
		const codex = codexOf(node.dir);
		const primary = codex.resources.primaryDocumentation.map((d) => anchorOf(d.url));
		expect(primary).toHaveLength(1);
		expect(anchors).toContain(primary[0]);
		// the codex lists the sections of exactly the credentials the node uses
		const used = (node.type.description.credentials ?? []).map((c) => c.name);
		const expected = credentials.filter((c) => used.includes(c.name)).map((c) => anchorOf(c.documentationUrl));
		expect(codex.resources.credentialDocumentation.map((d) => anchorOf(d.url)).sort()).toEqual(expected.sort());
	});

	it('every node has a section of its own', () => {
		const own = nodes.map((n) => anchorOf(codexOf(n.dir).resources.primaryDocumentation[0].url));
		expect(new Set(own).size).toBe(nodes.length);
	});
});
