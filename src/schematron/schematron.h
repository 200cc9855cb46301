/*
 * src/schematron/schematron.h - ISO Schematron rule sets with XPath 2.0
 * (queryBinding "xslt2"), for the rest of the program.
 *
 * The official validation artefacts of EN 16931 (CEN TC 434), XRechnung
 * (KoSIT) and Factur-X are Schematron files. tandem reads them as they are
 * published and runs them with its own evaluator, so a verdict is the one
 * the artefact defines - the same rule ids, flags and messages - without an
 * XSLT processor: sch_load() compiles every context, let, assert and report
 * once; sch_run() validates a parsed document with it.
 *
 * Semantics are those of the ISO skeleton compiled to XSLT 2.0: all patterns
 * are active; every element, attribute and the document node is visited; in
 * each pattern the first rule whose context matches a node fires for it
 * (rules earlier in the pattern win); schema- and pattern-level lets are
 * global variables evaluated on the document node, rule-level lets are
 * evaluated for each node the rule fires on.
 *
 * Supported: <ns>, <let>, <pattern>, <rule>, <assert>, <report>, <include>
 * (of a file, a pattern or a rule), <value-of> and <name> in messages,
 * abstract rules with <extends>. Phases are ignored (all patterns run).
 * Abstract patterns must be instantiated beforehand (the "preprocessed"
 * files of the artefacts are).
 *
 * A compiled rule set is immutable and may be shared by threads; each thread
 * needs its own struct sch_runner.
 */
#ifndef TANDEM_SCHEMATRON_H
#define TANDEM_SCHEMATRON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "tandem/diag.h"

/* Limits on a rule set. */
#define SCH_FILE_MAX      (16u << 20) /* bytes of one .sch file */
#define SCH_INCLUDE_DEPTH 8
#define SCH_RULES_MAX     20000       /* rules and asserts, each */
#define SCH_ARENA_MAX     (256u << 20)

struct sch_schema;

/*
 * Loads and compiles the Schematron file at path. On failure returns
 * TANDEM_EIO (unreadable), TANDEM_EBADINPUT (not Schematron, or an XPath
 * expression tandem cannot compile - err says which, with its line) or
 * TANDEM_ELIMIT, and err (err_size bytes) holds a sentence.
 */
int sch_load(const char *path, struct sch_schema **out, char *err, size_t err_size);
void sch_free(struct sch_schema *s);

/* A 64-bit hash of p[0..n) (not cryptographic: detects change and damage). */
uint64_t sch_hash(const void *p, size_t n, uint64_t seed);

/* What sch_load_cached() did with its cache file. */
struct sch_cache_status {
	bool hit;      /* the rule set was mapped from the cache file */
	bool written;  /* it was compiled, and the cache file written */
	char why[256]; /* when not a hit: why the file was not used; when not
			  written: why not (a sentence) */
	unsigned hashed; /* sources whose content was hashed: their recorded
			    identity was absent or no longer theirs */
};

/*
 * sch_load() through a cache file (sch_cache.c): when cache_path holds the
 * compiled image of path's rule set, written by this same build of tandem
 * from files whose content has not changed, the image is mapped read-only
 * instead of compiling; otherwise the set is compiled and cache_path
 * written (atomically). A cache file that is absent, damaged, stale,
 * foreign or unwritable is never an error: st says what happened. With
 * cache_path NULL this is sch_load().
 */
int sch_load_cached(const char *path, const char *cache_path, struct sch_schema **out,
		    char *err, size_t err_size, struct sch_cache_status *st);

/* Title of the schema and counts, for reports. */
const char *sch_title(const struct sch_schema *s);
size_t sch_assert_count(const struct sch_schema *s);

/* One rule of a schema, for listing and lookup by id. */
struct sch_rule_info {
	const char *id;      /* assert or report id ("" if none) */
	const char *flag;    /* "fatal", "warning", "information" or "" */
	const char *context; /* the rule's context, as written */
	const char *test;    /* the test, as written */
	const char *message; /* the message text, as written (value-of as {...}) */
	const char *pattern; /* id of the pattern */
	long line;           /* line in the .sch file */
	bool report;         /* a <report> (fires when the test is true) */
};

/* The i-th assert or report (0 <= i < sch_assert_count()), in file order. */
void sch_rule_info(const struct sch_schema *s, size_t i, struct sch_rule_info *out);

/* A failed assert or a fired report. */
struct sch_event {
	const char *id;        /* assert id */
	const char *flag;      /* as in the schema */
	const char *message;   /* with value-of and name evaluated */
	xmlNodePtr node;       /* the context node */
	const char *error;     /* non-NULL: the test raised this dynamic error */
};

typedef int (*sch_event_fn)(void *arg, const struct sch_event *ev);

struct sch_runner;

/* A per-thread runner. */
int sch_runner_new(struct sch_runner **out);
void sch_runner_free(struct sch_runner *r);

/*
 * Validates doc with s and calls fn for every failed assert and fired
 * report. When the test of an assert raises a dynamic error (a type error,
 * a bad cast), the assert counts as failed and ev->error says why: a
 * validator must not call an input valid because a rule could not be
 * evaluated. Returns 0, TANDEM_ELIMIT (the document needs more work or
 * memory than the limits allow: the verdict is incomplete) or the first
 * non-zero value returned by fn.
 */
int sch_run(struct sch_runner *r, const struct sch_schema *s, xmlDocPtr doc,
	    sch_event_fn fn, void *arg);

/*
 * sch_run() of another rule set over the document of the runner's last
 * run, which must not have changed or been freed since: the document's
 * numbering and index are reused, not built again (XRechnung's rules run
 * after the CEN rules on the same invoice). Any other doc is run as
 * sch_run() runs it.
 */
int sch_run_next(struct sch_runner *r, const struct sch_schema *s, xmlDocPtr doc,
		 sch_event_fn fn, void *arg);

/* Why the last sch_run stopped with TANDEM_ELIMIT. */
const char *sch_runner_error(const struct sch_runner *r);

/*
 * The asserts and reports of the last run: how many were evaluated, and
 * how many were not because the document lacks a name whose absence keeps
 * them silent (xp_quiet_names() in xp.h).
 */
void sch_runner_counts(const struct sch_runner *r, size_t *evaluated, size_t *quiet);

/*
 * An assert whose value depends only on the string values of its node and
 * of some of the node's attributes (xp_value_inputs() in xp.h) is kept by
 * them, across nodes and documents (sch_value.c): the evaluations so
 * answered since the runner was made. sch_runner_keep_values(r, false)
 * evaluates every one (the tests compare both ways).
 */
size_t sch_runner_values_kept(const struct sch_runner *r);
void sch_runner_keep_values(struct sch_runner *r, bool on);

#endif /* TANDEM_SCHEMATRON_H */
