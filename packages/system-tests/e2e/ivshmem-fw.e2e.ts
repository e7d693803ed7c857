// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's side of ivshmem v2 (issue 13), before the root's PCI
 * host bridge and UIO driver exist: the root cell pokes the virtual ECAM
 * window and its device's BAR0 (devmem through a test module), a test inmate
 * (inmate-sdk/test/ivshmem-fw) finds its device by raw ECAM reads and
 * counts the doorbell interrupts of its peers. Configs are the reference
 * ones (link "demo": root peer 0, inmate-demo peer 1 of 3) and broken
 * variants of inmate-demo that the hypervisor must refuse (created with
 * the raw ioctl client, past the CLI's checks).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeConfig, encodeConfig, MEM_WRITE, type CellConfig, type MemoryRegion, type PciDevice, type SystemConfig } from '@jailhouse/config';
import { buildInmate } from '@jailhouse/inmate-sdk';
import { kbuildEnvironment, repoRoot, type QemuSession } from '@jailhouse/toolchain';
import { bootWithDriver, buildRawIoctlTool, cellFile, MODES, SYSFS, testFiles } from '../src/guest.js';

const ECAM = 0x08e00000;
const BAR = 0x08f00000;

/** The reference system config: the root is peer 0 of the 3-peer link "demo" (00:00.0, INTx = INTID 128). */
function system(): SystemConfig {
	const sys = decodeConfig(readFileSync(`${repoRoot()}/packages/config/out/cells/qemu-arm64.cell`));
	if (sys.kind !== 'system') throw new Error('qemu-arm64.cell is not a system config');
	return sys;
}

/**
 * The reference inmate-demo (peer 1 of link "demo", INTx = INTID 144),
 * with changes to its device and to the link's regions (index 0 = state
 * table) as a broken config has them.
 */
function demo(o: Partial<CellConfig> = {}, dev: Partial<PciDevice> = {}, link?: (r: MemoryRegion[]) => void): CellConfig {
	const c = cellFile('qemu-arm64-inmate-demo.cell');
	const d = c.pciDevices[0]!;
	// only link "demo": its regions are the last ones kept, its device the only one
	const regions = c.memoryRegions.slice(0, d.shmemRegionsStart + 2 + d.shmemPeers).map((r) => ({ ...r }));
	const linkRegions = regions.slice(d.shmemRegionsStart);
	link?.(linkRegions);
	return { ...c, memoryRegions: regions, pciDevices: [{ ...d, ...dev }], ...o };
}

/** Configs the hypervisor must refuse, each with the reason it prints. */
const BAD: { file: string; cell: () => CellConfig; reason: RegExp }[] = [
	{ file: 'bad-index.cell', cell: () => demo({}, { shmemRegionsStart: 40 }), reason: /shmem regions beyond the cell's memory regions/ },
	{ file: 'bad-peers.cell', cell: () => demo({}, { shmemPeers: 13 }), reason: /peers out of range/ },
	{ file: 'bad-id.cell', cell: () => demo({}, { shmemDevId: 3 }), reason: /id not below the number of peers/ },
	{
		file: 'bad-bdf.cell',
		cell: () => {
			const c = demo();
			return { ...c, pciDevices: [c.pciDevices[0]!, { ...c.pciDevices[0]! }] };
		},
		reason: /two devices on one BDF/,
	},
	// the root's id: flags as peer 0 would have them
	{
		file: 'bad-taken.cell',
		cell: () =>
			demo({}, { shmemDevId: 0 }, (r) => {
				r[2]!.flags |= MEM_WRITE;
				r[3]!.flags &= ~MEM_WRITE;
			}),
		reason: /id already taken on the link/,
	},
	// the other end lacks the shared region: this R/W section is not the root's
	{
		file: 'bad-lacks.cell',
		cell: () =>
			demo({}, {}, (r) => {
				r[1]!.size -= 0x1000n;
				for (const o of r.slice(2)) {
					o.physStart -= 0x1000n;
					o.virtStart -= 0x1000n;
				}
			}),
		reason: /link region differs from the other peers'/,
	},
	{ file: 'bad-flags.cell', cell: () => demo({}, {}, (r) => void (r[0]!.flags |= MEM_WRITE)), reason: /state table writable/ },
	{ file: 'bad-output.cell', cell: () => demo({}, {}, (r) => void (r[4]!.flags |= MEM_WRITE)), reason: /another peer's output section writable/ },
	{ file: 'bad-link-bdf.cell', cell: () => demo({}, { bdf: 0x20 }), reason: /BDF differs from the link's other devices/ },
	{ file: 'bad-irq.cell', cell: () => demo({ vpciIrqBase: 20 }), reason: /INTx interrupt not in the cell's irqchips/ },
];

/** mem-attack's parameter block (inmate-sdk/test/attacks/mem): op 1 = write, at an address. */
function memWrite(addr: bigint): Uint8Array {
	const b = Buffer.alloc(16);
	b.writeUInt32LE(0x314b5441, 0);
	b.writeUInt32LE(1, 4);
	b.writeBigUInt64LE(addr, 8);
	return b;
}

/*
 * The root's devmem cannot reach the window: the Debian kernel has
 * IO_STRICT_DEVMEM and the DT's GIC redistributor range (0x080a0000-
 * 0x08ffffff on QEMU virt) covers it. This module does what devmem would,
 * through ioremap: `echo "r|w <width> <addr> [value]" > /proc/jh_peek`,
 * then /proc/jh_peek reads the result as devmem prints it.
 */
const PEEK_MODULE = `// SPDX-License-Identifier: GPL-2.0-only
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/irqdomain.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

static char result[32];
static int spi = -1;
module_param(spi, int, 0);
static atomic_t irqs;
static int virq;

static irqreturn_t peek_irq(int irq, void *data)
{
	atomic_inc(&irqs);
	return IRQ_HANDLED;
}

/*
 * Mappings stay until the module goes: an iounmap per access flushes the
 * TLBs of every CPU, which crawls under -icount when a loop pokes.
 */
static struct { unsigned long page; void __iomem *p; } maps[32];
static DEFINE_MUTEX(maps_lock);

static void __iomem *map_page(unsigned long page)
{
	void __iomem *p = NULL;
	unsigned int n;

	mutex_lock(&maps_lock);
	for (n = 0; n < ARRAY_SIZE(maps) && maps[n].p; n++)
		if (maps[n].page == page)
			break;
	if (n < ARRAY_SIZE(maps)) {
		if (!maps[n].p) {
			maps[n].p = ioremap(page, PAGE_SIZE);
			maps[n].page = page;
		}
		p = maps[n].p;
	}
	mutex_unlock(&maps_lock);
	return p;
}

static ssize_t peek_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[64], op;
	unsigned long addr, val = 0;
	unsigned int width;
	void __iomem *p;

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = 0;
	if (buf[0] == 'i') {
		snprintf(result, sizeof(result), "%d\\n", atomic_read(&irqs));
		return len;
	}
	if (sscanf(buf, "%c %u %lx %lx", &op, &width, &addr, &val) < 3)
		return -EINVAL;
	p = map_page(addr & PAGE_MASK);
	if (!p)
		return -ENOMEM;
	p += addr & ~PAGE_MASK;
	if (op == 'w') {
		if (width == 8) writeb(val, p);
		else if (width == 16) writew(val, p);
		else if (width == 64) writeq(val, p);
		else writel(val, p);
	} else {
		if (width == 8) snprintf(result, sizeof(result), "0x%02X\\n", readb(p));
		else if (width == 16) snprintf(result, sizeof(result), "0x%04X\\n", readw(p));
		else if (width == 64) snprintf(result, sizeof(result), "0x%016llX\\n", readq(p));
		else snprintf(result, sizeof(result), "0x%08X\\n", readl(p));
	}
	return len;
}

static ssize_t peek_read(struct file *f, char __user *ubuf, size_t len, loff_t *off)
{
	return simple_read_from_buffer(ubuf, len, off, result, strlen(result));
}

static const struct proc_ops peek_ops = { .proc_read = peek_read, .proc_write = peek_write };

static int __init peek_init(void)
{
	struct irq_fwspec fw = { .param_count = 3 };
	int err;

	if (spi >= 0) {
		fw.fwnode = of_node_to_fwnode(of_find_compatible_node(NULL, NULL, "arm,gic-v3"));
		fw.param[0] = 0;
		fw.param[1] = spi;
		fw.param[2] = IRQ_TYPE_EDGE_RISING;
		virq = irq_create_fwspec_mapping(&fw);
		if (virq <= 0)
			return -ENODEV;
		err = request_irq(virq, peek_irq, 0, "jh_peek", NULL);
		if (err)
			return err;
	}
	return proc_create("jh_peek", 0600, NULL, &peek_ops) ? 0 : -ENOMEM;
}

static void __exit peek_exit(void)
{
	unsigned int n;

	remove_proc_entry("jh_peek", NULL);
	for (n = 0; n < ARRAY_SIZE(maps) && maps[n].p; n++)
		iounmap(maps[n].p);
	if (virq > 0)
		free_irq(virq, NULL);
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
	const rootIrqs = async () => Number((await s.check('echo i > /proc/jh_peek && cat /proc/jh_peek')).trim());
	/*
	 * inmate-demo's (peer 1) interrupt count and the states it saw, from its
	 * output section: two inmates share the UART and their lines interleave.
	 */
	const OUT1 = 0x7ef00000 + 0x1000 + 0x9000 + 0x2000;
	const demoIrqs = async () => Number(await rd(OUT1));
	const demoSaw = async () => [await rd(OUT1 + 4), await rd(OUT1 + 8), await rd(OUT1 + 12)].map(Number);
	/** Waits for inmate-demo's next interrupt after `count`, then the states it saw. */
	const nextDemoIrq = async (count: number) => {
		for (let i = 0; i < 150 && (await demoIrqs()) <= count; i++) await s.check('sleep 0.2');
		expect(await demoIrqs()).toBeGreaterThan(count);
		return demoSaw();
	};
	const poll = async (addr: number, want: number) => {
		for (let i = 0; i < 150 && (await rd(addr)) !== hex(want); i++) await s.check('sleep 0.2');
		expect(await rd(addr)).toBe(hex(want));
	};
	const poolUsed = async () => Number((await s.check(`cat ${SYSFS}/mem_pool_used`)).trim());

	beforeAll(async () => {
		const built = await buildInmate({
			dir: `${repoRoot()}/inmate-sdk/test/ivshmem-fw`,
			outDir: join(mkdtempSync(join(tmpdir(), 'jh-ivsfw-')), 'build'),
		});
		const image = built.targets.find((t) => t.target === 'cell')!.image;
		const files: Record<string, Uint8Array> = {
			'system-ivshmem.cell': encodeConfig(system()),
			'demo-ivshmem.cell': encodeConfig(demo()),
			'inmate-2.cell': encodeConfig(cellFile('qemu-arm64-inmate-2.cell')),
			// the root's device with 13 peers: enable must refuse the system config
			'system-bad.cell': encodeConfig((() => {
				const sys = system();
				return { ...sys, rootCell: { ...sys.rootCell, pciDevices: sys.rootCell.pciDevices.map((d) => ({ ...d, shmemPeers: 13 })) } };
			})()),
			'param-state-table.bin': memWrite(0x7ef00000n),
			'param-root-output.bin': memWrite(0x7ef0a000n),
		};
		for (const b of BAD) files[b.file] = encodeConfig(b.cell());
		const peek = await buildPeekModule();
		s = await bootWithDriver(icount, [
			...testFiles(files),
			{ hostPath: peek, guestPath: '/test/jh_peek.ko' },
			{ hostPath: image, guestPath: '/test/ivshmem-fw.bin' },
			{ hostPath: `${repoRoot()}/inmate-sdk/out/attacks/mem-attack.bin`, guestPath: '/test/mem-attack.bin' },
			{ hostPath: buildRawIoctlTool(), guestPath: '/usr/bin/jh-ioctl', mode: 0o755 },
		]);
		// the root's INTx: SPI 96 = INTID 32 + vpci_irq_base 96 + INTA - 1
		await s.check('insmod /test/jh_peek.ko spi=96');
		const mark = uartMark();
		await s.check('jh-ioctl enable /test/system-ivshmem.cell', 120_000);
		await s.waitFor('uart', /ivshmem 00:00\.0 of cell "qemu-arm64": peer 0 of 3, state table 0x7ef00000, INTx 128/, 30_000, mark);
	});
	afterAll(() => s?.kill());

	it('the root sees its two devices in the ECAM window and nothing else', async () => {
		expect(await rd(ECAM)).toBe('0x4106110A');
		expect(await rd(ECAM, 16)).toBe('0x110A');
		expect(await rd(ECAM + 2, 16)).toBe('0x4106');
		expect(await rd(ECAM + 3, 8)).toBe('0x41');
		// class ff, protocol 0 (undefined) in subclass:prog-if, revision 0; header type 0
		expect(await rd(ECAM + 8)).toBe('0xFF000000');
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
		// its second device, 00:01.0 on link "pair": INTB, state table
		// 0x7ef10000, an empty R/W section, outputs of 0x2000
		expect(await rd(ECAM + 0x8000)).toBe('0x4106110A');
		expect(await rd(ECAM + 0x803c)).toBe(hex(0x200));
		expect(await rd(ECAM + 0x8048)).toBe(hex(0));
		expect(await rd(ECAM + 0x8050)).toBe(hex(0x2000));
		expect(await rd(ECAM + 0x8058)).toBe(hex(0x7ef10000));
		// absent functions and devices: all ones, writes ignored
		for (const off of [0x1000, 0x9000, 0x10000, 0xf8000, 0xff000]) expect(await rd(ECAM + off)).toBe('0xFFFFFFFF');
		expect(await rd(ECAM + 0x10000, 8)).toBe('0xFF');
		await wr(ECAM + 0x10010, 0x12345678);
		expect(await rd(ECAM + 0x10010)).toBe('0xFFFFFFFF');
		// read-only registers stay
		await wr(ECAM, 0);
		expect(await rd(ECAM)).toBe('0x4106110A');
		expect(await rd(ECAM + 0x44)).toBe(hex(0x1000));
	});

	it('8-byte accesses to the window are two dwords', async () => {
		expect(await rd(ECAM, 64)).toBe('0x001000004106110A');
		expect(await rd(ECAM + 0x58, 64)).toBe('0x000000007EF00000');
		expect(await rd(ECAM + 0x8058, 64)).toBe('0x000000007EF10000');
		expect(await rd(ECAM + 0x10000, 64)).toBe('0xFFFFFFFFFFFFFFFF');
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
		expect(await rd(BAR + 4)).toBe(hex(3));
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
		expect(await rd(BAR + 4)).toBe(hex(3));
	});

	it('an inmate finds its device by raw ECAM reads and takes doorbells and state changes as interrupts', async () => {
		let mark = uartMark();
		expect(await s.check('jh-ioctl create /test/demo-ivshmem.cell')).toMatch(/cell id \d+/);
		await s.waitFor('uart', /ivshmem 00:00\.0 of cell "inmate-demo": peer 1 of 3, state table 0x7ef00000, INTx 144/, 30_000, mark);
		expect(await rd(0x7ef00004)).toBe(hex(0));
		// a doorbell to a peer that is not running is harmless
		await wr(BAR + 0xc, 1 << 16);
		// the root takes interrupts too (the inmate's state change, its answers)
		await wr(BAR + 8, 1);
		const rootBefore = await rootIrqs();
		await s.check('jh-ioctl load inmate-demo /test/ivshmem-fw.bin 0 && jh-ioctl start inmate-demo', 60_000);
		await s.waitFor('uart', /ivshmem-fw: peer 1 ready/, 60_000, mark);
		const out = s.console('uart').slice(mark);
		expect(out).toMatch(/ivshmem-fw: 00:00\.0 is 4106110a class ff000000/);
		expect(out).not.toMatch(/ivshmem-fw: 00:0[1-9a-f]/);
		expect(out).toMatch(/ivshmem-fw: 00:1f\.0 reads ffffffff, byte ff, word ffff/);
		expect(out).toMatch(/ivshmem-fw: cap 00200009 state table 1000 rw 9000 output 2000 at 7ef00000 pin 1 irq 144/);
		expect(out).toMatch(/ivshmem-fw: BAR0 mask fffff000/);
		expect(out).toMatch(/ivshmem-fw: id 1 max peers 3 command 00100002/);
		expect(out).toMatch(/ivshmem-fw: self doorbell: 1 interrupts/);
		// its state in the table; the root got the state change and the answer
		expect(await rd(0x7ef00004)).toBe(hex(0x101));
		expect(await rootIrqs()).toBeGreaterThanOrEqual(rootBefore + 1);
		expect(await s.check('grep jh_peek /proc/interrupts')).toMatch(/GICv3 128 Edge/);
		// the root rings peer 1
		mark = uartMark();
		let n = await rootIrqs();
		await wr(BAR + 0xc, 1 << 16);
		await s.waitFor('uart', /ivshmem-fw: peer 1 interrupt 2, states 1234 101 0/, 30_000, mark);
		// its answer rings the root
		for (let i = 0; i < 50 && (await rootIrqs()) === n; i++) await s.check('sleep 0.1');
		expect(await rootIrqs()).toBe(n + 1);
		// one-shot mode: the first interrupt clears interrupt control bit 0
		await wr(ECAM + 0x43, 1, 8);
		expect(await rd(ECAM + 0x40)).toBe(hex(0x1200009));
		n = await rootIrqs();
		await wr(BAR + 0xc, 1 << 16);
		await s.waitFor('uart', /ivshmem-fw: peer 1 interrupt 3, states 1234 101 0/, 30_000, mark);
		for (let i = 0; i < 50 && (await rootIrqs()) === n; i++) await s.check('sleep 0.1');
		expect(await rd(BAR + 8)).toBe(hex(0));
		await wr(ECAM + 0x43, 0, 8);
		await wr(BAR + 8, 1);
		mark = uartMark();
		// a state change interrupts the other peer; the same state again does not
		mark = uartMark();
		await wr(BAR + 0x10, 0x77);
		await s.waitFor('uart', /ivshmem-fw: peer 1 interrupt 4, states 77 101 0/, 30_000, mark);
		await wr(BAR + 0x10, 0x77);
		// doorbells from several root CPUs at once
		mark = uartMark();
		await s.check(`for c in 0 1 2; do taskset -c $c sh -c "echo w 32 ${(BAR + 0xc).toString(16)} 10000 > /proc/jh_peek" & done; wait`);
		await s.waitFor('uart', /ivshmem-fw: peer 1 interrupt [5-7], states 77 101 0/, 30_000, mark);
		expect(s.running).toBe(true);
	});

	it('three peers: inmate-2 joins as peer 2, the inmates interrupt each other, its destruction interrupts the others', async () => {
		let n = await demoIrqs();
		const mark = uartMark();
		await s.check('jh-ioctl create /test/inmate-2.cell && jh-ioctl load inmate-2 /test/ivshmem-fw.bin 0 && jh-ioctl start inmate-2', 60_000);
		expect(s.console('uart').slice(mark)).toMatch(/ivshmem 00:00\.0 of cell "inmate-2": peer 2 of 3, state table 0x7ef00000, INTx 152/);
		// inmate-2's state (written by inmate-2 through its BAR0) and its doorbell reach inmate-demo
		await poll(0x7ef00008, 0x102);
		expect(await nextDemoIrq(n)).toEqual([0x77, 0x101, 0x102]);
		// inmate-2 counted its own doorbell (its output section, peer 2)
		await poll(0x7ef0e000, 1);
		// inmate-2 goes: its slot 0, inmate-demo is told
		await s.check('sleep 1');
		n = await demoIrqs();
		await s.check('jh-ioctl destroy inmate-2', 60_000);
		expect(await rd(0x7ef00008)).toBe(hex(0));
		expect(await nextDemoIrq(n)).toEqual([0x77, 0x101, 0]);
		// and comes back
		n = await demoIrqs();
		await s.check('jh-ioctl create /test/inmate-2.cell && jh-ioctl load inmate-2 /test/ivshmem-fw.bin 0 && jh-ioctl start inmate-2', 60_000);
		await poll(0x7ef00008, 0x102);
		await nextDemoIrq(n);
		await s.check('sleep 1');
		await s.check('jh-ioctl destroy inmate-2', 60_000);
	});

	it('an inmate that writes the state table or another peer\'s output fails; its failure interrupts the peers, the link goes on', async () => {
		for (const name of ['state-table', 'root-output']) {
			const mark = uartMark();
			let n = await demoIrqs();
			await s.check(`jh-ioctl create /test/inmate-2.cell && jh-ioctl load inmate-2 /test/mem-attack.bin 0 /test/param-${name}.bin 0x80000 && jh-ioctl start inmate-2`, 60_000);
			await s.waitFor('uart', /CPU \d+ of cell "inmate-2" stopped: stage-2 fault/, 30_000, mark);
			expect(s.console('uart').slice(mark)).toMatch(/write outside the cell/);
			// the failed peer's slot is 0 and the others are told
			expect(await nextDemoIrq(n)).toEqual([0x77, 0x101, 0]);
			await s.check('jh-ioctl destroy inmate-2', 60_000);
			n = await demoIrqs();
			await wr(BAR + 0xc, 1 << 16);
			expect(await nextDemoIrq(n)).toEqual([0x77, 0x101, 0]);
		}
		expect(await rd(0x7ef00000)).toBe(hex(0x77));
		expect(await rd(0x7ef0a000)).not.toBe(hex(0xbadc0de));
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
		// the same peer again, 3 times, while a root CPU rings it all the time
		// (a peer destroyed while another rings it). Not under -icount: there
		// a busy loop on a root CPU (even one without any MMIO) keeps
		// `jh-ioctl create` (its remove_cpu) from finishing within a minute.
		if (!icount) await s.check(`taskset -c 1 sh -c 'while :; do echo w 32 ${(BAR + 0xc).toString(16)} 10000 > /proc/jh_peek; done' >/dev/null 2>&1 & echo $! > /tmp/hammer.pid`);
		for (let i = 0; i < 3; i++) {
			mark = uartMark();
			await s.check('jh-ioctl create /test/demo-ivshmem.cell && jh-ioctl load inmate-demo /test/ivshmem-fw.bin 0 && jh-ioctl start inmate-demo', 60_000);
			// its state: it came up (under the root's doorbells its handler
			// may keep it from printing "ready" for long)
			await poll(0x7ef00004, 0x101);
			await s.check('jh-ioctl destroy inmate-demo', 60_000);
			expect(await rd(0x7ef00004)).toBe(hex(0));
		}
		if (!icount) await s.check('kill $(cat /tmp/hammer.pid)');
		expect(await poolUsed()).toBe(pool);
		// the root's device still works; disable ends it all
		expect(await rd(BAR)).toBe(hex(0));
		await s.check('jh-ioctl disable', 120_000);
		expect(await rd(0x7ef00000)).toBe(hex(0));
		// a root config with a broken device is refused at enable; Linux goes on
		expect((await s.run('jh-ioctl enable /test/system-bad.cell', 120_000)).output).toMatch(/enable: .*errno/);
		await s.waitFor('kernel', /PCI device 0 \(00:00\.0\) of cell "qemu-arm64": peers out of range/, 30_000);
		expect((await s.check('echo alive')).trim()).toBe('alive');
	});

	it('`jailhouse config check` refuses the broken configs before they reach anything, naming device and field', async () => {
		// the four the hypervisor refuses above, checked as a set with the
		// system config in the guest's CLI (one shell loop: one command per file)
		const want: Record<string, RegExp> = {
			'bad-index.cell': /pciDevices\[0\]\.shmemRegionsStart: PCI device 0001:00:00\.0: its link needs 5 memory regions from index 40/,
			'bad-peers.cell': /pciDevices\[0\]\.shmemPeers: PCI device 0001:00:00\.0 has 13 peers, at most 12/,
			'bad-bdf.cell': /pciDevices\[1\]\.bdf: PCI device 0001:00:00\.0 uses the same BDF as pciDevices\[0\]/,
			'bad-lacks.cell': /the R\/W section of .* both ends must share the same memory/,
		};
		const r = await s.run(Object.keys(want).map((f) => `echo "== ${f}"; jh config check /test/system-ivshmem.cell /test/${f}; echo "rc=$?"`).join('; '), 300_000);
		const parts = r.output.split(/^== /m).slice(1);
		expect(parts.map((p) => p.split('\n')[0])).toEqual(Object.keys(want));
		for (const p of parts) {
			const file = p.split('\n')[0]!;
			expect(p, p).toMatch(/^rc=1$/m);
			expect(p, p).toMatch(want[file]!);
		}
		// and the reference set passes
		expect(await s.check(`jh config check /test/system-ivshmem.cell /test/demo-ivshmem.cell /test/inmate-2.cell`, 120_000)).not.toMatch(/error/i);
	});
});
