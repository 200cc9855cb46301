/* tests/list_keep.h - tests of tests/test_keep.c, in running order. */
TEST_DECLARE(keep_marks_node_and_document_values)
TEST_DECLARE(keep_verdicts_are_those_of_plain_evaluation)
