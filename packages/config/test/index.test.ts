import { describe, expect, it } from 'vitest';
import { CONFIG_REVISION } from '../src/index.js';

describe('config', () => {
	it('targets config revision 14', () => {
		expect(CONFIG_REVISION).toBe(14);
	});
});
