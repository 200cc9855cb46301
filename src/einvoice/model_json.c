/*
 * src/einvoice/model_json.c - the model as JSON, keyed by EN 16931 ids and
 * names, by walking the binding table; and the table as tools see it.
 */
#include <stdio.h>
#include <string.h>

#include "einvoice/model.h"
#include "tandem/error.h"

#define JSON_OUT_MAX (256u << 20)

static const void *at(const char *base, size_t offset)
{
	return base + offset;
}

static bool term_present(const struct einv_term *t, const char *base)
{
	const void *f = at(base, t->offset);

	switch (t->kind) {
	case EINV_TEXT:
	case EINV_PROSE:
	case EINV_DATE:
		return *(const char *const *)f != NULL;
	case EINV_NUM:
		return ((const struct tandem_einv_num *)f)->text != NULL;
	case EINV_ID:
		return ((const struct tandem_einv_id *)f)->value != NULL;
	case EINV_IDS:
		return ((const struct tandem_einv_ids *)f)->count > 0;
	case EINV_BIN: {
		const struct tandem_einv_binary *b = f;

		return b->base64 != NULL || b->mime != NULL || b->filename != NULL;
	}
	}
	return false;
}

static bool group_empty(int g, const char *base)
{
	for (size_t t = 0; t < einv_term_count; t++)
		if (einv_terms[t].group == g && term_present(&einv_terms[t], base))
			return false;
	for (int h = g + 1; h < EINV_G_COUNT_; h++) {
		const struct einv_group *gr = &einv_groups[h];

		if (gr->parent != g)
			continue;
		if (gr->many ? *(const size_t *)at(base, gr->count_offset) > 0
			     : !group_empty(h, base + gr->offset))
			return false;
	}
	return true;
}

struct out {
	struct tandem_buf *b;
	int err;
};

static void put(struct out *o, const char *s)
{
	if (o->err == 0)
		o->err = tandem_buf_puts(o->b, s);
}

static void str(struct out *o, const char *s)
{
	if (o->err == 0)
		o->err = tandem_buf_json_string(o->b, s, strlen(s));
}

static void indent(struct out *o, int depth)
{
	put(o, "\n");
	for (int i = 0; i < depth; i++)
		put(o, "  ");
}

/* "BT-27 Seller name": the key of a term or group. */
static void key(struct out *o, int depth, bool *first, const char *id, const char *name)
{
	char k[160];

	if (!*first)
		put(o, ",");
	*first = false;
	indent(o, depth);
	if (id[0] != '\0') {
		size_t n = strlen(id);

		memcpy(k, id, n);
		k[n] = ' ';
		k[n + 1] = '\0';
		strncat(k, name, sizeof k - n - 2);
	} else {
		strncpy(k, name, sizeof k - 1);
		k[sizeof k - 1] = '\0';
	}
	str(o, k);
	put(o, ": ");
}

static void member(struct out *o, bool *first, const char *name, const char *value)
{
	if (value == NULL)
		return;
	if (!*first)
		put(o, ", ");
	*first = false;
	str(o, name);
	put(o, ": ");
	str(o, value);
}

static void id_value(struct out *o, const struct tandem_einv_id *id)
{
	bool first = true;

	put(o, "{");
	member(o, &first, "value", id->value);
	member(o, &first, "scheme", id->scheme);
	member(o, &first, "scheme_version", id->version);
	put(o, "}");
}

static void term_value(struct out *o, const struct einv_term *t, const char *base)
{
	const void *f = at(base, t->offset);

	switch (t->kind) {
	case EINV_TEXT:
	case EINV_PROSE:
	case EINV_DATE:
		str(o, *(const char *const *)f);
		break;
	case EINV_NUM: {
		const struct tandem_einv_num *n = f;
		char buf[TANDEM_DEC_STR_MAX];

		if (n->set)
			(void)tandem_dec_format(n->value, buf);
		str(o, n->set ? buf : n->text);
		break;
	}
	case EINV_ID:
		id_value(o, f);
		break;
	case EINV_IDS: {
		const struct tandem_einv_ids *ids = f;

		put(o, "[");
		for (size_t i = 0; i < ids->count; i++) {
			if (i > 0)
				put(o, ", ");
			id_value(o, &ids->items[i]);
		}
		put(o, "]");
		break;
	}
	case EINV_BIN: {
		const struct tandem_einv_binary *b = f;
		bool first = true;
		char size[32];

		put(o, "{");
		member(o, &first, "mime", b->mime);
		member(o, &first, "filename", b->filename);
		if (!first)
			put(o, ", ");
		snprintf(size, sizeof size, "\"size\": %zu", b->size);
		put(o, size);
		put(o, "}");
		break;
	}
	}
}

static void group(struct out *o, int g, const char *base, int depth)
{
	bool first = true;

	put(o, "{");
	if (g == EINV_G_INVOICE) {
		key(o, depth + 1, &first, "", "syntax");
		str(o, tandem_einv_syntax_name(((const struct tandem_einv_invoice *)
							(const void *)base)->syntax));
	}
	for (size_t t = 0; t < einv_term_count; t++) {
		if (einv_terms[t].group != g || !term_present(&einv_terms[t], base))
			continue;
		key(o, depth + 1, &first, einv_terms[t].id, einv_terms[t].name);
		term_value(o, &einv_terms[t], base);
	}
	for (int h = g + 1; h < EINV_G_COUNT_; h++) {
		const struct einv_group *gr = &einv_groups[h];

		if (gr->parent != g)
			continue;
		if (!gr->many) {
			if (group_empty(h, base + gr->offset))
				continue;
			key(o, depth + 1, &first, gr->id, gr->name);
			group(o, h, base + gr->offset, depth + 1);
			continue;
		}
		size_t count = *(const size_t *)at(base, gr->count_offset);
		const char *items = *(const char *const *)at(base, gr->offset);

		if (count == 0)
			continue;
		key(o, depth + 1, &first, gr->id, gr->name);
		put(o, "[");
		for (size_t i = 0; i < count; i++) {
			if (i > 0)
				put(o, ",");
			indent(o, depth + 2);
			group(o, h, items + i * gr->size, depth + 2);
		}
		indent(o, depth + 1);
		put(o, "]");
	}
	indent(o, depth);
	put(o, "}");
}

int tandem_einv_to_json(const struct tandem_einv_invoice *inv, struct tandem_buf *out)
{
	struct out o = { out, 0 };

	group(&o, EINV_G_INVOICE, (const char *)inv, 0);
	put(&o, "\n");
	return o.err;
}

size_t tandem_einv_term_count(void)
{
	return EINV_G_COUNT_ - 1 + einv_term_count;
}

static void term_info(const struct einv_bound *ubl, const struct einv_bound *cii, size_t t,
		      struct tandem_einv_term_info *out)
{
	out->id = einv_terms[t].id;
	out->name = einv_terms[t].name;
	out->group = einv_groups[einv_terms[t].group].id;
	out->ubl = ubl != NULL && ubl->term_text[t] != NULL ? ubl->term_text[t] : "";
	out->cii = cii != NULL && cii->term_text[t] != NULL ? cii->term_text[t] : "";
}

/* The invoice's own terms first, then each group followed by its terms. */
void tandem_einv_term_get(size_t i, struct tandem_einv_term_info *out)
{
	const struct einv_bound *ubl = einv_bound_get(EINV_B_UBL);
	const struct einv_bound *cii = einv_bound_get(EINV_B_CII);
	size_t k = 0;

	memset(out, 0, sizeof *out);
	for (int g = 0; g < EINV_G_COUNT_; g++) {
		const struct einv_group *gr = &einv_groups[g];

		if (g > 0 && k++ == i) {
			out->id = gr->id;
			out->name = gr->name;
			out->group = einv_groups[gr->parent].id;
			out->ubl = ubl != NULL ? ubl->group_text[g] : "";
			out->cii = cii != NULL ? cii->group_text[g] : "";
			return;
		}
		for (size_t t = 0; t < einv_term_count; t++)
			if (einv_terms[t].group == g && k++ == i) {
				term_info(ubl, cii, t, out);
				return;
			}
	}
}
