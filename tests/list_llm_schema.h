/* tests/list_llm_schema.h - tests of tests/test_llm_schema.c and
 * tests/test_llm_schema_gen.c, in running order. */
TEST_DECLARE(llm_schema_refused)
TEST_DECLARE(llm_schema_refused_all)
TEST_DECLARE(llm_schema_instances)
TEST_DECLARE(llm_schema_no_early_close)
TEST_DECLARE(llm_schema_constrained_draws)
TEST_DECLARE(cli_llm_run_schema)
