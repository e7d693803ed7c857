// SPDX-License-Identifier: BSD-2-Clause
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_STAGE_DIR, SessionError, ToolchainError, bootRootCell, repoRoot, type QemuSession } from '@jailhouse/toolchain';
import { InmateError } from './errors.js';

/** Where `inmate run` puts its files in the root cell. */
export const GUEST_DIR = '/run/inmate';

export interface CellImage {
	/** The packed cell-target image and its load map (<image>.json). */
	image: string;
	loadMap: string;
}

export interface RunInCellOptions extends CellImage {
	/** The cell config, binary (.cell), and the name in it. */
	cellConfig: Uint8Array;
	cellName: string;
	/** The system config, binary; default the staged qemu-arm64.cell. */
	systemConfig?: Uint8Array;
	/** The staged tree to boot (default the workspace's out/stage/arm64). */
	stageDir?: string;
	icount?: boolean;
	/** Stop this long after the cell started (ms); default: never (Ctrl-C). */
	timeoutMs?: number;
	/** Stop once the inmate's output (from its start) matches. */
	until?: RegExp;
	/** Text sent to the PL011 once the inmate printed its first output. */
	input?: string;
	/** QEMU's gdb server on this TCP port (the inmate can then be stopped by gdb). */
	gdbPort?: number;
	/** Called after the cell is loaded and before it starts (e.g. to wait for a debugger); return to start it. */
	beforeStart?: (session: QemuSession) => Promise<void>;
	/** Streams the PL011 from the start of the cell on: the inmate (and the hypervisor's lines about it). */
	onOutput?: (text: string) => void;
	/** Progress lines (boot, enable, create, ...). */
	onStatus?: (line: string) => void;
	/**
	 * Watch mode: called repeatedly while the cell runs; a new image it
	 * returns is run in the same cell (destroy, create, load, start) without
	 * rebooting QEMU. Resolves to undefined when nothing changed.
	 */
	nextImage?: () => Promise<CellImage | undefined>;
	/** Start of the whole command (ms, Date.now()); the time to first output is counted from it. */
	startedAt?: number;
}

export interface RunInCellResult {
	reason: 'matched' | 'timeout' | 'failed';
	/** What the inmate printed (PL011 from its cell's start; CR LF as LF). */
	output: string;
	/** ms from startedAt to the first byte the inmate printed; undefined if it printed nothing. */
	firstOutputMs?: number;
	/** The hypervisor's lines about the failed cell (reason 'failed'). */
	report?: string;
	/** Times the cell was rerun with a new image (watch mode). */
	reruns: number;
	logDir: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The staged tree, checked: `inmate run` needs the whole product built and staged. */
function stagedTree(dir?: string): string {
	let root: string | undefined;
	try {
		root = dir ?? resolve(repoRoot(), DEFAULT_STAGE_DIR);
	} catch {
		throw new InmateError('inmate run needs a Jailhouse source tree (the staged root cell); run it from the workspace, or pass the staged tree');
	}
	if (!existsSync(join(root, 'usr/bin/jailhouse')) || !existsSync(join(root, 'usr/lib/firmware/jailhouse.bin'))) {
		throw new InmateError(`no staged tree at ${root}; build and stage it first: pnpm turbo run build && pnpm stage`);
	}
	return root;
}

/** The staged reference configs (system and inmate-demo), binary. */
export function stagedCells(stageDir?: string): { dir: string; system: string; demoCell: string } {
	const dir = join(stagedTree(stageDir), 'usr/share/jailhouse/cells');
	return { dir, system: join(dir, 'qemu-arm64.cell'), demoCell: join(dir, 'qemu-arm64-inmate-demo.cell') };
}

/** Lines of the hypervisor about a cell: its CPUs' reports, "stopped", "failed". */
function hypervisorReport(text: string, cell: string): string {
	const esc = cell.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const re = new RegExp(`^(CPU \\d+[: ]|Cell "${esc}"|ERROR|FATAL|\\s+(x\\d|sp|pc|elr|esr|far|spsr)\\b)`, 'i');
	return text
		.split('\n')
		.filter((l) => re.test(l))
		.join('\n');
}

/**
 * Boots the QEMU root cell from the staged tree, enables the hypervisor,
 * creates the cell, loads and starts the inmate and streams the PL011 until
 * the pattern, the timeout, or the cell's failure. QEMU is killed on the
 * way out (also on the process's exit and signals: the toolchain's runner).
 */
export async function runInCell(o: RunInCellOptions): Promise<RunInCellResult> {
	const started = o.startedAt ?? Date.now();
	const status = o.onStatus ?? (() => undefined);
	const cells = stagedCells(o.stageDir);
	const system = o.systemConfig ?? readFileSync(cells.system);
	const imageName = basename(o.image);
	const files = [
		{ name: 'system.cell', data: system },
		{ name: 'cell.cell', data: o.cellConfig },
	];

	status(`booting the QEMU root cell${o.icount ? ' (-icount)' : ''}${o.gdbPort ? `, gdb server on tcp::${o.gdbPort}` : ''}...`);
	let s: QemuSession;
	try {
		s = await bootRootCell({
			icount: o.icount,
			stageDir: o.stageDir,
			uartInput: o.input !== undefined,
			extraArgs: o.gdbPort ? ['-gdb', `tcp:localhost:${o.gdbPort}`] : undefined,
		});
	} catch (err) {
		if (err instanceof SessionError || err instanceof ToolchainError) throw new InmateError(`cannot boot the root cell: ${(err as Error).message}`);
		throw err;
	}
	const guest = async (cmd: string, what: string, timeoutMs = 240_000): Promise<string> => {
		let r;
		try {
			r = await s.run(cmd, timeoutMs);
		} catch (err) {
			s.kill();
			throw new InmateError(`${what}: ${(err as Error).message}`);
		}
		if (r.status !== 0) {
			const report = s.report(15);
			s.kill();
			throw new InmateError(`${what} failed (exit ${r.status}):\n${r.output.trim()}\n${report}`);
		}
		return r.output;
	};
	/** Copies a file into the guest through the shell (small files: images, configs). */
	const upload = (name: string, data: Uint8Array) =>
		guest(`mkdir -p ${GUEST_DIR} && echo ${Buffer.from(data).toString('base64')} | base64 -d > ${GUEST_DIR}/${name}`, `copying ${name} into the root cell`);
	const uploadImage = async (img: CellImage) => {
		await upload(imageName, readFileSync(img.image));
		await upload(`${imageName}.json`, readFileSync(img.loadMap));
	};

	try {
		for (const f of files) await upload(f.name, f.data);
		await uploadImage(o);
		status(`QEMU logs: ${s.logDir}`);
		status(`root cell up after ${((Date.now() - started) / 1000).toFixed(1)} s; enabling the hypervisor...`);
		await guest(`insmod /usr/lib/modules/$(uname -r)/extra/jailhouse.ko && jailhouse enable ${GUEST_DIR}/system.cell`, 'enabling the hypervisor');

		let reruns = 0;
		let mark = s.console('uart').length;
		const start = async () => {
			mark = s.console('uart').length;
			status(`creating cell "${o.cellName}", loading ${imageName}, starting it...`);
			if (o.beforeStart) {
				await guest(`jailhouse cell create ${GUEST_DIR}/cell.cell && jailhouse cell load ${o.cellName} ${GUEST_DIR}/${imageName}`, `creating cell "${o.cellName}" and loading the inmate`);
				await o.beforeStart(s);
				// a debugger may hold the whole machine for long while this runs
				await guest(`jailhouse cell start ${o.cellName}`, `starting cell "${o.cellName}"`, 24 * 3600_000);
			} else {
				await guest(`jailhouse cell run ${GUEST_DIR}/cell.cell ${GUEST_DIR}/${imageName}`, `running the inmate in cell "${o.cellName}"`);
			}
		};
		// The cell's output is streamed while `cell run` is still returning.
		const startMarker = `Started cell "${o.cellName}"\n`;
		const failedRe = new RegExp(`Cell "${o.cellName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" failed`);
		let printed = 0;
		let firstOutputMs: number | undefined;
		let startedAtMs: number | undefined;
		let inputSent = false;
		let startError: unknown;
		let startDone = false;
		const begin = () => {
			startDone = false;
			start().then(
				() => (startDone = true),
				(e) => (startError = e),
			);
		};
		/** Streams what the PL011 printed since the last call. */
		const flush = (text = s.console('uart').slice(mark), upto = text.length) => {
			if (upto > printed) {
				o.onOutput?.(text.slice(printed, upto));
				printed = upto;
			}
			return text;
		};
		begin();
		for (;;) {
			if (startError) throw startError;
			const uart = s.console('uart').slice(mark);
			const at = uart.indexOf(startMarker);
			const inmate = at < 0 ? '' : uart.slice(at + startMarker.length);
			// With --until, nothing after the match is streamed (under -icount
			// an idle guest's seconds pass much faster than the 100 ms poll).
			const matched = o.until && !failedRe.test(inmate) ? o.until.exec(inmate) : null;
			flush(uart, matched ? at + startMarker.length + matched.index + matched[0].length : uart.length);
			if (at >= 0 && startedAtMs === undefined) startedAtMs = Date.now();
			if (inmate.length > 0 && firstOutputMs === undefined && reruns === 0) firstOutputMs = Date.now() - started;
			if (inmate.length > 0 && o.input !== undefined && !inputSent) {
				inputSent = true;
				await s.sendUart(o.input);
			}
			if (failedRe.test(inmate)) {
				await sleep(500);
				const rest = s.console('uart').slice(mark);
				if (rest.length > printed) o.onOutput?.(rest.slice(printed));
				return { reason: 'failed', output: inmate, firstOutputMs, report: hypervisorReport(rest.slice(at), o.cellName), reruns, logDir: s.logDir };
			}
			if (matched) return { reason: 'matched', output: inmate.slice(0, matched.index + matched[0].length), firstOutputMs, reruns, logDir: s.logDir };
			if (startedAtMs !== undefined && o.timeoutMs !== undefined && Date.now() - startedAtMs >= o.timeoutMs) {
				return { reason: 'timeout', output: inmate, firstOutputMs, reruns, logDir: s.logDir };
			}
			if (!s.running) throw new InmateError(`QEMU exited while the inmate ran\n${s.report(15)}`);
			if (o.nextImage && startDone) {
				const next = await o.nextImage();
				if (next) {
					status(`rebuilt; rerunning ${imageName} in cell "${o.cellName}" (QEMU keeps running)...`);
					await guest(`jailhouse cell destroy ${o.cellName}`, `destroying cell "${o.cellName}"`);
					await uploadImage(next);
					flush();
					reruns++;
					printed = 0;
					startedAtMs = undefined;
					begin();
					continue;
				}
			}
			await sleep(100);
		}
	} finally {
		s.kill();
	}
}
