// SPDX-License-Identifier: GPL-2.0-only
import { Command } from 'commander';
import { doctor, formatChecks } from './doctor.js';
import { ToolchainError } from './exec.js';
import { kbuildEnvironment } from './kbuild.js';
import { provision } from './provision.js';
import { bootRootCell } from './rootcell.js';
import { SessionError } from './session.js';
import { stage } from './stage.js';

const program = new Command('jailhouse-toolchain')
	.description('Host toolchain for Jailhouse: check and provision the host, build root-cell images, run QEMU')
	.showHelpAfterError();

program
	.command('doctor')
	.description('check every host requirement; exits non-zero when one is missing')
	.option('--json', 'machine-readable output')
	.action(async (o: { json?: boolean }) => {
		const checks = await doctor();
		console.log(o.json ? JSON.stringify(checks, null, 2) : formatChecks(checks));
		const missing = checks.filter((c) => !c.ok).length;
		if (missing > 0) {
			if (!o.json) console.error(`\n${missing} requirement(s) missing: run the fixes above, or \`pnpm provision --yes\``);
			process.exitCode = 1;
		}
	});

program
	.command('provision')
	.description('install missing host packages and download the arm64 target kernel and user space into the cache')
	.option('-y, --yes', 'run apt-get install/update when needed (default when CI=true)')
	.action(async (o: { yes?: boolean }) => {
		await provision({ allowApt: Boolean(o.yes) || process.env.CI === 'true' });
	});

program
	.command('kbuild-env')
	.description('print KDIR and make arguments for out-of-tree arm64 modules')
	.option('--json', 'machine-readable output')
	.action(async (o: { json?: boolean }) => {
		const env = await kbuildEnvironment();
		if (o.json) console.log(JSON.stringify(env, null, 2));
		else console.log(`KDIR=${env.kdir}\nmake ${env.makeArgs.join(' ')} M=$PWD modules`);
	});

program
	.command('stage')
	.description('install every built artifact into an FHS tree (a DESTDIR install)')
	.option('--destdir <dir>', 'stage root, relative to the workspace root', 'out/stage/arm64')
	.action(async (o: { destdir: string }) => {
		const items = await stage({ destdir: o.destdir, log: (l) => console.log(l) });
		console.log(`${items.filter((i) => i.dest).length} item(s) staged into ${o.destdir}`);
	});

interface RunOptions {
	icount?: boolean;
	timeout: string;
	keepGoing?: boolean;
	stage?: string;
	earlycon?: boolean;
	gdb?: boolean;
}

program
	.command('run')
	.description('boot the root cell from the staged tree in QEMU, run each command in its shell, print the consoles, power off')
	.argument('[commands...]', 'shell command lines, run in order')
	.option('--icount', 'instruction-count mode (repeatable guest timing)')
	.option('--timeout <seconds>', 'timeout per command', '120')
	.option('-k, --keep-going', 'run the remaining commands after one fails')
	.option('--stage <dir>', 'staged tree to boot (default: out/stage/arm64)')
	.option('--earlycon', 'early kernel messages on the PL011 (debug boots that die before hvc0)')
	.option('--gdb', 'gdb server on tcp::1234 while it runs (gdb-multiarch -ex "target remote :1234")')
	.action(async (commands: string[], o: RunOptions) => {
		const started = Date.now();
		console.log('booting the root cell ...');
		const session = await bootRootCell({
			icount: o.icount,
			earlycon: o.earlycon,
			gdb: o.gdb ? 'attach' : undefined,
			stageDir: o.stage,
			log: (l) => console.log(l),
		});
		console.log(`root cell ready after ${((Date.now() - started) / 1000).toFixed(1)} s (logs: ${session.logDir})`);
		let failed = 0;
		try {
			for (const cmd of commands) {
				console.log(`root# ${cmd}`);
				const r = await session.run(cmd, Number(o.timeout) * 1000);
				process.stdout.write(r.output.endsWith('\n') || r.output === '' ? r.output : `${r.output}\n`);
				if (r.status !== 0) {
					failed++;
					console.log(`(exit status ${r.status})`);
					if (!o.keepGoing) break;
				}
			}
			const uart = session.console('uart');
			if (uart.trim()) console.log(`--- PL011 ---\n${uart.trimEnd()}`);
			await session.powerOff();
			console.log(`powered off after ${((Date.now() - started) / 1000).toFixed(1)} s`);
		} finally {
			session.kill();
		}
		if (failed > 0) process.exitCode = 1;
	});

try {
	await program.parseAsync(process.argv);
} catch (err) {
	if (err instanceof ToolchainError || err instanceof SessionError) {
		console.error(`jailhouse-toolchain: ${err.message}`);
		process.exitCode = 1;
	} else {
		throw err;
	}
}
