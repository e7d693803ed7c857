/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Compatibility layer, upstream's <test.h>: EXPECT_EQUAL(a, b) prints one
 * line per check, naming the source line, and clears all_passed when the
 * values differ (both shown in hex).
 */
#ifndef _UPSTREAM_TEST_H
#define _UPSTREAM_TEST_H

#include <inmate.h>

#define EXPECT_EQUAL(a, b)	__evaluate((u64)(a), (u64)(b), __LINE__)

extern bool all_passed;

void __evaluate(u64 a, u64 b, int line);

#endif /* !_UPSTREAM_TEST_H */
