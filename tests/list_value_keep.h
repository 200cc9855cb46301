/* tests/list_value_keep.h - tests of tests/test_value_keep.c, in running order. */
TEST_DECLARE(value_inputs_only_from_the_node_and_its_attributes)
TEST_DECLARE(value_kept_without_changing_a_verdict)
