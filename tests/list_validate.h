/* tests/list_validate.h - tests of tests/test_validate.c, in running order. */
TEST_DECLARE(validate_cen_reference_verdicts)
TEST_DECLARE(validate_xrechnung_reference_verdicts)
