// SPDX-License-Identifier: GPL-2.0-only
/*
 * System config checks (see core/config.h). The config comes from the
 * root cell's user space through the driver: every field is checked
 * before it steers a mapping, and the first problem is named.
 */
#include <core/config.h>
#include <core/string.h>

#define MEM_FLAGS_KNOWN (JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |	\
	JAILHOUSE_MEM_EXECUTE | JAILHOUSE_MEM_DMA | JAILHOUSE_MEM_IO |	\
	JAILHOUSE_MEM_COMM_REGION | JAILHOUSE_MEM_LOADABLE |		\
	JAILHOUSE_MEM_ROOTSHARED | JAILHOUSE_MEM_NO_HUGEPAGES |		\
	JAILHOUSE_MEM_IO_UNALIGNED | (0xfULL << JAILHOUSE_MEM_IO_WIDTH_SHIFT))

/* Upper bounds that keep every array walk far from overflow. */
#define MAX_MEM_REGIONS		4096
#define MAX_IRQCHIPS		64

int config_cpu_set(const struct jailhouse_cell_desc *cell, u64 *set)
{
	const u8 *bytes = jailhouse_cell_arrays(cell);
	u32 n;

	*set = 0;
	for (n = 0; n < cell->cpu_set_size; n++) {
		if (n < 8)
			*set |= (u64)bytes[n] << (8 * n);
		else if (bytes[n])
			return -E2BIG;
	}
	return 0;
}

static bool overlaps(u64 a, u64 asize, u64 b, u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

/* signature, architecture and revision all zero (upstream's root style) */
static bool root_header_zeroed(const struct jailhouse_cell_desc *root)
{
	static const u8 zero[8];

	return !memcmp(root->signature, zero, sizeof(zero));
}

#define FAIL(err, text)			\
	do {				\
		*reason = (text);	\
		return (err);		\
	} while (0)

/*
 * Upstream's rules for an irqchip entry on ARM: pin_base a multiple of 32;
 * ours in addition (stricter for safety): no SGI or PPI, which belong to
 * every cell and to the hypervisor, and nothing beyond INTID 1019.
 */
static int check_irqchips(const struct jailhouse_cell_desc *cell,
			  const char **reason)
{
	const struct jailhouse_irqchip *chip;
	unsigned int n, m;

	for (n = 0, chip = jailhouse_cell_irqchips(cell);
	     n < cell->num_irqchips; n++, chip++) {
		if (chip->pin_base % 32)
			FAIL(-EINVAL, "irqchip pin_base not a multiple of 32");
		for (m = 0; m < 128; m++) {
			if (!(chip->pin_bitmap[m / 32] & (1U << (m % 32))))
				continue;
			if ((u64)chip->pin_base + m < 32)
				FAIL(-EINVAL, "cell lists an SGI or PPI "
				     "(refused, stricter than upstream: "
				     "they are every cell's)");
			if ((u64)chip->pin_base + m >= 1020)
				FAIL(-EINVAL, "interrupt number out of range");
		}
	}
	return 0;
}

int config_check_system(const struct jailhouse_system *sys,
			const struct config_limits *lim, const char **reason)
{
	const struct jailhouse_cell_desc *root = &sys->root_cell;
	const struct jailhouse_memory *mem;
	u64 hv_start, hv_size, cpus, size;
	unsigned int n;

	if (lim->size < sizeof(*sys))
		FAIL(-EINVAL, "system config truncated (header)");
	if (memcmp(sys->signature, JAILHOUSE_SYSTEM_SIGNATURE,
		   JAILHOUSE_SIGNATURE_SIZE))
		FAIL(-EINVAL, "system config signature is not JHSYS");
	if (sys->revision != JAILHOUSE_CONFIG_REVISION)
		FAIL(-EINVAL, "system config revision is not 14");
	if (sys->architecture != lim->arch)
		FAIL(-EINVAL, "system config is for another architecture");
	/*
	 * Upstream's root configs leave the embedded descriptor's signature,
	 * architecture and revision zero, and upstream never looks at them:
	 * zeros are accepted, and so is a filled-in header, but not a
	 * mixture (that is a corrupt file, not a config of either style).
	 */
	if (!root_header_zeroed(root)) {
		if (memcmp(root->signature, JAILHOUSE_CELL_DESC_SIGNATURE,
			   JAILHOUSE_SIGNATURE_SIZE))
			FAIL(-EINVAL, "root cell header is neither zero (as "
			     "upstream's configs) nor signed JHCLL");
		if (root->revision != JAILHOUSE_CONFIG_REVISION)
			FAIL(-EINVAL, "root cell revision is neither 0 nor 14");
		if (root->architecture != lim->arch)
			FAIL(-EINVAL, "root cell is for another architecture");
	}
	if (strnlen(root->name, sizeof(root->name)) == sizeof(root->name))
		FAIL(-EINVAL, "root cell name not terminated");

	if (root->num_memory_regions > MAX_MEM_REGIONS ||
	    root->num_irqchips > MAX_IRQCHIPS ||
	    root->cpu_set_size > 4096 || root->num_pci_devices > 4096 ||
	    root->num_pci_caps > 65536 || root->num_cache_regions > 4096 ||
	    root->num_pio_regions > 4096 || root->num_stream_ids > 4096)
		FAIL(-E2BIG, "root cell array count out of range");
	size = jailhouse_system_config_size(sys);
	if (size > lim->size)
		FAIL(-EINVAL, "system config truncated (arrays)");

	hv_start = sys->hypervisor_memory.phys_start;
	hv_size = sys->hypervisor_memory.size;
	if (hv_start != lim->hv_phys)
		FAIL(-EINVAL, "hypervisor memory is not where it was loaded");
	if (hv_start & (lim->hv_align - 1) || hv_size & (lim->hv_align - 1))
		FAIL(-EINVAL, "hypervisor memory misaligned: start and size "
		     "must be 2 MiB multiples (size: stricter than "
		     "upstream, the memory is mapped in 2 MiB blocks)");
	if (hv_size < lim->hv_size_min)
		FAIL(-ENOMEM, "hypervisor memory too small");
	if (hv_start + hv_size < hv_start)
		FAIL(-ERANGE, "hypervisor memory wraps around");

	if (root->cpu_set_size == 0)
		FAIL(-EINVAL, "root cell has no CPU set");
	if (config_cpu_set(root, &cpus))
		FAIL(-E2BIG, "root cell lists CPUs beyond 63");
	if (cpus == 0)
		FAIL(-EINVAL, "root cell has no CPU");
	if (lim->max_cpus < 64 && (cpus >> lim->max_cpus))
		FAIL(-ERANGE, "root cell CPU beyond the prepared CPU areas");

	for (n = 0, mem = jailhouse_cell_mem_regions(root);
	     n < root->num_memory_regions; n++, mem++) {
		if (mem->size == 0)
			continue;	/* an unused placeholder */
		if (mem->flags & ~MEM_FLAGS_KNOWN)
			FAIL(-EINVAL, "memory region with unknown flags");
		if (mem->flags & JAILHOUSE_MEM_COMM_REGION)
			FAIL(-EINVAL, "comm region in the root cell (not "
			     "supported)");
		if (JAILHOUSE_MEMORY_IS_SUBPAGE(mem) ||
		    mem->phys_start & 0xfff)
			FAIL(-EINVAL, "sub-page memory region in the root cell");
		if (mem->phys_start + mem->size < mem->phys_start ||
		    mem->virt_start + mem->size < mem->virt_start)
			FAIL(-ERANGE, "memory region wraps around");
		if (overlaps(mem->phys_start, mem->size, hv_start, hv_size))
			FAIL(-EINVAL,
			     "memory region overlaps the hypervisor memory");
	}
	return check_irqchips(root, reason);
}

bool config_mem_covered(const struct jailhouse_cell_desc *root, u64 start,
			u64 size)
{
	const struct jailhouse_memory *mem;
	u64 pos = start, end = start + size;
	unsigned int n;
	bool advanced;

	/* walk forward through the union of the root's regions */
	while (pos < end) {
		advanced = false;
		for (n = 0, mem = jailhouse_cell_mem_regions(root);
		     n < root->num_memory_regions; n++, mem++) {
			if (mem->size == 0 ||
			    (mem->flags & JAILHOUSE_MEM_COMM_REGION))
				continue;
			if (pos >= mem->phys_start &&
			    pos < mem->phys_start + mem->size) {
				pos = mem->phys_start + mem->size;
				advanced = true;
			}
		}
		if (!advanced)
			return false;
	}
	return true;
}

int config_check_cell(const struct jailhouse_cell_desc *cell, u64 size,
		      const struct config_limits *lim, const char **reason)
{
	const struct jailhouse_memory *mem, *other;
	unsigned int n, m, comm = 0;
	u64 cpus;

	if (size < sizeof(*cell))
		FAIL(-EINVAL, "cell config truncated (header)");
	if (memcmp(cell->signature, JAILHOUSE_CELL_DESC_SIGNATURE,
		   JAILHOUSE_SIGNATURE_SIZE))
		FAIL(-EINVAL, "cell config signature is not JHCLL");
	if (cell->revision != JAILHOUSE_CONFIG_REVISION)
		FAIL(-EINVAL, "cell config revision is not 14");
	if (cell->architecture != lim->arch)
		FAIL(-EINVAL, "cell config is for another architecture");
	if (strnlen(cell->name, sizeof(cell->name)) == sizeof(cell->name) ||
	    cell->name[0] == 0)
		FAIL(-EINVAL, "cell name empty or not terminated");
	if (cell->flags & JAILHOUSE_CELL_AARCH32)
		FAIL(-EINVAL, "AArch32 cells are not supported");
	if (cell->num_memory_regions > MAX_MEM_REGIONS ||
	    cell->num_irqchips > MAX_IRQCHIPS ||
	    cell->cpu_set_size > 4096 || cell->num_pci_devices > 4096 ||
	    cell->num_pci_caps > 65536 || cell->num_cache_regions > 4096 ||
	    cell->num_pio_regions > 4096 || cell->num_stream_ids > 4096)
		FAIL(-E2BIG, "cell array count out of range");
	if (jailhouse_cell_config_size(cell) > size)
		FAIL(-EINVAL, "cell config truncated (arrays)");
	/* PCI devices: the pci unit checks them (core/pci-config.c) */
	if (cell->num_stream_ids)
		FAIL(-EINVAL, "stream ids are not supported");

	if (cell->cpu_set_size == 0)
		FAIL(-EINVAL, "cell has no CPU set");
	if (config_cpu_set(cell, &cpus))
		FAIL(-E2BIG, "cell lists CPUs beyond 63");
	if (cpus == 0)
		FAIL(-EINVAL, "cell has no CPU");

	for (n = 0, mem = jailhouse_cell_mem_regions(cell);
	     n < cell->num_memory_regions; n++, mem++) {
		if (mem->size == 0)
			continue;
		if (mem->flags & ~MEM_FLAGS_KNOWN)
			FAIL(-EINVAL, "memory region with unknown flags");
		if (mem->flags & JAILHOUSE_MEM_COMM_REGION) {
			if (++comm > 1)
				FAIL(-EINVAL, "more than one comm region");
			if (mem->size != 0x1000 || mem->virt_start & 0xfff)
				FAIL(-EINVAL, "comm region not one aligned page");
		} else if (JAILHOUSE_MEMORY_IS_SUBPAGE(mem) ||
			   mem->phys_start & 0xfff) {
			FAIL(-EINVAL, "sub-page memory regions are not "
			     "supported");
		}
		if (mem->phys_start + mem->size < mem->phys_start ||
		    mem->virt_start + mem->size < mem->virt_start)
			FAIL(-ERANGE, "memory region wraps around");
		if (!(mem->flags & JAILHOUSE_MEM_COMM_REGION) &&
		    overlaps(mem->phys_start, mem->size, lim->hv_phys,
			     lim->hv_size_min))
			FAIL(-EINVAL,
			     "memory region overlaps the hypervisor memory");
		for (m = 0, other = jailhouse_cell_mem_regions(cell); m < n;
		     m++, other++)
			if (other->size &&
			    overlaps(mem->virt_start, mem->size,
				     other->virt_start, other->size))
				FAIL(-EINVAL, "memory regions overlap in the "
				     "cell's address space");
	}

	return check_irqchips(cell, reason);
}
