/* tests/list_keep.h - tests of tests/test_keep.c, in running order. */
TEST_DECLARE(keep_marks_node_and_document_values)
TEST_DECLARE(keep_verdicts_are_those_of_plain_evaluation)
TEST_DECLARE(keep_next_rule_set_meets_no_value_of_the_first)
