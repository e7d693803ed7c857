// SPDX-License-Identifier: GPL-2.0-only
/*
 * uio_ivshmem: user-space access to ivshmem v2 devices (PCI 110a:4106,
 * protocol "undefined" or a custom one) through UIO, with the map layout
 * of upstream Jailhouse's driver so that its user-space programs work
 * unchanged:
 *
 *   map 0  registers (BAR0), uncached
 *   map 1  state table (read only)
 *   map 2  read/write section (left out when its size is 0)
 *   map 3  input sections: every peer's output section (read only)
 *   map 4  this peer's output section (inside map 3's range)
 *
 * (maps are numbered without gaps: without an R/W section the input
 * sections are map 2). mmap offset = map index * PAGE_SIZE, MAP_SHARED
 * only. read() on /dev/uioN blocks for the next interrupt and returns the
 * count; write() of a 32-bit 1 or 0 enables or disables the device's
 * interrupt (interrupt control register). Interrupts are not one-shot:
 * once enabled they stay enabled, nothing has to re-arm them.
 *
 * The sections are mapped cacheable (they are RAM shared with other
 * cells), the registers as device memory. Mappings are filled on fault:
 * when the device goes away (driver unbound, module unloaded, the root's
 * virtual PCI bus removed before the hypervisor is disabled) every user
 * mapping is zapped and later accesses get SIGBUS; read() then fails
 * with EIO, write() and mmap() with EINVAL (UIO core). When the last open file of a device is
 * closed, or the device goes away while open, this peer's state is set
 * to 0 so that the other peers see it leave.
 *
 * A separate module from jailhouse.ko: any Linux with ivshmem devices on
 * its PCI bus can load it (the root cell, later a non-root Linux cell).
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/uio_driver.h>

#define DRV_NAME			"uio_ivshmem"

#define IVSHM_VENDOR_ID			0x110a
#define IVSHM_DEVICE_ID			0x4106
#define IVSHM_CLASS			0xff	/* class code, "other" */
#define IVSHM_PROTO_UNDEFINED		0x0000
#define IVSHM_PROTO_CUSTOM_MASK		0xc000	/* 0x4000-0x7fff: custom */
#define IVSHM_PROTO_CUSTOM		0x4000

/* vendor capability (config space) */
#define IVSHM_CAP_LENGTH		0x02
#define IVSHM_CAP_PRIV_CNTL		0x03
#define IVSHM_CAP_STATE_TAB_SZ		0x04
#define IVSHM_CAP_RW_SECTION_SZ		0x08
#define IVSHM_CAP_OUTPUT_SECTION_SZ	0x10
#define IVSHM_CAP_ADDRESS		0x18
#define IVSHM_CAP_MIN_LENGTH		0x20

/* BAR0 registers */
#define IVSHM_REG_ID			0x00
#define IVSHM_REG_MAX_PEERS		0x04
#define IVSHM_REG_INT_CTRL		0x08
#define IVSHM_REG_DOORBELL		0x0c
#define IVSHM_REG_STATE			0x10
#define IVSHM_REGS_MIN_SIZE		0x14

/* more would not fit the doorbell's and UIO's limits sensibly */
#define IVSHM_MAX_PEERS			255

enum { MAP_REGS, MAP_STATE, MAP_RW, MAP_INPUT, MAP_OUTPUT, IVSHM_MAPS };

struct ivshm_dev;

/* what a user mapping of one UIO map refers to (vm_private_data) */
struct ivshm_map {
	struct ivshm_dev *dev;
	unsigned int index;	/* UIO map index = vm_pgoff at mmap */
	phys_addr_t addr;
	unsigned long pages;
	bool readonly;
	bool uncached;
};

/* an inode through which the device is open (for zapping its mappings) */
struct ivshm_opener {
	struct list_head list;
	struct inode *inode;
	unsigned int count;
};

struct ivshm_dev {
	struct uio_info info;
	struct pci_dev *pdev;
	void __iomem *regs;
	/* the device's own reference, and one per user mapping */
	struct kref ref;
	/* gone: the device was removed, faults get SIGBUS */
	struct rw_semaphore gone_lock;
	bool gone;
	/* openers and their count, changed by UIO's open/release callbacks */
	struct mutex open_lock;
	struct list_head openers;
	unsigned int opens;
	int cap;		/* vendor capability offset */
	struct ivshm_map map[IVSHM_MAPS];
	unsigned int maps;
	const char *name;	/* devm: valid while bound */
};

static void ivshm_free(struct kref *ref)
{
	kfree(container_of(ref, struct ivshm_dev, ref));
}

static void ivshm_vm_open(struct vm_area_struct *vma)
{
	struct ivshm_map *map = vma->vm_private_data;

	kref_get(&map->dev->ref);
}

static void ivshm_vm_close(struct vm_area_struct *vma)
{
	struct ivshm_map *map = vma->vm_private_data;

	kref_put(&map->dev->ref, ivshm_free);
}

/*
 * Inserts the page of the fault while the device exists; after removal
 * every access is SIGBUS. The page index comes from vm_pgoff, which
 * splitting or moving the mapping keeps consistent.
 */
static vm_fault_t ivshm_vm_fault(struct vm_fault *vmf)
{
	struct ivshm_map *map = vmf->vma->vm_private_data;
	struct ivshm_dev *dev = map->dev;
	unsigned long page = vmf->pgoff - map->index;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	down_read(&dev->gone_lock);
	if (!dev->gone && page < map->pages)
		ret = vmf_insert_pfn(vmf->vma, vmf->address,
				     PHYS_PFN(map->addr) + page);
	up_read(&dev->gone_lock);
	return ret;
}

static const struct vm_operations_struct ivshm_vm_ops = {
	.open = ivshm_vm_open,
	.close = ivshm_vm_close,
	.fault = ivshm_vm_fault,
};

/*
 * UIO checked the map index (vm_pgoff) and that the mapping is not
 * larger than the map. Read-only maps refuse PROT_WRITE and lose
 * VM_MAYWRITE, so that mprotect cannot add it later: the hypervisor maps
 * them read only and a write would be a stage-2 fault of the root cell.
 */
static int ivshm_mmap(struct uio_info *info, struct vm_area_struct *vma)
{
	struct ivshm_dev *dev = info->priv;
	struct ivshm_map *map;
	int err = 0;

	if (vma->vm_pgoff >= dev->maps)
		return -EINVAL;
	map = &dev->map[vma->vm_pgoff];
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (map->readonly) {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	down_read(&dev->gone_lock);
	if (dev->gone) {
		err = -ENODEV;
		goto out;
	}
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	if (map->uncached)
		vma->vm_page_prot = pgprot_device(vma->vm_page_prot);
	vma->vm_private_data = map;
	vma->vm_ops = &ivshm_vm_ops;
	kref_get(&dev->ref);
out:
	up_read(&dev->gone_lock);
	return err;
}

static int ivshm_open(struct uio_info *info, struct inode *inode)
{
	struct ivshm_dev *dev = info->priv;
	struct ivshm_opener *o;
	int err = 0;

	mutex_lock(&dev->open_lock);
	list_for_each_entry(o, &dev->openers, list)
		if (o->inode == inode)
			goto found;
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o) {
		err = -ENOMEM;
		goto out;
	}
	o->inode = inode;
	list_add(&o->list, &dev->openers);
found:
	o->count++;
	dev->opens++;
out:
	mutex_unlock(&dev->open_lock);
	return err;
}

/* The last file closed: this peer leaves (state 0 tells the others). */
static int ivshm_release(struct uio_info *info, struct inode *inode)
{
	struct ivshm_dev *dev = info->priv;
	struct ivshm_opener *o;

	mutex_lock(&dev->open_lock);
	list_for_each_entry(o, &dev->openers, list)
		if (o->inode == inode) {
			if (!--o->count) {
				list_del(&o->list);
				kfree(o);
			}
			break;
		}
	if (!--dev->opens)
		writel(0, dev->regs + IVSHM_REG_STATE);
	mutex_unlock(&dev->open_lock);
	return 0;
}

static int ivshm_irqcontrol(struct uio_info *info, s32 on)
{
	struct ivshm_dev *dev = info->priv;

	writel(on ? 1 : 0, dev->regs + IVSHM_REG_INT_CTRL);
	return 0;
}

/* INTx, not shared: the device has no status register to ask. */
static irqreturn_t ivshm_handler(int irq, struct uio_info *info)
{
	return IRQ_HANDLED;
}

static u64 config_qword(struct pci_dev *pdev, int pos)
{
	u32 lo, hi;

	pci_read_config_dword(pdev, pos, &lo);
	pci_read_config_dword(pdev, pos + 4, &hi);
	return lo | ((u64)hi << 32);
}

static void add_map(struct ivshm_dev *dev, const char *name, int memtype,
		    phys_addr_t addr, u64 size, bool readonly)
{
	struct uio_mem *mem = &dev->info.mem[dev->maps];
	struct ivshm_map *map = &dev->map[dev->maps];

	mem->name = name;
	mem->addr = addr;
	mem->size = size;
	mem->memtype = memtype;
	map->dev = dev;
	map->index = dev->maps;
	map->addr = addr;
	map->pages = size >> PAGE_SHIFT;
	map->readonly = readonly;
	map->uncached = memtype == UIO_MEM_PHYS;
	dev->maps++;
	pci_info(dev->pdev, "map %u %s at %pa, 0x%llx bytes%s\n", map->index,
		 name, &mem->addr, size, readonly ? ", read only" : "");
}

/*
 * Reads where the link's memory is and checks it before anything maps
 * it: page-aligned sizes and addresses, no overflow, nothing of Linux's
 * own RAM.
 */
static int ivshm_setup_maps(struct ivshm_dev *dev)
{
	struct pci_dev *pdev = dev->pdev;
	u64 state_sz, rw_sz, out_sz, in_sz, total, end;
	phys_addr_t addr, regs = pci_resource_start(pdev, 0);
	u64 regs_sz = pci_resource_len(pdev, 0);
	u32 id, peers;
	u8 len;
	int cap;

	cap = pci_find_capability(pdev, PCI_CAP_ID_VNDR);
	dev->cap = cap;
	if (!cap) {
		pci_err(pdev, "no ivshmem vendor capability\n");
		return -ENODEV;
	}
	pci_read_config_byte(pdev, cap + IVSHM_CAP_LENGTH, &len);
	if (len < IVSHM_CAP_MIN_LENGTH) {
		pci_err(pdev, "vendor capability of %u bytes, too short\n",
			len);
		return -ENODEV;
	}
	pci_read_config_dword(pdev, cap + IVSHM_CAP_STATE_TAB_SZ, &id);
	state_sz = id;
	rw_sz = config_qword(pdev, cap + IVSHM_CAP_RW_SECTION_SZ);
	out_sz = config_qword(pdev, cap + IVSHM_CAP_OUTPUT_SECTION_SZ);
	addr = config_qword(pdev, cap + IVSHM_CAP_ADDRESS);
	id = readl(dev->regs + IVSHM_REG_ID);
	peers = readl(dev->regs + IVSHM_REG_MAX_PEERS);

	if (!peers || peers > IVSHM_MAX_PEERS || id >= peers) {
		pci_err(pdev, "peer id %u of %u peers\n", id, peers);
		return -ENODEV;
	}
	if (!state_sz || !PAGE_ALIGNED(state_sz) || !PAGE_ALIGNED(rw_sz) ||
	    !PAGE_ALIGNED(out_sz) || !PAGE_ALIGNED(addr) ||
	    check_mul_overflow(out_sz, (u64)peers, &in_sz) ||
	    check_add_overflow(state_sz, rw_sz, &total) ||
	    check_add_overflow(total, in_sz, &total) ||
	    check_add_overflow((u64)addr, total - 1, &end)) {
		pci_err(pdev, "bad shared memory layout: address 0x%llx, state table 0x%llx, R/W 0x%llx, output 0x%llx bytes\n",
			(u64)addr, state_sz, rw_sz, out_sz);
		return -EINVAL;
	}
	if (region_intersects(addr, total, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pci_err(pdev, "shared memory 0x%llx-0x%llx is Linux RAM: refused\n",
			(u64)addr, end);
		return -EINVAL;
	}
	if (!devm_request_mem_region(&pdev->dev, addr, total, dev->name)) {
		pci_err(pdev, "shared memory 0x%llx-0x%llx is in use\n",
			(u64)addr, end);
		return -EBUSY;
	}

	add_map(dev, "registers", UIO_MEM_PHYS, regs, regs_sz, false);
	add_map(dev, "state_table", UIO_MEM_IOVA, addr, state_sz, true);
	addr += state_sz;
	if (rw_sz) {
		add_map(dev, "rw_section", UIO_MEM_IOVA, addr, rw_sz, false);
		addr += rw_sz;
	}
	if (out_sz) {
		add_map(dev, "input_sections", UIO_MEM_IOVA, addr, in_sz, true);
		add_map(dev, "output_section", UIO_MEM_IOVA,
			addr + (u64)id * out_sz, out_sz, false);
	}
	return 0;
}

static int ivshm_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct ivshm_dev *dev;
	int err;

	/* veth and virtio ivshmem devices are for other drivers */
	if (pdev->class >> 16 != IVSHM_CLASS ||
	    ((pdev->class & 0xffff) != IVSHM_PROTO_UNDEFINED &&
	     (pdev->class & IVSHM_PROTO_CUSTOM_MASK) != IVSHM_PROTO_CUSTOM))
		return -ENODEV;

	err = pcim_enable_device(pdev);
	if (err)
		return err;
	if (!PAGE_ALIGNED(pci_resource_start(pdev, 0)) ||
	    !PAGE_ALIGNED(pci_resource_len(pdev, 0)) ||
	    pci_resource_len(pdev, 0) < IVSHM_REGS_MIN_SIZE ||
	    !(pci_resource_flags(pdev, 0) & IORESOURCE_MEM)) {
		pci_err(pdev, "BAR0 %pR cannot be mapped page-wise\n",
			&pdev->resource[0]);
		return -ENODEV;
	}

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	kref_init(&dev->ref);
	init_rwsem(&dev->gone_lock);
	mutex_init(&dev->open_lock);
	INIT_LIST_HEAD(&dev->openers);
	dev->pdev = pdev;
	/*
	 * Managed like the regions named after it: it must outlive them,
	 * and this structure may be gone before they are released.
	 */
	dev->name = devm_kasprintf(&pdev->dev, GFP_KERNEL, DRV_NAME "[%s]",
				   pci_name(pdev));
	if (!dev->name) {
		err = -ENOMEM;
		goto err_free;
	}

	/*
	 * Mapped without requesting the region: on QEMU virt the DT gives
	 * the GIC redistributors (a busy resource) a range that covers the
	 * root's virtual PCI window. The BAR is still the PCI core's
	 * resource, and only one driver binds the device.
	 */
	dev->regs = pcim_iomap(pdev, 0, 0);
	if (!dev->regs) {
		err = -ENOMEM;
		goto err_free;
	}

	err = ivshm_setup_maps(dev);
	if (err)
		goto err_free;

	/* not one-shot: an interrupt leaves interrupts enabled */
	pci_write_config_byte(pdev, dev->cap + IVSHM_CAP_PRIV_CNTL, 0);
	writel(0, dev->regs + IVSHM_REG_INT_CTRL);

	dev->info.name = dev->name;
	dev->info.version = "1";
	dev->info.priv = dev;
	dev->info.irq = pdev->irq ? pdev->irq : UIO_IRQ_NONE;
	dev->info.handler = ivshm_handler;
	dev->info.irqcontrol = ivshm_irqcontrol;
	dev->info.mmap = ivshm_mmap;
	dev->info.open = ivshm_open;
	dev->info.release = ivshm_release;
	if (!pdev->irq)
		pci_warn(pdev, "no interrupt: read() on the UIO device fails\n");

	err = uio_register_device(&pdev->dev, &dev->info);
	if (err)
		goto err_free;
	pci_set_drvdata(pdev, dev);
	pci_info(pdev, "peer %u of %u, /dev/uio%d, IRQ %d\n",
		 readl(dev->regs + IVSHM_REG_ID),
		 readl(dev->regs + IVSHM_REG_MAX_PEERS),
		 dev->info.uio_dev->minor, pdev->irq);
	return 0;

err_free:
	kref_put(&dev->ref, ivshm_free);
	return err;
}

/*
 * Unbind, module unload or the bus going away: no new faults, every
 * existing user mapping zapped (through each inode the device is open
 * by; UIO's release callbacks keep the list, under open_lock the inodes
 * are alive), then UIO stops the files (EIO) and frees the interrupt.
 */
static void ivshm_remove(struct pci_dev *pdev)
{
	struct ivshm_dev *dev = pci_get_drvdata(pdev);
	struct ivshm_opener *o, *n;
	int minor = dev->info.uio_dev->minor;
	bool was_open;

	writel(0, dev->regs + IVSHM_REG_INT_CTRL);
	down_write(&dev->gone_lock);
	dev->gone = true;
	up_write(&dev->gone_lock);

	mutex_lock(&dev->open_lock);
	list_for_each_entry(o, &dev->openers, list)
		unmap_mapping_range(o->inode->i_mapping, 0, 0, 1);
	was_open = dev->opens;
	mutex_unlock(&dev->open_lock);

	uio_unregister_device(&dev->info);

	/* no release callback comes any more: this peer leaves now */
	if (was_open) {
		writel(0, dev->regs + IVSHM_REG_STATE);
		pci_info(pdev, "removed while /dev/uio%d was open: its mappings are gone\n",
			 minor);
	}
	list_for_each_entry_safe(o, n, &dev->openers, list) {
		list_del(&o->list);
		kfree(o);
	}
	kref_put(&dev->ref, ivshm_free);
}

/* the protocol is checked in probe (one alias, no class masks) */
static const struct pci_device_id ivshm_ids[] = {
	{ PCI_DEVICE(IVSHM_VENDOR_ID, IVSHM_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, ivshm_ids);

static struct pci_driver ivshm_driver = {
	.name = DRV_NAME,
	.id_table = ivshm_ids,
	.probe = ivshm_probe,
	.remove = ivshm_remove,
};
module_pci_driver(ivshm_driver);

MODULE_DESCRIPTION("UIO driver for ivshmem v2 devices (Jailhouse inter-cell shared memory)");
MODULE_LICENSE("GPL");
