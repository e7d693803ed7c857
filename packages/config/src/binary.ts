// SPDX-License-Identifier: GPL-2.0-only
// @jailhouse/config/binary: everything that works on the canonical model
// and the binary form, without the readable-form parser (zod, yaml). On the
// target's emulated or slow CPUs, loading the parser costs more than the
// commands that only decode and check a .cell file do; they import this.

export * from './constants.js';
export { ConfigError, type ConfigErrorDetails } from './errors.js';
export type * from './model.js';
export { emptyConsole } from './model.js';
export { encodeConfig, decodeConfig, encodedSize, type CodecOptions } from './codec.js';
export * as layout from './layout.js';
export { toReadable, formatRanges, irqchipInterrupts, type Json } from './readable.js';
export {
	validateConfig,
	checkConfigSet,
	configSetWarnings,
	assertValid,
	formatIssue,
	type ConfigIssue,
	type RuleId,
	type SourcedConfig,
} from './validate.js';
export { describeConfig } from './show.js';
export { bdfString, ivshmemIntid, ivshmemPin, linkRegionName, linkRegions, IVSHMEM_MAX_PEERS, IVSHMEM_VENDOR_ID, IVSHMEM_DEVICE_ID } from './ivshmem.js';
