/* tests/list_cli_log.h - tests of tests/test_cli_log.c, in running order. */
TEST_DECLARE(cli_log_commands)
TEST_DECLARE(cli_log_ledger)
