/*
 * src/schematron/xp.h - the XPath 2.0 evaluator behind the Schematron runner,
 * private to src/schematron/.
 *
 * It covers the part of XPath 2.0 that validation artefacts use (EN 16931,
 * XRechnung, Factur-X): paths over all axes, predicates, general and value
 * comparisons, arithmetic on xs:integer, xs:decimal and xs:double, for / some
 * / every / if, cast and castable, and the function library in xp_func.c
 * and xp_func_str.c.
 * Documents are untyped, as for an XSLT processor without a schema: element
 * and attribute values atomize to xs:untypedAtomic, which comparisons and
 * arithmetic convert exactly as the specification says (untyped against a
 * number compares as xs:double, against a string as a string).
 *
 * xs:decimal is the core decimal type (38 digits, scale <= 30). A decimal
 * cast from a double keeps the double's exact binary value to 38 significant
 * digits, as Saxon keeps its exact value, so comparisons give the same result.
 *
 * Compiled expressions are immutable and shared between threads; all
 * evaluation state lives in a struct xp_ctx, one per thread.
 */
#ifndef TANDEM_SCHEMATRON_XP_H
#define TANDEM_SCHEMATRON_XP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "tandem/arena.h"
#include "tandem/decimal.h"
#include "tandem/error.h"

/* Limits. */
#define XP_EXPR_LEN_MAX   65536u /* characters of one expression */
#define XP_EXPR_DEPTH_MAX 200         /* nesting of the parser */
#define XP_VARS_MAX       4096        /* variable slots of one rule set */
#define XP_SCRATCH_MAX    (64u << 20) /* bytes of evaluation memory */
#define XP_STEPS_MAX      200000000u  /* work units per document */

enum xp_type {
	XP_NODE,
	XP_UNTYPED,
	XP_STRING,
	XP_BOOLEAN,
	XP_INTEGER, /* dec with scale 0 */
	XP_DECIMAL,
	XP_DOUBLE,
	XP_DATE,
};

struct xp_item {
	enum xp_type type;
	union {
		xmlNodePtr node; /* elements, attributes (cast), text, document */
		struct {
			const char *p; /* not NUL-terminated */
			size_t n;
		} s;
		bool b;
		struct tandem_dec dec;
		double d;
		struct {
			int64_t days;  /* since 1970-01-01, in UTC when tz is set */
			int16_t tz_min;
			bool has_tz;
		} date;
	} v;
};

struct xp_seq {
	struct xp_item *it;
	size_t n;
};

/* Axes. */
enum xp_axis {
	XP_AXIS_CHILD,
	XP_AXIS_ATTRIBUTE,
	XP_AXIS_SELF,
	XP_AXIS_PARENT,
	XP_AXIS_ANCESTOR,
	XP_AXIS_ANCESTOR_OR_SELF,
	XP_AXIS_DESCENDANT,
	XP_AXIS_DESCENDANT_OR_SELF,
	XP_AXIS_PRECEDING,
	XP_AXIS_PRECEDING_SIBLING,
	XP_AXIS_FOLLOWING,
	XP_AXIS_FOLLOWING_SIBLING,
	/* Not in the grammar: a//@x compiles to a/descendant-attribute::x, the
	 * attributes of the node and of its descendants (xp_rewrite.c). */
	XP_AXIS_DESCENDANT_ATTRIBUTE,
};

/* Whether an axis selects attributes (its principal node kind). */
static inline bool xp_axis_attr(enum xp_axis a)
{
	return a == XP_AXIS_ATTRIBUTE || a == XP_AXIS_DESCENDANT_ATTRIBUTE;
}

enum xp_test_kind {
	XP_TEST_NAME,      /* ns:local or local (ns NULL: no namespace) */
	XP_TEST_ANY_NAME,  /* * */
	XP_TEST_NS_ANY,    /* prefix:* */
	XP_TEST_LOCAL_ANY, /* *:local */
	XP_TEST_NODE,      /* node() */
	XP_TEST_TEXT,      /* text() */
	XP_TEST_ELEMENT,   /* element() */
	XP_TEST_ATTRIBUTE, /* attribute() */
	XP_TEST_DOCUMENT,  /* document-node() */
	XP_TEST_COMMENT,   /* comment(): never matches, comments are dropped */
};

struct xp_test {
	const char *ns;    /* namespace URI or NULL */
	const char *local; /* local name or NULL */
	uint16_t name_id;  /* local's number among the interned names (1 ..
			      XP_NAME_IDS_MAX), 0 when not interned */
	uint8_t kind;      /* enum xp_test_kind */
};

enum xp_op {
	XP_OP_LITERAL, /* lit */
	XP_OP_VAR,     /* var */
	XP_OP_CONTEXT, /* . */
	XP_OP_ROOT,    /* / */
	XP_OP_SEQ,     /* a, b, ... */
	XP_OP_OR,
	XP_OP_AND,
	XP_OP_GCMP,    /* = != < <= > >=  (sub: enum xp_cmp) */
	XP_OP_VCMP,    /* eq ne lt le gt ge */
	XP_OP_NCMP,    /* is << >> */
	XP_OP_RANGE,
	XP_OP_ADD,
	XP_OP_SUB,
	XP_OP_MUL,
	XP_OP_DIV,
	XP_OP_IDIV,
	XP_OP_MOD,
	XP_OP_NEG,
	XP_OP_UNION,
	XP_OP_INTERSECT,
	XP_OP_EXCEPT,
	XP_OP_PATH,    /* kids[0] / kids[1] */
	XP_OP_STEP,    /* axis::test[preds] */
	XP_OP_FILTER,  /* kids[0][preds] */
	XP_OP_CALL,
	XP_OP_IF,      /* kids: cond, then, else */
	XP_OP_SOME,    /* kids: in1, ..., satisfies; vars in binds */
	XP_OP_EVERY,
	XP_OP_FOR,     /* kids: in1, ..., return */
	XP_OP_CAST,    /* kids[0] cast as type (sub), optional (flag) */
	XP_OP_CASTABLE,
	XP_OP_INSTANCE,
};

enum xp_cmp { XP_EQ, XP_NE, XP_LT, XP_LE, XP_GT, XP_GE, XP_IS, XP_PRECEDES, XP_FOLLOWS };

struct xp_ctx;
struct xp_focus;
struct xp_expr;
struct xp_lit_index;

typedef int (*xp_fn)(struct xp_ctx *c, const struct xp_focus *f,
		     struct xp_seq *args, size_t nargs, struct xp_seq *out);

/* Functions xp_eval_bool() evaluates without building their result. */
enum xp_fn_kind { XP_FN_OTHER, XP_FN_NOT, XP_FN_BOOLEAN, XP_FN_EXISTS, XP_FN_EMPTY, XP_FN_CONTAINS };

struct xp_func {
	const char *ns;   /* function namespace URI */
	const char *name; /* local name */
	xp_fn fn;
	uint8_t args_min;
	uint8_t args_max;
	uint8_t kind;     /* enum xp_fn_kind */
};

/*
 * A compiled expression: 64 bytes (the rule sets hold some 14,000 of them,
 * read on every validation, and mapped from the rule cache: every byte
 * counts twice), so enumerations are bytes and the members that only one
 * operator uses share a union.
 */
struct xp_expr {
	uint8_t op;             /* enum xp_op */
	uint8_t sub;            /* comparison (enum xp_cmp), cast target type (enum xp_type) */
	uint8_t axis;           /* step: enum xp_axis */
	bool flag;              /* cast: '?' allows the empty sequence */
	bool plain_preds;       /* every predicate is plain */
	bool plain;             /* as a predicate: xp_plain_predicate() (set by the parser) */
	bool keep_doc;          /* kept per document: the value does not depend on the node */
	bool name_memo;         /* as a shared predicate: its value depends only on the
				   node's name (xp_name_only()), memoised by name */
	int16_t var;            /* variable slot */
	uint16_t nkids;
	uint16_t npreds;
	uint16_t fn_id;         /* call: the function, xp_expr_fn() (a number, not a
				   pointer: a compiled rule set holds no address
				   of the program, see sch_image.c) */
	uint16_t memo_id;       /* as a predicate: xp_memo_id(), 0 when not shared */
	uint16_t keep_id;       /* xp_keep_id(): its value is kept per node and document */
	struct xp_test test;    /* step */
	struct xp_expr **kids;  /* the operands, then the predicates (xp_preds()) */
	union {
		struct xp_item *lit;            /* XP_OP_LITERAL: the value (same arena) */
		int *binds;                     /* quantified/for: variable slots, nkids-1 */
		struct xp_lit_index *lit_index; /* contains(long literal, x): its index */
		const struct xp_test *guard;    /* not/exists/empty(path): xp_path_guard() */
	} u;
};

/* The predicates of a step or filter: npreds of them, after the operands. */
static inline struct xp_expr *const *xp_preds(const struct xp_expr *e)
{
	return e->kids + e->nkids;
}

/* A name binding known to the compiler: namespace prefixes and variables. */
struct xp_ns {
	const char *prefix;
	const char *uri;
};

struct xp_scope {
	const char *name; /* variable name, without '$' */
	int slot;
	const struct xp_scope *up;
};

/*
 * Names interned per rule set, so equal names share one pointer and a
 * number (1 .. XP_NAME_IDS_MAX) by which an evaluation context finds the
 * document's form of the name without hashing.
 */
#define XP_NAMES_MAX    16384
#define XP_NAME_IDS_MAX (XP_NAMES_MAX / 2) /* the table is kept half empty */
#define XP_MEMO_IDS_MAX 2048               /* shared predicates of one rule set */
#define XP_KEEP_IDS_MAX 8192               /* kept subexpressions of one rule set */
struct xp_names {
	const char *slot[XP_NAMES_MAX]; /* open addressing; NULL when free */
	uint32_t id[XP_NAMES_MAX];      /* number of the name in slot */
	size_t n;
	/* Plain predicates without variables, by structure (xp_memo_id()). */
	const struct xp_expr *memo[XP_MEMO_IDS_MAX * 2];
	uint64_t memo_hash[XP_MEMO_IDS_MAX * 2];
	uint32_t memo_id[XP_MEMO_IDS_MAX * 2];
	size_t nmemo;
	/* Subexpressions whose value is worth keeping, by structure (xp_keep_id()). */
	const struct xp_expr *keep[XP_KEEP_IDS_MAX * 2];
	uint64_t keep_hash[XP_KEEP_IDS_MAX * 2];
	uint32_t keep_id[XP_KEEP_IDS_MAX * 2];
	uint32_t keep_uses[XP_KEEP_IDS_MAX + 1]; /* by id: occurrences in the rule set */
	size_t nkeep;
};

/*
 * The interned names of a rule set by content, kept after compilation, so
 * that a document's own names can be matched to their numbers
 * (xp_ctx_names_from_doc()).
 */
struct xp_name_map {
	size_t slots;       /* power of two, 0 when empty */
	const char **keys;  /* interned names; NULL when free */
	uint32_t *ids;
};

/* Copies the interned names of t into m, in arena a; 0 or TANDEM_ENOMEM. */
int xp_name_map_build(struct tandem_arena *a, const struct xp_names *t, struct xp_name_map *m);

/* The slot of name p[0..n) in m (m->slots > 0): its key is NULL when absent. */
size_t xp_name_map_find(const struct xp_name_map *m, const char *p, size_t n);

struct xp_compiler {
	struct tandem_arena *arena; /* owns the compiled expressions */
	struct xp_names *names;     /* optional: interns name tests */
	const struct xp_ns *ns;     /* prefix table, terminated by prefix NULL */
	const struct xp_scope *scope;
	int *next_slot;             /* variable slot allocator */
	char err[256];              /* what went wrong and where */
};

/*
 * Compiles an expression. On error returns TANDEM_EBADINPUT (syntax, unknown
 * prefix, function or variable) or TANDEM_ELIMIT with a message in cc->err.
 */
int xp_compile(struct xp_compiler *cc, const char *text, struct xp_expr **out);

/* The focus: context item, position and size. */
struct xp_focus {
	struct xp_item item;
	size_t pos;
	size_t size;
};

/* Per-document caches of name lookups (see xp_axis.c). */
#define XP_NAME_CACHE 1024
struct xp_name_slot {
	const char *key;      /* a compiled local name */
	uint32_t gen;         /* document generation the entry belongs to */
	const xmlChar *ptr;   /* interned name, or NULL: not in the document */
};

struct xp_ns_slot {
	const xmlNs *ns;
	const char *uri;
	bool eq;
};

/* The value of a shared predicate on a node, for one document (gen). */
#define XP_MEMO_SLOTS 16384 /* a cache: a collision replaces the older value */
struct xp_memo_slot {
	const void *node; /* the node, or its name for a name_memo predicate */
	const void *ns;   /* NULL, or the name's namespace for a name_memo predicate */
	uint32_t gen;
	uint32_t id_keep; /* memo id << 1 | value */
};

/*
 * The value of a kept subexpression on a node (or the document), for one
 * document (gen). The items live in the context's keep memory.
 */
#define XP_KEEP_SLOTS_MAX 16384    /* a cache: a collision replaces the older value */
#define XP_KEEP_BYTES_MAX (8u << 20) /* memory for kept values, per document */
struct xp_keep_slot {
	const void *node;
	uint32_t gen;
	uint32_t id;
	struct xp_seq val;
};

struct xp_index;

/* Evaluation state of one thread. */
struct xp_ctx {
	void *map;             /* one mapping holding all the memory below */
	size_t map_size;
	char *scratch;         /* bump allocator, XP_SCRATCH_MAX bytes reserved */
	size_t used;
	struct xp_seq *vars;   /* XP_VARS_MAX slots */
	xmlDocPtr doc;
	xmlDictPtr dict;       /* the document's name dictionary, or NULL */
	uint32_t gen;          /* bumped for each document */
	struct xp_name_slot names[XP_NAME_CACHE];
	struct xp_name_slot *by_id; /* XP_NAME_IDS_MAX + 1 entries, by name number */
	struct xp_memo_slot *memo;  /* XP_MEMO_SLOTS entries: predicate values */
	size_t memo_mask;           /* slots used for this document, minus one */
	struct xp_keep_slot *keep;  /* XP_KEEP_SLOTS_MAX entries: kept values */
	size_t keep_mask;           /* slots used for this document, minus one */
	char *keep_mem;             /* XP_KEEP_BYTES_MAX bytes, reserved */
	size_t keep_ready, memo_ready; /* bytes of the tables faulted in */
	size_t keep_used;           /* bytes of keep_mem used by this document */
	bool names_complete;        /* by_id holds every name of this document */
	struct xp_ns_slot ns_cache[8];
	unsigned ns_next;
	struct xp_index *index; /* elements by name, in scratch memory */
	size_t index_used;      /* scratch bytes below the index's end (xp_ctx_again) */
	uint64_t steps;        /* work done on this document */
	int err;               /* first error, 0 if none */
	char err_code[16];     /* XPath error code, e.g. "XPTY0004" */
	char err_msg[256];
};

int xp_ctx_init(struct xp_ctx *c);
void xp_ctx_release(struct xp_ctx *c);

/*
 * Prepares c for a new document: numbers the nodes of doc in document order
 * (kept in each node's psvi field) and resets the work counter.
 */
void xp_ctx_begin(struct xp_ctx *c, xmlDocPtr doc);

/*
 * Prepares c for another rule set over the document of the last
 * xp_ctx_begin(), which must not have changed since: keeps the numbering
 * and the index, forgets everything else - the values kept and memoised
 * (numbered per rule set), the names looked up, the scratch memory, the
 * work counter and the error.
 */
void xp_ctx_again(struct xp_ctx *c);

/*
 * After xp_ctx_begin(): records the document form of each numbered name of
 * m that some element or attribute of the document has, from the index's
 * list of names; a numbered name not recorded is then known to be absent,
 * without asking libxml2's dictionary. Does nothing without an index.
 */
void xp_ctx_names_from_doc(struct xp_ctx *c, const struct xp_name_map *m);

/*
 * The document's interned form of a compiled name (id: its number, or 0 when
 * it has none), or NULL when no node of the document has that name or the
 * document has no dictionary. Looked up once per document.
 */
const xmlChar *xp_resolve(struct xp_ctx *c, const char *local, uint32_t id);

/*
 * Whether node n passes a node test (attr_axis: the principal node kind is
 * attribute). Names compare by interned pointer when the document has a
 * dictionary.
 */
bool xp_test_node(struct xp_ctx *c, xmlNodePtr n, const struct xp_test *t, bool attr_axis);

/* Scratch memory; xp_mark / xp_reset free everything allocated since.
 * xp_ctx_begin() keeps its per-document index below the first mark. */
void *xp_alloc(struct xp_ctx *c, size_t n);
static inline size_t xp_mark(const struct xp_ctx *c) { return c->used; }
static inline void xp_reset(struct xp_ctx *c, size_t mark) { c->used = mark; }

/*
 * Evaluates e with focus f into out (scratch memory). Returns 0, or a
 * negative error with c->err_code and c->err_msg set: a dynamic error of
 * the expression (TANDEM_EBADINPUT) or a limit (TANDEM_ELIMIT).
 */
int xp_eval(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
	    struct xp_seq *out);

/* xp_eval() without looking e up among the kept values (xp_keep.c). */
int xp_eval_op(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
	       struct xp_seq *out);

/* Effective boolean value of e. */
int xp_eval_bool(struct xp_ctx *c, const struct xp_expr *e,
		 const struct xp_focus *f, bool *out);

/*
 * Whether predicate pe keeps item it at position pos of size items: a
 * number keeps the item at that position, anything else by its effective
 * boolean value. Shared predicates are evaluated once per node and document.
 */
int xp_pred_keep(struct xp_ctx *c, const struct xp_expr *pe, const struct xp_item *it,
		 size_t pos, size_t size, bool *keep);

/*
 * Forgets a dynamic error (TANDEM_EBADINPUT) after an operation whose
 * failure only means "no" (castable, number(), equality in
 * distinct-values); limits and memory failures stay.
 */
static inline void xp_forgive(struct xp_ctx *c)
{
	if (c->err == TANDEM_EBADINPUT)
		c->err = 0;
}

/* Records a dynamic error and returns TANDEM_EBADINPUT. */
int xp_error(struct xp_ctx *c, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* --- rewrites (xp_rewrite.c) --- */

/*
 * A predicate whose value is always a boolean or a node sequence, never a
 * number, and that does not read the position or size: it keeps an item
 * exactly when its effective boolean value is true, whatever the axis it
 * follows and whichever items come before.
 */
bool xp_plain_predicate(const struct xp_expr *e);

/*
 * A number for a plain predicate that refers to no variable, the same for
 * every predicate of the rule set with the same structure (1 ..
 * XP_MEMO_IDS_MAX), or 0. Such a predicate's value depends only on the node
 * it is evaluated on, so an evaluation context keeps it per document
 * (xp_pred_keep()): the rules of EN 16931 test the same predicates on the
 * same nodes dozens of times.
 */
uint32_t xp_memo_id(struct xp_names *t, const struct xp_expr *e);

/*
 * Whether the value of e on a node depends only on the node's name:
 * literals, name(), local-name() and namespace-uri() of the context, and
 * string and boolean functions and comparisons of those.
 */
bool xp_name_only(const struct xp_expr *e);

/*
 * A number for a subexpression whose value is worth keeping, the same for
 * every subexpression of the rule set with the same structure (1 ..
 * XP_KEEP_IDS_MAX), or 0; counts its uses. Such an expression refers to no
 * variable and does not read the position or size, so its value depends
 * only on the context node - or, for a path from the root (keep_doc), only
 * on the document - and is not trivial to compute (a predicate, a
 * descendant or other long axis, a function call or a cast). The
 * evaluation context keeps its value per node and document: the rules
 * compute normalize-space(cbc:ID) or //cac:TaxCategory[...] dozens of
 * times per invoice. Called by the compiler on every node of a tree.
 */
void xp_keep_mark(struct xp_names *t, struct xp_expr *e);

/*
 * After a rule set is compiled: forgets the number of an expression used
 * only once in the rule set, unless kept per document (only repeated or
 * document-wide values gain from being kept).
 */
void xp_keep_prune(const struct xp_names *t, struct xp_expr *e);

/*
 * For the argument p of not(), exists() or empty(): the name test of the
 * last step of p when p is empty as soon as no node of the document has
 * that name, and its evaluation on a node cannot raise an error (steps
 * without predicates, unions, / and . on the way); else NULL. The UBL rules
 * ask not(cac:X/cac:Y/cbc:Z) some 400 times per invoice, for names most
 * invoices do not use.
 */
const struct xp_test *xp_path_guard(const struct xp_expr *p);

/*
 * Name tests any one of whose absence from a document makes the effective
 * boolean value of e equal to value, with no error raised on the way, on
 * whatever node e is evaluated (xp_quiet.c): at most max of them, into
 * out. "not(cac:X) or ..." has cac:X for true; so has "every $v in cac:X
 * satisfies ...". Names of operands the evaluator reaches only after one
 * that may raise an error are left out.
 */
size_t xp_quiet_names(const struct xp_expr *e, bool value, const struct xp_test **out,
		      size_t max);

/*
 * Whether the value of e, evaluated with a node as focus, depends only on
 * the string value of that node and on the presence and string values of
 * some of its attributes (xp_inputs.c): their number (1 to max), each into
 * out - kind XP_TEST_NODE for the node itself, else the attribute's name
 * test - or 0 when it depends on anything else, or on none of them.
 */
size_t xp_value_inputs(const struct xp_expr *e, struct xp_test *out, size_t max);

/* Whether b is a child or attribute step, or a union of them, that
 * descendant:: or descendant-attribute:: can replace after '//' (its
 * predicates do not depend on position). */
bool xp_can_descend(const struct xp_expr *b);

/* Turns the child steps of b into descendant steps, and its attribute
 * steps into descendant-attribute steps. */
void xp_descend(struct xp_expr *b);

/* --- shared by xp_eval.c and xp_axis.c --- */

/*
 * Checks the work counter: TANDEM_ELIMIT (recorded in c) once a document
 * has needed more than XP_STEPS_MAX steps, else 0.
 */
int xp_limit_steps(struct xp_ctx *c);

/* A growable sequence in scratch memory; {0} is empty. */
struct xp_vec {
	struct xp_item *it;
	size_t n;
	size_t cap;
};

/* Doubles the capacity of v (at least 8 items), copying what it holds. */
int xp_vec_grow(struct xp_ctx *c, struct xp_vec *v);

static inline int xp_vec_push(struct xp_ctx *c, struct xp_vec *v, const struct xp_item *it)
{
	int rc = v->n == v->cap ? xp_vec_grow(c, v) : 0;
	if (rc)
		return rc;
	v->it[v->n++] = *it;
	return 0;
}

/* Appends a node; one step of work. */
static inline int xp_vec_push_node(struct xp_ctx *c, struct xp_vec *v, xmlNodePtr n)
{
	struct xp_item it = {.type = XP_NODE, .v.node = n};
	c->steps++;
	return xp_vec_push(c, v, &it);
}

/*
 * Appends to v the nodes of one axis from n that pass test t, in axis order;
 * *reverse is set for the reverse axes, whose order is reverse document
 * order (xp_axis.c).
 */
int xp_axis_nodes(struct xp_ctx *c, xmlNodePtr n, enum xp_axis axis,
		  const struct xp_test *t, struct xp_vec *v, bool *reverse);

/* --- values (xp_value.c; comparisons and arithmetic in xp_compare.c) --- */

/* Document-order key of a node (0 for the document node). */
static inline uintptr_t xp_node_order(xmlNodePtr n)
{
	if (n->type == XML_ATTRIBUTE_NODE)
		return (uintptr_t)((xmlAttrPtr)n)->psvi;
	if (n->type == XML_DOCUMENT_NODE)
		return 0;
	return (uintptr_t)n->psvi;
}

/* String value of a node, without copying when it is one text node. */
int xp_node_string(struct xp_ctx *c, xmlNodePtr n, const char **p, size_t *len);

/* Atomizes seq: nodes become xs:untypedAtomic, in a copy when there are any. */
int xp_atomize(struct xp_ctx *c, struct xp_seq *seq);

/* String value of an item (xs:string cast), into scratch memory. */
int xp_item_string(struct xp_ctx *c, const struct xp_item *it, const char **p,
		   size_t *len);

/* Casts an atomic item to type (XP_STRING ... XP_DATE). */
int xp_cast(struct xp_ctx *c, const struct xp_item *in, enum xp_type type,
	    struct xp_item *out);

/* Whether an atomic item can be cast to type. */
bool xp_castable(struct xp_ctx *c, const struct xp_item *in, enum xp_type type);

/* Value comparison of two atomic items (after untyped conversion). */
int xp_compare(struct xp_ctx *c, const struct xp_item *a, enum xp_cmp op,
	       const struct xp_item *b, bool *out);

/* General comparison of two atomized sequences. */
int xp_general_compare(struct xp_ctx *c, const struct xp_seq *a, enum xp_cmp op,
		       const struct xp_seq *b, bool *out);

/* Arithmetic on two atomic numeric items: XP_OP_ADD ... XP_OP_MOD. */
int xp_arith(struct xp_ctx *c, enum xp_op op, const struct xp_item *a,
	     const struct xp_item *b, struct xp_item *out);

bool xp_is_numeric(enum xp_type t);

/* Numeric value of a numeric item as a double. */
double xp_to_double(const struct xp_item *it);

/* Decimal value of a finite double: its exact binary value, 38 digits. */
int xp_double_to_dec(struct xp_ctx *c, double d, struct tandem_dec *out);

/* Effective boolean value of a sequence. */
int xp_ebv(struct xp_ctx *c, const struct xp_seq *seq, bool *out);

/* Sorts a node sequence in document order and removes duplicates. */
void xp_sort_nodes(struct xp_seq *seq);

/* Name of a type, for messages ("xs:decimal"). */
const char *xp_type_name(enum xp_type t);

/* Singleton sequences in scratch memory. */
int xp_seq_one(struct xp_ctx *c, const struct xp_item *it, struct xp_seq *out);
int xp_seq_bool(struct xp_ctx *c, bool b, struct xp_seq *out);
int xp_seq_string(struct xp_ctx *c, const char *p, size_t n, struct xp_seq *out);

/* --- functions (xp_func.c, xp_func_str.c) --- */

#define XP_NS_FN "http://www.w3.org/2005/xpath-functions"
#define XP_NS_XS "http://www.w3.org/2001/XMLSchema"

/* The number of a function (1 .. xp_funcs_count()), or 0 when unknown. */
unsigned xp_func_find(const char *ns, const char *name, size_t nargs);

/* The function tables: xp_func.c's, then xp_func_str.c's. */
extern const struct xp_func xp_funcs_main[];
extern const size_t xp_funcs_main_count;
static inline size_t xp_funcs_count(void);

/* The function of an XP_OP_CALL expression (fn_id is valid: 1 .. xp_funcs_count()). */
static inline const struct xp_func *xp_expr_fn(const struct xp_expr *e);

/*
 * Indexes the trigrams of p[0..n) (a string literal of the expression tree,
 * which must outlive the index) in arena a; *out stays NULL when n < 3.
 */
#define XP_LIT_INDEX_MIN 64 /* shorter literals are searched directly */
int xp_lit_index_build(struct tandem_arena *a, const char *p, size_t n,
		       struct xp_lit_index **out);

/*
 * Whether an index read from an untrusted image is safe to search: in(arg,
 * p, count, size, align) says whether count objects of size bytes at p lie
 * inside the image; every position is checked and chains only go forward.
 */
bool xp_lit_index_check(const struct xp_lit_index *ix,
			bool (*in)(const void *arg, const void *p, size_t count, size_t size,
				   size_t align),
			const void *arg);

/* contains(literal, arg) through the literal's index. */
int xp_contains_indexed(struct xp_ctx *c, const struct xp_lit_index *ix, struct xp_seq *arg,
			bool *out);

/* The string and regex functions (xp_func_str.c). */
extern const struct xp_func xp_funcs_string[];
extern const size_t xp_funcs_string_count;

static inline size_t xp_funcs_count(void)
{
	return xp_funcs_main_count + xp_funcs_string_count;
}

static inline const struct xp_func *xp_expr_fn(const struct xp_expr *e)
{
	size_t i = (size_t)e->fn_id - 1;
	return i < xp_funcs_main_count ? &xp_funcs_main[i] : &xp_funcs_string[i - xp_funcs_main_count];
}

/*
 * Atomizes a function argument that must hold at most one item: *it is that
 * item, or NULL for the empty sequence; fn names the function in the error.
 */
int xp_arg_atomic(struct xp_ctx *c, struct xp_seq *arg, const char *fn, struct xp_item **it);

/*
 * A numeric argument of at most one item (untyped is cast to xs:double):
 * *none when it is the empty sequence.
 */
int xp_arg_numeric(struct xp_ctx *c, struct xp_seq *arg, const char *fn, struct xp_item *x,
		   bool *none);

/* The context item as a one-item sequence, for the zero-argument forms. */
int xp_arg_context(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *arg);

/* --- regular expressions (xp_regex.c) --- */

/* matches($s, $pattern, $flags): XSD/XPath regex semantics over PCRE2. */
int xp_regex_match(struct xp_ctx *c, const char *s, size_t n, const char *pat,
		   size_t pat_len, const char *flags, size_t flags_len, bool *out);

/* First match at or after byte from: *found, and its [start, end) bytes. */
int xp_regex_find(struct xp_ctx *c, const char *s, size_t n, size_t from, const char *pat,
		  size_t pat_len, const char *flags, size_t flags_len, bool *found, size_t *start,
		  size_t *end);

/* replace($s, $pattern, $replacement, $flags) into scratch memory. */
int xp_regex_replace(struct xp_ctx *c, const char *s, size_t n, const char *pat, size_t pat_len,
		     const char *rep, size_t rep_len, const char *flags, size_t flags_len,
		     const char **out, size_t *out_len);

/* Releases the per-thread compiled-pattern cache. */
void xp_regex_release(void);

#endif /* TANDEM_SCHEMATRON_XP_H */
