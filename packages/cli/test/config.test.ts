// SPDX-License-Identifier: GPL-2.0-only
// `jailhouse config ...` through the built CLI bundle.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/jailhouse.js', import.meta.url));
const configPkg = fileURLToPath(new URL('../../config/', import.meta.url));
const cells = join(configPkg, 'out', 'cells');
const refs = join(configPkg, 'configs', 'arm64');
const dir = mkdtempSync(join(tmpdir(), 'jh-cli-config-'));

function run(args: string[], input?: string | Uint8Array) {
	const r = spawnSync(process.execPath, [bin, 'config', ...args], {
		input: typeof input === 'string' ? Buffer.from(input) : input,
		encoding: 'buffer',
		cwd: dir,
	});
	return { status: r.status, stdout: r.stdout, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

function expectUserError(r: ReturnType<typeof run>, re: RegExp): void {
	expect(r.status).toBe(1);
	expect(r.err).toMatch(/^jailhouse: /);
	expect(r.err).toMatch(re);
	expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
	expect(r.err).not.toMatch(/internal error/);
}

const demoCell = (): Buffer => readFileSync(join(cells, 'qemu-arm64-inmate-demo.cell'));

describe('jailhouse config', () => {
	it('compile: a .ts reference config gives the built .cell bytes', () => {
		const out = join(dir, 'demo.cell');
		const r = run(['compile', join(refs, 'qemu-arm64-inmate-demo.ts'), '-o', out]);
		expect(r.err).toMatch(/demo\.cell: cell config "inmate-demo", 668 bytes/);
		expect(r.status).toBe(0);
		expect(readFileSync(out).equals(demoCell())).toBe(true);
	});

	it('check: the reference set passes, with a warning per cell that maps the debug console UART', () => {
		const r = run(['check', ...['qemu-arm64', 'qemu-arm64-inmate-demo', 'qemu-arm64-inmate-2'].map((n) => join(cells, `${n}.cell`))]);
		const warnings = r.err.trim().split('\n');
		expect(warnings).toHaveLength(2);
		for (const [i, name] of ['inmate-demo', 'inmate-2'].entries()) {
			expect(warnings[i]).toMatch(new RegExp(`^jailhouse: warning: .*qemu-arm64-${name}\\.cell: memoryRegions\\[\\d+\\]: cell "${name}" maps the hypervisor's debug console UART at 0x9000000 .*\\(fix: give the cell the hypervisor's virtual console`));
		}
		expect(r.out).toMatch(/ok: system config and 2 cell configs checked as a set, 2 warnings/);
		expect(r.status).toBe(0);
	});

	it('check: a conflicting set fails with the reason', () => {
		const json = JSON.parse(run(['show', '--json', join(cells, 'qemu-arm64-inmate-2.cell')]).out) as { cpus: number[]; name: string };
		json.cpus = [3];
		json.name = 'clash';
		writeFileSync(join(dir, 'clash.json'), JSON.stringify(json));
		const r = run(['check', join(cells, 'qemu-arm64.cell'), join(cells, 'qemu-arm64-inmate-demo.cell'), 'clash.json']);
		expectUserError(r, /clash\.json: cpus: CPU 3 is also assigned to .*inmate-demo\.cell \(fix: give every CPU to one cell only\)/);
	});

	it('show: every reference .cell is described', () => {
		for (const n of ['qemu-arm64', 'qemu-arm64-inmate-demo', 'qemu-arm64-inmate-2']) {
			const r = run(['show', join(cells, `${n}.cell`)]);
			expect(r.status).toBe(0);
			expect(r.out).toMatch(/config revision 14/);
			expect(r.out).toMatch(/memory regions/);
		}
		const r = run(['show', join(cells, 'qemu-arm64-inmate-demo.cell')]);
		expect(r.out).toMatch(/Cell "inmate-demo" \(arm64, config revision 14\), 668 bytes/);
		expect(r.out).toMatch(/CPUs: +3/);
		expect(r.out).toMatch(/\(comm region\) -> 0x80000000/);
		expect(r.out).toMatch(/interrupts 144/);
	});

	it('show --json | compile - gives identical bytes', () => {
		for (const n of ['qemu-arm64', 'qemu-arm64-inmate-demo', 'qemu-arm64-inmate-2']) {
			const orig = readFileSync(join(cells, `${n}.cell`));
			const json = run(['show', '--json', join(cells, `${n}.cell`)]);
			expect(json.status).toBe(0);
			const back = run(['compile', '-'], json.stdout);
			expect(back.err).toBe('');
			expect(back.status).toBe(0);
			expect(back.stdout.equals(orig), n).toBe(true);
		}
	});

	it('schema: prints a JSON Schema', () => {
		const r = run(['schema']);
		expect(r.status).toBe(0);
		const s = JSON.parse(r.out) as { $schema: string };
		expect(s.$schema).toMatch(/json-schema\.org/);
	});

	describe('bad input: clear message, exit 1, no stack trace', () => {
		const write = (name: string, data: Uint8Array | string): string => {
			writeFileSync(join(dir, name), data);
			return name;
		};
		it('truncated', () => {
			expectUserError(run(['show', write('t.cell', demoCell().subarray(0, 200))]), /^jailhouse: t\.cell: num_memory_regions: num_memory_regions = 12 points past the end of the file/);
			expectUserError(run(['show', write('t2.cell', demoCell().subarray(0, 60))]), /t2\.cell: truncated: a cell config needs at least 132 bytes, the file has 60/);
		});
		it('wrong signature', () => {
			const b = demoCell();
			b.write('XXXXX', 0, 'latin1');
			expectUserError(run(['show', write('sig.cell', b)]), /sig\.cell: signature: not a Jailhouse config/);
		});
		it('wrong revision', () => {
			const b = demoCell();
			b.writeUInt16LE(12, 6);
			expectUserError(run(['show', write('rev.cell', b)]), /rev\.cell: revision: config revision 12, this tool reads revision 14 \(fix: rebuild/);
		});
		it('garbage', () => {
			expectUserError(run(['show', write('g.cell', Buffer.from('\x7fELF garbage garbage garbage'))]), /g\.cell: signature: not a Jailhouse config/);
			expectUserError(run(['compile', '-'], 'kind: [unclosed'), /<stdin>: invalid YAML/);
		});
		it('counts past the end', () => {
			const b = demoCell();
			b.writeUInt32LE(0x10000, 72);
			expectUserError(run(['show', write('cnt.cell', b)]), /cnt\.cell: num_pci_caps: num_pci_caps = 65536 points past the end of the file/);
		});
		it('missing file, invalid config, unknown field', () => {
			expectUserError(run(['show', 'nope.cell']), /nope\.cell: cannot read the file: no such file/);
			expectUserError(run(['compile', write('bad.json', JSON.stringify({ kind: 'cell', name: 'x', cpus: [1], memoryRegion: [] }))]), /bad\.json: unknown field\(s\) "memoryRegion"/);
			expectUserError(run(['compile', write('cpu70.json', JSON.stringify({ kind: 'cell', name: 'x', cpus: [1, 70] }))]), /cpu70\.json: cpus: CPUs 70: this hypervisor handles CPUs 0-63 only \(upstream allows more\) \(fix: list CPUs 0-63 only\)\n.*not compiled \(1 problem; --no-validate writes it anyway\)/);
		});
	});
});
