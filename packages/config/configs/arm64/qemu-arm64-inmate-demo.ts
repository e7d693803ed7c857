// SPDX-License-Identifier: GPL-2.0-only
// Cell for the bare-metal demos of the inmate SDK on the QEMU arm64 target:
// CPU 3, 1 MiB of RAM loaded at guest address 0, the PL011 shared with the
// root cell (the demos print on it), and two ivshmem devices: peer 1 of the
// 3-peer link "demo" (00:00.0) and of the 2-peer link "pair" with the root
// (00:01.0), whose INTx SPIs the cell takes over from the root.

import { defineCell, ivshmemLinkRegions } from '@jailhouse/config';

/** The ivshmem link "demo" of qemu-arm64.ts; this cell is peer 1. */
const DEMO_LINK = 0x7ef00000;
const DEMO_PEERS = 3;
const OWN_ID = 1;
/** The 2-peer link "pair" with the root cell; this cell is peer 1. */
const PAIR_LINK = 0x7ef10000;

export default defineCell({
	name: 'inmate-demo',
	flags: ['passive_commreg'],
	cpus: [3],
	cpuResetAddress: 0,
	// ivshmem INTA (00:00.0): INTID 32 + 112 = 144, INTB (00:01.0): 145
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
		// 8-11: ivshmem link "pair" (the root cell is the other peer)
		...ivshmemLinkRegions({ start: PAIR_LINK, peers: 2, ownId: 1, rwSize: 0, outputSize: 0x2000 }),
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
		{
			type: 'ivshmem',
			domain: 1,
			bdf: 0x08,
			barMask: [0xfffff000, 0, 0, 0, 0, 0],
			shmemRegionsStart: 8,
			shmemDevId: 1,
			shmemPeers: 2,
			shmemProtocol: 0,
		},
	],
	irqchips: [{ address: 0x08000000, pinBase: 32, interrupts: [144, 145] }],
});
