/* tests/list_llm_json.h - tests of tests/test_llm_json.c, in running order. */
TEST_DECLARE(llm_json_automaton)
TEST_DECLARE(llm_json_constrained_draws)
