/*
 * src/schematron/sch_load.c - reads a Schematron file (and what it
 * includes) and compiles it into the tables of schematron_int.h.
 *
 * Two passes over the tree: the first collects namespace prefixes, global
 * variable names and abstract rules, so that expressions may use them in
 * any order; the second compiles contexts, lets, tests and messages. Every
 * expression is compiled here - an unsupported construct fails the load
 * with the line of the .sch, never a validation later.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>

#include "core/core.h"
#include "schematron_int.h"

#define SCH_NS "http://purl.oclc.org/dsdl/schematron"

struct abstract_rule {
	const char *id;
	xmlNodePtr node;
};

struct loader {
	struct sch_schema *s;
	char *err;
	size_t err_size;
	int rc;
	xmlDocPtr docs[SCH_INCLUDE_DEPTH * 8];
	size_t ndocs;
	struct xp_ns ns[128];
	size_t nns;
	struct xp_scope *globals; /* global variable names, newest first */
	struct abstract_rule abstracts[512];
	size_t nabstracts;
	/* Growing arrays, moved into the arena at the end. */
	struct sch_assert *asserts;
	size_t nasserts, cap_asserts;
	struct sch_pattern *patterns;
	size_t npatterns, cap_patterns;
	struct sch_let globals_v[1024];
	size_t nglobals;  /* compiled (pass 2) */
	size_t ndeclared; /* declared (pass 1): bounds nglobals */
	int next_slot;
	const char *pattern_id;
	const struct xp_expr *generic[256];
	size_t ngeneric;
	struct xp_names *names;
	const char *empty; /* "" in the arena: the image points only into itself */
};

static int fail(struct loader *ld, int rc, xmlNodePtr at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct loader *ld, int rc, xmlNodePtr at, const char *fmt, ...)
{
	if (ld->rc)
		return ld->rc;
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (at && at->doc && at->doc->URL)
		snprintf(ld->err, ld->err_size, "%s:%ld: %s", (const char *)at->doc->URL,
			 xmlGetLineNo(at), msg);
	else
		snprintf(ld->err, ld->err_size, "%s", msg);
	ld->rc = rc;
	return rc;
}

static bool is_sch(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, SCH_NS) == 0 &&
	       (!name || strcmp((const char *)n->name, name) == 0);
}

/* Attribute value copied into the arena, or NULL when absent. */
static const char *attr(struct loader *ld, xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	const char *s = tandem_arena_strndup(&ld->s->arena, (const char *)v, strlen((char *)v));
	xmlFree(v);
	if (!s)
		fail(ld, TANDEM_ENOMEM, n, "out of memory");
	return s;
}

static xmlDocPtr read_doc(struct loader *ld, const char *path, xmlNodePtr from)
{
	if (ld->ndocs == TANDEM_ARRAY_SIZE(ld->docs)) {
		fail(ld, TANDEM_ELIMIT, from, "too many included files");
		return NULL;
	}
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fail(ld, TANDEM_EIO, from, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	/* The file's identity as the read starts (sch_image_source). A change
	 * during the read gives the file a recent change time: its content is
	 * then hashed at each use of the cache, and found different. */
	struct stat before;
	bool known = fstat(fileno(fp), &before) == 0;
	/* Size first: a buffer of the file's size, not of the limit. */
	long size = fseek(fp, 0, SEEK_END) == 0 ? ftell(fp) : -1;
	bool seek_ok = size >= 0 && fseek(fp, 0, SEEK_SET) == 0;
	size_t cap = seek_ok && (size_t)size <= SCH_FILE_MAX ? (size_t)size + 1 : SCH_FILE_MAX + 1;
	char *buf = tandem_malloc(cap);
	size_t n = buf ? fread(buf, 1, cap, fp) : 0;
	bool bad = ferror(fp) || !seek_ok;
	fclose(fp);
	if (!buf || bad || n > SCH_FILE_MAX || n == cap) {
		tandem_free(buf);
		fail(ld, buf ? (bad ? TANDEM_EIO : TANDEM_ELIMIT) : TANDEM_ENOMEM, from,
		     bad ? "cannot read %s" : "%s is larger than the limit or memory", path);
		return NULL;
	}
	/* Trusted artefacts, still parsed without network, DTD or entities. */
	xmlDocPtr doc = xmlReadMemory(buf, (int)n, path, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				      XML_PARSE_COMPACT);
	sch_image_source(ld->s, path, buf, n, known ? &before : NULL);
	tandem_free(buf);
	if (!doc) {
		fail(ld, TANDEM_EBADINPUT, from, "%s is not well-formed XML", path);
		return NULL;
	}
	ld->docs[ld->ndocs++] = doc;
	return doc;
}

/* Resolves href against the file that holds node n. */
static xmlDocPtr include_doc(struct loader *ld, xmlNodePtr n, int depth)
{
	const char *href = attr(ld, n, "href");
	if (!href) {
		fail(ld, TANDEM_EBADINPUT, n, "<include> without href");
		return NULL;
	}
	if (depth >= SCH_INCLUDE_DEPTH) {
		fail(ld, TANDEM_ELIMIT, n, "includes nested deeper than %d", SCH_INCLUDE_DEPTH);
		return NULL;
	}
	if (strstr(href, "://") || strchr(href, '#')) {
		fail(ld, TANDEM_EBADINPUT, n, "only local files can be included: %s", href);
		return NULL;
	}
	char path[4096];
	const char *base = n->doc->URL ? (const char *)n->doc->URL : "";
	const char *slash = strrchr(base, '/');
	if (href[0] == '/' || !slash)
		snprintf(path, sizeof path, "%s", href);
	else
		snprintf(path, sizeof path, "%.*s/%s", (int)(slash - base), base, href);
	return read_doc(ld, path, n);
}

/* --- pass 1: prefixes, global names, abstract rules --- */

static int declare_global(struct loader *ld, xmlNodePtr n)
{
	const char *name = attr(ld, n, "name");
	if (!name)
		return fail(ld, TANDEM_EBADINPUT, n, "<let> without name");
	if (ld->next_slot >= XP_VARS_MAX || ld->ndeclared == TANDEM_ARRAY_SIZE(ld->globals_v))
		return fail(ld, TANDEM_ELIMIT, n, "more than %zu global variables",
			    TANDEM_ARRAY_SIZE(ld->globals_v));
	ld->ndeclared++;
	struct xp_scope *sc = tandem_arena_calloc(&ld->s->arena, 1, sizeof *sc);
	if (!sc)
		return fail(ld, TANDEM_ENOMEM, n, "out of memory");
	sc->name = name;
	sc->slot = ld->next_slot++;
	sc->up = ld->globals;
	ld->globals = sc;
	return 0;
}

static int collect(struct loader *ld, xmlNodePtr parent, int depth, bool in_pattern)
{
	if (!parent)
		return ld->rc;
	for (xmlNodePtr n = parent->children; n && !ld->rc; n = n->next) {
		if (!is_sch(n, NULL))
			continue;
		const char *name = (const char *)n->name;
		if (!strcmp(name, "ns")) {
			if (ld->nns + 1 >= TANDEM_ARRAY_SIZE(ld->ns))
				return fail(ld, TANDEM_ELIMIT, n, "too many namespaces");
			ld->ns[ld->nns].prefix = attr(ld, n, "prefix");
			ld->ns[ld->nns].uri = attr(ld, n, "uri");
			if (!ld->ns[ld->nns].prefix || !ld->ns[ld->nns].uri)
				return fail(ld, TANDEM_EBADINPUT, n, "<ns> needs prefix and uri");
			ld->nns++;
		} else if (!strcmp(name, "let")) {
			declare_global(ld, n);
		} else if (!strcmp(name, "pattern")) {
			const char *abs = attr(ld, n, "abstract");
			if ((abs && !strcmp(abs, "true")) || xmlHasProp(n, (const xmlChar *)"is-a"))
				return fail(ld, TANDEM_EUNSUPPORTED, n,
					    "abstract patterns must be instantiated first (use the preprocessed file)");
			collect(ld, n, depth, true);
		} else if (!strcmp(name, "rule") && in_pattern) {
			const char *abs = attr(ld, n, "abstract");
			if (abs && !strcmp(abs, "true")) {
				if (ld->nabstracts == TANDEM_ARRAY_SIZE(ld->abstracts))
					return fail(ld, TANDEM_ELIMIT, n, "too many abstract rules");
				ld->abstracts[ld->nabstracts].id = attr(ld, n, "id");
				ld->abstracts[ld->nabstracts].node = n;
				ld->nabstracts++;
			}
		} else if (!strcmp(name, "include")) {
			xmlDocPtr doc = include_doc(ld, n, depth + 1);
			if (!doc)
				return ld->rc;
			xmlNodePtr root = xmlDocGetRootElement(doc);
			/* Included content replaces the include element. */
			if (root && is_sch(root, "pattern")) {
				collect(ld, doc->children ? (xmlNodePtr)doc : root, depth + 1, in_pattern);
			} else if (root && is_sch(root, "schema")) {
				collect(ld, root, depth + 1, in_pattern);
			} else if (root && is_sch(root, NULL)) {
				collect(ld, (xmlNodePtr)doc, depth + 1, in_pattern);
			}
		}
	}
	return ld->rc;
}

/* --- pass 2: compile --- */

static struct xp_expr *compile(struct loader *ld, xmlNodePtr at, const char *text,
			       const struct xp_scope *scope)
{
	struct xp_compiler cc = {
		.arena = &ld->s->arena,
		.names = ld->names,
		.ns = ld->ns,
		.scope = scope,
		.next_slot = &ld->next_slot,
	};
	struct xp_expr *e;
	int rc = xp_compile(&cc, text, &e);
	if (rc) {
		fail(ld, rc, at, "cannot compile \"%.120s\": %s", text, cc.err);
		return NULL;
	}
	return e;
}

static int add_part(struct loader *ld, struct sch_part **parts, size_t *n, size_t *cap,
		    struct sch_part p)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4;
		struct sch_part *np = tandem_arena_alloc(&ld->s->arena, nc * sizeof *np);
		if (!np)
			return fail(ld, TANDEM_ENOMEM, NULL, "out of memory");
		if (*n)
			memcpy(np, *parts, *n * sizeof *np);
		*parts = np;
		*cap = nc;
	}
	(*parts)[(*n)++] = p;
	return 0;
}

/* Message parts of an assert: text, value-of, name; other markup gives its text. */
static int message_parts(struct loader *ld, xmlNodePtr n, const struct xp_scope *scope,
			 struct sch_assert *a, size_t *cap, struct tandem_buf *text)
{
	for (xmlNodePtr k = n->children; k && !ld->rc; k = k->next) {
		if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
			const char *t = (const char *)k->content;
			const char *s = tandem_arena_strndup(&ld->s->arena, t, strlen(t));
			if (!s || add_part(ld, &a->parts, &a->nparts, cap,
					   (struct sch_part){SCH_PART_TEXT, s, NULL}))
				return fail(ld, TANDEM_ENOMEM, k, "out of memory");
			tandem_buf_puts(text, t);
		} else if (is_sch(k, "value-of")) {
			const char *sel = attr(ld, k, "select");
			struct xp_expr *e = sel ? compile(ld, k, sel, scope) : NULL;
			if (!e)
				return fail(ld, TANDEM_EBADINPUT, k, "<value-of> without a valid select");
			if (add_part(ld, &a->parts, &a->nparts, cap,
				     (struct sch_part){SCH_PART_VALUE, sel, e}))
				return ld->rc;
			tandem_buf_printf(text, "{%s}", sel);
		} else if (is_sch(k, "name")) {
			const char *path = attr(ld, k, "path");
			struct xp_expr *e = path ? compile(ld, k, path, scope) : NULL;
			if (path && !e)
				return ld->rc;
			if (add_part(ld, &a->parts, &a->nparts, cap,
				     (struct sch_part){SCH_PART_NAME, path, e}))
				return ld->rc;
			tandem_buf_printf(text, "{name(%s)}", path ? path : "");
		} else if (k->type == XML_ELEMENT_NODE) {
			message_parts(ld, k, scope, a, cap, text);
		}
	}
	return ld->rc;
}

static int add_assert(struct loader *ld, xmlNodePtr n, const char *rule_flag,
		      const char *context_text, const struct xp_scope *scope)
{
	if (ld->nasserts >= SCH_RULES_MAX)
		return fail(ld, TANDEM_ELIMIT, n, "more than %d asserts", SCH_RULES_MAX);
	if (ld->nasserts == ld->cap_asserts) {
		size_t nc = ld->cap_asserts ? ld->cap_asserts * 2 : 256;
		struct sch_assert *na = tandem_realloc(ld->asserts, nc * sizeof *na);
		if (!na)
			return fail(ld, TANDEM_ENOMEM, n, "out of memory");
		ld->asserts = na;
		ld->cap_asserts = nc;
	}
	struct sch_assert *a = &ld->asserts[ld->nasserts];
	memset(a, 0, sizeof *a);
	a->report = strcmp((const char *)n->name, "report") == 0;
	a->id = attr(ld, n, "id");
	a->flag = attr(ld, n, "flag");
	if (!a->flag)
		a->flag = rule_flag;
	if (!a->flag)
		a->flag = attr(ld, n, "role");
	if (!a->id)
		a->id = ld->empty;
	if (!a->flag)
		a->flag = ld->empty;
	a->test_text = attr(ld, n, "test");
	a->pattern_id = ld->pattern_id;
	a->context_text = context_text;
	a->line = xmlGetLineNo(n);
	if (!a->test_text)
		return fail(ld, TANDEM_EBADINPUT, n, "<%s> without test", (const char *)n->name);
	if (!(a->test = compile(ld, n, a->test_text, scope)))
		return ld->rc;
	/* The names whose absence keeps it silent (xp_quiet_names()). */
	const struct xp_test *quiet[SCH_QUIET_MAX];
	a->nquiet = (uint8_t)xp_quiet_names(a->test, !a->report, quiet, SCH_QUIET_MAX);
	for (size_t i = 0; i < a->nquiet; i++)
		a->quiet[i] = (struct sch_quiet_name){quiet[i]->local, quiet[i]->name_id};
	a->nvalue = (uint8_t)xp_value_inputs(a->test, a->value, SCH_VALUE_MAX);
	struct tandem_buf text;
	size_t cap = 0;
	tandem_buf_init(&text, (size_t)64 * 1024);
	message_parts(ld, n, scope, a, &cap, &text);
	a->message_text = tandem_arena_strndup(&ld->s->arena, text.data ? text.data : "", text.len);
	tandem_buf_release(&text);
	if (!a->message_text)
		return fail(ld, TANDEM_ENOMEM, n, "out of memory");
	ld->nasserts++;
	return ld->rc;
}

struct rule_build {
	struct sch_let lets[256];
	size_t nlets;
	const struct xp_scope *scope;
	const char *flag;
	const char *context_text;
};

static int rule_body(struct loader *ld, xmlNodePtr rule, struct rule_build *rb, int depth)
{
	for (xmlNodePtr k = rule->children; k && !ld->rc; k = k->next) {
		if (!is_sch(k, NULL))
			continue;
		const char *name = (const char *)k->name;
		if (!strcmp(name, "let")) {
			const char *vname = attr(ld, k, "name");
			const char *value = attr(ld, k, "value");
			if (!vname || !value)
				return fail(ld, TANDEM_EBADINPUT, k, "<let> needs name and value");
			if (rb->nlets == TANDEM_ARRAY_SIZE(rb->lets) || ld->next_slot >= XP_VARS_MAX)
				return fail(ld, TANDEM_ELIMIT, k, "too many variables in a rule");
			struct xp_expr *e = compile(ld, k, value, rb->scope);
			struct xp_scope *sc = tandem_arena_calloc(&ld->s->arena, 1, sizeof *sc);
			if (!e || !sc)
				return ld->rc ? ld->rc : fail(ld, TANDEM_ENOMEM, k, "out of memory");
			sc->name = vname;
			sc->slot = ld->next_slot++;
			sc->up = rb->scope;
			rb->scope = sc;
			rb->lets[rb->nlets++] = (struct sch_let){sc->slot, e};
		} else if (!strcmp(name, "assert") || !strcmp(name, "report")) {
			add_assert(ld, k, rb->flag, rb->context_text, rb->scope);
		} else if (!strcmp(name, "extends")) {
			const char *id = attr(ld, k, "rule");
			size_t i;
			for (i = 0; id && i < ld->nabstracts; i++)
				if (ld->abstracts[i].id && !strcmp(ld->abstracts[i].id, id))
					break;
			if (!id || i == ld->nabstracts)
				return fail(ld, TANDEM_EBADINPUT, k, "<extends> names an unknown rule");
			if (depth > 8)
				return fail(ld, TANDEM_ELIMIT, k, "<extends> nested too deep");
			rule_body(ld, ld->abstracts[i].node, rb, depth + 1);
		}
	}
	return ld->rc;
}

static int add_rule(struct loader *ld, xmlNodePtr n, struct sch_rule *r)
{
	struct rule_build *rb = tandem_calloc(1, sizeof *rb);
	if (!rb)
		return fail(ld, TANDEM_ENOMEM, n, "out of memory");
	rb->scope = ld->globals;
	rb->flag = attr(ld, n, "flag");
	rb->context_text = attr(ld, n, "context");
	r->context_text = rb->context_text;
	r->line = xmlGetLineNo(n);
	r->first_assert = ld->nasserts;
	if (!rb->context_text) {
		fail(ld, TANDEM_EBADINPUT, n, "<rule> without context");
	} else if ((r->context = compile(ld, n, rb->context_text, ld->globals))) {
		rule_body(ld, n, rb, 0);
		r->nasserts = ld->nasserts - r->first_assert;
		r->nlets = rb->nlets;
		r->lets = tandem_arena_alloc(&ld->s->arena, (rb->nlets ? rb->nlets : 1) * sizeof *r->lets);
		if (!r->lets)
			fail(ld, TANDEM_ENOMEM, n, "out of memory");
		else if (rb->nlets)
			memcpy(r->lets, rb->lets, rb->nlets * sizeof *r->lets);
	}
	tandem_free(rb);
	return ld->rc;
}

/* A plain path pattern: steps joined by / and //, from the root or not. */
static bool plain_path(const struct xp_expr *e)
{
	if (e->op == XP_OP_ROOT || e->op == XP_OP_STEP)
		return true;
	return e->op == XP_OP_PATH && e->kids[1]->op == XP_OP_STEP && plain_path(e->kids[0]);
}

/* An expression whose value does not depend on the context node. */
static bool absolute(const struct xp_expr *e)
{
	switch (e->op) {
	case XP_OP_ROOT:
		return true;
	case XP_OP_PATH:
	case XP_OP_FILTER:
		return absolute(e->kids[0]);
	case XP_OP_UNION:
		return absolute(e->kids[0]) && absolute(e->kids[1]);
	default:
		return false;
	}
}

/* Splits a context into its union alternatives and indexes their last step. */
static int index_alt(struct loader *ld, xmlNodePtr at, const struct xp_expr *e, size_t rule,
		     struct sch_alt *alts, size_t *n, size_t max)
{
	if (e->op == XP_OP_UNION) {
		if (index_alt(ld, at, e->kids[0], rule, alts, n, max))
			return ld->rc;
		return index_alt(ld, at, e->kids[1], rule, alts, n, max);
	}
	if (*n == max)
		return fail(ld, TANDEM_ELIMIT, at, "too many rule contexts");
	const struct xp_expr *last = e;
	while (last->op == XP_OP_PATH)
		last = last->kids[1];
	struct sch_alt *a = &alts[(*n)++];
	a->path = e;
	a->rule = rule;
	a->local = NULL;
	a->name_id = 0;
	a->node_kind = 0;
	a->generic = false;
	if (!plain_path(e)) {
		if (!absolute(e))
			return fail(ld, TANDEM_EUNSUPPORTED, at,
				    "a rule context that is not a path must start at the root");
		if (ld->ngeneric == TANDEM_ARRAY_SIZE(ld->generic))
			return fail(ld, TANDEM_ELIMIT, at, "too many complex rule contexts");
		a->generic = true;
		a->generic_index = ld->ngeneric;
		ld->generic[ld->ngeneric++] = e;
		return 0;
	}
	if (last->op == XP_OP_ROOT) {
		a->node_kind = XML_DOCUMENT_NODE;
	} else if (last->op == XP_OP_STEP) {
		bool attr_axis = xp_axis_attr(last->axis);
		if (last->axis != XP_AXIS_CHILD && !attr_axis && last->axis != XP_AXIS_DESCENDANT &&
		    last->axis != XP_AXIS_DESCENDANT_OR_SELF)
			return fail(ld, TANDEM_EUNSUPPORTED, at,
				    "a rule context may use only child, attribute and // steps");
		if (last->test.kind == XP_TEST_NAME || last->test.kind == XP_TEST_LOCAL_ANY) {
			a->local = last->test.local;
			a->name_id = last->test.name_id;
		}
		if (last->test.kind == XP_TEST_NAME || last->test.kind == XP_TEST_ANY_NAME ||
		    last->test.kind == XP_TEST_NS_ANY || last->test.kind == XP_TEST_LOCAL_ANY)
			a->node_kind = attr_axis ? XML_ATTRIBUTE_NODE : XML_ELEMENT_NODE;
	} else {
		return fail(ld, TANDEM_EUNSUPPORTED, at, "unsupported rule context");
	}
	return 0;
}

static int add_pattern(struct loader *ld, xmlNodePtr n, int depth);

/* Compiles a schema- or pattern-level <let>, declared in pass 1. */
static int compile_global(struct loader *ld, xmlNodePtr n)
{
	const char *vname = attr(ld, n, "name");
	const char *value = attr(ld, n, "value");
	const struct xp_scope *sc = ld->globals;
	while (sc && vname && strcmp(sc->name, vname) != 0)
		sc = sc->up;
	if (!sc || !value)
		return fail(ld, TANDEM_EBADINPUT, n, "<let> needs name and value");
	struct xp_expr *e = compile(ld, n, value, ld->globals);
	if (!e)
		return ld->rc;
	TANDEM_ASSERT(ld->nglobals < ld->ndeclared);
	ld->globals_v[ld->nglobals++] = (struct sch_let){sc->slot, e};
	return 0;
}

/* Groups the alternatives of a pattern by the local name of their last step. */
/* Groups the alternatives of a pattern by the local name of their last step. */
static int group_alts(struct loader *ld, xmlNodePtr at, struct sch_pattern *p)
{
	struct tandem_arena *a = &ld->s->arena;
	p->groups = tandem_arena_calloc(a, p->nalts + 1, sizeof *p->groups);
	p->wild = tandem_arena_calloc(a, p->nalts + 1, sizeof(const struct sch_alt *));
	if (!p->groups || !p->wild)
		return fail(ld, TANDEM_ENOMEM, at, "out of memory");
	for (size_t i = 0; i < p->nalts; i++) {
		const struct sch_alt *alt = &p->alts[i];
		if (!alt->local || alt->generic) {
			p->wild[p->nwild++] = alt;
			continue;
		}
		size_t g = 0;
		while (g < p->ngroups && strcmp(p->groups[g].local, alt->local) != 0)
			g++;
		if (g == p->ngroups) {
			p->groups[g].local = alt->local;
			p->groups[g].name_id = alt->name_id;
			p->groups[g].alts = tandem_arena_calloc(a, p->nalts, sizeof(const struct sch_alt *));
			if (!p->groups[g].alts)
				return fail(ld, TANDEM_ENOMEM, at, "out of memory");
			p->ngroups++;
		}
		p->groups[g].alts[p->groups[g].n++] = alt;
	}
	return 0;
}

static int pattern_children(struct loader *ld, xmlNodePtr parent, struct sch_rule **rules,
			    size_t *nrules, size_t *cap, int depth)
{
	for (xmlNodePtr k = parent->children; k && !ld->rc; k = k->next) {
		if (!is_sch(k, NULL))
			continue;
		const char *name = (const char *)k->name;
		if (!strcmp(name, "rule")) {
			const char *abs = attr(ld, k, "abstract");
			if (abs && !strcmp(abs, "true"))
				continue;
			if (*nrules == *cap) {
				size_t nc = *cap ? *cap * 2 : 16;
				struct sch_rule *nr = tandem_realloc(*rules, nc * sizeof *nr);
				if (!nr)
					return fail(ld, TANDEM_ENOMEM, k, "out of memory");
				*rules = nr;
				*cap = nc;
			}
			memset(&(*rules)[*nrules], 0, sizeof **rules);
			if (add_rule(ld, k, &(*rules)[*nrules]))
				return ld->rc;
			(*nrules)++;
		} else if (!strcmp(name, "let")) {
			/* Pattern-level lets are global variables. */
			if (compile_global(ld, k))
				return ld->rc;
		} else if (!strcmp(name, "include")) {
			xmlDocPtr doc = include_doc(ld, k, depth + 1);
			if (!doc)
				return ld->rc;
			xmlNodePtr root = xmlDocGetRootElement(doc);
			if (root && is_sch(root, "rule")) {
				if (pattern_children(ld, (xmlNodePtr)doc, rules, nrules, cap, depth + 1))
					return ld->rc;
			}
		}
	}
	return ld->rc;
}

static int add_pattern(struct loader *ld, xmlNodePtr n, int depth)
{
	if (ld->npatterns == ld->cap_patterns) {
		size_t nc = ld->cap_patterns ? ld->cap_patterns * 2 : 8;
		struct sch_pattern *np = tandem_realloc(ld->patterns, nc * sizeof *np);
		if (!np)
			return fail(ld, TANDEM_ENOMEM, n, "out of memory");
		ld->patterns = np;
		ld->cap_patterns = nc;
	}
	struct sch_pattern *p = &ld->patterns[ld->npatterns];
	memset(p, 0, sizeof *p);
	p->id = attr(ld, n, "id");
	if (!p->id)
		p->id = ld->empty;
	ld->pattern_id = p->id;
	struct sch_rule *rules = NULL;
	size_t nrules = 0, cap = 0;
	if (pattern_children(ld, n, &rules, &nrules, &cap, depth)) {
		tandem_free(rules);
		return ld->rc;
	}
	p->rules = tandem_arena_alloc(&ld->s->arena, (nrules ? nrules : 1) * sizeof *p->rules);
	if (!p->rules) {
		tandem_free(rules);
		return fail(ld, TANDEM_ENOMEM, n, "out of memory");
	}
	if (nrules)
		memcpy(p->rules, rules, nrules * sizeof *rules);
	p->nrules = nrules;
	tandem_free(rules);
	/* Index the alternatives of every context. */
	size_t max = nrules * 8 + 8;
	struct sch_alt *alts = tandem_malloc(max * sizeof *alts);
	if (!alts)
		return fail(ld, TANDEM_ENOMEM, n, "out of memory");
	for (size_t i = 0; i < nrules && !ld->rc; i++)
		index_alt(ld, n, p->rules[i].context, i, alts, &p->nalts, max);
	p->alts = tandem_arena_alloc(&ld->s->arena, (p->nalts + 1) * sizeof *p->alts);
	if (!p->alts) {
		tandem_free(alts);
		return fail(ld, TANDEM_ENOMEM, n, "out of memory");
	}
	if (p->nalts)
		memcpy(p->alts, alts, p->nalts * sizeof *alts);
	tandem_free(alts);
	if (!ld->rc)
		group_alts(ld, n, p);
	ld->npatterns++;
	return ld->rc;
}

static int compile_all(struct loader *ld, xmlNodePtr parent, int depth)
{
	if (!parent)
		return ld->rc;
	for (xmlNodePtr n = parent->children; n && !ld->rc; n = n->next) {
		if (!is_sch(n, NULL))
			continue;
		const char *name = (const char *)n->name;
		if (!strcmp(name, "title") && !ld->s->title) {
			xmlChar *t = xmlNodeGetContent(n);
			if (t) {
				ld->s->title = tandem_arena_strndup(&ld->s->arena, (char *)t,
								    strlen((char *)t));
				xmlFree(t);
			}
		} else if (!strcmp(name, "let")) {
			if (compile_global(ld, n))
				return ld->rc;
		} else if (!strcmp(name, "pattern")) {
			add_pattern(ld, n, depth);
		} else if (!strcmp(name, "include")) {
			xmlDocPtr doc = include_doc(ld, n, depth + 1);
			if (!doc)
				return ld->rc;
			xmlNodePtr root = xmlDocGetRootElement(doc);
			if (root && is_sch(root, "schema"))
				compile_all(ld, root, depth + 1);
			else
				compile_all(ld, (xmlNodePtr)doc, depth + 1);
		}
	}
	return ld->rc;
}

int sch_load(const char *path, struct sch_schema **out, char *err, size_t err_size)
{
	struct loader *ld = tandem_calloc(1, sizeof *ld);
	struct sch_schema *s = tandem_calloc(1, sizeof *s);
	*out = NULL;
	if (err_size)
		err[0] = '\0';
	if (!ld || !s) {
		tandem_free(ld);
		tandem_free(s);
		snprintf(err, err_size, "out of memory");
		return TANDEM_ENOMEM;
	}
	ld->s = s;
	ld->err = err;
	ld->err_size = err_size;
	if (sch_image_begin(s) || !(ld->empty = tandem_arena_strndup(&s->arena, "", 0)))
		fail(ld, TANDEM_ENOMEM, NULL, "out of memory");
	ld->names = tandem_calloc(1, sizeof *ld->names);
	xmlDocPtr doc = ld->rc ? NULL : read_doc(ld, path, NULL);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (doc && (!root || !is_sch(root, "schema")))
		fail(ld, TANDEM_EBADINPUT, root, "%s is not an ISO Schematron schema", path);
	if (!ld->rc)
		collect(ld, root, 0, false);
	/* Pass 2 reads the included files again; abstract rules found in pass
	 * 1 stay valid because no document is freed before the end. */
	if (!ld->rc)
		compile_all(ld, root, 0);
	for (size_t i = 0; i < ld->ndocs; i++)
		xmlFreeDoc(ld->docs[i]);
	if (!ld->rc) {
		s->ns = tandem_arena_calloc(&s->arena, ld->nns + 1, sizeof *s->ns);
		s->globals = tandem_arena_alloc(&s->arena, (ld->nglobals + 1) * sizeof *s->globals);
		s->patterns = tandem_arena_alloc(&s->arena, (ld->npatterns + 1) * sizeof *s->patterns);
		s->asserts = tandem_arena_alloc(&s->arena, (ld->nasserts + 1) * sizeof *s->asserts);
		s->generic = tandem_arena_alloc(&s->arena, (ld->ngeneric + 1) * sizeof(const struct xp_expr *));
		if (!s->ns || !s->globals || !s->patterns || !s->asserts || !s->generic) {
			fail(ld, TANDEM_ENOMEM, NULL, "out of memory");
		} else {
			memcpy(s->ns, ld->ns, ld->nns * sizeof *s->ns);
			memcpy(s->globals, ld->globals_v, ld->nglobals * sizeof *s->globals);
			if (ld->npatterns)
				memcpy(s->patterns, ld->patterns, ld->npatterns * sizeof *s->patterns);
			if (ld->nasserts)
				memcpy(s->asserts, ld->asserts, ld->nasserts * sizeof *s->asserts);
			if (ld->ngeneric)
				memcpy(s->generic, ld->generic, ld->ngeneric * sizeof(const struct xp_expr *));
			s->ngeneric = ld->ngeneric;
			s->nglobals = ld->nglobals;
			s->npatterns = ld->npatterns;
			s->nasserts = ld->nasserts;
			s->nslots = ld->next_slot;
			if (!s->title)
				s->title = ld->empty;
			sch_image_prune(s, ld->names);
			if (xp_name_map_build(&s->arena, ld->names, &s->names) || sch_image_finish(s))
				fail(ld, TANDEM_ENOMEM, NULL, "out of memory");
		}
	}
	int rc = ld->rc;
	tandem_free(ld->names);
	tandem_free(ld->asserts);
	tandem_free(ld->patterns);
	tandem_free(ld);
	if (rc) {
		sch_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void sch_free(struct sch_schema *s)
{
	if (!s)
		return;
	sch_image_release(s);
	tandem_free(s);
}

const char *sch_title(const struct sch_schema *s)
{
	return s->title;
}

size_t sch_assert_count(const struct sch_schema *s)
{
	return s->nasserts;
}

void sch_rule_info(const struct sch_schema *s, size_t i, struct sch_rule_info *out)
{
	TANDEM_ASSERT(i < s->nasserts);
	const struct sch_assert *a = &s->asserts[i];
	out->id = a->id;
	out->flag = a->flag;
	out->context = a->context_text;
	out->test = a->test_text;
	out->message = a->message_text;
	out->pattern = a->pattern_id;
	out->line = a->line;
	out->report = a->report;
}
