#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's main job: set-up, build, stage, boot the QEMU arm64 root cell
# from the staged tree and show it alive.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
printf '\n==> build\n'
pnpm turbo run build --output-logs=new-only
printf '\n==> stage\n'
pnpm stage
printf '\n==> QEMU arm64 root cell\n'
node toolchain/dist/cli.js run \
	'uname -a' \
	'dmesg | grep -E "All CPU\(s\) started at EL2|KVM disabled"' \
	'nproc' \
	'insmod /usr/lib/modules/$(uname -r)/extra/jailhouse.ko && dmesg | grep "jailhouse:"' \
	'jailhouse --version' \
	'ls /usr/share/jailhouse/cells /usr/share/jailhouse/inmates' \
	'jailhouse config show /usr/share/jailhouse/cells/qemu-arm64-inmate-demo.cell'
