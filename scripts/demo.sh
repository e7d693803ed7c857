#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's main job: set-up, build, stage, boot the QEMU arm64 root cell
# from the staged tree, enable the hypervisor, run gic-demo in a cell (its
# output is on the PL011, printed at the end), shut it down, destroy it;
# run ivshmem-demo in the same cell and exchange messages with it from the
# root over both of its ivshmem links, "demo" (3 peers) and "pair" (2)
# (uio_ivshmem, `jailhouse ivshmem ping`); disable.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
printf '\n==> build\n'
pnpm turbo run build --output-logs=new-only
printf '\n==> stage\n'
pnpm stage
printf '\n==> QEMU arm64: boot the root cell, enable the hypervisor, run gic-demo and ivshmem-demo in a cell\n'
cells=/usr/share/jailhouse/cells
inmates=/usr/share/jailhouse/inmates
node toolchain/dist/cli.js run \
	'uname -r; nproc; dmesg | grep -E "All CPU\(s\) started at EL2|KVM disabled"' \
	'insmod /usr/lib/modules/$(uname -r)/extra/jailhouse.ko' \
	"jailhouse enable $cells/qemu-arm64.cell" \
	'jailhouse console' \
	"jailhouse cell run $cells/qemu-arm64-inmate-demo.cell $inmates/gic-demo.bin" \
	'sleep 3; jailhouse cell list' \
	'jailhouse cell stats inmate-demo' \
	'cat /sys/devices/system/cpu/online' \
	'jailhouse cell shutdown inmate-demo' \
	'jailhouse cell destroy inmate-demo' \
	'cat /sys/devices/system/cpu/online' \
	"jailhouse cell run $cells/qemu-arm64-inmate-demo.cell $inmates/ivshmem-demo.bin" \
	'insmod /usr/lib/modules/$(uname -r)/kernel/drivers/uio/uio.ko; insmod /usr/lib/modules/$(uname -r)/extra/uio_ivshmem.ko' \
	'sleep 1; jailhouse ivshmem list' \
	'jailhouse ivshmem ping 0001:00:00.0 --peer 1 --count 20' \
	'jailhouse ivshmem ping 0001:00:01.0 --count 20' \
	'jailhouse cell destroy inmate-demo' \
	'jailhouse disable'
