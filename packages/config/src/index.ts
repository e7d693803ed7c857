// SPDX-License-Identifier: GPL-2.0-only
// @jailhouse/config: system and cell configs of the Jailhouse hypervisor.

export * from './binary.js';
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
export { defineCell, defineSystem, ivshmemLinkRegions, type IvshmemLinkLayout } from './define.js';
export { loadConfigFile, parseConfigText, configFormat, type ConfigFormat } from './loader.js';
export { memoryMap, memoryMapTable, memoryMapSvg, type MemoryMap, type MapRegion, type MapHole, type CellSummary, type RegionKind } from './draw.js';
