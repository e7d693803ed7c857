#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boots the QEMU arm64 machine of docs/QEMU-ARM64.md with the dev initramfs of
# dev-initrd.sh; Linux and the hypervisor share the PL011 on stdout.
#   firmware/tools/dev-run.sh [extra qemu args]
DEV=${DEV:-/tmp/jailhouse-dev}
CACHE=${JAILHOUSE_CACHE:-$HOME/.cache/jailhouse}
K=$(ls "$CACHE"/kernel-*/boot/vmlinuz-* | head -1)
exec timeout "${TIMEOUT:-120}" qemu-system-aarch64 \
	-machine virt,gic-version=3,virtualization=on,its=off \
	-cpu cortex-a57 -smp 4 -m 1G -display none -monitor none -no-reboot \
	-nographic -kernel "$K" -initrd "$DEV/initrd.gz" \
	-append "console=ttyAMA0 panic=-1 mem=768M kvm-arm.mode=none" "$@"
