// SPDX-License-Identifier: GPL-2.0-only
// Human-readable description of a decoded config (`jailhouse config show`).

import {
	CON_FLAG_NAMES,
	IOMMU_TYPE_NAMES,
	PCI_TYPE_NAMES,
	archName,
	cellFlagNames,
	consoleTypeName,
	flagNames,
	memFlagNames,
	SYS_FLAG_NAMES,
} from './constants.js';
import { encodedSize } from './codec.js';
import type { CellConfig, ConsoleDesc, JailhouseConfig } from './model.js';
import { formatRanges, hex, irqchipInterrupts } from './readable.js';
import { bdfString, ivshmemIntid, ivshmemPin, linkRegionName, linkRegions } from './ivshmem.js';

function humanSize(n: bigint): string {
	const units: Array<[bigint, string]> = [
		[1n << 30n, 'GiB'],
		[1n << 20n, 'MiB'],
		[1n << 10n, 'KiB'],
	];
	for (const [u, name] of units) if (n >= u && n % u === 0n) return `${n / u} ${name}`;
	for (const [u, name] of units) if (n >= u) return `${(Number(n) / Number(u)).toFixed(1)} ${name}`;
	return `${n} B`;
}

const pad = (s: string, n: number): string => s.padEnd(n);
/** Addresses with at least 8 hex digits, as datasheets print them. */
const addr = (v: bigint | number): string => `0x${v.toString(16).padStart(8, '0')}`;
const list = (xs: string[]): string => (xs.length ? xs.join(' | ') : 'none');

function consoleLine(c: ConsoleDesc): string {
	if (c.type === 0 && c.address === 0n) return 'none';
	let s = `${consoleTypeName(c.type)} at ${addr(c.address)}`;
	if (c.size) s += `, size ${hex(c.size)}`;
	s += `, ${list(flagNames(c.flags, CON_FLAG_NAMES))}`;
	if (c.divider) s += `, divider ${c.divider}`;
	if (c.clockReg) s += `, clock gate ${c.gateNr} at ${hex(c.clockReg)}`;
	return s;
}


function cellLines(c: CellConfig, indent: string): string[] {
	const out: string[] = [];
	const kv = (k: string, v: string): void => {
		out.push(`${indent}${pad(`${k}:`, 18)}${v}`);
	};
	kv('flags', list(cellFlagNames(c.flags)));
	kv('CPUs', `${formatRanges(c.cpus) || 'none'} (set of ${c.cpuSetSize} bytes)`);
	kv('reset address', hex(c.cpuResetAddress));
	if (c.msgReplyTimeout) kv('reply timeout', c.msgReplyTimeout.toString());
	if (c.vpciIrqBase) kv('vPCI IRQ base', String(c.vpciIrqBase));
	kv('console', consoleLine(c.console));
	if (c.id) kv('id', String(c.id));
	out.push(`${indent}memory regions (${c.memoryRegions.length}):`);
	for (const m of c.memoryRegions) {
		const phys = (m.flags & 0x20n) !== 0n ? '(comm region)' : addr(m.physStart);
		out.push(
			`${indent}  ${phys.padEnd(13)} -> ${addr(m.virtStart).padEnd(12)} size ${hex(m.size).padEnd(11)} ${`(${humanSize(m.size)})`.padEnd(11)} ${list(memFlagNames(m.flags))}`,
		);
	}
	if (c.irqchips.length) {
		out.push(`${indent}irqchips (${c.irqchips.length}):`);
		for (const ic of c.irqchips) {
			out.push(`${indent}  GIC ${addr(ic.address)} pin base ${ic.pinBase}: interrupts ${formatRanges(irqchipInterrupts(ic)) || 'none'}`);
		}
	}
	if (c.pciDevices.length) {
		out.push(`${indent}PCI devices (${c.pciDevices.length}):`);
		for (const d of c.pciDevices) {
			let s = `${indent}  ${bdfString(d.domain, d.bdf)} ${PCI_TYPE_NAMES[d.type] ?? `type ${d.type}`}`;
			if (d.type === 3) {
				s += `: peer ${d.shmemDevId} of ${d.shmemPeers}, protocol ${hex(d.shmemProtocol)}`;
				s += d.numMsixVectors ? `, ${d.numMsixVectors} MSI-X vectors` : `, INT${'ABCD'[ivshmemPin(d.bdf) - 1]} = INTID ${ivshmemIntid(c, d)}`;
				out.push(s);
				const regs = linkRegions(c, d);
				if (!regs) {
					out.push(`${indent}    link regions from memoryRegions[${d.shmemRegionsStart}]: past the end of the list`);
					continue;
				}
				regs.forEach((m, k) => {
					const what = linkRegionName(k) + (k >= 2 && k - 2 === d.shmemDevId ? ' (own)' : '');
					const where = m.size === 0n ? 'none' : `${addr(m.physStart)} size ${hex(m.size)}`;
					out.push(`${indent}    ${`[${d.shmemRegionsStart + k}]`.padEnd(5)}${what.padEnd(33)}${where.padEnd(27)} ${m.size === 0n ? '' : list(memFlagNames(m.flags))}`.trimEnd());
				});
				continue;
			}
			if (d.numMsixVectors) s += `, ${d.numMsixVectors} MSI-X vectors`;
			out.push(s);
		}
	}
	if (c.pciCaps.length) out.push(`${indent}PCI capabilities: ${c.pciCaps.length}`);
	if (c.cacheRegions.length) out.push(`${indent}cache regions: ${c.cacheRegions.length}`);
	if (c.pioRegions.length) {
		out.push(`${indent}PIO regions: ${c.pioRegions.map((p) => `${hex(p.base)}+${hex(p.length)}`).join(', ')}`);
	}
	if (c.streamIds.length) out.push(`${indent}stream IDs: ${c.streamIds.map(hex).join(', ')}`);
	return out;
}

/** A readable multi-line description of a config. */
export function describeConfig(cfg: JailhouseConfig): string {
	const size = encodedSize(cfg);
	const out: string[] = [];
	if (cfg.kind === 'cell') {
		out.push(`Cell "${cfg.name}" (${archName(cfg.architecture)}, config revision ${cfg.revision}), ${size} bytes`);
		out.push(...cellLines(cfg, '  '));
		return out.join('\n');
	}
	const hv = cfg.hypervisorMemory;
	out.push(`System config (${archName(cfg.architecture)}, config revision ${cfg.revision}), ${size} bytes`);
	out.push(`  ${pad('flags:', 18)}${list(flagNames(cfg.flags, SYS_FLAG_NAMES))}`);
	out.push(`  ${pad('hypervisor:', 18)}${addr(hv.physStart)}-${addr(hv.physStart + hv.size - 1n)} (${humanSize(hv.size)})`);
	out.push(`  ${pad('debug console:', 18)}${consoleLine(cfg.debugConsole)}`);
	const p = cfg.platform;
	if (p.arm) {
		const a = p.arm;
		let gic = `v${a.gicVersion}, GICD ${addr(a.gicdBase)}`;
		if (a.gicrBase) gic += `, GICR ${addr(a.gicrBase)}`;
		if (a.giccBase) gic += `, GICC ${addr(a.giccBase)}, GICH ${addr(a.gichBase)}, GICV ${addr(a.gicvBase)}`;
		gic += `, maintenance IRQ ${a.maintenanceIrq}`;
		out.push(`  ${pad('GIC:', 18)}${gic}`);
	}
	if (p.pciMmconfigBase) {
		out.push(
			`  ${pad('PCI:', 18)}ECAM ${hex(p.pciMmconfigBase)}, buses 0-${p.pciMmconfigEndBus}, domain ${p.pciDomain}${p.pciIsVirtual ? ', virtual' : ''}`,
		);
	}
	for (const u of p.iommuUnits) {
		out.push(`  ${pad('IOMMU:', 18)}${IOMMU_TYPE_NAMES[u.type] ?? u.type} at ${hex(u.base)}, size ${hex(u.size)}`);
	}
	out.push(`  root cell "${cfg.rootCell.name}":`);
	out.push(...cellLines(cfg.rootCell, '    '));
	return out.join('\n');
}
