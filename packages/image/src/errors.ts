// SPDX-License-Identifier: GPL-2.0-only

/**
 * A problem with the input (a malformed ELF, an image that does not fit its
 * cell, a bad firmware header). Callers show `message` to the user as it is,
 * so it names the offending part and, where there is one, the way out.
 */
export class ImageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ImageError';
	}
}
