/* tests/list_tok_bpe.h - tests of tests/test_tok_bpe.c, in running order. */
TEST_DECLARE(tok_bpe_llama3)
TEST_DECLARE(tok_bpe_gpt2)
TEST_DECLARE(chat_llama3_format)
TEST_DECLARE(chat_llama31_tools)
TEST_DECLARE(chat_llama31_builtin)
TEST_DECLARE(chat_llama31_answer)
