/*
 * src/einvoice/read.c - reads the EN 16931 model from a parsed UBL or CII
 * document by walking the binding table (model_terms.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "einvoice/einvoice_int.h"
#include "einvoice/model.h"
#include "tandem/alloc.h"
#include "tandem/error.h"

struct reader {
	struct tandem_arena *a;
	struct tandem_diag *d;
	const struct einv_bound *bd;
	enum einv_binding b;
	bool ubl;
	const char **vars;        /* text of top-level terms, by term index */
	struct einv_nodes nodes;  /* scratch result list */
	int err;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Text of an element or attribute, copied into the arena, trimmed or as
 * written. */
static const char *text_as(struct reader *r, xmlNodePtr node, bool trim)
{
	xmlNodePtr c = node->children;
	const char *s;
	size_t len;
	char *joined = NULL;
	char *out;

	if (c != NULL && c->next == NULL &&
	    (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)) {
		s = (const char *)c->content;
	} else {
		joined = (char *)xmlNodeGetContent(node);
		s = joined;
	}
	if (s == NULL)
		s = "";
	len = strlen(s);
	while (trim && len > 0 && is_space(*s)) {
		s++;
		len--;
	}
	while (trim && len > 0 && is_space(s[len - 1]))
		len--;
	out = tandem_arena_strndup(r->a, s, len);
	xmlFree(joined);
	if (out == NULL)
		r->err = TANDEM_ENOMEM;
	return out;
}

static const char *text_of(struct reader *r, xmlNodePtr node)
{
	return text_as(r, node, true);
}

/* A warning about the value of a term: "BT-n (name): "value" problem". */
static void finding(struct reader *r, xmlNodePtr node, const char *rule,
		    const struct einv_term *term, const char *value, const char *problem)
{
	xmlChar *path = xmlGetNodePath(node);

	(void)tandem_diag_add(r->d, TANDEM_SEV_WARNING, TANDEM_EBADINPUT, rule,
			      path != NULL ? (const char *)path : "", xmlGetLineNo(node),
			      "%s (%s): \"%.200s\" %s", term->id, term->name, value, problem);
	xmlFree(path);
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool calendar_date(int y, int m, int d)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return y >= 1 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

/* An xs:date time zone: Z, +hh:mm or -hh:mm. */
static bool time_zone(const char *s)
{
	if (strcmp(s, "Z") == 0)
		return true;
	return (s[0] == '+' || s[0] == '-') && digits(s + 1, 2) && s[3] == ':' &&
	       digits(s + 4, 2) && s[6] == '\0' && atoi(s + 1) <= 14 && atoi(s + 4) <= 59;
}

/* YYYY-MM-DD from YYYY-MM-DD (an xs:date: its time zone is dropped, EN 16931
 * dates have none) or YYYYMMDD (CII format 102); NULL if neither. */
static const char *iso_date(struct reader *r, const char *s)
{
	char buf[11];
	size_t n = strlen(s);

	if (n >= 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
	    digits(s + 8, 2) && (n == 10 || time_zone(s + 10)))
		memcpy(buf, s, 10);
	else if (n == 8 && digits(s, 8))
		snprintf(buf, sizeof buf, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
	else
		return NULL;
	buf[10] = '\0';
	if (!calendar_date(atoi(buf), atoi(buf + 5), atoi(buf + 8)))
		return NULL;
	return n == 10 ? s : tandem_arena_strndup(r->a, buf, 10);
}

/* Base64 payload of an attached document: where the parser put it. */
static void read_binary(struct reader *r, xmlNodePtr node, struct tandem_einv_binary *b)
{
	xmlNodePtr c = node->children;
	size_t chars = 0;
	size_t pad = 0;

	if (c != NULL && c->next == NULL && c->type == XML_TEXT_NODE && c->content != NULL) {
		b->base64 = (const char *)c->content;
		b->base64_len = strlen(b->base64);
	} else {
		b->base64 = text_of(r, node);
		b->base64_len = b->base64 != NULL ? strlen(b->base64) : 0;
	}
	for (size_t i = 0; i < b->base64_len; i++) {
		char ch = b->base64[i];

		if (ch == '=')
			pad++;
		else if (!is_space(ch))
			chars++;
	}
	/* 4 characters carry 3 bytes; each '=' stands for one byte less. */
	b->size = (chars + pad) % 4 == 0 && pad <= 2 ? (chars + pad) / 4 * 3 - pad
						      : chars * 3 / 4;
	xmlChar *mime = xmlGetNoNsProp(node, (const xmlChar *)"mimeCode");
	xmlChar *name = xmlGetNoNsProp(node, (const xmlChar *)"filename");

	if (mime != NULL)
		b->mime = tandem_arena_strndup(r->a, (const char *)mime, strlen((char *)mime));
	if (name != NULL)
		b->filename = tandem_arena_strndup(r->a, (const char *)name, strlen((char *)name));
	xmlFree(mime);
	xmlFree(name);
}

/* First node of a compiled path from ctx (NULL when none). */
static xmlNodePtr first(struct reader *r, const struct einv_path *p, xmlNodePtr ctx)
{
	size_t mark = r->nodes.count;
	xmlNodePtr n = NULL;

	if (einv_path_eval(p, ctx, r->vars, 1, &r->nodes) < 0)
		r->err = TANDEM_ENOMEM;
	else if (r->nodes.count > mark)
		n = r->nodes.items[mark];
	r->nodes.count = mark;
	return n;
}

static void read_id(struct reader *r, size_t t, xmlNodePtr node, struct tandem_einv_id *id)
{
	xmlNodePtr s;

	id->value = text_of(r, node);
	if (r->bd->scheme[t] != NULL && (s = first(r, r->bd->scheme[t], node)) != NULL)
		id->scheme = text_of(r, s);
	if (r->bd->version[t] != NULL && (s = first(r, r->bd->version[t], node)) != NULL)
		id->version = text_of(r, s);
}

static void read_term(struct reader *r, size_t t, xmlNodePtr ctx, char *base)
{
	const struct einv_term *term = &einv_terms[t];
	void *field = base + term->offset;
	size_t mark = r->nodes.count;
	size_t max = term->kind == EINV_IDS ? TANDEM_EINV_GROUP_MAX + 1 : 1;
	long n;

	if (r->bd->term[t] == NULL)
		return;
	n = einv_path_eval(r->bd->term[t], ctx, r->vars, max, &r->nodes);
	if (n < 0) {
		r->err = TANDEM_ENOMEM;
		return;
	}
	if (n == 0)
		return;
	xmlNodePtr node = r->nodes.items[mark];

	switch (term->kind) {
	case EINV_TEXT:
		*(const char **)field = einv_code_to_model(t, r->b, text_of(r, node));
		break;
	case EINV_PROSE:
		*(const char **)field = text_as(r, node, false);
		break;
	case EINV_DATE: {
		const char *s = text_of(r, node);
		const char *iso = s != NULL ? iso_date(r, s) : NULL;

		*(const char **)field = iso != NULL ? iso : s;
		if (s != NULL && iso == NULL)
			finding(r, node, "TANDEM-MODEL-DATE", term, s,
				"is not a date written YYYY-MM-DD or YYYYMMDD");
		break;
	}
	case EINV_NUM: {
		struct tandem_einv_num *num = field;

		num->text = text_of(r, node);
		if (num->text != NULL)
			num->set = tandem_dec_parse_cstr(num->text, &num->value) == 0;
		if (num->text != NULL && !num->set)
			finding(r, node, "TANDEM-MODEL-NUMBER", term, num->text,
				"is not a decimal number");
		break;
	}
	case EINV_ID:
		read_id(r, t, node, field);
		break;
	case EINV_IDS: {
		struct tandem_einv_ids *ids = field;
		size_t count = (size_t)n;

		if (count > TANDEM_EINV_GROUP_MAX) {
			(void)tandem_diag_add(r->d, TANDEM_SEV_ERROR, TANDEM_ELIMIT,
					      "TANDEM-MODEL-LIMIT", NULL, 0,
					      "more than %d occurrences of %s (%s)",
					      TANDEM_EINV_GROUP_MAX, term->id, term->name);
			r->err = TANDEM_ELIMIT;
			break;
		}
		ids->items = tandem_arena_calloc(r->a, count, sizeof *ids->items);
		if (ids->items == NULL) {
			r->err = TANDEM_ENOMEM;
			break;
		}
		ids->count = count;
		for (size_t i = 0; i < count; i++)
			read_id(r, t, r->nodes.items[mark + i], &ids->items[i]);
		break;
	}
	case EINV_BIN:
		read_binary(r, node, field);
		break;
	}
	r->nodes.count = mark;
}

/* UBL writes the note subject code (BT-21) as "#CODE#" before the note. */
static void split_ubl_note(struct reader *r, struct tandem_einv_note *note)
{
	const char *s = note->text;

	if (s == NULL || note->subject != NULL || s[0] != '#' || s[1] == '\0' ||
	    s[2] == '\0' || s[3] == '\0' || s[4] != '#')
		return;
	for (int i = 1; i < 4; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return;
	note->subject = tandem_arena_strndup(r->a, s + 1, 3);
	if (note->subject == NULL)
		r->err = TANDEM_ENOMEM;
	s += 5;
	while (is_space(*s))
		s++;
	note->text = s;
}

static void read_group(struct reader *r, int g, xmlNodePtr ctx, char *base);

static void read_many(struct reader *r, int g, xmlNodePtr ctx, char *parent_base)
{
	const struct einv_group *gr = &einv_groups[g];
	size_t max = g == EINV_G_LINE ? TANDEM_EINV_LINES_MAX : TANDEM_EINV_GROUP_MAX;
	size_t mark = r->nodes.count;
	long n = einv_path_eval(r->bd->group[g], ctx, r->vars, max + 1, &r->nodes);
	size_t count;
	char *items;

	if (n < 0) {
		r->err = TANDEM_ENOMEM;
		return;
	}
	count = (size_t)n;
	if (count > max) {
		(void)tandem_diag_add(r->d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-MODEL-LIMIT",
				      NULL, 0, "more than %zu occurrences of %s (%s)", max,
				      gr->id, gr->name);
		r->err = TANDEM_ELIMIT;
		r->nodes.count = mark;
		return;
	}
	if (count == 0)
		return;
	items = tandem_arena_calloc(r->a, count, gr->size);
	if (items == NULL) {
		r->err = TANDEM_ENOMEM;
		return;
	}
	*(void **)(parent_base + gr->offset) = items;
	*(size_t *)(parent_base + gr->count_offset) = count;
	/* Children evaluate paths too: take the nodes out of the scratch list. */
	xmlNodePtr *nodes = tandem_malloc(count * sizeof(xmlNodePtr));

	if (nodes == NULL) {
		r->err = TANDEM_ENOMEM;
		return;
	}
	memcpy(nodes, r->nodes.items + mark, count * sizeof(xmlNodePtr));
	r->nodes.count = mark;
	for (size_t i = 0; i < count && r->err == 0; i++) {
		char *item = items + i * gr->size;

		read_group(r, g, nodes[i], item);
		if (g == EINV_G_LINE)
			((struct tandem_einv_line *)(void *)item)->source_line =
				xmlGetLineNo(nodes[i]);
		if (g == EINV_G_NOTE && r->ubl)
			split_ubl_note(r, (struct tandem_einv_note *)(void *)item);
	}
	tandem_free(nodes);
}

/* Reads group g whose struct is at base; ctx is the node of its nearest
 * repeated ancestor (or of itself when it is repeated). */
static void read_group(struct reader *r, int g, xmlNodePtr ctx, char *base)
{
	for (size_t t = 0; t < einv_term_count && r->err == 0; t++) {
		if (einv_terms[t].group != g)
			continue;
		read_term(r, t, ctx, base);
		if (g == EINV_G_INVOICE && einv_terms[t].kind == EINV_TEXT)
			r->vars[t] = *(const char **)(void *)(base + einv_terms[t].offset);
	}
	for (int h = g + 1; h < EINV_G_COUNT_ && r->err == 0; h++) {
		const struct einv_group *gr = &einv_groups[h];

		if (gr->parent != g)
			continue;
		if (gr->many)
			read_many(r, h, ctx, base);
		else
			read_group(r, h, ctx, base + gr->offset);
	}
}

int tandem_einv_read(struct tandem_arena *a, const struct tandem_einv_source *src,
		     struct tandem_diag *d, struct tandem_einv_invoice **out)
{
	struct reader r = { .a = a, .d = d };
	enum einv_binding b;
	struct tandem_einv_invoice *inv;
	xmlNodePtr root;

	*out = NULL;
	switch (src->syntax) {
	case TANDEM_EINV_SYNTAX_UBL_INVOICE:
		b = EINV_B_UBL;
		break;
	case TANDEM_EINV_SYNTAX_UBL_CREDITNOTE:
		b = EINV_B_UBL_CN;
		break;
	case TANDEM_EINV_SYNTAX_CII:
		b = EINV_B_CII;
		break;
	default:
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EUNSUPPORTED,
				      "TANDEM-MODEL-SYNTAX", NULL, 0,
				      "the %s syntax is not EN 16931: no model can be read",
				      tandem_einv_syntax_name(src->syntax));
		return TANDEM_EUNSUPPORTED;
	}
	r.b = b;
	r.ubl = b != EINV_B_CII;
	r.bd = einv_bound_get(b);
	if (r.bd == NULL)
		return TANDEM_EINTERNAL;
	if (src->doc == NULL || (root = xmlDocGetRootElement(src->doc->doc)) == NULL)
		return TANDEM_EINVAL;
	inv = tandem_arena_calloc(a, 1, sizeof *inv);
	r.vars = tandem_arena_calloc(a, einv_term_count, sizeof *r.vars);
	if (inv == NULL || r.vars == NULL)
		return TANDEM_ENOMEM;
	inv->syntax = src->syntax;
	read_group(&r, EINV_G_INVOICE, root, (char *)inv);
	einv_nodes_release(&r.nodes);
	if (r.err == 0 && tandem_arena_error(a) != 0)
		r.err = tandem_arena_error(a);
	if (r.err != 0)
		return r.err;
	*out = inv;
	return 0;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int tandem_einv_binary_decode(struct tandem_arena *a, const struct tandem_einv_binary *b,
			      unsigned char **out, size_t *len)
{
	unsigned char *buf;
	unsigned long acc = 0;
	size_t n = 0, pad = 0, chars = 0;

	*out = NULL;
	*len = 0;
	buf = tandem_arena_alloc(a, b->base64_len / 4 * 3 + 3);
	if (buf == NULL)
		return TANDEM_ENOMEM;
	for (size_t i = 0; i < b->base64_len; i++) {
		char c = b->base64[i];
		int v;

		if (is_space(c))
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		v = b64_value(c);
		if (v < 0 || pad > 0)
			return TANDEM_EBADINPUT;
		acc = (acc << 6) | (unsigned long)v;
		if (++chars % 4 == 0) {
			buf[n++] = (unsigned char)(acc >> 16);
			buf[n++] = (unsigned char)(acc >> 8);
			buf[n++] = (unsigned char)acc;
			acc = 0;
		}
	}
	/* 2 or 3 characters left carry 1 or 2 bytes; padding must complete 4. */
	switch (chars % 4) {
	case 0:
		break;
	case 2:
		buf[n++] = (unsigned char)(acc >> 4);
		break;
	case 3:
		buf[n++] = (unsigned char)(acc >> 10);
		buf[n++] = (unsigned char)(acc >> 2);
		break;
	default:
		return TANDEM_EBADINPUT;
	}
	if (pad > 2 || (pad > 0 && (chars + pad) % 4 != 0))
		return TANDEM_EBADINPUT;
	*out = buf;
	*len = n;
	return 0;
}
