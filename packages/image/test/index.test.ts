// SPDX-License-Identifier: GPL-2.0-only
import { describe, expect, it } from 'vitest';
import { isElf } from '../src/index.js';

describe('isElf', () => {
	it('recognises the ELF magic and rejects other data', () => {
		expect(isElf(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2))).toBe(true);
		expect(isElf(Uint8Array.of(0x7f, 0x45, 0x4c))).toBe(false);
		expect(isElf(new TextEncoder().encode('JHSYS'))).toBe(false);
	});
});
