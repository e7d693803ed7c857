/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal interfaces of the driver's files (main.c, cells.c, pci.c). */
#ifndef _JAILHOUSE_DRIVER_H
#define _JAILHOUSE_DRIVER_H

#include <linux/device.h>
#include <linux/mutex.h>
#include <jailhouse/cell-config.h>

/*
 * The driver's interface to user space: the ioctls, their arguments and
 * the sysfs files. Bumped on any change a tool using it would notice;
 * the CLI refuses a driver of another revision (sysfs abi_revision,
 * packages/cli/src/driver/abi.ts).
 *   1  the first with a revision (sysfs version, abi_revision,
 *      header_version, hypervisor_version)
 */
#define JAILHOUSE_DRIVER_ABI_REVISION	1

#define JAILHOUSE_CELL_CREATE		_IOW(0, 2, struct jailhouse_cell_create)
#define JAILHOUSE_CELL_LOAD		_IOW(0, 3, struct jailhouse_cell_load)
#define JAILHOUSE_CELL_START		_IOW(0, 4, struct jailhouse_cell_id)
#define JAILHOUSE_CELL_DESTROY		_IOW(0, 5, struct jailhouse_cell_id)

#define JAILHOUSE_CELL_ID_UNUSED	(-1)
#define JAILHOUSE_MAX_CELL_CONFIG	(64 * 1024)
#define JAILHOUSE_MAX_IMAGES		64

/* ioctl arguments (docs/ABI.md), natural alignment */
struct jailhouse_cell_create {
	__u64 config_address;
	__u32 config_size;
	__u32 padding;
};

struct jailhouse_cell_id {
	__s32 id;
	__u32 padding;
	char name[JAILHOUSE_CELL_NAME_MAXLEN + 1];
};

struct jailhouse_preload_image {
	__u64 source_address;
	__u64 size;
	__u64 target_address;
	__u64 padding;
};

struct jailhouse_cell_load {
	struct jailhouse_cell_id cell_id;
	__u32 num_preload_images;
	__u32 padding;
	struct jailhouse_preload_image image[];
};

extern struct mutex jailhouse_lock;
extern bool jailhouse_enabled;
extern struct device *jailhouse_dev;

long jailhouse_hypercall(unsigned long code, unsigned long arg1,
			 unsigned long arg2);
void flush_dcache_poc(void *addr, size_t size);

/* cells.c; called with jailhouse_lock held */
int cells_sysfs_init(const struct jailhouse_system *config);
void cells_sysfs_exit(void);
int destroy_all_cells(void);
long jailhouse_cmd_cell_create(struct jailhouse_cell_create __user *arg);
long jailhouse_cmd_cell_load(struct jailhouse_cell_load __user *arg);
long jailhouse_cmd_cell_start(struct jailhouse_cell_id __user *arg);
long jailhouse_cmd_cell_destroy(struct jailhouse_cell_id __user *arg);

/* pci.c, the root's virtual PCI bus; called with jailhouse_lock held */
int jailhouse_pci_register(const struct jailhouse_system *config);
void jailhouse_pci_unregister(void);

#endif /* !_JAILHOUSE_DRIVER_H */
