/*
 * src/einvoice/pdf.c - finds the invoice XML inside a Factur-X / ZUGFeRD /
 * XRechnung PDF with libqpdf's C API, and inflates it with a cap.
 *
 * Where the invoice is: the catalog's /AF array (PDF/A-3 associated files)
 * and the /Names /EmbeddedFiles name tree both list file specifications;
 * the one named factur-x.xml, xrechnung.xml, zugferd-invoice.xml or
 * ZUGFeRD-invoice.xml is the invoice. Its /EF /F stream holds the XML,
 * usually FlateDecode-compressed. qpdf hands over the raw stream; tandem
 * inflates it itself, so the output is bounded by TANDEM_EINV_XML_BYTES_MAX
 * whatever the stream claims. The XMP packet of the catalog's /Metadata is
 * read the same way (xmp.c).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <qpdf/qpdf-c.h>
#include <zlib.h>

#include "core/core.h"
#include "einvoice_int.h"

/*
 * libqpdf is a C++ library with a dozen dependencies; linking it would cost
 * every run of tandem about 5 ms of start-up (relocations and page faults)
 * for the rare PDF. It is loaded with dlopen() at the first PDF instead,
 * once per process, and stays loaded. The functions used, by name:
 */
#define QPDF_FUNCS(X) \
	X(qpdf_oh_get_key) \
	X(qpdf_oh_is_dictionary) \
	X(qpdf_oh_is_array) \
	X(qpdf_oh_get_array_n_items) \
	X(qpdf_oh_get_array_item) \
	X(qpdf_oh_is_stream) \
	X(qpdf_has_error) \
	X(qpdf_get_error_full_text) \
	X(qpdf_get_error) \
	X(qpdf_oh_is_string) \
	X(qpdf_cleanup) \
	X(qpdf_silence_errors) \
	X(qpdf_set_suppress_warnings) \
	X(qpdf_read_memory) \
	X(qpdf_oh_is_null) \
	X(qpdf_oh_is_name_and_equals) \
	X(qpdf_oh_is_name) \
	X(qpdf_oh_has_key) \
	X(qpdf_oh_get_utf8_value) \
	X(qpdf_oh_get_stream_data) \
	X(qpdf_oh_get_name) \
	X(qpdf_oh_get_dict) \
	X(qpdf_init) \
	X(qpdf_get_root)

static struct {
#define X(f) __typeof__(&f) f; /* NOLINT(bugprone-macro-parentheses): a declaration */
	QPDF_FUNCS(X)
#undef X
} qp;

static pthread_once_t qp_once = PTHREAD_ONCE_INIT;
static char qp_error[256]; /* why loading failed; "" when loaded */

static void qp_load(void)
{
	void *h = dlopen(TANDEM_QPDF_SONAME, RTLD_NOW | RTLD_LOCAL);
	void *sym;

	if (h == NULL) {
		snprintf(qp_error, sizeof qp_error, "%s", dlerror());
		return;
	}
	/* memcpy: ISO C has no conversion from void * to a function pointer. */
#define X(f)                                                                        \
	sym = dlsym(h, #f);                                                         \
	if (sym == NULL) {                                                          \
		snprintf(qp_error, sizeof qp_error, "%s has no %s", TANDEM_QPDF_SONAME, #f); \
		return;                                                             \
	}                                                                           \
	memcpy(&qp.f, &sym, sizeof sym);
	QPDF_FUNCS(X)
#undef X
	qp_error[0] = '\0';
}

/* Loads libqpdf once; 0, or TANDEM_EUNSUPPORTED with a finding. */
static int qp_ready(struct tandem_diag *d)
{
	if (pthread_once(&qp_once, qp_load) != 0 || qp.qpdf_init == NULL) {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EUNSUPPORTED, "TANDEM-PDF-UNREADABLE",
				NULL, 0, "PDF support is not available: %s",
				qp_error[0] ? qp_error : "libqpdf cannot be loaded");
		return TANDEM_EUNSUPPORTED;
	}
	return 0;
}

#define NAME_TREE_DEPTH_MAX 16
#define XMP_BYTES_MAX (4u << 20)

/* Attachment names of an invoice, in order of preference. */
static const char *const invoice_names[] = {
	"factur-x.xml", "xrechnung.xml", "zugferd-invoice.xml",
};

int einv_inflate(struct tandem_arena *a, const unsigned char *in, size_t in_len,
		 size_t max, char **out, size_t *out_len)
{
	z_stream z;
	unsigned char chunk[16384];
	struct tandem_buf b;
	int zr, err = 0;

	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return TANDEM_ENOMEM;
	tandem_buf_init(&b, max);
	z.next_in = (unsigned char *)in;
	do {
		/* zlib counts in uInt: feed at most 1 GiB at a time. */
		size_t left = in_len - (size_t)(z.next_in - in);
		z.avail_in = (uInt)(left > (1u << 30) ? (1u << 30) : left);
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			err = zr == Z_MEM_ERROR ? TANDEM_ENOMEM : TANDEM_EBADINPUT;
			break;
		}
		err = tandem_buf_append(&b, chunk, sizeof chunk - z.avail_out);
		if (err)
			break;
		if (zr == Z_BUF_ERROR && z.avail_in == 0 &&
		    (size_t)(z.next_in - in) == in_len && z.avail_out != 0) {
			/* Truncated stream: no more input, no end marker. */
			err = TANDEM_EBADINPUT;
			break;
		}
	} while (zr != Z_STREAM_END);
	inflateEnd(&z);
	if (!err) {
		/* The caller's arena being full is not the document's fault:
		 * ENOMEM, never the ELIMIT that means "inflates too far". */
		*out = tandem_arena_strndup(a, b.data, b.len);
		*out_len = b.len;
		if (*out == NULL)
			err = TANDEM_ENOMEM;
	}
	tandem_buf_release(&b);
	return err;
}

struct pdf {
	qpdf_data q;
	struct tandem_arena *a;
	struct tandem_diag *d;
	struct tandem_einv_pdf_info *info;
	qpdf_oh invoice;      /* file specification of the invoice, 0 if none */
	int invoice_rank;     /* index in invoice_names, lower is better */
	bool saw_order_x;
	char others[256];     /* names of other attachments, for the message */
};

/* The file name of a file specification: /UF, else /F. */
static void filespec_name(struct pdf *p, qpdf_oh spec, char *out, size_t size)
{
	qpdf_oh name = qp.qpdf_oh_get_key(p->q, spec, "/UF");

	if (!qp.qpdf_oh_is_string(p->q, name))
		name = qp.qpdf_oh_get_key(p->q, spec, "/F");
	out[0] = '\0';
	if (qp.qpdf_oh_is_string(p->q, name))
		einv_copy(out, size, qp.qpdf_oh_get_utf8_value(p->q, name));
}

static int invoice_rank(const char *name)
{
	for (size_t i = 0; i < TANDEM_ARRAY_SIZE(invoice_names); i++)
		if (strcasecmp(name, invoice_names[i]) == 0)
			return (int)i;
	return -1;
}

/* Looks at one file specification, from /AF (in_af) or the name tree. */
static void consider(struct pdf *p, qpdf_oh spec, bool in_af)
{
	char name[TANDEM_EINV_TEXT_MAX];
	int rank;

	if (!qp.qpdf_oh_is_dictionary(p->q, spec))
		return;
	filespec_name(p, spec, name, sizeof name);
	rank = invoice_rank(name);
	if (rank < 0) {
		if (strcasecmp(name, "order-x.xml") == 0)
			p->saw_order_x = true;
		else if (!in_af && strlen(p->others) + strlen(name) + 3 < sizeof p->others)
			snprintf(p->others + strlen(p->others),
				 sizeof p->others - strlen(p->others), "%s%s",
				 p->others[0] ? ", " : "", name);
		if (!in_af)
			p->info->attachments++;
		return;
	}
	if (!in_af)
		p->info->attachments++;
	if (p->invoice == 0 || rank < p->invoice_rank ||
	    (rank == p->invoice_rank && in_af && !p->info->in_af)) {
		p->invoice = spec;
		p->invoice_rank = rank;
		einv_copy(p->info->attachment, sizeof p->info->attachment, name);
	}
	if (strcasecmp(name, p->info->attachment) == 0) {
		if (in_af)
			p->info->in_af = true;
		else
			p->info->in_embedded_files = true;
	}
}

/*
 * Walks a name tree (/Names pairs, /Kids children). *seen counts nodes and
 * entries together, so a tree whose nodes list themselves again and again
 * (a loop) ends after TANDEM_EINV_PDF_ATTACHMENTS_MAX steps, not 8^16.
 */
static void walk_names(struct pdf *p, qpdf_oh node, int depth, size_t *seen)
{
	qpdf_oh names, kids;

	if (depth > NAME_TREE_DEPTH_MAX || *seen >= TANDEM_EINV_PDF_ATTACHMENTS_MAX ||
	    !qp.qpdf_oh_is_dictionary(p->q, node))
		return;
	(*seen)++;
	names = qp.qpdf_oh_get_key(p->q, node, "/Names");
	if (qp.qpdf_oh_is_array(p->q, names)) {
		int n = qp.qpdf_oh_get_array_n_items(p->q, names);
		for (int i = 1; i < n && *seen < TANDEM_EINV_PDF_ATTACHMENTS_MAX; i += 2) {
			(*seen)++;
			consider(p, qp.qpdf_oh_get_array_item(p->q, names, i), false);
		}
	}
	kids = qp.qpdf_oh_get_key(p->q, node, "/Kids");
	if (qp.qpdf_oh_is_array(p->q, kids)) {
		int n = qp.qpdf_oh_get_array_n_items(p->q, kids);
		/* Every kid counts, dictionary or not: an array of a million
		 * integers is not walked to its end. */
		for (int i = 0; i < n && *seen < TANDEM_EINV_PDF_ATTACHMENTS_MAX; i++) {
			(*seen)++;
			walk_names(p, qp.qpdf_oh_get_array_item(p->q, kids, i), depth + 1, seen);
		}
	}
}

/*
 * The decoded data of a stream: raw if unfiltered, inflated with the cap if
 * FlateDecode without a predictor; anything else is refused.
 */
static int stream_data(struct pdf *p, qpdf_oh stream, size_t max, const char *what,
		       char **out, size_t *out_len)
{
	/* Filters are keys of the stream's dictionary, not of the stream. */
	qpdf_oh dict = qp.qpdf_oh_get_dict(p->q, stream);
	qpdf_oh filter = qp.qpdf_oh_get_key(p->q, dict, "/Filter");
	qpdf_oh parms = qp.qpdf_oh_get_key(p->q, dict, "/DecodeParms");
	unsigned char *raw = NULL;
	size_t raw_len = 0;
	bool flate = false;
	int err;

	/* [/FlateDecode] and [<< ... >>] are the one-filter forms too. */
	if (qp.qpdf_oh_is_array(p->q, filter) &&
	    qp.qpdf_oh_get_array_n_items(p->q, filter) == 1)
		filter = qp.qpdf_oh_get_array_item(p->q, filter, 0);
	if (qp.qpdf_oh_is_array(p->q, parms) &&
	    qp.qpdf_oh_get_array_n_items(p->q, parms) == 1)
		parms = qp.qpdf_oh_get_array_item(p->q, parms, 0);
	if (qp.qpdf_oh_is_name_and_equals(p->q, filter, "/FlateDecode"))
		flate = true;
	else if (!qp.qpdf_oh_is_null(p->q, filter)) {
		tandem_diag_add(p->d, TANDEM_SEV_ERROR, TANDEM_EUNSUPPORTED,
				"TANDEM-PDF-FILTER", NULL, 0,
				"the %s is encoded with a filter tandem does not decode (only FlateDecode)",
				what);
		return TANDEM_EBADINPUT;
	}
	if (flate && qp.qpdf_oh_is_dictionary(p->q, parms) &&
	    qp.qpdf_oh_has_key(p->q, parms, "/Predictor")) {
		tandem_diag_add(p->d, TANDEM_SEV_ERROR, TANDEM_EUNSUPPORTED,
				"TANDEM-PDF-FILTER", NULL, 0,
				"the %s uses a FlateDecode predictor, which tandem does not decode",
				what);
		return TANDEM_EBADINPUT;
	}
	if (qp.qpdf_oh_get_stream_data(p->q, stream, qpdf_dl_none, NULL, &raw, &raw_len) &
	    QPDF_ERRORS) {
		tandem_diag_add(p->d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				"TANDEM-PDF-UNREADABLE", NULL, 0,
				"the %s stream cannot be read: %s", what,
				qp.qpdf_get_error_full_text(p->q, qp.qpdf_get_error(p->q)));
		free(raw);
		return TANDEM_EBADINPUT;
	}
	if (flate) {
		err = einv_inflate(p->a, raw, raw_len, max, out, out_len);
		if (err == TANDEM_ELIMIT)
			tandem_diag_add(p->d, TANDEM_SEV_ERROR, TANDEM_ELIMIT,
					"TANDEM-PDF-SIZE", NULL, 0,
					"the %s inflates to more than %zu bytes: refused",
					what, max);
		else if (err == TANDEM_EBADINPUT)
			tandem_diag_add(p->d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
					"TANDEM-PDF-CORRUPT", NULL, 0,
					"the %s stream is corrupt (bad FlateDecode data)",
					what);
	} else if (raw_len > max) {
		tandem_diag_add(p->d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-PDF-SIZE",
				NULL, 0, "the %s has %zu bytes; the limit is %zu",
				what, raw_len, max);
		err = TANDEM_ELIMIT;
	} else {
		*out = tandem_arena_strndup(p->a, (const char *)raw, raw_len);
		*out_len = raw_len;
		err = *out ? 0 : TANDEM_ENOMEM;
	}
	free(raw);
	return err;
}

/*
 * The XMP packet. Whatever goes wrong with it is a warning: the invoice may
 * be fine. stream_data() reports into a diag of our own, turned into one
 * TANDEM-FX-XMP warning.
 */
static void read_xmp(struct pdf *p, struct tandem_einv_source *src, qpdf_oh root)
{
	qpdf_oh meta = qp.qpdf_oh_get_key(p->q, root, "/Metadata");
	struct tandem_diag local, *outer = p->d;
	char *xmp;
	size_t xmp_len;
	int err;

	if (!qp.qpdf_oh_is_stream(p->q, meta))
		return;
	src->pdf.has_xmp = true;
	tandem_diag_init(&local, 1);
	p->d = &local;
	err = stream_data(p, meta, XMP_BYTES_MAX, "XMP metadata", &xmp, &xmp_len);
	p->d = outer;
	if (err == 0)
		einv_xmp_read(p->a, xmp, xmp_len, p->d, &src->pdf);
	else if (local.count)
		tandem_diag_add(p->d, TANDEM_SEV_WARNING, local.items[0].code,
				"TANDEM-FX-XMP", NULL, 0, "the XMP metadata cannot be read: %s",
				local.items[0].message);
	tandem_diag_release(&local);
}

/* Reports what failed with qpdf's own explanation. */
static int pdf_error(struct pdf *p, const char *what)
{
	const char *why = qp.qpdf_has_error(p->q)
		? qp.qpdf_get_error_full_text(p->q, qp.qpdf_get_error(p->q))
		: "no catalog dictionary";

	tandem_diag_add(p->d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, "TANDEM-PDF-UNREADABLE",
			NULL, 0, "%s: %s", what, why);
	return TANDEM_EBADINPUT;
}

static int extract(struct pdf *p, const void *data, size_t len,
		   struct tandem_einv_source *src)
{
	qpdf_oh root, af, names, ef, stream = 0;
	bool have_stream;
	size_t seen = 0;
	char *xml;
	size_t xml_len;
	int err;

	if (qp.qpdf_read_memory(p->q, "invoice.pdf", data, len, NULL) & QPDF_ERRORS)
		return pdf_error(p, "not a readable PDF");
	root = qp.qpdf_get_root(p->q);
	if (qp.qpdf_has_error(p->q) || !qp.qpdf_oh_is_dictionary(p->q, root))
		return pdf_error(p, "the PDF has no readable catalog");
	read_xmp(p, src, root);
	af = qp.qpdf_oh_get_key(p->q, root, "/AF");
	if (qp.qpdf_oh_is_array(p->q, af)) {
		int n = qp.qpdf_oh_get_array_n_items(p->q, af);
		for (int i = 0; i < n && i < TANDEM_EINV_PDF_ATTACHMENTS_MAX; i++)
			consider(p, qp.qpdf_oh_get_array_item(p->q, af, i), true);
	}
	names = qp.qpdf_oh_get_key(p->q, root, "/Names");
	if (qp.qpdf_oh_is_dictionary(p->q, names))
		walk_names(p, qp.qpdf_oh_get_key(p->q, names, "/EmbeddedFiles"), 0, &seen);
	if (p->invoice == 0) {
		if (p->saw_order_x)
			tandem_diag_add(p->d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
					"TANDEM-PDF-NO-INVOICE", NULL, 0,
					"the PDF carries an Order-X order (order-x.xml), not an invoice");
		else
			tandem_diag_add(p->d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
					"TANDEM-PDF-NO-INVOICE", NULL, 0,
					"the PDF has no invoice attachment (factur-x.xml, xrechnung.xml or zugferd-invoice.xml)%s%s",
					p->others[0] ? "; it has: " : "", p->others);
		return TANDEM_EBADINPUT;
	}
	src->pdf.relationship[0] = '\0';
	{
		qpdf_oh rel = qp.qpdf_oh_get_key(p->q, p->invoice, "/AFRelationship");
		if (qp.qpdf_oh_is_name(p->q, rel))
			einv_copy(src->pdf.relationship, sizeof src->pdf.relationship,
				  qp.qpdf_oh_get_name(p->q, rel) + 1);
	}
	/* Every lookup checks the type first: a qpdf operation on the wrong
	 * type leaves an error that qpdf would print at cleanup. */
	ef = qp.qpdf_oh_get_key(p->q, p->invoice, "/EF");
	have_stream = false;
	if (qp.qpdf_oh_is_dictionary(p->q, ef)) {
		stream = qp.qpdf_oh_get_key(p->q, ef, "/F");
		if (!qp.qpdf_oh_is_stream(p->q, stream))
			stream = qp.qpdf_oh_get_key(p->q, ef, "/UF");
		have_stream = qp.qpdf_oh_is_stream(p->q, stream);
	}
	if (!have_stream) {
		tandem_diag_add(p->d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				"TANDEM-PDF-NO-INVOICE", NULL, 0,
				"the attachment %s has no embedded file stream",
				src->pdf.attachment);
		return TANDEM_EBADINPUT;
	}
	err = stream_data(p, stream, TANDEM_EINV_XML_BYTES_MAX, "invoice attachment",
			  &xml, &xml_len);
	if (err)
		return err;
	src->xml = xml;
	src->xml_len = xml_len;
	return 0;
}

int einv_pdf_extract(struct tandem_arena *a, const void *data, size_t len,
		     struct tandem_diag *d, struct tandem_einv_source *src)
{
	struct pdf p = {0};
	int err;

	if (len > TANDEM_EINV_PDF_BYTES_MAX) {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-PDF-SIZE", NULL, 0,
				"the PDF has %zu bytes; the limit is %u", len,
				TANDEM_EINV_PDF_BYTES_MAX);
		return TANDEM_ELIMIT;
	}
	err = qp_ready(d);
	if (err)
		return err;
	p.q = qp.qpdf_init();
	if (p.q == NULL)
		return TANDEM_ENOMEM;
	qp.qpdf_silence_errors(p.q);
	qp.qpdf_set_suppress_warnings(p.q, QPDF_TRUE);
	p.a = a;
	p.d = d;
	p.info = &src->pdf;
	err = extract(&p, data, len, src);
	/* Whatever error is still pending, qpdf_cleanup() would print it to
	 * stderr: take it (this also clears it). */
	while (qp.qpdf_has_error(p.q))
		(void)qp.qpdf_get_error(p.q);
	qp.qpdf_cleanup(&p.q);
	return err;
}
