/* tests/list_model.h - tests of tests/test_model.c, in running order. */
TEST_DECLARE(model_valid_corpus_totals)
TEST_DECLARE(model_checks_and_routing_france)
TEST_DECLARE(model_checks_and_routing_germany)
