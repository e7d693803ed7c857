// SPDX-License-Identifier: GPL-2.0-only
/*
 * printk: a small formatter (%d %i %u %x %X %p %s %c %%, with 0-padding,
 * width, l/ll/z) writing to the debug UART and the in-memory console.
 */
#include <core/printk.h>
#include <core/arch.h>
#include <core/string.h>
#include <jailhouse/header.h>
#include <asm/processor.h>
#include <asm/spinlock.h>

bool console_uart_ready;
static struct jailhouse_virt_console *ring;
static spinlock_t printk_lock;

void console_set_ring(struct jailhouse_virt_console *r)
{
	ring = r;
}

struct outbuf {
	char *buf;
	size_t size, len;
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct outbuf *o, unsigned long long v, unsigned int base,
		    bool upper, bool neg, int width, char pad, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg) {
		if (pad == '0') {
			put(o, '-');
			width--;
		} else {
			tmp[n++] = '-';
		}
	}
	if (left) {
		width -= n;
		while (n)
			put(o, tmp[--n]);
		while (width-- > 0)
			put(o, ' ');
		return;
	}
	while (width-- > n)
		put(o, pad);
	while (n)
		put(o, tmp[--n]);
}

int vsnprintk(char *buf, size_t size, const char *fmt, __builtin_va_list ap)
{
	struct outbuf o = { .buf = buf, .size = size, .len = 0 };
	unsigned long long uv;
	long long sv;
	const char *s;
	int width, lng, len;
	bool left;
	char pad;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		pad = ' ';
		width = 0;
		lng = 0;
		left = false;
		if (*fmt == '-') {
			left = true;
			fmt++;
		}
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			sv = lng ? __builtin_va_arg(ap, long long) :
				   __builtin_va_arg(ap, int);
			uv = sv < 0 ? -(unsigned long long)sv :
				     (unsigned long long)sv;
			put_num(&o, uv, 10, false, sv < 0, width, pad,
				left);
			break;
		case 'u':
		case 'x':
		case 'X':
			uv = lng ? __builtin_va_arg(ap, unsigned long long) :
				   __builtin_va_arg(ap, unsigned int);
			put_num(&o, uv, *fmt == 'u' ? 10 : 16, *fmt == 'X',
				false, width, pad, left);
			break;
		case 'p':
			uv = (uintptr_t)__builtin_va_arg(ap, void *);
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, uv, 16, false, false, width, pad, left);
			break;
		case 's':
			s = __builtin_va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			len = (int)strnlen(s, 1024);
			if (!left)
				while (width-- > len)
					put(&o, ' ');
			for (; *s; s++, width--)
				put(&o, *s);
			while (left && width-- > 0)
				put(&o, ' ');
			break;
		case 'c':
			put(&o, (char)__builtin_va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
	__builtin_va_list ap;
	int len;

	__builtin_va_start(ap, fmt);
	len = vsnprintk(buf, size, fmt, ap);
	__builtin_va_end(ap);
	return len;
}

static void ring_write(const char *s, size_t len)
{
	u32 tail;

	/*
	 * busy tells the driver's reader that a copy may be torn; tail is
	 * free running so that the reader can tell what it missed.
	 */
	WRITE_ONCE(ring->busy, 1);
	memory_barrier();
	tail = ring->tail;
	while (len--)
		ring->content[tail++ % JAILHOUSE_CONSOLE_SIZE] = *s++;
	memory_barrier();
	WRITE_ONCE(ring->tail, tail);
	memory_barrier();
	WRITE_ONCE(ring->busy, 0);
}

void printk(const char *fmt, ...)
{
	__builtin_va_list ap;
	char buf[256];
	int len, n;

	__builtin_va_start(ap, fmt);
	len = vsnprintk(buf, sizeof(buf), fmt, ap);
	__builtin_va_end(ap);
	if (len >= (int)sizeof(buf))
		len = sizeof(buf) - 1;

	spin_lock(&printk_lock);
	if (ring)
		ring_write(buf, len);
	if (console_uart_ready)
		for (n = 0; n < len; n++) {
			if (buf[n] == '\n')
				arch_dbg_putc('\r');
			arch_dbg_putc(buf[n]);
		}
	spin_unlock(&printk_lock);
}

