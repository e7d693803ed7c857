// SPDX-License-Identifier: GPL-2.0-only

/** A QEMU machine the project targets. */
export interface QemuProfile {
	name: string;
	machine: string;
	cpu: string;
	cpus: number;
	memory: string;
	/** Kernel command-line arguments the machine needs (besides console set-up). */
	append: string;
}

/**
 * virt with GICv3 and EL2 (docs/QEMU-ARM64.md). KVM must stay off so EL2 is free
 * for the hypervisor; mem=768M leaves 0x70000000-0x7fffffff to it and the
 * cells.
 */
export const QEMU_ARM64: QemuProfile = {
	name: 'qemu-arm64',
	machine: 'virt,gic-version=3,virtualization=on,its=off',
	cpu: 'cortex-a57',
	cpus: 4,
	memory: '1G',
	append: 'mem=768M kvm-arm.mode=none',
};

export const PROFILES: Record<string, QemuProfile> = { [QEMU_ARM64.name]: QEMU_ARM64 };

export interface QemuLaunch {
	profile?: QemuProfile;
	kernel: string;
	initrd?: string;
	/** File receiving the kernel console (/dev/hvc0). */
	kernelLog: string;
	/** File receiving the PL011 (hypervisor and inmates). */
	uartLog: string;
	/** Instruction-count mode: 1 instruction = 1 ns of guest time, repeatable timing. */
	icount?: boolean;
	/** Extra kernel arguments. */
	append?: string;
	/** Print early boot messages on the PL011 until hvc0 takes over (debugging boots that die early). */
	earlycon?: boolean;
	/** gdb server on tcp::1234: 'attach' runs at once, 'wait' stops before the first instruction. */
	gdb?: 'attach' | 'wait';
	/** More QEMU arguments (devices a test adds to the machine), appended as given. */
	extraArgs?: string[];
	/**
	 * A unix socket for input to the PL011 (QEMU listens on it, no wait);
	 * its output still goes to uartLog (the chardev's logfile).
	 */
	uartSocket?: string;
}

/**
 * QEMU's command line. Three consoles: hvc0 carries the kernel's messages
 * to a log file, hvc1 carries the root shell on QEMU's stdin/stdout (so a
 * command's output is never mixed with kernel messages), and the PL011 goes
 * to its own log for the hypervisor and inmates.
 */
export function qemuArgs(l: QemuLaunch): string[] {
	const p = l.profile ?? QEMU_ARM64;
	const append = [
		'console=hvc0',
		l.earlycon ? 'earlycon=pl011,0x09000000' : '',
		'panic=-1',
		'quiet',
		p.append,
		l.append ?? '',
	]
		.filter(Boolean)
		.join(' ');
	const args = [
		'-machine', p.machine,
		'-cpu', p.cpu,
		'-smp', String(p.cpus),
		'-m', p.memory,
		'-display', 'none',
		'-monitor', 'none',
		'-no-reboot',
		'-kernel', l.kernel,
		...(l.initrd ? ['-initrd', l.initrd] : []),
		'-append', append,
		'-chardev', l.uartSocket ? `socket,id=uart,path=${l.uartSocket},server=on,wait=off,logfile=${l.uartLog}` : `file,id=uart,path=${l.uartLog}`,
		'-serial', 'chardev:uart',
		'-device', 'virtio-serial-device',
		'-chardev', `file,id=kcon,path=${l.kernelLog}`,
		'-device', 'virtconsole,chardev=kcon,name=kernel',
		'-chardev', 'stdio,id=shell,signal=off',
		'-device', 'virtconsole,chardev=shell,name=shell',
	];
	if (l.icount) args.push('-icount', 'shift=0,sleep=off');
	if (l.gdb) args.push('-s', ...(l.gdb === 'wait' ? ['-S'] : []));
	if (l.extraArgs) args.push(...l.extraArgs);
	return args;
}
