/* tests/list_chat.h - tests of tests/test_chat.c, in running order. */
TEST_DECLARE(chat_mistral_samples)
TEST_DECLARE(chat_mistral_answers)
TEST_DECLARE(chat_samples_parse_special)
TEST_DECLARE(chat_refusals)
TEST_DECLARE(chat_forms)
TEST_DECLARE(chat_json_refusals)
TEST_DECLARE(cli_llm_chat)
