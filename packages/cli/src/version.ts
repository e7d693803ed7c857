// SPDX-License-Identifier: GPL-2.0-only
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
