// SPDX-License-Identifier: BSD-2-Clause
export * from './builder.js';
export * from './errors.js';
export * from './manifest.js';
export * from './run-bare.js';
export * from './scaffold.js';
export * from './sdk.js';
export * from './run-cell.js';
