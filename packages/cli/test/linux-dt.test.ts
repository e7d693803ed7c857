// SPDX-License-Identifier: GPL-2.0-only
// The device tree of `cell linux`, checked with Debian's dtc: the FDT
// writer and reader against dtc's own, the tree generated for the
// reference linux-demo cell holding exactly its resources, the DTS
// compiling back to the same tree, and the -d patch.

import { describe, expect, it } from 'vitest';
import { cellRam, cellUart, defaultBootargs, generateDeviceTree, patchDeviceTree, redistributorRegions, DeviceTreeError } from '../src/linux/device-tree.js';
import { decodeDtb, encodeDtb, formatDts, type Fdt } from '../src/linux/fdt.js';
import { cellConfig, decompile, dtc, LINUX_FILE, DEMO_FILE, SYSTEM_FILE, systemConfig } from './linux-fixtures.js';

const files = { cell: LINUX_FILE, system: SYSTEM_FILE };
const INITRD = { start: 0x79e00000n, end: 0x79f12345n };

function generated(bootargs?: string): Fdt {
	const cell = cellConfig();
	return generateDeviceTree(cell, systemConfig(), files, { bootargs: bootargs ?? defaultBootargs(cellUart(cell, LINUX_FILE)), initrd: INITRD });
}

/** Node paths of a decompiled DTS, in order. */
function nodePaths(dts: string): string[] {
	const out: string[] = [];
	const stack: string[] = [];
	for (const line of dts.split('\n')) {
		const open = /^\s*(?:[\w-]+:\s*)?([^\s=;]+) \{$/.exec(line);
		if (open) {
			const name = open[1]!;
			stack.push(name === '/' ? '' : name);
			out.push(stack.length === 1 ? '/' : stack.join('/'));
		} else if (/^\s*\};$/.test(line)) stack.pop();
	}
	return out;
}

/** The body of one node (its own properties) in a decompiled DTS. */
function nodeBody(dts: string, name: string): string {
	const m = new RegExp(`\\n(\\t*)(?:[\\w-]+: )?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\{\\n([\\s\\S]*?)\\n\\1\\};`).exec(dts);
	if (!m) throw new Error(`no node ${name} in:\n${dts}`);
	return m[2]!;
}

describe('generated device tree of qemu-arm64-linux-demo, decompiled by dtc', () => {
	const dtb = encodeDtb(generated());
	const dts = decompile(dtb);

	it('has exactly the nodes of the cell, nothing else of the machine', () => {
		expect(nodePaths(dts)).toEqual([
			'/',
			'/aliases',
			'/chosen',
			'/memory@72000000',
			'/cpus',
			'/cpus/cpu@2',
			'/cpus/cpu@3',
			'/psci',
			'/interrupt-controller@8000000',
			'/timer',
			'/apb-pclk',
			'/serial@9000000',
			'/pci@8e00000',
		]);
		// nothing of the root cell's: its RAM, virtio-mmio, fw_cfg, the PCIe host, the RTC
		for (const other of ['40000000', 'virtio', 'a000000', 'fw-cfg', '9010000', '4010000000', '3eff0000', 'pl031']) expect(dts).not.toContain(other);
	});

	it('memory: the 128 MiB at 0x72000000 only (not the loader region at 0)', () => {
		expect(nodeBody(dts, 'memory@72000000')).toContain('reg = <0x00 0x72000000 0x00 0x8000000>;');
		expect(nodeBody(dts, 'memory@72000000')).toContain('device_type = "memory";');
	});

	it('cpus: reg 2 and 3 (MPIDR), PSCI with SMC', () => {
		for (const c of [2, 3]) {
			const body = nodeBody(dts, `cpu@${c}`);
			expect(body).toContain(`reg = <0x0${c}>;`);
			expect(body).toContain('enable-method = "psci";');
			expect(body).toContain('device_type = "cpu";');
		}
		expect(nodeBody(dts, 'psci')).toContain('compatible = "arm,psci-1.0\\0arm,psci-0.2";');
		expect(nodeBody(dts, 'psci')).toContain('method = "smc";');
	});

	it('GICv3: the distributor and the redistributors of CPUs 2-3 only, maintenance PPI 9', () => {
		const gic = nodeBody(dts, 'interrupt-controller@8000000');
		// GICR frames of CPU 2 and 3: 0x080a0000 + 2 * 0x20000, 2 x 128 KiB, one contiguous region
		expect(gic).toContain('reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80e0000 0x00 0x40000>;');
		expect(gic).not.toContain('#redistributor-regions');
		expect(gic).toContain('compatible = "arm,gic-v3";');
		expect(gic).toContain('interrupts = <0x01 0x09 0x04>;');
		expect(gic).toContain('interrupt-controller;');
	});

	it('timer with PPIs 13, 14, 11, 10', () => {
		expect(nodeBody(dts, 'timer')).toContain('interrupts = <0x01 0x0d 0x04 0x01 0x0e 0x04 0x01 0x0b 0x04 0x01 0x0a 0x04>;');
	});

	it('the PL011 at 0x09000000 with SPI 1 (INTID 33) and a 24 MHz clock, as stdout-path', () => {
		const uart = nodeBody(dts, 'serial@9000000');
		expect(uart).toContain('compatible = "arm,pl011\\0arm,primecell";');
		expect(uart).toContain('reg = <0x00 0x9000000 0x00 0x1000>;');
		expect(uart).toContain('interrupts = <0x00 0x01 0x04>;');
		expect(uart).toMatch(/clocks = <0x02 0x02>;/);
		expect(nodeBody(dts, 'apb-pclk')).toContain('clock-frequency = <0x16e3600>;');
		expect(nodeBody(dts, 'chosen')).toContain('stdout-path = "/serial@9000000";');
	});

	it('the virtual PCI host: ECAM 1 MiB at 0x08e00000, domain 1, BAR window, INTx of 00:00.0 -> SPI 152-32', () => {
		const pci = nodeBody(dts, 'pci@8e00000');
		expect(pci).toContain('compatible = "pci-host-ecam-generic";');
		expect(pci).toContain('device_type = "pci";');
		expect(pci).toContain('bus-range = <0x00 0x00>;');
		expect(pci).toContain('linux,pci-domain = <0x01>;');
		expect(pci).toContain('reg = <0x00 0x8e00000 0x00 0x100000>;');
		expect(pci).toContain('ranges = <0x2000000 0x00 0x10000000 0x00 0x10000000 0x00 0x100000>;');
		// 00:00.0 pin A -> GIC (phandle 1) SPI 120 = INTID 152, edge rising
		expect(pci).toContain(`interrupt-map = <0x00 0x00 0x00 0x01 0x01 0x00 ${'0x' + (152 - 32).toString(16)} 0x01>;`);
		expect(nodeBody(dts, 'interrupt-controller@8000000')).toContain('phandle = <0x01>;');
	});

	it('chosen: default bootargs from the UART address, initrd bounds', () => {
		const ch = nodeBody(dts, 'chosen');
		expect(ch).toContain('bootargs = "console=ttyAMA0 earlycon=pl011,0x09000000";');
		expect(ch).toContain('linux,initrd-start = <0x00 0x79e00000>;');
		expect(ch).toContain('linux,initrd-end = <0x00 0x79f12345>;');
	});

	it('the boot CPU in the header is the cell\'s first', () => {
		expect(dtb.readUInt32BE(28)).toBe(2);
		expect(dtb.readUInt32BE(0)).toBe(0xd00dfeed);
		expect(dtb.readUInt32BE(20)).toBe(17);
	});
});

describe('the DTS writer', () => {
	it('compiles with dtc without a warning and decompiles equal to the DTB', () => {
		const fdt = generated('console=ttyAMA0 "quoted" \\ back');
		const dtb = encodeDtb(fdt);
		const r = dtc(['-I', 'dts', '-O', 'dtb', '-'], formatDts(fdt, 'a comment\nof two lines'));
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		expect(decompile(r.stdout)).toBe(decompile(dtb));
	});

	it('reads dtc\'s DTBs and writes them back equal (values typed by guess)', () => {
		const src = `/dts-v1/;
/memreserve/ 0x50000000 0x1000;
/ {
	#address-cells = <2>; #size-cells = <2>;
	model = "x";
	l: node@1 { reg = <0 1 0 2>; bytes = [01 02 03]; strs = "a", "bc"; flag; phandle = <7>; };
	user { ref = <&l>; empty-str = ""; };
};`;
		const r = dtc(['-I', 'dts', '-O', 'dtb', '-'], src);
		expect(r.status, r.stderr).toBe(0);
		const t = decodeDtb(r.stdout);
		expect(t.reserve).toEqual([{ address: 0x50000000n, size: 0x1000n }]);
		expect(decompile(encodeDtb(t))).toBe(decompile(r.stdout));
		const back = dtc(['-I', 'dts', '-O', 'dtb', '-'], formatDts(t));
		expect(back.status, back.stderr).toBe(0);
		expect(decompile(back.stdout)).toBe(decompile(r.stdout));
	});

	it('refuses what is not a DTB, naming the fix', () => {
		expect(() => decodeDtb(Buffer.from('/dts-v1/; / { };'), 'my.dts')).toThrow(/my\.dts is not a flattened device tree .*dtc -I dts -O dtb/);
		const good = encodeDtb(generated());
		expect(() => decodeDtb(good.subarray(0, 100), 'cut.dtb')).toThrow(/cut\.dtb is truncated/);
	});
});

describe('-d: a given device tree patched as upstream does', () => {
	const qemuLike = `/dts-v1/;
/ {
	#address-cells = <2>; #size-cells = <2>;
	chosen { bootargs = "root=/dev/vda"; linux,initrd-start = <0 0x48000000>; linux,initrd-end = <0 0x48100000>; };
	memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x40000000>; };
	pl011@9000000 { compatible = "arm,pl011", "arm,primecell"; reg = <0 0x9000000 0 0x1000>; };
};`;
	const given = dtc(['-I', 'dts', '-O', 'dtb', '-'], qemuLike).stdout;

	it('/memory becomes the cell\'s RAM, bootargs are replaced with -c, initrd bounds set; the rest stays', () => {
		const t = decodeDtb(given);
		patchDeviceTree(t, cellConfig(), LINUX_FILE, { bootargs: 'console=ttyAMA0', initrd: INITRD });
		const dts = decompile(encodeDtb(t));
		expect(nodePaths(dts)).toEqual(['/', '/chosen', '/memory@72000000', '/pl011@9000000']);
		expect(nodeBody(dts, 'memory@72000000')).toContain('reg = <0x00 0x72000000 0x00 0x8000000>;');
		expect(nodeBody(dts, 'chosen')).toContain('bootargs = "console=ttyAMA0";');
		expect(nodeBody(dts, 'chosen')).toContain('linux,initrd-start = <0x00 0x79e00000>;');
		expect(dts).not.toContain('0x40000000');
	});

	it('without -c the bootargs stay; without an initrd the old bounds go', () => {
		const t = decodeDtb(given);
		patchDeviceTree(t, cellConfig(), LINUX_FILE, {});
		const ch = nodeBody(decompile(encodeDtb(t)), 'chosen');
		expect(ch).toContain('bootargs = "root=/dev/vda";');
		expect(ch).not.toContain('initrd');
	});
});

describe('generation from other configs', () => {
	it('CPUs that are not neighbours get one redistributor region each and #redistributor-regions', () => {
		expect(redistributorRegions(0x080a0000n, [1, 3])).toEqual([
			[0x080c0000n, 0x20000n],
			[0x08100000n, 0x20000n],
		]);
		const cell = { ...cellConfig(), cpus: [1, 3] };
		const dts = decompile(encodeDtb(generateDeviceTree(cell, systemConfig(), files, {})));
		const gic = nodeBody(dts, 'interrupt-controller@8000000');
		expect(gic).toContain('reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80c0000 0x00 0x20000 0x00 0x8100000 0x00 0x20000>;');
		expect(gic).toContain('#redistributor-regions = <0x02>;');
		expect(nodePaths(dts)).toEqual(expect.arrayContaining(['/cpus/cpu@1', '/cpus/cpu@3']));
	});

	it('a cell without ivshmem devices has no PCI host', () => {
		const c = cellConfig();
		// without the device, its INTx (152) would be a second candidate for the UART's interrupt
		const cell = { ...c, pciDevices: [], irqchips: c.irqchips.map((ic) => ({ ...ic, pinBitmap: [0b10, 0, 0, 0] as [number, number, number, number] })) };
		const dts = decompile(encodeDtb(generateDeviceTree(cell, systemConfig(), files, {})));
		expect(dts).not.toContain('pci');
	});

	it('a cell without a console UART is refused, naming the fix', () => {
		const cell = cellConfig();
		const none = { ...cell, console: { ...cell.console, address: 0n, type: 0 } };
		expect(() => generateDeviceTree(none, systemConfig(), files, {})).toThrow(DeviceTreeError);
		expect(() => generateDeviceTree(none, systemConfig(), files, {})).toThrow(/has no console UART.*-d/);
	});

	it('a UART without an interrupt, or with several candidates, is refused', () => {
		const cell = cellConfig();
		const noIrq = { ...cell, irqchips: cell.irqchips.map((ic) => ({ ...ic, pinBitmap: [0, 0, 0, 1 << (152 - 32 - 96)] as [number, number, number, number] })) };
		expect(() => cellUart(noIrq, 'x.cell')).toThrow(/no interrupt for its UART.*add the UART's interrupt/);
		const two = { ...cell, irqchips: cell.irqchips.map((ic) => ({ ...ic, pinBitmap: [0b110, 0, 0, 1 << 24] as [number, number, number, number] })) };
		expect(() => cellUart(two, 'x.cell')).toThrow(/cannot tell which of the cell's interrupts 33, 34/);
	});

	it('RAM: the loader region is not Linux memory; the inmate-demo cell has none outside it', () => {
		const ram = cellRam(cellConfig());
		expect(ram.loader?.virtStart).toBe(0n);
		expect(ram.memory.map((m) => m.virtStart)).toEqual([0x72000000n]);
		expect(cellRam(cellConfig(DEMO_FILE)).memory).toEqual([]);
	});
});
