/* tests/list_tok_model.h - tests of tests/test_tok_model.c, in running order. */
TEST_DECLARE(tok_model_vectors)
TEST_DECLARE(tok_model_same_as_gguf)
TEST_DECLARE(tok_model_truncated)
TEST_DECLARE(tok_model_damaged)
TEST_DECLARE(tok_model_refusals)
TEST_DECLARE(tok_parse_special)
TEST_DECLARE(tok_user_defined)
