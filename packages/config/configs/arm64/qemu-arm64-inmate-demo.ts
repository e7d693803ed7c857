// SPDX-License-Identifier: GPL-2.0-only
// Cell for the bare-metal demos of the inmate SDK on the QEMU arm64 target:
// CPU 3, 1 MiB of RAM loaded at guest address 0, the PL011 shared with the
// root cell (the demos print on it), and one SPI from the otherwise unused
// platform-bus range so that interrupt hand-over is exercised.

import { defineCell, ivshmemLinkRegions } from '@jailhouse/config';

/** The ivshmem link "demo" of qemu-arm64.ts; this cell is peer 1. */
const DEMO_LINK = 0x7ef00000;
const DEMO_PEERS = 3;
const OWN_ID = 1;

export default defineCell({
	name: 'inmate-demo',
	flags: ['passive_commreg'],
	cpus: [3],
	cpuResetAddress: 0,
	// ivshmem INTA: INTID 32 + 112 = 144
	vpciIrqBase: 112,
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
		// 3-7: ivshmem link "demo" (1:1, shared with the root cell)
		...ivshmemLinkRegions({ start: DEMO_LINK, peers: DEMO_PEERS, ownId: OWN_ID, rwSize: 0x9000, outputSize: 0x2000 }),
	],
	pciDevices: [
		{
			type: 'ivshmem',
			domain: 1,
			bdf: 0x00,
			barMask: [0xfffff000, 0, 0, 0, 0, 0],
			shmemRegionsStart: 3,
			shmemDevId: OWN_ID,
			shmemPeers: DEMO_PEERS,
			shmemProtocol: 0,
		},
	],
	irqchips: [{ address: 0x08000000, pinBase: 32, interrupts: [144] }],
});
