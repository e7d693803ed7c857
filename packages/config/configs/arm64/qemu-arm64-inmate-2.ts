// SPDX-License-Identifier: GPL-2.0-only
// A second inmate cell for the QEMU arm64 target, next to inmate-demo:
// CPU 2 and its own 1 MiB of RAM, so that tests can run two cells at once
// and check that neither reaches the other's memory or interrupts. Both
// are peers of the ivshmem link "demo" with the root cell (qemu-arm64.ts).

import { defineCell, ivshmemLinkRegions } from '@jailhouse/config';

/** The ivshmem link "demo" of qemu-arm64.ts; this cell is peer 2. */
const DEMO_LINK = 0x7ef00000;
const DEMO_PEERS = 3;
const OWN_ID = 2;

export default defineCell({
	name: 'inmate-2',
	flags: ['passive_commreg'],
	cpus: [2],
	cpuResetAddress: 0,
	// ivshmem INTA: INTID 32 + 120 = 152
	vpciIrqBase: 120,
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
	irqchips: [{ address: 0x08000000, pinBase: 32, interrupts: [146, 152] }],
});
