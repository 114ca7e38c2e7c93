/**
 * Preloaded into n8n (NODE_OPTIONS=--require=…) by the bench's isolate-count n8n only, never in
 * a timed pass: times n8n's credential-permission check, which n8n runs before every execution
 * (workflow-runner.js › credentialsPermissionChecker.check), and appends one JSON line per check
 * — { workflowId, ms } — to the file named by HUSKY_BENCH_PROBE_OUT.
 */
const fs = require('node:fs');
const Module = require('node:module');

const out = process.env.HUSKY_BENCH_PROBE_OUT;
const originalRequire = Module.prototype.require;
let wrapped = false;

Module.prototype.require = function requireAndWrap(...args) {
	const exported = originalRequire.apply(this, args);
	const checker = exported && exported.CredentialsPermissionChecker;
	if (out && !wrapped && checker && typeof checker.prototype.check === 'function') {
		wrapped = true;
		const check = checker.prototype.check;
		checker.prototype.check = async function timedCheck(workflowId, nodes) {
			const start = process.hrtime.bigint();
			try {
				return await check.call(this, workflowId, nodes);
			} finally {
				const ms = Number(process.hrtime.bigint() - start) / 1e6;
				fs.appendFileSync(out, `${JSON.stringify({ workflowId, ms })}\n`);
			}
		};
	}
	return exported;
};
