/*
 * src/schematron/xp_lex.h - the tokenizer of XPath 2.0 expressions, shared
 * by xp_lex.c and the parser in xp_parse.c; private to src/schematron/.
 *
 * XPath keywords are not reserved: "div" is an operator after an operand and
 * an element name elsewhere, "*" multiplies after an operand and is a name
 * test elsewhere. The parser knows which of the two it expects, so the
 * tokenizer hands out plain names and symbols and the parser decides.
 */
#ifndef TANDEM_SCHEMATRON_XP_LEX_H
#define TANDEM_SCHEMATRON_XP_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "xp.h"

enum xp_tok_kind {
	XP_TOK_END,
	XP_TOK_NAME,
	XP_TOK_STAR,
	XP_TOK_NUMBER,
	XP_TOK_STRING,
	XP_TOK_VAR,
	XP_TOK_SYM,
};

struct xp_tok {
	enum xp_tok_kind kind;
	const char *p; /* start in the source */
	size_t n;      /* length */
	/* XP_TOK_NAME: prefix:local split; prefix NULL when none; local "*" for p:* */
	const char *prefix;
	size_t prefix_n;
	const char *local;
	size_t local_n;
	bool star_prefix; /* *:local */
};

struct xp_parser {
	struct xp_compiler *cc;
	const char *src;
	size_t len;
	size_t pos;  /* of the current token */
	size_t next; /* just after the current token */
	struct xp_tok t;
	int depth;
	int err;
};

/* Records a syntax error at the current token (the first one wins). */
int xp_lex_fail(struct xp_parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reads the token at ps->next into ps->t. */
int xp_lex_advance(struct xp_parser *ps);

/* The current token is the symbol sym. */
bool xp_lex_is_sym(const struct xp_parser *ps, const char *sym);

/* The current token is the bare name word (no prefix). */
bool xp_lex_is_word(const struct xp_parser *ps, const char *word);

/* Character after the current token, skipping space ('\0' at the end). */
char xp_lex_peek_char(const struct xp_parser *ps);

/* The two characters after the current token, skipping space, are a and b. */
bool xp_lex_peek_two(const struct xp_parser *ps, char a, char b);

/* Consumes the symbol sym or the word word, else fails. */
int xp_lex_expect_sym(struct xp_parser *ps, const char *sym);
int xp_lex_expect_word(struct xp_parser *ps, const char *word);

/* A copy of p[0..n) in the compiler's arena (NULL and an error when full). */
const char *xp_lex_arena_str(struct xp_parser *ps, const char *p, size_t n);

/* The name as a string of the arena, shared with equal names when interning;
 * *id is its number among the interned names, 0 when not interned. */
const char *xp_lex_name_str(struct xp_parser *ps, const char *p, size_t n, uint32_t *id);

/* Namespace URI of a prefix; NULL (and an error) when unknown. */
const char *xp_lex_resolve_prefix(struct xp_parser *ps, const char *p, size_t n);

/* The current token starts a kind test: node(), text(), element(), ... */
bool xp_lex_is_kind_test(const struct xp_parser *ps);

/* Parses the name or kind test of a step into *test. */
int xp_lex_node_test(struct xp_parser *ps, struct xp_test *test, enum xp_axis axis);

#endif /* TANDEM_SCHEMATRON_XP_LEX_H */
