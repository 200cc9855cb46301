/*
 * src/schematron/sch_value.h - the values of asserts kept by the strings
 * they depend on, for the runner (sch_run.c; the table in sch_value.c).
 */
#ifndef TANDEM_SCH_VALUE_H
#define TANDEM_SCH_VALUE_H

#include "schematron_int.h"

/* What an assert's value is kept by on one node (sch_value_key()). */
struct sch_value_key {
	uint64_t hash;
	size_t len;
	char bytes[448]; /* serial, assert number, each input: present, length, bytes */
};

/* A runner's table of kept values; it lives across documents. */
struct sch_values;

int sch_values_new(struct sch_values **out);
void sch_values_free(struct sch_values *v);

/* Lookups that found a value, since the table was made. */
size_t sch_values_hits(const struct sch_values *v);

/*
 * The key of assert a (number index of the rule set with this serial) on
 * node n: false when its value is not to be kept there (an input's value
 * too long, or out of scratch memory). Uses c's scratch memory and gives
 * it back.
 */
bool sch_value_key(struct xp_ctx *c, uint64_t serial, uint32_t index, const struct sch_assert *a,
		   xmlNodePtr n, struct sch_value_key *k);

/* The effective boolean value kept for k: true and *ok, or false. */
bool sch_value_get(struct sch_values *v, const struct sch_value_key *k, bool *ok);

/* Keeps ok for k (computed without an error). */
void sch_value_put(struct sch_values *v, const struct sch_value_key *k, bool ok);

#endif /* TANDEM_SCH_VALUE_H */
