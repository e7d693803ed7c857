// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test client for uio_ivshmem devices (/dev/uioN), for the system tests:
 *   jh-uio-test info <dev>           maps every map, prints ids, sizes, states
 *   jh-uio-test modes <dev>          what the read-only maps refuse
 *   jh-uio-test state <dev> <value>  writes this peer's state
 *   jh-uio-test doorbell <dev> <peer>
 *   jh-uio-test wait <dev> <count> <ms>  enables interrupts, waits for
 *                                    count interrupts (read()), prints them
 *   jh-uio-test hold <dev> <file>    maps everything, sets state 1, prints
 *                                    "holding", waits until <file> exists,
 *                                    then touches every map and read()s
 * Output is "key: value" lines; exit status 0 unless something unexpected
 * failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REG_ID		0x00
#define REG_MAX_PEERS	0x04
#define REG_INT_CTRL	0x08
#define REG_DOORBELL	0x0c
#define REG_STATE	0x10

#define MAX_MAPS	5

static const char *dev_path;
static int fd;
static long page;
static size_t size[MAX_MAPS];
static volatile uint32_t *map[MAX_MAPS];
static int maps;

static void die(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	exit(1);
}

static int map_size(int i, size_t *out)
{
	char path[128], buf[32];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/uio/%s/maps/map%d/size",
		 basename((char *)dev_path), i);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	*out = strtoull(buf, NULL, 0);
	return 0;
}

static const char *map_name(int i)
{
	static char name[64];
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/uio/%s/maps/map%d/name",
		 basename((char *)dev_path), i);
	name[0] = 0;
	f = fopen(path, "r");
	if (f) {
		if (fgets(name, sizeof(name), f))
			name[strcspn(name, "\n")] = 0;
		fclose(f);
	}
	return name;
}

/* every map: read-only ones (state table, input sections) PROT_READ */
static void map_all(void)
{
	int i;

	fd = open(dev_path, O_RDWR);
	if (fd < 0)
		die("open");
	for (i = 0; i < MAX_MAPS && !map_size(i, &size[i]); i++) {
		const char *name = map_name(i);
		int prot = PROT_READ;
		void *p;

		if (strcmp(name, "state_table") && strcmp(name, "input_sections"))
			prot |= PROT_WRITE;
		p = mmap(NULL, size[i], prot, MAP_SHARED, fd, i * page);
		if (p == MAP_FAILED)
			die("mmap");
		map[i] = p;
		maps = i + 1;
	}
	if (maps < 2) {
		fprintf(stderr, "only %d maps\n", maps);
		exit(1);
	}
}

static uint32_t reg(unsigned int off)
{
	return map[0][off / 4];
}

static void set_reg(unsigned int off, uint32_t v)
{
	map[0][off / 4] = v;
}

static void cmd_info(void)
{
	uint32_t peers, i;

	map_all();
	printf("maps: %d\n", maps);
	for (i = 0; i < (uint32_t)maps; i++)
		printf("map%u: %s 0x%zx\n", i, map_name(i), size[i]);
	peers = reg(REG_MAX_PEERS);
	printf("id: %u\n", reg(REG_ID));
	printf("max_peers: %u\n", peers);
	printf("int_control: %u\n", reg(REG_INT_CTRL));
	printf("state_reg: %u\n", reg(REG_STATE));
	for (i = 0; i < peers && i < size[1] / 4; i++)
		printf("state%u: %u\n", i, map[1][i]);
}

static const char *try_map(int i, int prot, int flags)
{
	void *p = mmap(NULL, page, prot, flags, fd, i * page);
	static char res[64];

	if (p == MAP_FAILED) {
		snprintf(res, sizeof(res), "%s", strerror(errno));
		return res;
	}
	if (prot == PROT_READ) {
		int r = mprotect(p, page, PROT_READ | PROT_WRITE);

		snprintf(res, sizeof(res), "mapped, mprotect write: %s",
			 r ? strerror(errno) : "ok");
	} else {
		snprintf(res, sizeof(res), "mapped");
	}
	munmap(p, page);
	return res;
}

static void cmd_modes(void)
{
	int i;

	fd = open(dev_path, O_RDWR);
	if (fd < 0)
		die("open");
	for (i = 0; i < MAX_MAPS && !map_size(i, &size[i]); i++) {
		printf("map%d write: %s\n", i,
		       try_map(i, PROT_READ | PROT_WRITE, MAP_SHARED));
		printf("map%d read: %s\n", i,
		       try_map(i, PROT_READ, MAP_SHARED));
		printf("map%d private: %s\n", i,
		       try_map(i, PROT_READ, MAP_PRIVATE));
	}
	printf("map%d: %s\n", i, try_map(i, PROT_READ, MAP_SHARED));
	/* larger than the map */
	if (map_size(0, &size[0]) == 0) {
		void *p = mmap(NULL, size[0] + page, PROT_READ, MAP_SHARED,
			       fd, 0);

		printf("map0 oversized: %s\n",
		       p == MAP_FAILED ? strerror(errno) : "mapped");
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void cmd_wait(int count, int ms)
{
	long long end = now_ms() + ms;
	uint32_t on = 1, n;
	int got = 0;

	map_all();
	if (write(fd, &on, sizeof(on)) != sizeof(on))
		die("write(irq on)");
	printf("int_control: %u\n", reg(REG_INT_CTRL));
	printf("waiting\n");
	fflush(stdout);
	while (got < count) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = end - now_ms();
		int r;

		if (left <= 0)
			break;
		r = poll(&p, 1, left);
		if (r < 0)
			die("poll");
		if (!r)
			break;
		if (read(fd, &n, sizeof(n)) != sizeof(n))
			die("read");
		got++;
		printf("interrupt: %u\n", n);
		fflush(stdout);
	}
	printf("interrupts: %d\n", got);
}

static sigjmp_buf fault_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(fault_jmp, sig);
}

static void cmd_hold(const char *file)
{
	struct stat st;
	uint32_t n;
	int i, sig;

	map_all();
	set_reg(REG_STATE, 1);
	printf("holding: id %u\n", reg(REG_ID));
	fflush(stdout);
	while (stat(file, &st))
		usleep(50000);
	signal(SIGBUS, on_sigbus);
	signal(SIGSEGV, on_sigbus);
	for (i = 0; i < maps; i++) {
		volatile uint32_t v;

		sig = sigsetjmp(fault_jmp, 1);
		if (!sig) {
			v = map[i][0];
			(void)v;
			printf("map%d: readable\n", i);
		} else {
			printf("map%d: %s\n", i, sig == SIGBUS ? "SIGBUS" :
			       "SIGSEGV");
		}
	}
	/* non-blocking: EAGAIN while the device is there, EIO after */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (read(fd, &n, sizeof(n)) < 0)
		printf("read: %s\n", strerror(errno));
	else
		printf("read: %u\n", n);
	n = 1;
	if (write(fd, &n, sizeof(n)) < 0)
		printf("write: %s\n", strerror(errno));
	else
		printf("write: ok\n");
	printf("mmap after: %s\n", try_map(0, PROT_READ, MAP_SHARED));
	fflush(stdout);
}

int main(int argc, char *argv[])
{
	page = sysconf(_SC_PAGESIZE);
	if (argc < 3) {
		fprintf(stderr, "usage: jh-uio-test info|modes|state|doorbell|wait|hold <dev> ...\n");
		return 2;
	}
	dev_path = argv[2];
	if (!strcmp(argv[1], "info")) {
		cmd_info();
	} else if (!strcmp(argv[1], "modes")) {
		cmd_modes();
	} else if (!strcmp(argv[1], "state") && argc == 4) {
		map_all();
		set_reg(REG_STATE, strtoul(argv[3], NULL, 0));
		printf("state%u: %u\n", reg(REG_ID), map[1][reg(REG_ID)]);
	} else if (!strcmp(argv[1], "doorbell") && argc == 4) {
		map_all();
		set_reg(REG_DOORBELL, strtoul(argv[3], NULL, 0) << 16);
		printf("rang: %s\n", argv[3]);
	} else if (!strcmp(argv[1], "wait") && argc == 5) {
		cmd_wait(atoi(argv[3]), atoi(argv[4]));
	} else if (!strcmp(argv[1], "hold") && argc == 4) {
		cmd_hold(argv[3]);
	} else {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}
	return 0;
}
