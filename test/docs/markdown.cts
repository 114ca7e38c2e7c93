/** Reading README.md the way GitHub renders it: headings and their anchors, the Troubleshooting table. */

/** GitHub's heading anchor: lower-case, punctuation dropped except '-' and '_', each space a '-'. */
export function githubSlug(heading: string): string {
	return heading
		.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // a link shows its text
		.replace(/<[^>]+>/g, '')
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

/** Lines outside fenced code blocks. */
function proseLines(markdown: string): string[] {
	let fenced = false;
	return markdown.split('\n').filter((line) => {
		if (/^\s*(```|~~~)/.test(line)) {
			fenced = !fenced;
			return false;
		}
		return !fenced;
	});
}

/** Every heading's anchor, with GitHub's -1, -2 … suffixes for repeated headings. */
export function headingAnchors(markdown: string): string[] {
	const seen = new Map<string, number>();
	return proseLines(markdown)
		.map((line) => /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)?.[1])
		.filter((text): text is string => text !== undefined)
		.map((text) => {
			const slug = githubSlug(text);
			const n = seen.get(slug) ?? 0;
			seen.set(slug, n + 1);
			return n === 0 ? slug : `${slug}-${n}`;
		});
}

/** The lines of one `## Title` section, up to the next heading of the same or a higher level. */
export function section(markdown: string, title: string): string[] {
	const lines = proseLines(markdown);
	const start = lines.findIndex((line) => line === `## ${title}`);
	if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
	const end = lines.findIndex((line, i) => i > start && /^#{1,2}\s/.test(line));
	return lines.slice(start + 1, end < 0 ? undefined : end);
}

export interface TroubleshootingRow {
	/** The row's first cell, as written. */
	cell: string;
	/** The messages it quotes in backticks, `…` for the parts that vary. */
	patterns: string[];
}

/** The rows of the Troubleshooting table (header and separator left out). */
export function troubleshootingRows(markdown: string): TroubleshootingRow[] {
	const rows = section(markdown, 'Troubleshooting').filter((line) => line.startsWith('|'));
	return rows.slice(2).map((line) => {
		const cell = line.split(/(?<!\\)\|/)[1]?.trim() ?? '';
		const patterns = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\\\|/g, '|'));
		return { cell, patterns };
	});
}

/** A row's quoted message as a whole-message test: `…` matches any text, the rest literally. */
export function patternRegExp(pattern: string): RegExp {
	const fixed = pattern.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
	return new RegExp(`^${fixed.join('[\\s\\S]*')}$`);
}

/** The words a pattern fixes (what is left without its `…` parts). */
export function fixedWords(pattern: string): string[] {
	return pattern.split('…').join(' ').match(/[\p{L}\p{N}]{2,}/gu) ?? [];
}
