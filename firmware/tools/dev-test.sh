# SPDX-License-Identifier: GPL-2.0-only
# The bring-up test script run as /test.sh by firmware/tools/dev-initrd.sh
insmod /jailhouse.ko
echo "=== corrupt"; jh-ioctl enable /corrupt.cell
echo "=== overlap"; jh-ioctl enable /overlap.cell
echo "=== enable"; jh-ioctl enable /test.cell
jh-ioctl enable /test.cell
cat /sys/devices/jailhouse/enabled /sys/devices/jailhouse/mem_pool_size /sys/devices/jailhouse/mem_pool_used /sys/devices/jailhouse/remap_pool_size /sys/devices/jailhouse/remap_pool_used
echo "=== work on 4 cpus"
for c in 0 1 2 3; do taskset -c $c sh -c 'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; echo cpu'$c' done' & done; wait
echo "=== sleep"; time sleep 1
grep -E 'CPU|arch_timer|IPI0|IPI1' /proc/interrupts | head -8
echo "=== hotplug"; echo 0 > /sys/devices/system/cpu/cpu3/online; cat /sys/devices/system/cpu/online
echo 1 > /sys/devices/system/cpu/cpu3/online; cat /sys/devices/system/cpu/online
taskset -c 3 echo "hello from cpu3"
echo 0 > /sys/devices/system/cpu/cpu2/online; echo 1 > /sys/devices/system/cpu/cpu2/online
taskset -c 2 echo "hello from cpu2"
ls /sys/devices/jailhouse/cells/0/ /sys/devices/jailhouse/cells/0/statistics 2>/dev/null
cat /sys/devices/jailhouse/cells/0/statistics/vmexits_total 2>/dev/null
echo "=== disable"; jh-ioctl disable
cat /sys/devices/jailhouse/console | tail -3
echo "=== disable with cpu3 offline"; jh-ioctl enable /test.cell
echo 0 > /sys/devices/system/cpu/cpu3/online
jh-ioctl disable
echo 1 > /sys/devices/system/cpu/cpu3/online; cat /sys/devices/system/cpu/online
taskset -c 3 echo "hello from cpu3 after disable"
for i in 1 2 3 4 5 6 7 8 9 10; do jh-ioctl enable /test.cell >/dev/null && jh-ioctl disable >/dev/null && echo "cycle $i ok"; done
echo "=== rmmod while enabled"; jh-ioctl enable /test.cell; rmmod jailhouse
dmesg | grep -i jailhouse | tail -8
