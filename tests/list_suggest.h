/* tests/list_suggest.h - tests of tests/test_suggest.c, in running order. */
TEST_DECLARE(suggest_map_sqlite)
TEST_DECLARE(suggest_map_pg)
TEST_DECLARE(suggest_import_sqlite)
TEST_DECLARE(suggest_import_pg)
TEST_DECLARE(suggest_decide_sqlite)
TEST_DECLARE(suggest_decide_pg)
