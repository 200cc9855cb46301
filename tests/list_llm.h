/* tests/list_llm.h - tests of tests/test_llm.c, in running order. */
TEST_DECLARE(llm_stories_f32_reference)
TEST_DECLARE(llm_stories_q8_0_reference)
TEST_DECLARE(llm_synth_tiny_f16_reference)
TEST_DECLARE(llm_synth_tiny_quantized)
TEST_DECLARE(cli_llm_run)
TEST_DECLARE(llm_sampling)
TEST_DECLARE(llm_bad_input)
TEST_DECLARE(llm_quantize_like_llama_cpp)
