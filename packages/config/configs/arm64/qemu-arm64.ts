// SPDX-License-Identifier: GPL-2.0-only
// System config of the QEMU arm64 target: `virt` machine, GICv3, 4 CPUs,
// 1 GiB RAM at 0x40000000 of which Linux uses 768 MiB (mem=768M).
//
// 0x70000000-0x7eefffff stays with the root cell so that it can hand pieces
// of it to inmate cells; 0x7ef00000-0x7ef0ffff holds the ivshmem link "demo"
// (root = peer 0, inmate-demo = peer 1, inmate-2 = peer 2), 0x7ef10000-
// 0x7ef14fff the 2-peer link "pair" (root = peer 0, inmate-demo = peer 1;
// upstream's layout for two peers, with an empty R/W section); the last
// 16 MiB hold the hypervisor.
//
// Virtual PCI: ECAM at 0x08e00000 (bus 0 only, 1 MiB, nothing of QEMU's
// there), domain 1. The root's ivshmem device 00:00.0 raises INTA, which is
// INTID 32 + vpciIrqBase (96) = 128; 00:01.0 raises INTB = INTID 129.

import { defineSystem, ivshmemLinkRegions } from '@jailhouse/config';

/** The ivshmem link "demo": state table, R/W section, one output per peer. */
const DEMO_LINK = 0x7ef00000;
const DEMO_PEERS = 3;
/** The ivshmem link "pair": state table, empty R/W section, two outputs. */
const PAIR_LINK = 0x7ef10000;


const pl011 = {
	address: 0x09000000,
	size: 0x1000,
	type: 'pl011',
	flags: ['mmio', 'regdist_4'],
} as const;

export default defineSystem({
	flags: ['virtual_debug_console'],
	hypervisorMemory: { physStart: 0x7f000000, size: '16M' },
	debugConsole: { ...pl011, flags: [...pl011.flags] },
	platform: {
		arm: {
			gicVersion: 3,
			gicdBase: 0x08000000,
			gicrBase: 0x080a0000,
			maintenanceIrq: 25,
		},
		pciMmconfigBase: 0x08e00000,
		pciMmconfigEndBus: 0,
		pciIsVirtual: true,
		pciDomain: 1,
	},
	rootCell: {
		name: 'qemu-arm64',
		cpus: '0-3',
		vpciIrqBase: 96,
		memoryRegions: [
			// Linux's RAM (mem=768M)
			{ physStart: 0x40000000, size: '768M', flags: ['read', 'write', 'execute', 'dma'] },
			// RAM for inmate cells, given away by `cell create`
			{ physStart: 0x70000000, size: '239M', flags: ['read', 'write', 'execute', 'dma'] },
			// PL011 UART; shared with inmates, used by the hypervisor
			{ physStart: 0x09000000, size: 0x1000, flags: ['read', 'write', 'io'] },
			// PL031 RTC, fw_cfg, PL061 GPIO
			{ physStart: 0x09010000, size: 0x3000, flags: ['read', 'write', 'io'] },
			// 32 virtio-mmio slots; Linux's console (hvc0) is one of them
			{ physStart: 0x0a000000, size: 0x4000, flags: ['read', 'write', 'io'] },
			// PCIe: MMIO window, I/O window, ECAM (Linux probes the host bridge)
			{ physStart: 0x10000000, size: 0x2eff0000, flags: ['read', 'write', 'io'] },
			{ physStart: 0x3eff0000, size: 0x10000, flags: ['read', 'write', 'io'] },
			{ physStart: 0x4010000000n, size: 0x10000000, flags: ['read', 'write', 'io'] },
			// 8-12: ivshmem link "demo", this cell is peer 0
			...ivshmemLinkRegions({ start: DEMO_LINK, peers: DEMO_PEERS, ownId: 0, rwSize: 0x9000, outputSize: 0x2000 }),
			// 13-16: ivshmem link "pair", this cell is peer 0
			...ivshmemLinkRegions({ start: PAIR_LINK, peers: 2, ownId: 0, rwSize: 0, outputSize: 0x2000 }),
		],
		irqchips: [
			// All 224 SPIs (INTIDs 32-255) start out with Linux.
			{ address: 0x08000000, pinBase: 32, interrupts: '32-159' },
			{ address: 0x08000000, pinBase: 160, interrupts: '160-255' },
		],
		pciDevices: [
			// ivshmem link "demo": 3 peers, protocol 0 (undefined), INTx
			{
				type: 'ivshmem',
				domain: 1,
				bdf: 0x00,
				barMask: [0xfffff000, 0, 0, 0, 0, 0],
				shmemRegionsStart: 8,
				shmemDevId: 0,
				shmemPeers: DEMO_PEERS,
				shmemProtocol: 0,
			},
			// ivshmem link "pair" with inmate-demo: 2 peers, INTx pin B
			{
				type: 'ivshmem',
				domain: 1,
				bdf: 0x08,
				barMask: [0xfffff000, 0, 0, 0, 0, 0],
				shmemRegionsStart: 13,
				shmemDevId: 0,
				shmemPeers: 2,
				shmemProtocol: 0,
			},
		],
	},
});
