// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse cell linux <cell-config> <kernel>`: Linux in a cell. Reads the
// kernel (Image or gzip'd), makes the device tree from the cell and system
// configs (or patches the one given with -d), places kernel, DTB and
// initrd by the arm64 boot protocol in the cell's RAM, and runs the cell
// with the linux-loader inmate at cpu_reset_address and its parameter
// string at +0x1000, through `cell run`'s create/load/start path.
// -w and --write-dts only write files and print the equivalent commands.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { ARCH, type CellConfig, type SystemConfig } from '@jailhouse/config/binary';
import { CliError } from '../errors.js';
import { decodeDtb, encodeDtb, formatDts, FdtError, type Fdt } from '../linux/fdt.js';
import { KernelImageError, kernelSpan, readKernelImage, type KernelImage } from '../linux/image.js';
import { PlacementError, placeLinux, placementProblems, sizeText, type Placement, type PlacementInput } from '../linux/placement.js';
import { DeviceTreeError, cellRam, cellUart, defaultBootargs, generateDeviceTree, patchDeviceTree, type ChosenInput } from '../linux/device-tree.js';
import { checkImages, checkNewCell, cellLayout, createLoadStart, loadRememberedSystem, prepareImage, prepareString, type PreparedImage } from './cell.js';
import { targetPaths } from './enable.js';
import { systemConfigPath } from '../driver/state.js';
import { loadDriverConfig, requireDriver, requireEnabled, userErrors, type LoadedConfig } from './target.js';

export const DEFAULT_LOADER = '/usr/share/jailhouse/inmates/linux-loader.bin';
/** Upstream's arm64 parameter buffer: the loader's command line page. */
export const PARAMS_OFFSET = 0x1000n;

export interface LinuxOptions {
	initrd?: string;
	dtb?: string;
	cmdline?: string;
	writeDts?: string;
	writeParams?: string;
	arch?: string;
	kernelDecompFactor?: string;
	system?: string;
	loader?: string;
	check: boolean;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

function readInput(path: string, what: string): Buffer {
	try {
		return readFileSync(path);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
		throw new CliError(`cannot read the ${what} ${path}: ${why}`);
	}
}

/** Upstream's -a: x86, arm or arm64; only arm64 cells exist here. */
export function checkArch(arch: string | undefined): void {
	if (arch === undefined || arch === 'arm64' || arch === 'aarch64') return;
	if (['x86', 'x86_64', 'i686', 'arm', 'armv7l'].includes(arch)) {
		throw new CliError(`--arch ${arch}: this hypervisor runs arm64 cells only (upstream's x86 and 32-bit arm Linux cells are not supported); drop -a or give -a arm64`);
	}
	throw new CliError(`--arch ${arch}: unknown architecture; the only one is arm64`);
}

export function parseDecompFactor(text: string | undefined): number | undefined {
	if (text === undefined) return undefined;
	const f = Number(text);
	if (!Number.isFinite(f) || f < 1 || f > 64) throw new CliError(`--kernel-decomp-factor ${text}: give a number from 1 to 64 (upstream's default on arm64 is 1)`);
	return f;
}

/** Everything `cell linux` loads, placed and checked; nothing sent to the driver yet. */
export interface LinuxPlan {
	cell: LoadedConfig<CellConfig>;
	kernelFile: string;
	kernel: KernelImage;
	initrd?: { file: string; data: Buffer };
	placement: Placement;
	placementInput: PlacementInput;
	fdt: Fdt;
	dtb: Buffer;
	/** Where the tree came from: the -d file or the configs. */
	dtbSource: string;
	params: string;
	paramsAddress: bigint;
}

/** Builds the device tree for a placement: generated, or the -d tree patched. */
type TreeMaker = (chosen: ChosenInput) => Fdt;

export async function planLinux(configFile: string, kernelFile: string, opts: LinuxOptions): Promise<LinuxPlan> {
	checkArch(opts.arch);
	const factor = parseDecompFactor(opts.kernelDecompFactor);
	const cell = await loadDriverConfig(configFile, 'cell');
	const cfg = cell.config;
	if (cfg.architecture !== ARCH.arm64) throw new CliError(`${configFile} is not an arm64 cell config; Linux cells are arm64 only`);

	const ram = cellRam(cfg);
	if (!ram.loader) {
		throw new CliError(`${configFile}: cell "${cfg.name}" has no memory region at its cpu_reset_address ${hex(cfg.cpuResetAddress)} for the linux loader; add a small loadable region there (upstream: 64 KiB at guest 0)`);
	}
	if (ram.loadable.length === 0) {
		throw new CliError(
			`${configFile}: cell "${cfg.name}" has no loadable RAM outside its loader region (${hex(ram.loader.virtStart)}-${hex(ram.loader.virtStart + ram.loader.size)}); ` +
				`add a read/write/execute region with the loadable flag for the kernel, its device tree and initrd (e.g. 128 MiB)`,
		);
	}

	let kernel: KernelImage;
	try {
		kernel = readKernelImage(readInput(kernelFile, 'kernel'), kernelFile);
	} catch (e) {
		if (e instanceof KernelImageError) throw new CliError(e.message);
		throw e;
	}
	if (kernel.pageSizeKiB !== undefined && kernel.pageSizeKiB !== 4) {
		throw new CliError(`${kernelFile} is built for ${kernel.pageSizeKiB} KiB pages; the cell's memory is mapped in 4 KiB pages by the boot protocol's rules, use a kernel with 4 KiB pages`);
	}
	const initrd = opts.initrd !== undefined ? { file: opts.initrd, data: readInput(opts.initrd, 'initrd') } : undefined;

	let make: TreeMaker;
	let dtbSource: string;
	if (opts.dtb !== undefined) {
		const given = readInput(opts.dtb, 'device tree');
		dtbSource = opts.dtb;
		make = (chosen) => {
			const t = decodeDtb(given, opts.dtb);
			patchDeviceTree(t, cfg, configFile, chosen);
			return t;
		};
		// decoded once up front so a bad file fails before the placement
		wrapTree(() => decodeDtb(given, opts.dtb));
	} else {
		const system = await loadRememberedSystem(opts.system);
		if (!system) {
			throw new CliError(
				`the device tree is made from the cell config and the system config, and no system config is known: none given (--system) and none remembered in ${systemConfigPath()} (\`jailhouse enable\` leaves it there); give --system <system.cell> or a device tree with -d`,
			);
		}
		const sys: SystemConfig = system.config;
		dtbSource = `generated from ${basename(configFile)} and ${basename(system.file)}`;
		const uart = wrapTree(() => cellUart(cfg, configFile));
		const bootargs = opts.cmdline ?? defaultBootargs(uart);
		make = (chosen) => generateDeviceTree(cfg, sys, { cell: configFile, system: system.file }, { ...chosen, bootargs });
	}
	const chosenFor = (p?: Placement): ChosenInput => ({
		...(opts.cmdline !== undefined ? { bootargs: opts.cmdline } : {}),
		...(initrd ? { initrd: { start: p?.initrdAddress ?? 0n, end: p?.initrdEnd ?? 0n } } : {}),
	});

	// The tree's size does not depend on the addresses in it (fixed-width cells), so one trial build sizes it.
	const trialSize = BigInt(wrapTree(() => encodeDtb(make(chosenFor()))).length);
	const placementInput: PlacementInput = {
		ram: ram.loadable.map((m) => ({ start: m.virtStart, size: m.size })),
		textOffset: kernel.textOffset,
		kernelSpan: kernelSpan(kernel, factor),
		kernelFileSize: BigInt(kernel.data.length),
		dtbSize: trialSize,
		...(initrd ? { initrdSize: BigInt(initrd.data.length) } : {}),
	};
	let placement: Placement;
	try {
		placement = placeLinux(placementInput);
	} catch (e) {
		if (e instanceof PlacementError) throw new CliError(`${configFile}: cell "${cfg.name}": ${e.message}`);
		throw e;
	}
	const fdt = wrapTree(() => make(chosenFor(placement)));
	const dtb = encodeDtb(fdt);
	const problems = placementProblems(placement, { ...placementInput, dtbSize: BigInt(dtb.length) });
	if (problems.length || BigInt(dtb.length) !== trialSize) throw new Error(`internal: placement check failed: ${problems.join(', ') || 'device tree size changed'}`);
	return {
		cell,
		kernelFile,
		kernel,
		...(initrd ? { initrd } : {}),
		placement,
		placementInput,
		fdt,
		dtb,
		dtbSource,
		params: `kernel=${hex(placement.kernelAddress)} dtb=${hex(placement.dtbAddress)}`,
		paramsAddress: cfg.cpuResetAddress + PARAMS_OFFSET,
	};
}

function wrapTree<T>(fn: () => T): T {
	try {
		return fn();
	} catch (e) {
		if (e instanceof DeviceTreeError || e instanceof FdtError) throw new CliError(e.message);
		throw e;
	}
}

/** The images in load order: the loader, its parameters (patching its command line page), kernel, DTB, initrd. */
export function linuxImages(plan: LinuxPlan, loader: PreparedImage): PreparedImage[] {
	const raw = (path: string, target: bigint, data: Buffer): PreparedImage => ({ path, kind: 'raw', pieces: [{ target, data }] });
	const p = plan.placement;
	return [
		loader,
		prepareString(plan.params, plan.paramsAddress),
		raw(`kernel ${plan.kernelFile}`, p.kernelAddress, plan.kernel.data),
		raw(`device tree (${plan.dtbSource})`, p.dtbAddress, plan.dtb),
		...(plan.initrd ? [raw(`initrd ${plan.initrd.file}`, p.initrdAddress!, plan.initrd.data)] : []),
	];
}

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Where everything goes, one line each. */
export function planSummary(plan: LinuxPlan, loaderPath: string): string {
	const p = plan.placement;
	const k = plan.kernel;
	const packing = k.packing === 'image' ? 'Image' : k.packing === 'gzip' ? 'gzip, unpacked' : 'EFI zboot, unpacked';
	const lines = [
		`  loader      ${loaderPath} at ${hex(plan.cell.config.cpuResetAddress)}, parameters "${plan.params}" at ${hex(plan.paramsAddress)}`,
		`  kernel      ${plan.kernelFile} (${packing}, ${sizeText(BigInt(k.data.length))}; ${sizeText(plan.placementInput.kernelSpan)} reserved) at ${hex(p.kernelAddress)}-${hex(p.kernelEnd)}`,
		`  device tree ${plan.dtbSource} (${sizeText(BigInt(plan.dtb.length))}) at ${hex(p.dtbAddress)}`,
	];
	if (plan.initrd) lines.push(`  initrd      ${plan.initrd.file} (${sizeText(BigInt(plan.initrd.data.length))}) at ${hex(p.initrdAddress!)}-${hex(p.initrdEnd!)}`);
	return lines.join('\n');
}

/** Upstream's -w text: the commands that boot the same thing by hand. */
export function equivalentCommands(plan: LinuxPlan, configFile: string, loaderPath: string, dtbFile: string): string {
	const p = plan.placement;
	const name = shellQuote(plan.cell.config.name);
	const out: string[] = [];
	let kernelFile = plan.kernelFile;
	if (plan.kernel.packing === 'gzip') {
		kernelFile = `${basename(plan.kernelFile)}.Image`;
		out.push(`zcat ${shellQuote(plan.kernelFile)} > ${shellQuote(kernelFile)}`);
	} else if (plan.kernel.packing === 'zboot-gzip') {
		kernelFile = `${basename(plan.kernelFile)}.Image`;
		out.push(`# ${plan.kernelFile} is an EFI zboot image: unpack its gzip payload to ${kernelFile} first (cell linux does this itself)`);
	}
	out.push(`jailhouse cell create ${shellQuote(configFile)}`);
	const load = [
		`jailhouse cell load ${name} ${shellQuote(loaderPath)} -a ${hex(plan.cell.config.cpuResetAddress)}`,
		`-s ${shellQuote(plan.params)} -a ${hex(plan.paramsAddress)}`,
		`${shellQuote(kernelFile)} -a ${hex(p.kernelAddress)}`,
		...(plan.initrd ? [`${shellQuote(plan.initrd.file)} -a ${hex(p.initrdAddress!)}`] : []),
		`${shellQuote(dtbFile)} -a ${hex(p.dtbAddress)}`,
	];
	out.push(load.join(' '), `jailhouse cell start ${name}`);
	return out.join('\n');
}

export async function linuxCommand(configFile: string, kernelFile: string, opts: LinuxOptions): Promise<void> {
	const plan = await userErrors(() => planLinux(configFile, kernelFile, opts));
	const loaderPath = opts.loader ?? DEFAULT_LOADER;
	const cfg = plan.cell.config;
	const writeOnly = opts.writeParams !== undefined || opts.writeDts !== undefined;
	if (writeOnly) {
		const write = (file: string, data: string | Buffer, what: string): void => {
			try {
				writeFileSync(file, data);
			} catch (e) {
				throw new CliError(`cannot write the ${what} to ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
			}
		};
		if (opts.writeDts !== undefined) {
			const head = `Device tree of Linux in cell "${cfg.name}", ${plan.dtbSource}, by jailhouse cell linux.\nKernel at ${hex(plan.placement.kernelAddress)}, this tree at ${hex(plan.placement.dtbAddress)}.`;
			write(opts.writeDts, formatDts(plan.fdt, head), 'device tree source');
			console.log(`device tree source written to ${opts.writeDts} (compile it with: dtc -I dts -O dtb ${shellQuote(opts.writeDts)})`);
		}
		if (opts.writeParams !== undefined) {
			write(opts.writeParams, plan.dtb, 'device tree');
			console.log(`Device tree written to ${opts.writeParams}. Start Linux with the following commands (adjusting paths as needed):\n`);
			console.log(equivalentCommands(plan, configFile, loaderPath, opts.writeParams));
		}
		console.log(`\nplaced in cell "${cfg.name}" (nothing was created):\n${planSummary(plan, loaderPath)}`);
		return;
	}

	if (!existsSync(loaderPath)) {
		throw new CliError(
			`the linux loader ${loaderPath} is missing: it is the inmate that starts the kernel (the jailhouse package installs it with the inmates; from a source tree: the inmate SDK's out/inmates/linux-loader.bin); install it or give --loader <file>`,
		);
	}
	const loader = await userErrors(() => prepareImage(loaderPath, cfg.cpuResetAddress));
	const images = linuxImages(plan, loader);
	if (opts.check) await userErrors(() => checkImages(images, cellLayout(cfg)));

	const paths = targetPaths();
	requireDriver(paths);
	requireEnabled(paths);
	await checkNewCell(paths, plan.cell, { ...(opts.system !== undefined ? { system: opts.system } : {}), check: opts.check });
	const info = await createLoadStart(paths, plan.cell, images);
	console.log(`cell "${cfg.name}"${info ? ` (id ${info.id})` : ''} created, Linux loaded and started:\n${planSummary(plan, loaderPath)}`);
}

export function registerCellLinuxCommand(cell: Command, noCheck: readonly [string, string]): void {
	cell
		.command('linux')
		.description(
			'boot Linux in a new cell: the kernel (arm64 Image or gzip), a device tree made from the cell and system configs (or -d), ' +
				'an optional initrd, placed by the arm64 boot protocol and started through the linux-loader inmate',
		)
		.argument('<cell-config>', 'cell config: .cell (or .json/.yaml)')
		.argument('<kernel>', 'arm64 kernel: Image, or gzip-compressed (vmlinuz)')
		.option('-i, --initrd <file>', 'initrd/initramfs for the kernel')
		.option('-d, --dtb <file>', "use this device tree (DTB) instead of generating one; its /memory, bootargs (with -c) and initrd bounds are patched, as upstream's")
		.option('-c, --cmdline <string>', 'kernel command line; replaces the default (console=ttyAMA0 earlycon=pl011,<UART address>), as upstream replaces bootargs')
		.option('--write-dts <file>', 'write the device tree as source (DTS) and print the placement; creates nothing')
		.option('-w, --write-params <file>', "upstream's: write the device tree (DTB) and print the equivalent create/load/start commands; creates nothing")
		.option('-a, --arch <arch>', "upstream's target architecture; only arm64 is supported")
		.option('-k, --kernel-decomp-factor <n>', "upstream's space factor: reserve at least n x the kernel file size for the kernel before device tree and initrd (the Image header's image_size is used anyway)")
		.option('--system <system-config>', 'system config to make the device tree from and check against (default: the one `jailhouse enable` remembered)')
		.option('--loader <file>', 'the linux-loader inmate', DEFAULT_LOADER)
		.option(...noCheck)
		.action((config: string, kernel: string, opts: LinuxOptions) => linuxCommand(config, kernel, opts));
}
