// SPDX-License-Identifier: GPL-2.0-only
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
	FIRMWARE_HEADER_LAYOUT,
	FIRMWARE_HEADER_SIZE,
	ImageError,
	findSymbol,
	packFirmware,
	parseElf,
	readFirmwareHeader,
	type SystemLayout,
} from '../src/index.js';
import { CROSS_PREFIX, crossBuild, hasCross, objcopyBinary, tempDir } from './helpers/cross.js';
import { FIRMWARE_C, FIRMWARE_LDS } from './helpers/firmware-src.js';

const BASE = 0xffffc0200000n;

function failure(fn: () => unknown): string {
	try {
		fn();
	} catch (err) {
		expect(err).toBeInstanceOf(ImageError);
		return (err as Error).message;
	}
	throw new Error('expected packFirmware to fail');
}

describe('firmware header layout', () => {
	it('keeps v0.12 offsets, adds the header version at 76, the hypervisor version at 80 and ends at 112 bytes', () => {
		const L = FIRMWARE_HEADER_LAYOUT;
		expect([L.signature, L.coreSize, L.percpuSize, L.entry, L.consolePage, L.gcovInfoHead].map((f) => f.offset)).toEqual([0, 8, 16, 24, 32, 40]);
		expect([L.maxCpus.offset, L.onlineCpus.offset, L.debugConsoleBase.offset, L.armLinuxHypVectors.offset, L.armLinuxHypAbi.offset]).toEqual([48, 52, 56, 64, 72]);
		expect(L.version.offset).toBe(76);
		expect(L.hypervisorVersion.offset).toBe(80);
		const fields = Object.values(L).sort((a, b) => a.offset - b.offset);
		let at = 0;
		for (const f of fields) {
			expect(f.offset).toBe(at);
			at += f.size;
		}
		expect(at).toBe(FIRMWARE_HEADER_SIZE);
	});
});

const HEADER_H = fileURLToPath(new URL('../../../firmware/include/jailhouse/header.h', import.meta.url));

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

describe.skipIf(!hasCross || !existsSync(HEADER_H))('firmware header layout vs firmware/include/jailhouse/header.h', () => {
	it('has the offsets and size the C header has (checked by the compiler)', () => {
		const { dir, cleanup } = tempDir();
		try {
			const asserts = Object.entries(FIRMWARE_HEADER_LAYOUT)
				.map(([k, f]) => `_Static_assert(__builtin_offsetof(struct jailhouse_header, ${snake(k)}) == ${f.offset}, "${k}");\n` +
					`_Static_assert(sizeof(((struct jailhouse_header *)0)->${snake(k)}) == ${f.size}, "${k} size");`)
				.join('\n');
			const probe = `#include <jailhouse/header.h>\n${asserts}\n_Static_assert(sizeof(struct jailhouse_header) == ${FIRMWARE_HEADER_SIZE}, "size");\n`;
			writeFileSync(join(dir, 'probe.c'), probe);
			execFileSync(`${CROSS_PREFIX}gcc`, ['-ffreestanding', '-c', '-I', join(HEADER_H, '../..'), '-o', join(dir, 'probe.o'), join(dir, 'probe.c')], { stdio: 'pipe' });
		} finally {
			cleanup();
		}
	});
});

describe.skipIf(!hasCross)('packFirmware on a cross-compiled stand-in hypervisor', () => {
	const { dir, cleanup } = tempDir();
	afterAll(cleanup);
	const path = crossBuild(dir, 'hypervisor.elf', { sources: { 'hyp.c': FIRMWARE_C }, ldscript: FIRMWARE_LDS });
	const elfBytes = new Uint8Array(readFileSync(path));
	const elf = parseElf(elfBytes, path);
	const headerOffset = Number(elf.sections.find((s) => s.name === '.header')!.offset);

	function patched(field: keyof typeof FIRMWARE_HEADER_LAYOUT, value: bigint | number | string): Uint8Array {
		const b = elfBytes.slice();
		const f = FIRMWARE_HEADER_LAYOUT[field];
		const v = new DataView(b.buffer);
		const at = headerOffset + f.offset;
		if (typeof value === 'string') b.set(new TextEncoder().encode(value), at);
		else if (f.size === 8) v.setBigUint64(at, BigInt(value), true);
		else v.setUint32(at, Number(value), true);
		return b;
	}

	const system: SystemLayout = { hypervisorMemory: { physStart: 0x7fc00000n, size: 0x600000n }, rootCellCpus: [0, 1, 2, 3], configSize: 1024 };

	it('produces the objcopy -O binary bytes and reads the header the linker filled in', () => {
		const fw = packFirmware(elfBytes, { source: path, systemConfig: system });
		const reference = objcopyBinary(path, join(dir, 'jailhouse.objcopy.bin'));
		expect(Buffer.from(fw.image).equals(Buffer.from(reference))).toBe(true);
		expect(readFirmwareHeader(fw.image)).toEqual(fw.header);
		expect(fw.header.signature).toBe('JAILHOUS');
		expect(fw.header.version).toBe(2);
		expect(fw.header.hypervisorVersion).toBe('0.2.0-test');
		expect(fw.header.entry).toBe(findSymbol(elf, 'arch_entry')!.value - BASE);
		expect(fw.header.consolePage).toBe(findSymbol(elf, 'console_page')!.value - BASE);
		expect(fw.header.coreSize).toBe(findSymbol(elf, '__page_pool')!.value - BASE);
		expect(fw.loadMap.base).toBe(BASE);
		// .bss and the console page are not in the file but are inside core_size
		expect(BigInt(fw.image.length)).toBeLessThan(fw.header.coreSize);
		expect(fw.memory).toMatchObject({ maxCpus: 4, percpuTotal: 0x10000n, configSize: 0x1000n });
		expect(fw.memory!.needed).toBe(fw.header.coreSize + 0x10000n + 0x1000n);
	});

	it('rejects hypervisor memory too small for core + per-CPU data + config', () => {
		const msg = failure(() => packFirmware(elfBytes, { systemConfig: { ...system, hypervisorMemory: { physStart: 0x7fc00000n, size: 0x10000n } } }));
		expect(msg).toMatch(/hypervisor memory too small: the firmware needs 0x[0-9a-f]+ \(.*: core_size 0x[0-9a-f]+ \+ 4 CPUs x percpu_size 0x4000 \+ system config 0x1000\) before its page pool, but hypervisor_memory\.size is 0x10000 \(64 KiB\)/);
	});

	it('sizes per-CPU data by the highest CPU id, not the count', () => {
		const fw = packFirmware(elfBytes, { systemConfig: { ...system, rootCellCpus: [0, 7] } });
		expect(fw.memory!.maxCpus).toBe(8);
	});

	it('rejects hypervisor memory that is not 2 MiB aligned on arm64', () => {
		expect(failure(() => packFirmware(elfBytes, { systemConfig: { ...system, hypervisorMemory: { physStart: 0x7fc01000n, size: 0x600000n } } }))).toMatch(
			/hypervisor_memory\.phys_start 0x7fc01000 is not 2 MiB aligned/,
		);
	});

	it('rejects a missing signature', () => {
		expect(failure(() => packFirmware(patched('signature', 'JAILHOUX')))).toMatch(/no firmware header at offset 0: signature is "JAILHOUX", expected "JAILHOUS"/);
	});

	it('rejects a v0.12-style header (version 0) and unknown versions', () => {
		expect(failure(() => packFirmware(patched('version', 0)))).toMatch(/header version 0 \(a v0\.12-style header/);
		expect(failure(() => packFirmware(patched('version', 7)))).toMatch(/header version 7 is not supported/);
		expect(failure(() => packFirmware(patched('version', 1)))).toMatch(/header version 1 is not supported; this tool reads version 2/);
	});

	it('rejects a hypervisor_version that is not a version', () => {
		expect(failure(() => packFirmware(patched('hypervisorVersion', '\0')))).toMatch(/hypervisor_version "" is not a version/);
		expect(failure(() => packFirmware(patched('hypervisorVersion', 'x'.repeat(32))))).toMatch(/hypervisor_version at offset 80 is not NUL terminated/);
	});

	it('rejects core_size smaller than the image with its .bss', () => {
		expect(failure(() => packFirmware(patched('coreSize', 0x1000)))).toMatch(/core_size 0x1000 is smaller than the image with its \.bss/);
	});

	it('rejects core_size beyond the image', () => {
		expect(failure(() => packFirmware(patched('coreSize', 0x1000000)))).toMatch(/core_size 0x1000000 is larger than the image with its \.bss rounded to pages/);
	});

	it('rejects a percpu_size that is not page sized', () => {
		expect(failure(() => packFirmware(patched('percpuSize', 0x123)))).toMatch(/percpu_size 0x123 is not a non-zero multiple of the page size/);
	});

	it('rejects an entry outside the code', () => {
		expect(failure(() => packFirmware(patched('entry', 0x100000)))).toMatch(/entry offset 0x100000 is not inside the image's code/);
	});

	it('rejects a console page that is unaligned or outside the core', () => {
		expect(failure(() => packFirmware(patched('consolePage', 0x10)))).toMatch(/console_page offset 0x10 must be page aligned and inside the core/);
	});
});
