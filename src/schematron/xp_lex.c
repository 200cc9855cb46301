/*
 * src/schematron/xp_lex.c - the tokenizer of XPath 2.0 expressions: names
 * (with prefixes, p:* and *:local), numbers, string literals, variables and
 * symbols; whitespace and nested (: comments :) are skipped. Also the
 * terminals of a step that need the compiler's tables: name tests (prefix
 * resolved, local name interned) and kind tests. See xp_lex.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "xp_lex.h"

int xp_lex_fail(struct xp_parser *ps, const char *fmt, ...)
{
	if (ps->err)
		return ps->err;
	va_list ap;
	va_start(ap, fmt);
	char what[160];
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(ps->cc->err, sizeof ps->cc->err, "%s at offset %zu", what, ps->pos);
	ps->err = TANDEM_EBADINPUT;
	return ps->err;
}

static bool is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_name_char(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Skips whitespace and (: comments :), which nest. */
static size_t skip_space(const struct xp_parser *ps, size_t i)
{
	for (;;) {
		while (i < ps->len && (ps->src[i] == ' ' || ps->src[i] == '\t' ||
				       ps->src[i] == '\n' || ps->src[i] == '\r'))
			i++;
		if (i + 1 < ps->len && ps->src[i] == '(' && ps->src[i + 1] == ':') {
			int level = 0;
			while (i + 1 < ps->len) {
				if (ps->src[i] == '(' && ps->src[i + 1] == ':') {
					level++;
					i += 2;
				} else if (ps->src[i] == ':' && ps->src[i + 1] == ')') {
					level--;
					i += 2;
					if (level == 0)
						break;
				} else {
					i++;
				}
			}
			if (level != 0)
				return ps->len;
			continue;
		}
		return i;
	}
}

static size_t scan_ncname(const struct xp_parser *ps, size_t i)
{
	if (i >= ps->len || !is_name_start((unsigned char)ps->src[i]))
		return i;
	while (i < ps->len && is_name_char((unsigned char)ps->src[i]))
		i++;
	return i;
}

/* Reads the token at ps->next into ps->t. */
int xp_lex_advance(struct xp_parser *ps)
{
	size_t i = skip_space(ps, ps->next);
	const char *s = ps->src;
	struct xp_tok *t = &ps->t;
	memset(t, 0, sizeof *t);
	ps->pos = i;
	t->p = s + i;
	if (i >= ps->len) {
		t->kind = XP_TOK_END;
		ps->next = i;
		return 0;
	}
	char c = s[i];
	if (c == '"' || c == '\'') {
		size_t j = i + 1;
		for (;;) {
			if (j >= ps->len)
				return xp_lex_fail(ps, "unterminated string literal");
			if (s[j] == c) {
				if (j + 1 < ps->len && s[j + 1] == c) {
					j += 2;
					continue;
				}
				break;
			}
			j++;
		}
		t->kind = XP_TOK_STRING;
		t->n = j + 1 - i;
		ps->next = j + 1;
		return 0;
	}
	if (is_digit(c) || (c == '.' && i + 1 < ps->len && is_digit(s[i + 1]))) {
		size_t j = i;
		while (j < ps->len && is_digit(s[j]))
			j++;
		if (j < ps->len && s[j] == '.') {
			j++;
			while (j < ps->len && is_digit(s[j]))
				j++;
		}
		if (j < ps->len && (s[j] == 'e' || s[j] == 'E')) {
			size_t k = j + 1;
			if (k < ps->len && (s[k] == '+' || s[k] == '-'))
				k++;
			if (k >= ps->len || !is_digit(s[k]))
				return xp_lex_fail(ps, "bad number");
			while (k < ps->len && is_digit(s[k]))
				k++;
			j = k;
		}
		if (j < ps->len && is_name_start((unsigned char)s[j]))
			return xp_lex_fail(ps, "a number runs into a name");
		t->kind = XP_TOK_NUMBER;
		t->n = j - i;
		ps->next = j;
		return 0;
	}
	if (c == '$') {
		size_t j = skip_space(ps, i + 1);
		size_t e = scan_ncname(ps, j);
		if (e == j)
			return xp_lex_fail(ps, "'$' without a variable name");
		if (e + 1 < ps->len && s[e] == ':' && is_name_start((unsigned char)s[e + 1]))
			e = scan_ncname(ps, e + 1);
		t->kind = XP_TOK_VAR;
		t->local = s + j;
		t->local_n = e - j;
		t->n = e - i;
		ps->next = e;
		return 0;
	}
	if (c == '*') {
		if (i + 2 < ps->len && s[i + 1] == ':' && is_name_start((unsigned char)s[i + 2])) {
			size_t e = scan_ncname(ps, i + 2);
			t->kind = XP_TOK_NAME;
			t->star_prefix = true;
			t->local = s + i + 2;
			t->local_n = e - (i + 2);
			t->n = e - i;
			ps->next = e;
			return 0;
		}
		t->kind = XP_TOK_STAR;
		t->n = 1;
		ps->next = i + 1;
		return 0;
	}
	if (is_name_start((unsigned char)c)) {
		size_t e = scan_ncname(ps, i);
		t->kind = XP_TOK_NAME;
		t->local = s + i;
		t->local_n = e - i;
		if (e + 1 < ps->len && s[e] == ':' && s[e + 1] != ':') {
			if (s[e + 1] == '*') {
				t->prefix = s + i;
				t->prefix_n = e - i;
				t->local = s + e + 1;
				t->local_n = 1;
				e += 2;
			} else if (is_name_start((unsigned char)s[e + 1])) {
				size_t e2 = scan_ncname(ps, e + 1);
				t->prefix = s + i;
				t->prefix_n = e - i;
				t->local = s + e + 1;
				t->local_n = e2 - (e + 1);
				e = e2;
			}
		}
		t->n = e - i;
		ps->next = e;
		return 0;
	}
	static const char *const two[] = {"!=", "<=", ">=", "<<", ">>", "//", "::", "..", ":="};
	for (size_t k = 0; k < sizeof two / sizeof two[0]; k++) {
		if (i + 1 < ps->len && s[i] == two[k][0] && s[i + 1] == two[k][1]) {
			t->kind = XP_TOK_SYM;
			t->n = 2;
			ps->next = i + 2;
			return 0;
		}
	}
	if (strchr("()[],/@.=<>|+-?", c)) {
		t->kind = XP_TOK_SYM;
		t->n = 1;
		ps->next = i + 1;
		return 0;
	}
	return xp_lex_fail(ps, "unexpected character '%c'", c);
}

bool xp_lex_is_sym(const struct xp_parser *ps, const char *sym)
{
	size_t n = strlen(sym);
	return ps->t.kind == XP_TOK_SYM && ps->t.n == n && memcmp(ps->t.p, sym, n) == 0;
}

/* The current token is the bare name word (no prefix). */
bool xp_lex_is_word(const struct xp_parser *ps, const char *word)
{
	size_t n = strlen(word);
	return ps->t.kind == XP_TOK_NAME && !ps->t.prefix && !ps->t.star_prefix &&
	       ps->t.local_n == n && memcmp(ps->t.local, word, n) == 0;
}

/* Character after the current token, skipping space ('\0' at the end). */
char xp_lex_peek_char(const struct xp_parser *ps)
{
	size_t i = skip_space(ps, ps->next);
	if (i < ps->len)
		return ps->src[i];
	return 0;
}

bool xp_lex_peek_two(const struct xp_parser *ps, char a, char b)
{
	size_t i = skip_space(ps, ps->next);
	return i + 1 < ps->len && ps->src[i] == a && ps->src[i + 1] == b;
}

int xp_lex_expect_sym(struct xp_parser *ps, const char *sym)
{
	if (!xp_lex_is_sym(ps, sym))
		return xp_lex_fail(ps, "expected '%s'", sym);
	return xp_lex_advance(ps);
}

int xp_lex_expect_word(struct xp_parser *ps, const char *word)
{
	if (!xp_lex_is_word(ps, word))
		return xp_lex_fail(ps, "expected '%s'", word);
	return xp_lex_advance(ps);
}

const char *xp_lex_arena_str(struct xp_parser *ps, const char *p, size_t n)
{
	char *s = tandem_arena_strndup(ps->cc->arena, p, n);
	if (!s) {
		xp_lex_fail(ps, "out of memory");
		ps->err = TANDEM_ENOMEM;
	}
	return s;
}

static size_t name_hash(const char *p, size_t n);

/* The name as a string of the arena, shared with equal names when interning. */
const char *xp_lex_name_str(struct xp_parser *ps, const char *p, size_t n, uint32_t *id)
{
	struct xp_names *t = ps->cc->names;
	*id = 0;
	if (!t)
		return xp_lex_arena_str(ps, p, n);
	size_t h = name_hash(p, n);
	for (size_t i = h & (XP_NAMES_MAX - 1);; i = (i + 1) & (XP_NAMES_MAX - 1)) {
		const char *s = t->slot[i];
		if (!s) {
			if (t->n + 1 >= XP_NAME_IDS_MAX)
				return xp_lex_arena_str(ps, p, n); /* full: no sharing */
			s = xp_lex_arena_str(ps, p, n);
			if (s) {
				t->slot[i] = s;
				t->id[i] = (uint32_t)++t->n;
				*id = t->id[i];
			}
			return s;
		}
		if (strncmp(s, p, n) == 0 && s[n] == '\0') {
			*id = t->id[i];
			return s;
		}
	}
}

/* Namespace URI of a prefix; NULL (and an error) when unknown. */
const char *xp_lex_resolve_prefix(struct xp_parser *ps, const char *p, size_t n)
{
	if (n == 2 && memcmp(p, "fn", 2) == 0)
		return XP_NS_FN;
	for (const struct xp_ns *ns = ps->cc->ns; ns && ns->prefix; ns++) {
		if (strlen(ns->prefix) == n && memcmp(ns->prefix, p, n) == 0)
			return ns->uri;
	}
	if (n == 2 && memcmp(p, "xs", 2) == 0)
		return XP_NS_XS;
	xp_lex_fail(ps, "unknown namespace prefix '%.*s'", (int)n, p);
	return NULL;
}

bool xp_lex_is_kind_test(const struct xp_parser *ps)
{
	static const char *const kinds[] = {"node", "text", "element", "attribute",
					    "document-node", "comment", "processing-instruction"};
	if (ps->t.kind != XP_TOK_NAME || ps->t.prefix || ps->t.star_prefix ||
	    xp_lex_peek_char(ps) != '(')
		return false;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strlen(kinds[i]) == ps->t.local_n && memcmp(kinds[i], ps->t.local, ps->t.local_n) == 0)
			return true;
	}
	return false;
}

int xp_lex_node_test(struct xp_parser *ps, struct xp_test *test, enum xp_axis axis)
{
	uint32_t id = 0;
	if (xp_lex_is_kind_test(ps)) {
		static const struct {
			const char *name;
			enum xp_test_kind kind;
		} kinds[] = {
			{"node", XP_TEST_NODE},           {"text", XP_TEST_TEXT},
			{"element", XP_TEST_ELEMENT},     {"attribute", XP_TEST_ATTRIBUTE},
			{"document-node", XP_TEST_DOCUMENT}, {"comment", XP_TEST_COMMENT},
			{"processing-instruction", XP_TEST_COMMENT},
		};
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
			if (strlen(kinds[i].name) == ps->t.local_n &&
			    memcmp(kinds[i].name, ps->t.local, ps->t.local_n) == 0)
				test->kind = (uint8_t)kinds[i].kind;
		}
		if (xp_lex_advance(ps) || xp_lex_expect_sym(ps, "("))
			return ps->err;
		if (!xp_lex_is_sym(ps, ")"))
			return xp_lex_fail(ps, "kind tests with arguments are not supported");
		return xp_lex_advance(ps);
	}
	(void)axis;
	if (ps->t.kind == XP_TOK_STAR) {
		test->kind = XP_TEST_ANY_NAME;
		return xp_lex_advance(ps);
	}
	if (ps->t.kind != XP_TOK_NAME)
		return xp_lex_fail(ps, "expected a name test");
	if (ps->t.star_prefix) {
		test->kind = XP_TEST_LOCAL_ANY;
		test->local = xp_lex_name_str(ps, ps->t.local, ps->t.local_n, &id);
		test->name_id = (uint16_t)id; /* <= XP_NAME_IDS_MAX */
		return test->local ? xp_lex_advance(ps) : ps->err;
	}
	if (ps->t.prefix) {
		test->ns = xp_lex_resolve_prefix(ps, ps->t.prefix, ps->t.prefix_n);
		if (!test->ns)
			return ps->err;
		/* The built-in fn and xs URIs are the program's strings: a compiled
		 * rule set holds only pointers into itself (sch_image.c). */
		if (strcmp(test->ns, XP_NS_FN) == 0 || strcmp(test->ns, XP_NS_XS) == 0)
			test->ns = xp_lex_arena_str(ps, test->ns, strlen(test->ns));
		if (!test->ns)
			return ps->err;
		if (ps->t.local_n == 1 && ps->t.local[0] == '*') {
			test->kind = XP_TEST_NS_ANY;
			return xp_lex_advance(ps);
		}
	}
	test->kind = XP_TEST_NAME;
	test->local = xp_lex_name_str(ps, ps->t.local, ps->t.local_n, &id);
	test->name_id = (uint16_t)id;
	return test->local ? xp_lex_advance(ps) : ps->err;
}

static size_t name_hash(const char *p, size_t n)
{
	size_t h = 14695981039346656037u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211u;
	return h;
}

int xp_name_map_build(struct tandem_arena *a, const struct xp_names *t, struct xp_name_map *m)
{
	memset(m, 0, sizeof *m);
	if (!t || !t->n)
		return 0;
	m->slots = 16;
	while (m->slots < t->n * 2)
		m->slots *= 2;
	m->keys = tandem_arena_calloc(a, m->slots, sizeof *m->keys);
	m->ids = tandem_arena_calloc(a, m->slots, sizeof *m->ids);
	if (!m->keys || !m->ids)
		return TANDEM_ENOMEM;
	for (size_t i = 0; i < XP_NAMES_MAX; i++) {
		if (!t->slot[i])
			continue;
		size_t k = name_hash(t->slot[i], strlen(t->slot[i])) & (m->slots - 1);
		while (m->keys[k])
			k = (k + 1) & (m->slots - 1);
		m->keys[k] = t->slot[i];
		m->ids[k] = t->id[i];
	}
	return 0;
}

/* The slot of name p[0..n) in m (its key is NULL when absent). */
size_t xp_name_map_find(const struct xp_name_map *m, const char *p, size_t n)
{
	size_t k = name_hash(p, n) & (m->slots - 1);
	while (m->keys[k] && !(strncmp(m->keys[k], p, n) == 0 && m->keys[k][n] == '\0'))
		k = (k + 1) & (m->slots - 1);
	return k;
}
