// SPDX-License-Identifier: GPL-2.0-only
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv);
