// SPDX-License-Identifier: GPL-2.0-only
// Test helpers that talk to C compilers: a probe of every layout entry and
// constant, and C source that spells out a given config as a C initializer
// (the way configs used to be written), compiled and read back as bytes.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEADERS } from './fixtures.js';
import type { CellConfig, ConsoleDesc, JailhouseConfig, MemoryRegion } from '../src/model.js';
import { ALL_LAYOUTS, BITFIELDS } from '../src/layout.js';

export interface Toolchain {
	name: string;
	cc: string;
	objcopy: string;
}

function have(cmd: string): boolean {
	return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Host gcc always; the aarch64 cross compiler when it is installed. */
export function toolchains(): Toolchain[] {
	const out: Toolchain[] = [{ name: 'host', cc: 'gcc', objcopy: 'objcopy' }];
	if (have('aarch64-linux-gnu-gcc')) {
		out.push({ name: 'aarch64', cc: 'aarch64-linux-gnu-gcc', objcopy: 'aarch64-linux-gnu-objcopy' });
	}
	return out;
}

const CFLAGS = ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-ffreestanding', `-I${HEADERS}`];

export function tmp(): string {
	return mkdtempSync(join(tmpdir(), 'jh-config-test-'));
}

/** Probe entries: name -> [offset, size]; sizeof entries use offset -1. */
export function probeSource(constants: Record<string, bigint>): string {
	const lines = ['#include <jailhouse/cell-config.h>', 'void probe(void);', 'void probe(void)', '{'];
	const emit = (tag: string, a: string, b: string): void => {
		lines.push(`\t__asm__ volatile("# PROBE ${tag} %c0 %c1" :: "i"(${a}), "i"(${b}));`);
	};
	for (const l of ALL_LAYOUTS) {
		emit(`${l.cType.replace(' ', ':')}.<sizeof>`, '0', `sizeof(${l.cType})`);
		for (const f of Object.keys(l.fields)) {
			if (BITFIELDS.has(f)) continue;
			emit(`${l.cType.replace(' ', ':')}.${f}`, `__builtin_offsetof(${l.cType}, ${f})`, `sizeof(((${l.cType} *)0)->${f})`);
		}
	}
	for (const name of Object.keys(constants)) {
		// Three pieces: an immediate above 2^31 is not encodable everywhere.
		const v = `((unsigned long long)(${name}))`;
		lines.push(`\t__asm__ volatile("# PROBE const:${name} %c0 %c1" :: "i"((int)(${v} >> 32)), "i"((int)(${v} & 0xffffffffULL) >> 16 & 0xffff));`);
		lines.push(`\t__asm__ volatile("# PROBE constlo:${name} %c0 %c1" :: "i"(0), "i"((int)(${v} & 0xffff)));`);
	}
	lines.push('}');
	return `${lines.join('\n')}\n`;
}

/** Compiles the probe to assembly and reads the values back. */
export function runProbe(tc: Toolchain, src: string): Map<string, [bigint, bigint]> {
	const dir = tmp();
	writeFileSync(join(dir, 'probe.c'), src);
	execFileSync(tc.cc, [...CFLAGS, '-S', '-o', join(dir, 'probe.s'), join(dir, 'probe.c')], { stdio: 'pipe' });
	const out = new Map<string, [bigint, bigint]>();
	for (const m of readFileSync(join(dir, 'probe.s'), 'utf8').matchAll(/# PROBE (\S+) [#$]?(-?\d+) [#$]?(-?\d+)/g)) {
		out.set(m[1]!, [BigInt(m[2]!), BigInt(m[3]!)]);
	}
	return out;
}

/* ---------------- config -> C initializer ---------------- */

const u = (v: bigint | number): string => `0x${v.toString(16)}${typeof v === 'bigint' || v > 0xffffffff ? 'ULL' : 'U'}`;
const chars = (s: string): string => `{ ${[...s].map((c) => `'${c}'`).join(', ')} }`;

function consoleC(c: ConsoleDesc): string {
	return `{ .address = ${u(c.address)}, .size = ${u(c.size)}, .type = ${u(c.type)}, .flags = ${u(c.flags)}, .divider = ${u(c.divider)}, .gate_nr = ${u(c.gateNr)}, .clock_reg = ${u(c.clockReg)} }`;
}

function memC(m: MemoryRegion): string {
	return `{ .phys_start = ${u(m.physStart)}, .virt_start = ${u(m.virtStart)}, .size = ${u(m.size)}, .flags = ${u(m.flags)} }`;
}

function descC(c: CellConfig, header: boolean): string {
	const f = [
		header ? `.signature = ${chars('JHCLL')}, .architecture = ${c.architecture}, .revision = ${c.revision}` : '',
		`.name = ${JSON.stringify(c.name)}`,
		`.id = ${u(c.id)}`,
		`.flags = ${u(c.flags)}`,
		`.cpu_set_size = sizeof(config.cpus)`,
		`.num_memory_regions = ${c.memoryRegions.length}`,
		`.num_cache_regions = ${c.cacheRegions.length}`,
		`.num_irqchips = ${c.irqchips.length}`,
		`.num_pio_regions = ${c.pioRegions.length}`,
		`.num_pci_devices = ${c.pciDevices.length}`,
		`.num_pci_caps = ${c.pciCaps.length}`,
		`.num_stream_ids = ${c.streamIds.length}`,
		`.vpci_irq_base = ${u(c.vpciIrqBase)}`,
		`.cpu_reset_address = ${u(c.cpuResetAddress)}`,
		`.msg_reply_timeout = ${u(c.msgReplyTimeout)}`,
		`.console = ${consoleC(c.console)}`,
	].filter((s) => s !== '');
	return `{\n\t\t${f.join(',\n\t\t')}\n\t}`;
}

function arraysC(c: CellConfig): { members: string[]; inits: string[] } {
	const members: string[] = [];
	const inits: string[] = [];
	const words = c.cpuSetSize % 8 === 0;
	const n = words ? c.cpuSetSize / 8 : c.cpuSetSize;
	const set: bigint[] = new Array<bigint>(n).fill(0n);
	for (const cpu of c.cpus) {
		const per = words ? 64 : 8;
		set[Math.floor(cpu / per)] = set[Math.floor(cpu / per)]! | (1n << BigInt(cpu % per));
	}
	members.push(`${words ? '__u64' : '__u8'} cpus[${n}];`);
	inits.push(`.cpus = { ${set.map(u).join(', ')} }`);
	const arr = (type: string, name: string, items: string[]): void => {
		if (!items.length) return;
		members.push(`${type} ${name}[${items.length}];`);
		inits.push(`.${name} = {\n\t\t${items.join(',\n\t\t')}\n\t}`);
	};
	arr('struct jailhouse_memory', 'mem_regions', c.memoryRegions.map(memC));
	arr('struct jailhouse_cache', 'cache_regions', c.cacheRegions.map((r) => `{ .start = ${r.start}, .size = ${r.size}, .type = ${r.type}, .flags = ${u(r.flags)} }`));
	arr('struct jailhouse_irqchip', 'irqchips', c.irqchips.map((r) => `{ .address = ${u(r.address)}, .id = ${u(r.id)}, .pin_base = ${r.pinBase}, .pin_bitmap = { ${r.pinBitmap.map(u).join(', ')} } }`));
	arr('struct jailhouse_pio', 'pio_regions', c.pioRegions.map((r) => `{ .base = ${u(r.base)}, .length = ${u(r.length)} }`));
	arr(
		'struct jailhouse_pci_device',
		'pci_devices',
		c.pciDevices.map(
			(d) =>
				`{ .type = ${d.type}, .iommu = ${d.iommu}, .domain = ${u(d.domain)}, .bdf = ${u(d.bdf)}, .bar_mask = { ${d.barMask.map(u).join(', ')} }, .caps_start = ${d.capsStart}, .num_caps = ${d.numCaps}, .num_msi_vectors = ${d.numMsiVectors}, .msi_64bits = ${d.msi64Bits ? 1 : 0}, .msi_maskable = ${d.msiMaskable ? 1 : 0}, .num_msix_vectors = ${d.numMsixVectors}, .msix_region_size = ${u(d.msixRegionSize)}, .msix_address = ${u(d.msixAddress)}, .shmem_regions_start = ${d.shmemRegionsStart}, .shmem_dev_id = ${d.shmemDevId}, .shmem_peers = ${d.shmemPeers}, .shmem_protocol = ${u(d.shmemProtocol)} }`,
		),
	);
	arr('struct jailhouse_pci_capability', 'pci_caps', c.pciCaps.map((r) => `{ .id = ${u(r.id)}, .start = ${u(r.start)}, .len = ${r.len}, .flags = ${u(r.flags)} }`));
	arr('union jailhouse_stream_id', 'stream_ids', c.streamIds.map((s) => `{ .id = ${u(s)} }`));
	return { members, inits };
}

/** C source of a config in the style of upstream's configs/*.c. */
export function configToC(cfg: JailhouseConfig): string {
	const cell = cfg.kind === 'system' ? cfg.rootCell : cfg;
	const { members, inits } = arraysC(cell);
	let head: string;
	let headInit: string;
	if (cfg.kind === 'cell') {
		head = 'struct jailhouse_cell_desc cell;';
		headInit = `.cell = ${descC(cfg, true)}`;
	} else {
		const p = cfg.platform;
		const iommus = p.iommuUnits.map((i) => {
			let tail = '';
			if (i.amd) tail = `, .amd = { .bdf = ${u(i.amd.bdf)}, .base_cap = ${u(i.amd.baseCap)}, .msi_cap = ${u(i.amd.msiCap)}, .features = ${u(i.amd.features)} }`;
			if (i.tipvu) tail = `, .tipvu = { .tlb_base = ${u(i.tipvu.tlbBase)}, .tlb_size = ${u(i.tipvu.tlbSize)} }`;
			return `{ .type = ${i.type}, .base = ${u(i.base)}, .size = ${u(i.size)}${tail} }`;
		});
		const a = p.arm!;
		head = 'struct jailhouse_system header;';
		headInit = `.header = {
	.signature = ${chars('JHSYS')},
	.architecture = ${cfg.architecture},
	.revision = ${cfg.revision},
	.flags = ${u(cfg.flags)},
	.hypervisor_memory = ${memC(cfg.hypervisorMemory)},
	.debug_console = ${consoleC(cfg.debugConsole)},
	.platform_info = {
		.pci_mmconfig_base = ${u(p.pciMmconfigBase)},
		.pci_mmconfig_end_bus = ${p.pciMmconfigEndBus},
		.pci_is_virtual = ${p.pciIsVirtual},
		.pci_domain = ${u(p.pciDomain)},
		.iommu_units = { ${iommus.join(', ')} },
		.arm = {
			.maintenance_irq = ${a.maintenanceIrq},
			.gic_version = ${a.gicVersion},
			.gicd_base = ${u(a.gicdBase)},
			.gicc_base = ${u(a.giccBase)},
			.gich_base = ${u(a.gichBase)},
			.gicv_base = ${u(a.gicvBase)},
			.gicr_base = ${u(a.gicrBase)},
		},
	},
	.root_cell = ${descC(cfg.rootCell, !cfg.rootCell.headerZeroed)},
}`;
	}
	return `/* generated by packages/config/test/cgen.ts */
#include <jailhouse/cell-config.h>

struct {
	${head}
	${members.join('\n\t')}
} __attribute__((packed)) config = {
${headInit},
${inits.join(',\n')}
};
`;
}

/** Compiles C source and returns the bytes of its .data section. */
export function compileToBytes(tc: Toolchain, src: string): Uint8Array {
	const dir = tmp();
	writeFileSync(join(dir, 'config.c'), src);
	execFileSync(tc.cc, [...CFLAGS, '-c', '-o', join(dir, 'config.o'), join(dir, 'config.c')], { stdio: 'pipe' });
	execFileSync(tc.objcopy, ['-O', 'binary', '-j', '.data', join(dir, 'config.o'), join(dir, 'config.bin')], { stdio: 'pipe' });
	return new Uint8Array(readFileSync(join(dir, 'config.bin')));
}
