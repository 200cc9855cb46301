/* tests/list_tlog_log.h - tests of tests/test_tlog_log.c, in running order. */
TEST_DECLARE(tlog_record_encoding)
TEST_DECLARE(tlog_log_append_and_prove)
TEST_DECLARE(tlog_checkpoint_signed)
TEST_DECLARE(tlog_tamper)
TEST_DECLARE(tlog_torn_tail)
TEST_DECLARE(tlog_crash_sigkill)
