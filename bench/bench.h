/*
 * bench/bench.h - timing helpers shared by the benchmarks. Benchmarks print
 * figures; they never pass or fail.
 */
#ifndef TANDEM_BENCH_H
#define TANDEM_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline const char *bench_shared_data(void)
{
	const char *p = getenv("TANDEM_SHARED_DATA");
	return p && *p ? p : "../shared/data";
}

/* One result line: name, operations, seconds -> ops/s and ns/op. */
static inline void bench_report(const char *name, double ops, double seconds)
{
	printf("%-44s %12.0f ops/s %9.1f ns/op\n", name, ops / seconds,
	       seconds * 1e9 / ops);
}

/* Keeps the compiler from optimising a result away. */
static volatile long bench_sink;

#endif /* TANDEM_BENCH_H */
