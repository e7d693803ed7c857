import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram, needsFileCommands } from '../src/program.js';

const bin = fileURLToPath(new URL('../bin/jailhouse.js', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('jailhouse CLI (built bundle)', () => {
	it('prints its version, and without a driver says so', () => {
		const env = { ...process.env, JAILHOUSE_SYSFS: '/nonexistent/jailhouse', JAILHOUSE_DEVICE: '/nonexistent/dev' };
		for (const flag of ['--version', '-V']) {
			const out = execFileSync(process.execPath, [bin, flag], { encoding: 'utf8', env });
			expect(out).toBe(`jailhouse ${pkg.version} (CLI, driver ABI 1)\ndriver: not loaded\n`);
		}
	});

	it('prints help naming the command', () => {
		const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
		expect(out).toMatch(/Usage: jailhouse/);
	});

	it('lists every command group in the help, the ones loaded on demand too', () => {
		const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
		for (const group of ['image', 'config', 'inmate', 'enable', 'disable', 'cell', 'console', 'ivshmem']) {
			expect(out).toMatch(new RegExp(`^  ${group}\\b`, 'm'));
		}
	});

	it('runs a target command group from the bundle', () => {
		const out = execFileSync(process.execPath, [bin, 'cell', '--help'], { encoding: 'utf8' });
		expect(out).toMatch(/Usage: jailhouse cell/);
		expect(out).toMatch(/create/);
	});

	it('rejects an unknown command with a non-zero exit', () => {
		const r = spawnSync(process.execPath, [bin, 'no-such-command'], { encoding: 'utf8' });
		expect(r.status).not.toBe(0);
		expect(r.stderr).toMatch(/unknown command/);
	});
});

describe('which command groups a command line loads', () => {
	const argv = (...args: string[]) => ['node', 'jailhouse', ...args];

	it('leaves the file-side groups out for target commands and --version', () => {
		expect(needsFileCommands(argv('enable', 'sys.cell'))).toBe(false);
		expect(needsFileCommands(argv('disable'))).toBe(false);
		expect(needsFileCommands(argv('cell', 'list'))).toBe(false);
		expect(needsFileCommands(argv('console', '-f'))).toBe(false);
		expect(needsFileCommands(argv('hardware', 'check'))).toBe(false);
		expect(needsFileCommands(argv('--version'))).toBe(false);
		expect(needsFileCommands(argv('-V'))).toBe(false);
	});

	it('loads them for their own commands, help, unknown commands and no command', () => {
		expect(needsFileCommands(argv('config', 'show', 'x.cell'))).toBe(true);
		expect(needsFileCommands(argv('image', 'info', 'x.bin'))).toBe(true);
		expect(needsFileCommands(argv('inmate', 'new', 'x'))).toBe(true);
		expect(needsFileCommands(argv('--help'))).toBe(true);
		expect(needsFileCommands(argv('help', 'cell'))).toBe(true);
		expect(needsFileCommands(argv('no-such-command'))).toBe(true);
		expect(needsFileCommands(argv())).toBe(true);
	});

	it('builds the command tree accordingly', async () => {
		const groups = async (...args: string[]) => (await buildProgram(argv(...args))).commands.map((c) => c.name());
		expect(await groups('cell', 'list')).toEqual(['enable', 'disable', 'cell', 'console', 'ivshmem', 'hardware']);
		expect(await groups('config', 'show', 'x.cell')).toEqual(['image', 'config', 'inmate', 'enable', 'disable', 'cell', 'console', 'ivshmem', 'hardware']);
	});
});
