/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * printk and snprintf on one formatter that emits characters through a
 * sink, so that console output needs no buffer (an exception report must
 * print even when the stack is nearly exhausted).
 */
#include <inmate/printk.h>
#include <inmate/string.h>

struct sink {
	void (*put)(struct sink *s, char c);
	char *buf;
	size_t size;
	size_t count;	/* characters produced so far */
};

struct spec {
	bool left;
	bool zero;
	int width;
	int prec;	/* -1: none */
};

static void emit(struct sink *s, char c)
{
	s->put(s, c);
	s->count++;
}

static void pad(struct sink *s, char c, int n)
{
	while (n-- > 0)
		emit(s, c);
}

static void put_string(struct sink *s, const struct spec *sp, const char *str)
{
	int len;

	if (!str)
		str = "(null)";
	len = (int)strnlen(str, sp->prec < 0 ? (size_t)-1 : (size_t)sp->prec);
	if (!sp->left)
		pad(s, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		emit(s, str[i]);
	if (sp->left)
		pad(s, ' ', sp->width - len);
}

/*
 * One integer with C semantics: the precision is the minimum number of
 * digits (and disables '0' padding), a zero value with precision 0 prints
 * no digits, '-' beats '0'.
 */
static void put_number(struct sink *s, const struct spec *sp,
		       unsigned long long val, bool negative,
		       unsigned int base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int len = 0, ndigits, plen = prefix ? (int)strlen(prefix) : 0, total;

	if (negative)
		plen = 1;
	if (!(val == 0 && sp->prec == 0)) {
		do {
			tmp[len++] = digits[val % base];
			val /= base;
		} while (val);
	}
	ndigits = len > sp->prec ? len : sp->prec;
	total = plen + ndigits;

	if (!sp->left && !(sp->zero && sp->prec < 0))
		pad(s, ' ', sp->width - total);
	if (negative)
		emit(s, '-');
	else
		for (int i = 0; i < plen; i++)
			emit(s, prefix[i]);
	if (!sp->left && sp->zero && sp->prec < 0)
		pad(s, '0', sp->width - total);
	pad(s, '0', ndigits - len);
	while (len)
		emit(s, tmp[--len]);
	if (sp->left)
		pad(s, ' ', sp->width - total);
}

static int parse_int(const char **fmt)
{
	int v = 0;

	while (**fmt >= '0' && **fmt <= '9')
		v = v * 10 + (*(*fmt)++ - '0');
	return v;
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	while (*fmt) {
		struct spec sp = { .prec = -1 };
		const char *start = fmt;
		int lng = 0;	/* -2 hh, -1 h, 0 int, 1 l, 2 ll, 3 size_t */
		unsigned long long u;
		long long v;
		char c;

		if (*fmt != '%') {
			emit(s, *fmt++);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			sp.width = parse_int(&fmt);
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1;
				fmt++;
			} else {
				sp.prec = parse_int(&fmt);
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				lng = lng >= 1 ? 2 : 1;
			else if (*fmt == 'h')
				lng = lng <= -1 ? -2 : -1;
			else if (*fmt == 'z')
				lng = 3;
			else
				break;
		}

		switch ((c = *fmt)) {
		case 'd':
		case 'i':
			if (lng == 2)
				v = va_arg(ap, long long);
			else if (lng == 1 || lng == 3)
				v = va_arg(ap, long);
			else
				v = va_arg(ap, int);
			if (lng == -1)
				v = (short)v;
			else if (lng == -2)
				v = (signed char)v;
			/* Negate in unsigned arithmetic: LLONG_MIN has no positive twin. */
			u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
			put_number(s, &sp, u, v < 0, 10, false, NULL);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lng == 2)
				u = va_arg(ap, unsigned long long);
			else if (lng == 1 || lng == 3)
				u = va_arg(ap, unsigned long);
			else
				u = va_arg(ap, unsigned int);
			if (lng == -1)
				u = (unsigned short)u;
			else if (lng == -2)
				u = (unsigned char)u;
			put_number(s, &sp, u, false,
				   c == 'u' ? 10 : c == 'o' ? 8 : 16,
				   c == 'X', NULL);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			put_number(s, &sp, u, false, 16, false, "0x");
			break;
		case 'c':
			/* %c prints its character even when it is NUL. */
			if (!sp.left)
				pad(s, ' ', sp.width - 1);
			emit(s, (char)va_arg(ap, int));
			if (sp.left)
				pad(s, ' ', sp.width - 1);
			break;
		case 's':
			put_string(s, &sp, va_arg(ap, const char *));
			break;
		case '%':
			emit(s, '%');
			break;
		default:
			/* Unknown or truncated: show it verbatim, it is a bug to see. */
			while (start < fmt)
				emit(s, *start++);
			if (!c)
				return;
			emit(s, c);
			break;
		}
		fmt++;
	}
}

static void buf_put(struct sink *s, char c)
{
	if (s->size && s->count < s->size - 1)
		s->buf[s->count] = c;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .put = buf_put, .buf = buf, .size = size };

	format(&s, fmt, ap);
	if (size)
		buf[s.count < size ? s.count : size - 1] = '\0';
	return (int)s.count;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void console_sink_put(struct sink *s, char c)
{
	(void)s;
	console_putc(c);
}

int vprintk(const char *fmt, va_list ap)
{
	struct sink s = { .put = console_sink_put };

	format(&s, fmt, ap);
	return (int)s.count;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
