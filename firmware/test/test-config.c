// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the system config checks. */
#include <string.h>
#include "test.h"
#include <core/config.h>

/*
 * The upstream-style C configs of packages/config, compiled in as they
 * are: what `jailhouse config check` accepts, the hypervisor must too.
 */
#define config upstream_sys
#include "../../packages/config/upstream-style/qemu-arm64.c"
#undef config
#define config upstream_cell
#include "../../packages/config/upstream-style/qemu-arm64-inmate-demo.c"
#undef config

struct config {
	struct jailhouse_system sys;
	__u8 cpus[8];
	struct jailhouse_memory mem[3];
} __attribute__((packed));

static struct config c;
static struct config_limits lim;
static const char *reason;

static void setup(void)
{
	memset(&c, 0, sizeof(c));
	memcpy(c.sys.signature, "JHSYS", 5);
	c.sys.architecture = JAILHOUSE_ARM64;
	c.sys.revision = 14;
	c.sys.hypervisor_memory.phys_start = 0x7f000000;
	c.sys.hypervisor_memory.size = 0x1000000;
	memcpy(c.sys.root_cell.signature, "JHCLL", 5);
	c.sys.root_cell.architecture = JAILHOUSE_ARM64;
	c.sys.root_cell.revision = 14;
	strcpy(c.sys.root_cell.name, "root");
	c.sys.root_cell.cpu_set_size = 8;
	c.sys.root_cell.num_memory_regions = 3;
	c.cpus[0] = 0xf;
	c.mem[0] = (struct jailhouse_memory){ 0x40000000, 0x40000000,
		0x3f000000, JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE };
	c.mem[1] = (struct jailhouse_memory){ 0x09000000, 0x09000000,
		0x1000, JAILHOUSE_MEM_READ | JAILHOUSE_MEM_IO };

	lim.size = sizeof(c);
	lim.hv_phys = 0x7f000000;
	lim.hv_size_min = 0x100000;
	lim.hv_align = 0x200000;
	lim.max_cpus = 4;
	lim.arch = JAILHOUSE_ARM64;
	reason = NULL;
}

static int check(void)
{
	return config_check_system(&c.sys, &lim, &reason);
}

static void test_valid(void)
{
	u64 set;

	setup();
	CHECK(jailhouse_system_config_size(&c.sys) == sizeof(c));
	CHECK(check() == 0);
	CHECK(config_cpu_set(&c.sys.root_cell, &set) == 0 && set == 0xf);
}

static void test_header_fields(void)
{
	setup();
	c.sys.signature[0] = 'X';
	CHECK(check() == -EINVAL && strstr(reason, "signature"));
	setup();
	c.sys.revision = 13;
	CHECK(check() == -EINVAL && strstr(reason, "revision"));
	setup();
	c.sys.architecture = JAILHOUSE_X86;
	CHECK(check() == -EINVAL && strstr(reason, "architecture"));
	setup();
	c.sys.root_cell.signature[4] = 'X';
	CHECK(check() == -EINVAL && strstr(reason, "root cell header"));
	setup();
	c.sys.root_cell.revision = 13;
	CHECK(check() == -EINVAL && strstr(reason, "root cell revision"));
	setup();
	c.sys.root_cell.architecture = JAILHOUSE_X86;
	CHECK(check() == -EINVAL && strstr(reason, "architecture"));
	/* signature zero, revision set: neither style */
	setup();
	memset(c.sys.root_cell.signature, 0, 5);
	CHECK(check() == -EINVAL && strstr(reason, "root cell header"));
	setup();
	memset(c.sys.root_cell.name, 'a', sizeof(c.sys.root_cell.name));
	CHECK(check() == -EINVAL && strstr(reason, "name"));
}

static void test_sizes(void)
{
	setup();
	lim.size = sizeof(c) - 1;
	CHECK(check() == -EINVAL && strstr(reason, "truncated"));
	setup();
	lim.size = 100;
	CHECK(check() == -EINVAL && strstr(reason, "truncated"));
	setup();
	c.sys.root_cell.num_memory_regions = 0xffffffff;
	CHECK(check() == -E2BIG);
	setup();
	c.sys.root_cell.num_memory_regions = 4;
	CHECK(check() == -EINVAL && strstr(reason, "truncated"));
}

static void test_hypervisor_memory(void)
{
	setup();
	lim.hv_phys = 0x7e000000;
	CHECK(check() == -EINVAL && strstr(reason, "where it was loaded"));
	setup();
	c.sys.hypervisor_memory.size = 0x1001000;
	CHECK(check() == -EINVAL && strstr(reason, "misaligned"));
	setup();
	lim.hv_size_min = 0x2000000;
	CHECK(check() == -ENOMEM);
	setup();
	c.mem[0].size = 0x3f001000;	/* one page into hypervisor memory */
	CHECK(check() == -EINVAL && strstr(reason, "overlaps"));
}

static void test_cpus(void)
{
	setup();
	c.cpus[0] = 0;
	CHECK(check() == -EINVAL && strstr(reason, "no CPU"));
	setup();
	c.cpus[0] = 0x1f;		/* CPU 4 without a CPU area */
	CHECK(check() == -ERANGE);
	setup();
	c.sys.root_cell.cpu_set_size = 0;
	CHECK(check() != 0);
}

static void test_regions(void)
{
	setup();
	c.mem[1].virt_start = 0x09000800;
	CHECK(check() == -EINVAL && strstr(reason, "sub-page"));
	setup();
	c.mem[1].flags |= 1ULL << 40;
	CHECK(check() == -EINVAL && strstr(reason, "unknown flags"));
	setup();
	c.mem[1].phys_start = 0xfffffffffffff000ULL;
	c.mem[1].virt_start = 0x1000;
	c.mem[1].size = 0x2000;
	CHECK(check() == -ERANGE);
	setup();
	c.mem[1].flags |= JAILHOUSE_MEM_COMM_REGION;
	CHECK(check() == -EINVAL && strstr(reason, "comm region"));
	setup();
	c.mem[2].phys_start = 0x7f000000;	/* size 0: a placeholder */
	CHECK(check() == 0);
}

/*
 * Upstream's style: the embedded root descriptor's signature, architecture
 * and revision left zero (upstream's hypervisor never reads them).
 */
static void test_upstream_root_header(void)
{
	setup();
	memset(c.sys.root_cell.signature, 0, 8);
	CHECK(check() == 0);
}

static void test_upstream_style_configs(void)
{
	struct config_limits ul = {
		.size = sizeof(upstream_sys),
		.hv_phys = 0x7fc00000,
		.hv_size_min = 0x100000,
		.hv_align = 0x200000,
		.max_cpus = 4,
		.arch = JAILHOUSE_ARM64,
	};
	const struct jailhouse_cell_desc *root = &upstream_sys.header.root_cell;
	const struct jailhouse_memory *mem;
	unsigned int n;

	CHECK(jailhouse_system_config_size(&upstream_sys.header) ==
	      sizeof(upstream_sys));
	CHECK(root->signature[0] == 0 && root->revision == 0);
	CHECK(config_check_system(&upstream_sys.header, &ul, &reason) == 0);

	ul.hv_size_min = upstream_sys.header.hypervisor_memory.size;
	CHECK(config_check_cell(&upstream_cell.cell, sizeof(upstream_cell), &ul,
				&reason) == 0);
	/* the cell's memory is the root's to give */
	mem = jailhouse_cell_mem_regions(&upstream_cell.cell);
	for (n = 0; n < upstream_cell.cell.num_memory_regions; n++, mem++)
		if (!(mem->flags & JAILHOUSE_MEM_COMM_REGION))
			CHECK(config_mem_covered(root, mem->phys_start,
						 mem->size));

	/* upstream's 16 CPUs on a machine prepared for 4: refused */
	upstream_sys.cpus[0] = 0xffff;
	CHECK(config_check_system(&upstream_sys.header, &ul, &reason) ==
	      -ERANGE);
	upstream_sys.cpus[0] = 0xf;
}

/* Upstream's ARM irqchip rule: pin_base is a multiple of 32. */
static void test_root_irqchips(void)
{
	struct {
		struct config c;
		struct jailhouse_irqchip chip;
	} __attribute__((packed)) big;

	setup();
	memcpy(&big.c, &c, sizeof(c));
	memset(&big.chip, 0, sizeof(big.chip));
	big.c.sys.root_cell.num_irqchips = 1;
	big.chip.address = 0x08000000;
	big.chip.pin_base = 32;
	memset(big.chip.pin_bitmap, 0xff, sizeof(big.chip.pin_bitmap));
	lim.size = sizeof(big);
	CHECK(config_check_system(&big.c.sys, &lim, &reason) == 0);
	big.chip.pin_base = 48;
	CHECK(config_check_system(&big.c.sys, &lim, &reason) == -EINVAL &&
	      strstr(reason, "multiple of 32"));
	big.chip.pin_base = 0;		/* SGIs and PPIs */
	CHECK(config_check_system(&big.c.sys, &lim, &reason) == -EINVAL &&
	      strstr(reason, "SGI"));
	big.chip.pin_base = 928;	/* up to 1055 */
	CHECK(config_check_system(&big.c.sys, &lim, &reason) == -EINVAL &&
	      strstr(reason, "out of range"));
}

/* A cell config like qemu-arm64-inmate-demo: CPU 3, RAM, UART, comm. */
struct cell_cfg {
	struct jailhouse_cell_desc cell;
	__u8 cpus[8];
	struct jailhouse_memory mem[3];
	struct jailhouse_irqchip irqchip;
} __attribute__((packed));

static struct cell_cfg cc;

static void cell_setup(void)
{
	memset(&cc, 0, sizeof(cc));
	memcpy(cc.cell.signature, JAILHOUSE_CELL_DESC_SIGNATURE, 5);
	cc.cell.architecture = JAILHOUSE_ARM64;
	cc.cell.revision = JAILHOUSE_CONFIG_REVISION;
	strcpy(cc.cell.name, "inmate-demo");
	cc.cell.cpu_set_size = 8;
	cc.cell.num_memory_regions = 3;
	cc.cell.num_irqchips = 1;
	cc.cpus[0] = 0x08;
	cc.mem[0] = (struct jailhouse_memory){ 0x70000000, 0, 0x100000,
		JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
		JAILHOUSE_MEM_LOADABLE };
	cc.mem[1] = (struct jailhouse_memory){ 0x09000000, 0x09000000,
		0x1000, JAILHOUSE_MEM_READ | JAILHOUSE_MEM_IO |
		JAILHOUSE_MEM_ROOTSHARED };
	cc.mem[2] = (struct jailhouse_memory){ 0, 0x80000000, 0x1000,
		JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
		JAILHOUSE_MEM_COMM_REGION };
	cc.irqchip.address = 0x08000000;
	cc.irqchip.pin_base = 32;
	cc.irqchip.pin_bitmap[3] = 1U << 16;	/* SPI 144 */
	lim.arch = JAILHOUSE_ARM64;
	lim.hv_phys = 0x7f000000;
	lim.hv_size_min = 0x1000000;
}

static int cell_check(void)
{
	return config_check_cell(&cc.cell, sizeof(cc), &lim, &reason);
}

static void test_cell_valid(void)
{
	cell_setup();
	CHECK(cell_check() == 0);
}

static void test_cell_bad(void)
{
	cell_setup();
	cc.cell.revision = 13;
	CHECK(cell_check() == -EINVAL);
	cell_setup();
	CHECK(config_check_cell(&cc.cell, sizeof(cc) - 1, &lim,
				&reason) == -EINVAL);
	cell_setup();
	cc.cpus[0] = 0;
	CHECK(cell_check() == -EINVAL);
	cell_setup();
	cc.mem[0].phys_start = 0x7f100000;	/* hypervisor memory */
	CHECK(cell_check() == -EINVAL);
	cell_setup();
	cc.mem[1].virt_start = 0x80000;		/* overlaps RAM at 0 */
	CHECK(cell_check() == -EINVAL);
	cell_setup();
	cc.mem[0].size = 0x100800;		/* sub-page */
	CHECK(cell_check() == -EINVAL);
	cell_setup();
	cc.mem[2].size = 0x2000;		/* comm region not a page */
	CHECK(cell_check() == -EINVAL);
	cell_setup();
	cc.irqchip.pin_base = 0;		/* a PPI */
	cc.irqchip.pin_bitmap[0] = 1U << 27;
	CHECK(cell_check() == -EINVAL);
	cell_setup();
	cc.mem[0].phys_start = ~0ULL - 0xfff;	/* wraps */
	CHECK(cell_check() == -ERANGE);
	cell_setup();
	cc.irqchip.pin_base = 40;		/* upstream: multiple of 32 */
	CHECK(cell_check() == -EINVAL && strstr(reason, "multiple of 32"));
	cell_setup();
	cc.cell.flags |= JAILHOUSE_CELL_AARCH32;
	CHECK(cell_check() == -EINVAL && strstr(reason, "AArch32"));
	cell_setup();
	cc.cell.num_memory_regions = 100000;
	CHECK(cell_check() == -E2BIG);
}

static void test_mem_covered(void)
{
	setup();
	/* root regions of setup(): see above */
	CHECK(config_mem_covered(&c.sys.root_cell, c.mem[0].phys_start,
				 0x1000));
	CHECK(!config_mem_covered(&c.sys.root_cell, 0x7f000000, 0x1000));
	CHECK(!config_mem_covered(&c.sys.root_cell, c.mem[0].phys_start,
				  c.mem[0].size + 0x1000) ||
	      config_mem_covered(&c.sys.root_cell, c.mem[0].phys_start +
				 c.mem[0].size, 0x1000));
}

int main(void)
{
	RUN(test_valid);
	RUN(test_header_fields);
	RUN(test_upstream_root_header);
	RUN(test_root_irqchips);
	RUN(test_upstream_style_configs);
	RUN(test_sizes);
	RUN(test_hypervisor_memory);
	RUN(test_cpus);
	RUN(test_regions);
	RUN(test_cell_valid);
	RUN(test_cell_bad);
	RUN(test_mem_covered);
	return TEST_DONE("config");
}
