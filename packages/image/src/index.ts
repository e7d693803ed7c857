// SPDX-License-Identifier: GPL-2.0-only
export { ImageError } from './errors.js';
export * from './elf.js';
export { hex, parseNumber, sizeText } from './format.js';
export * from './loadmap.js';
export * from './pack.js';
export * from './cell.js';
export * from './firmware.js';
