/* tests/list_write.h - tests of tests/test_write.c, in running order. */
TEST_DECLARE(write_hand_built_cii)
TEST_DECLARE(write_hand_built_ubl)
TEST_DECLARE(write_findings_and_errors)
TEST_DECLARE(write_order_matches_corpus)
TEST_DECLARE(write_corpus_round_trip)
TEST_DECLARE(write_corpus_cross_syntax)
