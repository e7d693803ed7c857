// SPDX-License-Identifier: GPL-2.0-only
// The benchmark suite's results as flat rows (one figure each, a stable key
// for comparisons) and as markdown tables.

const ms3 = (ns) => Math.round(ns / 1000) / 1000;
const ms = (ns) => Math.round(ns / 10_000) / 100;

/** One row per figure of a bench/suite.mjs result. */
export function rowsOf(r) {
	const rows = [];
	const add = (key, group, measure, value, unit) => rows.push({ key, group, measure, value, unit });

	const lat = { bare: 'gic-demo bare (EL2 start, no hypervisor)', cell: 'gic-demo in inmate-demo, root idle', cellBusy: 'gic-demo in inmate-demo, root busy on CPUs 0-2' };
	for (const [k, what] of Object.entries(lat)) {
		const v = r.latency[k];
		for (const f of ['min', 'median', 'avg', 'max']) if (v[f] !== undefined) add(`latency.${k}.${f}`, 'interrupt latency', `${what}: ${f} of ${v.n}`, v[f], 'ns');
	}
	add('latency.ratio.avg', 'interrupt latency', 'cell avg / bare avg', Math.round((r.latency.cell.avg / r.latency.bare.avg) * 100) / 100, 'x');
	if (r.latency.cellBusy.rootIrqPerSecond !== undefined)
		add('latency.cellBusy.rootIrq', 'interrupt latency', 'root interrupts on CPUs 0-2 while busy', r.latency.cellBusy.rootIrqPerSecond, '/s guest');

	const f = r.footprint;
	add('footprint.bin', 'footprint', 'jailhouse.bin', f.binBytes, 'bytes');
	for (const s of ['text', 'data', 'bss']) add(`footprint.${s}`, 'footprint', `hypervisor ${s}`, f[s], 'bytes');
	if (f.pool) {
		add('footprint.pool.size', 'footprint', 'mem_pool size', f.pool.size, 'pages');
		add('footprint.pool.enable', 'footprint', 'mem_pool used after enable', f.pool.afterEnable, 'pages');
		add('footprint.pool.inmateDemo', 'footprint', 'mem_pool per cell: inmate-demo', f.pool.inmateDemo, 'pages');
		add('footprint.pool.inmate2', 'footprint', 'mem_pool per cell: inmate-2', f.pool.inmate2, 'pages');
		add('footprint.pool.after', 'footprint', 'mem_pool used after both cells are gone', f.pool.afterCellsGone, 'pages');
	}
	for (const [dir, label] of [['core', 'firmware/core'], ['arm64', 'firmware/arch/arm64']]) {
		add(`footprint.loc.${dir}.c`, 'footprint', `${label}: lines of C (non-blank)`, f.loc[dir].c, 'lines');
		add(`footprint.loc.${dir}.asm`, 'footprint', `${label}: lines of assembly (non-blank)`, f.loc[dir].asm, 'lines');
	}

	const c = r.cli;
	add('cli.node', 'CLI start', `node -e 0 (avg of ${c.node.n})`, ms(c.node.avg), 'ms guest');
	add('cli.version', 'CLI start', `jailhouse --version (avg of ${c.version.n})`, ms(c.version.avg), 'ms guest');
	add('cli.list', 'CLI start', `jailhouse cell list, enabled (avg of ${c.list.n})`, ms(c.list.avg), 'ms guest');
	add('cli.version.ratio', 'CLI start', 'jailhouse --version / node -e 0', Math.round((c.version.avg / c.node.avg) * 100) / 100, 'x');
	add('cli.list.ratio', 'CLI start', 'jailhouse cell list / node -e 0', Math.round((c.list.avg / c.node.avg) * 100) / 100, 'x');

	const what = {
		enable: 'enable',
		create: 'cell create (inmate-demo)',
		load: 'cell load (gic-demo)',
		start: 'cell start',
		startToOutput: "cell start request to the inmate's first output (trap-bench's entry counter)",
		shutdown: 'cell shutdown',
		destroy: 'cell destroy, until CPU 3 is online in Linux',
		disable: 'disable',
	};
	for (const [k, label] of Object.entries(what)) {
		const m = r.management[k];
		if (!m) continue;
		add(`mgmt.${k}.raw`, 'management', k === 'startToOutput' ? `${label}, through jh-ioctl` : `${label}: raw ioctl (driver + hypervisor)`, ms3(m.raw), 'ms guest');
		if (m.cli === undefined) continue;
		add(`mgmt.${k}.cli`, 'management', `${label}: jailhouse CLI`, ms3(m.cli), 'ms guest');
		add(`mgmt.${k}.cliShare`, 'management', `${label}: the CLI's share (CLI - raw)`, ms3(m.cli - m.raw), 'ms guest');
	}
	if (r.traps) {
		for (const [k, t] of Object.entries(r.traps)) add(`trap.${k}`, 'trap costs (inside an inmate)', `${t.label}, over ${t.n}`, t.ns, 'ns each');
	}
	return rows;
}

/** A markdown table of rows. */
export function markdownTable(rows) {
	const lines = ['| group | measure | value | unit |', '|---|---|--:|---|'];
	for (const r of rows) lines.push(`| ${r.group} | ${r.measure} | ${r.value} | ${r.unit} |`);
	return lines.join('\n');
}

/** A markdown table of two results' rows side by side, with the deltas. */
export function compareTable(a, b) {
	const bByKey = new Map(b.rows.map((r) => [r.key, r]));
	const lines = [
		`| group | measure | ${a.commit.slice(0, 10)} | ${b.commit.slice(0, 10)} | delta | unit |`,
		'|---|---|--:|--:|--:|---|',
	];
	const seen = new Set();
	for (const ra of a.rows) {
		seen.add(ra.key);
		const rb = bByKey.get(ra.key);
		const delta = rb ? Math.round((rb.value - ra.value) * 100) / 100 : undefined;
		const pct = rb && ra.value ? ` (${delta >= 0 ? '+' : ''}${Math.round((delta / ra.value) * 1000) / 10}%)` : '';
		lines.push(`| ${ra.group} | ${ra.measure} | ${ra.value} | ${rb ? rb.value : '-'} | ${delta === undefined ? '-' : `${delta >= 0 ? '+' : ''}${delta}${pct}`} | ${ra.unit} |`);
	}
	for (const rb of b.rows) if (!seen.has(rb.key)) lines.push(`| ${rb.group} | ${rb.measure} | - | ${rb.value} | - | ${rb.unit} |`);
	return lines.join('\n');
}
