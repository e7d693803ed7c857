// SPDX-License-Identifier: GPL-2.0-only
// Types of test-timeouts.mjs (the unit suites' time budgets).
export declare const UNIT_TIMEOUT_MS: number;
export declare const PIPELINE_TIMEOUT_MS: number;
export declare function childTimeoutMs(testMs: number): number;
export declare const unitTestOptions: { testTimeout: number; hookTimeout: number; teardownTimeout: number };
