/*
 * src/einvoice/model.h - the EN 16931 binding table and the small path
 * language it is written in, private to src/einvoice/.
 *
 * Every business group and term of EN 16931-1 is one row of
 * model_terms.c, with the member of struct tandem_einv_invoice (or of a
 * group's struct) that holds it, and its place in UBL 2.1 (EN 16931-3-2)
 * and in UN/CEFACT CII (EN 16931-3-3). Readers, the JSON form and the
 * writers all walk the same rows.
 *
 * Paths are a subset of XPath, relative to the node of the enclosing
 * group:
 *   step      := prefix:name pred* | @name | .. | .
 *   pred      := '[' relpath op value ']'        (all predicates must hold)
 *   relpath   := prefix:name ('/' prefix:name)* ('/' @name)? | @name
 *   op        := '=' (some node of relpath has this text)
 *              | '!=' (none has: unlike XPath, true when relpath is empty)
 *   value     := 'literal' | $BT-n (the text of a top-level term already read)
 *   path      := step ('/' step)* ('|' path)*
 * A child step may be written "+prefix:name": for the writers, the step
 * that is repeated for each occurrence of a repeated group or term (by
 * default its last child step); readers ignore the mark.
 * Alternatives separated by '|' are tried in order and their results
 * concatenated. Texts are compared trimmed; the literals 'true' and 'false'
 * also match the xs:boolean forms '1' and '0'. Prefixes: cbc, cac (UBL),
 * rsm, ram, udt, qdt (CII).
 *
 * A group that occurs at most once (BG-2, BG-4, BG-5 ...) is embedded in its
 * parent's struct: its path is a prefix joined to its rows' paths, so its
 * terms are found even when the prefix element is written by a sibling
 * group (".." steps are resolved when paths are joined). A repeated group
 * (BG-1, BG-25 ...) is an array: its path selects one node per occurrence.
 */
#ifndef TANDEM_EINVOICE_MODEL_H
#define TANDEM_EINVOICE_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "tandem/en16931.h"

enum einv_kind {
	EINV_TEXT = 0, /* const char *, leading and trailing white space dropped */
	EINV_PROSE,    /* const char *, as written: its line breaks may mean
			  something (XRechnung's Skonto lines in BT-20) */
	EINV_DATE,     /* const char *, YYYY-MM-DD */
	EINV_NUM,      /* struct tandem_einv_num */
	EINV_ID,       /* struct tandem_einv_id */
	EINV_IDS,      /* struct tandem_einv_ids: every occurrence */
	EINV_BIN,      /* struct tandem_einv_binary */
};

/* Groups, in EN 16931-1 order; EINV_G_INVOICE is the invoice itself. */
enum einv_group_index {
	EINV_G_INVOICE = 0,
	EINV_G_NOTE,            /* BG-1 */
	EINV_G_PROCESS,         /* BG-2 */
	EINV_G_PRECEDING,       /* BG-3 */
	EINV_G_SELLER,          /* BG-4 */
	EINV_G_SELLER_ADDRESS,  /* BG-5 */
	EINV_G_SELLER_CONTACT,  /* BG-6 */
	EINV_G_BUYER,           /* BG-7 */
	EINV_G_BUYER_ADDRESS,   /* BG-8 */
	EINV_G_BUYER_CONTACT,   /* BG-9 */
	EINV_G_PAYEE,           /* BG-10 */
	EINV_G_TAXREP,          /* BG-11 */
	EINV_G_TAXREP_ADDRESS,  /* BG-12 */
	EINV_G_DELIVERY,        /* BG-13 */
	EINV_G_PERIOD,          /* BG-14 */
	EINV_G_DELIVERY_ADDRESS, /* BG-15 */
	EINV_G_PAYMENT,         /* BG-16 */
	EINV_G_TRANSFER,        /* BG-17 */
	EINV_G_CARD,            /* BG-18 */
	EINV_G_DEBIT,           /* BG-19 */
	EINV_G_ALLOWANCE,       /* BG-20 */
	EINV_G_CHARGE,          /* BG-21 */
	EINV_G_TOTALS,          /* BG-22 */
	EINV_G_VAT,             /* BG-23 */
	EINV_G_DOCUMENT,        /* BG-24 */
	EINV_G_LINE,            /* BG-25 */
	EINV_G_LINE_PERIOD,     /* BG-26 */
	EINV_G_LINE_ALLOWANCE,  /* BG-27 */
	EINV_G_LINE_CHARGE,     /* BG-28 */
	EINV_G_PRICE,           /* BG-29 */
	EINV_G_LINE_VAT,        /* BG-30 */
	EINV_G_ITEM,            /* BG-31 */
	EINV_G_ATTRIBUTE,       /* BG-32 */
	EINV_G_COUNT_
};

/* The syntaxes a row has paths for. */
enum einv_binding {
	EINV_B_UBL = 0,   /* UBL Invoice */
	EINV_B_UBL_CN,    /* UBL CreditNote */
	EINV_B_CII,
	EINV_B_COUNT_
};

struct einv_group {
	const char *id;        /* "BG-4"; "" for the invoice */
	const char *name;      /* "SELLER" */
	int parent;            /* enum einv_group_index; -1 for the invoice */
	bool many;             /* repeated: an array in the parent */
	size_t offset;         /* embedded struct, or the array pointer */
	size_t count_offset;   /* many: the size_t count */
	size_t size;           /* many: size of one element */
	const char *ubl;       /* path from the parent; "" = the parent's node */
	const char *ubl_cn;    /* CreditNote path when it differs; NULL */
	const char *cii;
};

struct einv_term {
	const char *id;        /* "BT-27" */
	const char *name;      /* "Seller name" */
	int group;             /* enum einv_group_index */
	enum einv_kind kind;
	size_t offset;         /* in the group's struct */
	const char *ubl;       /* from the group's node; NULL: not in UBL */
	const char *ubl_cn;    /* CreditNote path when it differs; NULL */
	const char *cii;       /* NULL: not in CII */
	const char *ubl_scheme; /* ID/IDS: from the value node; NULL = @schemeID */
	const char *cii_scheme;
	const char *version;   /* IDS: scheme version (BT-158-2) */
};

extern const struct einv_group einv_groups[EINV_G_COUNT_];
extern const struct einv_term einv_terms[];
extern const size_t einv_term_count;

/* A code whose list differs between the syntaxes: the model holds the
 * EN 16931-1 code, the syntax writes the code of its own list. */
struct einv_code_map {
	const char *term;      /* "BT-8" */
	enum einv_binding binding;
	const char *model;     /* "3" (UNTDID 2005) */
	const char *syntax;    /* "5" (UNTDID 2475) */
};
extern const struct einv_code_map einv_code_maps[];
extern const size_t einv_code_map_count;

/* The model's code for a code written in binding b, and back; the value
 * itself when no mapping exists. */
const char *einv_code_to_model(size_t term, enum einv_binding b, const char *v);
const char *einv_code_to_syntax(size_t term, enum einv_binding b, const char *v);

/* A compiled path (model_path.c). */
struct einv_path;

/* Resolved bindings of one syntax: for every group and term, its full path
 * from the nearest repeated ancestor (or the root element). Built once. */
struct einv_bound {
	const struct einv_path *group[EINV_G_COUNT_];
	const struct einv_path **term;         /* einv_term_count entries */
	const struct einv_path **scheme;
	const struct einv_path **version;
	const char **group_text;               /* the joined path, for tools */
	const char **term_text;
};

/* The bindings of a syntax; NULL when out of memory (reported once). */
const struct einv_bound *einv_bound_get(enum einv_binding b);

/* Path evaluation on libxml2 nodes. vars[i] is the text of top-level term
 * i (for $BT-n); results are appended to out (at most max). Returns the
 * number found or -1 when out of memory. */
struct einv_nodes {
	xmlNodePtr *items;
	size_t count;
	size_t cap;
};
long einv_path_eval(const struct einv_path *p, xmlNodePtr ctx,
		    const char *const *vars, size_t max, struct einv_nodes *out);
void einv_nodes_release(struct einv_nodes *n);

/* Writing (model_make.c): a document being written, every namespace of
 * the paths declared on its root, and the top-level texts for $BT-n. */
struct einv_maker {
	xmlDocPtr doc;
	xmlNodePtr root;
	const char *const *vars;
};

/* Makes the node that alternative alt of p selects from ctx (see
 * model_make.c), sets its text - or the attribute the path ends with - to
 * value unless NULL, and gives the element in *out. repeated: the repeat
 * step takes the occurrence-th match. Returns 0, TANDEM_ENOENT when a
 * predicate needs a $BT-n that has no value, TANDEM_EINVAL when a ".."
 * leaves the document, TANDEM_ENOMEM. */
int einv_path_make(const struct einv_maker *m, const struct einv_path *p, size_t alt,
		   xmlNodePtr ctx, bool repeated, size_t occurrence, const char *value,
		   xmlNodePtr *out);
size_t einv_path_alts(const struct einv_path *p);

/* Replaces the text of an element (raw text: nothing is unescaped). */
int einv_node_set_text(xmlNodePtr node, const char *value);

/* Parses and compiles a path into the arena; NULL when it is malformed (a
 * bug in the table: the tests compile every row) or memory ran out; err
 * receives why. */
struct einv_path *einv_path_compile(struct tandem_arena *a, const char *text,
				    char *err, size_t err_size);

/* Joins a prefix and a path into the arena: the prefix is put before each
 * '|' alternative of path, and "name/.." pairs cancel out. NULL when memory
 * ran out. An empty prefix or path leaves the other unchanged. */
char *einv_path_join(struct tandem_arena *a, const char *prefix, const char *path);

#endif /* TANDEM_EINVOICE_MODEL_H */
