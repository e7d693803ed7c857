// SPDX-License-Identifier: GPL-2.0-only
// Flattened device trees (DTB, version 17) and their source form (DTS):
// a small tree model, a writer and a reader of the binary form, and a DTS
// text writer. No npm package writes FDTs, and the target has no dtc, so
// `cell linux` carries its own (Devicetree Specification v0.4, chapter 5).
// Pure: no files.

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;
const HEADER_SIZE = 40;

export class FdtError extends Error {}

/** A reference to a labelled node's phandle inside a cell list. */
export interface PhandleRef {
	ref: string;
}

/**
 * A property value with its type, so the DTS writer can print it the way
 * a person wrote it. Cells are u32; 64-bit numbers are split by the caller.
 */
export type PropValue =
	| { kind: 'empty' }
	| { kind: 'strings'; strings: string[] }
	| { kind: 'cells'; cells: Array<number | PhandleRef> }
	| { kind: 'bytes'; bytes: Uint8Array };

export interface FdtProp {
	name: string;
	value: PropValue;
}

export interface FdtNode {
	/** "" for the root, else "name@unit". */
	name: string;
	/** Label for &references; a labelled node gets a phandle property. */
	label?: string;
	props: FdtProp[];
	children: FdtNode[];
}

export interface Fdt {
	root: FdtNode;
	/** /memreserve/ entries. */
	reserve: Array<{ address: bigint; size: bigint }>;
	bootCpuidPhys: number;
}

// ---------------------------------------------------------------- building

export const str = (...strings: string[]): PropValue => ({ kind: 'strings', strings });
export const cells = (...c: Array<number | PhandleRef>): PropValue => ({ kind: 'cells', cells: c });
export const empty = (): PropValue => ({ kind: 'empty' });
export const ref = (label: string): PhandleRef => ({ ref: label });

/** A 64-bit number as two cells, high first. */
export function u64Cells(v: bigint): [number, number] {
	return [Number((v >> 32n) & 0xffffffffn), Number(v & 0xffffffffn)];
}

export function node(name: string, props: Array<[string, PropValue]>, children: FdtNode[] = [], label?: string): FdtNode {
	return { name, ...(label ? { label } : {}), props: props.map(([n, value]) => ({ name: n, value })), children };
}

export function findNode(root: FdtNode, path: string): FdtNode | undefined {
	let n: FdtNode | undefined = root;
	for (const part of path.split('/').filter(Boolean)) {
		n = n.children.find((c) => c.name === part);
		if (!n) return undefined;
	}
	return n;
}

export function getProp(n: FdtNode, name: string): FdtProp | undefined {
	return n.props.find((p) => p.name === name);
}

export function setProp(n: FdtNode, name: string, value: PropValue): void {
	const p = getProp(n, name);
	if (p) p.value = value;
	else n.props.push({ name, value });
}

export function deleteProp(n: FdtNode, name: string): void {
	n.props = n.props.filter((p) => p.name !== name);
}

/** The bytes a property value is stored as. Phandle references must be resolved first. */
export function valueBytes(v: PropValue, phandles?: ReadonlyMap<string, number>): Uint8Array {
	switch (v.kind) {
		case 'empty':
			return new Uint8Array(0);
		case 'bytes':
			return v.bytes;
		case 'strings':
			return Buffer.concat(v.strings.map((s) => Buffer.from(`${s}\0`, 'utf8')));
		case 'cells': {
			const b = Buffer.alloc(4 * v.cells.length);
			v.cells.forEach((c, i) => {
				let n: number;
				if (typeof c === 'number') n = c;
				else {
					const p = phandles?.get(c.ref);
					if (p === undefined) throw new FdtError(`reference to unknown label &${c.ref}`);
					n = p;
				}
				b.writeUInt32BE(n >>> 0, 4 * i);
			});
			return b;
		}
	}
}

/**
 * Phandles for the labelled nodes, in tree order starting at 1; a node that
 * already carries a phandle property keeps its number.
 */
function assignPhandles(root: FdtNode): Map<string, number> {
	const out = new Map<string, number>();
	const used = new Set<number>();
	const walk = (n: FdtNode, f: (n: FdtNode) => void): void => {
		f(n);
		n.children.forEach((c) => walk(c, f));
	};
	walk(root, (n) => {
		const p = getProp(n, 'phandle');
		if (p && n.label) {
			const b = valueBytes(p.value);
			if (b.length === 4) {
				const v = Buffer.from(b).readUInt32BE(0);
				out.set(n.label, v);
				used.add(v);
			}
		}
	});
	let next = 1;
	walk(root, (n) => {
		if (!n.label || out.has(n.label)) return;
		while (used.has(next)) next++;
		out.set(n.label, next);
		used.add(next);
		setProp(n, 'phandle', cells(next));
	});
	return out;
}

// ---------------------------------------------------------------- DTB

const pad4 = (n: number): number => (n + 3) & ~3;

/** Encodes the tree as a version 17 DTB (header, memory reservation block, structure block, strings block). */
export function encodeDtb(fdt: Fdt): Buffer {
	const phandles = assignPhandles(fdt.root);
	const strings: string[] = [];
	const stringOffset = new Map<string, number>();
	let stringsSize = 0;
	const nameOff = (name: string): number => {
		let off = stringOffset.get(name);
		if (off === undefined) {
			off = stringsSize;
			stringOffset.set(name, off);
			strings.push(name);
			stringsSize += Buffer.byteLength(name) + 1;
		}
		return off;
	};
	const parts: Buffer[] = [];
	const word = (v: number): void => {
		const b = Buffer.alloc(4);
		b.writeUInt32BE(v >>> 0);
		parts.push(b);
	};
	const emit = (n: FdtNode): void => {
		word(FDT_BEGIN_NODE);
		const name = Buffer.from(`${n.name}\0`, 'utf8');
		parts.push(name, Buffer.alloc(pad4(name.length) - name.length));
		for (const p of n.props) {
			const data = valueBytes(p.value, phandles);
			word(FDT_PROP);
			word(data.length);
			word(nameOff(p.name));
			parts.push(Buffer.from(data), Buffer.alloc(pad4(data.length) - data.length));
		}
		n.children.forEach(emit);
		word(FDT_END_NODE);
	};
	emit(fdt.root);
	word(FDT_END);
	const struct = Buffer.concat(parts);
	const rsv = Buffer.alloc(16 * (fdt.reserve.length + 1));
	fdt.reserve.forEach((r, i) => {
		rsv.writeBigUInt64BE(r.address, 16 * i);
		rsv.writeBigUInt64BE(r.size, 16 * i + 8);
	});
	const stringsBlock = Buffer.from(strings.map((s) => `${s}\0`).join(''), 'utf8');
	const offRsv = HEADER_SIZE;
	const offStruct = offRsv + rsv.length;
	const offStrings = offStruct + struct.length;
	const total = offStrings + stringsBlock.length;
	const header = Buffer.alloc(HEADER_SIZE);
	[FDT_MAGIC, total, offStruct, offStrings, offRsv, 17, 16, fdt.bootCpuidPhys, stringsBlock.length, struct.length].forEach((v, i) =>
		header.writeUInt32BE(v >>> 0, 4 * i),
	);
	return Buffer.concat([header, rsv, struct, stringsBlock]);
}

/** Reads a DTB (version 16 or later) into the tree model; property values come back as bytes. */
export function decodeDtb(data: Uint8Array, what = 'device tree'): Fdt {
	const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
	if (b.length < HEADER_SIZE || b.readUInt32BE(0) !== FDT_MAGIC) throw new FdtError(`${what} is not a flattened device tree (no 0xd00dfeed magic); give a .dtb (dtc -I dts -O dtb)`);
	const [total, offStruct, offStrings, offRsv, version, lastComp, bootCpuidPhys, sizeStrings, sizeStruct] = Array.from({ length: 9 }, (_, i) => b.readUInt32BE(4 + 4 * i)) as [
		number, number, number, number, number, number, number, number, number,
	];
	if (version < 16 || lastComp > 17) throw new FdtError(`${what}: DTB version ${version} (compatible with ${lastComp}) is not supported; recompile it with dtc`);
	if (total > b.length || offStruct + sizeStruct > total || offStrings + sizeStrings > total || offRsv >= total) {
		throw new FdtError(`${what} is truncated or corrupt (header says ${total} bytes, the file has ${b.length})`);
	}
	const reserve: Fdt['reserve'] = [];
	for (let o = offRsv; ; o += 16) {
		if (o + 16 > total) throw new FdtError(`${what}: memory reservation block is not terminated`);
		const address = b.readBigUInt64BE(o);
		const size = b.readBigUInt64BE(o + 8);
		if (address === 0n && size === 0n) break;
		reserve.push({ address, size });
	}
	const stringAt = (off: number): string => {
		const start = offStrings + off;
		const end = b.indexOf(0, start);
		if (off >= sizeStrings || end < 0 || end >= offStrings + sizeStrings) throw new FdtError(`${what}: property name offset ${off} outside the strings block`);
		return b.toString('utf8', start, end);
	};
	let pos = offStruct;
	const end = offStruct + sizeStruct;
	const token = (): number => {
		if (pos + 4 > end) throw new FdtError(`${what}: structure block ends early`);
		const t = b.readUInt32BE(pos);
		pos += 4;
		return t;
	};
	const parseNode = (): FdtNode => {
		const z = b.indexOf(0, pos);
		if (z < 0 || z >= end) throw new FdtError(`${what}: node name runs past the structure block`);
		const n: FdtNode = { name: b.toString('utf8', pos, z), props: [], children: [] };
		pos = offStruct + pad4(z + 1 - offStruct);
		for (;;) {
			const t = token();
			if (t === FDT_NOP) continue;
			if (t === FDT_PROP) {
				const len = token();
				const nameOffset = token();
				if (pos + len > end) throw new FdtError(`${what}: property runs past the structure block`);
				n.props.push({ name: stringAt(nameOffset), value: { kind: 'bytes', bytes: new Uint8Array(b.subarray(pos, pos + len)) } });
				pos = offStruct + pad4(pos + len - offStruct);
			} else if (t === FDT_BEGIN_NODE) {
				n.children.push(parseNode());
			} else if (t === FDT_END_NODE) {
				return n;
			} else {
				throw new FdtError(`${what}: unexpected token ${t} at offset ${pos - 4}`);
			}
		}
	};
	let t = token();
	while (t === FDT_NOP) t = token();
	if (t !== FDT_BEGIN_NODE) throw new FdtError(`${what}: the structure block does not start with the root node`);
	const root = parseNode();
	t = token();
	while (t === FDT_NOP) t = token();
	if (t !== FDT_END) throw new FdtError(`${what}: no end token after the root node`);
	return { root, reserve, bootCpuidPhys };
}

// ---------------------------------------------------------------- DTS

const hexCell = (n: number): string => `0x${(n >>> 0).toString(16).padStart(2, '0')}`;

function escapeString(s: string): string {
	return s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => {
		const named: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };
		return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
	});
}

/** How dtc guesses a raw value's type when it decompiles: strings if printable, cells if word-sized, else bytes. */
function guessValue(bytes: Uint8Array): PropValue {
	if (bytes.length === 0) return { kind: 'empty' };
	const b = Buffer.from(bytes);
	if (b[b.length - 1] === 0 && b[0] !== 0) {
		const parts = b.toString('latin1', 0, b.length - 1).split('\0');
		if (parts.every((s) => s.length > 0 && /^[\x20-\x7e\t\n\r]*$/.test(s))) return { kind: 'strings', strings: b.toString('utf8', 0, b.length - 1).split('\0') };
	}
	if (b.length % 4 === 0) return { kind: 'cells', cells: Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32BE(4 * i)) };
	return { kind: 'bytes', bytes };
}

function formatValue(v: PropValue): string {
	const shown = v.kind === 'bytes' ? guessValue(v.bytes) : v;
	switch (shown.kind) {
		case 'empty':
			return '';
		case 'strings':
			return ` = ${shown.strings.map((s) => `"${escapeString(s)}"`).join(', ')}`;
		case 'cells':
			return ` = <${shown.cells.map((c) => (typeof c === 'number' ? hexCell(c) : `&${c.ref}`)).join(' ')}>`;
		case 'bytes':
			return ` = [${Array.from(shown.bytes, (x) => x.toString(16).padStart(2, '0')).join(' ')}]`;
	}
}

/** The tree as DTS source that `dtc -I dts -O dtb` compiles back to the same tree. */
export function formatDts(fdt: Fdt, comment?: string): string {
	assignPhandles(fdt.root);
	const lines: string[] = ['/dts-v1/;', ''];
	if (comment) lines.splice(1, 0, ...comment.split('\n').map((l) => `// ${l}`.trimEnd()));
	for (const r of fdt.reserve) lines.push(`/memreserve/ 0x${r.address.toString(16).padStart(16, '0')} 0x${r.size.toString(16).padStart(16, '0')};`);
	if (fdt.reserve.length) lines.push('');
	const emit = (n: FdtNode, depth: number): void => {
		const ind = '\t'.repeat(depth);
		lines.push(`${ind}${n.label ? `${n.label}: ` : ''}${n.name || '/'} {`);
		for (const p of n.props) lines.push(`${ind}\t${p.name}${formatValue(p.value)};`);
		for (const c of n.children) {
			lines.push('');
			emit(c, depth + 1);
		}
		lines.push(`${ind}};`);
	};
	emit(fdt.root, 0);
	return `${lines.join('\n')}\n`;
}
