// SPDX-License-Identifier: GPL-2.0-only
// A second Linux in a cell on the QEMU arm64 target (`jailhouse cell linux`),
// in upstream's linux-demo shape: CPUs 2 and 3, a 64 KiB loader region at
// guest address 0 (the linux-loader inmate and its parameter page), 128 MiB
// of RAM mapped 1:1 for the kernel, its device tree and initramfs, and the
// PL011 as the cell's own console (taken from the root cell, which uses the
// virtio console). It is peer 2 of the ivshmem link "demo", the place
// inmate-2 takes: both need CPU 2, so they never run at the same time and
// share its INTx SPI.
//
// The bare-metal demos print on the PL011 too; while this cell runs they
// use the hypervisor's debug console instead (or run in no cell at all).

import { defineCell, ivshmemLinkRegions } from '@jailhouse/config';

/** The ivshmem link "demo" of qemu-arm64.ts; this cell is peer 2. */
const DEMO_LINK = 0x7ef00000;
const DEMO_PEERS = 3;
const OWN_ID = 2;

export default defineCell({
	name: 'linux-demo',
	flags: ['passive_commreg', 'virtual_console_permitted'],
	cpus: [2, 3],
	cpuResetAddress: 0,
	// ivshmem INTA (00:00.0): INTID 32 + 120 = 152, as inmate-2's
	vpciIrqBase: 120,
	console: { address: 0x09000000, size: 0x1000, type: 'pl011', flags: ['mmio', 'regdist_4'] },
	memoryRegions: [
		// linux-loader at 0, its parameters at 0x1000
		{
			physStart: 0x70200000,
			virtStart: 0,
			size: 0x10000,
			flags: ['read', 'write', 'execute', 'loadable'],
		},
		// the kernel's RAM, 1:1
		{
			physStart: 0x72000000,
			size: '128M',
			flags: ['read', 'write', 'execute', 'dma', 'loadable'],
		},
		// PL011: this cell's console, its own while it runs
		{ physStart: 0x09000000, size: 0x1000, flags: ['read', 'write', 'io'] },
		// comm region where upstream's Linux and the SDK look for it
		{ virtStart: 0x80000000, size: 0x1000, flags: ['read', 'write', 'comm_region'] },
		// 4-8: ivshmem link "demo" (1:1, shared with the root cell)
		...ivshmemLinkRegions({ start: DEMO_LINK, peers: DEMO_PEERS, ownId: OWN_ID, rwSize: 0x9000, outputSize: 0x2000 }),
	],
	pciDevices: [
		{
			type: 'ivshmem',
			domain: 1,
			bdf: 0x00,
			barMask: [0xfffff000, 0, 0, 0, 0, 0],
			shmemRegionsStart: 4,
			shmemDevId: OWN_ID,
			shmemPeers: DEMO_PEERS,
			shmemProtocol: 0,
		},
	],
	// PL011 (SPI 1 = INTID 33) and the ivshmem INTA
	irqchips: [{ address: 0x08000000, pinBase: 32, interrupts: [33, 152] }],
});
