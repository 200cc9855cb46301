/* tests/list_quiet.h - tests of tests/test_quiet.c, in running order. */
TEST_DECLARE(quiet_names_follow_the_evaluation_order)
TEST_DECLARE(quiet_asserts_skipped_without_changing_a_verdict)
