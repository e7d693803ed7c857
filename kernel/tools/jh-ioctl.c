// SPDX-License-Identifier: GPL-2.0-only
/*
 * Minimal test client for /dev/jailhouse, for bring-up before the CLI:
 *   jh-ioctl enable <system.cell> | jh-ioctl disable
 *   jh-ioctl create <cell.cell>
 *	CELL_CREATE returns 0 (upstream's ABI; anything else is an error
 *	here); the new cell's id is read from sysfs by the config's name and
 *	printed as "cell id N"
 *   jh-ioctl load <id|name> <image> [address] ... (repeatable pairs)
 *   jh-ioctl start|destroy <id|name>
 *   jh-ioctl create-destroy <cell.cell>...
 *	creates each cell, destroys it if created, and checks that only the
 *	root is left; prints "created=N refused=M" (thousands of configs in
 *	one process: a process start is not free on an emulated CPU)
 * Built statically with the cross compiler (see kernel/README.md).
 */
#include <dirent.h>
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

struct cell_create {
	unsigned long long config_address;
	unsigned int config_size, padding;
};

struct cell_id {
	int id;
	unsigned int padding;
	char name[32];
};

struct preload_image {
	unsigned long long source_address, size, target_address, padding;
};

struct cell_load {
	struct cell_id cell_id;
	unsigned int num_preload_images, padding;
	struct preload_image image[16];
};

#define JAILHOUSE_CELL_CREATE	_IOW(0, 2, struct cell_create)
#define JAILHOUSE_CELL_LOAD	_IOW(0, 3, char[48])	/* 0x40300003 */
#define JAILHOUSE_CELL_START	_IOW(0, 4, struct cell_id)
#define JAILHOUSE_CELL_DESTROY	_IOW(0, 5, struct cell_id)

static void *read_file(const char *path, size_t *size)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		exit(1);
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf || read(fd, buf, st.st_size) != st.st_size) {
		perror(path);
		exit(1);
	}
	close(fd);
	*size = st.st_size;
	return buf;
}

static void parse_id(struct cell_id *cid, const char *arg)
{
	char *end;

	memset(cid, 0, sizeof(*cid));
	cid->id = strtol(arg, &end, 0);
	if (*end || !*arg) {
		cid->id = -1;
		strncpy(cid->name, arg, sizeof(cid->name) - 1);
	}
}

/* the name field of a cell config (struct jailhouse_cell_desc, offset 8) */
static void config_name(const void *config, size_t size, char name[32])
{
	memset(name, 0, 32);
	if (size >= 8 + 32)
		memcpy(name, (const char *)config + 8, 31);
}

/* the id of the cell called name in sysfs, or -1 */
static int cell_id_by_name(const char *name)
{
	DIR *d = opendir("/sys/devices/jailhouse/cells");
	struct dirent *e;
	char path[300], buf[40];
	int id = -1;

	if (!d)
		return -1;
	while (id < 0 && (e = readdir(d))) {
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path),
			 "/sys/devices/jailhouse/cells/%s/name", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			buf[strcspn(buf, "\n")] = 0;
			if (!strcmp(buf, name))
				id = atoi(e->d_name);
		}
		fclose(f);
	}
	closedir(d);
	return id;
}

static int count_cells(void)
{
	DIR *d = opendir("/sys/devices/jailhouse/cells");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int create_destroy(int fd, int count, char **files)
{
	int created = 0, refused = 0, n, ret;

	for (n = 0; n < count; n++) {
		struct cell_create cc = { 0 };
		struct cell_id cid = { 0 };
		size_t size;
		void *config = read_file(files[n], &size);

		cc.config_address = (unsigned long)config;
		cc.config_size = size;
		/* destroyed by name: CELL_CREATE does not return the id */
		cid.id = -1;
		config_name(config, size, cid.name);
		ret = ioctl(fd, JAILHOUSE_CELL_CREATE, &cc);
		free(config);
		if (ret < 0) {
			refused++;
			continue;
		}
		created++;
		if (ret > 0)
			printf("CREATE RETURNED %d (not 0) for %s\n", ret, files[n]);
		if (ioctl(fd, JAILHOUSE_CELL_DESTROY, &cid) < 0)
			printf("DESTROY FAILED %s: %s\n", files[n], strerror(errno));
		if (count_cells() != 1) {
			printf("LEFT OVER after %s: %d cells\n", files[n], count_cells());
			break;
		}
	}
	printf("created=%d refused=%d\n", created, refused);
	return 0;
}

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
	if (!strcmp(argv[1], "create-destroy"))
		return create_destroy(fd, argc - 2, argv + 2);
	if (!strcmp(argv[1], "disable")) {
		ret = ioctl(fd, JAILHOUSE_DISABLE);
	} else if (!strcmp(argv[1], "create") && argc == 3) {
		struct cell_create cc = { 0 };
		char name[32];
		size_t size;
		void *cfg = read_file(argv[2], &size);

		cc.config_address = (unsigned long)cfg;
		cc.config_size = size;
		config_name(cfg, size, name);
		ret = ioctl(fd, JAILHOUSE_CELL_CREATE, &cc);
		if (ret > 0) {
			printf("create: returned %d, not 0 (upstream's ABI)\n",
			       ret);
			return 1;
		}
		if (ret == 0) {
			int id = cell_id_by_name(name);

			if (id < 0) {
				printf("create: no cell \"%s\" in sysfs\n", name);
				return 1;
			}
			printf("cell id %d\n", id);
		}
	} else if (!strcmp(argv[1], "load") && argc >= 3) {
		struct cell_load cl;
		size_t size;
		int n;

		memset(&cl, 0, sizeof(cl));
		parse_id(&cl.cell_id, argv[2]);
		for (n = 3; n < argc && cl.num_preload_images < 16; n += 2) {
			struct preload_image *img =
				&cl.image[cl.num_preload_images++];

			img->source_address =
				(unsigned long)read_file(argv[n], &size);
			img->size = size;
			img->target_address = n + 1 < argc ?
				strtoull(argv[n + 1], NULL, 0) : 0;
		}
		ret = ioctl(fd, JAILHOUSE_CELL_LOAD, &cl);
	} else if ((!strcmp(argv[1], "start") ||
		    !strcmp(argv[1], "destroy")) && argc == 3) {
		struct cell_id cid;

		parse_id(&cid, argv[2]);
		ret = ioctl(fd, !strcmp(argv[1], "start") ?
			    JAILHOUSE_CELL_START : JAILHOUSE_CELL_DESTROY,
			    &cid);
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
	fprintf(stderr, "usage: jh-ioctl enable <system.cell> | disable | "
		"create <cell.cell> | load <cell> <image> [addr]... | "
		"start <cell> | destroy <cell> | create-destroy <cell.cell>...\n");
	return 2;
}
