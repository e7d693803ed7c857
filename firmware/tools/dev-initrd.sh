#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Bring-up loop below the project's toolchain: a small busybox initramfs
# with jailhouse.ko, jailhouse.bin, test system configs, the jh-ioctl test
# client and dev-test.sh as /test.sh. Needs `make -C firmware all`, the
# built kernel/jailhouse.ko and the provisioned cache (~/.cache/jailhouse).
#   firmware/tools/dev-initrd.sh [test-script]   -> $DEV/initrd.gz
#   firmware/tools/dev-run.sh [qemu args]        (e.g. -icount shift=0,sleep=off)
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DEV=${DEV:-/tmp/jailhouse-dev}
CACHE=${JAILHOUSE_CACHE:-$HOME/.cache/jailhouse}
U=$(ls -d "$CACHE"/userspace-* | head -1)
R=$DEV/root
mkdir -p "$DEV"
gcc -Wall -Wextra -I"$REPO/firmware/include" -o "$DEV/mkcell" \
	"$HERE/mkcell-qemu-arm64.c"
aarch64-linux-gnu-gcc -static -O2 -Wall -o "$DEV/jh-ioctl" \
	"$REPO/kernel/tools/jh-ioctl.c"
rm -rf "$R"
mkdir -p "$R/bin" "$R/lib/firmware" "$R/proc" "$R/sys" "$R/dev" "$R/tmp"
cp "$U/bin/busybox" "$R/bin/"
for a in sh mount insmod rmmod cat echo sleep poweroff dmesg ls grep date \
	time seq head tail taskset nproc; do
	ln -s busybox "$R/bin/$a"
done
cp "$REPO/kernel/jailhouse.ko" "$R/"
cp "$REPO/firmware/out/jailhouse.bin" "$R/lib/firmware/"
cp "$DEV/jh-ioctl" "$R/bin/"
"$DEV/mkcell" "$R/test.cell"
"$DEV/mkcell" "$R/corrupt.cell" corrupt
"$DEV/mkcell" "$R/overlap.cell" overlap
[ -f "$REPO/packages/config/out/cells/qemu-arm64.cell" ] &&
	cp "$REPO/packages/config/out/cells/qemu-arm64.cell" "$R/ref.cell"
# reference cell configs and inmate demos, when built
for c in "$REPO"/packages/config/out/cells/qemu-arm64-*.cell \
	"$REPO"/inmate-sdk/out/inmates/*.bin; do
	[ -f "$c" ] && cp "$c" "$R/"
done
cp "${1:-$HERE/dev-test.sh}" "$R/test.sh"
cat > "$R/init" <<'EOI'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo 8 > /proc/sys/kernel/printk
sh /test.sh
poweroff -f
EOI
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$DEV/initrd.gz"
echo "dev initramfs: $DEV/initrd.gz"
