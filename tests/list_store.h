/* tests/list_store.h - tests of tests/test_store.c, in running order. */
TEST_DECLARE(store_open_create_and_settings)
TEST_DECLARE(store_refuses_foreign_and_corrupt_files)
TEST_DECLARE(store_migrations)
TEST_DECLARE(store_statements_and_constraints)
TEST_DECLARE(store_transactions)
TEST_DECLARE(ledger_schema_v1)
