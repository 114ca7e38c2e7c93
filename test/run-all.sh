#!/usr/bin/env bash
# `npm test`: build, lint, unit + integration tests (sandbox), then the real-n8n end-to-end suite.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s ==\n' "$*"; }
step build; npm run build
step lint; npx n8n-node lint
step "verify (community-node rules on the packed tarball, n8n's scanner on source and tarball)"; npm run verify
step "type-check tests"; npx tsc -p tsconfig.test.json --noEmit
step "unit + integration"; npx jest --selectProjects unit
if [ "${HUSKYVOICE_SKIP_E2E:-}" = "1" ]; then
	echo "HUSKYVOICE_SKIP_E2E=1: real-n8n end-to-end suite skipped"
else
	step "end-to-end (real n8n)"; npx jest --selectProjects e2e --runInBand
fi
