// SPDX-License-Identifier: GPL-2.0-only
/*
 * Minimal test client for /dev/jailhouse, for bring-up before the CLI:
 *   jh-ioctl enable <system.cell> | jh-ioctl disable
 * Built statically with the cross compiler (see kernel/README.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define JAILHOUSE_ENABLE	_IOW(0, 0, void *)
#define JAILHOUSE_DISABLE	_IO(0, 1)

int main(int argc, char **argv)
{
	struct stat st;
	void *config;
	int fd, cfd, ret;

	if (argc < 2)
		goto usage;
	fd = open("/dev/jailhouse", O_RDWR);
	if (fd < 0) {
		perror("/dev/jailhouse");
		return 1;
	}
	if (!strcmp(argv[1], "disable")) {
		ret = ioctl(fd, JAILHOUSE_DISABLE);
	} else if (!strcmp(argv[1], "enable") && argc == 3) {
		cfd = open(argv[2], O_RDONLY);
		if (cfd < 0 || fstat(cfd, &st)) {
			perror(argv[2]);
			return 1;
		}
		config = malloc(st.st_size);
		if (!config || read(cfd, config, st.st_size) != st.st_size) {
			perror(argv[2]);
			return 1;
		}
		ret = ioctl(fd, JAILHOUSE_ENABLE, config);
	} else {
		goto usage;
	}
	if (ret < 0) {
		printf("%s: %s (errno %d)\n", argv[1], strerror(errno), errno);
		return 1;
	}
	printf("%s: ok\n", argv[1]);
	return 0;
usage:
	fprintf(stderr, "usage: jh-ioctl enable <system.cell> | disable\n");
	return 2;
}
