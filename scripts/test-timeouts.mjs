// SPDX-License-Identifier: GPL-2.0-only
// The time budgets of every unit suite (vitest), one policy for all of them.
//
// A budget is 8 times what the work takes alone on the reference machine
// (2 cores, idle): 2x for a machine twice as slow, 2x for turbo running two
// suites side by side (each with its own workers), 2x for anything else on
// the machine (a CPU hog, a build). An ordinary unit test or hook must take
// at most 7.5 s alone (the slowest today, a config suite's hook compiling
// the reference configs with jiti, takes about 4 s); work that drives a
// whole external pipeline (a QEMU boot, npm install, a shell per command, a
// release build) may take 37.5 s alone and says so by using
// PIPELINE_TIMEOUT_MS. A child process or QEMU run inside a test waits at
// most half of its test's budget, so that a slow machine reports the
// child's own error and output rather than vitest's bare "timed out".
// The QEMU system tests (packages/system-tests, toolchain's e2e) have
// their own waits per step and are not unit suites.

/** Tests, hooks and teardown of every unit suite, unless PIPELINE applies. */
export const UNIT_TIMEOUT_MS = 60_000;

/** A test or hook that drives a whole external pipeline. */
export const PIPELINE_TIMEOUT_MS = 300_000;

/** How long a child process (or a QEMU run) inside a test with budget `testMs` may take. */
export function childTimeoutMs(testMs) {
	return Math.floor(testMs / 2);
}

/** The `test` options every unit suite's vitest config spreads. */
export const unitTestOptions = {
	testTimeout: UNIT_TIMEOUT_MS,
	hookTimeout: UNIT_TIMEOUT_MS,
	teardownTimeout: UNIT_TIMEOUT_MS,
};
