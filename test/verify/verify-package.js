#!/usr/bin/env node
// `npm run verify`: n8n's community-node verification rules, checked on the packed tarball
// (what npm would publish), then n8n's own gate, @n8n/scan-community-package, on the source
// (package.json, nodes/, credentials/) and on the unpacked tarball, as its CLI does — offline,
// through its exported analyzePackage (the CLI would download the package from the registry).
//
//   node test/verify/verify-package.js [--root DIR]    (DIR: a package source folder; default: this repository)
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '../..');
// Unpacked inside the repo so that n8n-workflow resolves from its node_modules, as n8n provides it.
let work;
let problems = [];
const fail = (message) => problems.push(message);

function walk(dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const full = path.join(dir, e.name);
		return e.isDirectory() ? walk(full) : [full];
	});
}

function pack(root) {
	fs.mkdirSync(path.join(repo, '.cache'), { recursive: true });
	work = fs.mkdtempSync(path.join(repo, '.cache', 'verify-'));
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root }).toString();
	const tarball = path.join(work, JSON.parse(out)[0].filename);
	execFileSync('tar', ['-xzf', tarball, '-C', work]);
	return { root: path.join(work, 'package'), size: fs.statSync(tarball).size };
}

function checkPackageJson(pkg, root) {
	if (!(pkg.keywords || []).includes('n8n-community-node-package')) fail('package.json lacks the keyword n8n-community-node-package');
	if (!/^n8n-nodes-/.test(pkg.name)) fail(`package name ${pkg.name} must start with n8n-nodes-`);
	const deps = Object.keys(pkg.dependencies || {});
	if (deps.length) fail(`runtime dependencies are not allowed: ${deps.join(', ')}`);
	const peers = Object.keys(pkg.peerDependencies || {});
	if (peers.some((p) => p !== 'n8n-workflow')) fail(`only n8n-workflow may be a peer dependency: ${peers.join(', ')}`);
	for (const field of ['license', 'repository', 'homepage', 'engines']) if (!pkg[field]) fail(`package.json lacks ${field}`);
	for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
		if (!fs.existsSync(path.join(root, entry))) fail(`n8n field lists ${entry}, which is not in the tarball`);
	}
}

const ALLOWED_MODULES = new Set(['n8n-workflow', 'crypto', 'node:crypto']);
const FORBIDDEN_CODE = [
	[/process\.env/, 'process.env'],
	[/\bset(Timeout|Interval|Immediate)\s*\(/, 'a bare timer'],
	[/\beval\s*\(|new Function\s*\(/, 'eval'],
];

function checkCode(root) {
	for (const file of walk(path.join(root, 'dist'))) {
		const rel = path.relative(root, file);
		if (!/(\.js|\.svg|\.png|\.node\.json)$/.test(file)) fail(`${rel}: only compiled code, icons and codex files belong in dist`);
		if (!file.endsWith('.js')) continue;
		const code = fs.readFileSync(file, 'utf8');
		for (const [, name] of code.matchAll(/require\(["']([^"']+)["']\)/g)) {
			if (!name.startsWith('.') && !ALLOWED_MODULES.has(name)) fail(`${rel} imports ${name}; only n8n-workflow and crypto are allowed`);
		}
		for (const [pattern, what] of FORBIDDEN_CODE) if (pattern.test(code)) fail(`${rel} uses ${what}`);
	}
}

function loadExport(file) {
	const mod = require(file);
	const Class = Object.values(mod).find((v) => typeof v === 'function');
	return new Class();
}

function checkIcon(owner, dir, icon) {
	if (!icon || typeof icon !== 'object' || !icon.light || !icon.dark) return fail(`${owner} needs light and dark icons`);
	for (const variant of [icon.light, icon.dark]) {
		const file = path.join(dir, variant.replace(/^file:/, ''));
		if (!fs.existsSync(file)) fail(`${owner}: icon ${variant} is missing from the tarball`);
	}
}

function checkTypes(pkg, root) {
	const present = (entry) => fs.existsSync(path.join(root, entry)); // absent ones are reported already
	for (const entry of pkg.n8n.credentials.filter(present)) {
		const file = path.join(root, entry);
		const credential = loadExport(file);
		if (!/Api$/.test(credential.constructor.name) || !/Api$/.test(credential.name)) fail(`${entry}: credential names must end in Api`);
		for (const p of credential.properties) {
			if (/key|token|secret|password/i.test(p.name) && !p.typeOptions?.password) fail(`${entry}: ${p.name} must be a password field`);
		}
		checkIcon(entry, path.dirname(file), credential.icon);
	}
	for (const entry of pkg.n8n.nodes.filter(present)) {
		const file = path.join(root, entry);
		const { description } = loadExport(file);
		checkIcon(entry, path.dirname(file), description.icon);
		if (!fs.existsSync(file.replace(/\.js$/, '.json'))) fail(`${entry} has no codex file`);
		const isTrigger = (description.group || []).includes('trigger');
		if (!isTrigger && description.usableAsTool !== true) fail(`${entry}: action nodes must be usableAsTool`);
		if (!isTrigger && !description.subtitle) fail(`${entry}: action nodes need a subtitle`);
	}
}

/** Every rule broken by the unpacked package at `root` (a folder holding package.json and dist/). */
function verifyPackageDir(root) {
	problems = [];
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	checkPackageJson(pkg, root);
	checkCode(root);
	checkTypes(pkg, root);
	return { problems, pkg };
}

/**
 * n8n's scanner, both legs of its CLI: the full rule set on the source (its SOURCE_FILE_PATTERNS),
 * compiled `.js` and package.json on the unpacked tarball. Errors fail, warnings do not (as in n8n).
 */
async function scanWithN8nScanner(sourceDir, packageDir) {
	// eslint-plugin-n8n-nodes-base lints fixed fake file names under NODE_ENV=test (its own rule tests)
	delete process.env.NODE_ENV;
	const scanner = await import(require.resolve('@n8n/scan-community-package/scanner/scanner.mjs', { paths: [repo] }));
	const found = [];
	for (const [leg, dir, patterns] of [
		['source', sourceDir, scanner.SOURCE_FILE_PATTERNS],
		['tarball', packageDir, ['**/*.js', 'package.json']],
	]) {
		const result = await scanner.analyzePackage(dir, patterns);
		if (!result.passed) found.push(`n8n scanner (${leg}): ${result.message}${result.details ? `\n${result.details.trim()}` : ''}`);
	}
	return found;
}

function scannerVersion() {
	const pj = require.resolve('@n8n/scan-community-package/package.json', { paths: [repo] });
	return JSON.parse(fs.readFileSync(pj, 'utf8')).version;
}

async function main() {
	const at = process.argv.indexOf('--root');
	const sourceRoot = path.resolve(at === -1 ? repo : process.argv[at + 1]);
	let result = { problems: [] };
	try {
		const { root, size } = pack(sourceRoot);
		result = verifyPackageDir(root);
		const { pkg } = result;
		const distBytes = walk(path.join(root, 'dist')).reduce((sum, f) => sum + fs.statSync(f).size, 0);
		console.log(`tarball ${(size / 1024).toFixed(1)} KB, dist ${(distBytes / 1024).toFixed(1)} KB, ` +
			`${Object.keys(pkg.dependencies || {}).length} runtime dependencies, ${pkg.n8n.nodes.length} nodes, ${pkg.n8n.credentials.length} credentials`);
		const scanned = await scanWithN8nScanner(sourceRoot, root);
		result.problems.push(...scanned);
		if (!scanned.length) console.log(`n8n scanner (@n8n/scan-community-package ${scannerVersion()}): source and tarball pass`);
	} catch (error) {
		result.problems.push(`verification could not run: ${error.message}`);
	} finally {
		if (work) fs.rmSync(work, { recursive: true, force: true });
	}
	if (result.problems.length) {
		console.error(`verify: ${result.problems.length} problem(s)\n- ${result.problems.join('\n- ')}`);
		process.exit(1);
	}
	console.log('verify: the packed tarball meets n8n community-node rules and passes n8n\'s scanner');
}

module.exports = { verifyPackageDir };
if (require.main === module) main();
