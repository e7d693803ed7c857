// SPDX-License-Identifier: BSD-2-Clause
/*
 * The runner's output handling without QEMU: QEMU writes the UART to the
 * pipe byte by byte, so any chunking of the output must give the same text.
 */
import { describe, expect, it } from 'vitest';
import { crlfNormalizer } from '../src/run-bare.js';

function feed(chunks: string[]): string {
	const n = crlfNormalizer();
	return chunks.map((c) => n.push(c)).join('') + n.flush();
}

describe('run-bare output', () => {
	const uart = 'Hello\r\nuart-demo: 1\r\nuart-demo: 2\r\n';
	const want = 'Hello\nuart-demo: 1\nuart-demo: 2\n';

	it('turns CR LF into LF wherever the chunks split', () => {
		for (let i = 0; i <= uart.length; i++) expect(feed([uart.slice(0, i), uart.slice(i)])).toBe(want);
		expect(feed([...uart])).toBe(want);
	});

	it('keeps a lone CR, also at the end of the output', () => {
		expect(feed(['a\r', 'b\r'])).toBe('a\rb\r');
		expect(feed(['a\r', '\r', '\n'])).toBe('a\r\n');
	});
});
