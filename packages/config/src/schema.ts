// SPDX-License-Identifier: GPL-2.0-only
// The readable config form users write (.ts, .json, .yaml) and that
// `config show --json` prints: addresses and sizes as numbers, bigints or
// strings ("0x7f000000", "16M"), flags by name, interrupts and CPUs as
// lists or ranges. Parsing it yields the canonical model of model.ts.

import { z } from 'zod';
import {
	ARCH,
	CACHE_FLAG_NAMES,
	CELL_FLAG_NAMES,
	CON_FLAG_NAMES,
	CON_TYPE_NAMES,
	CONFIG_REVISION,
	IOMMU_TYPE_NAMES,
	MEM_FLAG_NAMES,
	PCI_TYPE_NAMES,
	PCICAP_FLAG_NAMES,
	SYS_FLAG_NAMES,
	CACHE_TYPE_NAMES,
} from './constants.js';
import { ConfigError } from './errors.js';
import type { CellConfig, ConsoleDesc, IommuUnit, Irqchip, JailhouseConfig, PciDevice, SystemConfig } from './model.js';

const NUM_RE = /^\s*(0x[0-9a-f_]+|0b[01_]+|0o[0-7_]+|[0-9][0-9_]*)\s*([kmgt])?(?:i?b)?\s*$/i;
const SUFFIX: Record<string, bigint> = { k: 1n << 10n, m: 1n << 20n, g: 1n << 30n, t: 1n << 40n };

/** Parses a number the way configs may write it; undefined if it is not one. */
export function parseNumber(v: unknown): bigint | undefined {
	if (typeof v === 'bigint') return v;
	if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : undefined;
	if (typeof v !== 'string') return undefined;
	const m = NUM_RE.exec(v);
	if (!m) return undefined;
	const digits = m[1]!.replace(/_/g, '');
	const n = BigInt(digits);
	return m[2] ? n * SUFFIX[m[2].toLowerCase()]! : n;
}

const numInput = z.union([z.number(), z.bigint(), z.string()]);
type Ctx = z.core.$RefinementCtx<unknown>;

function toUint(v: unknown, bits: number, ctx: Ctx): bigint {
	const n = parseNumber(v);
	if (n === undefined) {
		ctx.addIssue({
			code: 'custom',
			message: `${JSON.stringify(typeof v === 'bigint' ? String(v) : v)} is not a number; write e.g. 4096, "0x1000" or "4K"`,
		});
		return 0n;
	}
	const max = (1n << BigInt(bits)) - 1n;
	if (n < 0n || n > max) {
		ctx.addIssue({ code: 'custom', message: `${n} is out of range; use 0 to 0x${max.toString(16)}` });
		return 0n;
	}
	return n;
}

const u64 = numInput.transform((v, ctx) => toUint(v, 64, ctx));
const uintN = (bits: number) => numInput.transform((v, ctx) => Number(toUint(v, bits, ctx)));
const u8 = uintN(8);
const u16 = uintN(16);
const u32 = uintN(32);

type FlagTable = ReadonlyArray<readonly [string, bigint]>;

function normFlagName(s: string, prefixes: string[]): string {
	let n = s.trim().toLowerCase().replace(/-/g, '_');
	for (const p of prefixes) if (n.startsWith(p)) n = n.slice(p.length);
	return n;
}

/** Flags as a number, a list of names/numbers, or "read|write". */
function flags(table: FlagTable, what: string, prefixes: string[], bits: number) {
	return z
		.union([z.number(), z.bigint(), z.string(), z.array(z.union([z.string(), z.number(), z.bigint()]))])
		.transform((v, ctx) => {
			const items =
				typeof v === 'string' && parseNumber(v) === undefined
					? v.split(/[|,\s]+/).filter((s) => s !== '')
					: Array.isArray(v)
						? v
						: [v];
			let out = 0n;
			for (const item of items) {
				const n = parseNumber(item);
				if (n !== undefined) {
					out |= toUint(n, bits, ctx);
					continue;
				}
				const name = normFlagName(String(item), prefixes);
				const hit = table.find(([k]) => k === name);
				if (!hit) {
					ctx.addIssue({
						code: 'custom',
						message: `unknown ${what} flag "${String(item)}"; use one of ${table.map(([k]) => k).join(', ')} (or a number)`,
					});
					continue;
				}
				out |= hit[1];
			}
			return out;
		});
}

/** A name from a code table, or the code itself. */
function enumCode(names: Readonly<Record<number, string>> | readonly string[], what: string, bits: number, prefixes: string[] = []) {
	const entries = Object.entries(names).map(([k, v]) => [Number(k), v as string] as const);
	return z.union([z.number(), z.bigint(), z.string()]).transform((v, ctx) => {
		const n = parseNumber(v);
		if (n !== undefined) return Number(toUint(n, bits, ctx));
		const name = normFlagName(String(v), prefixes).replace(/-/g, '_');
		const hit = entries.find(([, k]) => k === name);
		if (!hit) {
			ctx.addIssue({
				code: 'custom',
				message: `unknown ${what} "${v}"; use one of ${entries.map(([, k]) => k).join(', ')} (or a number)`,
			});
			return 0;
		}
		return hit[0];
	});
}

/** "0-3,7" or [0, "2-3"]: a set of small numbers, sorted. */
export function parseNumberList(v: unknown): number[] | string {
	const items = typeof v === 'string' ? v.split(',').filter((s) => s.trim() !== '') : Array.isArray(v) ? v : [v];
	const out = new Set<number>();
	for (const item of items) {
		const s = String(item).trim();
		const range = /^(\S+?)\s*-\s*(\S+)$/.exec(s);
		const lo = parseNumber(range ? range[1] : typeof item === 'number' ? item : s);
		const hi = range ? parseNumber(range[2]) : lo;
		if (lo === undefined || hi === undefined || lo > hi || hi > 0xffffffffn) {
			return `"${s}" is not a number or a range like "4-7"`;
		}
		for (let i = lo; i <= hi; i++) out.add(Number(i));
		if (out.size > 65536) return `"${s}" is too large a range`;
	}
	return [...out].sort((a, b) => a - b);
}

const numberList = z
	.union([z.string(), z.number(), z.bigint(), z.array(z.union([z.number(), z.bigint(), z.string()]))])
	.transform((v, ctx) => {
		const r = parseNumberList(v);
		if (typeof r === 'string') {
			ctx.addIssue({ code: 'custom', message: r });
			return [];
		}
		return r;
	});

const memFlags = flags(MEM_FLAG_NAMES, 'memory', ['jailhouse_mem_', 'mem_'], 64);

const memoryRegion = z
	.strictObject({
		physStart: u64.optional(),
		virtStart: u64.optional(),
		size: u64,
		flags: memFlags.optional(),
	})
	.transform((m) => {
		const physStart = m.physStart ?? 0n;
		return { physStart, virtStart: m.virtStart ?? physStart, size: m.size, flags: m.flags ?? 0n };
	});

const consoleDesc = z
	.strictObject({
		address: u64.optional(),
		size: u32.optional(),
		type: enumCode(CON_TYPE_NAMES, 'console type', 16, ['jailhouse_con_type_']).optional(),
		flags: flags(CON_FLAG_NAMES, 'console', ['jailhouse_con_', 'access_'], 16).optional(),
		divider: u32.optional(),
		gateNr: u32.optional(),
		clockReg: u64.optional(),
	})
	.transform(
		(c): ConsoleDesc => ({
			address: c.address ?? 0n,
			size: c.size ?? 0,
			type: c.type ?? 0,
			flags: Number(c.flags ?? 0n),
			divider: c.divider ?? 0,
			gateNr: c.gateNr ?? 0,
			clockReg: c.clockReg ?? 0n,
		}),
	);

const irqchip = z
	.strictObject({
		address: u64,
		id: u32.optional(),
		pinBase: u32.optional(),
		pinBitmap: z.tuple([u32, u32, u32, u32]).optional(),
		interrupts: numberList.optional(),
	})
	.transform((c, ctx): Irqchip => {
		const pinBase = c.pinBase ?? 32;
		const bm: [number, number, number, number] = c.pinBitmap ? [...c.pinBitmap] : [0, 0, 0, 0];
		for (const irq of c.interrupts ?? []) {
			const bit = irq - pinBase;
			if (bit < 0 || bit >= 128) {
				ctx.addIssue({
					code: 'custom',
					path: ['interrupts'],
					message: `interrupt ${irq} is outside this irqchip's range ${pinBase}..${pinBase + 127}; add another irqchip entry with a pinBase for it`,
				});
				continue;
			}
			bm[bit >> 5] = (bm[bit >> 5]! | (1 << (bit & 31))) >>> 0;
		}
		return { address: c.address, id: c.id ?? 0, pinBase, pinBitmap: bm };
	});

const cacheRegion = z
	.strictObject({
		start: u32,
		size: u32,
		type: enumCode(CACHE_TYPE_NAMES, 'cache type', 8, ['jailhouse_cache_']),
		flags: flags(CACHE_FLAG_NAMES, 'cache', ['jailhouse_cache_'], 16).optional(),
	})
	.transform((c) => ({ start: c.start, size: c.size, type: c.type, flags: Number(c.flags ?? 0n) }));

const pioRegion = z.strictObject({ base: u16, length: u16 });

const pciDevice = z
	.strictObject({
		type: enumCode(PCI_TYPE_NAMES, 'PCI device type', 8, ['jailhouse_pci_type_']),
		iommu: u8.optional(),
		domain: u16.optional(),
		bdf: u16,
		barMask: z.array(u32).max(6).optional(),
		capsStart: u16.optional(),
		numCaps: u16.optional(),
		numMsiVectors: u8.optional(),
		msi64Bits: z.boolean().optional(),
		msiMaskable: z.boolean().optional(),
		numMsixVectors: u16.optional(),
		msixRegionSize: u16.optional(),
		msixAddress: u64.optional(),
		shmemRegionsStart: u32.optional(),
		shmemDevId: u8.optional(),
		shmemPeers: u8.optional(),
		shmemProtocol: u16.optional(),
	})
	.transform((d): PciDevice => {
		const bm = [...(d.barMask ?? [])];
		while (bm.length < 6) bm.push(0);
		return {
			type: d.type,
			iommu: d.iommu ?? 0,
			domain: d.domain ?? 0,
			bdf: d.bdf,
			barMask: bm as PciDevice['barMask'],
			capsStart: d.capsStart ?? 0,
			numCaps: d.numCaps ?? 0,
			numMsiVectors: d.numMsiVectors ?? 0,
			msi64Bits: d.msi64Bits ?? false,
			msiMaskable: d.msiMaskable ?? false,
			numMsixVectors: d.numMsixVectors ?? 0,
			msixRegionSize: d.msixRegionSize ?? 0,
			msixAddress: d.msixAddress ?? 0n,
			shmemRegionsStart: d.shmemRegionsStart ?? 0,
			shmemDevId: d.shmemDevId ?? 0,
			shmemPeers: d.shmemPeers ?? 0,
			shmemProtocol: d.shmemProtocol ?? 0,
		};
	});

const pciCap = z
	.strictObject({
		id: u16,
		start: u16,
		len: u16,
		flags: flags(PCICAP_FLAG_NAMES, 'PCI capability', ['jailhouse_pcicaps_'], 16).optional(),
	})
	.transform((c) => ({ id: c.id, start: c.start, len: c.len, flags: Number(c.flags ?? 0n) }));

const architecture = enumCode(
	Object.fromEntries(Object.entries(ARCH).map(([k, v]) => [v, k])) as Record<number, string>,
	'architecture',
	8,
	['jailhouse_'],
);

const cellFields = {
	name: z.string(),
	architecture: architecture.optional(),
	revision: u16.optional(),
	id: u32.optional(),
	flags: flags(CELL_FLAG_NAMES, 'cell', ['jailhouse_cell_'], 32).optional(),
	cpus: numberList,
	cpuSetSize: u32.optional(),
	cpuResetAddress: u64.optional(),
	msgReplyTimeout: u64.optional(),
	vpciIrqBase: u32.optional(),
	console: consoleDesc.optional(),
	memoryRegions: z.array(memoryRegion).optional(),
	cacheRegions: z.array(cacheRegion).optional(),
	irqchips: z.array(irqchip).optional(),
	pioRegions: z.array(pioRegion).optional(),
	pciDevices: z.array(pciDevice).optional(),
	pciCaps: z.array(pciCap).optional(),
	streamIds: z.array(u32).optional(),
	headerZeroed: z.boolean().optional(),
};

type CellFieldsOut = z.output<z.ZodObject<typeof cellFields>>;

function toCell(c: CellFieldsOut, defaultArch: number): CellConfig {
	const maxCpu = c.cpus.length ? c.cpus[c.cpus.length - 1]! : 0;
	const cell: CellConfig = {
		kind: 'cell',
		architecture: c.architecture ?? defaultArch,
		revision: c.revision ?? CONFIG_REVISION,
		name: c.name,
		id: c.id ?? 0,
		flags: Number(c.flags ?? 0n),
		// Whole 64-bit words: the hypervisor reads the set as unsigned longs.
		cpuSetSize: c.cpuSetSize ?? 8 * (Math.floor(maxCpu / 64) + 1),
		cpus: c.cpus,
		memoryRegions: c.memoryRegions ?? [],
		cacheRegions: c.cacheRegions ?? [],
		irqchips: c.irqchips ?? [],
		pioRegions: c.pioRegions ?? [],
		pciDevices: c.pciDevices ?? [],
		pciCaps: c.pciCaps ?? [],
		streamIds: c.streamIds ?? [],
		vpciIrqBase: c.vpciIrqBase ?? 0,
		cpuResetAddress: c.cpuResetAddress ?? 0n,
		msgReplyTimeout: c.msgReplyTimeout ?? 0n,
		console: c.console ?? { address: 0n, size: 0, type: 0, flags: 0, divider: 0, gateNr: 0, clockReg: 0n },
	};
	if (c.headerZeroed) cell.headerZeroed = true;
	return cell;
}

export const cellSchema = z
	.strictObject({ kind: z.literal('cell'), ...cellFields })
	.transform((c) => toCell(c, ARCH.arm64));

const rootCellSchema = z.strictObject(cellFields);

const iommuUnit = z
	.strictObject({
		type: enumCode(IOMMU_TYPE_NAMES, 'IOMMU type', 32, ['jailhouse_iommu_']),
		base: u64,
		size: u32.optional(),
		amd: z.strictObject({ bdf: u16, baseCap: u8, msiCap: u8, features: u32 }).optional(),
		tipvu: z.strictObject({ tlbBase: u64, tlbSize: u32 }).optional(),
	})
	.transform((u): IommuUnit => {
		const out: IommuUnit = { type: u.type, base: u.base, size: u.size ?? 0 };
		if (u.amd) out.amd = u.amd;
		if (u.tipvu) out.tipvu = u.tipvu;
		return out;
	});

const armPlatform = z
	.strictObject({
		maintenanceIrq: u8.optional(),
		gicVersion: u8,
		gicdBase: u64,
		giccBase: u64.optional(),
		gichBase: u64.optional(),
		gicvBase: u64.optional(),
		gicrBase: u64.optional(),
	})
	.transform((a) => ({
		maintenanceIrq: a.maintenanceIrq ?? 25,
		gicVersion: a.gicVersion,
		gicdBase: a.gicdBase,
		giccBase: a.giccBase ?? 0n,
		gichBase: a.gichBase ?? 0n,
		gicvBase: a.gicvBase ?? 0n,
		gicrBase: a.gicrBase ?? 0n,
	}));

const x86Platform = z
	.strictObject({
		pmTimerAddress: u16.optional(),
		apicMode: u8.optional(),
		vtdInterruptLimit: u32.optional(),
		tscKhz: u32.optional(),
		apicKhz: u32.optional(),
	})
	.transform((x) => ({
		pmTimerAddress: x.pmTimerAddress ?? 0,
		apicMode: x.apicMode ?? 0,
		vtdInterruptLimit: x.vtdInterruptLimit ?? 0,
		tscKhz: x.tscKhz ?? 0,
		apicKhz: x.apicKhz ?? 0,
	}));

const platform = z
	.strictObject({
		pciMmconfigBase: u64.optional(),
		pciMmconfigEndBus: u8.optional(),
		pciIsVirtual: z.union([z.boolean(), u8]).optional(),
		pciDomain: u16.optional(),
		iommuUnits: z.array(iommuUnit).optional(),
		arm: armPlatform.optional(),
		x86: x86Platform.optional(),
	})
	.transform((p) => ({
		pciMmconfigBase: p.pciMmconfigBase ?? 0n,
		pciMmconfigEndBus: p.pciMmconfigEndBus ?? 0,
		pciIsVirtual: typeof p.pciIsVirtual === 'boolean' ? (p.pciIsVirtual ? 1 : 0) : (p.pciIsVirtual ?? 0),
		pciDomain: p.pciDomain ?? 0,
		iommuUnits: p.iommuUnits ?? [],
		...(p.arm ? { arm: p.arm } : {}),
		...(p.x86 ? { x86: p.x86 } : {}),
	}));

export const systemSchema = z
	.strictObject({
		kind: z.literal('system'),
		architecture: architecture.optional(),
		revision: u16.optional(),
		flags: flags(SYS_FLAG_NAMES, 'system', ['jailhouse_sys_'], 32).optional(),
		hypervisorMemory: memoryRegion,
		debugConsole: consoleDesc.optional(),
		platform,
		rootCell: rootCellSchema,
	})
	.transform((s): SystemConfig => {
		const arch = s.architecture ?? ARCH.arm64;
		return {
			kind: 'system',
			architecture: arch,
			revision: s.revision ?? CONFIG_REVISION,
			flags: Number(s.flags ?? 0n),
			hypervisorMemory: s.hypervisorMemory,
			debugConsole: s.debugConsole ?? { address: 0n, size: 0, type: 0, flags: 0, divider: 0, gateNr: 0, clockReg: 0n },
			platform: s.platform,
			rootCell: toCell(s.rootCell, arch),
		};
	});

export const configSchema = z.discriminatedUnion('kind', [systemSchema, cellSchema]);

/** What a user writes for a cell (the input side of the schema). */
export type CellInput = z.input<typeof cellSchema>;
/** What a user writes for a system config. */
export type SystemInput = z.input<typeof systemSchema>;
export type ConfigInput = CellInput | SystemInput;

function pathString(path: ReadonlyArray<PropertyKey>): string {
	let s = '';
	for (const k of path) {
		if (typeof k === 'number') s += `[${k}]`;
		else s += s === '' ? String(k) : `.${String(k)}`;
	}
	return s;
}

/**
 * Turns a readable config object (from .ts, .json or .yaml) into the
 * canonical model. Throws one ConfigError listing every problem.
 */
export function parseConfigObject(obj: unknown, file?: string): JailhouseConfig {
	if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
		throw new ConfigError('the config is not an object', {
			file,
			fix: 'export an object made with defineSystem() or defineCell(), or write one in JSON/YAML',
		});
	}
	const kind = (obj as { kind?: unknown }).kind;
	if (kind !== 'system' && kind !== 'cell') {
		throw new ConfigError(`"kind" is ${JSON.stringify(kind)}`, {
			file,
			field: 'kind',
			fix: 'set kind to "system" or "cell" (defineSystem() and defineCell() do this for you)',
		});
	}
	const r = (kind === 'system' ? systemSchema : cellSchema).safeParse(obj);
	if (r.success) return r.data;
	const lines = r.error.issues.map((i) => {
		const where = pathString(i.path);
		let msg = i.message;
		if (i.code === 'unrecognized_keys') {
			msg = `unknown field(s) ${i.keys.map((k) => `"${k}"`).join(', ')}; check the spelling (run \`jailhouse config schema\` for the fields)`;
		} else if (i.code === 'invalid_type' && /received undefined/.test(i.message)) {
			msg = `missing; this field is required`;
		}
		return where ? `${where}: ${msg}` : msg;
	});
	const first = r.error.issues[0];
	if (lines.length === 1 && first) {
		const where = pathString(first.path);
		return fail(lines[0]!.slice(where ? where.length + 2 : 0), where || undefined);
	}
	return fail(`${lines.length} problems:\n  ${lines.join('\n  ')}`, undefined);

	function fail(problem: string, field: string | undefined): never {
		throw new ConfigError(problem, { file, field });
	}
}

/** JSON Schema of the readable form, for editors. */
export function configJsonSchema(): Record<string, unknown> {
	const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
	return {
		...schema,
		title: 'Jailhouse system or cell config',
		description:
			'Readable form of a Jailhouse config (revision 14). Numbers may be written as strings: "0x7f000000", "16M".',
	};
}
