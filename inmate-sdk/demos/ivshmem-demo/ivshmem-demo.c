/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ivshmem-demo: a peer on an ivshmem v2 link. It finds its ivshmem device,
 * puts BAR0 at bar= (default 0xff000000), sets its state to its peer id + 1
 * and then answers every ping a peer leaves for it (message protocol in
 * inmate/ivshmem.h, the same as `jailhouse ivshmem ping`): it prints what
 * it received with a running count, writes "pong <text>" with the same
 * sequence number into its own output section and rings the peer back.
 * When a peer's state changes it prints the states of all peers.
 *
 * Parameters (`jailhouse cell load <cell> ivshmem-demo.bin -s "..." -a 0x1000`):
 *   bdf=<n>           the device to use (default: the first ivshmem device)
 *   bar=<addr>        where to put BAR0 (default 0xff000000)
 *   target=<peer>     pinger mode: also ping this peer count= times and
 *                     print the round-trip times (min/median/max)
 *   count=<n>         pings in pinger mode (default 100)
 *   interval-ms=<n>   pause between pings (default 0)
 *   timeout-ms=<n>    wait for each pong at most this long (default 1000)
 *   quiet             do not print a line per message received
 */
#include <inmate.h>

#define MAX_PEERS	32
#define MAX_SAMPLES	1000

static struct ivshmem_dev dev;
static u32 last_seq[MAX_PEERS];
static u32 last_state[MAX_PEERS];
static volatile unsigned long irq_count, received;
static bool quiet;
static u64 rtt[MAX_SAMPLES];

static unsigned int peer_count(void)
{
	return dev.peers < MAX_PEERS ? dev.peers : MAX_PEERS;
}

static void print_states(void)
{
	unsigned int p;

	printk("ivshmem-demo: states:");
	for (p = 0; p < peer_count(); p++)
		printk(" %u=%u", p, last_state[p]);
	printk("\n");
}

static void check_states(void)
{
	bool changed = false;
	unsigned int p;
	u32 s;

	for (p = 0; p < peer_count(); p++) {
		s = ivshmem_peer_state(&dev, p);
		if (s != last_state[p]) {
			last_state[p] = s;
			changed = true;
		}
	}
	if (changed)
		print_states();
}

static void serve_pings(void)
{
	static struct ivshmem_msg msg;
	static char reply[IVSHMEM_MSG_TEXT_MAX + 1];
	unsigned int p;
	u32 len;

	for (p = 0; p < peer_count(); p++) {
		if (p == dev.id)
			continue;
		if (ivshmem_msg_get(ivshmem_msg_slot(ivshmem_output(&dev, p),
						     dev.id), &msg) ||
		    msg.kind != IVSHMEM_MSG_PING || msg.seq == last_seq[p])
			continue;
		last_seq[p] = msg.seq;
		received++;
		len = ivshmem_msg_pong_text(reply, msg.text, msg.len);
		ivshmem_msg_put(ivshmem_msg_slot(ivshmem_output(&dev, dev.id),
						 p),
				msg.seq, dev.id, IVSHMEM_MSG_PONG, reply, len);
		ivshmem_doorbell(&dev, p, 0);
		if (!quiet)
			printk("ivshmem-demo: from peer %u seq %u: \"%s\" "
			       "(received %lu)\n", p, msg.seq, msg.text,
			       received);
	}
}

static void ivshmem_irq(unsigned int irq)
{
	(void)irq;
	irq_count++;
	check_states();
	serve_pings();
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

static void pinger(unsigned int target, unsigned long count,
		   unsigned long interval_ms, unsigned long timeout_ms)
{
	static struct ivshmem_msg msg;
	static char text[IVSHMEM_MSG_TEXT_MAX + 1], want[IVSHMEM_MSG_TEXT_MAX + 1];
	volatile void *out = ivshmem_msg_slot(ivshmem_output(&dev, dev.id),
					      target);
	volatile void *in = ivshmem_msg_slot(ivshmem_output(&dev, target),
					     dev.id);
	unsigned long i, ok = 0, bad = 0, lost = 0, n = 0;
	u64 t0, now, limit = timer_ns_to_ticks(timeout_ms * 1000000ULL);
	u32 seq0 = (u32)timer_get_ticks(), seq, len;

	if (target >= dev.peers || target == dev.id) {
		printk("ivshmem-demo: target=%u: no such other peer (%u peers)\n",
		       target, dev.peers);
		return;
	}
	printk("ivshmem-demo: waiting for peer %u\n", target);
	while (!ivshmem_peer_state(&dev, target)) {
		delay_ms(1);
		comm_heartbeat();
	}
	printk("ivshmem-demo: pinging peer %u %lu times\n", target, count);
	for (i = 0; i < count; i++) {
		seq = seq0 + i;
		len = snprintf(text, sizeof(text), "ping %lu from peer %u",
			       i + 1, dev.id);
		ivshmem_msg_pong_text(want, text, len);
		t0 = timer_get_ticks();
		ivshmem_msg_put(out, seq, dev.id, IVSHMEM_MSG_PING, text, len);
		ivshmem_doorbell(&dev, target, 0);
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
			printk("ivshmem-demo: ping %lu: no pong within %lu ms\n",
			       i + 1, timeout_ms);
		} else if (strcmp(msg.text, want)) {
			bad++;
			printk("ivshmem-demo: ping %lu: wrong pong \"%s\"\n",
			       i + 1, msg.text);
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
	printk("ivshmem-demo: ping peer %u: %lu/%lu pongs, %lu bad, %lu lost",
	       target, ok, count, bad, lost);
	if (n)
		printk(", rtt min %lu median %lu max %lu ns",
		       (unsigned long)rtt[0], (unsigned long)rtt[n / 2],
		       (unsigned long)rtt[n - 1]);
	printk("\n");
}

void inmate_main(void)
{
	unsigned long bar = cmdline_parse_int("bar=", IVSHMEM_DEFAULT_BAR0);
	long long target = cmdline_parse_int("target=", -1);
	long long count = cmdline_parse_int("count=", 100);
	long long interval = cmdline_parse_int("interval-ms=", 0);
	long long timeout = cmdline_parse_int("timeout-ms=", 1000);
	int bdf = cmdline_parse_int("bdf=", 0);
	unsigned int p;

	quiet = cmdline_parse_bool("quiet", false);
	printk("ivshmem-demo: ECAM at 0x%lx\n", (unsigned long)pci_get_ecam());
	if (ivshmem_probe(&dev, bdf) < 0) {
		printk("ivshmem-demo: no ivshmem device\n");
		goto idle;
	}
	printk("ivshmem-demo: device %02x:%02x.%x, protocol 0x%x, state table "
	       "0x%lx (0x%x), R/W section 0x%lx, outputs 0x%lx each, INT%c = "
	       "INTID %u\n", PCI_BDF_BUS(dev.bdf), PCI_BDF_DEV(dev.bdf),
	       PCI_BDF_FN(dev.bdf), dev.protocol,
	       (unsigned long)dev.layout.base, dev.layout.state_size,
	       (unsigned long)dev.layout.rw_size,
	       (unsigned long)dev.layout.out_size,
	       dev.pin >= 1 && dev.pin <= 4 ? 'A' + dev.pin - 1 : '?', dev.irq);
	if (ivshmem_enable(&dev, bar)) {
		printk("ivshmem-demo: BAR0 at 0x%lx does not answer\n", bar);
		goto idle;
	}
	printk("ivshmem-demo: BAR0 at 0x%lx, peer id %u of %u\n", bar, dev.id,
	       dev.peers);

	/* what is already in the peers' slots for us is old */
	for (p = 0; p < peer_count(); p++) {
		struct ivshmem_msg old;

		if (p != dev.id &&
		    !ivshmem_msg_get(ivshmem_msg_slot(ivshmem_output(&dev, p),
						      dev.id), &old))
			last_seq[p] = old.seq;
		last_state[p] = ivshmem_peer_state(&dev, p);
	}
	if (ivshmem_irq_enable(&dev, ivshmem_irq))
		printk("ivshmem-demo: no interrupt (no INTID), polling\n");
	irqs_enable();
	ivshmem_set_state(&dev, dev.id + 1);
	last_state[dev.id] = dev.id + 1;
	print_states();
	printk("ivshmem-demo: ready\n");

	if (target >= 0)
		pinger(target, count > 0 ? count : 1,
		       interval > 0 ? interval : 0,
		       timeout > 0 ? timeout : 1000);
idle:
	for (;;) {
		if (!dev.irq && dev.regs) {
			check_states();
			serve_pings();
			delay_ms(1);
		} else {
			wfi();
		}
		comm_heartbeat();
	}
}
