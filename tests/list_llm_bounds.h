/* tests/list_llm_bounds.h - tests of tests/test_llm_bounds.c, in running order. */
TEST_DECLARE(llm_integer_bounds)
TEST_DECLARE(llm_number_bounds)
TEST_DECLARE(llm_integer_bounds_refused)
TEST_DECLARE(llm_integer_multiple_of)
TEST_DECLARE(llm_number_multiple_of)
TEST_DECLARE(llm_multiple_of_refused)
