// SPDX-License-Identifier: GPL-2.0-only
import { createWriteStream } from 'node:fs';
import { lstat, readdir, readFile, readlink, rename } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

type Source = { kind: 'host'; path: string } | { kind: 'data'; data: Uint8Array };

interface Entry {
	type: 'file' | 'dir' | 'symlink';
	mode: number;
	source?: Source;
	target?: string;
}

export interface TreeOptions {
	/** Guest-relative paths (no leading slash) whose subtrees are left out, e.g. usr/share/doc. */
	exclude?: string[];
	/** Rewrites each guest-relative path before it is added (e.g. to merge /lib into /usr/lib). */
	mapPath?: (guestPath: string) => string;
}

function normalise(guestPath: string): string {
	const p = posix.normalize(`/${guestPath}`).replace(/\/+$/, '');
	if (p === '' || p === '/') throw new Error('the archive root cannot be an entry');
	return p.slice(1);
}

/**
 * Collects files for a Linux initramfs and writes them as a gzip'd newc
 * cpio. Everything is owned by root in the archive whatever the host owner
 * is, so no fakeroot is needed; a later entry for the same path wins.
 */
export class InitramfsBuilder {
	private readonly entries = new Map<string, Entry>();

	private parents(path: string): void {
		const parts = path.split('/');
		for (let i = 1; i < parts.length; i++) {
			const dir = parts.slice(0, i).join('/');
			const existing = this.entries.get(dir);
			if (!existing) this.entries.set(dir, { type: 'dir', mode: 0o755 });
		}
	}

	addFile(hostPath: string, guestPath: string, mode = 0o644): this {
		const p = normalise(guestPath);
		this.parents(p);
		this.entries.set(p, { type: 'file', mode, source: { kind: 'host', path: hostPath } });
		return this;
	}

	addData(guestPath: string, data: Uint8Array | string, mode = 0o644): this {
		const p = normalise(guestPath);
		this.parents(p);
		const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
		this.entries.set(p, { type: 'file', mode, source: { kind: 'data', data: bytes } });
		return this;
	}

	addDir(guestPath: string, mode = 0o755): this {
		const p = normalise(guestPath);
		this.parents(p);
		this.entries.set(p, { type: 'dir', mode });
		return this;
	}

	addSymlink(guestPath: string, target: string): this {
		const p = normalise(guestPath);
		this.parents(p);
		this.entries.set(p, { type: 'symlink', mode: 0o777, target });
		return this;
	}

	/** Adds a host folder's contents under guestDir, keeping modes and symlinks. */
	async addTree(hostDir: string, guestDir = '/', opts: TreeOptions = {}): Promise<this> {
		const exclude = new Set((opts.exclude ?? []).map((e) => e.replace(/^\/+|\/+$/g, '')));
		const base = guestDir.replace(/^\/+|\/+$/g, '');
		const walk = async (host: string, rel: string): Promise<void> => {
			for (const name of (await readdir(host)).sort()) {
				const relPath = rel ? `${rel}/${name}` : name;
				if (exclude.has(relPath)) continue;
				const hostPath = join(host, name);
				const unmapped = base ? `${base}/${relPath}` : relPath;
				const guest = opts.mapPath ? opts.mapPath(unmapped) : unmapped;
				const st = await lstat(hostPath);
				if (st.isSymbolicLink()) this.addSymlink(guest, await readlink(hostPath));
				else if (st.isDirectory()) {
					this.addDir(guest, st.mode & 0o7777);
					await walk(hostPath, relPath);
				} else if (st.isFile()) this.addFile(hostPath, guest, st.mode & 0o7777);
			}
		};
		await walk(hostDir, '');
		return this;
	}

	get size(): number {
		return this.entries.size;
	}

	has(guestPath: string): boolean {
		return this.entries.has(normalise(guestPath));
	}

	/** The uncompressed newc archive as a stream of chunks. */
	async *chunks(): AsyncGenerator<Uint8Array> {
		let ino = 1;
		// Parents sort before children, which the kernel's unpacker needs.
		for (const path of [...this.entries.keys()].sort()) {
			const e = this.entries.get(path)!;
			let data: Uint8Array = new Uint8Array(0);
			let typeBits = S_IFDIR;
			if (e.type === 'file') {
				typeBits = S_IFREG;
				data = e.source!.kind === 'data' ? e.source!.data : await readFile(e.source!.path);
			} else if (e.type === 'symlink') {
				typeBits = S_IFLNK;
				data = new TextEncoder().encode(e.target!);
			}
			yield header(path, ino++, typeBits | e.mode, e.type === 'dir' ? 2 : 1, data.length);
			yield data;
			yield pad(data.length);
		}
		yield header('TRAILER!!!', 0, 0, 1, 0);
	}

	/** Writes the gzip'd archive; the file appears only when complete. */
	async write(outPath: string, level = 6): Promise<void> {
		const tmp = `${outPath}.partial-${process.pid}`;
		await pipeline(Readable.from(this.chunks()), createGzip({ level }), createWriteStream(tmp));
		await rename(tmp, outPath);
	}
}

function hex8(n: number): string {
	return n.toString(16).padStart(8, '0');
}

function pad(len: number): Uint8Array {
	return new Uint8Array((4 - (len % 4)) % 4);
}

function header(name: string, ino: number, mode: number, nlink: number, filesize: number): Uint8Array {
	const nameBytes = new TextEncoder().encode(`${name}\0`);
	const fields = [ino, mode, 0, 0, nlink, 0, filesize, 0, 0, 0, 0, nameBytes.length, 0];
	const head = new TextEncoder().encode(`070701${fields.map(hex8).join('')}`);
	const total = head.length + nameBytes.length;
	const out = new Uint8Array(total + ((4 - (total % 4)) % 4));
	out.set(head, 0);
	out.set(nameBytes, head.length);
	return out;
}
