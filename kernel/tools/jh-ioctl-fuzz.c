// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test tool (isolation tests): N random ioctls on /dev/jailhouse, the
 * hostile root's user space. Commands are the driver's (but DISABLE,
 * which would end the test), their neighbours and random ones; arguments
 * are NULL, unmapped, kernel addresses, or buffers of random bytes whose
 * embedded addresses and sizes point anywhere. Prints how many calls
 * failed with which errno class and exits 0 if the process survived.
 *   jh-ioctl-fuzz <count> <seed>
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static uint64_t state;

static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static unsigned long cmd_for(uint64_t r)
{
	/* _IOW(0, nr, size) with the driver's numbers and sizes, or not */
	static const unsigned long known[] = {
		0x40080000,	/* ENABLE */
		0x40100002,	/* CELL_CREATE */
		0x40300003,	/* CELL_LOAD (as the tools use it) */
		0x40280004,	/* CELL_START */
		0x40280005,	/* CELL_DESTROY */
	};

	switch (r % 4) {
	case 0:
	case 1:
		return known[(r >> 8) % 5];
	case 2:
		return known[(r >> 8) % 5] ^ (1UL << ((r >> 16) % 30));
	default:
		return (unsigned long)(r >> 32);
	}
}

int main(int argc, char **argv)
{
	unsigned long n, total, ok = 0, efault = 0, einval = 0, other = 0;
	uint64_t *buf;
	void *arg;
	int fd, i;

	if (argc != 3) {
		fprintf(stderr, "usage: jh-ioctl-fuzz <count> <seed>\n");
		return 2;
	}
	total = strtoul(argv[1], NULL, 0);
	state = strtoull(argv[2], NULL, 0) | 1;
	fd = open("/dev/jailhouse", O_RDWR);
	if (fd < 0) {
		perror("/dev/jailhouse");
		return 1;
	}
	buf = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	/* the second page is a hole: structures that run into it fault */
	munmap((char *)buf + 4096, 4096);

	for (n = 0; n < total; n++) {
		uint64_t r = rnd();
		unsigned long cmd = cmd_for(r);

		if ((cmd & 0xff) == 1 && ((cmd >> 8) & 0xff) == 0)
			continue;	/* DISABLE */
		for (i = 0; i < 512; i++)
			buf[i] = rnd();
		/* embedded pointers and sizes: small, huge, unmapped, kernel */
		buf[0] = (r & 1) ? (uint64_t)(uintptr_t)buf : rnd();
		buf[1] = rnd() % 3 ? rnd() % 0x20000 : rnd();
		switch ((r >> 40) % 5) {
		case 0: arg = NULL; break;
		case 1: arg = (char *)buf + 4096 - (rnd() % 64); break;
		case 2: arg = (void *)0xffff800008000000UL; break;
		case 3: arg = (void *)(uintptr_t)rnd(); break;
		default: arg = buf; break;
		}
		errno = 0;
		if (ioctl(fd, cmd, arg) == 0)
			ok++;
		else if (errno == EFAULT)
			efault++;
		else if (errno == EINVAL || errno == ENOTTY)
			einval++;
		else
			other++;
	}
	printf("ioctls=%lu succeeded=%lu efault=%lu einval=%lu other=%lu\n",
	       total, ok, efault, einval, other);
	return 0;
}
