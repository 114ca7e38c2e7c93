/**
 * 4. Package: what installing it adds to an n8n. Runtime dependencies = `dependencies` +
 * `bundleDependencies` of the packed package.json (peer `n8n-workflow` is n8n's own); dist size =
 * the files the package ships (`files: ["dist"]`), counted in the tarball that is installed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exec } from '../e2e/runner/util.cjs';
import type { Row } from './context.cjs';
import { log } from './context.cjs';

export interface PackageFigures {
	runtimeDependencies: string[];
	distBytes: number;
	files: number;
	tarballBytes: number;
}

/** Reads the packed tarball itself, so the figures are those of what n8n installs. */
export async function packageFigures(tarball: string): Promise<PackageFigures> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'husky-bench-pkg-'));
	try {
		await exec('tar', ['-xzf', tarball, '-C', dir, '--no-same-owner']);
		const root = path.join(dir, 'package');
		const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
			dependencies?: Record<string, string>;
			bundleDependencies?: string[] | boolean;
			bundledDependencies?: string[] | boolean;
		};
		const bundled = [pkg.bundleDependencies, pkg.bundledDependencies].flatMap((b) => (Array.isArray(b) ? b : []));
		let distBytes = 0;
		let files = 0;
		const walk = (d: string) => {
			for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
				const p = path.join(d, entry.name);
				if (entry.isDirectory()) walk(p);
				else {
					distBytes += fs.statSync(p).size;
					files++;
				}
			}
		};
		if (fs.existsSync(path.join(root, 'dist'))) walk(path.join(root, 'dist'));
		return {
			runtimeDependencies: [...new Set([...Object.keys(pkg.dependencies ?? {}), ...bundled])],
			distBytes,
			files,
			tarballBytes: fs.statSync(tarball).size,
		};
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

export async function benchPackage(tarball: string): Promise<{ rows: Row[]; figures: PackageFigures }> {
	const figures = await packageFigures(tarball);
	const kb = (b: number) => (b / 1024).toFixed(1);
	log(`4. package: ${figures.runtimeDependencies.length} runtime dependencies, dist ${kb(figures.distBytes)} KB in ${figures.files} files, tarball ${kb(figures.tarballBytes)} KB`);
	const bench = '4. Package';
	return {
		figures,
		rows: [
			{
				bench,
				figure: 'runtime dependencies',
				ours: figures.runtimeDependencies.length ? `${figures.runtimeDependencies.length} (${figures.runtimeDependencies.join(', ')})` : '0',
				baseline: '0 (built into n8n)',
				ratio: '—',
				target: '0',
				met: figures.runtimeDependencies.length === 0,
			},
			{
				bench,
				figure: 'dist size, KB (files shipped)',
				ours: `${kb(figures.distBytes)} (${figures.files} files; tarball ${kb(figures.tarballBytes)})`,
				baseline: '— (built into n8n)',
				ratio: '—',
				target: '< 250',
				met: figures.distBytes / 1024 < 250,
			},
		],
	};
}
