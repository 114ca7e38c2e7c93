// Finishes the build that `n8n-node build` starts (tsc + icons): copies each node's codex
// file, prunes dist to what n8n loads, and fails the build when something n8n needs is missing.
const { src, dest, series } = require('gulp');
const fs = require('fs');
const path = require('path');

const pkg = require('./package.json');
const SHIPPED = /(\.js|\.svg|\.png|\.node\.json)$/;

function copyCodexFiles() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

function walk(dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? walk(full) : [full];
	});
}

// n8n-node build copies every .png/.svg in the repo (test screenshots too) and tsc emits maps.
function pruneDist(done) {
	for (const entry of fs.readdirSync('dist')) {
		if (!['nodes', 'credentials'].includes(entry)) fs.rmSync(path.join('dist', entry), { recursive: true });
	}
	for (const file of walk('dist')) {
		if (!SHIPPED.test(file)) fs.rmSync(file);
	}
	done();
}

function iconPathsOf(file) {
	const text = fs.readFileSync(file, 'utf8');
	return [...text.matchAll(/['"]file:([^'"]+)['"]/g)].map((m) => path.join(path.dirname(file), m[1]));
}

function checkDist(done) {
	const problems = [];
	for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
		if (!fs.existsSync(entry)) {
			problems.push(`${entry} is listed in package.json but was not built`);
			continue;
		}
		for (const icon of iconPathsOf(entry)) {
			if (!fs.existsSync(icon)) problems.push(`${entry} points at missing icon ${icon}`);
		}
	}
	for (const node of pkg.n8n.nodes) {
		const codex = node.replace(/\.js$/, '.json');
		if (!fs.existsSync(codex)) problems.push(`${node} has no codex file ${codex}`);
	}
	done(problems.length ? new Error(`dist is incomplete:\n- ${problems.join('\n- ')}`) : undefined);
}

exports.finalizeDist = series(copyCodexFiles, pruneDist, checkDist);
