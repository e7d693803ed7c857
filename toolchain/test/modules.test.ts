import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveModules, ToolchainError } from '../src/index.js';

function fakeModule(dir: string, rel: string, depends: string): void {
	mkdirSync(join(dir, 'kernel', rel, '..'), { recursive: true });
	writeFileSync(join(dir, 'kernel', rel), Buffer.from(`\x7fELF...\0license=GPL\0depends=${depends}\0name=x\0`, 'latin1'));
}

describe('resolveModules', () => {
	it('orders dependencies before the modules that need them', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'jh-mod-'));
		fakeModule(dir, 'drivers/char/virtio_console.ko', 'virtio_ring,virtio');
		fakeModule(dir, 'drivers/virtio/virtio.ko', '');
		fakeModule(dir, 'drivers/virtio/virtio_ring.ko', 'virtio');
		const order = await resolveModules(dir, ['virtio-console']);
		expect(order.map((m) => m.name)).toEqual(['virtio', 'virtio_ring', 'virtio_console']);
		expect(order[2]!.relPath).toBe('kernel/drivers/char/virtio_console.ko');
	});

	it('names the module that is missing and who needs it', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'jh-mod-'));
		fakeModule(dir, 'a.ko', 'b');
		await expect(resolveModules(dir, ['a'])).rejects.toThrow(ToolchainError);
		await expect(resolveModules(dir, ['a'])).rejects.toThrow(/kernel module b not found .*needed by a/);
	});
});
