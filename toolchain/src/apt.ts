// SPDX-License-Identifier: GPL-2.0-only
import { capture, run, ToolchainError } from './exec.js';

export interface DebianPackageUri {
	/** Name as requested, e.g. "nodejs:arm64". */
	spec: string;
	uri: string;
	/** File name apt-get download writes, unique per version. */
	filename: string;
	size: number;
	sha256: string;
}

/**
 * Resolves package specs to the exact files apt would fetch, without
 * downloading anything: the file names carry the versions, so they key the
 * cache and tell what is already there.
 */
export async function resolveDownloads(specs: string[]): Promise<DebianPackageUri[]> {
	const r = await capture('apt-get', ['download', '--print-uris', ...specs]);
	if (r.code !== 0) {
		throw new ToolchainError(
			`apt cannot resolve ${specs.join(' ')}:\n${r.stderr.trim()}\n` +
				'fix: run `dpkg --add-architecture arm64 && apt-get update` (provision --yes does this)',
		);
	}
	const lines = r.stdout.split('\n').filter((l) => l.startsWith("'"));
	const result: DebianPackageUri[] = [];
	for (const line of lines) {
		const m = /^'([^']+)'\s+(\S+)\s+(\d+)\s+SHA256:([0-9a-f]+)/.exec(line);
		if (!m) continue;
		const [, uri, filename, size, sha256] = m as unknown as [string, string, string, string, string];
		result.push({ spec: '', uri, filename, size: Number(size), sha256 });
	}
	if (result.length !== specs.length) {
		throw new ToolchainError(`apt resolved ${result.length} of ${specs.length} packages (${specs.join(' ')})`);
	}
	// apt prints in its own order; match each file back to its package name.
	for (const spec of specs) {
		const name = spec.split(':')[0]!;
		const hit = result.find((p) => p.spec === '' && p.filename.startsWith(`${name}_`));
		if (!hit) throw new ToolchainError(`apt did not resolve ${spec}`);
		hit.spec = spec;
	}
	return result;
}

/** The running Debian arm64 kernel ABI, e.g. "6.1.0-56", from the linux-image-arm64 meta package. */
export async function resolveKernelAbi(): Promise<string> {
	const out = await run('apt-cache', ['depends', 'linux-image-arm64:arm64']).catch((err: Error) => {
		throw new ToolchainError(`${err.message}\nfix: dpkg --add-architecture arm64 && apt-get update`);
	});
	const m = /linux-image-(\d+\.\d+\.\d+-\d+)-arm64\b/.exec(out);
	if (!m) {
		throw new ToolchainError(
			'cannot find the Debian arm64 kernel ABI (apt-cache depends linux-image-arm64:arm64 lists no linux-image-6.x package)\n' +
				'fix: dpkg --add-architecture arm64 && apt-get update',
		);
	}
	return m[1]!;
}

/** Whether apt's lists know arm64 packages at all (they do not before `apt-get update` after adding the arch). */
export async function aptKnowsArm64(): Promise<boolean> {
	const r = await capture('apt-cache', ['policy', 'busybox-static:arm64']);
	return r.code === 0 && /Candidate:\s+(?!\(none\))\S+/.test(r.stdout);
}
