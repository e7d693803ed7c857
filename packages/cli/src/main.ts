// SPDX-License-Identifier: GPL-2.0-only
import { runCli } from './program.js';

/*
 * The bundle runs the command in process.argv, unless the importer set
 * this flag first: a tool that runs many commands in one process (the
 * system tests' command server, where Node's start costs half a second of
 * an emulated CPU per command) imports the bundle and calls runCli itself.
 */
export { runCli };
export const LIBRARY_FLAG = Symbol.for('jailhouse.cli.library');

if (!(globalThis as Record<symbol, unknown>)[LIBRARY_FLAG]) process.exitCode = await runCli(process.argv);
