// SPDX-License-Identifier: GPL-2.0-only
// ivshmem devices as Linux shows them: /sys/bus/pci/devices/<bdf> with
// vendor 0x110a, device 0x4106, and, when uio_ivshmem is bound, uio/uioN
// with maps/mapM/{name,addr,size} (kernel/README.md). `sys` is /sys, or a
// fake tree in tests.

import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CliError } from '../errors.js';

export const IVSHMEM_VENDOR = 0x110a;
export const IVSHMEM_DEVICE = 0x4106;

export interface UioMap {
	index: number;
	name: string;
	addr: bigint;
	size: number;
}

export interface IvshmemSysDevice {
	/** "0001:00:00.0" */
	bdf: string;
	/** class code bits 8-23 */
	protocol: number;
	/** Bound driver's name, if any. */
	driver?: string;
	/** "uio0" when uio_ivshmem is bound */
	uio?: string;
	maps: UioMap[];
}

function attr(path: string): string | undefined {
	try {
		return readFileSync(path, 'utf8').trim();
	} catch {
		return undefined;
	}
}

function num(s: string | undefined): number | undefined {
	if (s === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(s)) return undefined;
	return Number(s);
}

/** The UIO maps of a uio device directory (maps/mapN), sorted by index. */
export function readUioMaps(uioDir: string): UioMap[] {
	const dir = join(uioDir, 'maps');
	if (!existsSync(dir)) return [];
	const out: UioMap[] = [];
	for (const e of readdirSync(dir)) {
		const m = /^map(\d+)$/.exec(e);
		if (!m) continue;
		const addr = attr(join(dir, e, 'addr'));
		const size = num(attr(join(dir, e, 'size')));
		out.push({
			index: Number(m[1]),
			name: attr(join(dir, e, 'name')) ?? '',
			addr: addr && /^0x[0-9a-f]+$/i.test(addr) ? BigInt(addr) : 0n,
			size: size ?? 0,
		});
	}
	return out.sort((a, b) => a.index - b.index);
}

/** Every ivshmem device under sys/bus/pci/devices, sorted by BDF. */
export function listIvshmemDevices(sys = '/sys'): IvshmemSysDevice[] {
	const dir = join(sys, 'bus', 'pci', 'devices');
	if (!existsSync(dir)) return [];
	const out: IvshmemSysDevice[] = [];
	for (const bdf of readdirSync(dir).sort()) {
		const d = join(dir, bdf);
		if (num(attr(join(d, 'vendor'))) !== IVSHMEM_VENDOR || num(attr(join(d, 'device'))) !== IVSHMEM_DEVICE) continue;
		const cls = num(attr(join(d, 'class'))) ?? 0;
		const dev: IvshmemSysDevice = { bdf, protocol: cls & 0xffff, maps: [] };
		try {
			// a symlink to the driver's directory
			dev.driver = basename(readlinkSync(join(d, 'driver')));
		} catch {
			/* no driver bound */
		}
		const uioDir = join(d, 'uio');
		if (existsSync(uioDir)) {
			const u = readdirSync(uioDir).find((n) => /^uio\d+$/.test(n));
			if (u) {
				dev.uio = u;
				dev.maps = readUioMaps(join(uioDir, u));
			}
		}
		out.push(dev);
	}
	return out;
}

/** Looks a device up by BDF ("0001:00:00.0", "00:00.0"), UIO name ("uio0") or node ("/dev/uio0"). */
export function findIvshmemDevice(devices: readonly IvshmemSysDevice[], name: string): IvshmemSysDevice {
	const n = name.replace(/^\/dev\//, '');
	const hit = devices.find((d) => d.bdf === n || d.uio === n || d.bdf.endsWith(`:${n}`) || (/^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i.test(n) && d.bdf.slice(5) === n.toLowerCase()));
	if (!hit) {
		const known = devices.map((d) => `${d.bdf}${d.uio ? ` (${d.uio})` : ''}`).join(', ');
		throw new CliError(`no ivshmem device "${name}"; ${devices.length ? `there are: ${known}` : 'none is on the PCI bus (is the hypervisor enabled with a system config that has ivshmem devices for the root cell?)'}`);
	}
	return hit;
}

/** The map of this name; the R/W section is absent when its size is 0 and the maps after it move down (as upstream). */
export function mapByName(dev: IvshmemSysDevice, name: string): UioMap | undefined {
	return dev.maps.find((m) => m.name === name);
}
