import { describe, expect, it } from 'vitest';
import { QEMU_ARM64, qemuArgs } from '../src/index.js';

describe('qemu-arm64 profile', () => {
	const base = { kernel: '/k', initrd: '/i', kernelLog: '/l/kernel.log', uartLog: '/l/uart.log' };

	it('builds the machine the hypervisor needs', () => {
		const args = qemuArgs(base);
		const at = (flag: string) => args[args.indexOf(flag) + 1];
		expect(at('-machine')).toBe('virt,gic-version=3,virtualization=on,its=off');
		expect(at('-cpu')).toBe('cortex-a57');
		expect(at('-smp')).toBe('4');
		expect(at('-m')).toBe('1G');
		expect(at('-append')).toMatch(/mem=768M kvm-arm.mode=none/);
		expect(at('-append')).toMatch(/console=hvc0/);
		expect(at('-append')).toMatch(/panic=-1/);
		expect(args).toContain('-no-reboot');
		expect(args).not.toContain('-icount');
	});

	it('gives each console its own channel', () => {
		const args = qemuArgs(base).join(' ');
		expect(args).toContain('file,id=uart,path=/l/uart.log');
		expect(args).toContain('-serial chardev:uart');
		expect(args).toContain('file,id=kcon,path=/l/kernel.log');
		expect(args).toContain('stdio,id=shell');
	});

	it('adds repeatable instruction counting on request', () => {
		const args = qemuArgs({ ...base, icount: true, profile: QEMU_ARM64 });
		expect(args[args.indexOf('-icount') + 1]).toBe('shift=0,sleep=off');
	});
});
