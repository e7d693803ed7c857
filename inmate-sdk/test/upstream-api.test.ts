// SPDX-License-Identifier: BSD-2-Clause
/*
 * The upstream inmate API layer (include/upstream/, lib/upstream/,
 * inmate.json "api": "upstream"): the demos of test/upstream-api/ and the
 * call list of test/upstream-api-calls/ build with the SDK's builder (as
 * `jailhouse inmate build` does), warning-free where -Werror says so; the
 * two APIs stay apart; the gic and uart demos run bare on QEMU (-icount).
 * In a cell: packages/system-tests e2e/upstream-api.e2e.ts. Needs the
 * aarch64 cross compiler.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildInmate, type TargetResult } from '../src/builder.js';
import { InmateError } from '../src/errors.js';
import { runBare } from '../src/run-bare.js';
import { findCrossToolchain } from '../src/sdk.js';

const sdk = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'inmate-sdk-upstream-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const nm = (elf: string): string => execFileSync(`${findCrossToolchain().prefix}nm`, [elf], { encoding: 'utf8' });

async function build(dir: string): Promise<TargetResult[]> {
	return (await buildInmate({ dir, outDir: join(tmp, dir.replace(/[/\\]/g, '_')), sdkRoot: sdk })).targets;
}

/** A one-file project in the temporary folder. */
function project(name: string, api: string, source: string): string {
	const dir = join(tmp, name);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'inmate.json'), JSON.stringify({ name, api, sources: ['main.c'], targets: ['cell'] }));
	writeFileSync(join(dir, 'main.c'), source);
	return dir;
}

describe('upstream inmate API layer', () => {
	const built: Record<string, TargetResult[]> = {};

	it.each(['gic-demo', 'uart-demo', 'ivshmem-demo'])('test/upstream-api/%s builds, its sources against include/upstream', async (d) => {
		const targets = await build(join(sdk, 'test', 'upstream-api', d));
		built[d] = targets;
		expect(targets.map((t) => t.target)).toEqual(d === 'ivshmem-demo' ? ['cell'] : ['cell', 'bare']);
		for (const t of targets) {
			// the application's <inmate.h> was the layer's, the SDK's own files were built as always
			const deps = readFileSync(join(t.elf, '..', 'app', `${d}.c.d`), 'utf8');
			expect(deps).toContain(join(sdk, 'include', 'upstream', 'inmate.h'));
			expect(deps).not.toContain(join(sdk, 'include', 'inmate.h'));
			const syms = nm(t.elf);
			// the inmate's entry is renamed, the layer's inmate_main calls it
			expect(syms).toMatch(/ T __upstream_inmate_main$/m);
			expect(syms).toMatch(/ T inmate_main$/m);
			expect(syms).toMatch(/ T irq_set_default_handler$/m);
		}
	});

	it('every call of the README table compiles with -Werror and links (test/upstream-api-calls)', async () => {
		const [cell] = await build(join(sdk, 'test', 'upstream-api-calls'));
		const syms = nm(cell!.elf);
		for (const s of ['__upstream_map_range', '__upstream_pci_find_device', '__upstream_pci_find_cap', '__upstream_pci_msix_set_vector', '__upstream_delay_us', '__evaluate', 'all_passed', 'stack_top', 'cmdline_parse_int', 'pci_read_config']) {
			expect(syms, s).toMatch(new RegExp(` [TBDR] ${s}$`, 'm'));
		}
		// CMDLINE_BUFFER(1024) replaced the SDK's default buffer at 0x1000
		expect(syms).toMatch(/^0000000000001000 [DR] cmdline$/m);
		// ... and its size is what the parser reads (not the default's folded 256)
		const at = /^([0-9a-f]+) R cmdline_size$/m.exec(syms);
		expect(at).not.toBeNull();
		const dump = execFileSync(`${findCrossToolchain().prefix}objdump`, ['-s', `--start-address=0x${at![1]}`, `--stop-address=0x${(parseInt(at![1]!, 16) + 8).toString(16)}`, cell!.elf], { encoding: 'utf8' });
		expect(dump).toMatch(/ 00040000 00000000/);
	});

	it('the APIs stay apart: SDK calls are unknown to upstream sources, upstream headers to SDK sources', async () => {
		const up = project('up-uses-sdk', 'upstream', '#include <inmate.h>\nvoid inmate_main(void) { irqs_enable(); }\n');
		await expect(build(up)).rejects.toThrow(InmateError);
		await expect(build(up)).rejects.toThrow(/implicit declaration of function .irqs_enable./);
		const sdkp = project('sdk-uses-up', 'sdk', '#include <inmate.h>\n#include <gic.h>\nvoid inmate_main(void) { }\n');
		await expect(build(sdkp)).rejects.toThrow(/gic\.h: No such file or directory/);
	});

	it('upstream-gic-demo runs bare: numbered lines, min <= late <= max, the same figures run to run', async () => {
		const elf = built['gic-demo']!.find((t) => t.target === 'bare')!.elf;
		const runs: string[][] = [];
		for (let i = 0; i < 2; i++) {
			const r = await runBare({ elf, until: /irq 20 late [^\n]*\n/, timeoutMs: 60_000 });
			expect(r.reason, r.output).toBe('matched');
			expect(r.output).toMatch(/^upstream-gic-demo: setting up the GIC\nupstream-gic-demo: timer at 62500000 Hz, 10 interrupts a second\n/);
			const lines = [...r.output.matchAll(/irq (\d+) late (\d+) ns \(min (\d+), max (\d+)\)\n/g)].slice(0, 20);
			expect(lines.map((l) => Number(l[1]))).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
			for (const l of lines) {
				const [late, min, max] = [l[2], l[3], l[4]].map(Number) as [number, number, number];
				expect(min).toBeLessThanOrEqual(late);
				expect(late).toBeLessThanOrEqual(max);
				expect(max).toBeLessThan(10_000);
			}
			runs.push(lines.map((l) => l[0]));
		}
		expect(runs[1]).toEqual(runs[0]);
	});

	it('upstream-uart-demo runs bare with its defaults: parsed values, <test.h> lines, greetings', async () => {
		const elf = built['uart-demo']!.find((t) => t.target === 'bare')!.elf;
		const r = await runBare({ elf, until: /Hello 3 from cell!\n/, timeoutMs: 60_000 });
		expect(r.reason, r.output).toBe('matched');
		expect(r.output).toMatch(
			/^upstream-uart-demo: greeting="Hello" count=0 pause-ms=1000 shout=no\ntest line \d+: ok\ntest line \d+: ok\ntest line \d+: ok\nupstream-uart-demo: self-test passed\nupstream-uart-demo: Hello 1 from cell!\nupstream-uart-demo: Hello 2 from cell!\nupstream-uart-demo: Hello 3 from cell!\n/,
		);
	});
});
