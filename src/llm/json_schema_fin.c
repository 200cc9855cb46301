/*
 * src/llm/json_schema_fin.c - a JSON Schema compiled (json_schema.c reads
 * its keywords), then finished: $ref resolved, anyOf's alternatives told
 * apart by their first bytes, and for every node the least nesting an
 * instance needs (md), which the automaton uses so that it never opens
 * what it cannot close. tandem_llm_schema_new() and the rest of the
 * schema's public functions (tandem/llm.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "tandem/error.h"
#include "tandem/json.h"

/* The node a $ref chain ends at; UINT16_MAX when it goes round. */
static uint16_t resolve(const struct tandem_llm_schema *sc, uint16_t i)
{
	for (size_t hops = 0; sc->node[i].kind == JS_REF; hops++) {
		if (hops == sc->nnode)
			return UINT16_MAX;
		i = sc->node[i].target;
	}
	return i;
}

static int resolve_refs(struct js_comp *cp)
{
	struct tandem_llm_schema *sc = cp->sc;

	for (size_t i = 0; i < sc->nnode; i++) {
		if (sc->node[i].kind == JS_REF && resolve(sc, (uint16_t)i) == UINT16_MAX) {
			(void)snprintf(cp->path, sizeof cp->path, "%s", cp->where[i]);
			return js_refuse(cp, TANDEM_EBADINPUT, "$ref", "refers to itself "
					 "through $ref alone: no schema");
		}
	}
	for (size_t i = 0; i < sc->nnode; i++) {
		sc->node[i].items = resolve(sc, sc->node[i].items);
		sc->node[i].addl = resolve(sc, sc->node[i].addl);
	}
	for (size_t i = 0; i < sc->nprop; i++)
		sc->prop[i].node = resolve(sc, sc->prop[i].node);
	for (size_t i = 0; i < sc->nalt; i++)
		sc->alt[i] = resolve(sc, sc->alt[i]);
	sc->root = resolve(sc, sc->root);
	return 0;
}

/* The first bytes of anyOf node i: its alternatives', which must not
 * share one (the first byte of a value then says which one it is, and no
 * value is an instance of two: what oneOf asks beyond anyOf). */
static unsigned anyof_classes(struct js_comp *cp, uint16_t i, unsigned depth)
{
	struct js_node *n = &cp->sc->node[i];
	const char *kw = n->one_of ? "oneOf" : "anyOf";
	unsigned all = 0;

	if (n->kind != JS_ANYOF || cp->visit[i] == 2)
		return n->classes;
	if (cp->visit[i] == 1 || depth > JS_ANYOF_DEPTH_MAX) {
		(void)snprintf(cp->path, sizeof cp->path, "%s", cp->where[i]);
		return js_refuse(cp, TANDEM_EUNSUPPORTED, kw, "%s directly inside anyOf or "
				 "oneOf more than %d deep, or inside itself", kw,
				 JS_ANYOF_DEPTH_MAX), 0;
	}
	cp->visit[i] = 1;
	for (uint16_t k = 0; k < n->nalt && cp->rc == 0; k++) {
		unsigned c = anyof_classes(cp, cp->sc->alt[n->alt0 + k], depth + 1);

		if (c & all) {
			(void)snprintf(cp->path, sizeof cp->path, "%s/%s/%u", cp->where[i], kw, k);
			js_refuse(cp, TANDEM_EUNSUPPORTED, NULL, "an instance of this alternative "
				  "may begin as one of an earlier one does: only alternatives "
				  "of different kinds (object, array, string, number, true, "
				  "false, null) are supported");
		}
		all |= c;
	}
	cp->visit[i] = 2;
	n->classes = (uint8_t)all;
	return all;
}

static unsigned md_plus_one(unsigned md)
{
	return md >= JS_DEPTH_MAX ? JS_MD_NONE : md + 1;
}

/* One round of md from the others' current values; true if one changed.
 * Starting from none and lowering only on a finite way to an instance,
 * the rounds end at the least nesting, JS_MD_NONE for what has none. */
static bool md_round(struct tandem_llm_schema *sc)
{
	bool changed = false;

	for (size_t i = 0; i < sc->nnode; i++) {
		struct js_node *n = &sc->node[i];
		unsigned md = JS_MD_NONE, obj = JS_MD_NONE, arr = JS_MD_NONE, worst = 0;

		if (n->kind == JS_ANYOF) {
			for (uint16_t k = 0; k < n->nalt; k++)
				md = sc->node[sc->alt[n->alt0 + k]].md < md
					     ? sc->node[sc->alt[n->alt0 + k]].md : md;
		} else if (n->kind == JS_VALUE) {
			if ((n->classes & JS_C_OBJECT) && !n->is_enum) {
				for (uint16_t k = 0; k < n->nprop; k++)
					if ((n->required >> k & 1) &&
					    sc->node[sc->prop[n->prop0 + k].node].md > worst)
						worst = sc->node[sc->prop[n->prop0 + k].node].md;
				obj = worst == JS_MD_NONE ? JS_MD_NONE : md_plus_one(worst);
			}
			if ((n->classes & JS_C_ARRAY) && !n->is_enum)
				arr = n->min_items == 0 ? 1 : sc->node[n->items].md == JS_MD_NONE
					? JS_MD_NONE : md_plus_one(sc->node[n->items].md);
			md = n->classes & ~(JS_C_OBJECT | JS_C_ARRAY) ? 0 : obj < arr ? obj : arr;
			changed |= obj != n->md_obj || arr != n->md_arr;
			n->md_obj = (uint8_t)obj;
			n->md_arr = (uint8_t)arr;
		}
		changed |= md != n->md;
		n->md = (uint8_t)md;
	}
	return changed;
}

static int finish(struct js_comp *cp)
{
	struct tandem_llm_schema *sc = cp->sc;
	const struct js_node *root;

	if (resolve_refs(cp) != 0)
		return cp->rc;
	for (size_t i = 0; i < sc->nnode && cp->rc == 0; i++)
		(void)anyof_classes(cp, (uint16_t)i, 0);
	if (cp->rc != 0)
		return cp->rc;
	while (md_round(sc))
		;
	root = &sc->node[sc->root];
	(void)snprintf(cp->path, sizeof cp->path, "#");
	if (root->md == JS_MD_NONE)
		return js_refuse(cp, TANDEM_EBADINPUT, NULL, "no JSON value is an instance of "
				 "the schema within %d levels of nesting", JS_DEPTH_MAX);
	if (root->classes & JS_C_NUMBER)
		return js_refuse(cp, TANDEM_EUNSUPPORTED, NULL, "the value may be a number: "
				 "a number alone never says it has ended (put it in an "
				 "object or an array)");
	return 0;
}

/* The tables, at their limits, and what every schema has: node 0 any
 * value, literals true, false, null. */
static int tables(struct tandem_llm_schema *sc)
{
	static const char *const words[] = { "true", "false", "null" };
	struct js_node *any;

	sc->node = tandem_arena_calloc(&sc->a, JS_NODES_MAX, sizeof *sc->node);
	sc->prop = tandem_arena_calloc(&sc->a, JS_PROPS_TOTAL_MAX, sizeof *sc->prop);
	sc->lit = tandem_arena_calloc(&sc->a, JS_LITS_TOTAL_MAX, sizeof *sc->lit);
	sc->alt = tandem_arena_calloc(&sc->a, JS_ALTS_TOTAL_MAX, sizeof *sc->alt);
	sc->re = tandem_arena_calloc(&sc->a, JS_RES_MAX, sizeof(struct js_re *));
	if (sc->node == NULL || sc->prop == NULL || sc->lit == NULL || sc->alt == NULL ||
	    sc->re == NULL)
		return TANDEM_ENOMEM;
	for (size_t i = 0; i < 3; i++)
		sc->lit[i] = (struct js_lit){ .text = words[i], .len = (uint16_t)strlen(words[i]) };
	sc->nlit = 3;
	any = &sc->node[JS_NODE_ANY];
	*any = (struct js_node){
		.kind = JS_VALUE, .types = 0x7F, .classes = 0x7F, .md = 0, .md_obj = 1,
		.md_arr = 1, .additional = true, .items = JS_NODE_ANY, .addl = JS_NODE_ANY,
		.max_items = JS_ITEMS_MAX, .max_len = JS_LEN_NONE,
	};
	sc->nnode = 1;
	return 0;
}

/* The root's $defs and definitions: objects, JS_DEFS_MAX members in all. */
static void read_defs(struct js_comp *cp, const struct tandem_json *v)
{
	static const char *const names[] = { "$defs", "definitions" };
	size_t all = 0;

	for (int w = 0; w < 2 && v->type == TANDEM_JSON_OBJECT; w++) {
		const struct tandem_json *x = tandem_json_get(v, names[w]);

		if (x == NULL)
			continue;
		if (x->type != TANDEM_JSON_OBJECT)
			js_refuse(cp, TANDEM_EBADINPUT, names[w], "not an object");
		else if (all + x->n > JS_DEFS_MAX)
			js_refuse(cp, TANDEM_ELIMIT, names[w], "more than %d definitions",
				  JS_DEFS_MAX);
		else
			cp->defs[w] = x;
		all += cp->defs[w] != NULL ? x->n : 0;
		if (w == 0)
			cp->ndefs0 = all;
	}
}

/* The definitions referred to, each once, until none is left. */
static void compile_defs(struct js_comp *cp)
{
	static const char *const names[] = { "$defs", "definitions" };

	for (bool more = true; more;) {
		more = false;
		for (size_t at = 0; at < JS_DEFS_MAX; at++) {
			int w = at < cp->ndefs0 ? 0 : 1;
			const struct tandem_json_member *m;

			if (cp->def_node[at] == 0 || cp->def_done[at])
				continue;
			m = &cp->defs[w]->u.members[w == 0 ? at : at - cp->ndefs0];
			cp->def_done[at] = more = true;
			cp->path_len = (size_t)snprintf(cp->path, sizeof cp->path, "#/%s", names[w]);
			(void)js_path_push(cp, m->key, m->key_len);
			js_compile(cp, &m->value, 1, cp->def_node[at]);
		}
	}
}

int tandem_llm_schema_new(const char *text, size_t len, struct tandem_diag *d,
			  struct tandem_llm_schema **out)
{
	struct js_comp *cp = calloc(1, sizeof *cp);
	struct tandem_llm_schema *sc = calloc(1, sizeof *sc);
	struct tandem_arena parsed;
	struct tandem_json *v = NULL;
	int rc = 0;

	*out = NULL;
	tandem_arena_init(&parsed, JS_ARENA_MAX);
	if (sc != NULL)
		tandem_arena_init(&sc->a, JS_ARENA_MAX);
	if (cp == NULL || sc == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	cp->sc = sc;
	cp->d = d;
	tandem_buf_init(&cp->buf, (size_t)JS_LIT_BYTES_MAX * 8);
	cp->path_len = (size_t)snprintf(cp->path, sizeof cp->path, "#");
	if (len > JS_SCHEMA_TEXT_MAX) {
		rc = js_refuse(cp, TANDEM_ELIMIT, NULL, "a schema of more than %u bytes",
			       JS_SCHEMA_TEXT_MAX);
		goto out;
	}
	rc = tandem_json_parse(text, len, &parsed, &v, d);
	if (rc == 0)
		rc = tables(sc);
	if (rc != 0)
		goto out;
	read_defs(cp, v);
	sc->root = js_node_new(cp);
	js_compile(cp, v, 0, sc->root);
	compile_defs(cp);
	rc = cp->rc != 0 ? cp->rc : finish(cp);
out:
	if (rc == TANDEM_ENOMEM)
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, rc, "TANDEM-LLM-SCHEMA", NULL, 0,
				      "no memory for the schema");
	if (cp != NULL)
		tandem_buf_release(&cp->buf);
	free(cp);
	tandem_arena_release(&parsed);
	if (rc != 0) {
		tandem_llm_schema_free(sc);
		return rc;
	}
	*out = sc;
	return 0;
}

void tandem_llm_schema_free(struct tandem_llm_schema *sc)
{
	if (sc == NULL)
		return;
	tandem_arena_release(&sc->a);
	free(sc);
}

bool tandem_llm_json_schema_check(const struct tandem_llm_schema *sc, const char *text,
				  size_t len, bool *complete)
{
	struct js_state s;

	js_init(sc, &s);
	for (size_t i = 0; i < len; i++)
		if (!js_byte(sc, &s, (unsigned char)text[i]))
			return false;
	*complete = js_done(&s);
	return true;
}
