// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes a QEMU arm64 system config for hypervisor bring-up tests, from
 * the ABI header itself, until packages/config's reference config exists:
 *   mkcell-qemu-arm64 out.cell [corrupt|overlap|upstream]
 * (upstream: the root cell's embedded header left zero, as upstream's
 * configs leave it)
 * Machine: virt, GICv3, -smp 4, 1 GiB, Linux with mem=768M; hypervisor
 * memory 0x7f000000 (16 MiB).
 */
#include <stdio.h>
#include <string.h>
#include <jailhouse/cell-config.h>

struct config {
	struct jailhouse_system sys;
	__u8 cpus[8];
	struct jailhouse_memory mem[4];
	struct jailhouse_irqchip irqchips[2];
} __attribute__((packed));

int main(int argc, char **argv)
{
	struct config c;
	FILE *f;

	memset(&c, 0, sizeof(c));
	memcpy(c.sys.signature, JAILHOUSE_SYSTEM_SIGNATURE, 5);
	c.sys.architecture = JAILHOUSE_ARM64;
	c.sys.revision = JAILHOUSE_CONFIG_REVISION;
	c.sys.flags = JAILHOUSE_SYS_VIRTUAL_DEBUG_CONSOLE;
	c.sys.hypervisor_memory.phys_start = 0x7f000000;
	c.sys.hypervisor_memory.size = 0x01000000;
	c.sys.debug_console.address = 0x09000000;
	c.sys.debug_console.size = 0x1000;
	c.sys.debug_console.type = JAILHOUSE_CON_TYPE_PL011;
	c.sys.debug_console.flags = JAILHOUSE_CON_ACCESS_MMIO |
		JAILHOUSE_CON_REGDIST_4;
	c.sys.platform_info.pci_mmconfig_base = 0x08e00000;
	c.sys.platform_info.pci_is_virtual = 1;
	c.sys.platform_info.pci_domain = 1;
	c.sys.platform_info.arm.maintenance_irq = 25;
	c.sys.platform_info.arm.gic_version = 3;
	c.sys.platform_info.arm.gicd_base = 0x08000000;
	c.sys.platform_info.arm.gicr_base = 0x080a0000;

	memcpy(c.sys.root_cell.signature, JAILHOUSE_CELL_DESC_SIGNATURE, 5);
	c.sys.root_cell.architecture = JAILHOUSE_ARM64;
	c.sys.root_cell.revision = JAILHOUSE_CONFIG_REVISION;
	strcpy(c.sys.root_cell.name, "qemu-arm64");
	c.sys.root_cell.flags = JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED;
	c.sys.root_cell.cpu_set_size = sizeof(c.cpus);
	c.sys.root_cell.num_memory_regions = 4;
	c.sys.root_cell.num_irqchips = 2;
	c.sys.root_cell.vpci_irq_base = 96;
	c.cpus[0] = 0x0f;

	/* MMIO: UART, RTC, fw_cfg, virtio-mmio, PCIe windows, low ECAM */
	c.mem[0] = (struct jailhouse_memory){ 0x09000000, 0x09000000,
		0x37000000, JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
		JAILHOUSE_MEM_IO };
	/* RAM below the hypervisor (Linux uses up to 0x70000000) */
	c.mem[1] = (struct jailhouse_memory){ 0x40000000, 0x40000000,
		0x3f000000, JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
		JAILHOUSE_MEM_EXECUTE };
	/* high PCIe ECAM */
	c.mem[2] = (struct jailhouse_memory){ 0x4010000000ULL,
		0x4010000000ULL, 0x10000000, JAILHOUSE_MEM_READ |
		JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_IO };
	/* an unused placeholder, as upstream configs have */
	c.mem[3] = (struct jailhouse_memory){ 0, 0, 0, 0 };

	c.irqchips[0].address = 0x08000000;
	c.irqchips[0].pin_base = 32;
	memset(c.irqchips[0].pin_bitmap, 0xff, 16);
	c.irqchips[1].address = 0x08000000;
	c.irqchips[1].pin_base = 160;
	memset(c.irqchips[1].pin_bitmap, 0xff, 16);

	if (argc > 2 && !strcmp(argv[2], "corrupt"))
		c.sys.revision = 13;
	if (argc > 2 && !strcmp(argv[2], "overlap"))
		c.mem[1].size = 0x40000000;
	if (argc > 2 && !strcmp(argv[2], "upstream"))
		memset(c.sys.root_cell.signature, 0, 8);

	f = fopen(argc > 1 ? argv[1] : "qemu-arm64-test.cell", "wb");
	if (!f || fwrite(&c, sizeof(c), 1, f) != 1) {
		perror("write");
		return 1;
	}
	fclose(f);
	return 0;
}
