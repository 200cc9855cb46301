/* tests/list_tokenizer.h - tests of tests/test_tokenizer.c, in running order. */
TEST_DECLARE(tok_llama_spm_vectors)
TEST_DECLARE(tok_mistral_spm_vectors)
TEST_DECLARE(tok_reference_prompts)
TEST_DECLARE(tok_bad_input)
TEST_DECLARE(cli_llm_tokenize)
