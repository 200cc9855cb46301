/*
 * src/einvoice/write.c - writes the EN 16931 model as UBL 2.1 (Invoice or
 * CreditNote) or UN/CEFACT CII D16B by walking the binding table
 * (model_terms.c) the way the reader does, making the nodes each row's
 * path selects (model_make.c). What the paths cannot say is done here and
 * in write_fix.c: the UBL note subject, currencies of UBL amounts, CII
 * date formats, mandatory fixed children and the order of elements.
 */
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "einvoice/model.h"
#include "einvoice/model_path.h"
#include "einvoice/write.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/error.h"

struct writer {
	struct einv_maker m;
	const struct einv_bound *bd;
	enum einv_binding b;
	const struct tandem_einv_invoice *inv;
	const char *vars[256];     /* texts of top-level terms, by term index */
	struct tandem_diag *d;
	int err;
};

static void skipped(struct writer *w, const struct einv_term *term, const char *why)
{
	(void)tandem_diag_add(w->d, TANDEM_SEV_WARNING, TANDEM_EUNSUPPORTED, "TANDEM-WRITE-SKIPPED",
			      NULL, 0, "%s (%s) is not written: %s", term->id, term->name, why);
}

/* Makes one value of term t; *node receives its element (NULL if skipped). */
static void make(struct writer *w, size_t t, const struct einv_path *p, size_t alt,
		 xmlNodePtr ctx, bool repeated, size_t occ, const char *value, xmlNodePtr *node)
{
	int rc = einv_path_make(&w->m, p, alt, ctx, repeated, occ, value, node);

	if (rc == TANDEM_ENOENT || rc == TANDEM_EINVAL)
		skipped(w, &einv_terms[t], rc == TANDEM_ENOENT ?
			"its place depends on a term that has no value" :
			"its path leaves the document");
	else if (rc != 0)
		w->err = rc;
	if (rc != 0)
		*node = NULL;
}

static bool ends_with(const xmlChar *s, const char *suffix)
{
	size_t n = strlen((const char *)s);
	size_t m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static void set_attr(struct writer *w, xmlNodePtr node, const char *name, const char *value)
{
	if (node != NULL && value != NULL &&
	    xmlSetProp(node, (const xmlChar *)name, (const xmlChar *)value) == NULL)
		w->err = TANDEM_ENOMEM;
}

/* CII dates are written YYYYMMDD with format 102 (UNTDID 2379). */
static void write_date(struct writer *w, size_t t, xmlNodePtr ctx, const char *v)
{
	char buf[9];
	xmlNodePtr node;

	if (w->b == EINV_B_CII && strlen(v) == 10 && v[4] == '-' && v[7] == '-') {
		memcpy(buf, v, 4);
		memcpy(buf + 4, v + 5, 2);
		memcpy(buf + 6, v + 8, 2);
		buf[8] = '\0';
		v = buf;
	}
	make(w, t, w->bd->term[t], 0, ctx, false, 0, v, &node);
	if (w->b == EINV_B_CII)
		set_attr(w, node, "format", "102");
}

/* UBL amounts carry their currency: BT-5 unless a predicate set another. */
static void write_num(struct writer *w, size_t t, xmlNodePtr ctx,
		      const struct tandem_einv_num *num)
{
	xmlNodePtr node;

	if (num->text == NULL)
		return;
	make(w, t, w->bd->term[t], 0, ctx, false, 0, num->text, &node);
	if (node != NULL && w->b != EINV_B_CII && ends_with(node->name, "Amount") &&
	    xmlHasProp(node, (const xmlChar *)"currencyID") == NULL)
		set_attr(w, node, "currencyID", w->inv->currency);
}

/* The alternative an identifier takes: the last (ram:GlobalID) when it
 * has a scheme and there is a choice, else the first (ram:ID). */
static size_t id_alt(const struct einv_path *p, const struct tandem_einv_id *id)
{
	size_t n = einv_path_alts(p);

	return id->scheme != NULL && n > 1 ? n - 1 : 0;
}

static void write_id(struct writer *w, size_t t, xmlNodePtr ctx, const struct tandem_einv_id *id,
		     bool repeated, size_t occ)
{
	const struct einv_path *p = w->bd->term[t];
	xmlNodePtr node;
	xmlNodePtr unused;

	if (id->value == NULL)
		return;
	make(w, t, p, id_alt(p, id), ctx, repeated, occ, id->value, &node);
	if (node == NULL)
		return;
	if (id->scheme != NULL && w->bd->scheme[t] != NULL)
		make(w, t, w->bd->scheme[t], 0, node, false, 0, id->scheme, &unused);
	if (id->version != NULL && w->bd->version[t] != NULL)
		make(w, t, w->bd->version[t], 0, node, false, 0, id->version, &unused);
}

static void write_ids(struct writer *w, size_t t, xmlNodePtr ctx, const struct tandem_einv_ids *ids)
{
	const struct einv_path *p = w->bd->term[t];

	for (size_t i = 0; i < ids->count && w->err == 0; i++) {
		size_t alt = id_alt(p, &ids->items[i]);
		size_t occ = 0;

		/* Occurrences are counted per alternative: ram:ID and
		 * ram:GlobalID are different elements. */
		for (size_t j = 0; j < i; j++)
			if (ids->items[j].value != NULL && id_alt(p, &ids->items[j]) == alt)
				occ++;
		write_id(w, t, ctx, &ids->items[i], true, occ);
	}
}

static void write_binary(struct writer *w, size_t t, xmlNodePtr ctx,
			 const struct tandem_einv_binary *bin)
{
	xmlNodePtr node;
	xmlNodePtr text;

	if (bin->base64 == NULL)
		return;
	make(w, t, w->bd->term[t], 0, ctx, false, 0, NULL, &node);
	if (node == NULL)
		return;
	if (bin->base64_len > 0) {
		if (bin->base64_len > (size_t)TANDEM_EINV_WRITE_TEXT_MAX) {
			w->err = TANDEM_ELIMIT;
			return;
		}
		text = xmlNewDocTextLen(w->m.doc, (const xmlChar *)bin->base64,
					(int)bin->base64_len);
		if (text == NULL || xmlAddChild(node, text) == NULL) {
			xmlFreeNode(text);
			w->err = TANDEM_ENOMEM;
			return;
		}
	}
	set_attr(w, node, "mimeCode", bin->mime);
	set_attr(w, node, "filename", bin->filename);
}

/* UBL has no element for the note subject (BT-21): it is written
 * "#CODE#" before the note text, as Peppol BIS and XRechnung do. */
static void write_ubl_note(struct writer *w, size_t t, xmlNodePtr ctx,
			   const struct tandem_einv_note *note)
{
	struct tandem_buf b;
	xmlNodePtr node;

	tandem_buf_init(&b, TANDEM_EINV_WRITE_TEXT_MAX);
	if (tandem_buf_printf(&b, "#%s#%s", note->subject,
			      note->text != NULL ? note->text : "") != 0) {
		w->err = TANDEM_ENOMEM;
	} else {
		make(w, t, w->bd->term[t], 0, ctx, false, 0, b.data, &node);
		if (strlen(note->subject) != 3 || strspn(note->subject, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
			(void)tandem_diag_add(w->d, TANDEM_SEV_WARNING, TANDEM_EUNSUPPORTED,
					      "TANDEM-WRITE-NOTE", NULL, 0,
					      "note subject code \"%.40s\" is not three capital "
					      "letters: UBL readers will not find it in the note",
					      note->subject);
	}
	tandem_buf_release(&b);
}

static void write_term(struct writer *w, size_t t, xmlNodePtr ctx, const char *base)
{
	const struct einv_term *term = &einv_terms[t];
	const void *field = base + term->offset;

	if (w->bd->term[t] == NULL)
		return; /* BT-21 in UBL: written with BT-22 */
	switch (term->kind) {
	case EINV_TEXT:
	case EINV_PROSE: {
		const char *v = *(const char *const *)field;
		xmlNodePtr node;

		if (term->group == EINV_G_NOTE && w->b != EINV_B_CII &&
		    ((const struct tandem_einv_note *)(const void *)base)->subject != NULL)
			write_ubl_note(w, t, ctx, (const struct tandem_einv_note *)(const void *)base);
		else if (v != NULL)
			make(w, t, w->bd->term[t], 0, ctx, false, 0,
			     einv_code_to_syntax(t, w->b, v), &node);
		break;
	}
	case EINV_DATE: {
		const char *v = *(const char *const *)field;

		if (v != NULL)
			write_date(w, t, ctx, v);
		break;
	}
	case EINV_NUM:
		write_num(w, t, ctx, field);
		break;
	case EINV_ID:
		write_id(w, t, ctx, field, false, 0);
		break;
	case EINV_IDS:
		write_ids(w, t, ctx, field);
		break;
	case EINV_BIN:
		write_binary(w, t, ctx, field);
		break;
	}
}

static size_t term_index(const char *id)
{
	for (size_t t = 0; t < einv_term_count; t++)
		if (strcmp(einv_terms[t].id, id) == 0)
			return t;
	return einv_term_count;
}

/*
 * The two syntaxes keep the gross price (BT-148) and the price discount
 * (BT-147) in one element that needs the other: CII's gross price needs its
 * amount, UBL's price allowance its amount. EN 16931-1 defines the net
 * price (BT-146) as the gross price less the discount, so the one missing
 * is derived from the two given, and a finding says so.
 */
static void derive_price(struct writer *w, xmlNodePtr ctx, const struct tandem_einv_price *p)
{
	bool cii = w->b == EINV_B_CII;
	size_t t = term_index(cii ? "BT-148" : "BT-147");
	struct tandem_dec v;
	char text[TANDEM_DEC_STR_MAX];
	xmlNodePtr node;
	int rc;

	if (t == einv_term_count || !p->net.set)
		return;
	if (cii && p->gross.text == NULL && p->discount.set)
		rc = tandem_dec_add(p->net.value, p->discount.value, &v);
	else if (!cii && p->discount.text == NULL && p->gross.set)
		rc = tandem_dec_sub(p->gross.value, p->net.value, &v);
	else
		return;
	if (rc != 0)
		return;
	(void)tandem_dec_format(v, text);
	make(w, t, w->bd->term[t], 0, ctx, false, 0, text, &node);
	if (node != NULL && !cii)
		set_attr(w, node, "currencyID", w->inv->currency);
	(void)tandem_diag_add(w->d, TANDEM_SEV_WARNING, 0, "TANDEM-WRITE-DERIVED", NULL, 0,
			      "%s is absent but the syntax requires it with %s: written as %s, %s",
			      cii ? "BT-148 (Item gross price)" : "BT-147 (Item price discount)",
			      cii ? "a price discount" : "a gross price",
			      cii ? "BT-146 + BT-147" : "BT-148 - BT-146", text);
}

/* Writes group g from base into ctx, the node of its nearest repeated
 * ancestor (or its own node when it is repeated), as read.c reads it. */
static void write_group(struct writer *w, int g, xmlNodePtr ctx, const char *base)
{
	for (size_t t = 0; t < einv_term_count && w->err == 0; t++)
		if (einv_terms[t].group == g)
			write_term(w, t, ctx, base);
	if (g == EINV_G_PRICE)
		derive_price(w, ctx, (const struct tandem_einv_price *)(const void *)base);
	for (int h = g + 1; h < EINV_G_COUNT_ && w->err == 0; h++) {
		const struct einv_group *gr = &einv_groups[h];

		if (gr->parent != g)
			continue;
		if (!gr->many) {
			write_group(w, h, ctx, base + gr->offset);
			continue;
		}
		const char *items = *(const char *const *)(const void *)(base + gr->offset);
		size_t count = *(const size_t *)(const void *)(base + gr->count_offset);

		for (size_t i = 0; i < count && w->err == 0; i++) {
			xmlNodePtr node;
			int rc = einv_path_make(&w->m, w->bd->group[h], 0, ctx, true, i, NULL, &node);

			if (rc != 0) {
				w->err = rc == TANDEM_ENOMEM ? rc : TANDEM_EINTERNAL;
				break;
			}
			write_group(w, h, node, items + i * gr->size);
		}
	}
}

/* The root element with the namespaces of the syntax declared on it. */
static int make_root(struct writer *w, enum tandem_einv_syntax syntax)
{
	static const struct {
		const char *name, *uri, *prefixes;
	} roots[] = {
		[TANDEM_EINV_SYNTAX_UBL_INVOICE] = {
			"Invoice", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
			"cac cbc" },
		[TANDEM_EINV_SYNTAX_UBL_CREDITNOTE] = {
			"CreditNote", "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
			"cac cbc" },
		[TANDEM_EINV_SYNTAX_CII] = { "CrossIndustryInvoice", NULL, "rsm ram qdt udt" },
	};
	xmlNodePtr root;

	w->m.doc = xmlNewDoc((const xmlChar *)"1.0");
	if (w->m.doc == NULL)
		return TANDEM_ENOMEM;
	root = xmlNewDocNode(w->m.doc, NULL, (const xmlChar *)roots[syntax].name, NULL);
	if (root == NULL)
		return TANDEM_ENOMEM;
	(void)xmlDocSetRootElement(w->m.doc, root);
	w->m.root = root;
	if (roots[syntax].uri != NULL) {
		xmlNsPtr ns = xmlNewNs(root, (const xmlChar *)roots[syntax].uri, NULL);

		if (ns == NULL)
			return TANDEM_ENOMEM;
		xmlSetNs(root, ns);
	}
	for (size_t i = 0; i < einv_namespace_count; i++) {
		const char *p = strstr(roots[syntax].prefixes, einv_namespaces[i].prefix);
		xmlNsPtr ns;

		if (p == NULL)
			continue;
		ns = xmlNewNs(root, (const xmlChar *)einv_namespaces[i].uri,
			      (const xmlChar *)einv_namespaces[i].prefix);
		if (ns == NULL)
			return TANDEM_ENOMEM;
		if (strcmp(einv_namespaces[i].prefix, "rsm") == 0)
			xmlSetNs(root, ns);
	}
	return 0;
}

static int serialise(xmlDocPtr doc, struct tandem_buf *out)
{
	xmlBufferPtr xb = xmlBufferCreate();
	xmlSaveCtxtPtr ctx;
	int rc = 0;

	if (xb == NULL)
		return TANDEM_ENOMEM;
	ctx = xmlSaveToBuffer(xb, "UTF-8", XML_SAVE_FORMAT);
	if (ctx == NULL || xmlSaveDoc(ctx, doc) < 0)
		rc = TANDEM_ENOMEM;
	if (ctx != NULL && xmlSaveClose(ctx) < 0)
		rc = TANDEM_ENOMEM;
	if (rc == 0)
		rc = tandem_buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
	return rc;
}

/*
 * UBL requires the invoice total VAT amount (cac:TaxTotal/cbc:TaxAmount);
 * CII may leave it out when there is no VAT (BR-CO-15 then holds with
 * BT-112 = BT-109). Written to UBL, an invoice without BT-110 gets the sum
 * of its VAT category tax amounts (BT-117), which BR-CO-14 asks it to
 * equal, and a finding says so.
 */
static const struct tandem_einv_invoice *derive_vat_total(const struct tandem_einv_invoice *inv,
							  struct tandem_einv_invoice *copy,
							  char text[TANDEM_DEC_STR_MAX],
							  struct tandem_diag *d)
{
	struct tandem_dec sum = { 0 };

	if (inv->totals.vat.text != NULL || inv->n_vat == 0)
		return inv;
	for (size_t i = 0; i < inv->n_vat; i++)
		if (!inv->vat[i].tax.set || tandem_dec_add(sum, inv->vat[i].tax.value, &sum) != 0)
			return inv;
	(void)tandem_dec_format(sum, text);
	*copy = *inv;
	copy->totals.vat.set = true;
	copy->totals.vat.value = sum;
	copy->totals.vat.text = text;
	(void)tandem_diag_add(d, TANDEM_SEV_WARNING, 0, "TANDEM-WRITE-DERIVED", NULL, 0,
			      "BT-110 (Invoice total VAT amount) is absent but UBL requires it: "
			      "written as the sum of the VAT category tax amounts (BT-117), %s",
			      text);
	return copy;
}

int tandem_einv_write(const struct tandem_einv_invoice *inv, enum tandem_einv_syntax syntax,
		      struct tandem_diag *d, struct tandem_buf *out)
{
	struct writer w = { .inv = inv, .d = d };
	struct tandem_einv_invoice copy;
	char vat_total[TANDEM_DEC_STR_MAX];
	int rc;

	switch (syntax) {
	case TANDEM_EINV_SYNTAX_UBL_INVOICE:
		w.b = EINV_B_UBL;
		break;
	case TANDEM_EINV_SYNTAX_UBL_CREDITNOTE:
		w.b = EINV_B_UBL_CN;
		break;
	case TANDEM_EINV_SYNTAX_CII:
		w.b = EINV_B_CII;
		break;
	default:
		return TANDEM_EINVAL;
	}
	if ((w.bd = einv_bound_get(w.b)) == NULL)
		return TANDEM_EINTERNAL;
	if (w.b != EINV_B_CII)
		w.inv = inv = derive_vat_total(inv, &copy, vat_total, d);
	if (einv_term_count > sizeof w.vars / sizeof w.vars[0])
		return TANDEM_EINTERNAL;
	for (size_t t = 0; t < einv_term_count; t++)
		if (einv_terms[t].group == EINV_G_INVOICE && einv_terms[t].kind == EINV_TEXT)
			w.vars[t] = *(const char *const *)(const void *)((const char *)inv +
									einv_terms[t].offset);
	w.m.vars = w.vars;
	rc = make_root(&w, syntax);
	if (rc == 0) {
		write_group(&w, EINV_G_INVOICE, w.m.root, (const char *)inv);
		rc = w.err;
	}
	if (rc == 0)
		rc = einv_write_fix(&w.m, w.b, d);
	if (rc == 0)
		rc = einv_write_order(w.m.root, w.b);
	if (rc == 0)
		rc = serialise(w.m.doc, out);
	xmlFreeDoc(w.m.doc);
	return rc;
}

enum tandem_einv_syntax tandem_einv_ubl_kind(const struct tandem_einv_invoice *inv)
{
	/* UNTDID 1001 codes of credit notes that EN 16931 allows. */
	static const char *const credit[] = { "81", "83", "381", "396", "532" };

	if (inv->syntax == TANDEM_EINV_SYNTAX_UBL_INVOICE ||
	    inv->syntax == TANDEM_EINV_SYNTAX_UBL_CREDITNOTE)
		return inv->syntax;
	for (size_t i = 0; inv->type_code != NULL && i < sizeof credit / sizeof credit[0]; i++)
		if (strcmp(inv->type_code, credit[i]) == 0)
			return TANDEM_EINV_SYNTAX_UBL_CREDITNOTE;
	return TANDEM_EINV_SYNTAX_UBL_INVOICE;
}
