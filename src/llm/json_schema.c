/*
 * src/llm/json_schema.c - a JSON Schema, read with tandem/json.h, compiled
 * into the table of nodes the constraint follows (json_int.h).
 *
 * The subset (the words of JSON Schema 2020-12): type (a name or a list),
 * properties, required, additionalProperties (false, true, or a schema),
 * items (one schema), minItems, maxItems, minLength, maxLength, enum and
 * const (strings, numbers, true, false, null), anyOf whose alternatives
 * begin with different bytes, and oneOf of such alternatives (an instance
 * then begins as one of them only, so at least one fits exactly when
 * exactly one does), $ref to "#", "#/$defs/NAME" or
 * "#/definitions/NAME", the schemas true and false, and the annotations
 * (title, description, ...), which change nothing. Every other keyword is
 * refused with a finding TANDEM-LLM-SCHEMA at its JSON Pointer, as are
 * the forms of these this file does not follow; a limit passed is refused
 * the same way (TANDEM_ELIMIT). A node that no instance can satisfy is
 * kept (an optional member, an alternative are then never written), but a
 * schema whose root none can satisfy is refused.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "tandem/buf.h"
#include "tandem/error.h"
#include "tandem/json.h"

/* A finding at the schema being read (kw: at that keyword of it). The
 * first refusal is the result; reading goes on to find the others. */
int js_refuse(struct js_comp *cp, int code, const char *kw, const char *fmt, ...)
{
	char at[JS_PATH_BYTES_MAX + 80], msg[400];
	va_list ap;

	(void)snprintf(at, sizeof at, "%s%s%s", cp->path, kw != NULL ? "/" : "",
		       kw != NULL ? kw : "");
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(void)tandem_diag_add(cp->d, TANDEM_SEV_ERROR, code, "TANDEM-LLM-SCHEMA", at, 0,
			      "%s: %s", at, msg);
	if (cp->rc == 0)
		cp->rc = code;
	return code;
}

/* Appends /seg (RFC 6901: '~' as ~0, '/' as ~1); cut at JS_PATH_BYTES_MAX. */
size_t js_path_push(struct js_comp *cp, const char *seg, size_t n)
{
	size_t was = cp->path_len;

	if (cp->path_len < JS_PATH_BYTES_MAX)
		cp->path[cp->path_len++] = '/';
	for (size_t i = 0; i < n && cp->path_len < JS_PATH_BYTES_MAX; i++) {
		if (seg[i] == '~' || seg[i] == '/') {
			cp->path[cp->path_len++] = '~';
			cp->path[cp->path_len++] = seg[i] == '~' ? '0' : '1';
		} else {
			cp->path[cp->path_len++] = seg[i];
		}
	}
	cp->path[cp->path_len] = '\0';
	return was;
}

static void path_pop(struct js_comp *cp, size_t was)
{
	cp->path_len = was;
	cp->path[was] = '\0';
}

static bool is_annotation(const char *k)
{
	static const char *const words[] = {
		"title", "description", "$comment", "default", "examples", "deprecated",
		"readOnly", "writeOnly",
	};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(k, words[i]) == 0)
			return true;
	return false;
}

static bool is_value_keyword(const char *k)
{
	static const char *const words[] = {
		"type", "properties", "required", "additionalProperties", "items", "minItems",
		"maxItems", "minLength", "maxLength", "enum", "const", "pattern", "format",
		"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
	};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(k, words[i]) == 0)
			return true;
	return false;
}

uint16_t js_node_new(struct js_comp *cp)
{
	struct tandem_llm_schema *sc = cp->sc;

	if (sc->nnode == JS_NODES_MAX) {
		js_refuse(cp, TANDEM_ELIMIT, NULL, "more than %d schemas", JS_NODES_MAX);
		return JS_NODE_ANY;
	}
	return (uint16_t)sc->nnode++;
}

/* Reserves n entries of a table of at most max. */
static bool reserve(struct js_comp *cp, size_t *used, size_t n, size_t max, const char *kw,
		    uint16_t *first)
{
	if (n > max - *used) {
		js_refuse(cp, TANDEM_ELIMIT, kw, "the schema has more than %zu of these in all", max);
		return false;
	}
	*first = (uint16_t)*used;
	*used += n;
	return true;
}

/* A count: a non-negative integer written as one, at most max. */
static bool read_count(struct js_comp *cp, const struct tandem_json *v, const char *kw,
		       uint32_t max, uint32_t *out)
{
	const struct tandem_json *x = tandem_json_get(v, kw);
	uint64_t n = 0;

	if (x == NULL)
		return false;
	if (x->type != TANDEM_JSON_NUMBER || x->n == 0 || x->n > 12) {
		js_refuse(cp, TANDEM_EBADINPUT, kw, "not a non-negative integer");
		return false;
	}
	for (size_t i = 0; i < x->n; i++) {
		if (x->u.s[i] < '0' || x->u.s[i] > '9') {
			js_refuse(cp, TANDEM_EBADINPUT, kw, "not a non-negative integer");
			return false;
		}
		n = n * 10 + (uint64_t)(x->u.s[i] - '0');
	}
	if (n > max) {
		js_refuse(cp, TANDEM_ELIMIT, kw, "more than %u", max);
		return false;
	}
	*out = (uint32_t)n;
	return true;
}

static unsigned type_bit(const struct tandem_json *t)
{
	static const char *const names[] = {
		"object", "array", "string", "integer", "number", "boolean", "null",
	};

	if (t->type != TANDEM_JSON_STRING)
		return 0;
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(t->u.s, names[i]) == 0)
			return 1u << i;
	return 0;
}

/* "type": a name or a non-empty list of names; all types when absent. */
static unsigned read_types(struct js_comp *cp, const struct tandem_json *v)
{
	const struct tandem_json *t = tandem_json_get(v, "type");
	unsigned types = 0;

	if (t == NULL)
		return 0x7F;
	if (t->type == TANDEM_JSON_ARRAY && t->n > 0) {
		for (size_t i = 0; i < t->n; i++) {
			unsigned b = type_bit(&t->u.items[i]);

			if (b == 0 || (types & b))
				return js_refuse(cp, TANDEM_EBADINPUT, "type", "item %zu is no type "
					      "name, or one given twice", i), 0;
			types |= b;
		}
		return types;
	}
	types = type_bit(t);
	if (types == 0)
		js_refuse(cp, TANDEM_EBADINPUT, "type", "not one of object, array, string, "
		       "integer, number, boolean, null, or a list of them");
	return types;
}

/* Does the number (RFC 8259 text) have an integer value: no digit but 0
 * after the point once the exponent has moved it? Exact, on the text. */
static bool number_is_integer(const char *t, size_t n)
{
	size_t i = t[0] == '-', int_at = i, int_len, frac_at, frac_len = 0;
	long exp = 0, sign = 1, cut;

	while (i < n && t[i] >= '0' && t[i] <= '9')
		i++;
	int_len = i - int_at;
	frac_at = i + 1;
	if (i < n && t[i] == '.') {
		for (i++; i < n && t[i] >= '0' && t[i] <= '9'; i++)
			frac_len++;
	}
	if (i < n && (t[i] | 0x20) == 'e') {
		i++;
		if (i < n && (t[i] == '+' || t[i] == '-'))
			sign = t[i++] == '-' ? -1 : 1;
		for (; i < n; i++)
			exp = exp > 100000 ? exp : exp * 10 + (t[i] - '0');
	}
	cut = (long)int_len + sign * exp;
	for (size_t k = 0; k < int_len + frac_len; k++) {
		const char *dg = k < int_len ? &t[int_at + k] : &t[frac_at + k - int_len];

		if ((long)k >= cut && *dg != '0')
			return false;
	}
	return true;
}

/* Characters (code points) of a UTF-8 string. */
static uint32_t utf8_chars(const char *s, size_t n)
{
	uint32_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* The JSON text of a scalar in buf; false for objects, arrays, NaN. */
static bool scalar_text(struct js_comp *cp, const struct tandem_json *x)
{
	tandem_buf_reset(&cp->buf);
	switch (x->type) {
	case TANDEM_JSON_NULL: return tandem_buf_puts(&cp->buf, "null") == 0;
	case TANDEM_JSON_TRUE: return tandem_buf_puts(&cp->buf, "true") == 0;
	case TANDEM_JSON_FALSE: return tandem_buf_puts(&cp->buf, "false") == 0;
	case TANDEM_JSON_STRING: return tandem_json_string_py(&cp->buf, x->u.s, x->n) == 0;
	case TANDEM_JSON_NUMBER:
		if (x->u.s[x->u.s[0] == '-'] < '0' || x->u.s[x->u.s[0] == '-'] > '9')
			return false;          /* NaN, Infinity: not JSON */
		return tandem_buf_append(&cp->buf, x->u.s, x->n) == 0;
	default:
		return false;
	}
}

/* Is the enum value x an instance of node n's type and string lengths? */
static bool lit_fits(const struct js_node *n, const struct tandem_json *x)
{
	switch (x->type) {
	case TANDEM_JSON_NULL: return n->types & JS_T_NULL;
	case TANDEM_JSON_TRUE: case TANDEM_JSON_FALSE: return n->types & JS_T_BOOLEAN;
	case TANDEM_JSON_NUMBER:
		return (n->types & JS_T_NUMBER) ||
		       ((n->types & JS_T_INTEGER) && number_is_integer(x->u.s, x->n));
	default: {
		uint32_t k = utf8_chars(x->u.s, x->n);

		return (n->types & JS_T_STRING) && k >= n->min_len && k <= n->max_len;
	}
	}
}

const char *js_arena_copy(struct js_comp *cp, const char *s, size_t n)
{
	const char *c = tandem_arena_strndup(&cp->sc->a, s, n);

	if (c == NULL)
		js_refuse(cp, TANDEM_ENOMEM, NULL, "no memory for the schema");
	return c;
}

/* enum or const: the values that are instances of the rest become the
 * node's literals, as JSON text. */
static void read_enum(struct js_comp *cp, const struct tandem_json *v, struct js_node *n)
{
	const struct tandem_json *e = tandem_json_get(v, "enum"), *c = tandem_json_get(v, "const");
	const char *kw = e != NULL ? "enum" : "const";
	size_t count = e != NULL ? e->n : 1;
	struct tandem_llm_schema *sc = cp->sc;

	if (e == NULL && c == NULL)
		return;
	if (e != NULL && c != NULL) {
		js_refuse(cp, TANDEM_EUNSUPPORTED, "const", "enum and const together are not "
		       "supported");
		return;
	}
	if (e != NULL && (e->type != TANDEM_JSON_ARRAY || e->n == 0 || e->n > JS_ENUM_MAX)) {
		js_refuse(cp, e->type == TANDEM_JSON_ARRAY && e->n > 0 ? TANDEM_ELIMIT
			   : TANDEM_EBADINPUT, "enum", "not a list of 1 to %d values", JS_ENUM_MAX);
		return;
	}
	n->is_enum = true;
	if (!reserve(cp, &sc->nlit, count, JS_LITS_TOTAL_MAX, kw, &n->lit0))
		return;
	for (size_t i = 0; i < count; i++) {
		const struct tandem_json *x = e != NULL ? &e->u.items[i] : c;

		if (!scalar_text(cp, x)) {
			js_refuse(cp, TANDEM_EUNSUPPORTED, kw, "value %zu: only strings, numbers, "
			       "true, false and null are supported", i);
			continue;
		}
		if (cp->buf.len > JS_LIT_BYTES_MAX) {
			js_refuse(cp, TANDEM_ELIMIT, kw, "value %zu: more than %d bytes as JSON",
			       i, JS_LIT_BYTES_MAX);
			continue;
		}
		if (!lit_fits(n, x))
			continue;
		struct js_lit *l = &sc->lit[n->lit0 + n->nlit];
		l->text = js_arena_copy(cp, cp->buf.data, cp->buf.len);
		l->len = (uint16_t)cp->buf.len;
		if (l->text != NULL)
			n->nlit++;
	}
}


/* The schema x, found at path/seg1[/seg2], into a new node. */
static uint16_t sub_schema(struct js_comp *cp, const struct tandem_json *x, const char *seg1,
			   const char *seg2, size_t seg2_len, unsigned depth)
{
	uint16_t idx = js_node_new(cp);
	size_t was = js_path_push(cp, seg1, strlen(seg1));

	if (seg2 != NULL)
		js_path_push(cp, seg2, seg2_len);
	js_compile(cp, x, depth + 1, idx);
	path_pop(cp, was);
	return idx;
}

static bool same_name(const struct tandem_json_member *m, const struct tandem_json *s)
{
	return s->type == TANDEM_JSON_STRING && m->key_len == s->n &&
	       memcmp(m->key, s->u.s, s->n) == 0;
}

/* The key of a property as the automaton matches it: JSON text without
 * the opening quote. */
static void prop_set(struct js_comp *cp, struct js_prop *p, const char *key, size_t len,
		     uint16_t node)
{
	p->node = node;
	tandem_buf_reset(&cp->buf);
	if (tandem_json_string_py(&cp->buf, key, len) != 0 || cp->buf.len > JS_LIT_BYTES_MAX) {
		js_refuse(cp, TANDEM_ELIMIT, "properties", "a key of more than %d bytes as JSON",
		       JS_LIT_BYTES_MAX);
		return;
	}
	p->name = js_arena_copy(cp, cp->buf.data + 1, cp->buf.len - 1);
	p->len = (uint16_t)(cp->buf.len - 1);
}

/* required: unique names. Each one not in properties becomes a property
 * whose value is of additionalProperties, or is refused when there are no
 * other keys. Returns how many properties that adds. */
static size_t read_required(struct js_comp *cp, const struct tandem_json *props,
			    const struct tandem_json *req, bool additional)
{
	size_t added = 0;

	if (req == NULL)
		return 0;
	if (req->type != TANDEM_JSON_ARRAY) {
		js_refuse(cp, TANDEM_EBADINPUT, "required", "not a list of names");
		return 0;
	}
	for (size_t i = 0; i < req->n; i++) {
		const struct tandem_json *r = &req->u.items[i];
		bool known = false;

		for (size_t k = 0; k < i; k++)
			if (r->type == TANDEM_JSON_STRING &&
			    req->u.items[k].type == TANDEM_JSON_STRING &&
			    req->u.items[k].n == r->n &&
			    memcmp(req->u.items[k].u.s, r->u.s, r->n) == 0)
				js_refuse(cp, TANDEM_EBADINPUT, "required", "item %zu given twice", i);
		for (size_t k = 0; props != NULL && k < props->n; k++)
			known |= same_name(&props->u.members[k], r);
		if (r->type != TANDEM_JSON_STRING)
			js_refuse(cp, TANDEM_EBADINPUT, "required", "item %zu is no name", i);
		else if (!known && !additional)
			js_refuse(cp, TANDEM_EBADINPUT, "required", "\"%s\" is not in properties and "
			       "additionalProperties is false: no object can have it", r->u.s);
		else
			added += !known;
	}
	return added;
}

static void read_object(struct js_comp *cp, const struct tandem_json *v, struct js_node *n,
			unsigned depth)
{
	const struct tandem_json *props = tandem_json_get(v, "properties");
	const struct tandem_json *req = tandem_json_get(v, "required");
	const struct tandem_json *add = tandem_json_get(v, "additionalProperties");
	struct tandem_llm_schema *sc = cp->sc;
	size_t nprop, declared;
	uint16_t prop0;

	if (props != NULL && props->type != TANDEM_JSON_OBJECT) {
		js_refuse(cp, TANDEM_EBADINPUT, "properties", "not an object");
		props = NULL;
	}
	n->additional = add == NULL || add->type != TANDEM_JSON_FALSE;
	if (add != NULL && add->type != TANDEM_JSON_FALSE)
		n->addl = sub_schema(cp, add, "additionalProperties", NULL, 0, depth);
	declared = props != NULL ? props->n : 0;
	nprop = declared + read_required(cp, props, req, n->additional);
	if (nprop > JS_PROPS_MAX) {
		js_refuse(cp, TANDEM_ELIMIT, "properties", "more than %d properties", JS_PROPS_MAX);
		return;
	}
	if (!reserve(cp, &sc->nprop, nprop, JS_PROPS_TOTAL_MAX, "properties", &prop0))
		return;
	n->prop0 = prop0;
	n->nprop = (uint16_t)nprop;
	for (size_t i = 0; i < declared; i++) {
		const struct tandem_json_member *m = &props->u.members[i];
		uint16_t child = sub_schema(cp, &m->value, "properties", m->key, m->key_len,
					    depth);

		prop_set(cp, &sc->prop[prop0 + i], m->key, m->key_len, child);
	}
	for (size_t i = 0, k = declared; req != NULL && req->type == TANDEM_JSON_ARRAY &&
	     i < req->n; i++) {
		const struct tandem_json *r = &req->u.items[i];
		size_t at = 0;

		while (at < declared && !same_name(&props->u.members[at], r))
			at++;
		if (at == declared) {
			if (k == nprop || r->type != TANDEM_JSON_STRING)
				continue;     /* refused by read_required */
			at = k++;
			prop_set(cp, &sc->prop[prop0 + at], r->u.s, r->n, n->addl);
		}
		n->required |= (uint64_t)1 << at;
	}
}

/* $ref: "#", "#/$defs/NAME" or "#/definitions/NAME" (NAME with ~0, ~1). */
static void read_ref(struct js_comp *cp, const struct tandem_json *ref, uint16_t idx)
{
	static const char *const where[] = { "#/$defs/", "#/definitions/" };
	struct js_node *n = &cp->sc->node[idx];
	const char *name = NULL;
	char want[JS_LIT_BYTES_MAX + 1];
	size_t k = 0;
	int w = 0;

	n->kind = JS_REF;
	n->target = JS_NODE_ANY;
	if (ref->type != TANDEM_JSON_STRING) {
		js_refuse(cp, TANDEM_EBADINPUT, "$ref", "not a string");
		return;
	}
	if (strcmp(ref->u.s, "#") == 0) {
		n->target = cp->sc->root;
		return;
	}
	for (; w < 2 && name == NULL; w++)
		if (strncmp(ref->u.s, where[w], strlen(where[w])) == 0)
			name = ref->u.s + strlen(where[w]);
	if (name == NULL || strchr(name, '/') != NULL || strlen(name) != ref->n -
	    (size_t)(name - ref->u.s)) {
		js_refuse(cp, TANDEM_EUNSUPPORTED, "$ref", "\"%s\": only \"#\", "
			  "\"#/$defs/NAME\" and \"#/definitions/NAME\" are supported", ref->u.s);
		return;
	}
	w--;
	for (; *name != '\0' && k < JS_LIT_BYTES_MAX; name++) {
		if (*name == '~' && (name[1] == '0' || name[1] == '1'))
			want[k++] = *++name == '0' ? (char)'~' : (char)'/';
		else
			want[k++] = *name;
	}
	for (size_t i = 0; cp->defs[w] != NULL && i < cp->defs[w]->n; i++) {
		const struct tandem_json_member *m = &cp->defs[w]->u.members[i];
		size_t at = w == 0 ? i : cp->ndefs0 + i;

		if (m->key_len != k || memcmp(m->key, want, k) != 0)
			continue;
		if (cp->def_node[at] == 0)
			cp->def_node[at] = js_node_new(cp);
		n->target = cp->def_node[at];
		return;
	}
	js_refuse(cp, TANDEM_EBADINPUT, "$ref", "\"%s\": no such definition", ref->u.s);
}

/* anyOf, or oneOf (one_of): x's alternatives into node idx. */
static void read_anyof(struct js_comp *cp, const struct tandem_json *x, uint16_t idx,
		       unsigned depth, bool one_of)
{
	struct js_node *n = &cp->sc->node[idx];
	const char *kw = one_of ? "oneOf" : "anyOf";
	uint16_t alt0;

	n->kind = JS_ANYOF;
	n->one_of = one_of;
	if (x->type != TANDEM_JSON_ARRAY || x->n == 0 || x->n > JS_ALTS_MAX) {
		js_refuse(cp, x->type == TANDEM_JSON_ARRAY && x->n > 0 ? TANDEM_ELIMIT
			   : TANDEM_EBADINPUT, kw, "not a list of 1 to %d schemas", JS_ALTS_MAX);
		return;
	}
	if (!reserve(cp, &cp->sc->nalt, x->n, JS_ALTS_TOTAL_MAX, kw, &alt0))
		return;
	n->alt0 = alt0;
	n->nalt = (uint16_t)x->n;
	for (size_t i = 0; i < x->n; i++) {
		char seg[16];
		int len = snprintf(seg, sizeof seg, "%zu", i);

		cp->sc->alt[alt0 + i] = sub_schema(cp, &x->u.items[i], kw, seg, (size_t)len,
						   depth);
	}
}

/* Every member of a schema object is a keyword this file follows. */
static void check_keywords(struct js_comp *cp, const struct tandem_json *v, unsigned depth,
			   bool alone)
{
	for (size_t i = 0; i < v->n; i++) {
		const char *k = v->u.members[i].key;

		if (is_annotation(k) || strcmp(k, "$ref") == 0 || strcmp(k, "anyOf") == 0 ||
		    strcmp(k, "oneOf") == 0)
			continue;
		if (strcmp(k, "$schema") == 0 || strcmp(k, "$id") == 0 ||
		    strcmp(k, "$defs") == 0 || strcmp(k, "definitions") == 0) {
			if (depth > 0)
				js_refuse(cp, TANDEM_EUNSUPPORTED, k, "\"%s\" is supported only at "
				       "the root", k);
		} else if (!is_value_keyword(k)) {
			js_refuse(cp, TANDEM_EUNSUPPORTED, k, "the keyword \"%s\" is not supported", k);
		} else if (alone) {
			js_refuse(cp, TANDEM_EUNSUPPORTED, k, "\"%s\" beside $ref, anyOf or oneOf "
			       "is not supported", k);
		}
	}
}

/*
 * The formats followed, as patterns. "date" is RFC 3339's full-date, with
 * days 29 and 30 only in the months that have them, 31 in the seven that
 * do, and no 29 February (leap years are beyond a pattern of this size);
 * "time" its full-time (no leap second 60, a fraction of at most 6
 * digits); "date-time" both with a 'T'; "uuid" RFC 9562's form in lower
 * case. Stricter than the formats, never looser.
 */
#define FMT_DATE "[0-9]{4}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|" \
		 "(0[13578]|1[02])-31)"
#define FMT_TIME "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?" \
		 "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
static const struct {
	const char *name, *pattern;
} formats[] = {
	{"date", "^" FMT_DATE "$"},
	{"time", "^" FMT_TIME "$"},
	{"date-time", "^" FMT_DATE "T" FMT_TIME "$"},
	{"uuid", "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"},
};

/* "pattern" or "format" of a string: its automaton, n->re. */
static void read_pattern(struct js_comp *cp, const struct tandem_json *v, struct js_node *n)
{
	const struct tandem_json *pat = tandem_json_get(v, "pattern");
	const struct tandem_json *fmt = tandem_json_get(v, "format");
	const struct tandem_json *x = pat ? pat : fmt;
	const char *kw = pat ? "pattern" : "format", *text, *why = NULL;
	size_t len;

	if (x == NULL)
		return;
	if (pat && fmt) {
		js_refuse(cp, TANDEM_EUNSUPPORTED, "format", "\"format\" beside \"pattern\" is "
			  "not supported");
		return;
	}
	if (x->type != TANDEM_JSON_STRING) {
		js_refuse(cp, TANDEM_EBADINPUT, kw, "not a string");
		return;
	}
	text = fmt ? NULL : x->u.s;
	for (size_t i = 0; fmt && i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(x->u.s, formats[i].name) == 0)
			text = formats[i].pattern;
	if (text == NULL) {
		js_refuse(cp, TANDEM_EUNSUPPORTED, kw, "the format \"%.40s\" is not supported "
			  "(only date, time, date-time, uuid)", x->u.s);
		return;
	}
	len = fmt ? strlen(text) : x->n;
	if (tandem_json_get(v, "enum") || tandem_json_get(v, "const")) {
		js_refuse(cp, TANDEM_EUNSUPPORTED, kw, "\"%s\" beside enum or const is not "
			  "supported", kw);
		return;
	}
	if (len > JS_PATTERN_BYTES_MAX || memchr(text, '\0', len) != NULL) {
		js_refuse(cp, TANDEM_ELIMIT, kw, "longer than %d bytes, or with a NUL",
			  JS_PATTERN_BYTES_MAX);
		return;
	}
	if (cp->sc->nre == JS_RES_MAX) {
		js_refuse(cp, TANDEM_ELIMIT, kw, "more than %d patterns", JS_RES_MAX);
		return;
	}
	struct js_re *re = tandem_arena_alloc(&cp->sc->a, sizeof *re);
	if (re == NULL) {
		js_refuse(cp, TANDEM_ENOMEM, kw, "out of memory");
		return;
	}
	int rc = js_re_compile(text, len, re, &why);
	if (rc != 0) {
		js_refuse(cp, rc, kw, "%s", why);
		return;
	}
	if (js_has_lengths(n)) {
		if (re->period == 0) {
			js_refuse(cp, TANDEM_EUNSUPPORTED, kw, "beside minLength or maxLength, a "
				  "pattern whose lengths do not repeat within %d characters is not "
				  "supported", JS_RE_AHEAD_MAX);
			return;
		}
		/* No string of the pattern has a length within the bounds: the
		 * type goes. */
		if (!js_re_ends_within(re, 1, n->min_len, n->max_len))
			n->types &= (uint8_t)~JS_T_STRING;
	}
	cp->sc->re[cp->sc->nre++] = re;
	n->re = (uint16_t)cp->sc->nre;
}

void js_compile(struct js_comp *cp, const struct tandem_json *v, unsigned depth,
		    uint16_t idx)
{
	struct js_node *n = &cp->sc->node[idx];
	const struct tandem_json *ref, *anyof, *oneof, *items;

	*n = cp->sc->node[JS_NODE_ANY];
	n->md = n->md_obj = n->md_arr = JS_MD_NONE;
	n->classes = 0;
	if (depth > JS_SCHEMA_DEPTH_MAX) {
		js_refuse(cp, TANDEM_ELIMIT, NULL, "schemas inside schemas more than %d deep",
		       JS_SCHEMA_DEPTH_MAX);
		return;
	}
	if (v->type == TANDEM_JSON_TRUE || v->type == TANDEM_JSON_FALSE) {
		n->types = v->type == TANDEM_JSON_TRUE ? 0x7F : 0;
		goto classes;
	}
	if (v->type != TANDEM_JSON_OBJECT) {
		js_refuse(cp, TANDEM_EBADINPUT, NULL, "a schema is an object, true or false");
		return;
	}
	ref = tandem_json_get(v, "$ref");
	anyof = tandem_json_get(v, "anyOf");
	oneof = tandem_json_get(v, "oneOf");
	check_keywords(cp, v, depth, ref != NULL || anyof != NULL || oneof != NULL);
	if (ref != NULL && anyof != NULL)
		js_refuse(cp, TANDEM_EUNSUPPORTED, "anyOf", "anyOf beside $ref is not supported");
	if (ref != NULL && oneof != NULL)
		js_refuse(cp, TANDEM_EUNSUPPORTED, "oneOf", "oneOf beside $ref is not supported");
	if (anyof != NULL && oneof != NULL)
		js_refuse(cp, TANDEM_EUNSUPPORTED, "oneOf", "oneOf beside anyOf is not supported");
	if (ref != NULL || anyof != NULL || oneof != NULL) {
		if (ref != NULL)
			read_ref(cp, ref, idx);
		else
			read_anyof(cp, anyof != NULL ? anyof : oneof, idx, depth, anyof == NULL);
		cp->where[idx] = js_arena_copy(cp, cp->path, cp->path_len);
		return;
	}
	n->types = (uint8_t)read_types(cp, v);
	(void)read_count(cp, v, "minLength", JS_STRING_LEN_MAX, &n->min_len);
	(void)read_count(cp, v, "maxLength", JS_STRING_LEN_MAX, &n->max_len);
	read_pattern(cp, v, n);
	js_read_bounds(cp, v, n);
	(void)read_count(cp, v, "minItems", JS_ITEMS_MAX, &n->min_items);
	(void)read_count(cp, v, "maxItems", JS_ITEMS_MAX, &n->max_items);
	/* No string, no array is then an instance: the type goes. */
	if (n->min_len > n->max_len)
		n->types &= (uint8_t)~JS_T_STRING;
	if (n->min_items > n->max_items)
		n->types &= (uint8_t)~JS_T_ARRAY;
	items = tandem_json_get(v, "items");
	if (items != NULL && items->type == TANDEM_JSON_ARRAY)
		js_refuse(cp, TANDEM_EUNSUPPORTED, "items", "a list of schemas (tuples) is not "
		       "supported");
	else if (items != NULL)
		n->items = sub_schema(cp, items, "items", NULL, 0, depth);
	read_object(cp, v, n, depth);
	read_enum(cp, v, n);
classes:
	for (uint16_t i = 0; n->is_enum && i < n->nlit; i++) {
		unsigned char c = (unsigned char)cp->sc->lit[n->lit0 + i].text[0];

		n->classes |= c == '"' ? JS_C_STRING : c == 't' ? JS_C_TRUE : c == 'f'
			? JS_C_FALSE : c == 'n' ? JS_C_NULL : JS_C_NUMBER;
	}
	if (!n->is_enum)
		n->classes = (uint8_t)((n->types & JS_T_OBJECT ? JS_C_OBJECT : 0) |
				       (n->types & JS_T_ARRAY ? JS_C_ARRAY : 0) |
				       (n->types & JS_T_STRING ? JS_C_STRING : 0) |
				       (n->types & (JS_T_INTEGER | JS_T_NUMBER) ? JS_C_NUMBER : 0) |
				       (n->types & JS_T_BOOLEAN ? JS_C_TRUE | JS_C_FALSE : 0) |
				       (n->types & JS_T_NULL ? JS_C_NULL : 0));
}
