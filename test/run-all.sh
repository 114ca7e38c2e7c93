#!/usr/bin/env bash
# `npm test`: build, lint, verify, unit + integration tests (sandbox), then the real-n8n end-to-end
# suites on n8n 2.41.1 (all of them), the smoke, nodes, AI Agent and MCP suites again on the last
# n8n 1.x, then the unit suites and the booking e2e under a shifted clock (test/any-day).
set -euo pipefail
cd "$(dirname "$0")/.."
# the last n8n 1.x on the registry (its Node, 22, is picked by test/e2e/runner/install.cts)
N8N_1X=1.123.81
step() { printf '\n== %s ==\n' "$*"; }
step build; npm run build
step lint; npx n8n-node lint
step "GitHub Actions workflows (action-validator)"; npm run lint:workflows
step "verify (community-node rules on the packed tarball, n8n's scanner on source and tarball)"; npm run verify
step "type-check tests"; npx tsc -p tsconfig.test.json --noEmit
step "unit + integration"; npx jest --selectProjects unit
if [ "${HUSKYVOICE_SKIP_E2E:-}" = "1" ]; then
	echo "HUSKYVOICE_SKIP_E2E=1: real-n8n end-to-end suites skipped"
else
	step "end-to-end (real n8n 2.41.1)"; npx jest --selectProjects e2e --runInBand
	step "end-to-end on n8n $N8N_1X: smoke, nodes, AI Agent, MCP"
	E2E_N8N_VERSION=$N8N_1X npx jest --selectProjects e2e --runInBand 'test/e2e/(smoke|nodes|ai-agent|mcp)\.e2e\.test\.cts$'
fi
step "any day (the unit suites and the booking e2e under a shifted clock: docs/testing-any-day.md)"; bash test/any-day/run.sh --ci
