/*
 * src/einvoice/model_path.h - compiled paths of the binding table, shared
 * by the evaluator (model_path.c) and the maker the writers use
 * (model_make.c). Private to src/einvoice/.
 */
#ifndef TANDEM_EINVOICE_MODEL_PATH_H
#define TANDEM_EINVOICE_MODEL_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#define EINV_PATH_STEPS_MAX 16
#define EINV_PATH_ALTS_MAX 4
#define EINV_PATH_PREDS_MAX 3

enum einv_step_kind { EINV_STEP_CHILD, EINV_STEP_ATTR, EINV_STEP_PARENT, EINV_STEP_SELF };

struct einv_step;

struct einv_pred {
	const struct einv_step *rel; /* child steps, the last may be an attribute */
	size_t n_rel;
	bool negate;            /* != */
	const char *literal;    /* or */
	int var;                /* index of a top-level term, -1 */
};

struct einv_step {
	enum einv_step_kind kind;
	bool repeat;            /* written "+name": the step a writer repeats */
	const xmlChar *ns;      /* CHILD */
	const xmlChar *name;    /* CHILD, ATTR */
	const struct einv_pred *preds;
	size_t n_preds;
};

struct einv_alt {
	const struct einv_step *steps;
	size_t n;
};

struct einv_path {
	struct einv_alt alts[EINV_PATH_ALTS_MAX];
	size_t n_alts;
};

/* The prefixes paths use and their namespaces. */
struct einv_ns {
	const char *prefix;
	const char *uri;
};
extern const struct einv_ns einv_namespaces[];
extern const size_t einv_namespace_count;

/* Is element c a match of child step st, predicates included? */
bool einv_step_matches(const struct einv_step *st, xmlNodePtr c, const char *const *vars);

#endif /* TANDEM_EINVOICE_MODEL_PATH_H */
