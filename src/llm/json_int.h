/*
 * src/llm/json_int.h - private to the JSON constraint (json_gram.c,
 * json_schema.c, json_sgram.c): a JSON Schema compiled into a table of
 * nodes, and the automaton that reads a JSON text a byte at a time and
 * says whether it can still become an instance of the schema.
 */
#ifndef TANDEM_LLM_JSON_INT_H
#define TANDEM_LLM_JSON_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/arena.h"
#include "tandem/buf.h"
#include "tandem/llm.h"

#define JS_DEPTH_MAX 32        /* arrays and objects of an instance inside each other */
#define JS_WS_MAX 4            /* whitespace bytes in a row: no endless padding */
#define JS_NUMBER_BYTES_MAX 32 /* bytes of a number the automaton writes */
#define JS_EXTRA_KEYS_MAX 8    /* keys of one object that the schema does not name */
#define JS_BOUND_DIGITS_MAX 18 /* digits of a bounded integer, and of its bounds */
#define JS_BOUND_FRAC_MAX 12   /* digits after the point of a bounded number */
#define JS_BOUND_SCALE 1000000000000LL /* 10^JS_BOUND_FRAC_MAX */

/* A bounded number in units of 10^-JS_BOUND_FRAC_MAX. */
__extension__ typedef __int128 js_wide;

/* Kinds of JSON value (the schema's "type"), bits of js_node.types. */
enum {
	JS_T_OBJECT = 1, JS_T_ARRAY = 2, JS_T_STRING = 4, JS_T_INTEGER = 8, JS_T_NUMBER = 16,
	JS_T_BOOLEAN = 32, JS_T_NULL = 64,
};

/* What the first byte of a value says it is, bits of js_node.classes. */
enum {
	JS_C_OBJECT = 1, JS_C_ARRAY = 2, JS_C_STRING = 4, JS_C_NUMBER = 8, JS_C_TRUE = 16,
	JS_C_FALSE = 32, JS_C_NULL = 64,
};

enum js_kind {
	JS_VALUE,   /* types and their keywords */
	JS_ANYOF,   /* alternatives whose first bytes differ (anyOf, or oneOf) */
	JS_REF,     /* stands for target; gone once the schema is compiled */
};

#define JS_MD_NONE 255      /* js_node.md: no instance fits in JS_DEPTH_MAX */
#define JS_LEN_NONE UINT32_MAX

/* Nodes 0 and 1 of every schema: any value, and none. */
#define JS_NODE_ANY 0
#define JS_NODE_NEVER 1
/* Literals 0, 1, 2 of every schema: true, false, null. */
#define JS_LIT_WORDS 0

struct js_node {
	uint8_t kind;          /* enum js_kind */
	uint8_t types;         /* JS_T_* */
	uint8_t classes;       /* JS_C_*: the first bytes an instance may have */
	uint8_t md;            /* containers an instance needs inside it at least; JS_MD_NONE */
	uint8_t md_obj, md_arr;   /* the same for an object, an array */
	bool additional;       /* keys beyond prop may come, their values of addl */
	bool is_enum;          /* the instance is one of the literals */
	bool one_of;           /* JS_ANYOF written as oneOf (the keyword of findings) */
	uint16_t items, addl, target;
	uint16_t prop0, nprop;     /* js_schema.prop[prop0 ..] */
	uint16_t lit0, nlit;       /* js_schema.lit[lit0 ..]: enum and const */
	uint16_t alt0, nalt;       /* js_schema.alt[alt0 ..]: anyOf */
	uint32_t min_items, max_items;
	uint32_t min_len, max_len;     /* characters of a string; max JS_LEN_NONE */
	uint16_t re;                   /* a string's pattern: js_schema.re[re - 1]; 0 none */
	bool bounded;                  /* an integer within [lo, hi] (minimum, maximum, ...) */
	int64_t lo, hi;
	bool nbounded;                 /* a number within [nlo, nhi], in units of 10^-12 */
	js_wide nlo, nhi;
	js_wide mult;                  /* multipleOf: the value a multiple of it, in the units
					  of the range (10^-12 for a number, 1 for an
					  integer); 0 for any value */
	uint64_t required;             /* bit i: prop0 + i */
};

/* A member an object may have: its key as JSON text without the opening
 * quote ("name\"" for name), and the node of its value. */
struct js_prop {
	const char *name;
	uint16_t len, node;
};

/* A value written out as JSON text: an enum entry, or true, false, null. */
struct js_lit {
	const char *text;
	uint16_t len;
};

/*
 * A "pattern" (json_regex.c): a position automaton of at most JS_RE_STATES
 * states - the start and one per character atom - whose sets are bits of
 * a js_set.
 */
#define JS_RE_STATES 128
#define JS_RE_DEPTH_MAX 16         /* groups inside groups */
#define JS_PATTERN_BYTES_MAX 1024  /* of a pattern */
#define JS_RES_MAX 64              /* patterns of one schema */
__extension__ typedef unsigned __int128 js_set;
#define JS_RE_AHEAD_MAX 256        /* lengths followed before they repeat */
struct js_re {
	js_set follow[JS_RE_STATES]; /* the states that may come after each */
	js_set cls[JS_RE_STATES];    /* the characters (< 128) each state's atom takes */
	js_set with[128];            /* by character: the live states that take it */
	js_set accept;               /* states a string may end in (bit 0: the empty string) */
	/* ahead[k]: the states from which exactly k more characters can end
	 * the string, for k < pre + period; beyond, the sequence repeats:
	 * ahead[pre + (k - pre) % period]. period 0: it does not repeat
	 * within JS_RE_AHEAD_MAX (then lengths cannot be followed). */
	js_set ahead[JS_RE_AHEAD_MAX];
	uint16_t pre, period;
};

/* Compiles pattern (n bytes) into re: 0, or TANDEM_EBADINPUT (syntax),
 * TANDEM_EUNSUPPORTED (outside the subset, or nothing writable matches)
 * or TANDEM_ELIMIT, with *why saying what. */
int js_re_compile(const char *pattern, size_t n, struct js_re *re, const char **why);
/* Reads character c into the set of states *set: false (and *set
 * unchanged) when no string of the pattern goes on with it. */
bool js_re_step(const struct js_re *re, js_set *set, unsigned char c);
/* Whether from the states set the string can end after k more
 * characters for some k in [lo, hi] (re->period > 0). */
bool js_re_ends_within(const struct js_re *re, js_set set, uint32_t lo, uint32_t hi);

/* A compiled schema. Owns its arena, which holds every table. */
struct tandem_llm_schema {
	struct tandem_arena a;
	struct js_node *node;
	struct js_prop *prop;
	struct js_lit *lit;
	uint16_t *alt;
	struct js_re **re;             /* JS_RES_MAX patterns; js_node.re - 1 */
	size_t nnode, nprop, nlit, nalt, nre;
	uint16_t root;
};

/* UTF-8 in a string: continuation bytes still due, the range of the next. */
struct js_utf8 {
	uint8_t left, lo, hi;
};

/* One open object or array. */
struct js_frame {
	uint16_t node;
	uint16_t prop;           /* object: the member being read (JS_PROP_EXTRA: no property) */
	uint8_t kind;            /* '{' or '[' */
	uint8_t nextra;          /* object: keys read that no property names */
	uint32_t count;          /* array: items read */
	uint64_t seen;           /* object: properties read, bit i for prop0 + i */
	uint32_t extra[JS_EXTRA_KEYS_MAX];  /* hashes of those keys: none twice */
};

#define JS_PROP_EXTRA UINT16_MAX

struct js_state {
	uint8_t lex, depth, ws, esc;
	struct js_utf8 u;
	uint8_t key_free;        /* the key being read may be one the schema does not name */
	uint8_t num_int, num_len;    /* the number being read: an integer; its bytes */
	uint8_t num_neg, num_digits; /* a bounded number: its sign, its digits so far */
	uint8_t num_fdigits;         /* and after its point */
	uint64_t num_mag, num_frac;  /* and their values */
	uint16_t vnode;          /* the node of the value about to start */
	uint16_t cur;            /* the node of the string being read */
	uint16_t lit0, off;      /* literals or key being read: the first, bytes read */
	uint32_t count;          /* characters of the string being read */
	js_set re_set;           /* the states of its pattern (js_node.re) */
	uint32_t hash;           /* of the key being read */
	uint64_t mask;           /* literals or properties still matching */
	struct js_frame f[JS_DEPTH_MAX];
};

/* Whether a string of n has minLength or maxLength to keep (a pattern
 * then follows them, js_re_ends_within()). */
static inline bool js_has_lengths(const struct js_node *n)
{
	return n->min_len > 0 || n->max_len != JS_LEN_NONE;
}

/* Whether the integer being read (sign, magnitude, digits so far, the
 * last one a leading 0 when zero) can still end within n's bounds, on a
 * multiple of n->mult (json_bounds.c). */
bool js_bound_fits(const struct js_node *n, bool neg, uint64_t mag, unsigned digits, bool zero);
/* Whether the integer read (sign, magnitude) is within them, as it ends. */
bool js_bound_value(const struct js_node *n, bool neg, uint64_t mag);
/* The same for a bounded number (n->nbounded) in state s, which may have
 * a point (frac) and digits after it. */
bool js_nbound_fits(const struct js_node *n, const struct js_state *s, bool zero, bool frac);
bool js_nbound_value(const struct js_node *n, const struct js_state *s);

/* The state before the first byte. */
void js_init(const struct tandem_llm_schema *sc, struct js_state *s);
/* Reads one byte: false if no instance begins with the bytes so far. */
bool js_byte(const struct tandem_llm_schema *sc, struct js_state *s, unsigned char c);
bool js_done(const struct js_state *s);
/* The bytes of s that a step reads or writes: the frames below depth are
 * all a copy needs. */
size_t js_state_size(const struct js_state *s);

/* The characters of the n bytes at p when they are whole characters of a
 * string, none of them '"', '\\' or a control character (a token that
 * only adds text to a string); JS_NOT_PLAIN when they are not. */
#define JS_NOT_PLAIN UINT16_MAX
uint16_t js_plain_chars(const char *p, size_t n);
/* In a string value, or a key that may be one the schema does not name,
 * between characters: true, and *room: the characters it may still take.
 * Then a token of js_plain_chars() k is allowed exactly when k <= *room,
 * whatever else the state holds (a free key takes any text). */
bool js_plain_room(const struct tandem_llm_schema *sc, const struct js_state *s,
		   uint32_t *room);

/* A vocabulary ordered for the mask (json_mask.c): bytes, at and len are
 * the caller's, kept while it lives. */
struct js_vocab;
int js_vocab_new(const char *bytes, const uint32_t *at, const uint16_t *len, size_t n,
		 struct js_vocab **out);
void js_vocab_free(struct js_vocab *v);
/* Sets to -infinity the logit of every token that would take the text
 * read into s off the ways to an instance of sc. */
void js_vocab_mask(struct js_vocab *v, const struct tandem_llm_schema *sc,
		   const struct js_state *s, float *logits);

/* A byte of an escape in a string: *esc is 0 after the '\\' and keeps how
 * far the escape has come. -1: not an escape of RFC 8259 (nor, unless
 * surrogates, a \\u of U+D800 .. U+DFFF); 0: the escape is complete; 1:
 * more bytes are due. */
int js_escape_byte(uint8_t *esc, unsigned char c, bool surrogates);

/* A byte of text in a string, neither its quote nor an escape (a
 * continuation byte may be either): UTF-8 checked (no overlong forms, no
 * surrogates, nothing beyond U+10FFFF), no control character. */
bool js_utf8_byte(struct js_utf8 *u, unsigned char c);

/*
 * The compiler (json_schema.c reads the keywords, json_schema_fin.c checks
 * and finishes the table): limits on every schema.
 */
#define JS_SCHEMA_TEXT_MAX (1u << 16)  /* bytes of a schema */
#define JS_SCHEMA_DEPTH_MAX 32         /* schemas inside schemas */
#define JS_NODES_MAX 1024
#define JS_PROPS_MAX 64                /* properties of one object: bits of a uint64_t */
#define JS_PROPS_TOTAL_MAX 4096
#define JS_ENUM_MAX 64                 /* values of one enum: bits of a uint64_t */
#define JS_LITS_TOTAL_MAX 4096
#define JS_LIT_BYTES_MAX 256           /* an enum value or a key, as JSON text */
#define JS_ALTS_MAX 16                 /* alternatives of one anyOf */
#define JS_ALTS_TOTAL_MAX 1024
#define JS_ANYOF_DEPTH_MAX 8           /* anyOf directly inside anyOf */
#define JS_DEFS_MAX 256                /* members of $defs and definitions */
#define JS_ITEMS_MAX 65536             /* items of an array; maxItems at most */
#define JS_STRING_LEN_MAX 65536        /* minLength, maxLength at most */
#define JS_PATH_BYTES_MAX 480          /* of a JSON Pointer in a finding */
#define JS_ARENA_MAX (4u << 20)        /* the parsed schema; the tables */

struct tandem_json;
struct tandem_diag;

struct js_comp {
	struct tandem_llm_schema *sc;
	struct tandem_diag *d;
	const struct tandem_json *defs[2];   /* the root's $defs, definitions, or NULL */
	size_t ndefs0;                       /* members of defs[0] */
	uint16_t def_node[JS_DEFS_MAX];      /* the node of each, 0 until referred to */
	bool def_done[JS_DEFS_MAX];
	const char *where[JS_NODES_MAX];     /* anyOf and $ref nodes: their JSON Pointer */
	uint8_t visit[JS_NODES_MAX];         /* json_schema_fin.c's walks */
	char path[JS_PATH_BYTES_MAX + 8];    /* of the schema being read, from "#" */
	size_t path_len;
	struct tandem_buf buf;               /* scratch: a value as JSON text */
	int rc;                              /* the first refusal */
};

/* A finding TANDEM-LLM-SCHEMA at cp->path (and /kw when not NULL); the
 * first one's code becomes cp->rc, and is returned. */
int js_refuse(struct js_comp *cp, int code, const char *kw, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
uint16_t js_node_new(struct js_comp *cp);
/* Appends /seg (n bytes) to cp->path as JSON Pointer writes it; the
 * length before, to go back to. */
size_t js_path_push(struct js_comp *cp, const char *seg, size_t n);
const char *js_arena_copy(struct js_comp *cp, const char *s, size_t n);
/* minimum, maximum and their exclusive forms of schema v into node n
 * (json_bounds.c). */
void js_read_bounds(struct js_comp *cp, const struct tandem_json *v, struct js_node *n);
/* The schema v, depth schemas deep, into node idx. */
void js_compile(struct js_comp *cp, const struct tandem_json *v, unsigned depth, uint16_t idx);

#endif /* TANDEM_LLM_JSON_INT_H */
