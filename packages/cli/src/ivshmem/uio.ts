// SPDX-License-Identifier: GPL-2.0-only
// /dev/uioN of a uio_ivshmem device: its maps mmap()ed through koffi
// (Node has no mmap), the interrupt count through read(), waits through
// poll() with a timeout. Map i is at mmap offset i * page size.

import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { targetOnlyNote } from '../driver/errno.js';
import { CliError } from '../errors.js';
import type { IvshmemSysDevice, UioMap } from './sysfs.js';
import { mapByName } from './sysfs.js';

interface KoffiLib {
	func(definition: string): (...args: unknown[]) => unknown;
}
interface Koffi {
	load(path: string): KoffiLib;
	address(value: unknown): bigint;
	view(ref: unknown, len: number): ArrayBuffer;
	errno(): number;
}

interface Libc {
	koffi: Koffi;
	mmap: (addr: null, len: number, prot: number, flags: number, fd: number, off: number) => unknown;
	munmap: (addr: unknown, len: number) => number;
	poll: (fds: Buffer, n: number, timeout: number) => number;
	sysconf: (name: number) => number;
}

const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;
const POLLIN = 1;
/** _SC_PAGESIZE on Linux */
const SC_PAGESIZE = 30;
const MAP_FAILED = 0xffffffffffffffffn;

let libc: Libc | undefined;

function loadLibc(): Libc {
	if (libc) return libc;
	let koffi: Koffi;
	try {
		const name = 'koffi';
		const mod = createRequire(import.meta.url)(name) as { default?: Koffi } & Koffi;
		koffi = mod.default ?? mod;
	} catch (e) {
		if (targetOnlyNote()) throw new CliError(targetOnlyNote());
		throw new CliError(`cannot load koffi, the native module the CLI maps /dev/uioN with: ${(e as Error).message.split('\n')[0]}; install jailhouse-ffi, restage the target (usr/lib/jailhouse/node_modules/koffi) or pnpm install`);
	}
	const lib = koffi.load('libc.so.6');
	libc = {
		koffi,
		mmap: lib.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)') as Libc['mmap'],
		munmap: lib.func('int munmap(void *addr, size_t len)') as Libc['munmap'],
		poll: lib.func('int poll(void *fds, unsigned long nfds, int timeout)') as Libc['poll'],
		sysconf: lib.func('long sysconf(int name)') as Libc['sysconf'],
	};
	return libc;
}

interface Mapping {
	ptr: unknown;
	len: number;
	words: Uint32Array;
}

/** An open uio_ivshmem device with its maps. close() when done. */
export class UioIvshmem {
	private readonly mappings: Mapping[] = [];
	private fd: number;
	readonly regs: Uint32Array;
	readonly stateTable: Uint32Array;
	/** all peers' output sections, back to back (read only) */
	readonly input: Uint32Array;
	/** this peer's output section */
	readonly output: Uint32Array;
	readonly outputSize: number;
	readonly id: number;
	readonly maxPeers: number;

	private constructor(
		readonly dev: IvshmemSysDevice,
		readonly node: string,
		private readonly lib: Libc,
		write: boolean,
	) {
		try {
			// read-write even to only look: Linux turns a MAP_SHARED mapping of
			// a read-only file descriptor into a private one, which
			// uio_ivshmem refuses (EINVAL)
			this.fd = openSync(node, 'r+');
		} catch (e) {
			const code = (e as NodeJS.ErrnoException).code;
			throw new CliError(`cannot open ${node}: ${code}${code === 'EACCES' ? '; run as root' : ''}`);
		}
		try {
			const page = lib.sysconf(SC_PAGESIZE) || 4096;
			const need = (name: string): UioMap => {
				const m = mapByName(dev, name);
				if (!m) throw new CliError(`${dev.bdf} (${dev.uio}): UIO map "${name}" missing; maps: ${dev.maps.map((x) => `${x.index} ${x.name}`).join(', ') || 'none'} (is uio_ivshmem the bound driver?)`);
				return m;
			};
			this.regs = this.map(need('registers'), page, write);
			this.stateTable = this.map(need('state_table'), page, false);
			this.input = this.map(need('input_sections'), page, false);
			const out = need('output_section');
			this.outputSize = out.size;
			this.output = this.map(out, page, write);
			this.id = this.regs[0]!;
			this.maxPeers = this.regs[1]!;
		} catch (e) {
			this.close();
			throw e;
		}
	}

	static open(dev: IvshmemSysDevice, opts: { write: boolean; devDir?: string }): UioIvshmem {
		if (!dev.uio) throw new CliError(`${dev.bdf} has no UIO device: load uio_ivshmem (modprobe uio; insmod uio_ivshmem.ko) so that it binds the device`);
		return new UioIvshmem(dev, `${opts.devDir ?? '/dev'}/${dev.uio}`, loadLibc(), opts.write);
	}

	private map(m: UioMap, page: number, write: boolean): Uint32Array {
		const len = Math.ceil(m.size / page) * page;
		const ptr = this.lib.mmap(null, len, PROT_READ | (write ? PROT_WRITE : 0), MAP_SHARED, this.fd, m.index * page);
		if (ptr === null || this.lib.koffi.address(ptr) === MAP_FAILED) {
			throw new CliError(`mmap of map ${m.index} (${m.name}, ${m.size} bytes) of ${this.node} failed with errno ${this.lib.koffi.errno()}`);
		}
		const words = new Uint32Array(this.lib.koffi.view(ptr, len), 0, Math.floor(m.size / 4));
		this.mappings.push({ ptr, len, words });
		return words;
	}

	/** Peer states from the state table (0: absent). */
	states(): number[] {
		const n = Math.min(this.maxPeers, this.stateTable.length);
		return Array.from({ length: n }, (_, i) => this.stateTable[i]!);
	}

	setState(v: number): void {
		this.regs[4] = v >>> 0;
	}

	doorbell(peer: number, vector = 0): void {
		this.regs[3] = (((peer & 0xffff) << 16) | (vector & 0xffff)) >>> 0;
	}

	/** Interrupts on (1) or off (0) in the device, through write() of a u32 as upstream. */
	setInterrupts(on: boolean): void {
		const b = Buffer.alloc(4);
		b.writeUInt32LE(on ? 1 : 0);
		writeSync(this.fd, b);
	}

	/** Waits up to timeoutMs for an interrupt; its count, or undefined on timeout. */
	waitInterrupt(timeoutMs: number): number | undefined {
		const pfd = Buffer.alloc(8);
		pfd.writeInt32LE(this.fd, 0);
		pfd.writeInt16LE(POLLIN, 4);
		const r = this.lib.poll(pfd, 1, Math.max(0, Math.round(timeoutMs)));
		if (r < 0) throw new CliError(`poll on ${this.node} failed with errno ${this.lib.koffi.errno()}`);
		if (r === 0) return undefined;
		const b = Buffer.alloc(4);
		const n = readSync(this.fd, b, 0, 4, null);
		if (n !== 4) throw new CliError(`read of ${this.node} returned ${n} bytes`);
		return b.readUInt32LE(0);
	}

	close(): void {
		for (const m of this.mappings.splice(0)) this.lib.munmap(m.ptr, m.len);
		if (this.fd >= 0) {
			closeSync(this.fd);
			this.fd = -1;
		}
	}
}
