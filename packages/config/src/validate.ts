// SPDX-License-Identifier: GPL-2.0-only
// Semantic checks of configs, alone and as a set (a system config plus the
// cells to be created under it). Each finding names its rule, the field and
// the fix; nothing here throws except assertValid, which throws ConfigError.

import {
	ARCH,
	CELL_AARCH32,
	CELL_FLAG_NAMES,
	CELL_NAME_MAXLEN,
	CON_FLAG_NAMES,
	CON_TYPE_NAMES,
	CONFIG_REVISION,
	HV_MEMORY_ALIGN,
	MAX_CPU_SET_SIZE,
	MEM_COMM_REGION,
	MEM_FLAG_NAMES,
	MEM_IO,
	PAGE_SIZE,
	PCI_TYPE_IVSHMEM,
	SYS_FLAG_NAMES,
	archName,
	knownMask,
} from './constants.js';
import { ConfigError, formatProblem } from './errors.js';
import type { CellConfig, ConsoleDesc, JailhouseConfig, MemoryRegion, SystemConfig } from './model.js';
import { formatRanges, hex, irqchipInterrupts } from './readable.js';
import { bdfString, checkLinks, checkPciDevices, checkPciPlatform, type LinkMember } from './ivshmem.js';

export type RuleId =
	| 'architecture'
	| 'revision'
	| 'name'
	| 'flags'
	| 'alignment'
	| 'overlap'
	| 'cpus'
	| 'comm-region'
	| 'irqchip'
	| 'irq-conflict'
	| 'ownership'
	| 'hv-overlap'
	| 'platform'
	| 'pci'
	| 'ivshmem'
	| 'unsupported';

export interface ConfigIssue {
	rule: RuleId;
	file?: string;
	field: string;
	message: string;
	fix: string;
}

export function formatIssue(i: ConfigIssue): string {
	return formatProblem(i.message, { file: i.file, field: i.field, fix: i.fix });
}

/** A config together with the file it came from, for messages. */
export interface SourcedConfig<T extends JailhouseConfig = JailhouseConfig> {
	config: T;
	file?: string;
}

class Issues {
	readonly list: ConfigIssue[] = [];
	constructor(private readonly file: string | undefined) {}
	add(rule: RuleId, field: string, message: string, fix: string): void {
		this.list.push({ rule, file: this.file, field, message, fix });
	}
}

const end = (start: bigint, size: bigint): bigint => start + size;
const range = (start: bigint, size: bigint): string => `${hex(start)}-${hex(start + size - 1n)}`;
const isComm = (m: MemoryRegion): boolean => (m.flags & MEM_COMM_REGION) !== 0n;

/** The non-GIC-internal interrupt range an irqchip bitmap may name. */
const FIRST_SPI = 32;
const LAST_SPI = 1019;
/** The hypervisor keeps CPU sets as 64-bit masks. */
const MAX_CPU_ID = 63;

function checkConsole(is: Issues, c: ConsoleDesc, field: string): void {
	if (c.type >= CON_TYPE_NAMES.length) {
		is.add('flags', `${field}.type`, `unknown console type ${c.type}`, `use one of ${CON_TYPE_NAMES.join(', ')}`);
	}
	const unknown = c.flags & ~Number(knownMask(CON_FLAG_NAMES));
	if (unknown) {
		is.add('flags', `${field}.flags`, `unknown console flag bits ${hex(unknown)}`, `remove them; known flags: ${CON_FLAG_NAMES.map(([n]) => n).join(', ')}`);
	}
}

function checkCell(is: Issues, c: CellConfig, path: string, isRoot: boolean, systemArch?: number, platform?: SystemConfig['platform']): void {
	const p = (f: string): string => (path ? `${path}.${f}` : f);

	if (!isRoot && c.architecture !== ARCH.arm64) {
		is.add('architecture', p('architecture'), `architecture is ${archName(c.architecture)}, this Jailhouse runs on arm64 only`, "set architecture to 'arm64' (the default)");
	}
	if (isRoot && systemArch !== undefined && c.architecture !== systemArch) {
		is.add('architecture', p('architecture'), `root cell architecture ${archName(c.architecture)} differs from the system's ${archName(systemArch)}`, 'remove the architecture field of the root cell');
	}
	if (c.revision !== CONFIG_REVISION) {
		is.add('revision', p('revision'), `config revision ${c.revision}, the format is revision ${CONFIG_REVISION}`, 'remove the revision field (it defaults to 14)');
	}

	const nameBytes = new TextEncoder().encode(c.name).length;
	if (nameBytes > CELL_NAME_MAXLEN) {
		is.add('name', p('name'), `name "${c.name}" is ${nameBytes} characters long, the limit is ${CELL_NAME_MAXLEN}`, `shorten it to ${CELL_NAME_MAXLEN} characters or fewer`);
	} else if (c.name === '') {
		is.add('name', p('name'), 'the cell has no name', 'give it a name; the CLI addresses cells by name');
		// eslint-disable-next-line no-control-regex
	} else if (/[\x00-\x1f\x7f]/.test(c.name)) {
		is.add('name', p('name'), 'the name contains control characters', 'use printable characters only');
	}

	const unknownCell = BigInt(c.flags) & ~knownMask(CELL_FLAG_NAMES);
	if (unknownCell) {
		is.add('flags', p('flags'), `unknown cell flag bits ${hex(unknownCell)}`, `remove them; known flags: ${CELL_FLAG_NAMES.map(([n]) => n).join(', ')}`);
	}
	checkConsole(is, c.console, p('console'));

	if (c.cpuSetSize === 0 || c.cpuSetSize > MAX_CPU_SET_SIZE) {
		is.add('cpus', p('cpuSetSize'), `CPU set size ${c.cpuSetSize} bytes is outside 1..${MAX_CPU_SET_SIZE}`, 'leave cpuSetSize out: it follows from the CPU list');
	}
	if (c.cpus.length === 0) {
		is.add('cpus', p('cpus'), 'the cell has no CPUs', 'give it at least one CPU');
	}
	const high = c.cpus.filter((n) => n > MAX_CPU_ID);
	if (high.length) {
		is.add('unsupported', p('cpus'), `CPUs ${formatRanges(high)}: this hypervisor handles CPUs 0-${MAX_CPU_ID} only (upstream allows more)`, `list CPUs 0-${MAX_CPU_ID} only`);
	}
	if (!isRoot && (c.flags & CELL_AARCH32) !== 0) {
		is.add('unsupported', p('flags'), 'AArch32 cells are not supported by this hypervisor (upstream runs them)', 'build the inmate for AArch64 and drop the aarch32 flag');
	}
	// ivshmem devices are checked as the hypervisor checks them; physical
	// PCI devices (pass-through) stay refused in cells.
	for (const f of checkPciDevices(c, path, isRoot, platform)) is.add(f.rule, f.field, f.message, f.fix);
	if (!isRoot && c.streamIds.length > 0) {
		is.add('unsupported', p('streamIds'), 'the cell lists IOMMU stream ids: IOMMUs are not supported by this hypervisor yet (upstream has them)', 'remove streamIds from the cell');
	}

	const memKnown = knownMask(MEM_FLAG_NAMES);
	let comm = 0;
	c.memoryRegions.forEach((m, i) => {
		const f = p(`memoryRegions[${i}]`);
		const unknown = m.flags & ~memKnown;
		if (unknown) {
			is.add('flags', `${f}.flags`, `unknown memory flag bits ${hex(unknown)}`, `remove them; known flags: ${MEM_FLAG_NAMES.map(([n]) => n).join(', ')}`);
		}
		if (isComm(m)) {
			comm++;
			if (isRoot) {
				is.add('comm-region', f, 'the root cell has a comm region; the hypervisor refuses it (Linux talks to the hypervisor through the driver)', 'remove the comm_region region from the root cell');
			}
			if (m.virtStart % PAGE_SIZE !== 0n || m.size !== PAGE_SIZE) {
				is.add('alignment', f, `the comm region at ${hex(m.virtStart)} size ${hex(m.size)} is not one aligned page`, 'give it a page-aligned virtStart and size 0x1000');
			}
			return;
		}
		if (m.size === 0n) return;
		if (end(m.physStart, m.size) > 1n << 64n || end(m.virtStart, m.size) > 1n << 64n) {
			is.add('alignment', f, 'the region wraps around the end of the address space', 'fix its start or size');
			return;
		}
		const aligned = m.physStart % PAGE_SIZE === 0n && m.virtStart % PAGE_SIZE === 0n && m.size % PAGE_SIZE === 0n;
		if (!aligned) {
			const io = (m.flags & MEM_IO) !== 0n;
			if (!io) {
				is.add('alignment', f, `region ${range(m.physStart, m.size)} is not page aligned (start and size must be multiples of 0x1000)`, 'align start and size to 4 KiB; only I/O regions may be smaller than a page');
			} else {
				is.add('unsupported', f, `sub-page I/O region ${range(m.physStart, m.size)}: upstream traps and emulates such regions, this hypervisor does not yet and refuses the config`, 'widen it to whole 4 KiB pages (the cell then gets the whole page) or leave the device out');
				if (m.physStart % PAGE_SIZE !== m.virtStart % PAGE_SIZE) {
					is.add('alignment', f, `sub-page I/O region: physStart ${hex(m.physStart)} and virtStart ${hex(m.virtStart)} differ in their offset within the page`, 'give both the same offset within their 4 KiB page');
				}
			}
		}
	});
	// A cell without a comm region is legal (upstream and the hypervisor
	// accept it); only its inmate cannot talk to the hypervisor then.
	if (comm > 1) {
		is.add('comm-region', p('memoryRegions'), `the cell has ${comm} comm regions`, 'keep exactly one region with the comm_region flag');
	}

	// Overlaps in the cell's own (guest-physical) address space.
	const regions = c.memoryRegions
		.map((m, i) => ({ m, i }))
		.filter(({ m }) => m.size > 0n)
		.sort((a, b) => (a.m.virtStart < b.m.virtStart ? -1 : a.m.virtStart > b.m.virtStart ? 1 : 0));
	for (let k = 1; k < regions.length; k++) {
		for (let j = k - 1; j >= 0; j--) {
			const a = regions[j]!;
			const b = regions[k]!;
			if (end(a.m.virtStart, a.m.size) > b.m.virtStart) {
				is.add('overlap', p(`memoryRegions[${b.i}]`), `region ${range(b.m.virtStart, b.m.size)} overlaps memoryRegions[${a.i}] ${range(a.m.virtStart, a.m.size)} in the cell's address space`, 'move or shrink one of them');
				break;
			}
		}
	}

	c.irqchips.forEach((ic, i) => {
		const f = p(`irqchips[${i}]`);
		if (ic.pinBase % 32 !== 0) {
			is.add('irqchip', `${f}.pinBase`, `pinBase ${ic.pinBase} is not a multiple of 32`, 'use 32, 160, 288, ...');
		}
		const irqs = irqchipInterrupts(ic);
		const low = irqs.filter((n) => n < FIRST_SPI);
		const high = irqs.filter((n) => n > LAST_SPI);
		if (low.length) {
			is.add('irqchip', `${f}.pinBitmap`, `interrupts ${formatRanges(low)} are SGIs/PPIs, which every cell has (the hypervisor refuses them here, stricter than upstream, which ignores such bits)`, 'start the bitmap at pinBase 32 or higher');
		}
		if (high.length) {
			is.add('irqchip', `${f}.pinBitmap`, `interrupts ${formatRanges(high.slice(0, 8))}${high.length > 8 ? ',...' : ''} are beyond the GIC's last SPI (${LAST_SPI})`, `keep interrupts within ${FIRST_SPI}..${LAST_SPI}`);
		}
	});
}

/** Checks one config on its own. */
export function validateConfig(cfg: JailhouseConfig, opts: { file?: string } = {}): ConfigIssue[] {
	const is = new Issues(opts.file);
	if (cfg.kind === 'cell') {
		checkCell(is, cfg, '', false);
		return is.list;
	}
	if (cfg.architecture !== ARCH.arm64) {
		is.add('architecture', 'architecture', `architecture is ${archName(cfg.architecture)}, this Jailhouse runs on arm64 only`, "set architecture to 'arm64' (the default)");
	}
	if (cfg.revision !== CONFIG_REVISION) {
		is.add('revision', 'revision', `config revision ${cfg.revision}, the format is revision ${CONFIG_REVISION}`, 'remove the revision field (it defaults to 14)');
	}
	const unknownSys = BigInt(cfg.flags) & ~knownMask(SYS_FLAG_NAMES);
	if (unknownSys) {
		is.add('flags', 'flags', `unknown system flag bits ${hex(unknownSys)}`, `remove them; known flags: ${SYS_FLAG_NAMES.map(([n]) => n).join(', ')}`);
	}
	checkConsole(is, cfg.debugConsole, 'debugConsole');
	const hv = cfg.hypervisorMemory;
	if (hv.size === 0n) {
		is.add('alignment', 'hypervisorMemory.size', 'the hypervisor memory is empty', 'reserve a few MiB, e.g. size 0x1000000 (16 MiB)');
	}
	if (hv.physStart % HV_MEMORY_ALIGN !== 0n || hv.size % HV_MEMORY_ALIGN !== 0n) {
		is.add(
			'alignment',
			'hypervisorMemory',
			`hypervisor memory ${range(hv.physStart, hv.size)} is not 2 MiB aligned in start and size (stricter than upstream for the size, for safety: the hypervisor maps its memory in whole 2 MiB blocks, so a partial block would map memory it does not own)`,
			'start it on a 2 MiB boundary and make the size a multiple of 2 MiB (0x200000)',
		);
	}
	const arm = cfg.platform.arm;
	if (!arm) {
		is.add('platform', 'platform.arm', 'the system config has no arm platform data', 'add platform.arm with gicVersion, gicdBase and gicrBase');
	} else {
		if (arm.gicVersion !== 2 && arm.gicVersion !== 3) {
			is.add('platform', 'platform.arm.gicVersion', `GIC version ${arm.gicVersion}`, 'use 2 or 3');
		}
		if (arm.gicdBase === 0n) {
			is.add('platform', 'platform.arm.gicdBase', 'no GIC distributor address', 'give the GICD base from the device tree');
		}
		if (arm.gicVersion === 3 && arm.gicrBase === 0n) {
			is.add('platform', 'platform.arm.gicrBase', 'GICv3 without a redistributor address', 'give the GICR base from the device tree');
		}
	}
	checkCell(is, cfg.rootCell, 'rootCell', true, cfg.architecture, cfg.platform);
	checkHvOverlap(is, cfg, cfg.rootCell, 'rootCell');
	checkIrqchipAddress(is, cfg, cfg.rootCell, 'rootCell');
	return is.list;
}

function checkHvOverlap(is: Issues, sys: SystemConfig, cell: CellConfig, path: string): void {
	const hv = sys.hypervisorMemory;
	if (hv.size === 0n) return;
	cell.memoryRegions.forEach((m, i) => {
		if (isComm(m) || m.size === 0n) return;
		if (m.physStart < end(hv.physStart, hv.size) && hv.physStart < end(m.physStart, m.size)) {
			is.add('hv-overlap', `${path ? `${path}.` : ''}memoryRegions[${i}]`, `region ${range(m.physStart, m.size)} overlaps the hypervisor memory ${range(hv.physStart, hv.size)}`, 'keep cell memory out of hypervisorMemory (shrink the region or move the hypervisor)');
		}
	});
}

function checkIrqchipAddress(is: Issues, sys: SystemConfig, cell: CellConfig, path: string): void {
	const gicd = sys.platform.arm?.gicdBase;
	if (gicd === undefined) return;
	cell.irqchips.forEach((ic, i) => {
		if (ic.address !== gicd) {
			is.add('irqchip', `${path ? `${path}.` : ''}irqchips[${i}].address`, `irqchip at ${hex(ic.address)} is not the system's GIC distributor ${hex(gicd)}; upstream ignores such an entry silently (its interrupts would not be assigned), so the CLI refuses it`, `set address to ${hex(gicd)}`);
		}
	});
}

function cellInterrupts(c: CellConfig): Set<number> {
	const s = new Set<number>();
	for (const ic of c.irqchips) for (const n of irqchipInterrupts(ic)) s.add(n);
	return s;
}

/** Is [start, start+size) covered by the union of the ranges? */
function covered(start: bigint, size: bigint, ranges: ReadonlyArray<readonly [bigint, bigint]>): boolean {
	let pos = start;
	const stop = start + size;
	const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
	for (const [s, e] of sorted) {
		if (s > pos) break;
		if (e > pos) pos = e;
		if (pos >= stop) return true;
	}
	return pos >= stop;
}

/**
 * Checks a system config and the cells meant to run under it against each
 * other (and each on its own).
 */
export function checkConfigSet(
	system: SourcedConfig<SystemConfig> | SystemConfig,
	cells: ReadonlyArray<SourcedConfig<CellConfig> | CellConfig>,
): ConfigIssue[] {
	const sys: SourcedConfig<SystemConfig> = 'kind' in system ? { config: system } : system;
	const list = cells.map((c): SourcedConfig<CellConfig> => ('kind' in c ? { config: c } : c));
	const out: ConfigIssue[] = [...validateConfig(sys.config, { file: sys.file })];
	const S = sys.config;
	const root = S.rootCell;
	const rootCpus = new Set(root.cpus);
	const rootMem = root.memoryRegions.filter((m) => !isComm(m) && m.size > 0n).map((m) => [m.physStart, m.physStart + m.size] as const);
	const rootIrqs = cellInterrupts(root);
	const rootBdfs = new Set(root.pciDevices.map((d) => `${d.domain}:${d.bdf}`));
	const names = new Map<string, string>([[root.name, sys.file ?? 'the system config']]);
	const cpuOwner = new Map<number, string>();
	const irqOwner = new Map<number, string>();

	const members: LinkMember[] = root.pciDevices.map((dev, index) => ({ cell: root, who: `the root cell "${root.name}"`, file: sys.file, path: 'rootCell', index, dev, isRoot: true }));
	const everyone: Array<{ cell: CellConfig; who: string; file?: string; path: string }> = [{ cell: root, who: `the root cell "${root.name}"`, file: sys.file, path: 'rootCell' }];

	for (const { config: c, file } of list) {
		out.push(...validateConfig(c, { file }));
		const is = new Issues(file);
		const who = file ?? `cell "${c.name}"`;
		// The platform-dependent PCI checks (virtual host present, bus range).
		for (const f of checkPciPlatform(c, '', S.platform)) is.add(f.rule, f.field, f.message, f.fix);
		c.pciDevices.forEach((dev, index) => members.push({ cell: c, who: `cell "${c.name}"`, file, path: '', index, dev, isRoot: false }));
		everyone.push({ cell: c, who: `cell "${c.name}"`, file, path: '' });
		if (c.architecture !== S.architecture) {
			is.add('architecture', 'architecture', `cell architecture ${archName(c.architecture)} differs from the system's ${archName(S.architecture)}`, 'build the cell for the system\'s architecture');
		}
		const prev = names.get(c.name);
		if (prev !== undefined) {
			is.add('name', 'name', `name "${c.name}" is already used by ${prev}`, 'give every cell its own name');
		} else names.set(c.name, who);

		for (const cpu of c.cpus) {
			if (!rootCpus.has(cpu)) {
				is.add('cpus', 'cpus', `CPU ${cpu} is not in the system's CPU set (${formatRanges(root.cpus)})`, 'use CPUs the root cell lists');
			} else if (cpu === 0) {
				is.add('cpus', 'cpus', 'CPU 0 is given away; the root cell (Linux) must keep its boot CPU', 'use another CPU');
			}
			const owner = cpuOwner.get(cpu);
			if (owner !== undefined) {
				is.add('cpus', 'cpus', `CPU ${cpu} is also assigned to ${owner}`, 'give every CPU to one cell only');
			} else cpuOwner.set(cpu, who);
		}

		c.memoryRegions.forEach((m, i) => {
			if (isComm(m) || m.size === 0n) return;
			if (!covered(m.physStart, m.size, rootMem)) {
				const kind = (m.flags & MEM_IO) !== 0n ? 'device (I/O) region' : 'memory';
				is.add('ownership', `memoryRegions[${i}]`, `${kind} ${range(m.physStart, m.size)} is not owned by the root cell`, 'add it to the root cell\'s memoryRegions (the root cell hands it over) or fix physStart');
			}
		});
		checkHvOverlap(is, S, c, '');
		checkIrqchipAddress(is, S, c, '');

		const irqs = [...cellInterrupts(c)].sort((a, b) => a - b);
		const notRoot = irqs.filter((n) => !rootIrqs.has(n));
		if (notRoot.length) {
			is.add('ownership', 'irqchips', `interrupts ${formatRanges(notRoot)} are not owned by the root cell`, 'add them to the root cell\'s irqchips or remove them here');
		}
		const clash = new Map<string, number[]>();
		for (const n of irqs) {
			const owner = irqOwner.get(n);
			if (owner !== undefined) clash.set(owner, [...(clash.get(owner) ?? []), n]);
			else irqOwner.set(n, who);
		}
		for (const [owner, ns] of clash) {
			is.add('irq-conflict', 'irqchips', `interrupts ${formatRanges(ns)} are also given to ${owner}`, 'give every interrupt to one cell only');
		}

		c.pciDevices.forEach((d, i) => {
			if (d.type === PCI_TYPE_IVSHMEM) return;
			if (!rootBdfs.has(`${d.domain}:${d.bdf}`)) {
				is.add('ownership', `pciDevices[${i}]`, `PCI device ${bdfString(d.domain, d.bdf)} is not owned by the root cell`, 'list it in the root cell\'s pciDevices');
			}
		});
		out.push(...is.list);
	}

	for (const f of checkLinks(members, everyone, list.length > 0)) {
		out.push({ rule: f.rule, file: f.file, field: f.field, message: f.message, fix: f.fix });
	}

	if (list.length && root.cpus.length && root.cpus.every((cpu) => cpuOwner.has(cpu))) {
		out.push({
			rule: 'cpus',
			file: sys.file,
			field: 'rootCell.cpus',
			message: `the cells take all of the root cell's CPUs (${formatRanges(root.cpus)})`,
			fix: 'leave the root cell at least one CPU',
		});
	}
	return out;
}

/** Throws one ConfigError listing every issue, if there are any. */
export function assertValid(issues: readonly ConfigIssue[]): void {
	if (issues.length === 0) return;
	if (issues.length === 1) {
		const i = issues[0]!;
		throw new ConfigError(i.message, { file: i.file, field: i.field, fix: i.fix });
	}
	throw new ConfigError(`${issues.length} problems:\n  ${issues.map(formatIssue).join('\n  ')}`);
}

/**
 * Warnings (the set works, but a cell can do more than it should): a cell
 * that maps the system's debug console UART can reprogram the UART the
 * root cell and the hypervisor print on (the hypervisor writes it from
 * EL2, so the cell can garble or silence every console line, and make
 * the hypervisor's polled output wait). The hypervisor's virtual console
 * (console hypercalls) or a UART of the cell's own avoids that.
 */
export function configSetWarnings(
	system: SourcedConfig<SystemConfig> | SystemConfig,
	cells: ReadonlyArray<SourcedConfig<CellConfig> | CellConfig>,
): ConfigIssue[] {
	const sys: SourcedConfig<SystemConfig> = 'kind' in system ? { config: system } : system;
	const uart = sys.config.debugConsole;
	const out: ConfigIssue[] = [];
	if (uart.size === 0 || uart.address === 0n) return out;
	for (const entry of cells) {
		const { config: c, file } = 'kind' in entry ? { config: entry, file: undefined } : entry;
		c.memoryRegions.forEach((m, i) => {
			if (m.size === 0n || isComm(m)) return;
			if (m.physStart < uart.address + BigInt(uart.size) && uart.address < end(m.physStart, m.size)) {
				out.push({
					rule: 'ownership',
					file,
					field: `memoryRegions[${i}]`,
					message: `cell "${c.name}" maps the hypervisor's debug console UART at ${hex(uart.address)} (${range(m.physStart, m.size)}): it can reprogram the UART the root cell and the hypervisor print on`,
					fix: 'give the cell the hypervisor\'s virtual console (flags virtual_console_permitted and virtual_console_active) or a UART of its own',
				});
			}
		});
	}
	return out;
}
