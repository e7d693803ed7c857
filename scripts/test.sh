#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's test command: set-up, build, stage, then every test (unit,
# host C tests, typecheck, and the QEMU system tests). A failed set-up,
# build or stage stops it; a failed suite does not: every suite runs and
# reports (turbo --continue, and the system tests run after failed unit
# tests too), and the command exits 1 if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

bash scripts/setup.sh

failed=0
log=$(mktemp -t jailhouse-test-XXXXXX.log)
summary() {
	local rc=$?
	[ "$rc" -ne 0 ] || rc=$failed
	node scripts/test-summary.mjs "$log" || true
	echo "test command: $(( $(date +%s) - started )) s, exit $rc"
	exit $rc
}
trap summary EXIT

printf '\n==> build\n'
pnpm turbo run build --output-logs=new-only
printf '\n==> stage\n'
pnpm stage
printf '\n==> typecheck and unit tests\n'
pnpm turbo run typecheck test --concurrency=2 --continue --output-logs=full 2>&1 | tee -a "$log" || failed=1
printf '\n==> system tests (QEMU)\n'
pnpm turbo run e2e --concurrency=1 --continue --output-logs=full 2>&1 | tee -a "$log" || failed=1
