// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest side of `jh` (guest/jh): runs `jailhouse` commands one after
 * the other in this one Node process, so that only the first pays for
 * Node's start and the CLI's loading (half a second of guest time each
 * under -icount). The commands run through the CLI's own runCli(): same
 * parsing, checks, ioctls, output and exit codes as the `jailhouse` binary.
 *
 * usage: node cli-server.mjs <request fifo> <response fifo>
 * A request is the client's working directory and its arguments, a line
 * each, ended by the client closing the fifo. The response is everything
 * the command wrote to stdout and stderr, in order, then a line
 * "__JH_EXIT <code>".
 */
import { readFileSync, writeFileSync } from 'node:fs';

const [requests, responses] = process.argv.slice(2);
if (!requests || !responses) {
	console.error('usage: node cli-server.mjs <request fifo> <response fifo>');
	process.exit(2);
}
globalThis[Symbol.for('jailhouse.cli.library')] = true;
// a CLI that does not load answers every request with the reason, rather
// than leaving its client blocked on a fifo nobody reads
const runCli = await import('/usr/lib/jailhouse/jailhouse.mjs').then(
	(cli) => cli.runCli,
	(err) => () => {
		console.error(`jh: cannot load the CLI: ${err instanceof Error ? err.message : String(err)}`);
		return 70;
	},
);

const writes = { stdout: process.stdout.write, stderr: process.stderr.write };

for (;;) {
	// blocks until a client opens the fifo, and reads until it closes it
	const [cwd = '/', ...args] = readFileSync(requests, 'utf8').replace(/\n$/, '').split('\n');
	let out = '';
	const capture = (chunk, encoding, done) => {
		out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
		const cb = typeof encoding === 'function' ? encoding : done;
		if (cb) process.nextTick(cb);
		return true;
	};
	process.stdout.write = capture;
	process.stderr.write = capture;
	let code;
	try {
		process.chdir(cwd);
		code = await runCli(['node', 'jailhouse', ...args]);
	} catch (err) {
		out += `jh: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`;
		code = 70;
	} finally {
		process.stdout.write = writes.stdout;
		process.stderr.write = writes.stderr;
	}
	if (out && !out.endsWith('\n')) out += '\n';
	// blocks until the client opens its end
	writeFileSync(responses, `${out}__JH_EXIT ${code}\n`);
}
