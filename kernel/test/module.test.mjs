// SPDX-License-Identifier: GPL-2.0-only
// Checks the built module's metadata: built for the provisioned kernel,
// for arm64, under a licence that lets it use GPL-only exports.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const ko = readFileSync(new URL('../out/jailhouse.ko', import.meta.url));
const release = readFileSync(new URL('../out/kernel-release', import.meta.url), 'utf8').trim();

function modinfo(key) {
	const m = new RegExp(`\\0${key}=([^\\0]*)\\0`).exec(ko.toString('latin1'));
	return m ? m[1] : undefined;
}

test('is an arm64 ELF relocatable object', () => {
	assert.equal(ko.subarray(0, 4).toString('latin1'), '\x7fELF');
	assert.equal(ko.readUInt16LE(16), 1, 'ET_REL');
	assert.equal(ko.readUInt16LE(18), 183, 'EM_AARCH64');
});

test('carries the vermagic of the provisioned kernel', () => {
	assert.match(modinfo('vermagic') ?? '', new RegExp(`^${release.replace(/\./g, '\\.')} SMP .*aarch64`));
});

test('is GPL and named jailhouse', () => {
	assert.equal(modinfo('license'), 'GPL');
	assert.equal(modinfo('name'), 'jailhouse');
});

test('carries package.json\'s version', () => {
	const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
	assert.equal(modinfo('version'), pkg.version);
});

test('uio_ivshmem.ko is GPL, for the same kernel, and binds 110a:4106', () => {
	const uio = readFileSync(new URL('../out/uio_ivshmem.ko', import.meta.url)).toString('latin1');
	const info = (key) => new RegExp(`\\0${key}=([^\\0]*)\\0`).exec(uio)?.[1];
	assert.equal(info('license'), 'GPL');
	assert.equal(info('name'), 'uio_ivshmem');
	assert.equal(info('depends'), 'uio');
	assert.match(info('vermagic') ?? '', new RegExp(`^${release.replace(/\./g, '\\.')} SMP `));
	assert.match(info('alias') ?? '', /^pci:v0000110Ad00004106/);
});
