/*
 * src/schematron/schematron_int.h - the compiled form of a Schematron rule
 * set, shared by sch_load.c (which builds it) and sch_run.c (which runs it).
 */
#ifndef TANDEM_SCHEMATRON_INT_H
#define TANDEM_SCHEMATRON_INT_H

#include "schematron.h"
#include "xp.h"

enum sch_part_kind { SCH_PART_TEXT, SCH_PART_VALUE, SCH_PART_NAME };

struct sch_part {
	enum sch_part_kind kind;
	const char *text;     /* SCH_PART_TEXT */
	struct xp_expr *expr; /* VALUE, and NAME with a path (else NULL: the context) */
};

struct sch_assert {
	const char *id;
	const char *flag;
	const char *test_text;
	const char *message_text;
	const char *pattern_id;
	const char *context_text;
	struct xp_expr *test;
	struct sch_part *parts;
	size_t nparts;
	long line;
	bool report;
};

struct sch_let {
	int slot;
	struct xp_expr *value;
};

/*
 * One alternative of a rule context (a | b | c): a path pattern, matched
 * right to left by sch_run.c. kind and local index the last step.
 */
struct sch_alt {
	const struct xp_expr *path;
	size_t rule;       /* index in the pattern, earlier wins */
	int node_kind;     /* XML_ELEMENT_NODE, XML_ATTRIBUTE_NODE, XML_DOCUMENT_NODE, 0 any */
	const char *local; /* local name of the last step, NULL for a wildcard */
	uint32_t name_id;  /* its number among the interned names (xp_resolve) */
	bool generic;      /* not a plain path pattern, e.g. (/a | /b)[$x]: matched by
			      membership in its value on the document node */
	size_t generic_index;
};

struct sch_rule {
	const char *context_text;
	struct xp_expr *context;
	struct sch_let *lets;
	size_t nlets;
	size_t first_assert;
	size_t nasserts;
	long line;
};

/* Alternatives whose last step has one local name, in rule order. */
struct sch_name_group {
	const char *local;
	uint32_t name_id;
	const struct sch_alt **alts;
	size_t n;
};

struct sch_pattern {
	const char *id;
	struct sch_rule *rules;
	size_t nrules;
	struct sch_alt *alts; /* every alternative of every rule, by rule order */
	size_t nalts;
	struct sch_name_group *groups; /* by local name of the last step */
	size_t ngroups;
	const struct sch_alt **wild;   /* the others (wildcards, generic), in rule order */
	size_t nwild;
};

struct sch_schema {
	struct tandem_arena arena;
	const char *title;
	struct xp_ns *ns;
	struct sch_let *globals;
	size_t nglobals;
	struct sch_pattern *patterns;
	size_t npatterns;
	struct sch_assert *asserts;
	size_t nasserts;
	int nslots;
	const struct xp_expr **generic; /* patterns of the generic alternatives */
	size_t ngeneric;
	struct xp_name_map names;       /* the interned names of the expressions */
};

#endif /* TANDEM_SCHEMATRON_INT_H */
