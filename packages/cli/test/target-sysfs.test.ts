// SPDX-License-Identifier: GPL-2.0-only
// sysfs parsing against a fake /sys/devices/jailhouse in a temp folder.

import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	consoleTail,
	findCell,
	listCells,
	newConsoleText,
	parseCpuList,
	readCellStatistics,
	readEnabled,
	sortedStatNames,
} from '../src/driver/sysfs.js';
import { STATS, fakeSysfs } from './target-fixtures.js';

describe('sysfs', () => {
	it('parses CPU lists', () => {
		expect(parseCpuList('0,4-7\n')).toEqual([0, 4, 5, 6, 7]);
		expect(parseCpuList('')).toEqual([]);
		expect(parseCpuList('3')).toEqual([3]);
		expect(() => parseCpuList('a-b')).toThrow(/not a CPU list/);
		expect(() => parseCpuList('5-2')).toThrow(/not a CPU list/);
	});

	it('reads enabled; undefined without a tree', () => {
		expect(readEnabled(fakeSysfs())).toBe(true);
		expect(readEnabled(fakeSysfs({ enabled: false }))).toBe(false);
		expect(readEnabled(join(tmpdir(), 'no-such-jailhouse-sysfs'))).toBeUndefined();
	});

	it('lists cells sorted by id with state and CPUs', () => {
		const root = fakeSysfs();
		// Stray entries are not cells.
		mkdirSync(join(root, 'cells', 'uevent-dir'));
		expect(listCells(root)).toEqual([
			{ id: 0, name: 'qemu-arm64', state: 'running', cpusAssigned: [0, 1, 2], cpusFailed: [], cpusAssignedList: '0-2', cpusFailedList: '' },
			{ id: 1, name: 'inmate-demo', state: 'failed', cpusAssigned: [3], cpusFailed: [3], cpusAssignedList: '3', cpusFailedList: '3' },
		]);
		expect(findCell(root, { name: 'inmate-demo' })?.id).toBe(1);
		expect(findCell(root, { id: 0 })?.name).toBe('qemu-arm64');
		expect(findCell(root, { id: 7 })).toBeUndefined();
		expect(listCells(fakeSysfs({ enabled: false }))).toEqual([]);
	});

	it('reads statistics summed and per CPU', () => {
		const s = readCellStatistics(fakeSysfs(), 0);
		expect(s.total.get('total')).toBe(30n);
		expect(s.total.get('smccc')).toBe(270n);
		expect([...s.perCpu.keys()]).toEqual([0, 1, 2]);
		expect(s.perCpu.get(2)?.get('psci')).toBe(80n);
		expect(sortedStatNames(s.total.keys())).toEqual(STATS);
		expect(sortedStatNames(['zzz', 'mmio', 'total', 'aaa'])).toEqual(['total', 'mmio', 'aaa', 'zzz']);
	});

	it('gives the console tail without blank lines', () => {
		const root = fakeSysfs({ console: 'a\n\nb\r\nc\nd\n\n' });
		expect(consoleTail(root, 3)).toEqual(['b', 'c', 'd']);
		expect(consoleTail(join(tmpdir(), 'no-such-jailhouse-sysfs'))).toEqual([]);
	});

	it('finds the new part of a growing or wrapping console', () => {
		expect(newConsoleText('abc', 'abcdef')).toBe('def');
		expect(newConsoleText('abc', 'abc')).toBe('');
		// The ring is full: the window moved by three bytes.
		expect(newConsoleText('0123456789', '3456789XYZ')).toBe('XYZ');
		// Disabled (empty) and enabled again: everything is new.
		expect(newConsoleText('old text', '')).toBe('');
		expect(newConsoleText('', 'banner\n')).toBe('banner\n');
	});
});
