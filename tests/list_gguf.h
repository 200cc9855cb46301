/* tests/list_gguf.h - tests of tests/test_gguf.c, in running order. */
TEST_DECLARE(gguf_read_back)
TEST_DECLARE(gguf_every_truncation)
TEST_DECLARE(gguf_damage_refused)
TEST_DECLARE(gguf_shared_models)
TEST_DECLARE(cli_llm_info)
