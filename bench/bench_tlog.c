/*
 * bench/bench_tlog.c - the transparency log: appends per second, one by one
 * (each made durable) and in batches of 10,000 (one commit each), then the
 * making and checking of inclusion and consistency proofs from the stored
 * nodes at the sizes reached, and the full verification of the log.
 *
 *   build/bench_tlog [LEAVES [SIZES...]]   default 1000000; e.g. 10000000
 *
 * The log is written under $TANDEM_BENCH_DIR (default /tmp) and removed.
 * Proof figures are taken at each size given (default: 1 M and LEAVES).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "tandem/tlog.h"
#include "tandem/tlog_log.h"
#include "tandem/tlog_record.h"

#define BATCH 10000
#define SINGLES 2000
#define PROOFS 100000
#define H TANDEM_TLOG_HASH

static size_t record_of(uint64_t i, uint8_t *out)
{
	struct tandem_tlog_record r;
	char detail[64];
	size_t len = 0;

	memset(&r, 0, sizeof r);
	r.type = TANDEM_TLOG_PAYMENT_ORDER;
	r.time = 1772618400 + i / 100;
	snprintf(detail, sizeof detail, "payment order %" PRIu64 " of invoice %" PRIu64, i, i * 7);
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_ACTOR, "carl");
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_ORIGIN, "ledger");
	tandem_tlog_record_num(&r, TANDEM_TLOG_F_ORIGIN_ID, i + 1);
	tandem_tlog_record_num(&r, TANDEM_TLOG_F_AMOUNT_CENTS, (i * 7919) % 1000000);
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_DETAIL, detail);
	if (tandem_tlog_record_encode(&r, out, TANDEM_TLOG_RECORD_MAX, &len, NULL, 0) != 0)
		abort();
	return len;
}

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void proofs_at(struct tandem_tlog *log, uint64_t n)
{
	uint8_t proof[TANDEM_TLOG_PROOF_MAX * H];
	tandem_tlog_hash root, leaf;
	uint64_t seed = 0x9e3779b97f4a7c15u, *index = malloc(PROOFS * sizeof *index);
	size_t len = 0, total = 0;
	char name[80];
	double t;

	if (index == NULL || tandem_tlog_root_at(log, n, root) != 0)
		abort();
	for (int i = 0; i < PROOFS; i++)
		index[i] = next_random(&seed) % n;
	t = bench_now_s();
	for (int i = 0; i < PROOFS; i++) {
		if (tandem_tlog_log_inclusion(log, index[i], n, proof, &len) != 0)
			abort();
		total += len;
	}
	snprintf(name, sizeof name, "inclusion proof made at %" PRIu64 " leaves", n);
	bench_report(name, PROOFS, bench_now_s() - t);
	t = bench_now_s();
	for (int i = 0; i < PROOFS; i++) {
		if (tandem_tlog_log_inclusion(log, index[i], n, proof, &len) != 0 ||
		    tandem_tlog_leaf(log, index[i], leaf) != 0 ||
		    tandem_tlog_verify_inclusion(index[i], n, leaf, proof, len, root) != 0)
			abort();
	}
	snprintf(name, sizeof name, "inclusion proof made + verified, %" PRIu64, n);
	bench_report(name, PROOFS, bench_now_s() - t);
	t = bench_now_s();
	for (int i = 0; i < PROOFS; i++)
		if (tandem_tlog_log_consistency(log, index[i] + 1, n, proof, &len) != 0)
			abort();
	snprintf(name, sizeof name, "consistency proof made at %" PRIu64, n);
	bench_report(name, PROOFS, bench_now_s() - t);
	bench_sink += (long)total;
	free(index);
}

int main(int argc, char **argv)
{
	const char *base = getenv("TANDEM_BENCH_DIR");
	uint64_t leaves = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000, at;
	uint8_t rec[512];
	char dir[512], why[TANDEM_TLOG_WHY_MAX], cmd[600];
	struct tandem_tlog *log = NULL;
	uint64_t size = 0, bad = 0;
	double t;

	snprintf(dir, sizeof dir, "%s/tandem-bench-tlog-%d", base != NULL ? base : "/tmp",
		 (int)getpid());
	if (leaves < SINGLES + BATCH || tandem_tlog_create(dir, "bench.example/log", why,
							     sizeof why) != 0 ||
	    tandem_tlog_open(dir, TANDEM_TLOG_WRITE, &log, why, sizeof why) != 0) {
		fprintf(stderr, "bench_tlog: %s\n", why);
		return 1;
	}
	printf("transparency log, %" PRIu64 " records of about %zu bytes, in %s\n", leaves,
	       record_of(leaves, rec), dir);
	t = bench_now_s();
	for (uint64_t i = 0; i < SINGLES; i++)
		if (tandem_tlog_append(log, rec, record_of(i, rec), &at) != 0 ||
		    tandem_tlog_commit(log) != 0)
			abort();
	bench_report("append, each one durable (4 fdatasync)", SINGLES, bench_now_s() - t);
	t = bench_now_s();
	for (uint64_t i = SINGLES; i < leaves; i++) {
		if (tandem_tlog_append(log, rec, record_of(i, rec), &at) != 0)
			abort();
		if ((i + 1) % BATCH == 0 && tandem_tlog_commit(log) != 0)
			abort();
	}
	if (tandem_tlog_commit(log) != 0)
		abort();
	bench_report("append, batches of 10000 (one commit each)", (double)(leaves - SINGLES),
		     bench_now_s() - t);
	for (int a = 2; a < argc; a++)
		proofs_at(log, strtoull(argv[a], NULL, 10));
	if (argc <= 2) {
		if (leaves > 1000000)
			proofs_at(log, 1000000);
		proofs_at(log, leaves);
	}
	tandem_tlog_close(log);
	t = bench_now_s();
	if (tandem_tlog_verify(dir, NULL, 0, NULL, &size, &bad, why, sizeof why) != 0)
		fprintf(stderr, "bench_tlog: verify: %s\n", why);
	bench_report("verify: every record, leaf and node, per record", (double)size,
		     bench_now_s() - t);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
