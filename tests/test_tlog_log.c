/*
 * tests/test_tlog_log.c - the stored transparency log: records and their
 * canonical encoding, appends that survive reopening, proofs from the
 * stored nodes equal to those made from the leaves in memory, signed
 * checkpoints, the tamper tests (a changed byte, a deleted record, two
 * swapped, a truncated file, a replaced signature: verify names the first
 * bad index or the checkpoint), a torn tail discarded at open, and a
 * writer killed with SIGKILL in the middle of a stream of appends.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tandem/error.h"
#include "tandem/tlog.h"
#include "tandem/tlog_log.h"
#include "tandem/tlog_record.h"
#include "test.h"

#define H TANDEM_TLOG_HASH
#define WHY 256

/* A fresh directory name (the log directory itself must not exist). */
static void scratch(char dir[64])
{
	char base[] = "/tmp/tandem-tlog-XXXXXX";

	ASSERT(mkdtemp(base) != NULL);
	snprintf(dir, 64, "%s/log", base);
}

static void remove_log(const char *dir)
{
	static const char *const names[] = { "records", "index", "nodes", "head", "key",
					     "key.pub", "checkpoint", "lock", NULL };
	char path[256], parent[64];

	for (int i = 0; names[i] != NULL; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		(void)unlink(path);
	}
	(void)rmdir(dir);
	snprintf(parent, sizeof parent, "%s", dir);
	*strrchr(parent, '/') = '\0';
	(void)rmdir(parent);
}

/* Record i of the tests: a payment order of i cents by "olga". */
static size_t record_of(uint64_t i, uint8_t *out)
{
	struct tandem_tlog_record r;
	char detail[64];
	size_t len = 0;

	memset(&r, 0, sizeof r);
	r.type = TANDEM_TLOG_PAYMENT_ORDER;
	r.time = 1772618400 + i;
	snprintf(detail, sizeof detail, "order %" PRIu64, i);
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_ACTOR, "olga");
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_DETAIL, detail);
	tandem_tlog_record_num(&r, TANDEM_TLOG_F_AMOUNT_CENTS, i);
	tandem_tlog_record_num(&r, TANDEM_TLOG_F_OBJECT_ID, i);
	ASSERT_EQ(tandem_tlog_record_encode(&r, out, TANDEM_TLOG_RECORD_MAX, &len, NULL, 0), 0);
	return len;
}

static void append_n(struct tandem_tlog *log, uint64_t from, uint64_t count)
{
	uint8_t rec[256];

	for (uint64_t i = from; i < from + count; i++) {
		uint64_t at = 0;

		ASSERT_EQ(tandem_tlog_append(log, rec, record_of(i, rec), &at), 0);
		ASSERT_EQ(at, i);
	}
	ASSERT_EQ(tandem_tlog_commit(log), 0);
}

static struct tandem_tlog *open_log(const char *dir, enum tandem_tlog_mode mode)
{
	struct tandem_tlog *log = NULL;
	char why[WHY] = "";
	int rc = tandem_tlog_open(dir, mode, &log, why, sizeof why);

	if (rc != 0)
		FAIL("open %s: %d %s", dir, rc, why);
	return log;
}

TEST(tlog_record_encoding)
{
	struct tandem_tlog_record r, back;
	uint8_t a[512], b[512];
	char json[4096], buf[4096], why[WHY];
	size_t alen, blen;

	alen = record_of(7, a);
	ASSERT_EQ(tandem_tlog_record_decode(a, alen, &r, why, sizeof why), 0);
	ASSERT_EQ(r.type, TANDEM_TLOG_PAYMENT_ORDER);
	ASSERT_EQ(r.num[TANDEM_TLOG_F_AMOUNT_CENTS], 7);
	/* The same content gives the same bytes, through the JSON form too. */
	ASSERT_EQ(tandem_tlog_record_to_json(&r, json, sizeof json), 0);
	ASSERT_STR_CONTAINS(json, "\"type\": \"payment.order\", \"time\": \"2026-03-04T10:00:07Z\"");
	ASSERT_EQ(tandem_tlog_record_from_json(json, strlen(json), 0, &back, buf, sizeof buf, why,
					       sizeof why), 0);
	ASSERT_EQ(tandem_tlog_record_encode(&back, b, sizeof b, &blen, why, sizeof why), 0);
	ASSERT_EQ(blen, alen);
	ASSERT_MEM_EQ(a, b, alen);
	/* Escapes, a negative amount and a hash. */
	static const char in[] = "{\"type\": \"ai.inference\", \"time\": 5, \"model\": "
				 "\"mistral \\u00e9t\\u00e9 \\ud83d\\ude00\", \"amount_cents\": -12, "
				 "\"output_sha256\": \"00112233445566778899aabbccddeeff0011223344556677"
				 "8899aabbccddeeff\", \"detail\": \"a\\nb\"}";
	ASSERT_EQ(tandem_tlog_record_from_json(in, strlen(in), 0, &r, buf, sizeof buf, why,
					       sizeof why), 0);
	ASSERT_EQ((int64_t)r.num[TANDEM_TLOG_F_AMOUNT_CENTS], -12);
	ASSERT_EQ(tandem_tlog_record_encode(&r, a, sizeof a, &alen, why, sizeof why), 0);
	ASSERT_EQ(tandem_tlog_record_decode(a, alen, &back, why, sizeof why), 0);
	ASSERT_EQ(tandem_tlog_record_to_json(&back, json, sizeof json), 0);
	ASSERT_STR_CONTAINS(json, "\"model\": \"mistral été 😀\"");
	ASSERT_STR_CONTAINS(json, "\"detail\": \"a\\u000ab\"");
	/* Non-canonical bytes are refused: a byte more, fields out of order,
	 * an unknown version or type, a cut. */
	a[alen] = 0;
	ASSERT_EQ(tandem_tlog_record_decode(a, alen + 1, &back, why, sizeof why),
		  TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(why, "after the last field");
	ASSERT_EQ(tandem_tlog_record_decode(a, alen - 1, &back, why, sizeof why),
		  TANDEM_EBADINPUT);
	a[0] = 2;
	ASSERT_EQ(tandem_tlog_record_decode(a, alen, &back, why, sizeof why), TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(why, "version");
	a[0] = 1;
	a[2] = 99;
	ASSERT_EQ(tandem_tlog_record_decode(a, alen, &back, why, sizeof why), TANDEM_EBADINPUT);
	a[2] = TANDEM_TLOG_AI_INFERENCE;
	a[12] = 9;      /* the first field's tag after a later one */
	ASSERT_EQ(tandem_tlog_record_decode(a, alen, &back, why, sizeof why), TANDEM_EBADINPUT);
	/* Bad JSON: unknown member, twice the same, a bad hash, no type, a
	 * lone surrogate, a bad time. */
	static const char *const bad[] = {
		"{\"type\": \"statement\", \"colour\": \"red\"}",
		"{\"type\": \"statement\", \"actor\": \"a\", \"actor\": \"b\"}",
		"{\"type\": \"statement\", \"input_sha256\": \"00\"}",
		"{\"actor\": \"a\"}",
		"{\"type\": \"statement\", \"detail\": \"\\ud83d\"}",
		"{\"type\": \"statement\", \"time\": \"2026-02-31T00:00:00Z\"}",
		"{\"type\": \"nope\"}",
		"{\"type\": \"statement\"} x",
		"[1]",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ASSERT_EQ(tandem_tlog_record_from_json(bad[i], strlen(bad[i]), 0, &r, buf,
						       sizeof buf, why, sizeof why),
			  TANDEM_EBADINPUT);
	/* An empty text is absent, not empty; an oversized one is refused. */
	memset(&r, 0, sizeof r);
	r.type = TANDEM_TLOG_STATEMENT;
	r.present = 1u << TANDEM_TLOG_F_ACTOR;
	r.bytes[TANDEM_TLOG_F_ACTOR] = tandem_slice_make("", 0);
	ASSERT_EQ(tandem_tlog_record_encode(&r, a, sizeof a, &alen, why, sizeof why),
		  TANDEM_EBADINPUT);
	/* Oversized: a detail over its 60,000 bytes; and a record that does
	 * not fit the caller's buffer. */
	{
		char *big = malloc(60002);
		uint8_t *out = malloc(TANDEM_TLOG_RECORD_MAX);

		ASSERT(big != NULL && out != NULL);
		memset(big, 'a', 60001);
		big[60001] = '\0';
		memset(&r, 0, sizeof r);
		r.type = TANDEM_TLOG_STATEMENT;
		tandem_tlog_record_text(&r, TANDEM_TLOG_F_DETAIL, big);
		ASSERT_EQ(tandem_tlog_record_encode(&r, out, TANDEM_TLOG_RECORD_MAX, &alen, why,
						    sizeof why), TANDEM_EBADINPUT);
		ASSERT_STR_CONTAINS(why, "detail");
		big[60000] = '\0';
		tandem_tlog_record_text(&r, TANDEM_TLOG_F_DETAIL, big);
		ASSERT_EQ(tandem_tlog_record_encode(&r, out, TANDEM_TLOG_RECORD_MAX, &alen, why,
						    sizeof why), 0);
		ASSERT_EQ(tandem_tlog_record_decode(out, alen, &back, why, sizeof why), 0);
		ASSERT_EQ(tandem_tlog_record_encode(&r, out, 1000, &alen, why, sizeof why),
			  TANDEM_ELIMIT);
		free(big);
		free(out);
	}
}

TEST(tlog_log_append_and_prove)
{
	enum { N = 70 };
	uint8_t leaves[N * H], rec[256], proof[TANDEM_TLOG_PROOF_MAX * H],
		mem[TANDEM_TLOG_PROOF_MAX * H];
	char dir[64], why[WHY];
	tandem_tlog_hash root, r2, leaf;
	struct tandem_tlog *log, *other = NULL;
	size_t len, mlen, rlen;

	scratch(dir);
	ASSERT_EQ(tandem_tlog_create(dir, "test.tandem.example/log", why, sizeof why), 0);
	ASSERT_EQ(tandem_tlog_create(dir, "test.tandem.example/log", why, sizeof why),
		  TANDEM_EEXIST);
	log = open_log(dir, TANDEM_TLOG_WRITE);
	ASSERT_STR_EQ(tandem_tlog_origin(log), "test.tandem.example/log");
	/* One writer at a time. */
	ASSERT_EQ(tandem_tlog_open(dir, TANDEM_TLOG_WRITE, &other, why, sizeof why),
		  TANDEM_EPERM);
	ASSERT_EQ(tandem_tlog_size(log), 0);
	append_n(log, 0, 30);
	/* Appends not committed are forgotten by rollback and by close. */
	ASSERT_EQ(tandem_tlog_append(log, rec, record_of(99, rec), &(uint64_t){ 0 }), 0);
	ASSERT_EQ(tandem_tlog_pending(log), 1);
	tandem_tlog_rollback(log);
	ASSERT_EQ(tandem_tlog_size(log), 30);
	ASSERT_EQ(tandem_tlog_append(log, rec, 5, &(uint64_t){ 0 }), TANDEM_EBADINPUT);
	tandem_tlog_close(log);
	log = open_log(dir, TANDEM_TLOG_WRITE);
	ASSERT_EQ(tandem_tlog_size(log), 30);
	append_n(log, 30, N - 30);
	tandem_tlog_close(log);
	for (uint64_t i = 0; i < N; i++)
		tandem_tlog_leaf_hash(rec, record_of(i, rec), leaves + i * H);
	log = open_log(dir, TANDEM_TLOG_READ);
	ASSERT_EQ(tandem_tlog_size(log), N);
	ASSERT_EQ(tandem_tlog_append(log, rec, record_of(0, rec), &(uint64_t){ 0 }),
		  TANDEM_EPERM);
	ASSERT_EQ(tandem_tlog_read(log, 41, rec, sizeof rec, &rlen), 0);
	{
		uint8_t want[256];

		ASSERT_EQ(rlen, record_of(41, want));
		ASSERT_MEM_EQ(rec, want, rlen);
	}
	for (uint64_t n = 1; n <= N; n++) {
		ASSERT_EQ(tandem_tlog_root(leaves, n, root), 0);
		ASSERT_EQ(tandem_tlog_root_at(log, n, r2), 0);
		ASSERT_MEM_EQ(root, r2, H);
		for (uint64_t i = 0; i < n; i++) {
			ASSERT_EQ(tandem_tlog_log_inclusion(log, i, n, proof, &len), 0);
			ASSERT_EQ(tandem_tlog_prove_inclusion(leaves, N, i, n, mem, &mlen), 0);
			ASSERT_EQ(len, mlen);
			ASSERT_MEM_EQ(proof, mem, len * H);
			ASSERT_EQ(tandem_tlog_leaf(log, i, leaf), 0);
			ASSERT_EQ(tandem_tlog_verify_inclusion(i, n, leaf, proof, len, root), 0);
		}
		for (uint64_t m = 1; m <= n; m++) {
			ASSERT_EQ(tandem_tlog_log_consistency(log, m, n, proof, &len), 0);
			ASSERT_EQ(tandem_tlog_prove_consistency(leaves, N, m, n, mem, &mlen), 0);
			ASSERT_EQ(len, mlen);
			ASSERT_MEM_EQ(proof, mem, len * H);
		}
		for (uint64_t s = 0; s < n; s++)
			for (uint64_t e = s + 1; e <= n; e++) {
				if (!tandem_tlog_subtree_valid(s, e))
					continue;
				ASSERT_EQ(tandem_tlog_log_subtree_consistency(log, s, e, n, proof,
									      &len), 0);
				ASSERT_EQ(tandem_tlog_prove_subtree_consistency(leaves, N, s, e, n,
										mem, &mlen), 0);
				ASSERT_EQ(len, mlen);
				ASSERT_MEM_EQ(proof, mem, len * H);
			}
	}
	ASSERT_EQ(tandem_tlog_log_inclusion(log, N, N + 1, proof, &len), TANDEM_EINVAL);
	ASSERT_EQ(tandem_tlog_read(log, N, rec, sizeof rec, &rlen), TANDEM_ENOENT);
	tandem_tlog_close(log);
	remove_log(dir);
}

/* A log of n records with a checkpoint: its text into cp, the public key
 * into pub. */
static void make_log(char dir[64], uint64_t n, char cp[TANDEM_TLOG_NOTE_MAX], char pub[512])
{
	struct tandem_tlog *log;
	char why[WHY];

	scratch(dir);
	ASSERT_EQ(tandem_tlog_create(dir, "tamper.example/log", why, sizeof why), 0);
	log = open_log(dir, TANDEM_TLOG_WRITE);
	append_n(log, 0, n);
	if (tandem_tlog_checkpoint(log, cp, TANDEM_TLOG_NOTE_MAX, why, sizeof why) != 0)
		FAIL("checkpoint: %s", why);
	tandem_tlog_close(log);
	ASSERT_EQ(tandem_tlog_public_key(dir, pub, 512), 0);
}

static int verify(const char *dir, const char *cp, const char *pub, uint64_t *bad, char *why)
{
	uint64_t size;

	return tandem_tlog_verify(dir, cp, cp != NULL ? strlen(cp) : 0, pub, &size, bad, why,
				  WHY);
}

static char *file_of(const char *dir, const char *name, size_t *len)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return test_read_file(path, len);
}

static void write_file(const char *dir, const char *name, const void *p, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	ASSERT(f != NULL);
	ASSERT_EQ(fwrite(p, 1, len, f), len);
	ASSERT_EQ(fclose(f), 0);
}

TEST(tlog_checkpoint_signed)
{
	char dir[64], cp[TANDEM_TLOG_NOTE_MAX], pub[512], forged[TANDEM_TLOG_NOTE_MAX], why[WHY];
	struct tandem_tlog_checkpoint c;
	char *sig;
	size_t len = 0;
	char *key;
	struct stat st;

	make_log(dir, 10, cp, pub);
	ASSERT_STR_CONTAINS(cp, "tamper.example/log\n10\n");
	ASSERT_STR_CONTAINS(cp, "\n\n\xe2\x80\x94 tamper.example/log ");
	ASSERT_STR_CONTAINS(pub, "tamper.example/log+");
	ASSERT_EQ(tandem_tlog_checkpoint_open(cp, strlen(cp), pub, &c, why, sizeof why), 0);
	ASSERT_EQ(c.size, 10);
	ASSERT_EQ(c.signatures, 1);
	/* The private key is for its owner only. */
	snprintf(forged, sizeof forged, "%s/key", dir);
	ASSERT_EQ(stat(forged, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0600);
	key = file_of(dir, "key", &len);
	ASSERT(key != NULL && strncmp(key, "PRIVATE+KEY+tamper.example/log+", 31) == 0);
	free(key);
	/* A witness's co-signature is counted, not in the way. */
	snprintf(forged, sizeof forged, "%s\xe2\x80\x94 witness.example AAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", cp);
	ASSERT_EQ(tandem_tlog_checkpoint_open(forged, strlen(forged), pub, &c, why, sizeof why),
		  0);
	ASSERT_EQ(c.signatures, 2);
	/* Forged: another size, a changed signature, no signature, garbage. */
	snprintf(forged, sizeof forged, "%s", cp);
	forged[strlen("tamper.example/log\n")] = '9';
	ASSERT_EQ(tandem_tlog_checkpoint_open(forged, strlen(forged), pub, &c, why, sizeof why),
		  TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(why, "does not verify");
	snprintf(forged, sizeof forged, "%s", cp);
	sig = strrchr(forged, ' ') + 10;
	*sig = *sig == 'A' ? 'B' : 'A';
	ASSERT_EQ(tandem_tlog_checkpoint_open(forged, strlen(forged), pub, &c, why, sizeof why),
		  TANDEM_EBADINPUT);
	snprintf(forged, sizeof forged, "%s", cp);
	strstr(forged, "\n\n\xe2")[2] = '\0';
	ASSERT_EQ(tandem_tlog_checkpoint_open(forged, strlen(forged), pub, &c, why, sizeof why),
		  TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(why, "no signature");
	ASSERT_EQ(tandem_tlog_checkpoint_open("x\n1\n", 4, pub, &c, why, sizeof why),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_tlog_checkpoint_open(cp, strlen(cp), "nokey", &c, why, sizeof why),
		  TANDEM_EBADINPUT);
	remove_log(dir);
}

/* Each tamper in turn, on a fresh log of 12 records: verify fails and names
 * the index (or the checkpoint). */
TEST(tlog_tamper)
{
	char dir[64], cp[TANDEM_TLOG_NOTE_MAX], pub[512], why[WHY], forged[TANDEM_TLOG_NOTE_MAX];
	uint64_t bad = 0;
	size_t len = 0, ilen = 0;
	uint8_t *rec, *idx;
	size_t f0;

	make_log(dir, 12, cp, pub);
	ASSERT_EQ(verify(dir, cp, pub, &bad, why), 0);
	rec = (uint8_t *)file_of(dir, "records", &len);
	idx = (uint8_t *)file_of(dir, "index", &ilen);
	ASSERT(rec != NULL && idx != NULL);
	/* Frames are u32 length | bytes | u32 check: every record here has
	 * the same shape but record 10 has a longer detail than record 9. */
	f0 = (size_t)rec[0] << 24 | (size_t)rec[1] << 16 | (size_t)rec[2] << 8 | rec[3];

	/* One changed byte in record 5. */
	rec[(f0 + 8) * 5 + 20] ^= 1;
	write_file(dir, "records", rec, len);
	ASSERT_EQ(verify(dir, cp, pub, &bad, why), TANDEM_EBADINPUT);
	ASSERT_EQ(bad, 5);
	ASSERT_STR_CONTAINS(why, "record 5");
	rec[(f0 + 8) * 5 + 20] ^= 1;
	write_file(dir, "records", rec, len);
	ASSERT_EQ(verify(dir, cp, pub, &bad, why), 0);

	/* Record 3 deleted (its frame cut out). */
	{
		uint8_t *cut = malloc(len);

		memcpy(cut, rec, (f0 + 8) * 3);
		memcpy(cut + (f0 + 8) * 3, rec + (f0 + 8) * 4, len - (f0 + 8) * 4);
		write_file(dir, "records", cut, len - (f0 + 8));
		free(cut);
	}
	ASSERT_EQ(verify(dir, cp, pub, &bad, why), TANDEM_EBADINPUT);
	ASSERT_EQ(bad, 3);
	write_file(dir, "records", rec, len);

	/* Records 1 and 2 swapped (same length: the index still fits). */
	{
		uint8_t *sw = malloc(len);

		memcpy(sw, rec, len);
		memcpy(sw + (f0 + 8), rec + 2 * (f0 + 8), f0 + 8);
		memcpy(sw + 2 * (f0 + 8), rec + (f0 + 8), f0 + 8);
		write_file(dir, "records", sw, len);
		free(sw);
	}
	ASSERT_EQ(verify(dir, cp, pub, &bad, why), TANDEM_EBADINPUT);
	ASSERT_EQ(bad, 1);
	ASSERT_STR_CONTAINS(why, "leaf hash");
	write_file(dir, "records", rec, len);

	/* Truncated: the end of the last record gone. */
	write_file(dir, "records", rec, len - 30);
	ASSERT_EQ(verify(dir, cp, pub, &bad, why), TANDEM_EBADINPUT);
	ASSERT_EQ(bad, 11);
	ASSERT_STR_CONTAINS(why, "truncated");
	/* Opening it for writing refuses too: acknowledged records are gone. */
	ASSERT_EQ(tandem_tlog_open(dir, TANDEM_TLOG_WRITE, &(struct tandem_tlog *){ NULL }, why,
				   sizeof why), TANDEM_EBADINPUT);
	write_file(dir, "records", rec, len);

	/* The index rewritten to hide a deletion: still found, at the index. */
	idx[8 * 4 + 7] ^= 0x10;
	write_file(dir, "index", idx, ilen);
	ASSERT_EQ(verify(dir, cp, pub, &bad, why), TANDEM_EBADINPUT);
	ASSERT_EQ(bad, 4);
	idx[8 * 4 + 7] ^= 0x10;
	write_file(dir, "index", idx, ilen);

	/* The signature replaced by another key's: the checkpoint is refused. */
	snprintf(forged, sizeof forged, "%s", cp);
	{
		char *sig = strrchr(forged, ' ') + 1;

		sig[20] = sig[20] == 'Q' ? 'R' : 'Q';
	}
	ASSERT_EQ(verify(dir, forged, pub, &bad, why), TANDEM_EBADINPUT);
	ASSERT_EQ(bad, UINT64_MAX);
	ASSERT_STR_CONTAINS(why, "checkpoint");
	ASSERT_EQ(verify(dir, cp, pub, &bad, why), 0);
	free(rec);
	free(idx);
	remove_log(dir);
}

/* A tail written but never acknowledged (a crash before the head) is
 * discarded by the next writer, and never counted by the verifier. */
TEST(tlog_torn_tail)
{
	char dir[64], cp[TANDEM_TLOG_NOTE_MAX], pub[512], why[WHY];
	static const uint8_t junk[37] = { 0, 0, 0, 200, 1, 2, 3 };
	struct tandem_tlog *log;
	uint64_t bad;
	size_t len = 0;
	char *rec;
	FILE *f;
	char path[256];

	make_log(dir, 9, cp, pub);
	rec = file_of(dir, "records", &len);
	snprintf(path, sizeof path, "%s/records", dir);
	f = fopen(path, "ab");
	ASSERT(f != NULL);
	ASSERT_EQ(fwrite(junk, 1, sizeof junk, f), sizeof junk);
	ASSERT_EQ(fclose(f), 0);
	ASSERT_EQ(verify(dir, cp, pub, &bad, why), 0);
	log = open_log(dir, TANDEM_TLOG_WRITE);
	ASSERT_EQ(tandem_tlog_discarded(log), sizeof junk);
	ASSERT_EQ(tandem_tlog_size(log), 9);
	append_n(log, 9, 3);
	tandem_tlog_close(log);
	ASSERT_EQ(verify(dir, cp, pub, &bad, why), 0);
	free(rec);
	remove_log(dir);
}

/* A child appends in batches and reports each acknowledged size on a pipe;
 * it is killed with SIGKILL in the middle. Every acknowledged record is
 * there after reopening, and the log verifies against the checkpoint the
 * child signed along the way. */
TEST(tlog_crash_sigkill)
{
	char dir[64], why[WHY], pub[512];
	int fds[2];
	pid_t pid;
	uint64_t acked = 0, got;
	struct tandem_tlog *log;
	uint8_t rec[256], want[256];
	size_t len;
	char *cp;
	size_t cplen = 0;

	scratch(dir);
	ASSERT_EQ(tandem_tlog_create(dir, "crash.example/log", why, sizeof why), 0);
	ASSERT_EQ(pipe(fds), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		char note[TANDEM_TLOG_NOTE_MAX];
		struct tandem_tlog *w = NULL;

		(void)close(fds[0]);
		if (tandem_tlog_open(dir, TANDEM_TLOG_WRITE, &w, why, sizeof why) != 0)
			_exit(3);
		for (uint64_t i = 0;; i++) {
			uint64_t at, size;

			if (tandem_tlog_append(w, rec, record_of(i, rec), &at) != 0)
				_exit(4);
			if (i % 37 != 36)
				continue;
			if (tandem_tlog_commit(w) != 0)
				_exit(5);
			if (i % 370 == 369 &&
			    tandem_tlog_checkpoint(w, note, sizeof note, why, sizeof why) != 0)
				_exit(6);
			size = tandem_tlog_size(w);
			if (write(fds[1], &size, sizeof size) != (ssize_t)sizeof size)
				_exit(7);
		}
	}
	(void)close(fds[1]);
	while (acked < 3000 && read(fds[0], &got, sizeof got) == (ssize_t)sizeof got)
		acked = got;
	ASSERT_EQ(kill(pid, SIGKILL), 0);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	while (read(fds[0], &got, sizeof got) == (ssize_t)sizeof got)
		acked = got;
	(void)close(fds[0]);
	ASSERT_GE(acked, 3000);
	log = open_log(dir, TANDEM_TLOG_WRITE);
	ASSERT_GE(tandem_tlog_size(log), acked);
	for (uint64_t i = 0; i < acked; i += 97) {
		ASSERT_EQ(tandem_tlog_read(log, i, rec, sizeof rec, &len), 0);
		ASSERT_EQ(len, record_of(i, want));
		ASSERT_MEM_EQ(rec, want, len);
	}
	append_n(log, tandem_tlog_size(log), 5);
	tandem_tlog_close(log);
	cp = file_of(dir, "checkpoint", &cplen);
	ASSERT(cp != NULL);
	ASSERT_EQ(tandem_tlog_public_key(dir, pub, sizeof pub), 0);
	ASSERT_EQ(verify(dir, cp, pub, &got, why), 0);
	free(cp);
	remove_log(dir);
}
