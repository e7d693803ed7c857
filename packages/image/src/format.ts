// SPDX-License-Identifier: GPL-2.0-only

/** 64-bit addresses exceed Number's exact range, so they travel as bigint and print as hex. */
export function hex(value: bigint | number): string {
	return `0x${value.toString(16)}`;
}

/** Half-open range printed the way readelf users expect: first..last byte inclusive is ambiguous for empty ranges. */
export function range(start: bigint, end: bigint): string {
	return `${hex(start)}-${hex(end)}`;
}

export function sizeText(bytes: bigint | number): string {
	const n = BigInt(bytes);
	const GiB = 1n << 30n;
	const MiB = 1n << 20n;
	const KiB = 1n << 10n;
	if (n >= GiB && n % GiB === 0n) return `${n / GiB} GiB`;
	if (n >= MiB && n % MiB === 0n) return `${n / MiB} MiB`;
	if (n >= KiB && n % KiB === 0n) return `${n / KiB} KiB`;
	return `${n} bytes`;
}

/**
 * Parses a user-supplied number: decimal, 0x hex, or with a K/M/G suffix
 * (binary multiples), as sizes and addresses are written on command lines.
 */
export function parseNumber(text: string): bigint | undefined {
	const m = /^\s*(0x[0-9a-f]+|0b[01]+|0o[0-7]+|\d+)\s*([kmg])?(i?b)?\s*$/i.exec(text);
	if (!m || (m[3] !== undefined && m[2] === undefined)) return undefined;
	let v = BigInt(m[1]!);
	const unit = m[2]?.toLowerCase();
	if (unit === 'k') v <<= 10n;
	else if (unit === 'm') v <<= 20n;
	else if (unit === 'g') v <<= 30n;
	return v;
}

export function alignUp(value: bigint, align: bigint): bigint {
	return ((value + align - 1n) / align) * align;
}
