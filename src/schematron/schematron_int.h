/*
 * src/schematron/schematron_int.h - the compiled form of a Schematron rule
 * set, shared by sch_load.c (which builds it) and sch_run.c (which runs it).
 */
#ifndef TANDEM_SCHEMATRON_INT_H
#define TANDEM_SCHEMATRON_INT_H

#include <time.h>

#include "schematron.h"
#include "xp.h"

enum sch_part_kind { SCH_PART_TEXT, SCH_PART_VALUE, SCH_PART_NAME };

struct sch_part {
	enum sch_part_kind kind;
	const char *text;     /* SCH_PART_TEXT */
	struct xp_expr *expr; /* VALUE, and NAME with a path (else NULL: the context) */
};

#define SCH_QUIET_MAX 3 /* names kept per assert (sch_assert.quiet) */
#define SCH_VALUE_MAX 2 /* inputs of an assert kept by value (sch_assert.value) */

/* A name test's name: its interned local name and number (xp_resolve()). */
struct sch_quiet_name {
	const char *local;
	uint32_t name_id;
};

/*
 * An assert or report. The members the runner reads for every assert come
 * first, in one cache line where the allocation allows; the rest only when
 * it fails.
 */
struct sch_assert {
	struct xp_expr *test;
	bool report;
	/* Names any one of whose absence from a document keeps the assert
	 * silent: it holds (a report does not), whatever the node, without an
	 * error (xp_quiet_names()); the runner then does not evaluate it. */
	uint8_t nquiet;
	struct sch_quiet_name quiet[SCH_QUIET_MAX];
	/* When nvalue > 0, the test's value depends only on the string values
	 * of these, read from the node (xp_value_inputs(): XP_TEST_NODE the
	 * node itself, else an attribute's name test); the runner keeps it by
	 * them (sch_value.c). */
	uint8_t nvalue;
	struct xp_test value[SCH_VALUE_MAX];
	const char *id;
	const char *flag;
	const char *test_text;
	const char *message_text;
	const char *pattern_id;
	const char *context_text;
	struct sch_part *parts;
	size_t nparts;
	long line;
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

/*
 * A compiled rule set is one image: every object lives in one contiguous,
 * read-only mapping, and every pointer it holds points inside that mapping
 * (functions are numbers, not addresses), so the image can be written to a
 * file and mapped again at the same address by a later process
 * (sch_image.c). The record below is the image's root; the members up to
 * `sources` are the handle's own and never come from a file.
 */
struct sch_schema {
	struct tandem_arena arena;   /* fixed, over the image while compiling */
	void *map;                   /* the image's mapping (munmap at sch_free) */
	size_t map_size;             /* bytes mapped */
	size_t image_size;           /* bytes of the image, from map */
	const struct sch_schema *root; /* the image's copy of this record */
	uint64_t serial;             /* unique among the sets of this process, never 0 */
	struct sch_sources *sources; /* the files compiled, malloc'd; NULL in the image */
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

/*
 * The files a rule set was compiled from, with a hash of the bytes read and
 * the file's identity when they were read (device, inode, modification and
 * change times). The identity is recorded only when both times were at least
 * SCH_SOURCE_SETTLED_NS old at the read; otherwise it stays zero and the
 * content is hashed at every use (sch_cache.c).
 */
#define SCH_SOURCES_MAX  64
#define SCH_SOURCE_PATH_MAX 1024
#define SCH_SOURCE_SETTLED_NS 1000000000ll
static inline int64_t sch_ns_of(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000ll + t.tv_nsec;
}
struct sch_source {
	char path[SCH_SOURCE_PATH_MAX];
	uint64_t size;
	uint64_t hash;     /* sch_hash() of the content */
	uint64_t dev, ino; /* all four 0: no identity recorded */
	int64_t mtime_ns, ctime_ns;
};

struct sch_sources {
	struct sch_source v[SCH_SOURCES_MAX];
	size_t n;
	bool overflow; /* more files, or a longer path, than recorded: never cached */
};

/* --- contexts as match patterns (sch_match.c) --- */

/* Whether n passes the node test of pattern step s. */
bool sch_step_test(struct xp_ctx *c, const struct xp_expr *s, xmlNodePtr n);

/* Whether n matches path pattern p: 0 with *ok, or an error of a predicate. */
int sch_match(struct xp_ctx *c, const struct xp_expr *p, xmlNodePtr n, bool *ok);

/* Membership of n in a node set sorted in document order. */
bool sch_in_set(const struct xp_seq *set, xmlNodePtr n);

/* The last step of a path pattern, or NULL. */
const struct xp_expr *sch_last_step(const struct xp_expr *p);

/* --- the image (sch_image.c) --- */

/* Reserves the memory a rule set is compiled into and sets up s->arena over it. */
int sch_image_begin(struct sch_schema *s);

/* A new serial number for a rule set handle (sch_schema.serial). */
uint64_t sch_serial_next(void);

/*
 * How a cached image is put in memory (sch_cache.c): 1 a copy in 2 MiB
 * pages, 0 a mapping of the file, -1 (the default) as the kernel allows.
 * For tests of both ways.
 */
void sch_cache_huge_pages(int mode);

/*
 * Records a file read while compiling: its path and content, and its
 * identity from st, taken as the read started (NULL when unknown).
 */
struct stat;
void sch_image_source(struct sch_schema *s, const char *path, const void *data, size_t n,
		      const struct stat *st);

/* Keeps the values of the subexpressions worth it (xp_keep_prune()). */
void sch_image_prune(struct sch_schema *s, const struct xp_names *t);

/*
 * Ends compilation: copies the root record into the image, gives back the
 * unused part of the reservation and makes the image read-only.
 */
int sch_image_finish(struct sch_schema *s);

/* Unmaps the image and frees the handle's own memory (not s itself). */
void sch_image_release(struct sch_schema *s);

/*
 * Checks an image read from a file (size bytes at base, root its root
 * record) before it is used: 0, or TANDEM_EBADINPUT with *why saying what
 * is wrong (sch_check.c).
 */
int sch_image_check(const void *base, size_t size, const struct sch_schema *root,
		    const char **why);


#endif /* TANDEM_SCHEMATRON_INT_H */
