// SPDX-License-Identifier: GPL-2.0-only
// Shared fixtures of the target-command tests: a fake sysfs tree.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const STATS = ['total', 'mmio', 'management', 'hypercall', 'maintenance', 'virt_irq', 'virt_sgi', 'psci', 'smccc'];

/** Writes a tree the way the driver lays it out (docs/ABI.md, "Driver interface"); values end in newlines as sysfs prints them. */
export function fakeSysfs(opts: { enabled?: boolean; console?: string; abiRevision?: number | null; version?: string } = {}): string {
	const root = mkdtempSync(join(tmpdir(), 'jh-sysfs-'));
	const put = (p: string, v: string): void => {
		mkdirSync(join(root, p, '..'), { recursive: true });
		writeFileSync(join(root, p), v);
	};
	put('enabled', `${opts.enabled === false ? 0 : 1}\n`);
	// an older driver has none of the version files (abiRevision: null)
	if (opts.abiRevision !== null) {
		put('abi_revision', `${opts.abiRevision ?? 1}\n`);
		put('version', `${opts.version ?? '0.1.0'}\n`);
		put('header_version', '2\n');
		put('hypervisor_version', '0.1.0\n');
	}
	for (const f of ['mem_pool_size', 'mem_pool_used', 'remap_pool_size', 'remap_pool_used']) put(f, '100\n');
	put('console', opts.console ?? 'Initializing Jailhouse hypervisor v0.1 on CPU 0\nActivating hypervisor\n');
	if (opts.enabled !== false) {
		const cell = (id: number, name: string, state: string, cpus: number[], failed: string) => {
			put(`cells/${id}/name`, `${name}\n`);
			put(`cells/${id}/state`, `${state}\n`);
			put(`cells/${id}/cpus_assigned`, '0\n');
			put(`cells/${id}/cpus_assigned_list`, `${cpus.length === 1 ? cpus[0] : `${cpus[0]}-${cpus[cpus.length - 1]}`}\n`);
			put(`cells/${id}/cpus_failed`, '0\n');
			put(`cells/${id}/cpus_failed_list`, `${failed}\n`);
			STATS.forEach((s, i) => {
				put(`cells/${id}/statistics/vmexits_${s}`, `${cpus.length * (i + 1) * 10}\n`);
				for (const c of cpus) put(`cells/${id}/statistics/cpu${c}/vmexits_${s}`, `${(i + 1) * 10}\n`);
			});
		};
		cell(0, 'qemu-arm64', 'running', [0, 1, 2], '');
		cell(1, 'inmate-demo', 'failed', [3], '3');
	}
	return root;
}

