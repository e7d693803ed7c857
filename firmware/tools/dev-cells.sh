# SPDX-License-Identifier: GPL-2.0-only
# Cell bring-up script: firmware/tools/dev-initrd.sh firmware/tools/dev-cells.sh
insmod /jailhouse.ko
jh-ioctl enable /ref.cell
cat /sys/devices/jailhouse/mem_pool_used
ls /sys/devices/jailhouse/cells/0 /sys/devices/jailhouse/cells/0/statistics
echo "=== create"; time jh-ioctl create /qemu-arm64-inmate-demo.cell
cat /sys/devices/system/cpu/online
cd /sys/devices/jailhouse/cells/1 && cat name state cpus_assigned cpus_assigned_list cpus_failed_list; cd /
echo "=== load+start"; jh-ioctl load inmate-demo /uart-demo.bin 0
jh-ioctl start 1; cat /sys/devices/jailhouse/cells/1/state
sleep 2
cat /sys/devices/jailhouse/cells/1/statistics/vmexits_total /sys/devices/jailhouse/cells/1/statistics/cpu3/vmexits_total
echo "root alive"; taskset -c 2 echo "root cpu2 ok"
echo "=== destroy"; time jh-ioctl destroy 1
cat /sys/devices/system/cpu/online; taskset -c 3 echo "hello from cpu3 back"
cat /sys/devices/jailhouse/mem_pool_used
echo "=== gic-demo"; jh-ioctl create /qemu-arm64-inmate-demo.cell; jh-ioctl load 1 /gic-demo.bin 0; jh-ioctl start 1; sleep 3
echo "=== two cells"; jh-ioctl create /qemu-arm64-inmate-2.cell; jh-ioctl load inmate-2 /uart-demo.bin 0; jh-ioctl start inmate-2; sleep 1
ls /sys/devices/jailhouse/cells; cat /sys/devices/jailhouse/cells/*/state
jh-ioctl destroy 1; jh-ioctl destroy 2
echo "=== bad-inmate"; jh-ioctl create /qemu-arm64-inmate-demo.cell; jh-ioctl load 1 /bad-inmate.bin 0; jh-ioctl start 1; sleep 2
cat /sys/devices/jailhouse/cells/1/state /sys/devices/jailhouse/cells/1/cpus_failed_list
jh-ioctl destroy 1; cat /sys/devices/system/cpu/online
echo "=== errors"; jh-ioctl load 7 /uart-demo.bin 0; jh-ioctl create /test.cell; jh-ioctl start 0
jh-ioctl create /qemu-arm64-inmate-demo.cell; jh-ioctl load 1 /uart-demo.bin 0x100000; jh-ioctl create /qemu-arm64-inmate-demo.cell
jh-ioctl destroy 1
echo "=== cycles"; for i in 1 2 3 4 5 6 7 8 9 10; do jh-ioctl create /qemu-arm64-inmate-demo.cell >/dev/null; jh-ioctl load 1 /uart-demo.bin 0 >/dev/null; jh-ioctl start 1 >/dev/null; jh-ioctl destroy 1 > /dev/null; done
cat /sys/devices/jailhouse/mem_pool_used; cat /sys/devices/system/cpu/online
jh-ioctl disable
rmmod jailhouse
dmesg | grep jailhouse | tail -5
