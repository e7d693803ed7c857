// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest-side clock for the benchmark suite (bench/suite.mjs), built
 * statically with the cross compiler and copied into the root cell:
 *
 *   jh-clock now
 *       prints "jh-clock now <CLOCK_MONOTONIC ns> <CNTVCT_EL0> <CNTFRQ_EL0>"
 *   jh-clock [-w FILE=TEXT] run CMD [ARG...]
 *       runs CMD (its output passes through), then, with -w, polls FILE
 *       until its first line reads TEXT; prints
 *       "jh-clock elapsed <ns> status <exit status>" on stderr.
 *
 * Under QEMU -icount the monotonic clock is guest time (one instruction,
 * one nanosecond), so what it prints repeats from run to run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static unsigned long long cntfrq(void)
{
	unsigned long long v;

	asm volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static unsigned long long cntvct(void)
{
	unsigned long long v;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

/* 1 when FILE's first line is TEXT. */
static int file_reads(const char *file, const char *text)
{
	char buf[256];
	ssize_t n;
	int fd = open(file, O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return 0;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return strcmp(buf, text) == 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: jh-clock now | jh-clock [-w FILE=TEXT] run CMD [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *wait_file = NULL, *wait_text = NULL;
	unsigned long long t0, t1;
	int i = 1, status;
	pid_t pid;

	if (argc == 2 && !strcmp(argv[1], "now")) {
		printf("jh-clock now %llu %llu %llu\n", now_ns(), cntvct(), cntfrq());
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "-w")) {
		static char spec[512];
		char *eq;

		snprintf(spec, sizeof(spec), "%s", argv[2]);
		eq = strchr(spec, '=');
		if (!eq)
			return usage();
		*eq = 0;
		wait_file = spec;
		wait_text = eq + 1;
		i = 3;
	}
	if (argc < i + 2 || strcmp(argv[i], "run"))
		return usage();

	fflush(stdout);
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[i + 1], &argv[i + 1]);
		perror(argv[i + 1]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	if (wait_file)
		while (!file_reads(wait_file, wait_text))
			sched_yield();
	t1 = now_ns();
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(stderr, "jh-clock elapsed %llu status %d\n", t1 - t0, status);
	return status;
}
