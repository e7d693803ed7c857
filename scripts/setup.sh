#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Everything a fresh Debian 12 machine with Node 20 and npm needs before a
# build: pnpm, the workspace's packages, the host packages and the target
# kernel/user space (cached outside the tree, reused when present).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
	step "installing pnpm $pnpm_version"
	npm install -g --no-fund --no-audit "pnpm@$pnpm_version"
fi

step "pnpm install --frozen-lockfile"
pnpm install --frozen-lockfile

step "building the toolchain package"
pnpm turbo run build --filter @jailhouse/toolchain --output-logs=errors-only

step "provisioning host packages and the arm64 target"
node toolchain/dist/cli.js provision --yes
node toolchain/dist/cli.js doctor
