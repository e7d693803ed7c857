// SPDX-License-Identifier: BSD-2-Clause

/**
 * An error for the user of the inmate tools: one message saying what went
 * wrong and what to do. Compiler output is part of the message as is.
 */
export class InmateError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'InmateError';
	}
}
