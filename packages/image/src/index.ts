/** ELF magic bytes, the first four bytes of every ELF file. */
export const ELF_MAGIC = Uint8Array.of(0x7f, 0x45, 0x4c, 0x46);

export function isElf(data: Uint8Array): boolean {
	return data.length >= 4 && ELF_MAGIC.every((b, i) => data[i] === b);
}
