// SPDX-License-Identifier: BSD-2-Clause
/*
 * The project path a developer takes: scaffold into an empty folder
 * outside the repository, build, rebuild incrementally, break a source.
 * Needs the aarch64 cross compiler.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildInmate } from '../src/builder.js';
import { InmateError } from '../src/errors.js';
import { scaffoldInmate } from '../src/scaffold.js';

const root = mkdtempSync(join(tmpdir(), 'inmate-sdk-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('inmate project build', () => {
	const dir = join(root, 'hello');

	it('scaffolds a project', () => {
		const r = scaffoldInmate({ name: 'hello', dir });
		expect(r.files.sort()).toEqual(['.gitignore', 'README.md', 'inmate.json', 'main.c']);
		expect(readFileSync(join(dir, 'main.c'), 'utf8')).toContain('Hello from hello');
		expect(() => scaffoldInmate({ name: 'hello', dir })).toThrow(/already has/);
		expect(() => scaffoldInmate({ name: 'bad name', dir: join(root, 'x') })).toThrow(/invalid inmate name/);
	});

	it('builds both targets, linked where each is loaded', async () => {
		const r = await buildInmate({ dir });
		expect(r.targets.map((t) => t.target)).toEqual(['cell', 'bare']);
		const [cell, bare] = r.targets;
		expect(cell!.compiled.length).toBeGreaterThan(10);
		const img = readFileSync(cell!.image);
		// Offset 0 is the branch to the reset code, 8 the "JHINMATE" tag.
		expect(img.subarray(8, 16).toString('latin1')).toBe('JHINMATE');
		expect(cell!.loadMap).toBe(`${cell!.image}.json`);
		const map = JSON.parse(readFileSync(cell!.loadMap, 'utf8')) as { base: string; entry: string; size: number };
		expect(map).toMatchObject({ base: '0x0', entry: '0x0', size: img.length });
		const bareMap = JSON.parse(readFileSync(bare!.loadMap, 'utf8')) as { base: string; entry: string };
		expect(bareMap).toMatchObject({ base: '0x40200000', entry: '0x40200000' });
	});

	it('rebuilds nothing when nothing changed, only the touched source otherwise', async () => {
		const again = await buildInmate({ dir, targets: ['cell'] });
		expect(again.targets[0]!.compiled).toEqual([]);
		expect(again.targets[0]!.linked).toBe(false);

		const later = new Date(Date.now() + 5000);
		utimesSync(join(dir, 'main.c'), later, later);
		const touched = await buildInmate({ dir, targets: ['cell'] });
		expect(touched.targets[0]!.compiled).toEqual(['main.c']);
		expect(touched.targets[0]!.linked).toBe(true);
	});

	it('reports the compiler message for a broken source', async () => {
		writeFileSync(join(dir, 'main.c'), '#include <inmate.h>\nvoid inmate_main(void) { undefined_thing(); }\n');
		const err = await buildInmate({ dir, targets: ['cell'] }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(InmateError);
		expect((err as Error).message).toMatch(/compiling main\.c for the cell target failed/);
		expect((err as Error).message).toMatch(/main\.c:2:\d+: error: implicit declaration of function .undefined_thing/);
	});

	it('says what to do when the cross compiler is missing', async () => {
		const err = await buildInmate({ dir, crossCompile: 'no-such-cross-' }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(InmateError);
		expect((err as Error).message).toMatch(/no aarch64 cross compiler found.*no-such-cross-gcc.*CROSS_COMPILE/s);
	});

	it('explains a folder without a manifest', async () => {
		await expect(buildInmate({ dir: root })).rejects.toThrow(/no inmate\.json/);
		expect(existsSync(join(root, 'build'))).toBe(false);
	});
});
