/*
 * tests/test_tlog.c - the Merkle tree of the transparency log: proofs made
 * for every leaf and every pair of sizes of small trees verify, and every
 * changed byte, index or size makes them fail; and the public RFC 9162
 * proof vectors (../shared/data/merkle/testdata) give the expected verdict.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tandem/error.h"
#include "tandem/tlog.h"
#include "test.h"

#define LEAVES 40
#define H TANDEM_TLOG_HASH

static void leaves_of(uint8_t leaves[LEAVES * H])
{
	for (int i = 0; i < LEAVES; i++) {
		char entry[32];
		int n = snprintf(entry, sizeof entry, "entry %d", i);

		tandem_tlog_leaf_hash(entry, (size_t)n, leaves + (size_t)i * H);
	}
}

TEST(tlog_hashes)
{
	/* RFC 9162 §2.1.1: the empty tree is the hash of the empty string; a
	 * leaf and a node are told apart by their first byte. */
	static const uint8_t empty[H] = {
		0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f,
		0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b,
		0x78, 0x52, 0xb8, 0x55 };
	static const uint8_t leaf0[H] = { /* SHA-256 of the one byte 0x00 */
		0x6e, 0x34, 0x0b, 0x9c, 0xff, 0xb3, 0x7a, 0x98, 0x9c, 0xa5, 0x44, 0xe6, 0xbb, 0x78,
		0x0a, 0x2c, 0x78, 0x90, 0x1d, 0x3f, 0xb3, 0x37, 0x38, 0x76, 0x85, 0x11, 0xa3, 0x06,
		0x17, 0xaf, 0xa0, 0x1d };
	uint8_t leaves[LEAVES * H];
	tandem_tlog_hash root, node;

	ASSERT_EQ(tandem_tlog_root(NULL, 0, root), 0);
	ASSERT(memcmp(root, empty, H) == 0);
	tandem_tlog_leaf_hash("", 0, root);
	ASSERT(memcmp(root, leaf0, H) == 0);
	leaves_of(leaves);
	ASSERT_EQ(tandem_tlog_root(leaves, 1, root), 0);
	ASSERT(memcmp(root, leaves, H) == 0);
	/* Three leaves: ((0, 1), 2). */
	ASSERT_EQ(tandem_tlog_root(leaves, 3, root), 0);
	tandem_tlog_node_hash(leaves, leaves + H, node);
	tandem_tlog_node_hash(node, leaves + 2 * H, node);
	ASSERT(memcmp(root, node, H) == 0);
}

TEST(tlog_inclusion_proofs)
{
	uint8_t leaves[LEAVES * H], proof[TANDEM_TLOG_PROOF_MAX * H];
	tandem_tlog_hash root;
	size_t len;
	int checked = 0;

	leaves_of(leaves);
	for (uint64_t size = 1; size <= LEAVES; size++) {
		ASSERT_EQ(tandem_tlog_root(leaves, size, root), 0);
		for (uint64_t i = 0; i < size; i++) {
			const uint8_t *leaf = leaves + i * H;

			ASSERT_EQ(tandem_tlog_prove_inclusion(leaves, LEAVES, i, size, proof, &len),
				  0);
			ASSERT_EQ(tandem_tlog_verify_inclusion(i, size, leaf, proof, len, root), 0);
			/* Another index, a shorter proof, or one changed bit: refused. (The
			 * size is not bound by the proof but by the signed tree head
			 * that gives the root with its size.) */
			if (size > 1) {
				uint64_t other = (i ^ 1) < size ? (i ^ 1) : i - 1;

				ASSERT_EQ(tandem_tlog_verify_inclusion(other, size, leaf, proof, len,
								       root), TANDEM_EBADINPUT);
			}
			ASSERT_EQ(tandem_tlog_verify_inclusion(size, size, leaf, proof, len, root),
				  TANDEM_EBADINPUT);
			if (len > 0) {
				proof[len * H - 1] ^= 1;
				ASSERT_EQ(tandem_tlog_verify_inclusion(i, size, leaf, proof, len,
								       root), TANDEM_EBADINPUT);
				proof[len * H - 1] ^= 1;
				ASSERT_EQ(tandem_tlog_verify_inclusion(i, size, leaf, proof, len - 1,
								       root), TANDEM_EBADINPUT);
			}
			checked++;
		}
	}
	ASSERT_EQ(checked, LEAVES * (LEAVES + 1) / 2);
	ASSERT_EQ(tandem_tlog_prove_inclusion(leaves, LEAVES, 5, 5, proof, &len), TANDEM_EINVAL);
	ASSERT_EQ(tandem_tlog_prove_inclusion(leaves, LEAVES, 0, LEAVES + 1, proof, &len),
		  TANDEM_EINVAL);
}

TEST(tlog_consistency_proofs)
{
	uint8_t leaves[LEAVES * H], proof[TANDEM_TLOG_PROOF_MAX * H];
	tandem_tlog_hash r1, r2;
	size_t len;

	leaves_of(leaves);
	for (uint64_t n = 1; n <= LEAVES; n++) {
		ASSERT_EQ(tandem_tlog_root(leaves, n, r2), 0);
		for (uint64_t m = 1; m <= n; m++) {
			ASSERT_EQ(tandem_tlog_root(leaves, m, r1), 0);
			ASSERT_EQ(tandem_tlog_prove_consistency(leaves, LEAVES, m, n, proof, &len),
				  0);
			ASSERT_EQ(tandem_tlog_verify_consistency(m, n, r1, r2, proof, len), 0);
			if (m == n)
				continue;
			ASSERT_EQ(tandem_tlog_verify_consistency(m, n, r2, r1, proof, len),
				  TANDEM_EBADINPUT);
			proof[0] ^= 0x80;
			ASSERT_EQ(tandem_tlog_verify_consistency(m, n, r1, r2, proof, len),
				  TANDEM_EBADINPUT);
			proof[0] ^= 0x80;
		}
	}
	ASSERT_EQ(tandem_tlog_prove_consistency(leaves, LEAVES, 0, 3, proof, &len), TANDEM_EINVAL);
	ASSERT_EQ(tandem_tlog_prove_consistency(leaves, LEAVES, 4, 3, proof, &len), TANDEM_EINVAL);
	ASSERT_EQ(tandem_tlog_verify_consistency(0, 0, r1, r1, proof, 0), TANDEM_EBADINPUT);
}

struct tally {
	int agree, disagree, unsupported;
};

/* Every .json below dir, checked against its wantErr. */
static void walk(const char *dir, struct tally *t)
{
	DIR *dp = opendir(dir);
	struct dirent *e;

	ASSERT(dp != NULL);
	while ((e = readdir(dp)) != NULL) {
		char path[1024], why[200];
		struct stat st;
		size_t len = 0, n = strlen(e->d_name);
		char *text;
		bool accepted = false, want_error;
		int rc;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		ASSERT_EQ(stat(path, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			walk(path, t);
			continue;
		}
		if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		text = test_read_file(path, &len);
		ASSERT(text != NULL);
		want_error = strstr(text, "\"wantErr\": true") != NULL;
		ASSERT(want_error || strstr(text, "\"wantErr\": false") != NULL);
		rc = tandem_tlog_check_probe(text, len, why, sizeof why, &accepted);
		if (rc == TANDEM_EUNSUPPORTED) {
			t->unsupported++;
		} else if (rc == 0 && accepted == !want_error) {
			t->agree++;
		} else {
			printf("  %s: %s, expected %s\n", path, why,
			       want_error ? "a rejection" : "acceptance");
			t->disagree++;
		}
		free(text);
	}
	closedir(dp);
}

TEST(tlog_rfc9162_vectors)
{
	char dir[1024];
	struct tally incl = { 0 }, cons = { 0 }, sub = { 0 };
	struct stat st;

	snprintf(dir, sizeof dir, "%s/merkle/testdata", test_shared_data());
	if (stat(dir, &st) != 0)
		SKIP("no ../shared/data/merkle/testdata (set TANDEM_SHARED_DATA)");
	snprintf(dir, sizeof dir, "%s/merkle/testdata/inclusion", test_shared_data());
	walk(dir, &incl);
	snprintf(dir, sizeof dir, "%s/merkle/testdata/consistency", test_shared_data());
	walk(dir, &cons);
	snprintf(dir, sizeof dir, "%s/merkle/testdata/subtreeinclusion", test_shared_data());
	walk(dir, &sub);
	snprintf(dir, sizeof dir, "%s/merkle/testdata/subtreeconsistency", test_shared_data());
	walk(dir, &sub);
	printf("  RFC 9162 probes: %d of %d inclusion, %d of %d consistency and %d of %d "
	       "subtree probes agree with the vectors\n", incl.agree, incl.agree + incl.disagree,
	       cons.agree, cons.agree + cons.disagree, sub.agree, sub.agree + sub.disagree);
	ASSERT_EQ(incl.disagree + cons.disagree + sub.disagree, 0);
	ASSERT_EQ(incl.unsupported + cons.unsupported + sub.unsupported, 0);
	ASSERT_EQ(incl.agree + cons.agree, 196);
	ASSERT_EQ(sub.agree, 322);
}

TEST(tlog_subtree_proofs)
{
	uint8_t leaves[LEAVES * H], proof[TANDEM_TLOG_PROOF_MAX * H];
	tandem_tlog_hash node, root, empty;
	size_t len;
	int subtrees = 0;

	leaves_of(leaves);
	ASSERT(tandem_tlog_subtree_valid(8, 13));
	ASSERT(tandem_tlog_subtree_valid(4, 4));
	ASSERT(!tandem_tlog_subtree_valid(4, 9));
	ASSERT(!tandem_tlog_subtree_valid(5, 4));
	/* Every subtree of every tree up to LEAVES leaves: its consistency
	 * proof with the tree and the inclusion proof of each of its leaves. */
	for (uint64_t n = 1; n <= LEAVES; n++) {
		ASSERT_EQ(tandem_tlog_root(leaves, n, root), 0);
		for (uint64_t start = 0; start < n; start++) {
			for (uint64_t end = start + 1; end <= n; end++) {
				if (!tandem_tlog_subtree_valid(start, end))
					continue;
				subtrees++;
				ASSERT_EQ(tandem_tlog_root(leaves + start * H, end - start, node), 0);
				ASSERT_EQ(tandem_tlog_prove_subtree_consistency(leaves, LEAVES, start,
										end, n, proof,
										&len), 0);
				ASSERT_EQ(tandem_tlog_verify_subtree_consistency(start, end, n, node,
										 root, proof, len),
					  0);
				ASSERT_EQ(tandem_tlog_verify_subtree_consistency(start, end, n, root,
										 node, proof, len),
					  end - start == n ? 0 : TANDEM_EBADINPUT);
				if (len > 0) {
					proof[0] ^= 4;
					ASSERT_EQ(tandem_tlog_verify_subtree_consistency(
						start, end, n, node, root, proof, len), TANDEM_EBADINPUT);
					proof[0] ^= 4;
				}
				if (n != LEAVES || end == n)
					continue;
				for (uint64_t i = start; i < end; i++) {
					ASSERT_EQ(tandem_tlog_prove_subtree_inclusion(
						leaves, LEAVES, i, start, end, proof, &len), 0);
					ASSERT_EQ(tandem_tlog_verify_subtree_inclusion(
						i, start, end, leaves + i * H, proof, len, node), 0);
					ASSERT_EQ(tandem_tlog_verify_subtree_inclusion(
						i, start, end, leaves + ((i + 1) % LEAVES) * H, proof,
						len, node), TANDEM_EBADINPUT);
				}
			}
		}
	}
	printf("  %d subtree consistency proofs made and verified\n", subtrees);
	ASSERT(subtrees > 300);
	/* [start, start) is empty: an empty proof of the empty hash. */
	ASSERT_EQ(tandem_tlog_root(NULL, 0, empty), 0);
	ASSERT_EQ(tandem_tlog_prove_subtree_consistency(leaves, LEAVES, 8, 8, 9, proof, &len), 0);
	ASSERT_EQ(len, 0);
	ASSERT_EQ(tandem_tlog_verify_subtree_consistency(8, 8, 9, empty, root, proof, 0), 0);
	ASSERT_EQ(tandem_tlog_prove_subtree_consistency(leaves, LEAVES, 4, 9, 10, proof, &len),
		  TANDEM_EINVAL);
	ASSERT_EQ(tandem_tlog_prove_subtree_inclusion(leaves, LEAVES, 3, 4, 8, proof, &len),
		  TANDEM_EINVAL);
}

TEST(tlog_probe_bad_input)
{
	static const char bad_root[] = "{\"leafIdx\": 0, \"treeSize\": 1, \"root\": \"@@\", "
				       "\"leafHash\": \"AA==\", \"proof\": null}";
	char why[200];
	bool accepted = true;

	ASSERT_EQ(tandem_tlog_check_probe("{\"leafIdx\": 0", 13, why, sizeof why, &accepted),
		  TANDEM_EBADINPUT);
	ASSERT(!accepted);
	ASSERT_EQ(tandem_tlog_check_probe("{} x", 4, why, sizeof why, &accepted),
		  TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(why, "text after");
	ASSERT_EQ(tandem_tlog_check_probe("{}", 2, why, sizeof why, &accepted), TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(why, "neither an inclusion");
	ASSERT_EQ(tandem_tlog_check_probe("{\"size1\": 99999999999999999999}", 31, why,
					  sizeof why, &accepted), TANDEM_EBADINPUT);
	/* Not base64, or not 32 bytes: the proof fails, the file is read. */
	ASSERT_EQ(tandem_tlog_check_probe(bad_root, strlen(bad_root), why, sizeof why, &accepted),
		  0);
	ASSERT(!accepted);
}
