// SPDX-License-Identifier: GPL-2.0-only
// Typed helpers for configs written as TypeScript modules. They only add
// the `kind` tag or build plain region lists: the object is checked when it
// is loaded, so a config file needs no runtime from this package beyond
// these functions.

import type { CellInput, SystemInput } from './schema.js';

export function defineSystem(config: Omit<SystemInput, 'kind'>): SystemInput {
	return { kind: 'system', ...config } as SystemInput;
}

export function defineCell(config: Omit<CellInput, 'kind'>): CellInput {
	return { kind: 'cell', ...config } as CellInput;
}

type RegionInput = NonNullable<CellInput['memoryRegions']>[number];

/** Where an ivshmem v2 link lies in physical memory and who this peer is. */
export interface IvshmemLinkLayout {
	/** physical (and guest) address of the state table; the link's regions follow it back to back */
	start: number;
	/** peers on the link (2-12) */
	peers: number;
	/** this cell's peer id (shmemDevId) */
	ownId: number;
	/** bytes of the state table (default 0x1000) */
	stateSize?: number;
	/** bytes of the shared R/W section; 0 gives upstream's empty region */
	rwSize: number;
	/** bytes of each peer's output section */
	outputSize: number;
}

/**
 * The memory regions of one peer of an ivshmem v2 link in the order the
 * device's shmemRegionsStart points at: state table (read-only), R/W
 * section, then one output section per peer, writable only in its owner.
 * All 1:1 and ROOTSHARED, as upstream's configs have them; every peer's
 * config lists the same addresses and sizes with its own id.
 */
export function ivshmemLinkRegions(l: IvshmemLinkLayout): RegionInput[] {
	const state = l.stateSize ?? 0x1000;
	const out = l.start + state + l.rwSize;
	return [
		{ physStart: l.start, size: state, flags: ['read', 'rootshared'] },
		l.rwSize
			? { physStart: l.start + state, size: l.rwSize, flags: ['read', 'write', 'rootshared'] }
			: { physStart: 0, size: 0, flags: [] },
		...Array.from({ length: l.peers }, (_, id) => ({
			physStart: out + id * l.outputSize,
			size: l.outputSize,
			flags: id === l.ownId ? ['read', 'write', 'rootshared'] : ['read', 'rootshared'],
		})),
	] as RegionInput[];
}
