// SPDX-License-Identifier: GPL-2.0-only
// Binary codec for .cell files (config revision 14). Strict on purpose:
// whatever decodes re-encodes to the same bytes, so anything the canonical
// encoding cannot reproduce (garbage after the name, non-zero padding,
// trailing bytes) is rejected with a ConfigError rather than lost.

import {
	CELL_NAME_MAXLEN,
	CELL_SIGNATURE,
	CONFIG_REVISION,
	IOMMU_PVU,
	MAX_IOMMU_UNITS,
	SYSTEM_SIGNATURE,
} from './constants.js';
import { ConfigError } from './errors.js';
import {
	CACHE,
	CELL_DESC,
	CONSOLE,
	type Field,
	IOMMU,
	IRQCHIP,
	MEMORY,
	PCI_CAP,
	PCI_DEVICE,
	PIO,
	STREAM_ID,
	SYSTEM,
	SYSTEM_HEADER_SIZE,
	type StructLayout,
} from './layout.js';
import type {
	CellConfig,
	ConsoleDesc,
	IommuUnit,
	Irqchip,
	JailhouseConfig,
	MemoryRegion,
	PciDevice,
	SystemConfig,
} from './model.js';

export interface CodecOptions {
	/** Named in error messages. */
	file?: string;
}

const MSI_64BITS = 0x01;
const MSI_MASKABLE = 0x02;

/** Element sizes and count fields of the arrays after a descriptor, in file order. */
const ARRAYS = [
	['num_memory_regions', MEMORY.size],
	['num_cache_regions', CACHE.size],
	['num_irqchips', IRQCHIP.size],
	['num_pio_regions', PIO.size],
	['num_pci_devices', PCI_DEVICE.size],
	['num_pci_caps', PCI_CAP.size],
	['num_stream_ids', STREAM_ID.size],
] as const;

/* ------------------------------------------------------------------ */
/* encoding                                                            */

class Writer {
	readonly bytes: Uint8Array;
	private readonly view: DataView;

	constructor(
		size: number,
		private readonly file: string | undefined,
	) {
		this.bytes = new Uint8Array(size);
		this.view = new DataView(this.bytes.buffer);
	}

	put(base: number, f: Field, value: number | bigint | boolean, field: string): void {
		const [off, size] = f;
		const v = typeof value === 'bigint' ? value : BigInt(typeof value === 'boolean' ? (value ? 1 : 0) : value);
		const max = (1n << BigInt(size * 8)) - 1n;
		if (typeof value === 'number' && !Number.isInteger(value)) {
			throw this.err(`${value} is not an integer`, field, 'use a whole number');
		}
		if (v < 0n || v > max) {
			throw this.err(
				`value ${v} does not fit in ${size * 8} bits`,
				field,
				`use a value from 0 to 0x${max.toString(16)}`,
			);
		}
		const at = base + off;
		switch (size) {
			case 1:
				this.view.setUint8(at, Number(v));
				break;
			case 2:
				this.view.setUint16(at, Number(v), true);
				break;
			case 4:
				this.view.setUint32(at, Number(v), true);
				break;
			case 8:
				this.view.setBigUint64(at, v, true);
				break;
			default:
				throw new Error(`internal: field size ${size}`);
		}
	}

	putBytes(at: number, data: Uint8Array): void {
		this.bytes.set(data, at);
	}

	err(problem: string, field: string, fix: string): ConfigError {
		return new ConfigError(problem, { file: this.file, field, fix });
	}
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

function cellArraysSize(c: CellConfig): number {
	return (
		c.cpuSetSize +
		c.memoryRegions.length * MEMORY.size +
		c.cacheRegions.length * CACHE.size +
		c.irqchips.length * IRQCHIP.size +
		c.pioRegions.length * PIO.size +
		c.pciDevices.length * PCI_DEVICE.size +
		c.pciCaps.length * PCI_CAP.size +
		c.streamIds.length * STREAM_ID.size
	);
}

/** Size in bytes of the encoded config. */
export function encodedSize(cfg: JailhouseConfig): number {
	if (cfg.kind === 'system') return SYSTEM.size + cellArraysSize(cfg.rootCell);
	return CELL_DESC.size + cellArraysSize(cfg);
}

function putConsole(w: Writer, base: number, c: ConsoleDesc, path: string): void {
	const F = CONSOLE.fields;
	w.put(base, F.address, c.address, `${path}.address`);
	w.put(base, F.size, c.size, `${path}.size`);
	w.put(base, F.type, c.type, `${path}.type`);
	w.put(base, F.flags, c.flags, `${path}.flags`);
	w.put(base, F.divider, c.divider, `${path}.divider`);
	w.put(base, F.gate_nr, c.gateNr, `${path}.gateNr`);
	w.put(base, F.clock_reg, c.clockReg, `${path}.clockReg`);
}

function putMemory(w: Writer, base: number, m: MemoryRegion, path: string): void {
	const F = MEMORY.fields;
	w.put(base, F.phys_start, m.physStart, `${path}.physStart`);
	w.put(base, F.virt_start, m.virtStart, `${path}.virtStart`);
	w.put(base, F.size, m.size, `${path}.size`);
	w.put(base, F.flags, m.flags, `${path}.flags`);
}

function putName(w: Writer, base: number, name: string, path: string): void {
	const bytes = ascii(name);
	if (bytes.length > CELL_NAME_MAXLEN) {
		throw w.err(
			`name "${name}" is ${bytes.length} bytes long, the limit is ${CELL_NAME_MAXLEN}`,
			path,
			`shorten the name to at most ${CELL_NAME_MAXLEN} characters`,
		);
	}
	if (bytes.includes(0)) throw w.err('name contains a NUL character', path, 'remove it');
	w.putBytes(base + CELL_DESC.fields.name[0], bytes);
}

/** Writes a cell descriptor at `base` and its arrays right after `arraysAt`. */
function putCell(w: Writer, base: number, arraysAt: number, c: CellConfig, path: string, embedded: boolean): void {
	const F = CELL_DESC.fields;
	const p = (f: string): string => (path ? `${path}.${f}` : f);
	if (!(embedded && c.headerZeroed)) {
		w.putBytes(base + F.signature[0], ascii(CELL_SIGNATURE));
		w.put(base, F.architecture, c.architecture, p('architecture'));
		w.put(base, F.revision, c.revision, p('revision'));
	}
	putName(w, base, c.name, p('name'));
	w.put(base, F.id, c.id, p('id'));
	w.put(base, F.flags, c.flags, p('flags'));
	w.put(base, F.cpu_set_size, c.cpuSetSize, p('cpuSetSize'));
	w.put(base, F.num_memory_regions, c.memoryRegions.length, p('memoryRegions'));
	w.put(base, F.num_cache_regions, c.cacheRegions.length, p('cacheRegions'));
	w.put(base, F.num_irqchips, c.irqchips.length, p('irqchips'));
	w.put(base, F.num_pio_regions, c.pioRegions.length, p('pioRegions'));
	w.put(base, F.num_pci_devices, c.pciDevices.length, p('pciDevices'));
	w.put(base, F.num_pci_caps, c.pciCaps.length, p('pciCaps'));
	w.put(base, F.num_stream_ids, c.streamIds.length, p('streamIds'));
	w.put(base, F.vpci_irq_base, c.vpciIrqBase, p('vpciIrqBase'));
	w.put(base, F.cpu_reset_address, c.cpuResetAddress, p('cpuResetAddress'));
	w.put(base, F.msg_reply_timeout, c.msgReplyTimeout, p('msgReplyTimeout'));
	putConsole(w, base + F.console[0], c.console, p('console'));

	let at = arraysAt;
	for (const cpu of c.cpus) {
		if (!Number.isInteger(cpu) || cpu < 0 || cpu >= c.cpuSetSize * 8) {
			throw w.err(
				`CPU ${cpu} does not fit in a CPU set of ${c.cpuSetSize} bytes`,
				p('cpus'),
				'raise cpuSetSize (8 bytes per 64 CPUs) or remove the CPU',
			);
		}
		w.bytes[at + (cpu >> 3)]! |= 1 << (cpu & 7);
	}
	at += c.cpuSetSize;

	c.memoryRegions.forEach((m, i) => {
		putMemory(w, at, m, p(`memoryRegions[${i}]`));
		at += MEMORY.size;
	});
	c.cacheRegions.forEach((r, i) => {
		const q = p(`cacheRegions[${i}]`);
		w.put(at, CACHE.fields.start, r.start, `${q}.start`);
		w.put(at, CACHE.fields.size, r.size, `${q}.size`);
		w.put(at, CACHE.fields.type, r.type, `${q}.type`);
		w.put(at, CACHE.fields.flags, r.flags, `${q}.flags`);
		at += CACHE.size;
	});
	c.irqchips.forEach((r, i) => {
		const q = p(`irqchips[${i}]`);
		w.put(at, IRQCHIP.fields.address, r.address, `${q}.address`);
		w.put(at, IRQCHIP.fields.id, r.id, `${q}.id`);
		w.put(at, IRQCHIP.fields.pin_base, r.pinBase, `${q}.pinBase`);
		for (let k = 0; k < 4; k++) {
			w.put(at + IRQCHIP.fields.pin_bitmap[0] + 4 * k, [0, 4], r.pinBitmap[k] ?? 0, `${q}.pinBitmap[${k}]`);
		}
		at += IRQCHIP.size;
	});
	c.pioRegions.forEach((r, i) => {
		const q = p(`pioRegions[${i}]`);
		w.put(at, PIO.fields.base, r.base, `${q}.base`);
		w.put(at, PIO.fields.length, r.length, `${q}.length`);
		at += PIO.size;
	});
	c.pciDevices.forEach((d, i) => {
		putPciDevice(w, at, d, p(`pciDevices[${i}]`));
		at += PCI_DEVICE.size;
	});
	c.pciCaps.forEach((r, i) => {
		const q = p(`pciCaps[${i}]`);
		w.put(at, PCI_CAP.fields.id, r.id, `${q}.id`);
		w.put(at, PCI_CAP.fields.start, r.start, `${q}.start`);
		w.put(at, PCI_CAP.fields.len, r.len, `${q}.len`);
		w.put(at, PCI_CAP.fields.flags, r.flags, `${q}.flags`);
		at += PCI_CAP.size;
	});
	c.streamIds.forEach((s, i) => {
		w.put(at, STREAM_ID.fields.id, s, p(`streamIds[${i}]`));
		at += STREAM_ID.size;
	});
}

function putPciDevice(w: Writer, at: number, d: PciDevice, q: string): void {
	const F = PCI_DEVICE.fields;
	w.put(at, F.type, d.type, `${q}.type`);
	w.put(at, F.iommu, d.iommu, `${q}.iommu`);
	w.put(at, F.domain, d.domain, `${q}.domain`);
	w.put(at, F.bdf, d.bdf, `${q}.bdf`);
	for (let k = 0; k < 6; k++) w.put(at + F.bar_mask[0] + 4 * k, [0, 4], d.barMask[k] ?? 0, `${q}.barMask[${k}]`);
	w.put(at, F.caps_start, d.capsStart, `${q}.capsStart`);
	w.put(at, F.num_caps, d.numCaps, `${q}.numCaps`);
	w.put(at, F.num_msi_vectors, d.numMsiVectors, `${q}.numMsiVectors`);
	w.put(at, F.msi_flags, (d.msi64Bits ? MSI_64BITS : 0) | (d.msiMaskable ? MSI_MASKABLE : 0), `${q}.msi`);
	w.put(at, F.num_msix_vectors, d.numMsixVectors, `${q}.numMsixVectors`);
	w.put(at, F.msix_region_size, d.msixRegionSize, `${q}.msixRegionSize`);
	w.put(at, F.msix_address, d.msixAddress, `${q}.msixAddress`);
	w.put(at, F.shmem_regions_start, d.shmemRegionsStart, `${q}.shmemRegionsStart`);
	w.put(at, F.shmem_dev_id, d.shmemDevId, `${q}.shmemDevId`);
	w.put(at, F.shmem_peers, d.shmemPeers, `${q}.shmemPeers`);
	w.put(at, F.shmem_protocol, d.shmemProtocol, `${q}.shmemProtocol`);
}

function putIommu(w: Writer, at: number, u: IommuUnit, q: string): void {
	const F = IOMMU.fields;
	w.put(at, F.type, u.type, `${q}.type`);
	w.put(at, F.base, u.base, `${q}.base`);
	w.put(at, F.size, u.size, `${q}.size`);
	if (u.amd && u.tipvu) throw w.err('both amd and tipvu data given', q, 'keep the one that matches the unit type');
	if (u.amd) {
		w.put(at, F['amd.bdf'], u.amd.bdf, `${q}.amd.bdf`);
		w.put(at, F['amd.base_cap'], u.amd.baseCap, `${q}.amd.baseCap`);
		w.put(at, F['amd.msi_cap'], u.amd.msiCap, `${q}.amd.msiCap`);
		w.put(at, F['amd.features'], u.amd.features, `${q}.amd.features`);
	}
	if (u.tipvu) {
		w.put(at, F['tipvu.tlb_base'], u.tipvu.tlbBase, `${q}.tipvu.tlbBase`);
		w.put(at, F['tipvu.tlb_size'], u.tipvu.tlbSize, `${q}.tipvu.tlbSize`);
	}
}

function encodeSystem(w: Writer, s: SystemConfig): void {
	const F = SYSTEM.fields;
	w.putBytes(F.signature[0], ascii(SYSTEM_SIGNATURE));
	w.put(0, F.architecture, s.architecture, 'architecture');
	w.put(0, F.revision, s.revision, 'revision');
	w.put(0, F.flags, s.flags, 'flags');
	putMemory(w, F.hypervisor_memory[0], s.hypervisorMemory, 'hypervisorMemory');
	putConsole(w, F.debug_console[0], s.debugConsole, 'debugConsole');
	const p = s.platform;
	w.put(0, F['platform_info.pci_mmconfig_base'], p.pciMmconfigBase, 'platform.pciMmconfigBase');
	w.put(0, F['platform_info.pci_mmconfig_end_bus'], p.pciMmconfigEndBus, 'platform.pciMmconfigEndBus');
	w.put(0, F['platform_info.pci_is_virtual'], p.pciIsVirtual, 'platform.pciIsVirtual');
	w.put(0, F['platform_info.pci_domain'], p.pciDomain, 'platform.pciDomain');
	if (p.iommuUnits.length > MAX_IOMMU_UNITS) {
		throw w.err(
			`${p.iommuUnits.length} IOMMU units listed, the format holds ${MAX_IOMMU_UNITS}`,
			'platform.iommuUnits',
			'remove the extra units',
		);
	}
	p.iommuUnits.forEach((u, i) => {
		const q = `platform.iommuUnits[${i}]`;
		if (u.base === 0n) throw w.err('an IOMMU unit at base 0 would end the list', `${q}.base`, 'give its MMIO base');
		putIommu(w, F['platform_info.iommu_units'][0] + i * IOMMU.size, u, q);
	});
	if (p.arm && p.x86) throw w.err('both arm and x86 platform data given', 'platform', 'keep the one of the architecture');
	if (p.arm) {
		const a = p.arm;
		w.put(0, F['platform_info.arm.maintenance_irq'], a.maintenanceIrq, 'platform.arm.maintenanceIrq');
		w.put(0, F['platform_info.arm.gic_version'], a.gicVersion, 'platform.arm.gicVersion');
		w.put(0, F['platform_info.arm.gicd_base'], a.gicdBase, 'platform.arm.gicdBase');
		w.put(0, F['platform_info.arm.gicc_base'], a.giccBase, 'platform.arm.giccBase');
		w.put(0, F['platform_info.arm.gich_base'], a.gichBase, 'platform.arm.gichBase');
		w.put(0, F['platform_info.arm.gicv_base'], a.gicvBase, 'platform.arm.gicvBase');
		w.put(0, F['platform_info.arm.gicr_base'], a.gicrBase, 'platform.arm.gicrBase');
	}
	if (p.x86) {
		const x = p.x86;
		w.put(0, F['platform_info.x86.pm_timer_address'], x.pmTimerAddress, 'platform.x86.pmTimerAddress');
		w.put(0, F['platform_info.x86.apic_mode'], x.apicMode, 'platform.x86.apicMode');
		w.put(0, F['platform_info.x86.vtd_interrupt_limit'], x.vtdInterruptLimit, 'platform.x86.vtdInterruptLimit');
		w.put(0, F['platform_info.x86.tsc_khz'], x.tscKhz, 'platform.x86.tscKhz');
		w.put(0, F['platform_info.x86.apic_khz'], x.apicKhz, 'platform.x86.apicKhz');
	}
	putCell(w, F.root_cell[0], SYSTEM.size, s.rootCell, 'rootCell', true);
}

/** Encodes a config into the bytes of a .cell file. Throws ConfigError. */
export function encodeConfig(cfg: JailhouseConfig, opts: CodecOptions = {}): Uint8Array {
	const w = new Writer(encodedSize(cfg), opts.file);
	if (cfg.kind === 'system') encodeSystem(w, cfg);
	else putCell(w, 0, CELL_DESC.size, cfg, '', false);
	return w.bytes;
}

/* ------------------------------------------------------------------ */
/* decoding                                                            */

class Reader {
	private readonly view: DataView;

	constructor(
		readonly bytes: Uint8Array,
		readonly file: string | undefined,
	) {
		this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}

	/** Numbers up to 32 bits. */
	num(base: number, f: Field): number {
		const at = base + f[0];
		switch (f[1]) {
			case 1:
				return this.view.getUint8(at);
			case 2:
				return this.view.getUint16(at, true);
			case 4:
				return this.view.getUint32(at, true);
			default:
				throw new Error(`internal: num() of a ${f[1]}-byte field`);
		}
	}

	big(base: number, f: Field): bigint {
		return this.view.getBigUint64(base + f[0], true);
	}

	u32(at: number): number {
		return this.view.getUint32(at, true);
	}

	zero(at: number, len: number): boolean {
		for (let i = at; i < at + len; i++) if (this.bytes[i] !== 0) return false;
		return true;
	}

	err(problem: string, field: string, fix: string): ConfigError {
		return new ConfigError(problem, { file: this.file, field, fix });
	}
}

const REBUILD = 'rebuild the file with `jailhouse config compile` from its source config';

function readConsole(r: Reader, base: number): ConsoleDesc {
	const F = CONSOLE.fields;
	return {
		address: r.big(base, F.address),
		size: r.num(base, F.size),
		type: r.num(base, F.type),
		flags: r.num(base, F.flags),
		divider: r.num(base, F.divider),
		gateNr: r.num(base, F.gate_nr),
		clockReg: r.big(base, F.clock_reg),
	};
}

function readMemory(r: Reader, base: number): MemoryRegion {
	const F = MEMORY.fields;
	return {
		physStart: r.big(base, F.phys_start),
		virtStart: r.big(base, F.virt_start),
		size: r.big(base, F.size),
		flags: r.big(base, F.flags),
	};
}

function readName(r: Reader, base: number, path: string): string {
	const [off, len] = CELL_DESC.fields.name;
	const raw = r.bytes.subarray(base + off, base + off + len);
	const nul = raw.indexOf(0);
	if (nul < 0) {
		throw r.err('the cell name is not NUL-terminated within its 32 bytes', path, REBUILD);
	}
	if (!r.zero(base + off + nul, len - nul)) {
		throw r.err('bytes after the end of the cell name are not zero', path, REBUILD);
	}
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(raw.subarray(0, nul));
	} catch {
		throw r.err('the cell name is not valid text (UTF-8)', path, REBUILD);
	}
}

function checkSignature(r: Reader, expect: string, what: string): void {
	const sig = new TextDecoder('latin1').decode(r.bytes.subarray(0, 6));
	if (sig === 'JHSYST' || sig === 'JHCELL') {
		throw r.err(
			`this is a ${what} of config revision 13 or older (6-byte signature "${sig}")`,
			'signature',
			'rebuild it from its source with tools of config revision 14',
		);
	}
	if (!sig.startsWith(expect)) throw r.err(`not a Jailhouse ${what}`, 'signature', REBUILD);
}

/** Checks architecture and revision of a top-level header. */
function checkHeader(r: Reader, archField: Field, revField: Field): number {
	const revision = r.num(0, revField);
	if (revision !== CONFIG_REVISION) {
		throw r.err(
			`config revision ${revision}, this tool reads revision ${CONFIG_REVISION}`,
			'revision',
			`rebuild the config with tools of revision ${CONFIG_REVISION}`,
		);
	}
	const arch = r.num(0, archField);
	if (arch > 2) {
		throw r.err(`unknown architecture code ${arch} (0 x86, 1 arm, 2 arm64)`, 'architecture', REBUILD);
	}
	return arch;
}

/** Decodes the descriptor at `base` and its arrays from `arraysAt`; returns the cell and the end offset. */
function readCell(
	r: Reader,
	base: number,
	arraysAt: number,
	path: string,
	systemArch: number | undefined,
): { cell: CellConfig; end: number } {
	const F = CELL_DESC.fields;
	const p = (f: string): string => (path ? `${path}.${f}` : f);
	let architecture = r.num(base, F.architecture);
	let revision = r.num(base, F.revision);
	let headerZeroed: boolean | undefined;
	if (systemArch !== undefined) {
		const sig = r.bytes.subarray(base, base + 5);
		if (r.zero(base, 8)) {
			headerZeroed = true;
			architecture = systemArch;
			revision = CONFIG_REVISION;
		} else if (new TextDecoder('latin1').decode(sig) !== CELL_SIGNATURE) {
			throw r.err(
				'the root cell descriptor starts with neither "JHCLL" nor zeros',
				p('signature'),
				REBUILD,
			);
		}
	}

	const counts: Record<string, number> = {};
	let end = arraysAt;
	const cpuSetSize = r.num(base, F.cpu_set_size);
	end += cpuSetSize;
	const overflow = (field: string, n: number): ConfigError =>
		r.err(
			`${field} = ${n} points past the end of the file (needs ${end} bytes, the file has ${r.bytes.length})`,
			p(field),
			'the file is truncated or corrupt; ' + REBUILD,
		);
	if (end > r.bytes.length) throw overflow('cpu_set_size', cpuSetSize);
	for (const [field, size] of ARRAYS) {
		const n = r.num(base, F[field]);
		counts[field] = n;
		end += n * size;
		if (end > r.bytes.length) throw overflow(field, n);
	}

	const cpus: number[] = [];
	for (let i = 0; i < cpuSetSize; i++) {
		const b = r.bytes[arraysAt + i]!;
		for (let bit = 0; bit < 8; bit++) if (b & (1 << bit)) cpus.push(i * 8 + bit);
	}

	let at = arraysAt + cpuSetSize;
	const list = <T>(field: string, size: number, read: (at: number, i: number) => T): T[] => {
		const out: T[] = [];
		for (let i = 0; i < counts[field]!; i++) {
			out.push(read(at, i));
			at += size;
		}
		return out;
	};

	const memoryRegions = list('num_memory_regions', MEMORY.size, (a) => readMemory(r, a));
	const cacheRegions = list('num_cache_regions', CACHE.size, (a, i) => {
		if (r.num(a, CACHE.fields.padding) !== 0) {
			throw r.err('padding byte is not zero', p(`cacheRegions[${i}]`), REBUILD);
		}
		return {
			start: r.num(a, CACHE.fields.start),
			size: r.num(a, CACHE.fields.size),
			type: r.num(a, CACHE.fields.type),
			flags: r.num(a, CACHE.fields.flags),
		};
	});
	const irqchips = list('num_irqchips', IRQCHIP.size, (a): Irqchip => {
		const bm = a + IRQCHIP.fields.pin_bitmap[0];
		return {
			address: r.big(a, IRQCHIP.fields.address),
			id: r.num(a, IRQCHIP.fields.id),
			pinBase: r.num(a, IRQCHIP.fields.pin_base),
			pinBitmap: [r.u32(bm), r.u32(bm + 4), r.u32(bm + 8), r.u32(bm + 12)],
		};
	});
	const pioRegions = list('num_pio_regions', PIO.size, (a) => ({
		base: r.num(a, PIO.fields.base),
		length: r.num(a, PIO.fields.length),
	}));
	const pciDevices = list('num_pci_devices', PCI_DEVICE.size, (a, i): PciDevice => {
		const D = PCI_DEVICE.fields;
		const msi = r.num(a, D.msi_flags);
		if (msi & ~(MSI_64BITS | MSI_MASKABLE)) {
			throw r.err('reserved MSI bits are set', p(`pciDevices[${i}]`), REBUILD);
		}
		const bm = a + D.bar_mask[0];
		return {
			type: r.num(a, D.type),
			iommu: r.num(a, D.iommu),
			domain: r.num(a, D.domain),
			bdf: r.num(a, D.bdf),
			barMask: [r.u32(bm), r.u32(bm + 4), r.u32(bm + 8), r.u32(bm + 12), r.u32(bm + 16), r.u32(bm + 20)],
			capsStart: r.num(a, D.caps_start),
			numCaps: r.num(a, D.num_caps),
			numMsiVectors: r.num(a, D.num_msi_vectors),
			msi64Bits: (msi & MSI_64BITS) !== 0,
			msiMaskable: (msi & MSI_MASKABLE) !== 0,
			numMsixVectors: r.num(a, D.num_msix_vectors),
			msixRegionSize: r.num(a, D.msix_region_size),
			msixAddress: r.big(a, D.msix_address),
			shmemRegionsStart: r.num(a, D.shmem_regions_start),
			shmemDevId: r.num(a, D.shmem_dev_id),
			shmemPeers: r.num(a, D.shmem_peers),
			shmemProtocol: r.num(a, D.shmem_protocol),
		};
	});
	const pciCaps = list('num_pci_caps', PCI_CAP.size, (a) => ({
		id: r.num(a, PCI_CAP.fields.id),
		start: r.num(a, PCI_CAP.fields.start),
		len: r.num(a, PCI_CAP.fields.len),
		flags: r.num(a, PCI_CAP.fields.flags),
	}));
	const streamIds = list('num_stream_ids', STREAM_ID.size, (a) => r.num(a, STREAM_ID.fields.id));

	const cell: CellConfig = {
		kind: 'cell',
		architecture,
		revision,
		name: readName(r, base, p('name')),
		id: r.num(base, F.id),
		flags: r.num(base, F.flags),
		cpuSetSize,
		cpus,
		memoryRegions,
		cacheRegions,
		irqchips,
		pioRegions,
		pciDevices,
		pciCaps,
		streamIds,
		vpciIrqBase: r.num(base, F.vpci_irq_base),
		cpuResetAddress: r.big(base, F.cpu_reset_address),
		msgReplyTimeout: r.big(base, F.msg_reply_timeout),
		console: readConsole(r, base + F.console[0]),
	};
	if (headerZeroed) cell.headerZeroed = true;
	return { cell, end };
}

function readIommus(r: Reader): IommuUnit[] {
	const F = IOMMU.fields;
	const units: IommuUnit[] = [];
	let ended = false;
	for (let i = 0; i < MAX_IOMMU_UNITS; i++) {
		const a = SYSTEM.fields['platform_info.iommu_units'][0] + i * IOMMU.size;
		const q = `platform.iommuUnits[${i}]`;
		const base = r.big(a, F.base);
		if (ended || base === 0n) {
			ended = true;
			if (!r.zero(a, IOMMU.size)) {
				throw r.err('IOMMU slot after the end of the list (base 0) is not empty', q, REBUILD);
			}
			continue;
		}
		const u: IommuUnit = { type: r.num(a, F.type), base, size: r.num(a, F.size) };
		if (u.type === IOMMU_PVU) {
			u.tipvu = { tlbBase: r.big(a, F['tipvu.tlb_base']), tlbSize: r.num(a, F['tipvu.tlb_size']) };
		} else {
			if (!r.zero(a + F['tipvu.tlb_size'][0], 4)) {
				throw r.err('unused bytes 24..27 of a non-PVU IOMMU unit are not zero', q, REBUILD);
			}
			if (!r.zero(a + F['amd.bdf'][0], 8)) {
				u.amd = {
					bdf: r.num(a, F['amd.bdf']),
					baseCap: r.num(a, F['amd.base_cap']),
					msiCap: r.num(a, F['amd.msi_cap']),
					features: r.num(a, F['amd.features']),
				};
			}
		}
		units.push(u);
	}
	return units;
}

function decodeSystem(r: Reader): SystemConfig {
	const F = SYSTEM.fields;
	if (r.bytes.length < SYSTEM.size) {
		throw r.err(
			`truncated: a system config needs at least ${SYSTEM.size} bytes, the file has ${r.bytes.length}`,
			'',
			REBUILD,
		);
	}
	const architecture = checkHeader(r, F.architecture, F.revision);
	const platform: SystemConfig['platform'] = {
		pciMmconfigBase: r.big(0, F['platform_info.pci_mmconfig_base']),
		pciMmconfigEndBus: r.num(0, F['platform_info.pci_mmconfig_end_bus']),
		pciIsVirtual: r.num(0, F['platform_info.pci_is_virtual']),
		pciDomain: r.num(0, F['platform_info.pci_domain']),
		iommuUnits: readIommus(r),
	};
	if (architecture === 0) {
		if (r.num(0, F['platform_info.x86.padding']) !== 0 || !r.zero(328, SYSTEM_HEADER_SIZE - 328)) {
			throw r.err('unused bytes of the x86 platform data are not zero', 'platform.x86', REBUILD);
		}
		platform.x86 = {
			pmTimerAddress: r.num(0, F['platform_info.x86.pm_timer_address']),
			apicMode: r.num(0, F['platform_info.x86.apic_mode']),
			vtdInterruptLimit: r.num(0, F['platform_info.x86.vtd_interrupt_limit']),
			tscKhz: r.num(0, F['platform_info.x86.tsc_khz']),
			apicKhz: r.num(0, F['platform_info.x86.apic_khz']),
		};
	} else {
		if (r.num(0, F['platform_info.arm.padding']) !== 0) {
			throw r.err('padding bytes are not zero', 'platform.arm', REBUILD);
		}
		platform.arm = {
			maintenanceIrq: r.num(0, F['platform_info.arm.maintenance_irq']),
			gicVersion: r.num(0, F['platform_info.arm.gic_version']),
			gicdBase: r.big(0, F['platform_info.arm.gicd_base']),
			giccBase: r.big(0, F['platform_info.arm.gicc_base']),
			gichBase: r.big(0, F['platform_info.arm.gich_base']),
			gicvBase: r.big(0, F['platform_info.arm.gicv_base']),
			gicrBase: r.big(0, F['platform_info.arm.gicr_base']),
		};
	}
	const { cell, end } = readCell(r, F.root_cell[0], SYSTEM.size, 'rootCell', architecture);
	checkEnd(r, end);
	return {
		kind: 'system',
		architecture,
		revision: CONFIG_REVISION,
		flags: r.num(0, F.flags),
		hypervisorMemory: readMemory(r, F.hypervisor_memory[0]),
		debugConsole: readConsole(r, F.debug_console[0]),
		platform,
		rootCell: cell,
	};
}

function checkEnd(r: Reader, end: number): void {
	if (end !== r.bytes.length) {
		throw r.err(
			`${r.bytes.length - end} unexpected bytes after the end of the config (it ends at byte ${end})`,
			'',
			'the file is corrupt or was concatenated with something else; ' + REBUILD,
		);
	}
}

function decodeCell(r: Reader): CellConfig {
	if (r.bytes.length < CELL_DESC.size) {
		throw r.err(
			`truncated: a cell config needs at least ${CELL_DESC.size} bytes, the file has ${r.bytes.length}`,
			'',
			REBUILD,
		);
	}
	const F = CELL_DESC.fields;
	checkHeader(r, F.architecture, F.revision);
	const { cell, end } = readCell(r, 0, CELL_DESC.size, '', undefined);
	checkEnd(r, end);
	return cell;
}

/**
 * Decodes a .cell file (system or cell config). Throws only ConfigError,
 * whatever the bytes are.
 */
export function decodeConfig(bytes: Uint8Array, opts: CodecOptions = {}): JailhouseConfig {
	const r = new Reader(bytes, opts.file);
	if (bytes.length < 8) {
		if (bytes.length === 0) throw r.err('the file is empty', '', 'give a .cell file built by `jailhouse config compile`');
		throw r.err(`truncated: ${bytes.length} bytes are too few for a Jailhouse config`, '', REBUILD);
	}
	const sig = new TextDecoder('latin1').decode(bytes.subarray(0, 5));
	if (sig === SYSTEM_SIGNATURE) {
		checkSignature(r, SYSTEM_SIGNATURE, 'system config');
		return decodeSystem(r);
	}
	if (sig === CELL_SIGNATURE || sig === 'JHCEL') {
		checkSignature(r, CELL_SIGNATURE, 'cell config');
		return decodeCell(r);
	}
	throw r.err(
		'not a Jailhouse config: it starts with neither "JHSYS" nor "JHCLL"',
		'signature',
		'give a .cell file built by `jailhouse config compile` (sources in .ts, .json or .yaml go through `config compile` first)',
	);
}

export { ARRAYS as CELL_ARRAYS };
export type { StructLayout };
