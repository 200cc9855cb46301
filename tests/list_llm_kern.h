/* tests/list_llm_kern.h - tests of tests/test_llm_kern.c, in running order. */
TEST_DECLARE(llm_qgemm_exact)
TEST_DECLARE(llm_fgemm_exact)
TEST_DECLARE(llm_qx_same_on_every_path)
TEST_DECLARE(llm_attend_exact)
