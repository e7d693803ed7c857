/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Command line parameters (inmate/cmdline.h). The default buffer is weak
 * and sits in .cmdline.default, which the linker script puts after
 * .cmdline: an inmate's CMDLINE_BUFFER() then lands exactly at image
 * offset 0x1000 and takes over the name.
 */
#include <inmate/cmdline.h>
#include <inmate/string.h>

char cmdline[CMDLINE_DEFAULT_SIZE]
	__attribute__((weak, section(".cmdline.default"), used));
__attribute__((weak)) const unsigned long cmdline_size =
	CMDLINE_DEFAULT_SIZE;

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Finds `param` and returns the start of its value (after '='), or the
 * end of the bare name; *len is the value's length, *bare tells a bare
 * name. NULL if absent.
 */
static const char *find_param(const char *param, unsigned long *len,
			      bool *bare)
{
	unsigned long name_len = strlen(param), n = 0, start, k;
	/* the buffer need not hold a NUL if the loader filled it up */
	/*
	 * Read through a volatile access: gcc folds the weak default's
	 * value (256) into the code otherwise, and CMDLINE_BUFFER()'s own
	 * size would never be seen.
	 */
	unsigned long limit =
		strnlen(cmdline, *(const volatile unsigned long *)&cmdline_size);

	if (name_len && param[name_len - 1] == '=')
		name_len--;
	if (!name_len)
		return NULL;
	while (n < limit) {
		while (n < limit && blank(cmdline[n]))
			n++;
		start = n;
		while (n < limit && !blank(cmdline[n]))
			n++;
		if (n - start < name_len ||
		    strncmp(&cmdline[start], param, name_len))
			continue;
		k = start + name_len;
		if (k == n) {
			*bare = true;
			*len = 0;
			return &cmdline[k];
		}
		if (cmdline[k] == '=') {
			*bare = false;
			*len = n - k - 1;
			return &cmdline[k + 1];
		}
	}
	return NULL;
}

const char *cmdline_parse_str(const char *param, char *buf,
			      unsigned long size, const char *def)
{
	unsigned long len;
	const char *value;
	bool bare;

	value = find_param(param, &len, &bare);
	if (!value) {
		if (!def)
			return NULL;
		value = def;
		len = strlen(def);
	}
	if (size == 0)
		return buf;
	if (len > size - 1)
		len = size - 1;
	memcpy(buf, value, len);
	buf[len] = 0;
	return buf;
}

long long cmdline_parse_int(const char *param, long long def)
{
	unsigned long long v = 0, digit, base = 10;
	unsigned long len, n = 0;
	const char *value;
	bool bare, neg = false;

	value = find_param(param, &len, &bare);
	if (!value || bare)
		return def;
	if (n < len && (value[n] == '-' || value[n] == '+'))
		neg = value[n++] == '-';
	if (n + 1 < len && value[n] == '0' &&
	    (value[n + 1] == 'x' || value[n + 1] == 'X')) {
		base = 16;
		n += 2;
	}
	if (n >= len)
		return def;
	for (; n < len; n++) {
		char c = value[n];

		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else
			return def;
		if (digit >= base)
			return def;
		v = v * base + digit;
	}
	return neg ? -(long long)v : (long long)v;
}

static bool word_is(const char *value, unsigned long len, const char *word)
{
	return strlen(word) == len && !strncasecmp(value, word, len);
}

bool cmdline_parse_bool(const char *param, bool def)
{
	unsigned long len;
	const char *value;
	bool bare;

	value = find_param(param, &len, &bare);
	if (!value)
		return def;
	if (bare || word_is(value, len, "1") || word_is(value, len, "true") ||
	    word_is(value, len, "yes") || word_is(value, len, "on"))
		return true;
	if (word_is(value, len, "0") || word_is(value, len, "false") ||
	    word_is(value, len, "no") || word_is(value, len, "off"))
		return false;
	return def;
}
