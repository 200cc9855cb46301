/* tests/list_tlog.h - tests of tests/test_tlog.c, in running order. */
TEST_DECLARE(tlog_hashes)
TEST_DECLARE(tlog_inclusion_proofs)
TEST_DECLARE(tlog_consistency_proofs)
TEST_DECLARE(tlog_subtree_proofs)
TEST_DECLARE(tlog_rfc9162_vectors)
TEST_DECLARE(tlog_probe_bad_input)
