// SPDX-License-Identifier: GPL-2.0-only
export * from './exec.js';
export * from './paths.js';
export * from './doctor.js';
export * from './apt.js';
export * from './provision.js';
export * from './kbuild.js';
export * from './cpio.js';
export * from './modules.js';
export * from './rootfs.js';
export * from './cell-rootfs.js';
export * from './qemu.js';
export * from './session.js';
export * from './stage.js';
export * from './rootcell.js';
