/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack inmate (isolation tests): PSCI and SMCCC calls with foreign and
 * wild targets, each checked against the answer the hypervisor must give,
 * then 10,000 random hypercalls (HVC #0x4a48, any code and arguments) and
 * 10,000 random SMCs of the standard and arch ranges with random
 * arguments. Last it locks itself running (RUNNING_LOCKED), denies every
 * shutdown request and counts, so that the test can check that the root
 * cannot switch the machine off under it. Runs on one CPU; prints "calls-attack: N wrong answers".
 */
#include <inmate.h>

#define HVC_IMM			"0x4a48"
#define PSCI_CPU_SUSPEND_64	0xc4000001
#define PSCI_AFFINITY_INFO_64	0xc4000004
#define PSCI_MIGRATE_INFO_TYPE	0x84000006
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_FEATURES		0x8400000a
#define SMCCC_ARCH_FEATURES	0x80000001

#define PSCI_NOT_SUPPORTED	-1
#define PSCI_INVALID_PARAMS	-2
#define PSCI_DENIED		-3
#define PSCI_ALREADY_ON		-4

static unsigned int wrong;
static volatile bool locked;
static u64 rnd_state = 0x4a61696c686f7573ULL;

static u64 rnd(void)
{
	/* xorshift64: the same sequence every run */
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static long hvc(u64 code, u64 a1, u64 a2)
{
	register u64 x0 __asm__("x0") = code;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;

	__asm__ __volatile__("hvc #" HVC_IMM : "+r"(x0), "+r"(x1), "+r"(x2)
			     : : "x3", "memory");
	return (long)x0;
}

static void expect(const char *what, long got, long want)
{
	if (got == want)
		return;
	wrong++;
	printk("calls-attack: WRONG %s: %ld, expected %ld\n", what, got,
	       want);
}

static void fixed_calls(void)
{
	u64 me = cpu_mpidr();

	expect("CPU_ON of root CPU 0",
	       psci_call(PSCI_CPU_ON_64, 0, 0, 0), PSCI_DENIED);
	expect("CPU_ON of root CPU 1",
	       psci_call(PSCI_CPU_ON_64, 1, 0, 0), PSCI_DENIED);
	expect("CPU_ON of a wild MPIDR",
	       psci_call(PSCI_CPU_ON_64, 0xff00ffffffULL, 0, 0), PSCI_DENIED);
	expect("CPU_ON of itself",
	       psci_call(PSCI_CPU_ON_64, me, 0, 0), PSCI_ALREADY_ON);
	expect("AFFINITY_INFO of root CPU 0",
	       psci_call(PSCI_AFFINITY_INFO_64, 0, 0, 0),
	       PSCI_INVALID_PARAMS);
	expect("AFFINITY_INFO of itself",
	       psci_call(PSCI_AFFINITY_INFO_64, me, 0, 0), 0);
	expect("SYSTEM_OFF", psci_call(PSCI_SYSTEM_OFF, 0, 0, 0),
	       PSCI_NOT_SUPPORTED);
	expect("SYSTEM_RESET", psci_call(PSCI_SYSTEM_RESET, 0, 0, 0),
	       PSCI_NOT_SUPPORTED);
	expect("MIGRATE_INFO_TYPE",
	       psci_call(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
	expect("an unknown arch call",
	       psci_call(0x80001234, 1, 2, 3), PSCI_NOT_SUPPORTED);
	expect("ARCH_FEATURES of an unknown arch call",
	       psci_call(SMCCC_ARCH_FEATURES, 0x80001234, 0, 0),
	       PSCI_NOT_SUPPORTED);
	expect("an unknown standard call",
	       psci_call(0x84000050, 0, 0, 0), PSCI_NOT_SUPPORTED);
	/* management hypercalls are the root's */
	expect("hypercall CELL_CREATE", hvc(1, 0, 0), -1);
	expect("hypercall CELL_DESTROY of the root", hvc(4, 0, 0), -1);
	expect("hypercall CELL_DESTROY of cell 1", hvc(4, 1, 0), -1);
	expect("hypercall DISABLE", hvc(0, 0, 0), -1);
	expect("CPU_GET_INFO of root CPU 0", hvc(7, 0, 0), -1);
}

static bool smc_is_safe(u32 fn)
{
	/* calls that would stop this CPU on purpose are not random fuzz */
	return fn != PSCI_CPU_OFF && fn != 0x84000001 &&
		fn != PSCI_CPU_SUSPEND_64;
}

static void fuzz(void)
{
	unsigned int n, hvcs = 0, smcs = 0;
	u64 code, fn;

	for (n = 0; n < 10000; n++) {
		code = rnd() % 16;
		/* 8 is the console: keep the log readable */
		if (code == 8)
			code = 9;
		hvc(code, rnd(), rnd());
		hvcs++;
	}
	for (n = 0; n < 10000; n++) {
		fn = rnd();
		/* standard (owner 4) or arch (owner 0), fast, 32 or 64 bit */
		fn = 0x80000000 | (fn & 0x40000000) |
			((fn & 1) ? 0x04000000 : 0) | ((fn >> 8) & 0xffff);
		if (!smc_is_safe(fn))
			continue;
		psci_call(fn, rnd(), rnd(), rnd());
		smcs++;
	}
	printk("calls-attack: %u random hypercalls, %u random SMCs done\n",
	       hvcs, smcs);
}

/* a locked cell refuses to be shut down (comm region message) */
bool inmate_shutdown_request(void)
{
	return !locked;
}

void inmate_main(void)
{
	unsigned long count = 0;

	fixed_calls();
	fuzz();
	fixed_calls();
	printk("calls-attack: %u wrong answers\n", wrong);
	locked = true;
	comm_set_state(JAILHOUSE_CELL_RUNNING_LOCKED);
	printk("calls-attack: locked\n");
	for (;;) {
		delay_ms(200);
		comm_heartbeat();
		printk("calls-attack: alive %lu\n", ++count);
	}
}
