// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's side of ivshmem v2 (issue 13), before the root's PCI
 * host bridge and UIO driver exist: the root cell pokes the virtual ECAM
 * window and its device's BAR0 (devmem through a test module), a test inmate
 * (inmate-sdk/test/ivshmem-fw) finds its device by raw ECAM reads and
 * counts the doorbell interrupts of its peers. Configs are the reference
 * ones with a two-peer link added here (root peer 0, inmate-demo peer 1),
 * and broken variants that the hypervisor must refuse (created with the
 * raw ioctl client, past the CLI's checks).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeConfig, encodeConfig, MEM_READ, MEM_ROOTSHARED, MEM_WRITE, PCI_TYPE_IVSHMEM, type CellConfig, type MemoryRegion, type PciDevice, type SystemConfig } from '@jailhouse/config';
import { buildInmate } from '@jailhouse/inmate-sdk';
import { kbuildEnvironment, repoRoot, type QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, buildRawIoctlTool, cellFile, MODES, SYSFS, testFiles } from '../src/guest.js';

const ECAM = 0x08e00000;
const BAR = 0x08f00000;
const LINK = 0x7ef00000n;
/** state table 4 KiB, R/W section 36 KiB, two output sections of 8 KiB */
const SIZES = [0x1000n, 0x9000n, 0x2000n, 0x2000n];
const RW = MEM_READ | MEM_WRITE;

/** The link's regions as peer `id` of `peers` maps them (1:1). */
function linkRegions(id: number, peers = 2, extra = 0n): MemoryRegion[] {
	const sizes = [SIZES[0]!, SIZES[1]!, ...Array.from({ length: peers }, () => SIZES[2]!)];
	let at = LINK;
	return sizes.map((size, n) => {
		const flags = (n === 0 ? MEM_READ : n === 1 ? RW : n - 2 === id ? RW : MEM_READ) | MEM_ROOTSHARED | extra;
		const r = { physStart: at, virtStart: at, size, flags };
		at += size;
		return r;
	});
}

function ivshmem(regionsStart: number, id: number, peers = 2, bdf = 0): PciDevice {
	return {
		type: PCI_TYPE_IVSHMEM, iommu: 0, domain: 1, bdf,
		barMask: [0xfffff000, 0, 0, 0, 0, 0],
		capsStart: 0, numCaps: 0, numMsiVectors: 0, msi64Bits: false, msiMaskable: false,
		numMsixVectors: 0, msixRegionSize: 0, msixAddress: 0n,
		shmemRegionsStart: regionsStart, shmemDevId: id, shmemPeers: peers, shmemProtocol: 0x4000,
	};
}

/** The reference system config with the virtual PCI window and the root as peer 0. */
function system(): SystemConfig {
	const sys = decodeConfig(readFileSync(`${repoRoot()}/packages/config/out/cells/qemu-arm64.cell`));
	if (sys.kind !== 'system') throw new Error('qemu-arm64.cell is not a system config');
	// the inmate pool ends where the link begins
	const regions = sys.rootCell.memoryRegions.map((r) => (r.physStart === 0x70000000n ? { ...r, size: LINK - 0x70000000n } : r));
	const start = regions.length;
	return {
		...sys,
		platform: { ...sys.platform, pciMmconfigBase: BigInt(ECAM), pciMmconfigEndBus: 0, pciIsVirtual: 1, pciDomain: 1 },
		rootCell: { ...sys.rootCell, memoryRegions: [...regions, ...linkRegions(0)], pciDevices: [ivshmem(start, 0)], vpciIrqBase: 96 },
	};
}

/** inmate-demo as peer 1 (INTx = SPI 144, already in its irqchip). */
function demo(o: Partial<CellConfig> = {}, dev: Partial<PciDevice> = {}, regions = linkRegions(1)): CellConfig {
	const c = cellFile('qemu-arm64-inmate-demo.cell');
	const start = c.memoryRegions.length;
	return { ...c, memoryRegions: [...c.memoryRegions, ...regions], pciDevices: [{ ...ivshmem(start, 1), ...dev }], vpciIrqBase: 112, ...o };
}

/** Configs the hypervisor must refuse, each with the reason it prints. */
const BAD: { file: string; cell: () => CellConfig; reason: RegExp }[] = [
	{ file: 'bad-index.cell', cell: () => demo({}, { shmemRegionsStart: 40 }), reason: /shmem regions beyond the cell's memory regions/ },
	{ file: 'bad-peers.cell', cell: () => demo({}, { shmemPeers: 13 }), reason: /peers out of range/ },
	{ file: 'bad-id.cell', cell: () => demo({}, { shmemDevId: 2 }), reason: /id not below the number of peers/ },
	{
		file: 'bad-bdf.cell',
		cell: () => {
			const c = demo();
			return { ...c, pciDevices: [c.pciDevices[0]!, { ...c.pciDevices[0]! }] };
		},
		reason: /two devices on one BDF/,
	},
	{ file: 'bad-taken.cell', cell: () => demo({}, { shmemDevId: 0 }, linkRegions(0)), reason: /id already taken on the link/ },
	// the other end lacks the shared region: the R/W section is not the root's
	{
		file: 'bad-lacks.cell',
		cell: () => {
			const r = linkRegions(1);
			r[1] = { ...r[1]!, size: 0x8000n };
			r[2] = { ...r[2]!, physStart: r[2]!.physStart - 0x1000n, virtStart: r[2]!.virtStart - 0x1000n };
			r[3] = { ...r[3]!, physStart: r[3]!.physStart - 0x1000n, virtStart: r[3]!.virtStart - 0x1000n };
			return demo({}, {}, r);
		},
		reason: /link region differs from the other peers'/,
	},
	{ file: 'bad-flags.cell', cell: () => demo({}, {}, linkRegions(1, 2, MEM_WRITE)), reason: /state table writable/ },
	{ file: 'bad-irq.cell', cell: () => demo({ vpciIrqBase: 20 }), reason: /INTx interrupt not in the cell's irqchips/ },
];

/*
 * The root's devmem cannot reach the window: the Debian kernel has
 * IO_STRICT_DEVMEM and the DT's GIC redistributor range (0x080a0000-
 * 0x08ffffff on QEMU virt) covers it. This module does what devmem would,
 * through ioremap: `echo "r|w <width> <addr> [value]" > /proc/jh_peek`,
 * then /proc/jh_peek reads the result as devmem prints it.
 */
const PEEK_MODULE = `// SPDX-License-Identifier: GPL-2.0-only
#include <linux/io.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

static char result[32];

static ssize_t peek_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[64], op;
	unsigned long addr, val = 0;
	unsigned int width;
	void __iomem *p;

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = 0;
	if (sscanf(buf, "%c %u %lx %lx", &op, &width, &addr, &val) < 3)
		return -EINVAL;
	p = ioremap(addr & PAGE_MASK, PAGE_SIZE);
	if (!p)
		return -ENOMEM;
	p += addr & ~PAGE_MASK;
	if (op == 'w') {
		if (width == 8) writeb(val, p);
		else if (width == 16) writew(val, p);
		else if (width == 64) writeq(val, p);
		else writel(val, p);
		result[0] = 0;
	} else {
		if (width == 8) snprintf(result, sizeof(result), "0x%02X\\n", readb(p));
		else if (width == 16) snprintf(result, sizeof(result), "0x%04X\\n", readw(p));
		else if (width == 64) snprintf(result, sizeof(result), "0x%016llX\\n", readq(p));
		else snprintf(result, sizeof(result), "0x%08X\\n", readl(p));
	}
	iounmap(p - (addr & ~PAGE_MASK));
	return len;
}

static ssize_t peek_read(struct file *f, char __user *ubuf, size_t len, loff_t *off)
{
	return simple_read_from_buffer(ubuf, len, off, result, strlen(result));
}

static const struct proc_ops peek_ops = { .proc_read = peek_read, .proc_write = peek_write };

static int __init peek_init(void)
{
	return proc_create("jh_peek", 0600, NULL, &peek_ops) ? 0 : -ENOMEM;
}

static void __exit peek_exit(void)
{
	remove_proc_entry("jh_peek", NULL);
}

module_init(peek_init);
module_exit(peek_exit);
MODULE_LICENSE("GPL");
`;

async function buildPeekModule(): Promise<string> {
	const env = await kbuildEnvironment();
	const dir = join(mkdtempSync(join(tmpdir(), 'jh-peek-')), 'peek');
	mkdirSync(dir);
	writeFileSync(join(dir, 'jh_peek.c'), PEEK_MODULE);
	writeFileSync(join(dir, 'Makefile'), 'obj-m := jh_peek.o\n');
	execFileSync('make', [...env.makeArgs, `M=${dir}`, 'modules'], { stdio: 'pipe' });
	return join(dir, 'jh_peek.ko');
}

const hex = (v: number) => `0x${v.toString(16).toUpperCase().padStart(8, '0')}`;

describe.each(MODES)('ivshmem in the hypervisor ($mode)', ({ icount }) => {
	let s: QemuSession;
	const uartMark = () => s.console('uart').length;
	const rd = async (addr: number, width = 32) => (await s.check(`echo r ${width} ${addr.toString(16)} > /proc/jh_peek && cat /proc/jh_peek`)).trim();
	const wr = (addr: number, v: number, width = 32) => s.check(`echo w ${width} ${addr.toString(16)} ${v.toString(16)} > /proc/jh_peek`);
	const poolUsed = async () => Number((await s.check(`cat ${SYSFS}/mem_pool_used`)).trim());

	beforeAll(async () => {
		const built = await buildInmate({
			dir: `${repoRoot()}/inmate-sdk/test/ivshmem-fw`,
			outDir: join(mkdtempSync(join(tmpdir(), 'jh-ivsfw-')), 'build'),
		});
		const image = built.targets.find((t) => t.target === 'cell')!.image;
		const files: Record<string, Uint8Array> = { 'system-ivshmem.cell': encodeConfig(system()), 'demo-ivshmem.cell': encodeConfig(demo()) };
		for (const b of BAD) files[b.file] = encodeConfig(b.cell());
		const peek = await buildPeekModule();
		s = await bootWithDriver(icount, [
			...testFiles(files),
			{ hostPath: peek, guestPath: '/test/jh_peek.ko' },
			{ hostPath: image, guestPath: '/test/ivshmem-fw.bin' },
			{ hostPath: buildRawIoctlTool(), guestPath: '/usr/bin/jh-ioctl', mode: 0o755 },
		]);
		await s.check('insmod /test/jh_peek.ko');
		const mark = uartMark();
		await s.check('jh-ioctl enable /test/system-ivshmem.cell', 120_000);
		await s.waitFor('uart', /ivshmem 00:00\.0 of cell "qemu-arm64": peer 0 of 2, state table 0x7ef00000, INTx 128/, 30_000, mark);
	});
	afterAll(() => s?.kill());

	it('the root sees its device in the ECAM window and nothing else', async () => {
		expect(await rd(ECAM)).toBe('0x4106110A');
		expect(await rd(ECAM, 16)).toBe('0x110A');
		expect(await rd(ECAM + 2, 16)).toBe('0x4106');
		expect(await rd(ECAM + 3, 8)).toBe('0x41');
		// class ff, protocol 0x4000 in subclass:prog-if, revision 0; header type 0
		expect(await rd(ECAM + 8)).toBe('0xFF400000');
		expect(await rd(ECAM + 0xc)).toBe(hex(0));
		// status: capabilities list; capability pointer 0x40; INTA
		expect(await rd(ECAM + 4)).toBe('0x00100000');
		expect(await rd(ECAM + 0x34)).toBe(hex(0x40));
		expect(await rd(ECAM + 0x3c)).toBe(hex(0x100));
		// subsystem ids as vendor/device
		expect(await rd(ECAM + 0x2c)).toBe('0x4106110A');
		// vendor capability: id 9, next 0, length 0x20; sizes; base address
		expect(await rd(ECAM + 0x40)).toBe(hex(0x200009));
		expect(await rd(ECAM + 0x44)).toBe(hex(0x1000));
		expect(await rd(ECAM + 0x48)).toBe(hex(0x9000));
		expect(await rd(ECAM + 0x4c)).toBe(hex(0));
		expect(await rd(ECAM + 0x50)).toBe(hex(0x2000));
		expect(await rd(ECAM + 0x58)).toBe(hex(0x7ef00000));
		expect(await rd(ECAM + 0x5c)).toBe(hex(0));
		expect(await rd(ECAM + 0x100)).toBe(hex(0));
		// absent functions and devices: all ones, writes ignored
		for (const off of [0x1000, 0x8000, 0xf8000, 0xff000]) expect(await rd(ECAM + off)).toBe('0xFFFFFFFF');
		expect(await rd(ECAM + 0x8000, 8)).toBe('0xFF');
		await wr(ECAM + 0x8010, 0x12345678);
		expect(await rd(ECAM + 0x8010)).toBe('0xFFFFFFFF');
		// read-only registers stay
		await wr(ECAM, 0);
		expect(await rd(ECAM)).toBe('0x4106110A');
		expect(await rd(ECAM + 0x44)).toBe(hex(0x1000));
	});

	it('8-byte accesses to the window are two dwords', async () => {
		expect(await rd(ECAM, 64)).toBe('0x001000004106110A');
		expect(await rd(ECAM + 0x58, 64)).toBe('0x000000007EF00000');
		expect(await rd(ECAM + 0x8000, 64)).toBe('0xFFFFFFFFFFFFFFFF');
	});

	it('BAR0 sizes, programs and decodes with memory space on; registers ID, max peers, state', async () => {
		await wr(ECAM + 0x10, 0xffffffff);
		expect(await rd(ECAM + 0x10)).toBe('0xFFFFF000');
		await wr(ECAM + 0x10, BAR);
		expect(await rd(ECAM + 0x10)).toBe(hex(BAR));
		// not decoded yet: an unmapped address of the root (read 0, console line)
		let mark = uartMark();
		expect(await rd(BAR + 4)).toBe(hex(0));
		await s.waitFor('uart', /read of unmapped address 0x8f00004 ignored/, 30_000, mark);
		await wr(ECAM + 4, 0x2, 16);
		expect(await rd(ECAM + 4)).toBe('0x00100002');
		expect(await rd(BAR)).toBe(hex(0));
		expect(await rd(BAR + 4)).toBe(hex(2));
		expect(await rd(BAR + 8)).toBe(hex(0));
		await wr(BAR + 8, 0xffffffff);
		expect(await rd(BAR + 8)).toBe(hex(1));
		await wr(BAR + 8, 0);
		expect(await rd(BAR + 0x20)).toBe(hex(0));
		// the state goes into the state table, which the root maps read-only
		await wr(BAR + 0x10, 0x1234);
		expect(await rd(BAR + 0x10)).toBe(hex(0x1234));
		expect(await rd(0x7ef00000)).toBe(hex(0x1234));
		// and the root cannot write the table itself
		mark = uartMark();
		await wr(0x7ef00000, 0x5555);
		await s.waitFor('uart', /write of read-only address 0x7ef00000 ignored/, 30_000, mark);
		expect(await rd(0x7ef00000)).toBe(hex(0x1234));
		// a BAR over the root's RAM does not decode
		mark = uartMark();
		await wr(ECAM + 0x10, 0x40000000);
		await s.waitFor('uart', /BAR0 0x40000000 overlaps the cell's memory or the PCI window: not decoded/, 30_000, mark);
		await wr(ECAM + 0x10, BAR);
		expect(await rd(BAR + 4)).toBe(hex(2));
	});

	it('an inmate finds its device by raw ECAM reads and takes doorbells and state changes as interrupts', async () => {
		let mark = uartMark();
		expect(await s.check('jh-ioctl create /test/demo-ivshmem.cell')).toMatch(/cell id \d+/);
		await s.waitFor('uart', /ivshmem 00:00\.0 of cell "inmate-demo": peer 1 of 2, state table 0x7ef00000, INTx 144/, 30_000, mark);
		expect(await rd(0x7ef00004)).toBe(hex(0));
		// a doorbell to a peer that is not running is harmless
		await wr(BAR + 0xc, 1 << 16);
		await s.check('jh-ioctl load inmate-demo /test/ivshmem-fw.bin 0 && jh-ioctl start inmate-demo', 60_000);
		await s.waitFor('uart', /ivshmem-fw: ready/, 60_000, mark);
		const out = s.console('uart').slice(mark);
		expect(out).toMatch(/ivshmem-fw: 00:00\.0 is 4106110a class ff400000/);
		expect(out).not.toMatch(/ivshmem-fw: 00:0[1-9a-f]/);
		expect(out).toMatch(/ivshmem-fw: 00:1f\.0 reads ffffffff, byte ff, word ffff/);
		expect(out).toMatch(/ivshmem-fw: cap 00200009 state table 1000 rw 9000 output 2000 at 7ef00000 pin 1/);
		expect(out).toMatch(/ivshmem-fw: BAR0 mask fffff000/);
		expect(out).toMatch(/ivshmem-fw: id 1 max peers 2 command 00100002/);
		expect(out).toMatch(/ivshmem-fw: self doorbell: 1 interrupts/);
		// its state in the table
		expect(await rd(0x7ef00004)).toBe(hex(0x101));
		// the root rings peer 1
		mark = uartMark();
		await wr(BAR + 0xc, 1 << 16);
		await s.waitFor('uart', /ivshmem-fw: interrupt 2, states 1234 101/, 30_000, mark);
		// a state change interrupts the other peer; the same state again does not
		mark = uartMark();
		await wr(BAR + 0x10, 0x77);
		await s.waitFor('uart', /ivshmem-fw: interrupt 3, states 77 101/, 30_000, mark);
		await wr(BAR + 0x10, 0x77);
		// doorbells from several root CPUs at once
		mark = uartMark();
		await s.check(`for c in 0 1 2; do taskset -c $c sh -c "echo w 32 ${(BAR + 0xc).toString(16)} 10000 > /proc/jh_peek" & done; wait`);
		await s.waitFor('uart', /ivshmem-fw: interrupt [4-6], states 77 101/, 30_000, mark);
		expect(s.running).toBe(true);
	});

	it('a destroyed peer leaves state 0; a new one joins again; broken configs are refused', async () => {
		let mark = uartMark();
		await s.check('jh-ioctl destroy inmate-demo', 60_000);
		expect(await rd(0x7ef00004)).toBe(hex(0));
		expect(await rd(0x7ef00000)).toBe(hex(0x77));
		const pool = await poolUsed();
		for (const b of BAD) {
			mark = uartMark();
			expect((await s.run(`jh-ioctl create /test/${b.file}`, 60_000)).output).toMatch(/create: .*errno/);
			await s.waitFor('uart', b.reason, 30_000, mark);
		}
		expect(await poolUsed()).toBe(pool);
		expect((await s.check('echo alive')).trim()).toBe('alive');
		// the same peer again, 3 times
		for (let i = 0; i < 3; i++) {
			mark = uartMark();
			await s.check('jh-ioctl create /test/demo-ivshmem.cell && jh-ioctl load inmate-demo /test/ivshmem-fw.bin 0 && jh-ioctl start inmate-demo', 60_000);
			await s.waitFor('uart', /ivshmem-fw: ready/, 60_000, mark);
			expect(await rd(0x7ef00004)).toBe(hex(0x101));
			await s.check('jh-ioctl destroy inmate-demo', 60_000);
			expect(await rd(0x7ef00004)).toBe(hex(0));
		}
		expect(await poolUsed()).toBe(pool);
		// the root's device still works; disable ends it all
		expect(await rd(BAR)).toBe(hex(0));
		await s.check('jh-ioctl disable', 120_000);
		expect(await rd(0x7ef00000)).toBe(hex(0));
	});
});
