// SPDX-License-Identifier: GPL-2.0-only
// System config of the QEMU arm64 target: `virt` machine, GICv3, 4 CPUs,
// 1 GiB RAM at 0x40000000 of which Linux uses 768 MiB (mem=768M).
//
// 0x70000000-0x7effffff stays with the root cell so that it can hand pieces
// of it to inmate cells; the last 16 MiB hold the hypervisor.

import { defineSystem } from '@jailhouse/config';

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
	},
	rootCell: {
		name: 'qemu-arm64',
		cpus: '0-3',
		memoryRegions: [
			// Linux's RAM (mem=768M)
			{ physStart: 0x40000000, size: '768M', flags: ['read', 'write', 'execute', 'dma'] },
			// RAM for inmate cells, given away by `cell create`
			{ physStart: 0x70000000, size: '240M', flags: ['read', 'write', 'execute', 'dma'] },
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
		],
		irqchips: [
			// All 224 SPIs (INTIDs 32-255) start out with Linux.
			{ address: 0x08000000, pinBase: 32, interrupts: '32-159' },
			{ address: 0x08000000, pinBase: 160, interrupts: '160-255' },
		],
	},
});
