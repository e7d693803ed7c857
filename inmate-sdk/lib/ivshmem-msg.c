/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The demo message protocol of inmate/ivshmem.h: slots in output sections,
 * written and read with aligned 32-bit accesses (Device memory).
 */
#include <inmate/ivshmem.h>
#include <inmate/string.h>
#include <asm/io.h>

#define SLOT_WORD(slot, off) \
	(*(volatile u32 *)((volatile u8 *)(slot) + (off)))
#define SLOT_WORD_RO(slot, off) \
	(*(const volatile u32 *)((const volatile u8 *)(slot) + (off)))

void ivshmem_msg_put(volatile void *slot, u32 seq, u16 from, u16 kind,
		     const char *text, u32 len)
{
	u32 w, i, k;

	if (len > IVSHMEM_MSG_TEXT_MAX)
		len = IVSHMEM_MSG_TEXT_MAX;
	SLOT_WORD(slot, 0x00) = IVSHMEM_MSG_MAGIC;
	SLOT_WORD(slot, 0x08) = from | (u32)kind << 16;
	SLOT_WORD(slot, 0x0c) = len;
	for (i = 0; i < ALIGN_UP(len, 4); i += 4) {
		w = 0;
		for (k = 0; k < 4 && i + k < len; k++)
			w |= (u32)(u8)text[i + k] << (8 * k);
		SLOT_WORD(slot, 0x10 + i) = w;
	}
	dmb(sy);
	SLOT_WORD(slot, 0x04) = seq;
	dsb(sy);
}

int ivshmem_msg_get(const volatile void *slot, struct ivshmem_msg *msg)
{
	u32 w, i, k;

	msg->seq = SLOT_WORD_RO(slot, 0x04);
	dmb(sy);
	if (SLOT_WORD_RO(slot, 0x00) != IVSHMEM_MSG_MAGIC)
		return -1;
	w = SLOT_WORD_RO(slot, 0x08);
	msg->from = w & 0xffff;
	msg->kind = w >> 16;
	msg->len = SLOT_WORD_RO(slot, 0x0c);
	if (msg->len > IVSHMEM_MSG_TEXT_MAX)
		return -1;
	for (i = 0; i < ALIGN_UP(msg->len, 4); i += 4) {
		w = SLOT_WORD_RO(slot, 0x10 + i);
		for (k = 0; k < 4 && i + k < msg->len; k++)
			msg->text[i + k] = (char)(w >> (8 * k));
	}
	msg->text[msg->len] = 0;
	return 0;
}

u32 ivshmem_msg_pong_text(char *buf, const char *text, u32 len)
{
	static const char prefix[] = "pong ";
	u32 n = sizeof(prefix) - 1;

	memcpy(buf, prefix, n);
	if (len > IVSHMEM_MSG_TEXT_MAX - n)
		len = IVSHMEM_MSG_TEXT_MAX - n;
	memcpy(buf + n, text, len);
	buf[n + len] = 0;
	return n + len;
}
