/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Compatibility layer: the inmate API of upstream Jailhouse's inmates/lib
 * (arm64), for sources written against it. A project selects it with
 * "api": "upstream" in its inmate.json; its sources then see this folder
 * instead of the SDK's own headers, and the build adds the layer's
 * library (lib/upstream/) on top of the SDK. Which upstream calls exist
 * and how they map onto the SDK: inmate-sdk/README.md, "Upstream inmate
 * API".
 *
 * This header stands alone (it includes no SDK header): upstream's types
 * differ from the SDK's (u64 is unsigned long long here, as upstream has
 * it, uint64_t in the SDK), so the two never meet in one translation
 * unit. Calls whose upstream signature or meaning differs from the SDK
 * function of the same name go to a wrapper in lib/upstream/ through an
 * assembler name (__upstream_*); the rest are the SDK's functions.
 *
 * Differences in behaviour from upstream, by design:
 *  - inmate_main() starts with IRQs and FIQs unmasked (upstream's entry
 *    does the same), with the SDK's set-up done before: MMU and caches on
 *    with the SDK's map, GICv3 CPU interface up, the console picked.
 *  - GICv3 only (the SDK has no GICv2); irq_init() says so and stops.
 *  - Timer ticks come from the virtual counter (the virtual timer's own).
 */
#ifndef _UPSTREAM_INMATE_H
#define _UPSTREAM_INMATE_H

#define UPSTREAM_INMATE_API	1

#ifndef CONFIG_INMATE_BASE
#define CONFIG_INMATE_BASE	0x0
#endif

#define COMM_REGION_BASE	0x80000000
#define PAGE_SIZE		(4 * 1024ULL)

#define NS_PER_USEC		1000ULL
#define NS_PER_MSEC		1000000ULL
#define NS_PER_SEC		1000000000ULL

#ifndef __ASSEMBLY__

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef signed char s8;
typedef unsigned char u8;
typedef signed short s16;
typedef unsigned short u16;
typedef signed int s32;
typedef unsigned int u32;
typedef signed long long s64;
typedef unsigned long long u64;

typedef s8 __s8;
typedef u8 __u8;
typedef s16 __s16;
typedef u16 __u16;
typedef s32 __s32;
typedef u32 __u32;
typedef s64 __s64;
typedef u64 __u64;

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

/* ---- barriers, CPU ---- */

#define dmb(domain)	asm volatile("dmb " #domain ::: "memory")
#define dsb(domain)	asm volatile("dsb " #domain ::: "memory")

static inline void cpu_relax(void)
{
	/* the yield hint: QEMU -icount runs vCPUs round-robin on one thread */
	asm volatile("yield" : : : "memory");
}

static inline void memory_barrier(void)
{
	dmb(ish);
}

static inline void synchronization_barrier(void)
{
	dsb(ish);
}

static inline void instruction_barrier(void)
{
	asm volatile("isb" : : : "memory");
}

/* PSTATE.I and F, as upstream's arm64 helpers. */
static inline void enable_irqs(void)
{
	asm volatile("msr daifclr, #3" : : : "memory");
}

static inline void disable_irqs(void)
{
	asm volatile("msr daifset, #3" : : : "memory");
}

/*
 * Sleep forever. With interrupts unmasked they are still served (as
 * upstream's WFI loop); with them masked the CPU goes quiet for good.
 */
void __attribute__((noreturn)) halt(void) __asm__("__upstream_halt");
/* Mask interrupts and sleep forever. */
void __attribute__((noreturn)) stop(void) __asm__("__upstream_stop");

/* ---- MMIO: one access of the given width, a plain pointer ---- */

#define __UPSTREAM_MMIO(bits, type, reg)				\
static inline type mmio_read##bits(void *address)			\
{									\
	type v;								\
	asm volatile("ldr" #reg " %w0, [%1]"				\
		     : "=r"(v) : "r"(address) : "memory");		\
	return v;							\
}									\
static inline void mmio_write##bits(void *address, type value)	\
{									\
	asm volatile("str" #reg " %w0, [%1]"				\
		     : : "rZ"(value), "r"(address) : "memory");	\
}
__UPSTREAM_MMIO(8, u8, b)
__UPSTREAM_MMIO(16, u16, h)
__UPSTREAM_MMIO(32, u32, )
#undef __UPSTREAM_MMIO

static inline u64 mmio_read64(void *address)
{
	u64 v;

	asm volatile("ldr %x0, [%1]" : "=r"(v) : "r"(address) : "memory");
	return v;
}

static inline void mmio_write64(void *address, u64 value)
{
	asm volatile("str %x0, [%1]" : : "rZ"(value), "r"(address) : "memory");
}

/* ---- the comm region and hypercalls ---- */

#define JAILHOUSE_HC_DISABLE			0
#define JAILHOUSE_HC_CELL_CREATE		1
#define JAILHOUSE_HC_CELL_START			2
#define JAILHOUSE_HC_CELL_SET_LOADABLE		3
#define JAILHOUSE_HC_CELL_DESTROY		4
#define JAILHOUSE_HC_HYPERVISOR_GET_INFO	5
#define JAILHOUSE_HC_CELL_GET_STATE		6
#define JAILHOUSE_HC_CPU_GET_INFO		7
#define JAILHOUSE_HC_DEBUG_CONSOLE_PUTC		8

#define JAILHOUSE_MSG_NONE			0
#define JAILHOUSE_MSG_SHUTDOWN_REQUEST		1
#define JAILHOUSE_MSG_RECONFIG_COMPLETED	2
#define JAILHOUSE_MSG_UNKNOWN			1
#define JAILHOUSE_MSG_REQUEST_DENIED		2
#define JAILHOUSE_MSG_REQUEST_APPROVED		3
#define JAILHOUSE_MSG_RECEIVED			4

#define JAILHOUSE_CELL_RUNNING			0
#define JAILHOUSE_CELL_RUNNING_LOCKED		1
#define JAILHOUSE_CELL_SHUT_DOWN		2
#define JAILHOUSE_CELL_FAILED			3
#define JAILHOUSE_CELL_FAILED_COMM_REV		4

#define JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED	0x0001
#define JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE	0x0002

#define COMM_REGION_ABI_REVISION		2
#define COMM_REGION_MAGIC			"JHCOMM"

struct jailhouse_console {
	u64 address;
	u32 size;
	u16 type;
	u16 flags;
	u32 divider;
	u32 gate_nr;
	u64 clock_reg;
} __attribute__((packed));

/* ABI revision 2, arm64. */
struct jailhouse_comm_region {
	char signature[6];
	u16 revision;
	volatile u32 cell_state;
	volatile u32 msg_to_cell;
	volatile u32 reply_from_cell;
	u32 flags;
	struct jailhouse_console console;
	u64 pci_mmconfig_base;
	u8 gic_version;
	u8 padding[7];
	u64 gicd_base;
	u64 gicc_base;
	u64 gicr_base;
	u32 vpci_irq_base;
} __attribute__((packed));

/* The cell's comm region (cell target; the bare target has none). */
#define comm_region	((struct jailhouse_comm_region *)COMM_REGION_BASE)

static inline u64 jailhouse_call_arg2(u64 num, u64 arg1, u64 arg2)
{
	register u64 x0 asm("x0") = num;
	register u64 x1 asm("x1") = arg1;
	register u64 x2 asm("x2") = arg2;

	asm volatile("hvc #0x4a48"
		     : "+r"(x0) : "r"(x1), "r"(x2) : "memory", "x3");
	return x0;
}

static inline u64 jailhouse_call_arg1(u64 num, u64 arg1)
{
	return jailhouse_call_arg2(num, arg1, 0);
}

static inline u64 jailhouse_call(u64 num)
{
	return jailhouse_call_arg2(num, 0, 0);
}

/* The cell's side of the message protocol: clear the message, then reply. */
static inline void
jailhouse_send_reply_from_cell(struct jailhouse_comm_region *region,
			       u32 reply)
{
	region->msg_to_cell = JAILHOUSE_MSG_NONE;
	dmb(ishst);
	region->reply_from_cell = reply;
}

/* ---- console, memory, strings ---- */

void __attribute__((format(printf, 1, 2))) printk(const char *fmt, ...)
	__asm__("__upstream_printk");

void *alloc(unsigned long size, unsigned long align);
void *zalloc(unsigned long size, unsigned long align);

void *memset(void *s, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
int memcmp(const void *s1, const void *s2, unsigned long n);
unsigned long strlen(const char *s);
int strncmp(const char *s1, const char *s2, unsigned long n);
int strcmp(const char *s1, const char *s2);
int strncasecmp(const char *s1, const char *s2, unsigned long n);

/*
 * Identity-map a range (2 MiB blocks). MAP_CACHED: Normal write-back,
 * executable; MAP_UNCACHED: Device memory, as upstream maps it (for
 * MMIO). A failure is reported on the console and stops the CPU.
 */
enum map_type { MAP_CACHED, MAP_UNCACHED };

void map_range(void *start, unsigned long size, enum map_type map_type)
	__asm__("__upstream_map_range");

/* ---- command line ---- */

/* The buffer at image offset 0x1000, 256 bytes unless CMDLINE_BUFFER(). */
extern const char cmdline[];
extern const char stack_top[];

#define CMDLINE_BUFFER(size)						\
	const char cmdline[size]					\
		__attribute__((section(".cmdline"), used));		\
	const unsigned long cmdline_size = (size)

const char *cmdline_parse_str(const char *param, char *value_buffer,
			      unsigned long buffer_size,
			      const char *default_value);
long long cmdline_parse_int(const char *param, long long default_value);
bool cmdline_parse_bool(const char *param, bool default_value);

/* ---- interrupts (GICv3) ---- */

typedef void (*irq_handler_t)(unsigned int);

/* Every interrupt goes to handler (its INTID as the argument). */
void irq_init(irq_handler_t handler) __asm__("__upstream_irq_init");
void irq_enable(unsigned int irq) __asm__("__upstream_irq_enable");

/* ---- timer: the virtual timer, PPI 27 ---- */

unsigned long timer_get_frequency(void);
u64 timer_get_ticks(void) __asm__("__upstream_timer_get_ticks");
u64 timer_ticks_to_ns(u64 ticks) __asm__("__upstream_timer_ticks_to_ns");
/* One-shot interrupt `timeout` ticks from now (CNTV_TVAL). */
void timer_start(u64 timeout) __asm__("__upstream_timer_start");
/*
 * Busy-waits with interrupts as they are; sleeps in WFI (which lets
 * QEMU -icount skip ahead) while the virtual timer is not armed.
 */
void delay_us(unsigned long microsecs) __asm__("__upstream_delay_us");

/* ---- PCI ---- */

#define PCI_CFG_VENDOR_ID	0x000
#define PCI_CFG_DEVICE_ID	0x002
#define PCI_CFG_COMMAND		0x004
# define PCI_CMD_IO		(1 << 0)
# define PCI_CMD_MEM		(1 << 1)
# define PCI_CMD_MASTER		(1 << 2)
# define PCI_CMD_INTX_OFF	(1 << 10)
#define PCI_CFG_STATUS		0x006
# define PCI_STS_INT		(1 << 3)
# define PCI_STS_CAPS		(1 << 4)
#define PCI_CFG_BAR		0x010
# define PCI_BAR_64BIT		0x4
#define PCI_CFG_CAP_PTR		0x034

#define PCI_ID_ANY		0xffff
#define PCI_DEV_CLASS_OTHER	0xff

#define PCI_CAP_MSI		0x05
#define PCI_CAP_VENDOR		0x09
#define PCI_CAP_MSIX		0x11

#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_CTRL_FMASK		0x4000

/* The ECAM window of the comm region, bus 0 (mapped at start-up). */
void pci_init(void) __asm__("__upstream_pci_init");
u32 pci_read_config(u16 bdf, unsigned int addr, unsigned int size);
void pci_write_config(u16 bdf, unsigned int addr, u32 value,
		      unsigned int size);
/* BDF of the first match at or after start_bdf, or -1. */
int pci_find_device(u16 vendor, u16 device, u16 start_bdf)
	__asm__("__upstream_pci_find_device");
/* Config space offset of capability `cap`, or -1. */
int pci_find_cap(u16 bdf, u16 cap) __asm__("__upstream_pci_find_cap");
/*
 * A cell on arm64 has no MSI or MSI-X target (no ITS, no GICv2m): both
 * report that on the console and stop, where upstream crashes.
 */
void pci_msi_set_vector(u16 bdf, unsigned int vector)
	__asm__("__upstream_pci_msi_set_vector");
void pci_msix_set_vector(u16 bdf, unsigned int vector, u32 index)
	__asm__("__upstream_pci_msix_set_vector");

/* ---- entry ---- */

/* You write it; the layer's own inmate_main() calls it. */
void inmate_main(void) __asm__("__upstream_inmate_main");

#endif /* !__ASSEMBLY__ */

#endif /* !_UPSTREAM_INMATE_H */
