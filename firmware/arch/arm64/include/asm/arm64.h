/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal interfaces between the arm64 files. */
#ifndef _ASM_ARM64_H
#define _ASM_ARM64_H

#include <core/types.h>
#include <core/paging.h>

struct per_cpu;
struct registers;

extern struct paging_structs hv_paging;

/* Maps device registers into the hypervisor; NULL on failure. */
void *arch_map_device(u64 phys, u64 size);

void uart_init(void *base);
int psci_handle_smc(struct per_cpu *cpu, struct registers *regs);
unsigned long psci_firmware_call(unsigned long fn, unsigned long a1,
				 unsigned long a2, unsigned long a3);
void arch_setup_guest_el2(struct per_cpu *cpu);
void __noreturn arch_return_to_linux(long result, struct registers *frame,
				     long hv_offset);

#endif /* !_ASM_ARM64_H */
