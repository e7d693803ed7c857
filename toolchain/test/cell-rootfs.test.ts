import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildCellInitramfs, CELL_PROMPT, CELL_READY_MARKER, cellInitScript, provisionedTarget, repoRoot } from '../src/index.js';

describe('the Linux cell initramfs', () => {
	it('init mounts the pseudo file systems, loads the modules in order and runs a shell after the ready line', () => {
		const s = cellInitScript('6.1.0-1-arm64', ['kernel/drivers/uio/uio.ko', 'extra/uio_ivshmem.ko']);
		for (const fs of ['proc', 'sysfs', 'devtmpfs']) expect(s).toMatch(new RegExp(`mount -t ${fs} `));
		expect(s.indexOf('kernel/drivers/uio/uio.ko')).toBeLessThan(s.indexOf('extra/uio_ivshmem.ko'));
		expect(s.indexOf(CELL_READY_MARKER)).toBeLessThan(s.indexOf('setsid cttyhack sh'));
		expect(s).toContain(`PS1='${CELL_PROMPT}'`);
	});

	it.runIf(existsSync(join(repoRoot(), 'kernel/out/uio_ivshmem.ko')))('holds busybox, init, uio, uio_ivshmem and jh-uio-test', async () => {
		const target = await provisionedTarget();
		const out = join(mkdtempSync(join(tmpdir(), 'jh-cell-rootfs-test-')), 'initramfs.cpio.gz');
		await buildCellInitramfs({ target, root: repoRoot(), out });
		const list = execFileSync('cpio', ['-t', '--quiet'], { input: gunzipSync(readFileSync(out)) }).toString().split('\n');
		for (const f of ['init', 'bin/busybox', 'bin/sh', 'usr/bin/jh-uio-test', `lib/modules/${target.kernelRelease}/extra/uio_ivshmem.ko`, `lib/modules/${target.kernelRelease}/kernel/drivers/uio/uio.ko`]) {
			expect(list).toContain(f);
		}
		// small: it travels in the root cell's initramfs
		expect(readFileSync(out).length).toBeLessThan(4 * 1024 * 1024);
	});
});
