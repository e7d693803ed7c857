/* SPDX-License-Identifier: BSD-2-Clause */
/* CPUs: identification, start-up through PSCI, halting. */
#ifndef _INMATE_CPU_H
#define _INMATE_CPU_H

#include <inmate/types.h>

#define PSCI_VERSION		0x84000000
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON_64		0xc4000003
#define PSCI_SYSTEM_OFF		0x84000008

/* Affinity fields of MPIDR_EL1: what PSCI CPU_ON takes as the target. */
u64 cpu_mpidr(void);

/* A raw PSCI call over the conduit the environment offers. */
long psci_call(u32 fn, u64 a1, u64 a2, u64 a3);

/*
 * Start another CPU of the cell at entry(arg) on a fresh stack of
 * stack_size bytes (0: 4 KiB) taken from the heap. Returns the PSCI result
 * (0 on success). The new CPU turns on the MMU with the caller's tables
 * (see inmate/mmu.h) before its first memory access, then gets the
 * exception vectors and, if the GIC is set up, its CPU interface before
 * entry runs.
 */
long cpu_start(u64 mpidr, void (*entry)(void *arg), void *arg,
	       size_t stack_size);

/*
 * cpu_start() in two steps, for code that starts the same CPU again and
 * again (a CPU that turned itself off): cpu_boot_prepare() takes the
 * stack from the heap once (NULL when the heap is exhausted), and
 * cpu_boot_start() issues the PSCI CPU_ON with it (PSCI result; -4
 * ALREADY_ON while the CPU runs). One block per CPU: a block must not be
 * started on two CPUs at once.
 */
struct cpu_boot;
struct cpu_boot *cpu_boot_prepare(void (*entry)(void *arg), void *arg,
				  size_t stack_size);
long cpu_boot_start(u64 mpidr, struct cpu_boot *boot);

/*
 * Start every other CPU of the cell: PSCI CPU_ON for the MPIDRs of the
 * caller's cluster (Aff0 0-15, the caller's Aff3-Aff1); the hypervisor
 * refuses those that are not the cell's (bare: that do not exist). Each
 * started CPU runs entry((void *)i), i = 1, 2, ... in start order, on a
 * stack of stack_size bytes (0: 4 KiB) from the heap, with the MMU on.
 * Their MPIDRs go to mpidrs[] (may be NULL), at most max CPUs are
 * started. Returns how many started, or -12 (ENOMEM).
 */
int cpu_start_others(void (*entry)(void *arg), size_t stack_size,
		     u64 *mpidrs, unsigned int max);

/* Mask interrupts and sleep forever. */
void __attribute__((noreturn)) halt(void);
/* PSCI CPU_OFF, falling back to halt(). */
void __attribute__((noreturn)) cpu_off(void);
/* PSCI SYSTEM_OFF (ends a bare QEMU run), falling back to halt(). */
void __attribute__((noreturn)) system_off(void);

/* Hint for spin loops (the arm64 yield instruction). */
void cpu_relax(void);

/* Which build target this image is: "cell" or "bare". */
const char *inmate_target(void);

#endif /* !_INMATE_CPU_H */
