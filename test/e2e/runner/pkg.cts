/**
 * Getting the community package into n8n the way a user's install would: `npm pack` the repo,
 * untar the tarball into `<user folder>/.n8n/nodes/node_modules/<name>` as real files (no
 * symlinks), and record it in `<user folder>/.n8n/nodes/package.json` like n8n's own community
 * install does. (n8n 2.41 loads every `n8n-nodes-*` / `@*\/n8n-nodes-*` folder under
 * nodes/node_modules at start; the package.json is not needed for loading — n8n would create an
 * empty one itself — but we write what a UI install would have written.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exec, log, repoRoot } from './util.cjs';

export interface PackageInfo {
	name: string;
	version: string;
	dependencies?: Record<string, string>;
}

function cleanNpmEnv(): NodeJS.ProcessEnv {
	const env = { ...process.env };
	for (const k of Object.keys(env)) if (k.startsWith('npm_') || k === 'INIT_CWD') delete env[k];
	return env;
}

/**
 * `npm pack` of a package directory (default: this repository) into `destDir`; returns the
 * tarball's path. Does not build: the repository's `dist/` must exist (`npm run build`).
 * Lifecycle scripts are not run (the repo's .npmrc has ignore-scripts=true).
 */
export async function packRepo(destDir: string, dir = repoRoot()): Promise<string> {
	const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	for (const f of [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])] as string[]) {
		if (!fs.existsSync(path.join(dir, f))) {
			throw new Error(`${path.join(dir, f)} is missing: run \`npm run build\` before packing`);
		}
	}
	fs.mkdirSync(destDir, { recursive: true });
	const r = await exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destDir], {
		cwd: dir,
		env: cleanNpmEnv(),
		timeoutMs: 120_000,
	});
	const out = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
	const tarball = path.join(destDir, out[0].filename);
	if (!fs.existsSync(tarball)) throw new Error(`npm pack did not produce ${tarball}`);
	return tarball;
}

/** Untars `tarball` into the user folder's nodes directory; returns the package's name/version. */
export async function installTarball(tarball: string, userFolder: string): Promise<PackageInfo> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const staging = path.join(nodesDir, `.staging-${process.pid}-${Date.now()}`);
	fs.mkdirSync(staging, { recursive: true });
	try {
		// --no-same-owner: files belong to us, not to whatever uid packed them
		await exec('tar', ['-xzf', tarball, '-C', staging, '--no-same-owner']);
		const unpacked = path.join(staging, 'package');
		const info = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8')) as PackageInfo;
		const dest = path.join(nodesDir, 'node_modules', ...info.name.split('/'));
		fs.rmSync(dest, { recursive: true, force: true });
		fs.mkdirSync(path.dirname(dest), { recursive: true });
		fs.renameSync(unpacked, dest);
		assertNoSymlinks(dest);
		if (info.dependencies && Object.keys(info.dependencies).length > 0) {
			// n8n's own install would run `npm install` for them; do the same (needs the registry)
			log(`installing runtime dependencies of ${info.name}: ${Object.keys(info.dependencies).join(', ')}`);
			await exec('npm', ['install', '--omit=dev', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'], {
				cwd: dest,
				env: cleanNpmEnv(),
				timeoutMs: 600_000,
			});
		}
		const pjPath = path.join(nodesDir, 'package.json');
		let pj: { name: string; private: boolean; dependencies: Record<string, string> } = {
			name: 'installed-nodes',
			private: true,
			dependencies: {},
		};
		try {
			pj = JSON.parse(fs.readFileSync(pjPath, 'utf8'));
			pj.dependencies ??= {};
		} catch {
			/* first package */
		}
		pj.dependencies[info.name] = info.version;
		fs.writeFileSync(pjPath, JSON.stringify(pj, null, 2));
		return info;
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

function assertNoSymlinks(dir: string): void {
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isSymbolicLink()) throw new Error(`unexpected symlink in installed package: ${p}`);
		if (e.isDirectory()) assertNoSymlinks(p);
	}
}
