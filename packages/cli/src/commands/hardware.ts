// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse hardware check`: what this machine offers and lacks for the
// hypervisor, from what the running Linux knows: the kernel log (the boot
// CPU mode, VHE, KVM, PSCI), the device tree (GIC, PSCI, CPUs, SMMU) and
// sysfs (CPUs, cache geometry). Upstream has the command for x86 only and
// says "Unsupported architecture" on arm64.
//
// Everything is read below one root folder (/ by default; --root gives a
// copy of another machine's files, as the unit tests do), so nothing here
// needs the driver or root rights beyond reading /dev/kmsg.

import { closeSync, constants, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { warn } from './target.js';

export type CheckStatus = 'ok' | 'missing' | 'unknown';

export interface HardwareCheck {
	/** short key, stable for scripts: el2, vhe, kvm, gic, gic-virt, psci, cpus, smmu, cache */
	id: string;
	/** what is checked, in a few words */
	what: string;
	/** whether the hypervisor cannot work without it */
	required: boolean;
	status: CheckStatus;
	/** one line: why this status, naming where the fact came from */
	why: string;
}

export interface CacheLevel {
	level: number;
	type: string;
	/** absent where the kernel does not know it (arm64 takes it from the device tree) */
	sizeBytes?: number;
	ways?: number;
	lineBytes?: number;
	sets?: number;
}

export interface HardwareReport {
	root: string;
	/** no required check is missing */
	ok: boolean;
	checks: HardwareCheck[];
	/** the facts the checks were made from, for scripts */
	facts: {
		bootMode?: string;
		gic?: { version: 2 | 3; node: string; compatible: string[]; maintenanceIrq?: number };
		psci?: { node: string; compatible: string[]; method?: string; kernelVersion?: string };
		cpus: { deviceTree: number; enableMethods: string[]; possible?: string; online?: string };
		smmu: Array<{ node: string; compatible: string }>;
		caches: CacheLevel[];
	};
}

// ---------------------------------------------------------------- reading

function readText(path: string): string | undefined {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return undefined;
	}
}

/**
 * The kernel log's messages (without /dev/kmsg's "prio,seq,time,-;" prefix), or why it
 * could not be read. /dev/kmsg hands out one record per read and EAGAIN at the end when
 * opened non-blocking; a plain file (a fixture) is read to its end.
 */
export function readKernelLog(root: string): { lines: string[] } | { error: string } {
	const path = join(root, 'dev/kmsg');
	let fd: number;
	try {
		fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code ?? String(e);
		return { error: `cannot read the kernel log (${path}: ${code}${code === 'EACCES' || code === 'EPERM' ? '; run as root' : ''})` };
	}
	const chunks: string[] = [];
	const buf = Buffer.alloc(64 * 1024);
	try {
		for (let i = 0; i < 1_000_000; i++) {
			let n: number;
			try {
				n = readSync(fd, buf, 0, buf.length, null);
			} catch (e) {
				const code = (e as NodeJS.ErrnoException).code;
				if (code === 'EAGAIN') break;
				// a record overwritten while reading: the next read goes on with the oldest left
				if (code === 'EPIPE') continue;
				return { error: `cannot read the kernel log (${path}: ${code ?? String(e)})` };
			}
			if (n === 0) break;
			chunks.push(buf.toString('utf8', 0, n));
		}
	} finally {
		closeSync(fd);
	}
	const lines = chunks
		.join('')
		.split('\n')
		.filter((l) => l && !l.startsWith(' '))
		.map((l) => l.replace(/^\d+,\d+,\d+,[^;]*;/, ''));
	return { lines };
}

/** The device tree Linux shows (sysfs, else /proc/device-tree), or undefined. */
function deviceTreeBase(root: string): string | undefined {
	for (const p of ['sys/firmware/devicetree/base', 'proc/device-tree']) {
		const full = join(root, p);
		if (existsSync(full) && statSync(full).isDirectory()) return full;
	}
	return undefined;
}

function dtStrings(node: string, prop: string): string[] {
	try {
		return readFileSync(join(node, prop), 'latin1')
			.split('\0')
			.filter((s) => s.length > 0);
	} catch {
		return [];
	}
}

function dtCells(node: string, prop: string): number[] | undefined {
	let b: Buffer;
	try {
		b = readFileSync(join(node, prop));
	} catch {
		return undefined;
	}
	const cells: number[] = [];
	for (let o = 0; o + 4 <= b.length; o += 4) cells.push(b.readUInt32BE(o));
	return cells;
}

function isDir(path: string): boolean {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
}

/** Every node below base (not base itself), depth-first, as paths relative to base; a few levels deep. */
function dtNodes(base: string, maxDepth = 4): string[] {
	const out: string[] = [];
	const walk = (rel: string, depth: number): void => {
		let names: string[];
		try {
			names = readdirSync(join(base, rel));
		} catch {
			return;
		}
		for (const n of names.sort()) {
			const r = rel ? `${rel}/${n}` : n;
			if (!isDir(join(base, r))) continue;
			out.push(r);
			if (depth < maxDepth) walk(r, depth + 1);
		}
	};
	walk('', 1);
	return out;
}

const GICV3 = ['arm,gic-v3'];
const GICV2 = ['arm,gic-400', 'arm,cortex-a15-gic', 'arm,cortex-a9-gic', 'arm,cortex-a7-gic', 'arm,arm11mp-gic', 'arm,gic-v2'];
const SMMU = ['arm,smmu-v3', 'arm,mmu-500', 'arm,smmu-v2', 'arm,smmu-v1', 'arm,mmu-400', 'arm,mmu-401'];

/** "32K" / "2048K" / "1M" as sysfs cacheinfo writes sizes. */
function parseSize(s: string | undefined): number | undefined {
	const m = /^(\d+)([KMG]?)$/.exec((s ?? '').trim());
	if (!m) return undefined;
	return Number(m[1]) * { '': 1, K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 }[m[2] as '' | 'K' | 'M' | 'G'];
}

function readCaches(root: string): CacheLevel[] | undefined {
	const dir = join(root, 'sys/devices/system/cpu/cpu0/cache');
	let names: string[];
	try {
		names = readdirSync(dir).filter((n) => /^index\d+$/.test(n));
	} catch {
		return undefined;
	}
	const num = (d: string, f: string): number | undefined => {
		const t = readText(join(d, f))?.trim();
		return t && /^\d+$/.test(t) ? Number(t) : undefined;
	};
	const levels: CacheLevel[] = [];
	for (const n of names.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))) {
		const d = join(dir, n);
		const level = num(d, 'level');
		const sizeBytes = parseSize(readText(join(d, 'size')));
		if (level === undefined) continue;
		const ways = num(d, 'ways_of_associativity');
		const lineBytes = num(d, 'coherency_line_size');
		let sets = num(d, 'number_of_sets');
		if (sets === undefined && sizeBytes && ways && lineBytes) sets = sizeBytes / (ways * lineBytes);
		const c: CacheLevel = { level, type: readText(join(d, 'type'))?.trim() ?? 'Unknown' };
		if (sizeBytes !== undefined) c.sizeBytes = sizeBytes;
		if (ways !== undefined) c.ways = ways;
		if (lineBytes !== undefined) c.lineBytes = lineBytes;
		if (sets !== undefined) c.sets = sets;
		levels.push(c);
	}
	return levels;
}

const kib = (n: number): string => (n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : n % 1024 === 0 ? `${n / 1024} KiB` : `${n} B`);

function cacheName(c: CacheLevel): string {
	const t = c.type === 'Data' ? 'd' : c.type === 'Instruction' ? 'i' : '';
	return `L${c.level}${t}`;
}

// ---------------------------------------------------------------- checks

/** The checks for the machine whose /proc, /sys and /dev/kmsg are under root. */
export function checkHardware(root = '/'): HardwareReport {
	const checks: HardwareCheck[] = [];
	const add = (c: HardwareCheck): void => {
		checks.push(c);
	};
	const log = readKernelLog(root);
	const logLines = 'lines' in log ? log.lines : [];
	const logFind = (re: RegExp): string | undefined => logLines.find((l) => re.test(l));
	const noLog = 'error' in log ? log.error : undefined;
	const cmdline = readText(join(root, 'proc/cmdline'))?.trim();
	const base = deviceTreeBase(root);
	const noDt = `no device tree in ${join(root, 'sys/firmware/devicetree/base')} or ${join(root, 'proc/device-tree')} (booted with ACPI?)`;
	const facts: HardwareReport['facts'] = { cpus: { deviceTree: 0, enableMethods: [] }, smmu: [], caches: [] };

	// EL2: the mode the kernel's CPUs started in
	const started = logFind(/^CPU: (All CPU\(s\) started at EL\d|CPUs started in inconsistent modes)/);
	const bootMode = started ? /EL\d/.exec(started)?.[0] ?? 'inconsistent' : undefined;
	facts.bootMode = bootMode;
	add({
		id: 'el2',
		what: 'EL2 (CPUs started at EL2)',
		required: true,
		status: bootMode === 'EL2' ? 'ok' : bootMode ? 'missing' : 'unknown',
		why:
			bootMode === 'EL2'
				? `kernel log: "${started}"`
				: bootMode
					? `kernel log: "${started}": the firmware/boot loader must enter Linux at EL2 for a hypervisor to be installed`
					: (noLog ?? 'the kernel log no longer holds "CPU: All CPU(s) started at ..." (it wrapped); reboot, or read it in the boot log'),
	});

	// VHE: a kernel running at EL2 itself leaves no room for the hypervisor
	const vhe = logFind(/detected: Virtualization Host Extensions/);
	add({
		id: 'vhe',
		what: 'kernel at EL1 (no VHE)',
		required: true,
		status: vhe ? 'missing' : bootMode === 'EL2' ? 'ok' : 'unknown',
		why: vhe
			? `kernel log: "${vhe}": the kernel runs at EL2; boot it with arm64.nvhe (or kvm-arm.mode=nvhe) so that it runs at EL1`
			: bootMode === 'EL2'
				? 'the kernel log reports no Virtualization Host Extensions in use: Linux runs at EL1 with its hyp stub at EL2'
				: (noLog ?? 'cannot tell without the boot CPU mode'),
	});

	// KVM must not hold EL2
	const kvmOff = logFind(/KVM disabled from command line|kvm \[\d+\]: HYP mode not available/);
	const kvmOn = logFind(/kvm \[\d+\]: (Hyp|VHE|Protected nVHE|nVHE) mode initialized successfully/i);
	const cmdlineOff = cmdline?.split(/\s+/).includes('kvm-arm.mode=none');
	add({
		id: 'kvm',
		what: 'EL2 not taken by KVM',
		required: true,
		status: kvmOn ? 'missing' : kvmOff || cmdlineOff ? 'ok' : 'unknown',
		why: kvmOn
			? `kernel log: "${kvmOn}": KVM holds EL2; boot with kvm-arm.mode=none`
			: kvmOff
				? `kernel log: "${kvmOff}"${cmdlineOff ? ' (kvm-arm.mode=none on the command line)' : ''}`
				: cmdlineOff
					? 'kvm-arm.mode=none on the kernel command line'
					: (noLog ?? 'the kernel log says nothing about KVM taking EL2; boot with kvm-arm.mode=none to be sure'),
	});

	// GIC and its virtualization support, from the device tree
	const nodes = base ? dtNodes(base) : [];
	let gicNode: string | undefined;
	for (const n of nodes) {
		const compat = dtStrings(join(base!, n), 'compatible');
		if (!existsSync(join(base!, n, 'interrupt-controller'))) continue;
		const v3 = compat.some((c) => GICV3.includes(c));
		const v2 = compat.some((c) => GICV2.includes(c));
		if (!v3 && !v2) continue;
		gicNode = n;
		const ints = dtCells(join(base!, n), 'interrupts');
		// <type num flags>, type 1 = PPI: INTID 16 + num
		const maint = ints && ints.length >= 3 ? (ints[0] === 1 ? 16 + ints[1]! : 32 + ints[1]!) : undefined;
		facts.gic = { version: v3 ? 3 : 2, node: `/${n}`, compatible: compat, maintenanceIrq: maint };
		break;
	}
	const gic = facts.gic;
	add({
		id: 'gic',
		what: 'GICv3 interrupt controller',
		required: true,
		status: !base ? 'unknown' : gic?.version === 3 ? 'ok' : 'missing',
		why: !base
			? noDt
			: !gic
				? 'no GIC (arm,gic-v3 or a GICv2 compatible) among the device tree\'s interrupt controllers'
				: gic.version === 3
					? `device tree ${gic.node}: compatible "${gic.compatible.join('", "')}"`
					: `device tree ${gic.node}: a GICv2 ("${gic.compatible.join('", "')}"); this hypervisor drives GICv3 only`,
	});
	let virtWhy: string;
	let virtStatus: CheckStatus;
	if (!base) [virtStatus, virtWhy] = ['unknown', noDt];
	else if (!gic) [virtStatus, virtWhy] = ['unknown', 'no GIC found'];
	else {
		const node = join(base, gic.node.slice(1));
		const regs = dtCells(node, 'reg') ?? [];
		const parent = join(base, gic.node.slice(1), '..');
		const ac = dtCells(parent, '#address-cells')?.[0] ?? 2;
		const sc = dtCells(parent, '#size-cells')?.[0] ?? 1;
		const nRegs = Math.floor(regs.length / (ac + sc));
		const maintText = gic.maintenanceIrq !== undefined ? `maintenance interrupt INTID ${gic.maintenanceIrq} (interrupts property)` : '';
		if (gic.version === 3) {
			// the virtual CPU interface is in system registers (ICH_*); the maintenance interrupt says it is there
			if (gic.maintenanceIrq !== undefined) [virtStatus, virtWhy] = ['ok', `device tree ${gic.node}: ${maintText}; the virtual CPU interface is in the ICH_* system registers`];
			else [virtStatus, virtWhy] = ['missing', `device tree ${gic.node} has no maintenance interrupt (interrupts property): the GIC's virtualization is absent or not given to Linux (QEMU: -machine virt,virtualization=on)`];
		} else if (nRegs >= 4 && gic.maintenanceIrq !== undefined) {
			[virtStatus, virtWhy] = ['ok', `device tree ${gic.node}: ${nRegs} reg ranges (GICD, GICC, GICH, GICV) and ${maintText}`];
		} else {
			[virtStatus, virtWhy] = ['missing', `device tree ${gic.node}: ${nRegs} reg ranges${gic.maintenanceIrq === undefined ? ', no maintenance interrupt' : ''}; GICv2 virtualization needs GICH and GICV (4 ranges) and the maintenance interrupt`];
		}
	}
	add({ id: 'gic-virt', what: 'GIC virtualization', required: true, status: virtStatus, why: virtWhy });

	// PSCI
	for (const n of nodes) {
		const compat = dtStrings(join(base!, n), 'compatible');
		if (compat.some((c) => /^arm,psci/.test(c))) {
			const method = dtStrings(join(base!, n), 'method')[0];
			const kv = logFind(/^psci: PSCIv[\d.]+ detected in firmware/);
			facts.psci = { node: `/${n}`, compatible: compat, method, kernelVersion: kv ? /PSCIv([\d.]+)/.exec(kv)?.[1] : undefined };
			break;
		}
	}
	const psci = facts.psci;
	add({
		id: 'psci',
		what: 'PSCI (CPU on/off)',
		required: true,
		status: !base ? 'unknown' : psci && (psci.method === 'smc' || psci.method === 'hvc') ? 'ok' : 'missing',
		why: !base
			? noDt
			: !psci
				? 'no PSCI node (compatible arm,psci*) in the device tree: the hypervisor takes CPUs on and off through PSCI'
				: psci.method !== 'smc' && psci.method !== 'hvc'
					? `device tree ${psci.node}: method ${psci.method ? `"${psci.method}"` : 'missing'}; PSCI needs method "smc" or "hvc"`
					: `device tree ${psci.node}: "${psci.compatible.join('", "')}", method ${psci.method}${psci.kernelVersion ? `; kernel log: PSCIv${psci.kernelVersion}` : ''}`,
	});

	// CPUs: at least two, so that one can leave Linux for a cell; each brought up through PSCI
	const cpusDir = base ? join(base, 'cpus') : undefined;
	const cpuNodes = cpusDir && isDir(cpusDir) ? readdirSync(cpusDir).filter((n) => isDir(join(cpusDir, n)) && dtStrings(join(cpusDir, n), 'device_type').includes('cpu')) : [];
	const methods = [...new Set(cpuNodes.map((n) => dtStrings(join(cpusDir!, n), 'enable-method')[0] ?? 'none'))];
	facts.cpus = {
		deviceTree: cpuNodes.length,
		enableMethods: methods,
		possible: readText(join(root, 'sys/devices/system/cpu/possible'))?.trim(),
		online: readText(join(root, 'sys/devices/system/cpu/online'))?.trim(),
	};
	const linuxCpus = `Linux: possible ${facts.cpus.possible ?? '?'}, online ${facts.cpus.online ?? '?'}`;
	add({
		id: 'cpus',
		what: 'CPUs (2 or more, PSCI)',
		required: true,
		status: !base ? 'unknown' : cpuNodes.length >= 2 && methods.length === 1 && methods[0] === 'psci' ? 'ok' : 'missing',
		why: !base
			? noDt
			: cpuNodes.length < 2
				? `${cpuNodes.length} CPU in the device tree: a cell needs a CPU of its own besides the root's (${linuxCpus})`
				: methods.length !== 1 || methods[0] !== 'psci'
					? `enable-method ${methods.join(', ')} in /cpus: the hypervisor needs every CPU brought up by PSCI`
					: `${cpuNodes.length} CPUs in the device tree (/cpus, enable-method psci); ${linuxCpus}`,
	});

	// SMMU: not used by this hypervisor yet; says whether DMA could be confined
	for (const n of nodes) {
		const compat = dtStrings(join(base!, n), 'compatible').find((c) => SMMU.includes(c));
		if (compat) facts.smmu.push({ node: `/${n}`, compatible: compat });
	}
	add({
		id: 'smmu',
		what: 'SMMU (IOMMU)',
		required: false,
		status: !base ? 'unknown' : facts.smmu.length ? 'ok' : 'missing',
		why: !base
			? noDt
			: facts.smmu.length
				? `device tree ${facts.smmu.map((s) => `${s.node} (${s.compatible})`).join(', ')}; this hypervisor does not program it yet`
				: 'no arm,smmu-v3 / arm,mmu-500 / arm,smmu-v2 node in the device tree: DMA by devices given to cells is not confined (and this hypervisor does not use an SMMU yet)',
	});

	// cache geometry, for cache colouring
	const caches = readCaches(root);
	facts.caches = caches ?? [];
	const llc = caches?.filter((c) => c.type === 'Unified').sort((a, b) => b.level - a.level)[0];
	const describeCache = (c: CacheLevel): string =>
		`${cacheName(c)}${c.sizeBytes !== undefined ? ` ${kib(c.sizeBytes)}` : ''}${c.ways ? ` ${c.ways}-way` : ''}${c.lineBytes ? ` ${c.lineBytes} B lines` : ''}${c.sets ? ` ${c.sets} sets` : ''}`;
	let cacheWhy: string;
	let cacheStatus: CheckStatus;
	if (!caches || caches.length === 0) [cacheStatus, cacheWhy] = ['unknown', `no cache geometry in ${join(root, 'sys/devices/system/cpu/cpu0/cache')}`];
	else if (caches.every((c) => c.sizeBytes === undefined)) {
		// Linux on arm64 takes sizes and ways from the device tree's cache properties
		const cpu0 = base ? join(base, 'cpus', readdirSync(join(base, 'cpus')).find((n) => n.startsWith('cpu@')) ?? 'cpu@0') : undefined;
		const dtHasCaches = cpu0 !== undefined && ['cache-size', 'd-cache-size', 'next-level-cache'].some((p) => existsSync(join(cpu0, p)));
		[cacheStatus, cacheWhy] = [
			'unknown',
			`the kernel lists ${caches.map(cacheName).join(', ')} in ${join(root, 'sys/devices/system/cpu/cpu0/cache')} without size or associativity${base && !dtHasCaches ? ' (it takes them from the device tree\'s cache properties, and its CPU nodes have none)' : ''}; colouring needs the last-level cache's size and ways`,
		];
	} else if (!llc || !llc.ways || !llc.sizeBytes) [cacheStatus, cacheWhy] = ['unknown', `${caches.map(describeCache).join(', ')}; no shared (unified) cache with a known size and associativity to colour`];
	else {
		const waySize = llc.sizeBytes / llc.ways;
		const colours = Math.floor(waySize / 4096);
		[cacheStatus, cacheWhy] = [colours >= 2 ? 'ok' : 'missing', `${caches.map(describeCache).join(', ')}; colouring ${cacheName(llc)}: ${kib(waySize)} per way = ${colours} colours of 4 KiB pages`];
	}
	add({ id: 'cache', what: 'cache geometry (colouring)', required: false, status: cacheStatus, why: cacheWhy });

	return { root, ok: !checks.some((c) => c.required && c.status === 'missing'), checks, facts };
}

// ---------------------------------------------------------------- command

export function formatReport(r: HardwareReport): string {
	const rows = [['check', 'required', 'status', 'why'], ...r.checks.map((c) => [`${c.id}`, c.required ? 'yes' : 'no', c.status, `${c.what}: ${c.why}`])];
	const w = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
	return rows.map((row) => `${row[0]!.padEnd(w[0]!)}  ${row[1]!.padEnd(w[1]!)}  ${row[2]!.padEnd(w[2]!)}  ${row[3]}`).join('\n');
}

function hardwareCheckCommand(opts: { json?: boolean; root: string }): void {
	if (!isDir(opts.root)) throw new CliError(`--root ${opts.root}: not a folder; give the folder holding proc/, sys/ and dev/kmsg (default /)`);
	const r = checkHardware(opts.root);
	console.log(opts.json ? JSON.stringify(r, null, 2) : formatReport(r));
	const missing = r.checks.filter((c) => c.required && c.status === 'missing');
	const unknown = r.checks.filter((c) => c.required && c.status === 'unknown');
	if (missing.length) throw new CliError(`this machine lacks what the hypervisor needs: ${missing.map((c) => c.id).join(', ')} (see the table)`);
	if (unknown.length) warn(`could not tell: ${unknown.map((c) => c.id).join(', ')} (see the table)`);
}

export function registerHardwareCommands(program: Command): void {
	const hw = program.command('hardware').description('what this machine offers the hypervisor (target)');
	hw.command('check')
		.description('check this machine for what the hypervisor needs: EL2, GICv3 with virtualization, PSCI, CPUs; and SMMU and cache geometry (target; exit 1 if something required is missing)')
		.option('--json', 'print the checks and the facts behind them as JSON')
		.option('--root <dir>', 'read proc/, sys/ and dev/kmsg below this folder instead of / (another machine\'s files)', '/')
		.action(hardwareCheckCommand);
}
