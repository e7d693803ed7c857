// SPDX-License-Identifier: GPL-2.0-only
// Typed helpers for configs written as TypeScript modules. They only add
// the `kind` tag: the object is checked when it is loaded, so a config file
// needs no runtime from this package beyond these identity functions.

import type { CellInput, SystemInput } from './schema.js';

export function defineSystem(config: Omit<SystemInput, 'kind'>): SystemInput {
	return { kind: 'system', ...config } as SystemInput;
}

export function defineCell(config: Omit<CellInput, 'kind'>): CellInput {
	return { kind: 'cell', ...config } as CellInput;
}
