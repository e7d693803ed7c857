// SPDX-License-Identifier: GPL-2.0-only
// A two-CPU cell for the multi-CPU demos of the inmate SDK (smp-demo) on
// the QEMU arm64 target: CPUs 2 and 3 (MPIDRs differ in Aff0, so the first
// starts the second with PSCI CPU_ON), 1 MiB of RAM loaded at guest
// address 0, the PL011 shared with the root cell, the comm region where the
// SDK looks for it. No ivshmem and no interrupts of its own (the demos use
// the timer PPIs only). It shares its CPUs with inmate-demo and inmate-2,
// so it runs on its own (sets.json).

import { defineCell } from '@jailhouse/config';

export default defineCell({
	name: 'inmate-smp',
	flags: ['passive_commreg'],
	cpus: [2, 3],
	cpuResetAddress: 0,
	console: { address: 0x09000000, size: 0x1000, type: 'pl011', flags: ['mmio', 'regdist_4'] },
	memoryRegions: [
		// RAM: the image is loaded at guest address 0
		{
			physStart: 0x70300000,
			virtStart: 0,
			size: '1M',
			flags: ['read', 'write', 'execute', 'loadable'],
		},
		// PL011, which the root cell keeps using
		{ physStart: 0x09000000, size: 0x1000, flags: ['read', 'write', 'io', 'rootshared'] },
		// comm region where the inmate SDK looks for it
		{ virtStart: 0x80000000, size: 0x1000, flags: ['read', 'write', 'comm_region'] },
	],
});
