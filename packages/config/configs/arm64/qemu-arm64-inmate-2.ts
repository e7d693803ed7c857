// SPDX-License-Identifier: GPL-2.0-only
// A second inmate cell for the QEMU arm64 target, next to inmate-demo:
// CPU 2 and its own 1 MiB of RAM, so that tests can run two cells at once
// and check that neither reaches the other's memory or interrupts.

import { defineCell } from '@jailhouse/config';

export default defineCell({
	name: 'inmate-2',
	flags: ['passive_commreg'],
	cpus: [2],
	cpuResetAddress: 0,
	console: { address: 0x09000000, size: 0x1000, type: 'pl011', flags: ['mmio', 'regdist_4'] },
	memoryRegions: [
		{
			physStart: 0x70100000,
			virtStart: 0,
			size: '1M',
			flags: ['read', 'write', 'execute', 'loadable'],
		},
		{ physStart: 0x09000000, size: 0x1000, flags: ['read', 'write', 'io', 'rootshared'] },
		{ virtStart: 0x80000000, size: 0x1000, flags: ['read', 'write', 'comm_region'] },
	],
	irqchips: [{ address: 0x08000000, pinBase: 32, interrupts: [145] }],
});
