/*
 * tests/sch_helpers.h - helpers of the Schematron runner's tests
 * (tests/test_cand.c, tests/test_keep.c, tests/test_quiet.c,
 * tests/test_value_keep.c).
 */
#ifndef TANDEM_TEST_SCH_HELPERS_H
#define TANDEM_TEST_SCH_HELPERS_H

struct sch_schema;

/* A rule set compiled from text (written to a temporary file for
 * sch_load); fails the test when it does not load. */
struct sch_schema *sch_from_text(const char *text);

#endif /* TANDEM_TEST_SCH_HELPERS_H */
