/* tests/list_llm_pattern.h - tests of tests/test_llm_pattern.c, in running order. */
TEST_DECLARE(llm_pattern_strings)
TEST_DECLARE(llm_pattern_formats)
TEST_DECLARE(llm_pattern_lengths)
TEST_DECLARE(llm_pattern_refused)
