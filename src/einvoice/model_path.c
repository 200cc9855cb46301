/*
 * src/einvoice/model_path.c - the path language of the binding table
 * (model.h): joining, compiling and evaluating on libxml2 trees.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "einvoice/model.h"
#include "einvoice/model_path.h"
#include "tandem/alloc.h"
#include "tandem/error.h"

#define JOIN_PARTS_MAX 32 /* steps of a prefix and a path */
#define TEXT_CMP_MAX 512 /* longer texts never equal a literal or a code */

const struct einv_ns einv_namespaces[] = {
	{ "cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" },
	{ "cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" },
	{ "rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" },
	{ "ram", "urn:un:unece:uncefact:data:standard:"
		 "ReusableAggregateBusinessInformationEntity:100" },
	{ "udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100" },
	{ "qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100" },
};
const size_t einv_namespace_count = sizeof einv_namespaces / sizeof einv_namespaces[0];


/* ---- joining ----------------------------------------------------------- */

/* Appends alternative alt of path, prefixed, resolving "x/.." pairs. */
static int join_one(struct tandem_buf *b, const char *prefix, const char *alt,
		    size_t alt_len)
{
	const char *parts[JOIN_PARTS_MAX];
	size_t lens[JOIN_PARTS_MAX];
	size_t n = 0;
	const char *srcs[2] = { prefix, alt };
	size_t src_lens[2] = { strlen(prefix), alt_len };

	for (int s = 0; s < 2; s++) {
		const char *p = srcs[s];
		const char *end = p + src_lens[s];
		int depth = 0;

		while (p < end) {
			const char *q = p;

			/* A step ends at a '/' outside brackets. */
			while (q < end && (*q != '/' || depth > 0)) {
				if (*q == '[')
					depth++;
				else if (*q == ']')
					depth--;
				q++;
			}
			if (q - p == 2 && memcmp(p, "..", 2) == 0 && n > 0 &&
			    !(lens[n - 1] == 2 && memcmp(parts[n - 1], "..", 2) == 0))
				n--;
			else if (q > p && !(q - p == 1 && *p == '.')) {
				if (n == JOIN_PARTS_MAX)
					return TANDEM_ELIMIT;
				parts[n] = p;
				lens[n++] = (size_t)(q - p);
			}
			p = q < end ? q + 1 : q;
		}
	}
	if (n == 0)
		return tandem_buf_putc(b, '.');
	for (size_t i = 0; i < n; i++) {
		int rc = 0;

		if (i > 0)
			rc = tandem_buf_putc(b, '/');
		if (rc == 0)
			rc = tandem_buf_append(b, parts[i], lens[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

char *einv_path_join(struct tandem_arena *a, const char *prefix, const char *path)
{
	struct tandem_buf b;
	const char *p = path;
	char *out = NULL;
	int rc = 0;

	tandem_buf_init(&b, 4096);
	for (;;) {
		const char *q = p;
		int depth = 0;

		while (*q != '\0' && (*q != '|' || depth > 0)) {
			if (*q == '[')
				depth++;
			else if (*q == ']')
				depth--;
			q++;
		}
		if (p != path)
			rc = tandem_buf_putc(&b, '|');
		if (rc == 0)
			rc = join_one(&b, prefix, p, (size_t)(q - p));
		if (rc != 0 || *q == '\0')
			break;
		p = q + 1;
	}
	if (rc == 0)
		out = tandem_arena_strndup(a, b.data, b.len);
	tandem_buf_release(&b);
	return out;
}

/* ---- compiling --------------------------------------------------------- */

struct parser {
	struct tandem_arena *a;
	const char *p;
	char *err;
	size_t err_size;
};

static bool fail(struct parser *ps, const char *what)
{
	snprintf(ps->err, ps->err_size, "%s at \"%.40s\"", what, ps->p);
	return false;
}

static void *fail_null(struct parser *ps, const char *what)
{
	(void)fail(ps, what);
	return NULL;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* prefix:name or @name into st. */
static bool parse_name(struct parser *ps, struct einv_step *st)
{
	const char *s = ps->p;
	const char *colon = NULL;

	if (*s == '@') {
		s++;
		ps->p = s;
		while (name_char(*ps->p))
			ps->p++;
		if (ps->p == s)
			return fail(ps, "attribute name expected");
		st->kind = EINV_STEP_ATTR;
		st->name = (const xmlChar *)tandem_arena_strndup(ps->a, s, (size_t)(ps->p - s));
		return st->name != NULL || fail(ps, "out of memory");
	}
	while (name_char(*ps->p) || (*ps->p == ':' && colon == NULL)) {
		if (*ps->p == ':')
			colon = ps->p;
		ps->p++;
	}
	if (colon == NULL)
		return fail(ps, "prefix:name expected");
	st->kind = EINV_STEP_CHILD;
	st->ns = NULL;
	for (size_t i = 0; i < einv_namespace_count; i++)
		if (strlen(einv_namespaces[i].prefix) == (size_t)(colon - s) &&
		    memcmp(einv_namespaces[i].prefix, s, (size_t)(colon - s)) == 0)
			st->ns = (const xmlChar *)einv_namespaces[i].uri;
	if (st->ns == NULL)
		return fail(ps, "unknown prefix");
	st->name = (const xmlChar *)tandem_arena_strndup(ps->a, colon + 1,
							 (size_t)(ps->p - colon - 1));
	return st->name != NULL || fail(ps, "out of memory");
}

static int term_index(const char *id, size_t len)
{
	for (size_t i = 0; i < einv_term_count; i++)
		if (strlen(einv_terms[i].id) == len && memcmp(einv_terms[i].id, id, len) == 0)
			return (int)i;
	return -1;
}

static bool parse_pred(struct parser *ps, struct einv_pred *pr)
{
	struct einv_step rel[EINV_PATH_STEPS_MAX];
	size_t n = 0;
	struct einv_step *copy;

	memset(pr, 0, sizeof *pr);
	pr->var = -1;
	for (;;) {
		if (n == EINV_PATH_STEPS_MAX)
			return fail(ps, "predicate too long");
		memset(&rel[n], 0, sizeof rel[n]);
		if (!parse_name(ps, &rel[n]))
			return false;
		n++;
		if (rel[n - 1].kind == EINV_STEP_ATTR || *ps->p != '/')
			break;
		ps->p++;
	}
	if (ps->p[0] == '!' && ps->p[1] == '=') {
		pr->negate = true;
		ps->p += 2;
	} else if (ps->p[0] == '=') {
		ps->p++;
	} else {
		return fail(ps, "= or != expected");
	}
	if (*ps->p == '\'') {
		const char *s = ++ps->p;

		while (*ps->p != '\0' && *ps->p != '\'')
			ps->p++;
		if (*ps->p != '\'')
			return fail(ps, "unterminated literal");
		pr->literal = tandem_arena_strndup(ps->a, s, (size_t)(ps->p - s));
		if (pr->literal == NULL)
			return fail(ps, "out of memory");
		ps->p++;
	} else if (*ps->p == '$') {
		const char *s = ++ps->p;

		while (name_char(*ps->p))
			ps->p++;
		pr->var = term_index(s, (size_t)(ps->p - s));
		if (pr->var < 0 || einv_terms[pr->var].group != EINV_G_INVOICE)
			return fail(ps, "unknown top-level term");
	} else {
		return fail(ps, "literal or $BT-n expected");
	}
	if (*ps->p != ']')
		return fail(ps, "] expected");
	ps->p++;
	copy = tandem_arena_alloc(ps->a, n * sizeof *copy);
	if (copy == NULL)
		return fail(ps, "out of memory");
	memcpy(copy, rel, n * sizeof *copy);
	pr->rel = copy;
	pr->n_rel = n;
	return true;
}

static bool parse_step(struct parser *ps, struct einv_step *st)
{
	struct einv_pred preds[EINV_PATH_PREDS_MAX];
	struct einv_pred *copy;

	memset(st, 0, sizeof *st);
	if (ps->p[0] == '.' && ps->p[1] == '.') {
		st->kind = EINV_STEP_PARENT;
		ps->p += 2;
		return true;
	}
	if (ps->p[0] == '.') {
		st->kind = EINV_STEP_SELF;
		ps->p++;
		return true;
	}
	if (*ps->p == '+') {
		st->repeat = true;
		ps->p++;
	}
	if (!parse_name(ps, st))
		return false;
	if (st->repeat && st->kind != EINV_STEP_CHILD)
		return fail(ps, "+ before an attribute");
	while (*ps->p == '[' && st->kind == EINV_STEP_CHILD) {
		ps->p++;
		if (st->n_preds == EINV_PATH_PREDS_MAX)
			return fail(ps, "too many predicates");
		if (!parse_pred(ps, &preds[st->n_preds]))
			return false;
		st->n_preds++;
	}
	if (st->n_preds > 0) {
		copy = tandem_arena_alloc(ps->a, st->n_preds * sizeof *copy);
		if (copy == NULL)
			return fail(ps, "out of memory");
		memcpy(copy, preds, st->n_preds * sizeof *copy);
		st->preds = copy;
	}
	return true;
}

struct einv_path *einv_path_compile(struct tandem_arena *a, const char *text,
				    char *err, size_t err_size)
{
	struct parser ps = { a, text, err, err_size };
	struct einv_path *path = tandem_arena_calloc(a, 1, sizeof *path);

	if (path == NULL) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	for (;;) {
		struct einv_step steps[EINV_PATH_STEPS_MAX];
		size_t n = 0;
		struct einv_step *copy;

		if (path->n_alts == EINV_PATH_ALTS_MAX)
			return fail_null(&ps, "too many alternatives");
		for (;;) {
			if (n == EINV_PATH_STEPS_MAX)
				return fail_null(&ps, "too many steps");
			if (!parse_step(&ps, &steps[n]))
				return NULL;
			n++;
			if (steps[n - 1].kind == EINV_STEP_ATTR || *ps.p != '/')
				break;
			ps.p++;
		}
		copy = tandem_arena_alloc(a, n * sizeof *copy);
		if (copy == NULL)
			return fail_null(&ps, "out of memory");
		memcpy(copy, steps, n * sizeof *copy);
		path->alts[path->n_alts].steps = copy;
		path->alts[path->n_alts].n = n;
		path->n_alts++;
		if (*ps.p == '\0')
			return path;
		if (*ps.p != '|')
			return fail_null(&ps, "| or end expected");
		ps.p++;
	}
}

/* ---- evaluating -------------------------------------------------------- */

/* The trimmed text of an element or attribute into buf; false when it does
 * not fit (it then equals no literal). */
static bool node_text(xmlNodePtr node, char *buf, size_t size, size_t *len)
{
	size_t n = 0;
	size_t start = 0;

	for (xmlNodePtr c = node->children; c != NULL; c = c->next) {
		size_t l;

		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
			continue;
		if (c->content == NULL)
			continue;
		l = strlen((const char *)c->content);
		if (n + l >= size)
			return false;
		memcpy(buf + n, c->content, l);
		n += l;
	}
	while (start < n && (buf[start] == ' ' || buf[start] == '\t' ||
			     buf[start] == '\n' || buf[start] == '\r'))
		start++;
	while (n > start && (buf[n - 1] == ' ' || buf[n - 1] == '\t' ||
			     buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	memmove(buf, buf + start, n - start);
	*len = n - start;
	buf[*len] = '\0';
	return true;
}

static bool text_equals(xmlNodePtr node, const char *value)
{
	char buf[TEXT_CMP_MAX];
	size_t len;

	if (value == NULL || !node_text(node, buf, sizeof buf, &len))
		return false;
	if (strcmp(buf, value) == 0)
		return true;
	/* xs:boolean: 'true' also matches 1, 'false' 0. */
	return (strcmp(value, "true") == 0 && strcmp(buf, "1") == 0) ||
	       (strcmp(value, "false") == 0 && strcmp(buf, "0") == 0);
}

static bool child_matches(xmlNodePtr c, const struct einv_step *st)
{
	return c->type == XML_ELEMENT_NODE && c->ns != NULL &&
	       xmlStrEqual(c->name, st->name) && xmlStrEqual(c->ns->href, st->ns);
}

/* Does some node reached by rel[i..] from node have the text value? */
static bool any_equals(const struct einv_step *rel, size_t n, size_t i, xmlNodePtr node,
		       const char *value)
{
	if (i == n)
		return text_equals(node, value);
	if (rel[i].kind == EINV_STEP_ATTR) {
		xmlAttrPtr at = xmlHasNsProp(node, rel[i].name, NULL);

		return at != NULL && text_equals((xmlNodePtr)at, value);
	}
	for (xmlNodePtr c = node->children; c != NULL; c = c->next)
		if (child_matches(c, &rel[i]) && any_equals(rel, n, i + 1, c, value))
			return true;
	return false;
}

static bool preds_hold(const struct einv_step *st, xmlNodePtr node, const char *const *vars)
{
	for (size_t i = 0; i < st->n_preds; i++) {
		const struct einv_pred *pr = &st->preds[i];
		const char *value = pr->var >= 0 ? vars[pr->var] : pr->literal;
		bool found = any_equals(pr->rel, pr->n_rel, 0, node, value);

		if (found == pr->negate)
			return false;
	}
	return true;
}

bool einv_step_matches(const struct einv_step *st, xmlNodePtr c, const char *const *vars)
{
	return child_matches(c, st) && preds_hold(st, c, vars);
}

static int push(struct einv_nodes *out, xmlNodePtr node)
{
	if (out->count == out->cap) {
		size_t cap = out->cap == 0 ? 16 : out->cap * 2;
		xmlNodePtr *items = tandem_realloc(out->items, cap * sizeof(xmlNodePtr));

		if (items == NULL)
			return TANDEM_ENOMEM;
		out->items = items;
		out->cap = cap;
	}
	out->items[out->count++] = node;
	return 0;
}

static int walk(const struct einv_alt *alt, size_t i, xmlNodePtr node,
		const char *const *vars, size_t max, struct einv_nodes *out)
{
	const struct einv_step *st;

	if (out->count >= max)
		return 0;
	if (i == alt->n)
		return push(out, node);
	st = &alt->steps[i];
	switch (st->kind) {
	case EINV_STEP_SELF:
		return walk(alt, i + 1, node, vars, max, out);
	case EINV_STEP_PARENT:
		if (node->parent == NULL || node->parent->type != XML_ELEMENT_NODE)
			return 0;
		return walk(alt, i + 1, node->parent, vars, max, out);
	case EINV_STEP_ATTR: {
		xmlAttrPtr at = xmlHasNsProp(node, st->name, NULL);

		return at != NULL ? push(out, (xmlNodePtr)at) : 0;
	}
	case EINV_STEP_CHILD:
		break;
	}
	for (xmlNodePtr c = node->children; c != NULL && out->count < max; c = c->next) {
		int rc;

		if (!einv_step_matches(st, c, vars))
			continue;
		rc = walk(alt, i + 1, c, vars, max, out);
		if (rc != 0)
			return rc;
	}
	return 0;
}

long einv_path_eval(const struct einv_path *p, xmlNodePtr ctx, const char *const *vars,
		    size_t max, struct einv_nodes *out)
{
	size_t before = out->count;

	for (size_t i = 0; i < p->n_alts; i++)
		if (walk(&p->alts[i], 0, ctx, vars, before + max, out) != 0)
			return -1;
	return (long)(out->count - before);
}

void einv_nodes_release(struct einv_nodes *n)
{
	tandem_free(n->items);
	n->items = NULL;
	n->count = n->cap = 0;
}
