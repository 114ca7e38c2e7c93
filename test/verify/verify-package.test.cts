import { spawnSync } from 'child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'fs';
import { join } from 'path';

// Plain JS on purpose (it runs on the packed tarball without a build step).
const { verifyPackageDir } = require('./verify-package.js') as {
	verifyPackageDir: (root: string) => { problems: string[] };
};

const repo = join(__dirname, '..', '..');

/** A copy of the built package inside the repo, so n8n-workflow resolves as n8n provides it. */
function builtPackageCopy(): string {
	mkdirSync(join(repo, '.cache'), { recursive: true });
	const root = mkdtempSync(join(repo, '.cache', 'verify-test-'));
	cpSync(join(repo, 'dist'), join(root, 'dist'), { recursive: true });
	cpSync(join(repo, 'package.json'), join(root, 'package.json'));
	return root;
}

describe('npm run verify', () => {
	let root: string;
	beforeEach(() => {
		root = builtPackageCopy();
	});
	afterEach(() => rmSync(root, { recursive: true, force: true }));

	it('passes the package as built', () => {
		expect(verifyPackageDir(root).problems).toEqual([]);
	});

	it('catches a runtime dependency, a forbidden import, process.env and a bare timer in node code', () => {
		const pkgFile = join(root, 'package.json');
		const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
		writeFileSync(pkgFile, JSON.stringify({ ...pkg, dependencies: { axios: '1.0.0' } }));
		const transport = join(root, 'dist/nodes/shared/transport.js');
		writeFileSync(
			transport,
			`${readFileSync(transport, 'utf8')}\nrequire("axios"); process.env.X; setTimeout(() => {}, 1);`,
		);
		const problems = verifyPackageDir(root).problems.join('\n');
		expect(problems).toContain('runtime dependencies are not allowed: axios');
		expect(problems).toContain('imports axios');
		expect(problems).toContain('uses process.env');
		expect(problems).toContain('uses a bare timer');
	});

	it('catches a missing dark icon, a missing codex file and a listed node that is not in the tarball', () => {
		unlinkSync(join(root, 'dist/nodes/shared/huskyvoice.dark.svg'));
		unlinkSync(join(root, 'dist/nodes/HuskyVoice/HuskyVoice.node.json'));
		const pkgFile = join(root, 'package.json');
		const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
		pkg.n8n.nodes.push('dist/nodes/Missing/Missing.node.js');
		writeFileSync(pkgFile, JSON.stringify(pkg));
		const problems = verifyPackageDir(root).problems.join('\n');
		expect(problems).toContain('huskyvoice.dark.svg is missing');
		expect(problems).toContain('HuskyVoice.node.js has no codex file');
		expect(problems).toContain('dist/nodes/Missing/Missing.node.js, which is not in the tarball');
	});
});

/** A copy of the package's source and build (what n8n's scanner reads, what npm packs), inside the repo. */
function packageSourceCopy(): string {
	mkdirSync(join(repo, '.cache'), { recursive: true });
	const root = mkdtempSync(join(repo, '.cache', 'verify-src-'));
	for (const entry of ['package.json', 'nodes', 'credentials', 'dist']) cpSync(join(repo, entry), join(root, entry), { recursive: true });
	return root;
}

/** `npm run verify` on another package folder (it packs that folder, like the real run packs the repository). */
function runVerify(root: string): { status: number | null; output: string } {
	const r = spawnSync(process.execPath, [join(repo, 'test', 'verify', 'verify-package.js'), '--root', root], { cwd: repo, encoding: 'utf8' });
	return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('npm run verify: n8n’s own scanner (@n8n/scan-community-package), offline', () => {
	jest.setTimeout(180_000);
	let root: string;
	beforeEach(() => {
		root = packageSourceCopy();
	});
	afterEach(() => rmSync(root, { recursive: true, force: true }));

	it('passes the package: source and packed tarball', () => {
		const { status, output } = runVerify(root);
		expect(output).toContain('n8n scanner (@n8n/scan-community-package');
		expect(output).toContain('source and tarball pass');
		expect(status).toBe(0);
	});

	it('fails on a planted violation of the scanner’s rules, in the source and in the tarball, naming rule and file', () => {
		// console output is an error in n8n's scan config and not one of verify's own checks
		appendFileSync(join(root, 'nodes/shared/constants.ts'), '\nconsole.log("planted in the source");\n');
		appendFileSync(join(root, 'dist/nodes/shared/constants.js'), '\nconsole.log("planted in the build");\n');
		const { status, output } = runVerify(root);
		expect(status).toBe(1);
		expect(output).toMatch(/n8n scanner \(source\): ESLint violations found[\s\S]*nodes\/shared\/constants\.ts[\s\S]*no-console/);
		expect(output).toMatch(/n8n scanner \(tarball\): ESLint violations found[\s\S]*dist\/nodes\/shared\/constants\.js[\s\S]*no-console/);
	});
});
