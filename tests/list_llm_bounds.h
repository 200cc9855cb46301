/* tests/list_llm_bounds.h - tests of tests/test_llm_bounds.c, in running order. */
TEST_DECLARE(llm_integer_bounds)
TEST_DECLARE(llm_number_bounds)
TEST_DECLARE(llm_integer_bounds_refused)
