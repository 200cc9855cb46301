/* tests/list_fuzz.h - tests of tests/test_fuzz.c, in running order. */
TEST_DECLARE(fuzz_replay_decimal)
TEST_DECLARE(fuzz_replay_ident)
TEST_DECLARE(fuzz_replay_xml)
TEST_DECLARE(fuzz_replay_pdf)
TEST_DECLARE(fuzz_replay_sepa)
TEST_DECLARE(fuzz_replay_probe)
TEST_DECLARE(fuzz_replay_record)
TEST_DECLARE(fuzz_replay_checkpoint)
