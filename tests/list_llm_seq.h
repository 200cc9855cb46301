/* tests/list_llm_seq.h - tests of tests/test_llm_seq.c, in running order. */
TEST_DECLARE(llm_seq_exact)
TEST_DECLARE(llm_seq_quantized)
TEST_DECLARE(llm_seq_copy)
TEST_DECLARE(llm_seq_context)
