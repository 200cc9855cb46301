/* tests/list_cand.h - tests of tests/test_cand.c, in running order. */
TEST_DECLARE(cand_lists_follow_rule_set_and_prefix)
TEST_DECLARE(cand_tables_full_same_verdicts)
TEST_DECLARE(cand_lists_by_parent)
