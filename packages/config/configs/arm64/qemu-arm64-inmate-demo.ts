// SPDX-License-Identifier: GPL-2.0-only
// Cell for the bare-metal demos of the inmate SDK on the QEMU arm64 target:
// CPU 3, 1 MiB of RAM loaded at guest address 0, the PL011 shared with the
// root cell (the demos print on it), and one SPI from the otherwise unused
// platform-bus range so that interrupt hand-over is exercised.

import { defineCell } from '@jailhouse/config';

export default defineCell({
	name: 'inmate-demo',
	flags: ['passive_commreg'],
	cpus: [3],
	cpuResetAddress: 0,
	console: { address: 0x09000000, size: 0x1000, type: 'pl011', flags: ['mmio', 'regdist_4'] },
	memoryRegions: [
		// RAM: the image is loaded at guest address 0
		{
			physStart: 0x70000000,
			virtStart: 0,
			size: '1M',
			flags: ['read', 'write', 'execute', 'loadable'],
		},
		// PL011, which the root cell keeps using
		{ physStart: 0x09000000, size: 0x1000, flags: ['read', 'write', 'io', 'rootshared'] },
		// comm region where the inmate SDK looks for it
		{ virtStart: 0x80000000, size: 0x1000, flags: ['read', 'write', 'comm_region'] },
	],
	irqchips: [{ address: 0x08000000, pinBase: 32, interrupts: [144] }],
});
