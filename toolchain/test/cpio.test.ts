import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InitramfsBuilder } from '../src/index.js';

function extract(archive: string): string {
	const dir = mkdtempSync(join(tmpdir(), 'jh-cpio-x-'));
	execFileSync('sh', ['-c', `gzip -dc '${archive}' | cpio -idm --quiet`], { cwd: dir });
	return dir;
}

describe('InitramfsBuilder', () => {
	it('writes a gzip newc archive that cpio extracts with modes, symlinks and parents', async () => {
		const src = mkdtempSync(join(tmpdir(), 'jh-cpio-src-'));
		mkdirSync(join(src, 'bin'));
		writeFileSync(join(src, 'bin/tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
		writeFileSync(join(src, 'skip-me'), 'x');
		const out = join(mkdtempSync(join(tmpdir(), 'jh-cpio-')), 'test.cpio.gz');
		const b = new InitramfsBuilder();
		await b.addTree(src, '/opt', { exclude: ['skip-me'] });
		b.addData('/etc/deep/conf.txt', 'hello\n', 0o600);
		b.addSymlink('/usr/bin/tool', '/opt/bin/tool');
		b.addData('odd-size', new Uint8Array(5).fill(7));
		await b.write(out);

		const dir = extract(out);
		expect(readFileSync(join(dir, 'opt/bin/tool'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
		expect(lstatSync(join(dir, 'opt/bin/tool')).mode & 0o777).toBe(0o755);
		expect(lstatSync(join(dir, 'etc/deep/conf.txt')).mode & 0o777).toBe(0o600);
		expect(readlinkSync(join(dir, 'usr/bin/tool'))).toBe('/opt/bin/tool');
		expect(readFileSync(join(dir, 'odd-size'))).toEqual(Buffer.alloc(5, 7));
		expect(() => lstatSync(join(dir, 'opt/skip-me'))).toThrow();
	});

	it('pads every header and body to 4 bytes and ends with the trailer', async () => {
		const out = join(mkdtempSync(join(tmpdir(), 'jh-cpio-')), 'pad.cpio.gz');
		await new InitramfsBuilder().addData('a', 'xyz').write(out);
		const raw = gunzipSync(readFileSync(out));
		expect(raw.length % 4).toBe(0);
		const text = raw.toString('latin1');
		expect(text.startsWith('070701')).toBe(true);
		expect(text).toContain('TRAILER!!!');
		// uid and gid are 0 whatever the host owner is.
		expect(text.slice(6 + 8 * 2, 6 + 8 * 4)).toBe('0000000000000000');
	});

	it('lets a later entry for the same path win', async () => {
		const out = join(mkdtempSync(join(tmpdir(), 'jh-cpio-')), 'dup.cpio.gz');
		await new InitramfsBuilder().addData('f', 'old').addData('/f', 'new').write(out);
		expect(readFileSync(join(extract(out), 'f'), 'utf8')).toBe('new');
	});
});
