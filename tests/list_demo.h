/* tests/list_demo.h - tests of tests/test_demo.c, in running order. */
TEST_DECLARE(demo_refusals)
TEST_DECLARE(demo_cli_refusals)
TEST_DECLARE(demo_small_sqlite)
TEST_DECLARE(demo_small_pg)
TEST_DECLARE(demo_same_seed_same_database)
