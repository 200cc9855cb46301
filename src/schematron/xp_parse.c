/*
 * src/schematron/xp_parse.c - tokenizer and recursive-descent parser of
 * XPath 2.0 expressions, producing the tree that xp_eval.c walks.
 *
 * XPath keywords are not reserved: "div" is an operator after an operand and
 * an element name elsewhere, "*" multiplies after an operand and is a name
 * test elsewhere. The parser knows which of the two it expects, so the
 * tokenizer hands out plain names and symbols and the parser decides.
 *
 * Names, prefixes, functions and variables are resolved here, once; an
 * unknown one is a compile error, never a surprise during validation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "xp.h"

enum tok_kind { T_END, T_NAME, T_STAR, T_NUMBER, T_STRING, T_VAR, T_SYM };

struct tok {
	enum tok_kind kind;
	const char *p; /* start in the source */
	size_t n;      /* length */
	/* T_NAME: prefix:local split; prefix NULL when none; local "*" for p:* */
	const char *prefix;
	size_t prefix_n;
	const char *local;
	size_t local_n;
	bool star_prefix; /* *:local */
};

struct parser {
	struct xp_compiler *cc;
	const char *src;
	size_t len;
	size_t pos;  /* of the current token */
	size_t next; /* just after the current token */
	struct tok t;
	int depth;
	int err;
};

static int fail(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *ps, const char *fmt, ...)
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
static size_t skip_space(const struct parser *ps, size_t i)
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

static size_t scan_ncname(const struct parser *ps, size_t i)
{
	if (i >= ps->len || !is_name_start((unsigned char)ps->src[i]))
		return i;
	while (i < ps->len && is_name_char((unsigned char)ps->src[i]))
		i++;
	return i;
}

/* Reads the token at ps->next into ps->t. */
static int advance(struct parser *ps)
{
	size_t i = skip_space(ps, ps->next);
	const char *s = ps->src;
	struct tok *t = &ps->t;
	memset(t, 0, sizeof *t);
	ps->pos = i;
	t->p = s + i;
	if (i >= ps->len) {
		t->kind = T_END;
		ps->next = i;
		return 0;
	}
	char c = s[i];
	if (c == '"' || c == '\'') {
		size_t j = i + 1;
		for (;;) {
			if (j >= ps->len)
				return fail(ps, "unterminated string literal");
			if (s[j] == c) {
				if (j + 1 < ps->len && s[j + 1] == c) {
					j += 2;
					continue;
				}
				break;
			}
			j++;
		}
		t->kind = T_STRING;
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
				return fail(ps, "bad number");
			while (k < ps->len && is_digit(s[k]))
				k++;
			j = k;
		}
		if (j < ps->len && is_name_start((unsigned char)s[j]))
			return fail(ps, "a number runs into a name");
		t->kind = T_NUMBER;
		t->n = j - i;
		ps->next = j;
		return 0;
	}
	if (c == '$') {
		size_t j = skip_space(ps, i + 1);
		size_t e = scan_ncname(ps, j);
		if (e == j)
			return fail(ps, "'$' without a variable name");
		if (e + 1 < ps->len && s[e] == ':' && is_name_start((unsigned char)s[e + 1]))
			e = scan_ncname(ps, e + 1);
		t->kind = T_VAR;
		t->local = s + j;
		t->local_n = e - j;
		t->n = e - i;
		ps->next = e;
		return 0;
	}
	if (c == '*') {
		if (i + 2 < ps->len && s[i + 1] == ':' && is_name_start((unsigned char)s[i + 2])) {
			size_t e = scan_ncname(ps, i + 2);
			t->kind = T_NAME;
			t->star_prefix = true;
			t->local = s + i + 2;
			t->local_n = e - (i + 2);
			t->n = e - i;
			ps->next = e;
			return 0;
		}
		t->kind = T_STAR;
		t->n = 1;
		ps->next = i + 1;
		return 0;
	}
	if (is_name_start((unsigned char)c)) {
		size_t e = scan_ncname(ps, i);
		t->kind = T_NAME;
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
			t->kind = T_SYM;
			t->n = 2;
			ps->next = i + 2;
			return 0;
		}
	}
	if (strchr("()[],/@.=<>|+-?", c)) {
		t->kind = T_SYM;
		t->n = 1;
		ps->next = i + 1;
		return 0;
	}
	return fail(ps, "unexpected character '%c'", c);
}

static bool is_sym(const struct parser *ps, const char *sym)
{
	size_t n = strlen(sym);
	return ps->t.kind == T_SYM && ps->t.n == n && memcmp(ps->t.p, sym, n) == 0;
}

/* The current token is the bare name word (no prefix). */
static bool is_word(const struct parser *ps, const char *word)
{
	size_t n = strlen(word);
	return ps->t.kind == T_NAME && !ps->t.prefix && !ps->t.star_prefix &&
	       ps->t.local_n == n && memcmp(ps->t.local, word, n) == 0;
}

/* Character after the current token, skipping space ('\0' at the end). */
static char peek_char(const struct parser *ps)
{
	size_t i = skip_space(ps, ps->next);
	if (i < ps->len)
		return ps->src[i];
	return 0;
}

static bool peek_two(const struct parser *ps, char a, char b)
{
	size_t i = skip_space(ps, ps->next);
	return i + 1 < ps->len && ps->src[i] == a && ps->src[i + 1] == b;
}

static int expect_sym(struct parser *ps, const char *sym)
{
	if (!is_sym(ps, sym))
		return fail(ps, "expected '%s'", sym);
	return advance(ps);
}

static int expect_word(struct parser *ps, const char *word)
{
	if (!is_word(ps, word))
		return fail(ps, "expected '%s'", word);
	return advance(ps);
}

static struct xp_expr *node_new(struct parser *ps, enum xp_op op)
{
	struct xp_expr *e = tandem_arena_calloc(ps->cc->arena, 1, sizeof *e);
	if (!e) {
		fail(ps, "out of memory");
		ps->err = TANDEM_ENOMEM;
		return NULL;
	}
	e->op = op;
	return e;
}

/* Appends x to a growing array of expression pointers (arena memory). */
static int push(struct parser *ps, struct xp_expr ***arr, uint16_t *n, struct xp_expr *x)
{
	if (*n == UINT16_MAX)
		return fail(ps, "too many operands");
	struct xp_expr **na = tandem_arena_alloc(ps->cc->arena, (size_t)(*n + 1) * sizeof(struct xp_expr *));
	if (!na) {
		fail(ps, "out of memory");
		return ps->err = TANDEM_ENOMEM;
	}
	if (*n)
		memcpy(na, *arr, *n * sizeof(struct xp_expr *));
	na[*n] = x;
	*arr = na;
	(*n)++;
	return 0;
}

static struct xp_expr *binary(struct parser *ps, enum xp_op op, struct xp_expr *a,
			      struct xp_expr *b)
{
	struct xp_expr *e = node_new(ps, op);
	if (!e || push(ps, &e->kids, &e->nkids, a) || push(ps, &e->kids, &e->nkids, b))
		return NULL;
	return e;
}

static const char *arena_str(struct parser *ps, const char *p, size_t n)
{
	char *s = tandem_arena_strndup(ps->cc->arena, p, n);
	if (!s) {
		fail(ps, "out of memory");
		ps->err = TANDEM_ENOMEM;
	}
	return s;
}

/* The name as a string of the arena, shared with equal names when interning. */
static const char *name_str(struct parser *ps, const char *p, size_t n)
{
	struct xp_names *t = ps->cc->names;
	if (!t)
		return arena_str(ps, p, n);
	size_t h = 14695981039346656037u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211u;
	for (size_t i = h & (XP_NAMES_MAX - 1);; i = (i + 1) & (XP_NAMES_MAX - 1)) {
		const char *s = t->slot[i];
		if (!s) {
			if (t->n + 1 >= XP_NAMES_MAX / 2)
				return arena_str(ps, p, n); /* full: no sharing */
			s = arena_str(ps, p, n);
			if (s) {
				t->slot[i] = s;
				t->n++;
			}
			return s;
		}
		if (strncmp(s, p, n) == 0 && s[n] == '\0')
			return s;
	}
}

/* Namespace URI of a prefix; NULL (and an error) when unknown. */
static const char *resolve_prefix(struct parser *ps, const char *p, size_t n)
{
	if (n == 2 && memcmp(p, "fn", 2) == 0)
		return XP_NS_FN;
	for (const struct xp_ns *ns = ps->cc->ns; ns && ns->prefix; ns++) {
		if (strlen(ns->prefix) == n && memcmp(ns->prefix, p, n) == 0)
			return ns->uri;
	}
	if (n == 2 && memcmp(p, "xs", 2) == 0)
		return XP_NS_XS;
	fail(ps, "unknown namespace prefix '%.*s'", (int)n, p);
	return NULL;
}

static struct xp_expr *parse_expr(struct parser *ps);
static struct xp_expr *parse_single(struct parser *ps);

static int depth_in(struct parser *ps)
{
	if (++ps->depth > XP_EXPR_DEPTH_MAX) {
		fail(ps, "expression nested deeper than %d", XP_EXPR_DEPTH_MAX);
		return ps->err = TANDEM_ELIMIT;
	}
	return 0;
}

static int parse_literal_number(struct parser *ps, struct xp_expr *e)
{
	char buf[128];
	if (ps->t.n >= sizeof buf)
		return fail(ps, "numeric literal too long");
	memcpy(buf, ps->t.p, ps->t.n);
	buf[ps->t.n] = '\0';
	e->op = XP_OP_LITERAL;
	if (strpbrk(buf, "eE")) {
		e->lit.type = XP_DOUBLE;
		e->lit.v.d = strtod(buf, NULL);
	} else {
		e->lit.type = strchr(buf, '.') ? XP_DECIMAL : XP_INTEGER;
		if (tandem_dec_parse_cstr(buf, &e->lit.v.dec))
			return fail(ps, "numeric literal out of range");
		if (e->lit.type == XP_DECIMAL)
			e->lit.v.dec = tandem_dec_reduce(e->lit.v.dec);
	}
	return advance(ps);
}

static int parse_literal_string(struct parser *ps, struct xp_expr *e)
{
	char q = ps->t.p[0];
	size_t n = ps->t.n - 2;
	char *s = tandem_arena_alloc(ps->cc->arena, n + 1);
	if (!s)
		return fail(ps, "out of memory");
	size_t k = 0;
	for (size_t i = 1; i + 1 < ps->t.n; i++) {
		s[k++] = ps->t.p[i];
		if (ps->t.p[i] == q)
			i++; /* doubled quote */
	}
	s[k] = '\0';
	e->op = XP_OP_LITERAL;
	e->lit.type = XP_STRING;
	e->lit.v.s.p = s;
	e->lit.v.s.n = k;
	return advance(ps);
}

static struct xp_expr *parse_var(struct parser *ps)
{
	struct xp_expr *e = node_new(ps, XP_OP_VAR);
	if (!e)
		return NULL;
	for (const struct xp_scope *sc = ps->cc->scope; sc; sc = sc->up) {
		if (strlen(sc->name) == ps->t.local_n &&
		    memcmp(sc->name, ps->t.local, ps->t.local_n) == 0) {
			e->var = sc->slot;
			return advance(ps) ? NULL : e;
		}
	}
	fail(ps, "unknown variable $%.*s", (int)ps->t.local_n, ps->t.local);
	return NULL;
}

/* Atomic type names allowed after "cast as" and in constructor calls. */
static int type_of_name(const char *local, size_t n)
{
	static const struct {
		const char *name;
		enum xp_type type;
	} types[] = {
		{"string", XP_STRING},   {"decimal", XP_DECIMAL}, {"integer", XP_INTEGER},
		{"double", XP_DOUBLE},   {"boolean", XP_BOOLEAN}, {"date", XP_DATE},
		{"untypedAtomic", XP_UNTYPED},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		if (strlen(types[i].name) == n && memcmp(types[i].name, local, n) == 0)
			return (int)types[i].type;
	}
	return -1;
}

static struct xp_expr *parse_call(struct parser *ps)
{
	const char *ns = XP_NS_FN;
	if (ps->t.prefix) {
		ns = resolve_prefix(ps, ps->t.prefix, ps->t.prefix_n);
		if (!ns)
			return NULL;
	}
	const char *name = arena_str(ps, ps->t.local, ps->t.local_n);
	if (!name || advance(ps) || expect_sym(ps, "("))
		return NULL;
	struct xp_expr *e = node_new(ps, XP_OP_CALL);
	if (!e)
		return NULL;
	if (!is_sym(ps, ")")) {
		for (;;) {
			struct xp_expr *a = parse_single(ps);
			if (!a || push(ps, &e->kids, &e->nkids, a))
				return NULL;
			if (!is_sym(ps, ","))
				break;
			if (advance(ps))
				return NULL;
		}
	}
	if (expect_sym(ps, ")"))
		return NULL;
	if (strcmp(ns, XP_NS_XS) == 0) {
		int type = type_of_name(name, strlen(name));
		if (type < 0 || e->nkids != 1) {
			fail(ps, "unsupported constructor xs:%s#%u", name, e->nkids);
			return NULL;
		}
		e->op = XP_OP_CAST;
		e->sub = type;
		e->flag = true;
		return e;
	}
	e->fn = xp_func_find(ns, name, e->nkids);
	if (!e->fn) {
		fail(ps, "unknown function %s#%u", name, e->nkids);
		return NULL;
	}
	return e;
}

static bool is_kind_test(const struct parser *ps)
{
	static const char *const kinds[] = {"node", "text", "element", "attribute",
					    "document-node", "comment", "processing-instruction"};
	if (ps->t.kind != T_NAME || ps->t.prefix || ps->t.star_prefix || peek_char(ps) != '(')
		return false;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strlen(kinds[i]) == ps->t.local_n && memcmp(kinds[i], ps->t.local, ps->t.local_n) == 0)
			return true;
	}
	return false;
}

static int parse_node_test(struct parser *ps, struct xp_test *test, enum xp_axis axis)
{
	if (is_kind_test(ps)) {
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
				test->kind = kinds[i].kind;
		}
		if (advance(ps) || expect_sym(ps, "("))
			return ps->err;
		if (!is_sym(ps, ")"))
			return fail(ps, "kind tests with arguments are not supported");
		return advance(ps);
	}
	(void)axis;
	if (ps->t.kind == T_STAR) {
		test->kind = XP_TEST_ANY_NAME;
		return advance(ps);
	}
	if (ps->t.kind != T_NAME)
		return fail(ps, "expected a name test");
	if (ps->t.star_prefix) {
		test->kind = XP_TEST_LOCAL_ANY;
		test->local = name_str(ps, ps->t.local, ps->t.local_n);
		return test->local ? advance(ps) : ps->err;
	}
	if (ps->t.prefix) {
		test->ns = resolve_prefix(ps, ps->t.prefix, ps->t.prefix_n);
		if (!test->ns)
			return ps->err;
		if (ps->t.local_n == 1 && ps->t.local[0] == '*') {
			test->kind = XP_TEST_NS_ANY;
			return advance(ps);
		}
	}
	test->kind = XP_TEST_NAME;
	test->local = name_str(ps, ps->t.local, ps->t.local_n);
	return test->local ? advance(ps) : ps->err;
}

static int parse_predicates(struct parser *ps, struct xp_expr *e)
{
	while (is_sym(ps, "[")) {
		if (advance(ps))
			return ps->err;
		struct xp_expr *p = parse_expr(ps);
		if (!p || expect_sym(ps, "]") || push(ps, &e->preds, &e->npreds, p))
			return ps->err ? ps->err : TANDEM_EBADINPUT;
	}
	return 0;
}

static const struct {
	const char *name;
	enum xp_axis axis;
} axes[] = {
	{"child", XP_AXIS_CHILD},
	{"attribute", XP_AXIS_ATTRIBUTE},
	{"self", XP_AXIS_SELF},
	{"parent", XP_AXIS_PARENT},
	{"ancestor", XP_AXIS_ANCESTOR},
	{"ancestor-or-self", XP_AXIS_ANCESTOR_OR_SELF},
	{"descendant", XP_AXIS_DESCENDANT},
	{"descendant-or-self", XP_AXIS_DESCENDANT_OR_SELF},
	{"preceding", XP_AXIS_PRECEDING},
	{"preceding-sibling", XP_AXIS_PRECEDING_SIBLING},
	{"following", XP_AXIS_FOLLOWING},
	{"following-sibling", XP_AXIS_FOLLOWING_SIBLING},
};

/* StepExpr: an axis step or a filter expression. */
static struct xp_expr *parse_step(struct parser *ps)
{
	if (depth_in(ps))
		return NULL;
	struct xp_expr *e = NULL;
	const struct tok *t = &ps->t;

	if (is_sym(ps, "..")) {
		if (!(e = node_new(ps, XP_OP_STEP)))
			goto out;
		e->axis = XP_AXIS_PARENT;
		e->test.kind = XP_TEST_NODE;
		if (advance(ps))
			e = NULL;
		goto preds;
	}
	if (is_sym(ps, "@")) {
		if (!(e = node_new(ps, XP_OP_STEP)) || advance(ps))
			goto fail;
		e->axis = XP_AXIS_ATTRIBUTE;
		if (parse_node_test(ps, &e->test, e->axis))
			goto fail;
		goto preds;
	}
	if (t->kind == T_NAME && !t->prefix && !t->star_prefix && peek_two(ps, ':', ':')) {
		size_t i;
		for (i = 0; i < sizeof axes / sizeof axes[0]; i++) {
			if (strlen(axes[i].name) == t->local_n &&
			    memcmp(axes[i].name, t->local, t->local_n) == 0)
				break;
		}
		if (i == sizeof axes / sizeof axes[0]) {
			fail(ps, "unknown axis '%.*s'", (int)t->local_n, t->local);
			goto fail;
		}
		if (!(e = node_new(ps, XP_OP_STEP)) || advance(ps) || expect_sym(ps, "::"))
			goto fail;
		e->axis = axes[i].axis;
		if (parse_node_test(ps, &e->test, e->axis))
			goto fail;
		goto preds;
	}
	if (t->kind == T_STAR || (t->kind == T_NAME && (peek_char(ps) != '(' || is_kind_test(ps)))) {
		if (!(e = node_new(ps, XP_OP_STEP)))
			goto fail;
		e->axis = XP_AXIS_CHILD;
		if (parse_node_test(ps, &e->test, e->axis))
			goto fail;
		if (e->test.kind == XP_TEST_ATTRIBUTE)
			e->axis = XP_AXIS_ATTRIBUTE;
		goto preds;
	}

	/* Filter expression: a primary with optional predicates. */
	struct xp_expr *prim = NULL;
	if (t->kind == T_NUMBER || t->kind == T_STRING) {
		if (!(prim = node_new(ps, XP_OP_LITERAL)))
			goto fail;
		if ((t->kind == T_NUMBER ? parse_literal_number(ps, prim)
					 : parse_literal_string(ps, prim)))
			goto fail;
	} else if (t->kind == T_VAR) {
		if (!(prim = parse_var(ps)))
			goto fail;
	} else if (is_sym(ps, "(")) {
		if (advance(ps))
			goto fail;
		if (is_sym(ps, ")")) {
			if (!(prim = node_new(ps, XP_OP_SEQ)) || advance(ps))
				goto fail;
		} else {
			prim = parse_expr(ps);
			if (!prim || expect_sym(ps, ")"))
				goto fail;
		}
	} else if (is_sym(ps, ".")) {
		if (!(prim = node_new(ps, XP_OP_CONTEXT)) || advance(ps))
			goto fail;
	} else if (t->kind == T_NAME && peek_char(ps) == '(') {
		if (!(prim = parse_call(ps)))
			goto fail;
	} else {
		fail(ps, "unexpected token '%.*s'", (int)(t->n ? t->n : 3), t->n ? t->p : "end");
		goto fail;
	}
	if (!is_sym(ps, "[")) {
		e = prim;
		goto out;
	}
	if (!(e = node_new(ps, XP_OP_FILTER)) || push(ps, &e->kids, &e->nkids, prim))
		goto fail;
preds:
	if (e && parse_predicates(ps, e))
		goto fail;
	goto out;
fail:
	e = NULL;
out:
	ps->depth--;
	return e;
}

static bool starts_step(const struct parser *ps)
{
	switch (ps->t.kind) {
	case T_NAME:
	case T_STAR:
	case T_NUMBER:
	case T_STRING:
	case T_VAR:
		return true;
	case T_SYM:
		return is_sym(ps, "@") || is_sym(ps, ".") || is_sym(ps, "..") || is_sym(ps, "(");
	default:
		return false;
	}
}

static struct xp_expr *descendant_or_self(struct parser *ps)
{
	struct xp_expr *e = node_new(ps, XP_OP_STEP);
	if (e) {
		e->axis = XP_AXIS_DESCENDANT_OR_SELF;
		e->test.kind = XP_TEST_NODE;
	}
	return e;
}

/* Whether e reads the position or size of the focus it is evaluated in. */
static bool uses_position(const struct xp_expr *e)
{
	if (e->op == XP_OP_CALL && (strcmp(e->fn->name, "position") == 0 ||
				    strcmp(e->fn->name, "last") == 0))
		return true;
	/* The right side of a path and predicates get a focus of their own. */
	size_t kids = e->op == XP_OP_PATH ? 1 : e->nkids;
	for (size_t i = 0; i < kids; i++)
		if (uses_position(e->kids[i]))
			return true;
	return false;
}

/* A predicate whose value is always a boolean or a node sequence, never a
 * number, and that does not read the position: it filters the same nodes
 * whatever the axis it follows. */
static bool plain_predicate(const struct xp_expr *e)
{
	if (uses_position(e))
		return false;
	switch (e->op) {
	case XP_OP_OR:
	case XP_OP_AND:
	case XP_OP_GCMP:
	case XP_OP_VCMP:
	case XP_OP_NCMP:
	case XP_OP_STEP:
	case XP_OP_CASTABLE:
		return true;
	case XP_OP_PATH:
		return e->kids[1]->op == XP_OP_STEP;
	case XP_OP_CALL: {
		static const char *const boolean_fns[] = {"not", "exists", "empty", "boolean",
							  "true", "false", "contains", "starts-with",
							  "ends-with", "matches"};
		for (size_t i = 0; i < sizeof boolean_fns / sizeof boolean_fns[0]; i++)
			if (strcmp(e->fn->name, boolean_fns[i]) == 0)
				return true;
		return false;
	}
	default:
		return false;
	}
}

/* Whether b is a child step, or a union of them, that descendant:: can replace. */
static bool can_descend(const struct xp_expr *b)
{
	if (b->op == XP_OP_STEP && b->axis == XP_AXIS_CHILD) {
		for (size_t i = 0; i < b->npreds; i++)
			if (!plain_predicate(b->preds[i]))
				return false;
		return true;
	}
	return b->op == XP_OP_UNION && can_descend(b->kids[0]) && can_descend(b->kids[1]);
}

/* descendant::x selects what descendant-or-self::node()/child::x does. */
static void descend(struct xp_expr *b)
{
	if (b->op == XP_OP_STEP) {
		b->axis = XP_AXIS_DESCENDANT;
		return;
	}
	descend(b->kids[0]);
	descend(b->kids[1]);
}

/*
 * a//b: descendant-or-self::node()/b, or, when b is a child step (or a
 * union of them) whose predicates do not depend on position, descendant::b,
 * which selects the same nodes without visiting every node twice.
 */
static struct xp_expr *join_dslash(struct parser *ps, struct xp_expr *a, struct xp_expr *b)
{
	if (can_descend(b)) {
		descend(b);
		return binary(ps, XP_OP_PATH, a, b);
	}
	struct xp_expr *dos = descendant_or_self(ps);
	if (!dos)
		return NULL;
	struct xp_expr *left = binary(ps, XP_OP_PATH, a, dos);
	return left ? binary(ps, XP_OP_PATH, left, b) : NULL;
}

static struct xp_expr *parse_path(struct parser *ps)
{
	struct xp_expr *e;
	if (is_sym(ps, "/") || is_sym(ps, "//")) {
		bool dslash = is_sym(ps, "//");
		if (!(e = node_new(ps, XP_OP_ROOT)) || advance(ps))
			return NULL;
		if (!dslash && !starts_step(ps))
			return e;
		struct xp_expr *s = parse_step(ps);
		if (!s)
			return NULL;
		e = dslash ? join_dslash(ps, e, s) : binary(ps, XP_OP_PATH, e, s);
	} else {
		e = parse_step(ps);
	}
	while (e && (is_sym(ps, "/") || is_sym(ps, "//"))) {
		bool dslash = is_sym(ps, "//");
		if (advance(ps))
			return NULL;
		struct xp_expr *s = parse_step(ps);
		if (!s)
			return NULL;
		e = dslash ? join_dslash(ps, e, s) : binary(ps, XP_OP_PATH, e, s);
	}
	return e;
}

static struct xp_expr *parse_unary(struct parser *ps)
{
	bool neg = false, any = false;
	while (is_sym(ps, "-") || is_sym(ps, "+")) {
		if (is_sym(ps, "-"))
			neg = !neg;
		any = true;
		if (advance(ps))
			return NULL;
	}
	struct xp_expr *e = parse_path(ps);
	if (!e || !any)
		return e;
	/* +x still atomizes and checks that x is numeric: 0 + x does both. */
	struct xp_expr *u = node_new(ps, neg ? XP_OP_NEG : XP_OP_ADD);
	if (!u)
		return NULL;
	if (!neg) {
		struct xp_expr *zero = node_new(ps, XP_OP_LITERAL);
		if (!zero)
			return NULL;
		zero->lit.type = XP_INTEGER;
		return binary(ps, XP_OP_ADD, zero, e);
	}
	return push(ps, &u->kids, &u->nkids, e) ? NULL : u;
}

static struct xp_expr *parse_cast(struct parser *ps)
{
	struct xp_expr *e = parse_unary(ps);
	for (int round = 0; e && round < 2; round++) {
		bool castable = is_word(ps, "castable");
		if (!(castable || is_word(ps, "cast")) || peek_char(ps) != 'a')
			continue;
		if (advance(ps) || expect_word(ps, "as"))
			return NULL;
		if (ps->t.kind != T_NAME || !ps->t.prefix) {
			fail(ps, "expected an atomic type");
			return NULL;
		}
		const char *ns = resolve_prefix(ps, ps->t.prefix, ps->t.prefix_n);
		int type = ns && strcmp(ns, XP_NS_XS) == 0 ? type_of_name(ps->t.local, ps->t.local_n) : -1;
		if (type < 0) {
			fail(ps, "unsupported cast target '%.*s'", (int)ps->t.n, ps->t.p);
			return NULL;
		}
		if (advance(ps))
			return NULL;
		struct xp_expr *c = node_new(ps, castable ? XP_OP_CASTABLE : XP_OP_CAST);
		if (!c || push(ps, &c->kids, &c->nkids, e))
			return NULL;
		c->sub = type;
		if (is_sym(ps, "?")) {
			c->flag = true;
			if (advance(ps))
				return NULL;
		}
		e = c;
	}
	return e;
}

static struct xp_expr *parse_intersect(struct parser *ps)
{
	struct xp_expr *e = parse_cast(ps);
	while (e && (is_word(ps, "intersect") || is_word(ps, "except"))) {
		enum xp_op op = is_word(ps, "intersect") ? XP_OP_INTERSECT : XP_OP_EXCEPT;
		if (advance(ps))
			return NULL;
		struct xp_expr *b = parse_cast(ps);
		e = b ? binary(ps, op, e, b) : NULL;
	}
	return e;
}

static struct xp_expr *parse_union(struct parser *ps)
{
	struct xp_expr *e = parse_intersect(ps);
	while (e && (is_sym(ps, "|") || is_word(ps, "union"))) {
		if (advance(ps))
			return NULL;
		struct xp_expr *b = parse_intersect(ps);
		e = b ? binary(ps, XP_OP_UNION, e, b) : NULL;
	}
	return e;
}

static struct xp_expr *parse_mul(struct parser *ps)
{
	struct xp_expr *e = parse_union(ps);
	for (;;) {
		enum xp_op op;
		if (!e)
			return NULL;
		if (ps->t.kind == T_STAR)
			op = XP_OP_MUL;
		else if (is_word(ps, "div"))
			op = XP_OP_DIV;
		else if (is_word(ps, "idiv"))
			op = XP_OP_IDIV;
		else if (is_word(ps, "mod"))
			op = XP_OP_MOD;
		else
			return e;
		if (advance(ps))
			return NULL;
		struct xp_expr *b = parse_union(ps);
		e = b ? binary(ps, op, e, b) : NULL;
	}
}

static struct xp_expr *parse_add(struct parser *ps)
{
	struct xp_expr *e = parse_mul(ps);
	while (e && (is_sym(ps, "+") || is_sym(ps, "-"))) {
		enum xp_op op = is_sym(ps, "+") ? XP_OP_ADD : XP_OP_SUB;
		if (advance(ps))
			return NULL;
		struct xp_expr *b = parse_mul(ps);
		e = b ? binary(ps, op, e, b) : NULL;
	}
	return e;
}

static struct xp_expr *parse_range(struct parser *ps)
{
	struct xp_expr *e = parse_add(ps);
	if (e && is_word(ps, "to")) {
		if (advance(ps))
			return NULL;
		struct xp_expr *b = parse_add(ps);
		e = b ? binary(ps, XP_OP_RANGE, e, b) : NULL;
	}
	return e;
}

static struct xp_expr *parse_comparison(struct parser *ps)
{
	static const struct {
		const char *text;
		bool word;
		enum xp_op op;
		enum xp_cmp cmp;
	} ops[] = {
		{"=", false, XP_OP_GCMP, XP_EQ},   {"!=", false, XP_OP_GCMP, XP_NE},
		{"<", false, XP_OP_GCMP, XP_LT},   {"<=", false, XP_OP_GCMP, XP_LE},
		{">", false, XP_OP_GCMP, XP_GT},   {">=", false, XP_OP_GCMP, XP_GE},
		{"eq", true, XP_OP_VCMP, XP_EQ},   {"ne", true, XP_OP_VCMP, XP_NE},
		{"lt", true, XP_OP_VCMP, XP_LT},   {"le", true, XP_OP_VCMP, XP_LE},
		{"gt", true, XP_OP_VCMP, XP_GT},   {"ge", true, XP_OP_VCMP, XP_GE},
		{"is", true, XP_OP_NCMP, XP_IS},   {"<<", false, XP_OP_NCMP, XP_PRECEDES},
		{">>", false, XP_OP_NCMP, XP_FOLLOWS},
	};
	struct xp_expr *e = parse_range(ps);
	if (!e)
		return NULL;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		if (ops[i].word ? !is_word(ps, ops[i].text) : !is_sym(ps, ops[i].text))
			continue;
		if (advance(ps))
			return NULL;
		struct xp_expr *b = parse_range(ps);
		if (!b)
			return NULL;
		struct xp_expr *c = binary(ps, ops[i].op, e, b);
		if (c)
			c->sub = (int)ops[i].cmp;
		return c;
	}
	return e;
}

static struct xp_expr *parse_and(struct parser *ps)
{
	struct xp_expr *e = parse_comparison(ps);
	while (e && is_word(ps, "and")) {
		if (advance(ps))
			return NULL;
		struct xp_expr *b = parse_comparison(ps);
		e = b ? binary(ps, XP_OP_AND, e, b) : NULL;
	}
	return e;
}

static struct xp_expr *parse_or(struct parser *ps)
{
	struct xp_expr *e = parse_and(ps);
	while (e && is_word(ps, "or")) {
		if (advance(ps))
			return NULL;
		struct xp_expr *b = parse_and(ps);
		e = b ? binary(ps, XP_OP_OR, e, b) : NULL;
	}
	return e;
}

/* for/some/every: bindings "$v in E, ..." then the return/satisfies clause. */
static struct xp_expr *parse_binding(struct parser *ps, enum xp_op op)
{
	struct xp_expr *e = node_new(ps, op);
	const struct xp_scope *saved = ps->cc->scope;
	struct xp_scope *scopes = NULL;
	int binds[64];
	size_t nb = 0;
	if (!e || advance(ps))
		return NULL;
	for (;;) {
		if (ps->t.kind != T_VAR) {
			fail(ps, "expected a variable");
			goto fail;
		}
		if (nb == sizeof binds / sizeof binds[0]) {
			fail(ps, "too many bindings");
			goto fail;
		}
		struct xp_scope *sc = tandem_arena_calloc(ps->cc->arena, 1, sizeof *sc);
		if (!sc || *ps->cc->next_slot >= XP_VARS_MAX) {
			fail(ps, "too many variables");
			goto fail;
		}
		sc->name = arena_str(ps, ps->t.local, ps->t.local_n);
		if (!sc->name || advance(ps) || expect_word(ps, "in"))
			goto fail;
		/* The domain sees the outer bindings only. */
		struct xp_expr *in = parse_single(ps);
		if (!in || push(ps, &e->kids, &e->nkids, in))
			goto fail;
		sc->slot = (*ps->cc->next_slot)++;
		sc->up = ps->cc->scope;
		ps->cc->scope = sc;
		scopes = sc;
		binds[nb++] = sc->slot;
		if (!is_sym(ps, ","))
			break;
		if (advance(ps))
			goto fail;
	}
	if (expect_word(ps, op == XP_OP_FOR ? "return" : "satisfies"))
		goto fail;
	struct xp_expr *body = parse_single(ps);
	if (!body || push(ps, &e->kids, &e->nkids, body))
		goto fail;
	e->binds = tandem_arena_alloc(ps->cc->arena, nb * sizeof *e->binds);
	if (!e->binds)
		goto fail;
	memcpy(e->binds, binds, nb * sizeof *binds);
	ps->cc->scope = saved;
	(void)scopes;
	return e;
fail:
	ps->cc->scope = saved;
	if (!ps->err)
		fail(ps, "bad binding");
	return NULL;
}

static struct xp_expr *parse_single(struct parser *ps)
{
	if (depth_in(ps))
		return NULL;
	struct xp_expr *e;
	if (is_word(ps, "for") && peek_char(ps) == '$')
		e = parse_binding(ps, XP_OP_FOR);
	else if (is_word(ps, "some") && peek_char(ps) == '$')
		e = parse_binding(ps, XP_OP_SOME);
	else if (is_word(ps, "every") && peek_char(ps) == '$')
		e = parse_binding(ps, XP_OP_EVERY);
	else if (is_word(ps, "if") && peek_char(ps) == '(') {
		e = node_new(ps, XP_OP_IF);
		struct xp_expr *c, *a, *b;
		if (!e || advance(ps) || expect_sym(ps, "(") || !(c = parse_expr(ps)) ||
		    expect_sym(ps, ")") || expect_word(ps, "then") || !(a = parse_single(ps)) ||
		    expect_word(ps, "else") || !(b = parse_single(ps)) ||
		    push(ps, &e->kids, &e->nkids, c) || push(ps, &e->kids, &e->nkids, a) ||
		    push(ps, &e->kids, &e->nkids, b))
			e = NULL;
	} else {
		e = parse_or(ps);
	}
	ps->depth--;
	return e;
}

static struct xp_expr *parse_expr(struct parser *ps)
{
	struct xp_expr *e = parse_single(ps);
	if (!e || !is_sym(ps, ","))
		return e;
	struct xp_expr *seq = node_new(ps, XP_OP_SEQ);
	if (!seq || push(ps, &seq->kids, &seq->nkids, e))
		return NULL;
	while (is_sym(ps, ",")) {
		if (advance(ps))
			return NULL;
		struct xp_expr *b = parse_single(ps);
		if (!b || push(ps, &seq->kids, &seq->nkids, b))
			return NULL;
	}
	return seq;
}

int xp_compile(struct xp_compiler *cc, const char *text, struct xp_expr **out)
{
	struct parser ps = {.cc = cc, .src = text, .len = strlen(text)};
	cc->err[0] = '\0';
	*out = NULL;
	if (ps.len > XP_EXPR_LEN_MAX) {
		snprintf(cc->err, sizeof cc->err, "expression longer than %u characters",
			 XP_EXPR_LEN_MAX);
		return TANDEM_ELIMIT;
	}
	if (advance(&ps))
		return ps.err;
	struct xp_expr *e = parse_expr(&ps);
	if (e && ps.t.kind != T_END)
		fail(&ps, "unexpected '%.*s'", (int)ps.t.n, ps.t.p);
	if (ps.err || !e)
		return ps.err ? ps.err : TANDEM_EBADINPUT;
	*out = e;
	return 0;
}
