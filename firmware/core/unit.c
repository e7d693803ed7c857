// SPDX-License-Identifier: GPL-2.0-only
/* The unit table (see core/unit.h) and its callers. */
#include <core/cell.h>
#include <core/printk.h>
#include <core/unit.h>

/* in order: the PCI bus before the devices on it */
static const struct unit *const units[] = {
	&pci_unit,
	&ivshmem_unit,
};

#define for_each_unit(u, n)						\
	for ((n) = 0; (n) < ARRAY_SIZE(units) && ((u) = units[n], 1); (n)++)

int units_init(void)
{
	const struct unit *u;
	unsigned int n;
	int err;

	for_each_unit(u, n) {
		if (!u->init)
			continue;
		err = u->init();
		if (err) {
			printk("ERROR: %s: setup failed (%d)\n", u->name, err);
			return err;
		}
	}
	return 0;
}

void units_shutdown(void)
{
	unsigned int n;

	for (n = ARRAY_SIZE(units); n-- > 0;)
		if (units[n]->shutdown)
			units[n]->shutdown();
}

int units_check_config(const struct jailhouse_cell_desc *cfg,
		       const char **reason)
{
	const struct unit *u;
	unsigned int n;
	int err;

	for_each_unit(u, n) {
		if (!u->check_config)
			continue;
		err = u->check_config(cfg, reason);
		if (err)
			return err;
	}
	return 0;
}

int units_cell_check(struct cell *cell)
{
	const struct unit *u;
	unsigned int n;
	int err;

	for_each_unit(u, n) {
		if (!u->cell_check)
			continue;
		err = u->cell_check(cell);
		if (err)
			return err;
	}
	return 0;
}

int units_cell_init(struct cell *cell)
{
	const struct unit *u;
	unsigned int n;
	int err;

	for_each_unit(u, n) {
		if (!u->cell_init)
			continue;
		err = u->cell_init(cell);
		if (err) {
			/* the caller's units_cell_exit undoes the others */
			printk("ERROR: %s: cell \"%s\" not set up (%d)\n",
			       u->name, cell->config->name, err);
			return err;
		}
	}
	return 0;
}

void units_cell_reset(struct cell *cell)
{
	const struct unit *u;
	unsigned int n;

	for_each_unit(u, n)
		if (u->cell_reset)
			u->cell_reset(cell);
}

void units_cell_failed(struct cell *cell)
{
	const struct unit *u;
	unsigned int n;

	for_each_unit(u, n)
		if (u->cell_failed)
			u->cell_failed(cell);
}

/* Must cope with a cell whose cell_init ran partly or not at all. */
void units_cell_exit(struct cell *cell)
{
	unsigned int n;

	for (n = ARRAY_SIZE(units); n-- > 0;)
		if (units[n]->cell_exit)
			units[n]->cell_exit(cell);
}

enum mmio_result units_mmio(struct per_cpu *cpu, struct mmio_access *acc)
{
	enum mmio_result res;
	const struct unit *u;
	unsigned int n;

	for_each_unit(u, n) {
		if (!u->mmio)
			continue;
		res = u->mmio(cpu, acc);
		if (res != MMIO_UNHANDLED)
			return res;
	}
	return MMIO_UNHANDLED;
}
