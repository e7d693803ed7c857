// SPDX-License-Identifier: GPL-2.0-only
// Off the target (a development machine that is not arm64), the target
// commands say that they run on the target and what works here.
import { describe, expect, it } from 'vitest';
import { loadDriverHint, targetOnlyNote } from '../src/driver/errno.js';

describe('target commands off the target', () => {
	it('name the target and the file-side commands on another architecture', () => {
		expect(targetOnlyNote('x64')).toBe(
			'this command runs on the target, the arm64 Linux (root cell) with the jailhouse driver and jailhouse-ffi installed; this machine is x64, where the file-side commands work (config, image, inmate)',
		);
		expect(targetOnlyNote('arm64')).toBe('');
	});

	it('the driver-not-loaded hint carries the note here unless this is arm64', () => {
		expect(loadDriverHint()).toMatch(/^load it: modprobe jailhouse/);
		if (process.arch === 'arm64') expect(loadDriverHint()).not.toMatch(/runs on the target/);
		else expect(loadDriverHint()).toContain(`; this command runs on the target`);
	});
});
