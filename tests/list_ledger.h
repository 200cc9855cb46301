/* tests/list_ledger.h - tests of tests/test_ledger.c, in running order. */
TEST_DECLARE(ledger_users_and_roles)
TEST_DECLARE(ledger_budget_load_and_report)
TEST_DECLARE(ledger_budget_bad_files)
TEST_DECLARE(ledger_suppliers_and_bank_accounts)
TEST_DECLARE(ledger_commitments_and_ae_control)
