// SPDX-License-Identifier: GPL-2.0-only
// @jailhouse/config: system and cell configs of the Jailhouse hypervisor.

export * from './constants.js';
export { ConfigError, type ConfigErrorDetails } from './errors.js';
export type * from './model.js';
export { emptyConsole } from './model.js';
export { encodeConfig, decodeConfig, encodedSize, type CodecOptions } from './codec.js';
export * as layout from './layout.js';
export {
	parseConfigObject,
	parseNumber,
	configJsonSchema,
	configSchema,
	cellSchema,
	systemSchema,
	type CellInput,
	type SystemInput,
	type ConfigInput,
} from './schema.js';
export { defineCell, defineSystem } from './define.js';
export { toReadable, formatRanges, irqchipInterrupts, type Json } from './readable.js';
export {
	validateConfig,
	checkConfigSet,
	assertValid,
	formatIssue,
	type ConfigIssue,
	type RuleId,
	type SourcedConfig,
} from './validate.js';
export { describeConfig } from './show.js';
export { loadConfigFile, parseConfigText, configFormat, type ConfigFormat } from './loader.js';
