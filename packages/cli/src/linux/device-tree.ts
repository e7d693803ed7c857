// SPDX-License-Identifier: GPL-2.0-only
// The device tree of a Linux cell, made from its cell config and the system
// config instead of written by hand per board: exactly the resources the
// cell owns (its RAM, its CPUs with PSCI, the GIC distributor and only its
// redistributors, the architected timer, its UART, the virtual PCI host if
// it has ivshmem devices) and `chosen`. Also the patch of a given DTB
// (`-d`), as upstream's `cell linux` does: /memory, bootargs, initrd.
// Pure: configs in, tree out.

import {
	CON_TYPE_NAMES,
	MEM_COMM_REGION,
	MEM_EXECUTE,
	MEM_IO,
	MEM_LOADABLE,
	MEM_READ,
	MEM_ROOTSHARED,
	MEM_WRITE,
	PCI_TYPE_IVSHMEM,
	irqchipInterrupts,
	ivshmemIntid,
	ivshmemPin,
	type CellConfig,
	type MemoryRegion,
	type SystemConfig,
} from '@jailhouse/config/binary';
import { cells, deleteProp, empty, findNode, getProp, node, ref, setProp, str, u64Cells, valueBytes, type Fdt, type FdtNode, type PropValue } from './fdt.js';

export class DeviceTreeError extends Error {}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
const has = (m: MemoryRegion, f: bigint): boolean => (m.flags & f) === f;

/** GICv3 frame sizes: distributor 64 KiB, redistributor (RD + SGI frames) 128 KiB per CPU. */
const GICD_SIZE = 0x10000n;
const GICR_STRIDE = 0x20000n;
/** The BAR window the cell's Linux assigns ivshmem BARs from (the contract with the hypervisor's virtual PCI host). */
export const PCI_BAR_WINDOW = { start: 0x10000000n, size: 0x100000n };
/** QEMU's apb_pclk; PL011 drivers only need some rate to compute the divisor. */
const UART_CLOCK_HZ = 24000000;
const CON_TYPE_PL011 = CON_TYPE_NAMES.indexOf('pl011');

const GIC_SPI = 0;
const GIC_PPI = 1;
const IRQ_EDGE_RISING = 1;
const IRQ_LEVEL_HIGH = 4;

export interface CellRam {
	/** The region holding cpu_reset_address (the loader and its parameters). */
	loader?: MemoryRegion;
	/** RAM Linux gets: private read/write/execute memory except the loader region. */
	memory: MemoryRegion[];
	/** The part of it images can be loaded into. */
	loadable: MemoryRegion[];
}

/** The cell's RAM as Linux will see it. */
export function cellRam(cell: CellConfig): CellRam {
	const inRegion = (m: MemoryRegion, a: bigint): boolean => a >= m.virtStart && a < m.virtStart + m.size;
	const loader = cell.memoryRegions.find((m) => inRegion(m, cell.cpuResetAddress) && !has(m, MEM_COMM_REGION));
	const memory = cell.memoryRegions.filter(
		(m) =>
			m !== loader &&
			m.size > 0n &&
			has(m, MEM_READ | MEM_WRITE | MEM_EXECUTE) &&
			(m.flags & (MEM_IO | MEM_COMM_REGION | MEM_ROOTSHARED)) === 0n,
	);
	return { ...(loader ? { loader } : {}), memory, loadable: memory.filter((m) => has(m, MEM_LOADABLE)) };
}

export interface CellUart {
	address: bigint;
	size: bigint;
	intid: number;
}

/** INTIDs of the cell's ivshmem INTx lines. */
function ivshmemIntids(cell: CellConfig): Set<number> {
	return new Set(cell.pciDevices.filter((d) => d.type === PCI_TYPE_IVSHMEM && d.numMsixVectors === 0).map((d) => ivshmemIntid(cell, d)));
}

/**
 * The cell's console UART: the config's console, a PL011 in one of its I/O
 * regions; its interrupt is the one of the cell's that no ivshmem device
 * raises (a config does not say which interrupt belongs to which device).
 */
export function cellUart(cell: CellConfig, file: string): CellUart {
	const c = cell.console;
	if (c.address === 0n || c.type === 0) {
		throw new DeviceTreeError(`${file}: cell "${cell.name}" has no console UART (its config's console is empty); give it the UART it owns (console: { address, type: 'pl011', ... } and the UART's io memory region), or pass a device tree with -d`);
	}
	if (c.type !== CON_TYPE_PL011) {
		throw new DeviceTreeError(`${file}: the cell's console is a ${CON_TYPE_NAMES[c.type] ?? hex(c.type)} UART; the generated device tree knows the PL011 only; pass a device tree with -d`);
	}
	const region = cell.memoryRegions.find((m) => has(m, MEM_IO) && c.address >= m.virtStart && c.address < m.virtStart + m.size);
	if (!region) {
		throw new DeviceTreeError(`${file}: the cell's console UART at ${hex(c.address)} is in none of its io memory regions, so Linux could not reach it; add the region (physStart ${hex(c.address)}, size 0x1000, flags read, write, io)`);
	}
	const ivshmem = ivshmemIntids(cell);
	const spis = [...new Set(cell.irqchips.flatMap((ic) => irqchipInterrupts(ic)))].filter((n) => n >= 32 && !ivshmem.has(n)).sort((a, b) => a - b);
	if (spis.length === 0) {
		throw new DeviceTreeError(`${file}: the cell has no interrupt for its UART at ${hex(c.address)} (its irqchips hold ${ivshmem.size ? 'only its ivshmem INTx lines' : 'none'}); add the UART's interrupt (e.g. 33, SPI 1, on QEMU's virt machine) to its irqchips`);
	}
	if (spis.length > 1) {
		throw new DeviceTreeError(`${file}: cannot tell which of the cell's interrupts ${spis.join(', ')} is its UART's (the config does not say; the generated tree describes the UART and ivshmem only); pass a device tree with -d`);
	}
	return { address: c.address, size: BigInt(c.size || 0x1000), intid: spis[0]! };
}

/** Linux's command line by default: the PL011 as console, from its first instruction on. */
export function defaultBootargs(uart: CellUart): string {
	return `console=ttyAMA0 earlycon=pl011,0x${uart.address.toString(16).padStart(8, '0')}`;
}

export interface ChosenInput {
	bootargs?: string;
	initrd?: { start: bigint; end: bigint };
}

const reg64 = (...pairs: Array<[bigint, bigint]>): PropValue => cells(...pairs.flatMap(([a, s]) => [...u64Cells(a), ...u64Cells(s)]));
const unit = (a: bigint): string => a.toString(16);

/** Redistributor regions of the cell's CPUs: one per run of consecutive CPUs. */
export function redistributorRegions(gicrBase: bigint, cpus: readonly number[]): Array<[bigint, bigint]> {
	const out: Array<[bigint, bigint]> = [];
	const sorted = [...cpus].sort((a, b) => a - b);
	for (const c of sorted) {
		const start = gicrBase + BigInt(c) * GICR_STRIDE;
		const last = out[out.length - 1];
		if (last && last[0] + last[1] === start) last[1] += GICR_STRIDE;
		else out.push([start, GICR_STRIDE]);
	}
	return out;
}

function chosenNode(uartPath: string | undefined, chosen: ChosenInput): FdtNode {
	const props: Array<[string, PropValue]> = [];
	if (chosen.bootargs !== undefined) props.push(['bootargs', str(chosen.bootargs)]);
	if (uartPath) props.push(['stdout-path', str(uartPath)]);
	if (chosen.initrd) {
		props.push(['linux,initrd-start', cells(...u64Cells(chosen.initrd.start))], ['linux,initrd-end', cells(...u64Cells(chosen.initrd.end))]);
	}
	return node('chosen', props);
}

/** The whole tree for a cell, from its config and the system config. */
export function generateDeviceTree(cell: CellConfig, system: SystemConfig, files: { cell: string; system: string }, chosen: ChosenInput): Fdt {
	const arm = system.platform.arm;
	if (!arm) throw new DeviceTreeError(`${files.system} is not an arm64 system config (no GIC); the generated device tree is for arm64 only`);
	if (arm.gicVersion !== 3) throw new DeviceTreeError(`${files.system}: GIC version ${arm.gicVersion}; the generated device tree knows GICv3 only; pass a device tree with -d`);
	const ram = cellRam(cell);
	if (ram.memory.length === 0) throw new DeviceTreeError(`${files.cell}: cell "${cell.name}" has no RAM outside its loader region; add a read/write/execute/loadable region for Linux`);
	const uart = cellUart(cell, files.cell);

	const cpuNodes = cell.cpus.map((c) =>
		node(`cpu@${unit(BigInt(c))}`, [
			['device_type', str('cpu')],
			['compatible', str('arm,armv8')],
			['reg', cells(c)],
			['enable-method', str('psci')],
		]),
	);
	const rdists = redistributorRegions(arm.gicrBase, cell.cpus);
	const gicProps: Array<[string, PropValue]> = [
		['compatible', str('arm,gic-v3')],
		['#interrupt-cells', cells(3)],
		['#address-cells', cells(0)],
		['interrupt-controller', empty()],
		['reg', reg64([arm.gicdBase, GICD_SIZE], ...rdists)],
	];
	if (rdists.length > 1) gicProps.push(['#redistributor-regions', cells(rdists.length)]);
	if (arm.maintenanceIrq >= 16 && arm.maintenanceIrq < 32) gicProps.push(['interrupts', cells(GIC_PPI, arm.maintenanceIrq - 16, IRQ_LEVEL_HIGH)]);
	const gic = node(`interrupt-controller@${unit(arm.gicdBase)}`, gicProps, [], 'gic');

	const timer = node('timer', [
		['compatible', str('arm,armv8-timer')],
		// secure, non-secure physical, virtual, hypervisor PPIs
		['interrupts', cells(...[13, 14, 11, 10].flatMap((p) => [GIC_PPI, p, IRQ_LEVEL_HIGH]))],
	]);
	const clock = node(
		'apb-pclk',
		[
			['compatible', str('fixed-clock')],
			['#clock-cells', cells(0)],
			['clock-frequency', cells(UART_CLOCK_HZ)],
			['clock-output-names', str('clk24mhz')],
		],
		[],
		'apb_pclk',
	);
	const uartName = `serial@${unit(uart.address)}`;
	const uartNode = node(uartName, [
		['compatible', str('arm,pl011', 'arm,primecell')],
		['reg', reg64([uart.address, uart.size])],
		['interrupts', cells(GIC_SPI, uart.intid - 32, IRQ_LEVEL_HIGH)],
		['clocks', cells(ref('apb_pclk'), ref('apb_pclk'))],
		['clock-names', str('uartclk', 'apb_pclk')],
	]);

	const memory = node(`memory@${unit(ram.memory[0]!.virtStart)}`, [
		['device_type', str('memory')],
		['reg', reg64(...ram.memory.map((m): [bigint, bigint] => [m.virtStart, m.size]))],
	]);

	const children: FdtNode[] = [
		node('aliases', [['serial0', str(`/${uartName}`)]]),
		chosenNode(`/${uartName}`, chosen),
		memory,
		node('cpus', [['#address-cells', cells(1)], ['#size-cells', cells(0)]], cpuNodes),
		node('psci', [
			['compatible', str('arm,psci-1.0', 'arm,psci-0.2')],
			['method', str('smc')],
		]),
		gic,
		timer,
		clock,
		uartNode,
	];
	const pci = pciHost(cell, system);
	if (pci) children.push(pci);

	return {
		root: node('', [
			['#address-cells', cells(2)],
			['#size-cells', cells(2)],
			['interrupt-parent', cells(ref('gic'))],
			['model', str(`Jailhouse cell "${cell.name}"`)],
			['compatible', str('jailhouse,cell')],
		], children),
		reserve: [],
		bootCpuidPhys: cell.cpus[0] ?? 0,
	};
}

/** The hypervisor's virtual PCI host, when the cell has ivshmem devices: ECAM, the BAR window, one INTx per device. */
function pciHost(cell: CellConfig, system: SystemConfig): FdtNode | undefined {
	const devs = cell.pciDevices.filter((d) => d.type === PCI_TYPE_IVSHMEM);
	if (devs.length === 0) return undefined;
	const p = system.platform;
	const ecamSize = BigInt(p.pciMmconfigEndBus + 1) * 0x100000n;
	const w = PCI_BAR_WINDOW;
	const map = devs
		.filter((d) => d.numMsixVectors === 0)
		.sort((a, b) => a.bdf - b.bdf)
		.flatMap((d) => [d.bdf << 8, 0, 0, ivshmemPin(d.bdf), ref('gic'), GIC_SPI, ivshmemIntid(cell, d) - 32, IRQ_EDGE_RISING]);
	return node(`pci@${unit(p.pciMmconfigBase)}`, [
		['compatible', str('pci-host-ecam-generic')],
		['device_type', str('pci')],
		['bus-range', cells(0, p.pciMmconfigEndBus)],
		['linux,pci-domain', cells(p.pciDomain)],
		['#address-cells', cells(3)],
		['#size-cells', cells(2)],
		['#interrupt-cells', cells(1)],
		['reg', reg64([p.pciMmconfigBase, ecamSize])],
		// 32-bit non-prefetchable memory, 1:1
		['ranges', cells(0x02000000, ...u64Cells(w.start), ...u64Cells(w.start), ...u64Cells(w.size))],
		['interrupt-map-mask', cells(0xffff00, 0, 0, 7)],
		['interrupt-map', cells(...map)],
	]);
}

// ---------------------------------------------------------------- -d: patching a given tree

function readCells(n: FdtNode, name: string, fallback: number): number {
	const p = getProp(n, name);
	if (!p) return fallback;
	const b = Buffer.from(valueBytes(p.value));
	return b.length === 4 ? b.readUInt32BE(0) : fallback;
}

function numberCells(v: bigint, n: number, what: string): number[] {
	if (n === 1) {
		if (v > 0xffffffffn) throw new DeviceTreeError(`${what} ${hex(v)} does not fit the device tree's #address-cells/#size-cells of 1`);
		return [Number(v)];
	}
	return u64Cells(v);
}

/**
 * Upstream's patch of a user's DTB: /memory becomes the cell's RAM (other
 * memory nodes go), bootargs are replaced when -c is given, the initrd
 * bounds are set (or removed when there is none).
 */
export function patchDeviceTree(fdt: Fdt, cell: CellConfig, file: string, chosen: ChosenInput): void {
	const root = fdt.root;
	const ac = readCells(root, '#address-cells', 2);
	const sc = readCells(root, '#size-cells', 1);
	const ram = cellRam(cell);
	if (ram.memory.length === 0) throw new DeviceTreeError(`${file}: cell "${cell.name}" has no RAM outside its loader region; add a read/write/execute/loadable region for Linux`);
	const isMemory = (n: FdtNode): boolean => {
		const dt = getProp(n, 'device_type');
		return n.name === 'memory' || n.name.startsWith('memory@') || (dt !== undefined && Buffer.from(valueBytes(dt.value)).toString('latin1') === 'memory\0');
	};
	const at = root.children.findIndex(isMemory);
	root.children = root.children.filter((n) => !isMemory(n));
	const memory = node(`memory@${unit(ram.memory[0]!.virtStart)}`, [
		['device_type', str('memory')],
		['reg', cells(...ram.memory.flatMap((m) => [...numberCells(m.virtStart, ac, 'RAM address'), ...numberCells(m.size, sc, 'RAM size')]))],
	]);
	root.children.splice(at < 0 ? root.children.length : at, 0, memory);
	let ch = findNode(root, 'chosen');
	if (!ch) {
		ch = node('chosen', []);
		root.children.unshift(ch);
	}
	if (chosen.bootargs !== undefined) setProp(ch, 'bootargs', str(chosen.bootargs));
	if (chosen.initrd) {
		setProp(ch, 'linux,initrd-start', cells(...numberCells(chosen.initrd.start, ac === 1 ? 1 : 2, 'initrd address')));
		setProp(ch, 'linux,initrd-end', cells(...numberCells(chosen.initrd.end, ac === 1 ? 1 : 2, 'initrd end')));
	} else {
		deleteProp(ch, 'linux,initrd-start');
		deleteProp(ch, 'linux,initrd-end');
	}
}
