/* SPDX-License-Identifier: BSD-2-Clause */
/* A minimal test harness: counts checks, prints failures, exit status. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

extern int checks_run, checks_failed;

#define CHECK(cond, ...) do {						\
	checks_run++;							\
	if (!(cond)) {							\
		checks_failed++;					\
		fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

#endif
