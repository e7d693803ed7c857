// SPDX-License-Identifier: GPL-2.0-only
// ivshmem v2 devices in configs: the checks the hypervisor makes of each
// device when a cell is created, and those of the links across a set of
// cells (a link is the devices with the same BDF in different cells).
// Findings come back without a file; validate.ts adds it.

import { MEM_COMM_REGION, MEM_IO, MEM_READ, MEM_ROOTSHARED, MEM_WRITE, PCI_TYPE_BRIDGE, PCI_TYPE_DEVICE, PCI_TYPE_IVSHMEM } from './constants.js';
import type { CellConfig, MemoryRegion, PciDevice, PlatformInfo } from './model.js';
import { hex, irqchipInterrupts } from './readable.js';

/** Upstream's limit of peers on one link. */
export const IVSHMEM_MAX_PEERS = 12;
export const IVSHMEM_VENDOR_ID = 0x110a;
export const IVSHMEM_DEVICE_ID = 0x4106;

export interface IvshmemFinding {
	rule: 'ivshmem' | 'pci' | 'unsupported' | 'flags';
	field: string;
	message: string;
	fix: string;
}

/** "0001:00:00.0" */
export function bdfString(domain: number, bdf: number): string {
	const h = (n: number, w: number): string => n.toString(16).padStart(w, '0');
	return `${h(domain, 4)}:${h(bdf >> 8, 2)}:${h((bdf >> 3) & 31, 2)}.${bdf & 7}`;
}

/** INTx pin (1 = INTA) the hypervisor gives an ivshmem device: it rotates with the device number. */
export function ivshmemPin(bdf: number): number {
	return ((bdf >> 3) & 3) + 1;
}

/** The GIC INTID of an ivshmem device's INTx in a cell (arm64). */
export function ivshmemIntid(cell: CellConfig, dev: PciDevice): number {
	return 32 + cell.vpciIrqBase + ivshmemPin(dev.bdf) - 1;
}

/** Names of the regions of a link, relative to shmemRegionsStart. */
export function linkRegionName(k: number): string {
	if (k === 0) return 'state table';
	if (k === 1) return 'R/W section';
	return `output section of peer ${k - 2}`;
}

/** The memory regions of a device's link, or undefined if they are not all in the config. */
export function linkRegions(cell: CellConfig, dev: PciDevice): MemoryRegion[] | undefined {
	const n = 2 + dev.shmemPeers;
	if (dev.shmemRegionsStart + n > cell.memoryRegions.length) return undefined;
	return cell.memoryRegions.slice(dev.shmemRegionsStart, dev.shmemRegionsStart + n);
}

const has = (m: MemoryRegion, f: bigint): boolean => (m.flags & f) !== 0n;

function validBarMask(mask: number): boolean {
	const size = (~mask >>> 0) + 1;
	return mask !== 0 && (mask & 0xfff) === 0 && (size & (size - 1)) === 0;
}

/**
 * Checks the PCI devices of one cell. `platform` is the system's, when
 * known (the root cell, or a cell checked in a set).
 */
export function checkPciDevices(c: CellConfig, path: string, isRoot: boolean, platform?: PlatformInfo): IvshmemFinding[] {
	const out: IvshmemFinding[] = [];
	const p = (f: string): string => (path ? `${path}.${f}` : f);
	const add = (rule: IvshmemFinding['rule'], field: string, message: string, fix: string): void => {
		out.push({ rule, field: p(field), message, fix });
	};
	const irqs = new Set<number>();
	for (const ic of c.irqchips) for (const n of irqchipInterrupts(ic)) irqs.add(n);
	const seen = new Map<number, number>();

	c.pciDevices.forEach((d, i) => {
		const f = `pciDevices[${i}]`;
		const name = `PCI device ${bdfString(d.domain, d.bdf)}`;
		const prev = seen.get(d.bdf);
		if (prev !== undefined) {
			add('pci', `${f}.bdf`, `${name} uses the same BDF as pciDevices[${prev}]`, 'give every PCI device of a cell its own bus/device/function');
		} else seen.set(d.bdf, i);

		if (d.type === PCI_TYPE_DEVICE || d.type === PCI_TYPE_BRIDGE) {
			if (!isRoot) {
				add('unsupported', f, `${name}: PCI pass-through (physical devices and bridges) is not supported by this hypervisor (upstream has it); only ivshmem devices are`, 'remove it (and its pciCaps) from the cell');
			}
			return;
		}
		if (d.type !== PCI_TYPE_IVSHMEM) {
			add('flags', `${f}.type`, `${name} has unknown type ${d.type}`, "use type 'ivshmem' (3)");
			return;
		}

		if (d.numMsixVectors > 0) {
			add('unsupported', `${f}.numMsixVectors`, `${name} asks for ${d.numMsixVectors} MSI-X vectors: ivshmem here delivers INTx only (arm64 has no MSI-X without an ITS)`, 'set numMsixVectors to 0 and barMask to [0xfffff000, 0, 0, 0, 0, 0]');
		}
		if (!validBarMask(d.barMask[0])) {
			add('ivshmem', `${f}.barMask`, `${name}: BAR0 mask ${hex(d.barMask[0])} is not the mask of a power-of-two register region of at least 4 KiB`, 'use 0xfffff000 (4 KiB, as upstream)');
		}
		if (d.barMask.slice(1).some((m) => m !== 0) && d.numMsixVectors === 0) {
			add('ivshmem', `${f}.barMask`, `${name}: BARs 1-5 have masks, but with INTx the device has BAR0 only`, 'set barMask to [0xfffff000, 0, 0, 0, 0, 0]');
		}
		if (d.shmemPeers > IVSHMEM_MAX_PEERS) {
			add('ivshmem', `${f}.shmemPeers`, `${name} has ${d.shmemPeers} peers, at most ${IVSHMEM_MAX_PEERS} are possible`, `use ${IVSHMEM_MAX_PEERS} peers or fewer`);
		}
		if (d.shmemDevId >= d.shmemPeers) {
			add('ivshmem', `${f}.shmemDevId`, `${name}: peer id ${d.shmemDevId} is not below the number of peers ${d.shmemPeers}`, `use an id 0..${Math.max(d.shmemPeers - 1, 0)} or raise shmemPeers`);
		}
		const n = 2 + d.shmemPeers;
		if (d.shmemRegionsStart + n > c.memoryRegions.length) {
			add('ivshmem', `${f}.shmemRegionsStart`, `${name}: its link needs ${n} memory regions from index ${d.shmemRegionsStart} (state table, R/W section, ${d.shmemPeers} outputs), the cell has ${c.memoryRegions.length}`, `add the link's regions at memoryRegions[${d.shmemRegionsStart}..${d.shmemRegionsStart + n - 1}] or fix shmemRegionsStart`);
		} else if (d.shmemDevId < d.shmemPeers) {
			checkLinkRegions(add, c, d, f, name);
		}

		const intid = ivshmemIntid(c, d);
		if (d.numMsixVectors === 0 && !irqs.has(intid)) {
			add('ivshmem', `${f}`, `${name} raises INTx pin ${'ABCD'[ivshmemPin(d.bdf) - 1]} = INTID ${intid} (32 + vpciIrqBase ${c.vpciIrqBase} + ${ivshmemPin(d.bdf) - 1}), which is not in the cell's irqchips`, `add interrupt ${intid} to the cell's irqchips or change vpciIrqBase`);
		}
	});
	if (platform) out.push(...checkPciPlatform(c, path, platform));
	return out;
}

/** The checks of a cell's ivshmem devices against the system's virtual PCI host. */
export function checkPciPlatform(c: CellConfig, path: string, platform: PlatformInfo): IvshmemFinding[] {
	const out: IvshmemFinding[] = [];
	const p = (f: string): string => (path ? `${path}.${f}` : f);
	c.pciDevices.forEach((d, i) => {
		if (d.type !== PCI_TYPE_IVSHMEM) return;
		const f = `pciDevices[${i}]`;
		const name = `PCI device ${bdfString(d.domain, d.bdf)}`;
		if (platform.pciMmconfigBase === 0n) {
			out.push({ rule: 'ivshmem', field: p(f), message: `${name}: the system config has no virtual PCI host (platform.pciMmconfigBase is 0), so no cell can reach the device`, fix: 'set platform.pciMmconfigBase, pciMmconfigEndBus and pciIsVirtual in the system config' });
		} else if (d.bdf >> 8 > platform.pciMmconfigEndBus) {
			out.push({ rule: 'ivshmem', field: p(`${f}.bdf`), message: `${name} is on bus ${d.bdf >> 8}, the virtual PCI host decodes buses 0-${platform.pciMmconfigEndBus}`, fix: 'put it on bus 0 or raise platform.pciMmconfigEndBus' });
		}
	});
	return out;
}

function checkLinkRegions(add: (rule: IvshmemFinding['rule'], field: string, message: string, fix: string) => void, c: CellConfig, d: PciDevice, f: string, name: string): void {
	const s = d.shmemRegionsStart;
	const regs = c.memoryRegions.slice(s, s + 2 + d.shmemPeers);
	const rf = (k: number): string => `memoryRegions[${s + k}]`;
	regs.forEach((m, k) => {
		if (has(m, MEM_IO) || has(m, MEM_COMM_REGION)) {
			add('ivshmem', `${rf(k)}.flags`, `${name}: the ${linkRegionName(k)} of its link has the io or comm_region flag`, 'give link regions read/write (and rootshared) only');
		}
	});
	const state = regs[0]!;
	if (state.size === 0n) {
		add('ivshmem', `${rf(0)}.size`, `${name}: the state table of its link is empty`, 'give it one page (0x1000)');
	} else if (state.size < BigInt(4 * d.shmemPeers)) {
		add('ivshmem', `${rf(0)}.size`, `${name}: the state table (${hex(state.size)} bytes) cannot hold ${d.shmemPeers} 32-bit states`, 'give it one page (0x1000)');
	}
	if (state.size > 0n && (!has(state, MEM_READ) || has(state, MEM_WRITE))) {
		add('ivshmem', `${rf(0)}.flags`, `${name}: the state table must be read-only for the cell (only the hypervisor writes it)`, "use flags ['read', 'rootshared']");
	}
	const rw = regs[1]!;
	if (rw.size > 0n && (!has(rw, MEM_READ) || !has(rw, MEM_WRITE))) {
		add('ivshmem', `${rf(1)}.flags`, `${name}: the R/W section must be readable and writable for every peer`, "use flags ['read', 'write', 'rootshared'] (or size 0 for no R/W section)");
	}
	const outSize = regs[2]!.size;
	for (let id = 0; id < d.shmemPeers; id++) {
		const m = regs[2 + id]!;
		if (m.size !== outSize) {
			add('ivshmem', `${rf(2 + id)}.size`, `${name}: the output section of peer ${id} has size ${hex(m.size)}, that of peer 0 ${hex(outSize)}; all output sections of a link have one size`, `make it ${hex(outSize)}`);
			continue;
		}
		if (m.size === 0n) continue;
		const own = id === d.shmemDevId;
		if (own && (!has(m, MEM_READ) || !has(m, MEM_WRITE))) {
			add('ivshmem', `${rf(2 + id)}.flags`, `${name}: the cell's own output section (peer ${id}) must be readable and writable`, "use flags ['read', 'write', 'rootshared']");
		} else if (!own && (!has(m, MEM_READ) || has(m, MEM_WRITE))) {
			add('ivshmem', `${rf(2 + id)}.flags`, `${name}: the output section of peer ${id} must be read-only for this cell (peer ${d.shmemDevId})`, "use flags ['read', 'rootshared']");
		}
	}
	// The device reports one base address; the sections follow each other
	// in the cell's address space (empty ones take no room).
	let next = state.virtStart + state.size;
	for (let k = 1; k < regs.length; k++) {
		const m = regs[k]!;
		if (m.size === 0n) continue;
		if (m.virtStart !== next) {
			add('ivshmem', `${rf(k)}.virtStart`, `${name}: the ${linkRegionName(k)} starts at ${hex(m.virtStart)}, but the link's sections must follow each other from the state table at ${hex(state.virtStart)}; expected ${hex(next)}`, `move it to ${hex(next)} (state table, R/W section, outputs of peers 0..${d.shmemPeers - 1}, back to back)`);
			return;
		}
		next = m.virtStart + m.size;
	}
}

/** One end of a link: a cell's ivshmem device. */
export interface LinkMember {
	cell: CellConfig;
	/** How messages name the config (its file, or the cell's name). */
	who: string;
	file?: string;
	/** 'rootCell' for the system config, '' for a cell config. */
	path: string;
	index: number;
	dev: PciDevice;
	isRoot: boolean;
}

export interface LinkFinding extends IvshmemFinding {
	file?: string;
}

function overlaps(a: MemoryRegion, b: MemoryRegion): boolean {
	return a.size > 0n && b.size > 0n && a.physStart < b.physStart + b.size && b.physStart < a.physStart + a.size;
}

/**
 * Checks the links of a set: devices with one BDF in different cells form
 * a link. All ends must agree on peers, protocol and the link's regions
 * (phys, size), use distinct ids; a cell's link needs a second end in the
 * set (the root's links need not: a subset may leave their cells out); cells
 * off a link must not map its memory; when the root is on a link, the
 * other ends share the regions with it (rootshared).
 */
export function checkLinks(members: readonly LinkMember[], cells: ReadonlyArray<{ cell: CellConfig; who: string; file?: string; path: string }>, complete: boolean): LinkFinding[] {
	const out: LinkFinding[] = [];
	const byBdf = new Map<number, LinkMember[]>();
	for (const m of members) {
		if (m.dev.type !== PCI_TYPE_IVSHMEM) continue;
		byBdf.set(m.dev.bdf, [...(byBdf.get(m.dev.bdf) ?? []), m]);
	}
	for (const [bdf, ms] of byBdf) {
		const first = ms[0]!;
		const link = `ivshmem link ${bdfString(first.dev.domain, bdf)}`;
		const fld = (m: LinkMember, f: string): string => `${m.path ? `${m.path}.` : ''}pciDevices[${m.index}]${f ? `.${f}` : ''}`;
		const add = (m: LinkMember, field: string, message: string, fix: string): void => {
			out.push({ rule: 'ivshmem', file: m.file, field, message, fix });
		};
		// A cell whose link has no other end in the set talks to nobody. The
		// root alone is fine: system configs (upstream's too) declare links
		// to cells that a check of a subset does not include.
		if (ms.length === 1 && complete && !first.isRoot) {
			add(first, fld(first, ''), `${link}: ${first.who} is its only end in this set (peer ${first.dev.shmemDevId} of ${first.dev.shmemPeers}); neither the root cell nor another cell has an ivshmem device on ${bdfString(first.dev.domain, bdf)}`, 'add the other cells of the link to the check, or give the other end the device with this BDF and the same regions');
		}
		const ids = new Map<number, LinkMember>();
		const firstRegs = linkRegions(first.cell, first.dev);
		for (const m of ms) {
			if (m !== first) {
				if (m.dev.shmemPeers !== first.dev.shmemPeers) {
					add(m, fld(m, 'shmemPeers'), `${link}: ${m.who} says ${m.dev.shmemPeers} peers, ${first.who} says ${first.dev.shmemPeers}`, 'give every end of the link the same shmemPeers');
					continue;
				}
				if (m.dev.shmemProtocol !== first.dev.shmemProtocol) {
					add(m, fld(m, 'shmemProtocol'), `${link}: ${m.who} has protocol ${hex(m.dev.shmemProtocol)}, ${first.who} ${hex(first.dev.shmemProtocol)}`, 'give every end of the link the same shmemProtocol');
				}
			}
			const other = ids.get(m.dev.shmemDevId);
			if (other) {
				add(m, fld(m, 'shmemDevId'), `${link}: ${m.who} and ${other.who} both are peer ${m.dev.shmemDevId}`, 'give every end of the link its own shmemDevId');
			} else ids.set(m.dev.shmemDevId, m);
			const regs = linkRegions(m.cell, m.dev);
			if (m !== first && regs && firstRegs) {
				for (let k = 0; k < regs.length; k++) {
					const a = regs[k]!;
					const b = firstRegs[k]!;
					if (a.physStart !== b.physStart || a.size !== b.size) {
						const r = `${m.path ? `${m.path}.` : ''}memoryRegions[${m.dev.shmemRegionsStart + k}]`;
						add(m, r, `${link}: the ${linkRegionName(k)} of ${m.who} is ${hex(a.physStart)} size ${hex(a.size)}, at ${first.who} ${hex(b.physStart)} size ${hex(b.size)}; both ends must share the same memory`, `make it physStart ${hex(b.physStart)}, size ${hex(b.size)}`);
					}
				}
			}
		}
		const rootOnLink = ms.some((m) => m.isRoot);
		if (rootOnLink) {
			for (const m of ms) {
				if (m.isRoot) continue;
				const regs = linkRegions(m.cell, m.dev);
				regs?.forEach((r, k) => {
					if (r.size > 0n && !has(r, MEM_ROOTSHARED)) {
						add(m, `${m.path ? `${m.path}.` : ''}memoryRegions[${m.dev.shmemRegionsStart + k}].flags`, `${link}: the ${linkRegionName(k)} of ${m.who} is not rootshared, so creating the cell would take it away from the root cell, which is peer on the link`, "add 'rootshared' to its flags");
					}
				});
			}
		}
		// Cells off the link must not map its memory.
		if (firstRegs) {
			const onLink = new Set(ms.map((m) => m.cell));
			for (const c of cells) {
				if (onLink.has(c.cell)) continue;
				c.cell.memoryRegions.forEach((r, i) => {
					if (has(r, MEM_COMM_REGION)) return;
					const hit = firstRegs.findIndex((l) => overlaps(l, r));
					if (hit >= 0 && !c.path) {
						out.push({ rule: 'ivshmem', file: c.file, field: `memoryRegions[${i}]`, message: `${c.who} is not on ${link} but maps part of its ${linkRegionName(hit)} (${hex(firstRegs[hit]!.physStart)})`, fix: 'remove the region, or add the ivshmem device to the cell and make it a peer of the link' });
					}
				});
			}
		}
	}
	return out;
}
