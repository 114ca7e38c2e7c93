/**
 * The README and the docs/ pages link to each other and into the repository: every relative link
 * must open an existing file, and a `#anchor` on a markdown file must be one of its headings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { headingAnchors } from './markdown.cjs';

const ROOT = path.join(__dirname, '..', '..');
const pages = ['README.md', 'examples/README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

function links(markdown: string): string[] {
	const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
	return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((target) => !/^[a-z]+:/i.test(target));
}

describe.each(pages)('%s', (page) => {
	const file = path.join(ROOT, page);
	const markdown = fs.readFileSync(file, 'utf8');

	it('links only to files that exist and headings they have', () => {
		const broken = links(markdown).filter((target) => {
			const [target_path, anchor] = target.split('#');
			const linked = target_path === '' ? file : path.resolve(path.dirname(file), target_path);
			if (!fs.existsSync(linked)) return true;
			if (anchor === undefined || !linked.endsWith('.md')) return false;
			return !headingAnchors(fs.readFileSync(linked, 'utf8')).includes(anchor);
		});
		expect(broken).toEqual([]);
	});
});
