/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ivshmem-demo: a peer on every ivshmem v2 link of its cell. It finds the
 * cell's ivshmem devices (up to MAX_DEVS), puts their BAR0s one page apart
 * from bar= (default 0xff000000), sets its state on each link to its peer
 * id + 1 and then answers every ping a peer leaves for it (message
 * protocol in inmate/ivshmem.h, the same as `jailhouse ivshmem ping`): it
 * prints what it received with a running count per device, writes
 * "pong <text>" with the same sequence number into its own output section
 * and rings the peer back. When a peer's state changes it prints the
 * states of all peers of that link and how many messages it received on
 * it (so a quiet demo still tells a pinger's count when it leaves). Lines about one device start with
 * "ivshmem-demo BB:DD.F:".
 *
 * Parameters (`jailhouse cell load <cell> ivshmem-demo.bin -s "..." -a 0x1000`):
 *   bdf=<n>           use only this device (default: all of them)
 *   bar=<addr>        where to put the first BAR0 (default 0xff000000)
 *   target=<peer>     pinger mode: also ping this peer count= times on the
 *                     first device and print the round-trip times
 *                     (min/median/max)
 *   count=<n>         pings in pinger mode (default 100)
 *   interval-ms=<n>   pause between pings (default 0)
 *   timeout-ms=<n>    wait for each pong at most this long (default 1000)
 *   quiet             do not print a line per message received
 */
#include <inmate.h>

#define MAX_DEVS	4
#define MAX_PEERS	32
#define MAX_SAMPLES	1000

struct demo_dev {
	struct ivshmem_dev dev;
	u32 last_seq[MAX_PEERS];
	u32 last_state[MAX_PEERS];
	unsigned long received;
	char name[8];		/* "BB:DD.F" */
};

static struct demo_dev devs[MAX_DEVS];
static unsigned int num_devs;
static volatile unsigned long irq_count;
static bool quiet;
static u64 rtt[MAX_SAMPLES];

static unsigned int peer_count(const struct demo_dev *d)
{
	return d->dev.peers < MAX_PEERS ? d->dev.peers : MAX_PEERS;
}

static void print_states(const struct demo_dev *d)
{
	unsigned int p;

	printk("ivshmem-demo %s: states:", d->name);
	for (p = 0; p < peer_count(d); p++)
		printk(" %u=%u", p, d->last_state[p]);
	printk(" (received %lu)\n", d->received);
}

static void check_states(struct demo_dev *d)
{
	bool changed = false;
	unsigned int p;
	u32 s;

	for (p = 0; p < peer_count(d); p++) {
		s = ivshmem_peer_state(&d->dev, p);
		if (s != d->last_state[p]) {
			d->last_state[p] = s;
			changed = true;
		}
	}
	if (changed)
		print_states(d);
}

static void serve_pings(struct demo_dev *d)
{
	static struct ivshmem_msg msg;
	static char reply[IVSHMEM_MSG_TEXT_MAX + 1];
	struct ivshmem_dev *dev = &d->dev;
	unsigned int p;
	u32 len;

	for (p = 0; p < peer_count(d); p++) {
		if (p == dev->id)
			continue;
		if (ivshmem_msg_get(ivshmem_msg_slot(ivshmem_output(dev, p),
						     dev->id), &msg) ||
		    msg.kind != IVSHMEM_MSG_PING || msg.seq == d->last_seq[p])
			continue;
		d->last_seq[p] = msg.seq;
		d->received++;
		len = ivshmem_msg_pong_text(reply, msg.text, msg.len);
		ivshmem_msg_put(ivshmem_msg_slot(ivshmem_output(dev, dev->id),
						 p),
				msg.seq, dev->id, IVSHMEM_MSG_PONG, reply, len);
		ivshmem_doorbell(dev, p, 0);
		if (!quiet)
			printk("ivshmem-demo %s: from peer %u seq %u: \"%s\" "
			       "(received %lu)\n", d->name, p, msg.seq,
			       msg.text, d->received);
	}
}

/* Devices may share an INTID (same pin on two devices): look at all. */
static void ivshmem_irq(unsigned int irq)
{
	unsigned int n;

	irq_count++;
	for (n = 0; n < num_devs; n++) {
		if (devs[n].dev.irq != irq)
			continue;
		check_states(&devs[n]);
		serve_pings(&devs[n]);
	}
}

static void sort(u64 *v, unsigned int n)
{
	unsigned int i, j;
	u64 x;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void pinger(struct demo_dev *d, unsigned int target,
		   unsigned long count, unsigned long interval_ms,
		   unsigned long timeout_ms)
{
	static struct ivshmem_msg msg;
	static char text[IVSHMEM_MSG_TEXT_MAX + 1], want[IVSHMEM_MSG_TEXT_MAX + 1];
	struct ivshmem_dev *dev = &d->dev;
	volatile void *out, *in;
	unsigned long i, ok = 0, bad = 0, lost = 0, n = 0;
	u64 t0, now, limit = timer_ns_to_ticks(timeout_ms * 1000000ULL);
	u32 seq0 = (u32)timer_get_ticks(), seq, len;

	if (target >= dev->peers || target == dev->id) {
		printk("ivshmem-demo %s: target=%u: no such other peer "
		       "(%u peers)\n", d->name, target, dev->peers);
		return;
	}
	out = ivshmem_msg_slot(ivshmem_output(dev, dev->id), target);
	in = ivshmem_msg_slot(ivshmem_output(dev, target), dev->id);
	printk("ivshmem-demo %s: waiting for peer %u\n", d->name, target);
	while (!ivshmem_peer_state(dev, target)) {
		delay_ms(1);
		comm_heartbeat();
	}
	printk("ivshmem-demo %s: pinging peer %u %lu times\n", d->name,
	       target, count);
	for (i = 0; i < count; i++) {
		seq = seq0 + i;
		len = snprintf(text, sizeof(text), "ping %lu from peer %u",
			       i + 1, dev->id);
		ivshmem_msg_pong_text(want, text, len);
		t0 = timer_get_ticks();
		ivshmem_msg_put(out, seq, dev->id, IVSHMEM_MSG_PING, text, len);
		ivshmem_doorbell(dev, target, 0);
		for (;;) {
			now = timer_get_ticks();
			if (!ivshmem_msg_get(in, &msg) && msg.seq == seq &&
			    msg.kind == IVSHMEM_MSG_PONG)
				break;
			if (now - t0 > limit)
				break;
			cpu_relax();
		}
		if (msg.seq != seq || msg.kind != IVSHMEM_MSG_PONG) {
			lost++;
			printk("ivshmem-demo %s: ping %lu: no pong within %lu "
			       "ms\n", d->name, i + 1, timeout_ms);
		} else if (strcmp(msg.text, want)) {
			bad++;
			printk("ivshmem-demo %s: ping %lu: wrong pong \"%s\"\n",
			       d->name, i + 1, msg.text);
		} else {
			ok++;
			if (n < MAX_SAMPLES)
				rtt[n++] = timer_ticks_to_ns(now - t0);
		}
		comm_heartbeat();
		if (interval_ms)
			delay_ms(interval_ms);
	}
	sort(rtt, n);
	printk("ivshmem-demo %s: ping peer %u: %lu/%lu pongs, %lu bad, %lu "
	       "lost", d->name, target, ok, count, bad, lost);
	if (n)
		printk(", rtt min %lu median %lu max %lu ns",
		       (unsigned long)rtt[0], (unsigned long)rtt[n / 2],
		       (unsigned long)rtt[n - 1]);
	printk("\n");
}

/* Probe, enable and announce one device; false if it cannot be used. */
static bool start_device(struct demo_dev *d, uintptr_t bar)
{
	struct ivshmem_dev *dev = &d->dev;
	unsigned int p;

	snprintf(d->name, sizeof(d->name), "%02x:%02x.%x",
		 PCI_BDF_BUS(dev->bdf), PCI_BDF_DEV(dev->bdf),
		 PCI_BDF_FN(dev->bdf));
	printk("ivshmem-demo %s: protocol 0x%x, state table 0x%lx (0x%x), "
	       "R/W section 0x%lx, outputs 0x%lx each, INT%c = INTID %u\n",
	       d->name, dev->protocol, (unsigned long)dev->layout.base,
	       dev->layout.state_size, (unsigned long)dev->layout.rw_size,
	       (unsigned long)dev->layout.out_size,
	       dev->pin >= 1 && dev->pin <= 4 ? 'A' + dev->pin - 1 : '?',
	       dev->irq);
	if (ivshmem_enable(dev, bar)) {
		printk("ivshmem-demo %s: BAR0 at 0x%lx does not answer\n",
		       d->name, (unsigned long)bar);
		return false;
	}
	printk("ivshmem-demo %s: BAR0 at 0x%lx, peer id %u of %u\n", d->name,
	       (unsigned long)bar, dev->id, dev->peers);

	/* what is already in the peers' slots for us is old */
	for (p = 0; p < peer_count(d); p++) {
		struct ivshmem_msg old;

		if (p != dev->id &&
		    !ivshmem_msg_get(ivshmem_msg_slot(ivshmem_output(dev, p),
						      dev->id), &old))
			d->last_seq[p] = old.seq;
		d->last_state[p] = ivshmem_peer_state(dev, p);
	}
	if (ivshmem_irq_enable(dev, ivshmem_irq))
		printk("ivshmem-demo %s: no interrupt (no INTID), polling\n",
		       d->name);
	return true;
}

void inmate_main(void)
{
	unsigned long bar = cmdline_parse_int("bar=", IVSHMEM_DEFAULT_BAR0);
	long long target = cmdline_parse_int("target=", -1);
	long long count = cmdline_parse_int("count=", 100);
	long long interval = cmdline_parse_int("interval-ms=", 0);
	long long timeout = cmdline_parse_int("timeout-ms=", 1000);
	int only = cmdline_parse_int("bdf=", -1);
	int bdf = only >= 0 ? only : 0;
	bool polling = false;
	unsigned int n;

	quiet = cmdline_parse_bool("quiet", false);
	printk("ivshmem-demo: ECAM at 0x%lx\n", (unsigned long)pci_get_ecam());
	while (num_devs < MAX_DEVS &&
	       (bdf = ivshmem_probe(&devs[num_devs].dev, bdf)) >= 0) {
		if (only >= 0 && bdf != only)
			break;
		if (start_device(&devs[num_devs],
				 bar + num_devs * 0x1000UL))
			num_devs++;
		if (only >= 0)
			break;
		bdf++;
	}
	if (!num_devs) {
		printk("ivshmem-demo: no ivshmem device\n");
		goto idle;
	}
	irqs_enable();
	for (n = 0; n < num_devs; n++) {
		struct demo_dev *d = &devs[n];

		ivshmem_set_state(&d->dev, d->dev.id + 1);
		d->last_state[d->dev.id] = d->dev.id + 1;
		print_states(d);
		if (!d->dev.irq)
			polling = true;
	}
	printk("ivshmem-demo: ready (%u device%s)\n", num_devs,
	       num_devs == 1 ? "" : "s");

	if (target >= 0)
		pinger(&devs[0], target, count > 0 ? count : 1,
		       interval > 0 ? interval : 0,
		       timeout > 0 ? timeout : 1000);
idle:
	for (;;) {
		if (polling) {
			for (n = 0; n < num_devs; n++) {
				check_states(&devs[n]);
				serve_pings(&devs[n]);
			}
			delay_ms(1);
		} else {
			wfi();
		}
		comm_heartbeat();
	}
}
