// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the system config checks. */
#include <string.h>
#include "test.h"
#include <core/config.h>

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
	CHECK(check() == -EINVAL && strstr(reason, "root cell signature"));
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

int main(void)
{
	RUN(test_valid);
	RUN(test_header_fields);
	RUN(test_sizes);
	RUN(test_hypervisor_memory);
	RUN(test_cpus);
	RUN(test_regions);
	return TEST_DONE("config");
}
