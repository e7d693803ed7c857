/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ivshmem v2 devices: shared memory and doorbell interrupts between the
 * cells of a link, emulated by Jailhouse on the virtual PCI bus.
 *
 * The link's memory is one block from the base address the vendor
 * capability reports: the state table (a u32 state per peer, read-only),
 * the R/W section (shared), then one output section per peer (writable by
 * its peer only). The registers live in BAR0, which the inmate programs
 * itself (ivshmem_enable): ID, maximum peers, interrupt control, doorbell
 * (target peer << 16 | vector), state.
 *
 * ivshmem_probe() and ivshmem_enable() map the link's memory Normal
 * cacheable (the root cell maps it so: the views are coherent) and BAR0
 * Device (see inmate/mmu.h). The message helpers access the sections with
 * aligned 32-bit accesses, which also works with the MMU off.
 */
#ifndef _INMATE_IVSHMEM_H
#define _INMATE_IVSHMEM_H

#include <inmate/types.h>
#include <inmate/irq.h>

#define IVSHMEM_VENDOR_ID	0x110a
#define IVSHMEM_DEVICE_ID	0x4106
#define IVSHMEM_CLASS		0xff

/* vendor capability, offsets from its start */
#define IVSHMEM_CAP_LENGTH	0x02
#define IVSHMEM_CAP_PRIV_CTRL	0x03
#define  IVSHMEM_PRIV_ONESHOT	(1 << 0)
#define IVSHMEM_CAP_STATE_SIZE	0x04
#define IVSHMEM_CAP_RW_SIZE	0x08
#define IVSHMEM_CAP_OUT_SIZE	0x10
#define IVSHMEM_CAP_ADDR	0x18

/* BAR0 registers */
#define IVSHMEM_REG_ID		0x00
#define IVSHMEM_REG_MAX_PEERS	0x04
#define IVSHMEM_REG_INT_CTRL	0x08
#define  IVSHMEM_INT_ENABLE	(1 << 0)
#define IVSHMEM_REG_DOORBELL	0x0c
#define IVSHMEM_REG_STATE	0x10

/* BAR0 address the demos use: above the RAM and devices of every cell */
#define IVSHMEM_DEFAULT_BAR0	0xff000000UL
/* The register BAR's size (the reference configs' BAR mask 0xfffff000). */
#define IVSHMEM_BAR0_SIZE	0x1000UL

/* Where the sections of a link are, from the vendor capability. */
struct ivshmem_layout {
	u64 base;		/* the state table */
	u32 state_size;
	u64 rw_size;
	u64 out_size;
};

static inline u64 ivshmem_rw_addr(const struct ivshmem_layout *l)
{
	return l->base + l->state_size;
}

static inline u64 ivshmem_out_addr(const struct ivshmem_layout *l,
				   unsigned int peer)
{
	return l->base + l->state_size + l->rw_size + peer * l->out_size;
}

struct ivshmem_dev {
	u16 bdf;
	u16 protocol;		/* class code bits 8-23 */
	unsigned int pin;	/* 1 = INTA */
	unsigned int irq;	/* GIC INTID of its INTx, 0 if unknown */
	uintptr_t regs;		/* BAR0, once enabled */
	unsigned int id;
	unsigned int peers;
	struct ivshmem_layout layout;
	volatile u32 *state_table;
};

/*
 * Find the next ivshmem device at or after BDF `start` and read its
 * capability; fills `dev` and returns its BDF, or -1.
 */
int ivshmem_probe(struct ivshmem_dev *dev, int start);

/*
 * Put BAR0 at `bar0` (4 KiB aligned, outside the cell's memory and the
 * ECAM window), enable memory decoding and read the peer id and count.
 * 0, or -1 when the registers do not answer.
 */
int ivshmem_enable(struct ivshmem_dev *dev, uintptr_t bar0);

u32 ivshmem_read_reg(const struct ivshmem_dev *dev, unsigned int reg);
void ivshmem_write_reg(const struct ivshmem_dev *dev, unsigned int reg,
		       u32 value);

/* Own state: the hypervisor copies it to the state table, peers get an IRQ. */
void ivshmem_set_state(const struct ivshmem_dev *dev, u32 state);
/* A peer's state from the state table (0: absent). */
u32 ivshmem_peer_state(const struct ivshmem_dev *dev, unsigned int peer);
/* Ring a peer's doorbell (vector 0 with INTx). */
void ivshmem_doorbell(const struct ivshmem_dev *dev, unsigned int peer,
		      unsigned int vector);

/* Start of a peer's output section (own one writable, others read-only). */
volatile void *ivshmem_output(const struct ivshmem_dev *dev,
			      unsigned int peer);
volatile void *ivshmem_rw(const struct ivshmem_dev *dev);

/*
 * Deliver the device's INTx (INTID 32 + the comm region's vpci_irq_base +
 * pin - 1) to `handler`: sets the handler, enables the GIC interrupt,
 * clears INTx-disable in the command register and enables interrupts in
 * the device. The caller unmasks the CPU (irqs_enable). -1 without an
 * INTID (no comm region, or an MSI-X device).
 */
int ivshmem_irq_enable(struct ivshmem_dev *dev, irq_handler_t handler);
void ivshmem_irq_disable(struct ivshmem_dev *dev);

/*
 * The demo message protocol, shared with `jailhouse ivshmem ping` in the
 * root: peer A writes a message for peer B into slot B of A's own output
 * section (IVSHMEM_MSG_SLOT_SIZE bytes at offset B * 256) and rings B's
 * doorbell; B reads it from A's output section and answers in slot A of
 * its own. Little endian, 32-bit words:
 *
 *	0x00 magic 0x4d445649 ("IVDM")
 *	0x04 seq   sequence number; a pong carries the seq of its ping
 *	0x08 from (bits 0-15) | kind << 16 (1 ping, 2 pong)
 *	0x0c len   bytes of text, at most 240
 *	0x10 text  (NUL padded to a whole word)
 *
 * The writer stores seq last (after a barrier): a slot whose seq changed
 * is complete. The answer to a ping with text T is a pong with text
 * "pong " T (cut at 240 bytes).
 */
#define IVSHMEM_MSG_MAGIC	0x4d445649
#define IVSHMEM_MSG_SLOT_SIZE	256
#define IVSHMEM_MSG_TEXT_MAX	240
#define IVSHMEM_MSG_PING	1
#define IVSHMEM_MSG_PONG	2

struct ivshmem_msg {
	u32 seq;
	u16 from;
	u16 kind;
	u32 len;
	char text[IVSHMEM_MSG_TEXT_MAX + 1];	/* NUL terminated copy */
};

static inline volatile void *ivshmem_msg_slot(volatile void *out_section,
					      unsigned int target)
{
	return (volatile u8 *)out_section + target * IVSHMEM_MSG_SLOT_SIZE;
}

/* Write a message into a slot (seq last). */
void ivshmem_msg_put(volatile void *slot, u32 seq, u16 from, u16 kind,
		     const char *text, u32 len);
/* Read a slot: 0 and `msg` filled, or -1 (no magic, bad length). */
int ivshmem_msg_get(const volatile void *slot, struct ivshmem_msg *msg);
/* The reply text for a ping's text into buf (241 bytes); its length. */
u32 ivshmem_msg_pong_text(char *buf, const char *text, u32 len);

#endif /* !_INMATE_IVSHMEM_H */
