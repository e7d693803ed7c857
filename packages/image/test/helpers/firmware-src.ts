// SPDX-License-Identifier: GPL-2.0-only
// A stand-in hypervisor: just enough to carry the firmware header the way
// firmware/ will (header section first, values from linker symbols).

export const FIRMWARE_C = `
#define JAILHOUSE_BASE 0xffffc0200000UL

struct jailhouse_header {
	char signature[8];
	unsigned long core_size;
	unsigned long percpu_size;
	unsigned long entry;
	unsigned long console_page;
	unsigned long gcov_info_head;
	unsigned int max_cpus;
	unsigned int online_cpus;
	unsigned long debug_console_base;
	unsigned long long arm_linux_hyp_vectors;
	unsigned int arm_linux_hyp_abi;
	unsigned int version;
	char hypervisor_version[32];
} __attribute__((packed));

_Static_assert(sizeof(struct jailhouse_header) == 112, "header size");
_Static_assert(__builtin_offsetof(struct jailhouse_header, version) == 76, "version offset");

extern char __page_pool[];
extern char console_page[];
void arch_entry(void);

__attribute__((section(".header"), used))
const struct jailhouse_header header = {
	.signature = "JAILHOUS",
	.core_size = (unsigned long)__page_pool - JAILHOUSE_BASE,
	.percpu_size = 0x4000,
	.entry = (unsigned long)arch_entry - JAILHOUSE_BASE,
	.console_page = (unsigned long)console_page - JAILHOUSE_BASE,
	.version = 2,
	.hypervisor_version = "0.2.0-test",
};

char console_page[4096] __attribute__((aligned(4096), section(".console")));
unsigned long big_bss[3000];

void __attribute__((noreturn)) arch_entry(void)
{
	for (;;)
		big_bss[console_page[0]]++;
}
`;

export const FIRMWARE_LDS = `
ENTRY(arch_entry)
SECTIONS
{
	. = 0xffffc0200000;
	.header : { KEEP(*(.header)) }
	. = ALIGN(16);
	.text : { *(.text*) }
	.rodata : { *(.rodata*) }
	. = ALIGN(4096);
	.data : { *(.data*) }
	.bss : { *(.bss*) *(COMMON) }
	. = ALIGN(4096);
	.console (NOLOAD) : { *(.console) }
	. = ALIGN(4096);
	__page_pool = .;
	/DISCARD/ : { *(.note*) *(.eh_frame*) *(.comment) }
}
`;
