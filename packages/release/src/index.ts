// SPDX-License-Identifier: GPL-2.0-only
export * from './config.js';
export * from './git.js';
export * from './artifacts.js';
export * from './release.js';
