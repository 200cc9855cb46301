/*
 * tests/test_einvoice.c - tests of e-invoice intake (tandem/einvoice.h) and
 * of `tandem invoice inspect|extract`.
 *
 * Hostile input is built in memory at run time, never committed: malformed
 * XML, wrong roots, external entities to a file and to a URL, XInclude,
 * billion laughs, the byte, depth and element limits each on both sides of
 * the boundary, invalid UTF-8, empty input, truncated and damaged PDFs, and
 * PDFs written here object by object (with a correct xref table) whose
 * attachment inflates to 40 MB, uses a filter tandem does not decode, is
 * corrupt, sits in a name tree that loops, or disagrees with its XMP
 * metadata. Peak memory is checked with getrusage and time with
 * clock_gettime where a limit is about resources; allocation failures and
 * a caller's arena that is too small must be reported as such; neither
 * libxml2 nor qpdf may print anything.
 *
 * Then the real corpus of ../shared/data/einvoice (skipped when absent):
 * every PDF, the FeRD samples against their XML and XMP, and the syntax of
 * every file of reference_verdicts_cen.tsv. Last, the exit codes and output
 * of the command-line tool. Files a CLI test needs are written into a
 * mkdtemp() directory that the test removes.
 */
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "tandem/alloc.h"
#include "tandem/arena.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/error.h"
#include "core_helpers.h"
#include "test.h"

/* Prototypes of the tests, from the list the runner reads. */
#define TEST_DECLARE(name) TEST(name);
#include "list_einvoice.h"
#undef TEST_DECLARE

/* Per opened input, as generous as the CLI's: limits under test are the
 * module's own, not the arena's. */
#define ARENA_MAX (512u << 20)
#define FINDINGS_MAX 100

/*
 * Peak memory bounds are for the plain build. AddressSanitizer's allocator
 * copies on realloc and keeps freed blocks in quarantine, and its shadow
 * adds an eighth: under it, bounds are multiplied by MEM_SLACK.
 */
#if defined(__SANITIZE_ADDRESS__)
#define MEM_SLACK 3
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEM_SLACK 3
#endif
#endif
#ifndef MEM_SLACK
#define MEM_SLACK 1
#endif

/* Room for paths under ../shared/data and the scratch directory. */
#define PATH_MAX_LEN 1024

/* Bounds of what the tests build or read. */
#define FILES_MAX 4096      /* files collected from one corpus folder */
#define TSV_LINE_MAX 65536  /* one row of reference_verdicts_cen.tsv */
#define SCRATCH_FILES_MAX 8

#define NS_UBL_INVOICE "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
#define NS_UBL_CREDITNOTE "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
#define NS_UBL_CBC "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
#define NS_CII_RSM "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
#define NS_CII_RAM "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
#define NS_FX_XMP "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

/* Corpus files, relative to ../shared/data/einvoice. */
#define CORPUS "corpus"
#define FERD "corpus/facturx/ferd-2.4"
#define FERD_EINFACH_PDF FERD "/3._EN16931/EN16931_Einfach_fx.pdf"
#define FERD_EINFACH_XML FERD "/3._EN16931/EN16931_Einfach.xml"
#define BLANKO_PDF \
	"corpus/facturx/mustang/library/MustangGnuaccountingBeispielRE-20170509_505blanko.pdf"

/* What the corpus holds (counted independently with find and the CLI). */
#define CORPUS_PDFS 142
#define CORPUS_PDFS_READABLE 141
#define CORPUS_PDFS_WITH_XML 77
#define FERD_PDFS 55
#define FERD_PDFS_WITH_XML 54
#define VALIDATION_REPORTS 55

/* ------------------------------------------------------------------------ */
/* Opening bytes and looking at the findings. */

/* One call of tandem_einv_open with its arena and diag. */
struct opened {
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_einv_source *src;
	int rc;
};

static bool nul_terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/*
 * What every result must satisfy, whatever the input: a documented status,
 * every failure explained by an error finding (an ELIMIT one for ELIMIT),
 * every finding with a rule id and a message, and on success an XML and a
 * parsed document; every string of the source NUL-terminated in its array.
 */
static void check_sane(const struct opened *o)
{
	const struct tandem_einv_source *s = o->src;

	if (o->rc != 0 && o->rc != TANDEM_EBADINPUT && o->rc != TANDEM_ELIMIT)
		FAIL("unexpected status %d (%s): %s", o->rc, tandem_err_name(o->rc),
		     test_findings_text(&o->d));
	for (size_t i = 0; i < o->d.count; i++) {
		const struct tandem_finding *f = &o->d.items[i];
		if (f->rule == NULL || strncmp(f->rule, "TANDEM-", 7) != 0)
			FAIL("finding %zu has rule id '%s'", i, f->rule ? f->rule : "(null)");
		if (f->message == NULL || f->message[0] == '\0')
			FAIL("finding %zu (%s) has no message", i, f->rule);
		if (f->line < 0)
			FAIL("finding %zu (%s) has line %ld", i, f->rule, f->line);
	}
	if (o->rc != 0 && tandem_diag_count(&o->d, TANDEM_SEV_ERROR) == 0)
		FAIL("status %s without an error finding: %s", tandem_err_name(o->rc),
		     test_findings_text(&o->d));
	if (o->rc == TANDEM_ELIMIT) {
		bool limit = false;
		for (size_t i = 0; i < o->d.count; i++)
			limit |= o->d.items[i].code == TANDEM_ELIMIT;
		if (!limit)
			FAIL("ELIMIT without a finding of code ELIMIT: %s",
			     test_findings_text(&o->d));
	}
	if (o->rc == 0) {
		if (s == NULL || s->xml == NULL || s->doc == NULL)
			FAIL("status 0 but src %p, xml or doc missing", (const void *)s);
		if (s->syntax == TANDEM_EINV_SYNTAX_UNKNOWN)
			FAIL("status 0 with syntax unknown");
	}
	if (s == NULL)
		return;
	if (!nul_terminated(s->customization, sizeof s->customization) ||
	    !nul_terminated(s->pdf.attachment, sizeof s->pdf.attachment) ||
	    !nul_terminated(s->pdf.relationship, sizeof s->pdf.relationship) ||
	    !nul_terminated(s->pdf.xmp_namespace, sizeof s->pdf.xmp_namespace) ||
	    !nul_terminated(s->pdf.xmp_document_type, sizeof s->pdf.xmp_document_type) ||
	    !nul_terminated(s->pdf.xmp_document_file_name,
			    sizeof s->pdf.xmp_document_file_name) ||
	    !nul_terminated(s->pdf.xmp_version, sizeof s->pdf.xmp_version) ||
	    !nul_terminated(s->pdf.xmp_conformance_level,
			    sizeof s->pdf.xmp_conformance_level))
		FAIL("a string of the source is not NUL-terminated");
}

static void open_bytes(struct opened *o, const void *data, size_t len)
{
	tandem_arena_init(&o->a, ARENA_MAX);
	tandem_diag_init(&o->d, FINDINGS_MAX);
	o->src = NULL;
	o->rc = tandem_einv_open(&o->a, data, len, &o->d, &o->src);
	check_sane(o);
}

static void open_str(struct opened *o, const char *s)
{
	open_bytes(o, s, strlen(s));
}

static void opened_release(struct opened *o)
{
	tandem_diag_release(&o->d);
	tandem_arena_release(&o->a);
}

static const struct tandem_finding *find_rule(const struct tandem_diag *d,
					      const char *rule)
{
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->items[i].rule, rule) == 0)
			return &d->items[i];
	return NULL;
}

/* The status must be rc. */
#define EXPECT_RC(o, want) expect_rc(__FILE__, __LINE__, (o), (want))

static void expect_rc(const char *file, int line, const struct opened *o, int want)
{
	if (o->rc != want)
		test__fail(file, line, "status %s, expected %s: %s",
			   tandem_err_name(o->rc), tandem_err_name(want),
			   test_findings_text(&o->d));
}

/* There must be a finding of this rule with this severity; returns it. */
#define EXPECT_FINDING(o, rule, sev) \
	expect_finding(__FILE__, __LINE__, (o), (rule), (sev))

static const struct tandem_finding *expect_finding(const char *file, int line,
						   const struct opened *o,
						   const char *rule,
						   enum tandem_severity sev)
{
	const struct tandem_finding *f = find_rule(&o->d, rule);

	if (f == NULL)
		test__fail(file, line, "no %s finding: %s", rule, test_findings_text(&o->d));
	if (f->severity != sev)
		test__fail(file, line, "%s is a %s, expected a %s", rule,
			   tandem_severity_name(f->severity), tandem_severity_name(sev));
	return f;
}

/* There must be no finding of this rule. */
#define EXPECT_NO_FINDING(o, rule)                                             \
	do {                                                                   \
		if (find_rule(&(o)->d, (rule)) != NULL)                        \
			FAIL("unexpected %s: %s", (rule), test_findings_text(&(o)->d)); \
	} while (0)

/* No finding message may contain needle (for leaked file contents). */
static void expect_not_in_findings(const struct opened *o, const char *needle)
{
	for (size_t i = 0; i < o->d.count; i++)
		if (strstr(o->d.items[i].message, needle) ||
		    strstr(o->d.items[i].path, needle))
			FAIL("finding %s shows \"%s\": %s", o->d.items[i].rule, needle,
			     o->d.items[i].message);
	if (o->src && strstr(o->src->customization, needle))
		FAIL("customization shows \"%s\"", needle);
}

/* ------------------------------------------------------------------------ */
/* Resources, files and the shared data. */

/* Peak resident set size of this process, in KiB (Linux ru_maxrss). */
static long maxrss_kib(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		FAIL("getrusage failed");
	return ru.ru_maxrss;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whole file into a malloc'ed buffer (NUL added); NULL if it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	char *buf;

	if (f == NULL)
		return NULL;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		FAIL("out of memory reading %s", path);
	*len = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	if (*len != (size_t)st.st_size)
		FAIL("short read of %s", path);
	buf[*len] = '\0';
	return buf;
}

/* Path of a file under ../shared/data/einvoice. */
static void data_path(char *out, size_t size, const char *rel)
{
	snprintf(out, size, "%s/einvoice/%s", test_shared_data(), rel);
}

/* A data file's bytes; SKIP when the shared data is not there. */
static char *read_data_or_skip(const char *rel, size_t *len)
{
	char path[PATH_MAX_LEN];
	char *data;

	data_path(path, sizeof path, rel);
	data = read_file(path, len);
	if (data == NULL) {
		static char reason[PATH_MAX_LEN + 16];
		snprintf(reason, sizeof reason, "missing %s", path);
		SKIP(reason);
	}
	return data;
}

/* A list of malloc'ed paths. */
struct paths {
	char *items[FILES_MAX];
	size_t count;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Collects the files under dir (recursively) whose name ends with suffix. */
static void collect(struct paths *p, const char *dir, const char *suffix, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		FAIL("cannot open directory %s", dir);
	if (depth > 16)
		FAIL("directory tree too deep at %s", dir);
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX_LEN];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			collect(p, path, suffix, depth + 1);
		} else if (S_ISREG(st.st_mode) && ends_with(e->d_name, suffix)) {
			if (p->count == FILES_MAX)
				FAIL("more than %d files under %s", FILES_MAX, dir);
			p->items[p->count] = strdup(path);
			if (p->items[p->count] == NULL)
				FAIL("out of memory");
			p->count++;
		}
	}
	closedir(d);
}

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files under ../shared/data/einvoice/<rel> ending with suffix, sorted;
 * SKIP when the folder is missing. */
static void collect_data(struct paths *p, const char *rel, const char *suffix)
{
	char dir[PATH_MAX_LEN];
	struct stat st;

	data_path(dir, sizeof dir, rel);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		SKIP("missing ../shared/data/einvoice/corpus");
	p->count = 0;
	collect(p, dir, suffix, 0);
	qsort(p->items, p->count, sizeof p->items[0], compare_paths);
}

static void paths_free(struct paths *p)
{
	for (size_t i = 0; i < p->count; i++)
		free(p->items[i]);
	p->count = 0;
}

/*
 * Sends this process's stdout and stderr to a temporary file, so that a
 * test can assert that the library printed nothing. Restore before any
 * assertion: a failure message written meanwhile would be lost.
 */
struct quiet {
	int saved_out, saved_err;
	FILE *tmp;
};

static void quiet_begin(struct quiet *q)
{
	fflush(stdout);
	fflush(stderr);
	q->tmp = tmpfile();
	if (q->tmp == NULL)
		FAIL("tmpfile failed");
	q->saved_out = dup(1);
	q->saved_err = dup(2);
	if (q->saved_out < 0 || q->saved_err < 0 || dup2(fileno(q->tmp), 1) < 0 ||
	    dup2(fileno(q->tmp), 2) < 0)
		FAIL("cannot redirect stdout and stderr");
}

/* Restores stdout and stderr; returns the bytes written meanwhile. */
static long quiet_end(struct quiet *q)
{
	long n;

	fflush(stdout);
	fflush(stderr);
	dup2(q->saved_out, 1);
	dup2(q->saved_err, 2);
	close(q->saved_out);
	close(q->saved_err);
	n = (long)lseek(fileno(q->tmp), 0, SEEK_END);
	fclose(q->tmp);
	return n;
}

/* ------------------------------------------------------------------------ */
/* Building documents. */

/* A growable buffer for built inputs; large enough for every test here. */
static void buf_start(struct tandem_buf *b)
{
	tandem_buf_init(b, 256u << 20);
}

static void buf_add(struct tandem_buf *b, const void *data, size_t len)
{
	if (tandem_buf_append(b, data, len) != 0)
		FAIL("cannot build the input (%zu bytes)", b->len + len);
}

static void buf_str(struct tandem_buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_repeat(struct tandem_buf *b, const char *s, size_t times)
{
	size_t n = strlen(s);

	if (tandem_buf_grow(b, n * times) != 0)
		FAIL("cannot build the input (%zu bytes)", b->len + n * times);
	for (size_t i = 0; i < times; i++)
		buf_add(b, s, n);
}

/* A minimal UBL invoice with the given customization id (BT-24). */
static void ubl_invoice(struct tandem_buf *b, const char *customization)
{
	tandem_buf_reset(b);
	buf_str(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<Invoice xmlns=\"" NS_UBL_INVOICE "\" xmlns:cbc=\"" NS_UBL_CBC "\">\n"
		   "  <cbc:CustomizationID>");
	buf_str(b, customization);
	buf_str(b, "</cbc:CustomizationID>\n  <cbc:ID>1</cbc:ID>\n</Invoice>\n");
}

/* The start and the end of a short UBL invoice, for fillers. */
#define UBL_HEAD                                                               \
	"<Invoice xmlns=\"" NS_UBL_INVOICE "\" xmlns:cbc=\"" NS_UBL_CBC "\">"      \
	"<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>"
#define UBL_TAIL "</Invoice>"

/* zlib data of len bytes (compress2, level 9), malloc'ed. */
static unsigned char *zlib_bytes(const void *data, size_t len, size_t *out_len)
{
	uLongf n = compressBound((uLong)len);
	unsigned char *out = malloc(n);

	if (out == NULL || compress2(out, &n, data, (uLong)len, 9) != Z_OK)
		FAIL("compress2 of %zu bytes failed", len);
	*out_len = n;
	return out;
}

/*
 * zlib data of `zeros` zero bytes, compressed at level 9 from a small
 * buffer: the uncompressed bytes never exist in memory. Free with
 * tandem_free.
 */
static unsigned char *zlib_zeros(size_t zeros, size_t *out_len)
{
	static const unsigned char zero[65536];
	struct tandem_buf out;
	unsigned char chunk[65536];
	z_stream z;
	int flush;

	buf_start(&out);
	memset(&z, 0, sizeof z);
	if (deflateInit(&z, 9) != Z_OK)
		FAIL("deflateInit failed");
	do {
		size_t n = zeros > sizeof zero ? sizeof zero : zeros;

		flush = n == zeros ? Z_FINISH : Z_NO_FLUSH;
		z.next_in = (unsigned char *)zero;
		z.avail_in = (uInt)n;
		zeros -= n;
		do {
			z.next_out = chunk;
			z.avail_out = sizeof chunk;
			if (deflate(&z, flush) == Z_STREAM_ERROR)
				FAIL("deflate failed");
			buf_add(&out, chunk, sizeof chunk - z.avail_out);
		} while (z.avail_out == 0);
	} while (flush != Z_FINISH);
	deflateEnd(&z);
	return (unsigned char *)tandem_buf_detach(&out, out_len);
}

/* How to build a PDF with one attachment. */
struct pdf_spec {
	const void *stream;       /* the embedded file's bytes, as encoded */
	size_t stream_len;
	const char *filter;       /* "/FlateDecode", "[/FlateDecode]"; NULL: none */
	const char *parms;        /* a /DecodeParms value, or NULL */
	bool af;                  /* list the file spec in the catalog's /AF */
	bool names;               /* list it in /Names /EmbeddedFiles */
	const char *name;         /* attachment file name */
	const char *relationship; /* AFRelationship name without the slash */
	const char *xmp;          /* XMP packet for /Metadata, NULL for none */
	const char *xmp_filter;   /* its /Filter, or NULL for none */
	const char *tree;         /* if set, the /EmbeddedFiles value instead */
	const char *obj7;         /* if set, the body of object 7 */
};

/* The usual Factur-X shape: flate, in /AF and /EmbeddedFiles, Data. */
static struct pdf_spec pdf_spec_flate(const void *z, size_t z_len)
{
	struct pdf_spec s = {0};

	s.stream = z;
	s.stream_len = z_len;
	s.filter = "/FlateDecode";
	s.af = true;
	s.names = true;
	s.name = "factur-x.xml";
	s.relationship = "Data";
	return s;
}

/* Bytes of PDF text; the builder's buffer never comes near its maximum. */
static void pdf_printf(struct tandem_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void pdf_printf(struct tandem_buf *b, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = tandem_buf_vprintf(b, fmt, ap);
	va_end(ap);
	if (err)
		FAIL("PDF builder: %s", tandem_strerror(err));
}

/*
 * Writes a small but complete PDF: catalog (1), page tree (2), one page
 * (3), the file specification (4), its embedded file stream (5), the XMP
 * metadata stream (6) and a free-form object (7), 6 and 7 being null when
 * not asked for; then the xref table with the byte offset of each object
 * and the trailer. Free the result with tandem_free.
 */
static char *build_pdf(const struct pdf_spec *s, size_t *len)
{
	struct tandem_buf b;
	size_t off[8] = {0}, xref;

	buf_start(&b);
	pdf_printf(&b, "%%PDF-1.7\n%%\xE2\xE3\xCF\xD3\n");
	off[1] = b.len;
	pdf_printf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R");
	if (s->af)
		pdf_printf(&b, " /AF [4 0 R]");
	if (s->tree)
		pdf_printf(&b, " /Names << /EmbeddedFiles %s >>", s->tree);
	else if (s->names)
		pdf_printf(&b, " /Names << /EmbeddedFiles << /Names [(%s) 4 0 R] >> >>",
			   s->name);
	if (s->xmp)
		pdf_printf(&b, " /Metadata 6 0 R");
	pdf_printf(&b, " >>\nendobj\n");
	off[2] = b.len;
	pdf_printf(&b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
	off[3] = b.len;
	pdf_printf(&b, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n");
	off[4] = b.len;
	pdf_printf(&b,
		   "4 0 obj\n<< /Type /Filespec /F (%s) /UF (%s) /AFRelationship /%s"
		   " /Desc (invoice) /EF << /F 5 0 R >> >>\nendobj\n",
		   s->name, s->name, s->relationship);
	off[5] = b.len;
	pdf_printf(&b, "5 0 obj\n<< /Type /EmbeddedFile /Subtype /text#2Fxml /Length %zu",
		   s->stream_len);
	if (s->filter)
		pdf_printf(&b, " /Filter %s", s->filter);
	if (s->parms)
		pdf_printf(&b, " /DecodeParms %s", s->parms);
	pdf_printf(&b, " >>\nstream\n");
	buf_add(&b, s->stream, s->stream_len);
	pdf_printf(&b, "\nendstream\nendobj\n");
	off[6] = b.len;
	if (s->xmp) {
		pdf_printf(&b, "6 0 obj\n<< /Type /Metadata /Subtype /XML /Length %zu%s%s >>\nstream\n",
			   strlen(s->xmp), s->xmp_filter ? " /Filter " : "",
			   s->xmp_filter ? s->xmp_filter : "");
		buf_str(&b, s->xmp);
		pdf_printf(&b, "\nendstream\nendobj\n");
	} else {
		pdf_printf(&b, "6 0 obj\nnull\nendobj\n");
	}
	off[7] = b.len;
	pdf_printf(&b, "7 0 obj\n%s\nendobj\n", s->obj7 ? s->obj7 : "null");
	xref = b.len;
	pdf_printf(&b, "xref\n0 8\n0000000000 65535 f \n");
	for (int i = 1; i <= 7; i++)
		pdf_printf(&b, "%010zu 00000 n \n", off[i]);
	pdf_printf(&b, "trailer\n<< /Size 8 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	return tandem_buf_detach(&b, len);
}

/* An XMP packet with the Factur-X fields as attributes of rdf:Description. */
static void xmp_packet(char *out, size_t size, const char *conformance_level)
{
	snprintf(out, size,
		 "<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
		 "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
		 "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
		 "<rdf:Description rdf:about=\"\" xmlns:fx=\"" NS_FX_XMP "\"\n"
		 " fx:DocumentType=\"INVOICE\" fx:DocumentFileName=\"factur-x.xml\"\n"
		 " fx:Version=\"1.0\" fx:ConformanceLevel=\"%s\"/>\n"
		 "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>",
		 conformance_level);
}

/* The same with the fields as elements, in namespace ns. */
static void xmp_packet_elements(char *out, size_t size, const char *ns,
				const char *conformance_level, const char *file_name)
{
	snprintf(out, size,
		 "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
		 "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
		 "<rdf:Description rdf:about=\"\" xmlns:zf=\"%s\">\n"
		 "<zf:DocumentType>INVOICE</zf:DocumentType>\n"
		 "<zf:DocumentFileName>%s</zf:DocumentFileName>\n"
		 "<zf:Version>1.0</zf:Version>\n"
		 "<zf:ConformanceLevel> %s </zf:ConformanceLevel>\n"
		 "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>",
		 ns, file_name, conformance_level);
}

/* ------------------------------------------------------------------------ */
/* Names and customization ids. */

TEST(einv_names)
{
	ASSERT_STR_EQ(tandem_einv_container_name(TANDEM_EINV_CONTAINER_XML), "xml");
	ASSERT_STR_EQ(tandem_einv_container_name(TANDEM_EINV_CONTAINER_PDF), "pdf");
	ASSERT_STR_EQ(tandem_einv_syntax_name(TANDEM_EINV_SYNTAX_UNKNOWN), "unknown");
	ASSERT_STR_EQ(tandem_einv_syntax_name(TANDEM_EINV_SYNTAX_UBL_INVOICE), "ubl-invoice");
	ASSERT_STR_EQ(tandem_einv_syntax_name(TANDEM_EINV_SYNTAX_UBL_CREDITNOTE),
		      "ubl-creditnote");
	ASSERT_STR_EQ(tandem_einv_syntax_name(TANDEM_EINV_SYNTAX_CII), "cii");
	ASSERT_STR_EQ(tandem_einv_syntax_name(TANDEM_EINV_SYNTAX_ZUGFERD1), "zugferd1");
	ASSERT_STR_EQ(tandem_einv_profile_name(TANDEM_EINV_PROFILE_UNKNOWN), "unknown");
	ASSERT_STR_EQ(tandem_einv_profile_name(TANDEM_EINV_PROFILE_MINIMUM), "MINIMUM");
	ASSERT_STR_EQ(tandem_einv_profile_name(TANDEM_EINV_PROFILE_BASIC_WL), "BASIC WL");
	ASSERT_STR_EQ(tandem_einv_profile_name(TANDEM_EINV_PROFILE_BASIC), "BASIC");
	ASSERT_STR_EQ(tandem_einv_profile_name(TANDEM_EINV_PROFILE_EN16931), "EN 16931");
	ASSERT_STR_EQ(tandem_einv_profile_name(TANDEM_EINV_PROFILE_EXTENDED), "EXTENDED");
	ASSERT_STR_EQ(tandem_einv_profile_name(TANDEM_EINV_PROFILE_XRECHNUNG), "XRECHNUNG");
	/* Out of range values are "unknown", not a crash. */
	ASSERT_STR_EQ(tandem_einv_profile_name(TANDEM_EINV_PROFILE_COUNT_), "unknown");
	ASSERT_STR_EQ(tandem_einv_syntax_name((enum tandem_einv_syntax)99), "unknown");
}

TEST(einv_profile_of_customization)
{
	static const struct {
		const char *id;
		enum tandem_einv_profile want;
	} cases[] = {
		{"urn:cen.eu:en16931:2017", TANDEM_EINV_PROFILE_EN16931},
		{"urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
		 TANDEM_EINV_PROFILE_XRECHNUNG},
		{"urn:factur-x.eu:1p0:minimum", TANDEM_EINV_PROFILE_MINIMUM},
		{"urn:factur-x.eu:1p0:basicwl", TANDEM_EINV_PROFILE_BASIC_WL},
		{"urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
		 TANDEM_EINV_PROFILE_BASIC},
		{"urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
		 TANDEM_EINV_PROFILE_EXTENDED},
		{"urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
		 TANDEM_EINV_PROFILE_EN16931},
		{"urn:fdc:peppol.eu:2017:poacc:billing:01:1.0", TANDEM_EINV_PROFILE_UNKNOWN},
		{"", TANDEM_EINV_PROFILE_UNKNOWN},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum tandem_einv_profile got =
			tandem_einv_profile_of_customization(cases[i].id);
		if (got != cases[i].want)
			FAIL("%s: %s, expected %s", cases[i].id,
			     tandem_einv_profile_name(got),
			     tandem_einv_profile_name(cases[i].want));
	}
}

/* ------------------------------------------------------------------------ */
/* Good XML: the syntax from the root, the customization id as stored. */

TEST(einv_xml_syntaxes)
{
	struct tandem_buf b;
	struct opened o;

	buf_start(&b);
	ubl_invoice(&b, "\n   urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0 \t\n");
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, 0);
	ASSERT_EQ(o.src->container, TANDEM_EINV_CONTAINER_XML);
	ASSERT_EQ(o.src->syntax, TANDEM_EINV_SYNTAX_UBL_INVOICE);
	/* BT-24 is stored whitespace-trimmed. */
	ASSERT_STR_EQ(o.src->customization,
		      "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0");
	ASSERT_EQ(o.src->profile, TANDEM_EINV_PROFILE_XRECHNUNG);
	ASSERT(o.src->full_invoice);
	/* The XML of an XML container is the caller's data itself. */
	ASSERT(o.src->xml == b.data);
	ASSERT_EQ(o.src->xml_len, b.len);
	ASSERT_EQ(o.d.count, 0);
	opened_release(&o);

	open_str(&o, "<CreditNote xmlns=\"" NS_UBL_CREDITNOTE "\" xmlns:cbc=\"" NS_UBL_CBC "\">"
		     "<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>"
		     "</CreditNote>");
	EXPECT_RC(&o, 0);
	ASSERT_EQ(o.src->syntax, TANDEM_EINV_SYNTAX_UBL_CREDITNOTE);
	ASSERT_EQ(o.src->profile, TANDEM_EINV_PROFILE_EN16931);
	opened_release(&o);

	/* CII: BT-24 lives in ExchangedDocumentContext. MINIMUM is a booking
	 * aid, opened but flagged. */
	open_str(&o, "<rsm:CrossIndustryInvoice xmlns:rsm=\"" NS_CII_RSM "\" xmlns:ram=\"" NS_CII_RAM "\">\n"
		     "<rsm:ExchangedDocumentContext>\n"
		     "<ram:GuidelineSpecifiedDocumentContextParameter>\n"
		     "<ram:ID>urn:factur-x.eu:1p0:minimum</ram:ID>\n"
		     "</ram:GuidelineSpecifiedDocumentContextParameter>\n"
		     "</rsm:ExchangedDocumentContext>\n"
		     "</rsm:CrossIndustryInvoice>");
	EXPECT_RC(&o, 0);
	ASSERT_EQ(o.src->syntax, TANDEM_EINV_SYNTAX_CII);
	ASSERT_STR_EQ(o.src->customization, "urn:factur-x.eu:1p0:minimum");
	ASSERT_EQ(o.src->profile, TANDEM_EINV_PROFILE_MINIMUM);
	ASSERT(!o.src->full_invoice);
	EXPECT_FINDING(&o, "TANDEM-FX-NOT-FULL", TANDEM_SEV_WARNING);
	ASSERT_EQ(tandem_diag_count(&o.d, TANDEM_SEV_ERROR), 0);
	opened_release(&o);

	/* No customization id at all: opened, profile unknown. */
	open_str(&o, "<Invoice xmlns=\"" NS_UBL_INVOICE "\"/>");
	EXPECT_RC(&o, 0);
	ASSERT_STR_EQ(o.src->customization, "");
	ASSERT_EQ(o.src->profile, TANDEM_EINV_PROFILE_UNKNOWN);
	opened_release(&o);

	/* ZUGFeRD 1.0 is recognised and refused as not EN 16931. */
	open_str(&o, "<rsm:CrossIndustryDocument xmlns:rsm=\"urn:ferd:CrossIndustryDocument:invoice:1p0\"/>");
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	ASSERT(o.src != NULL);
	ASSERT_EQ(o.src->syntax, TANDEM_EINV_SYNTAX_ZUGFERD1);
	EXPECT_FINDING(&o, "TANDEM-XML-ZUGFERD1", TANDEM_SEV_ERROR);
	opened_release(&o);
	tandem_buf_release(&b);
}

TEST(einv_xml_customization_cut)
{
	struct tandem_buf b;
	char id[2000];
	struct opened o;

	/* A 1,999-byte id is stored cut to TANDEM_EINV_TEXT_MAX - 1 bytes. */
	memset(id, 'x', sizeof id - 1);
	id[sizeof id - 1] = '\0';
	memcpy(id, "urn:cen.eu:en16931:2017#", 24);
	buf_start(&b);
	ubl_invoice(&b, id);
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, 0);
	ASSERT_EQ(strlen(o.src->customization), TANDEM_EINV_TEXT_MAX - 1);
	ASSERT_MEM_EQ(o.src->customization, id, TANDEM_EINV_TEXT_MAX - 1);
	opened_release(&o);
	tandem_buf_release(&b);
}

/* ------------------------------------------------------------------------ */
/* Bad XML. */

TEST(einv_xml_malformed)
{
	struct opened o;
	const struct tandem_finding *f;

	open_str(&o, "<?xml version=\"1.0\"?>\n"
		     "<Invoice xmlns=\"" NS_UBL_INVOICE "\" xmlns:cbc=\"" NS_UBL_CBC "\">\n"
		     "  <cbc:ID>1</cbc:ID>\n"
		     "  <cbc:Note>open\n");
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	f = EXPECT_FINDING(&o, "TANDEM-XML-MALFORMED", TANDEM_SEV_ERROR);
	ASSERT_GT(f->line, 0);
	ASSERT_EQ(f->code, TANDEM_EBADINPUT);
	opened_release(&o);

	/* A mismatched end tag, on line 3. */
	open_str(&o, "<Invoice xmlns=\"" NS_UBL_INVOICE "\">\n<a>\n</b>\n</Invoice>\n");
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	f = EXPECT_FINDING(&o, "TANDEM-XML-MALFORMED", TANDEM_SEV_ERROR);
	ASSERT_EQ(f->line, 3);
	opened_release(&o);

	/* Text only, no element. */
	open_str(&o, "just some text");
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-XML-MALFORMED", TANDEM_SEV_ERROR);
	opened_release(&o);
}

TEST(einv_xml_wrong_root)
{
	static const char *const docs[] = {
		"<foo xmlns=\"urn:x\"/>",
		"<Order xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Order-2\"/>",
		"<Order xmlns=\"" NS_UBL_INVOICE "\"/>",
		"<Invoice xmlns=\"" NS_UBL_CREDITNOTE "\"/>",
		"<Invoice/>",
		"<CrossIndustryInvoice/>",
	};
	struct opened o;

	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		open_str(&o, docs[i]);
		if (o.rc != TANDEM_EBADINPUT || find_rule(&o.d, "TANDEM-XML-ROOT") == NULL)
			FAIL("%s: status %s, %s", docs[i], tandem_err_name(o.rc),
			     test_findings_text(&o.d));
		EXPECT_FINDING(&o, "TANDEM-XML-ROOT", TANDEM_SEV_ERROR);
		if (o.src)
			ASSERT_EQ(o.src->syntax, TANDEM_EINV_SYNTAX_UNKNOWN);
		opened_release(&o);
	}
}

/* A UBL invoice whose DOCTYPE declares entity x as `decl`, used in BT-24. */
static void entity_doc(struct tandem_buf *b, const char *decl)
{
	tandem_buf_reset(b);
	buf_str(b, "<?xml version=\"1.0\"?>\n<!DOCTYPE Invoice [");
	buf_str(b, decl);
	buf_str(b, "]>\n<Invoice xmlns=\"" NS_UBL_INVOICE "\" xmlns:cbc=\"" NS_UBL_CBC "\">\n"
		   "<cbc:CustomizationID>&x;</cbc:CustomizationID>\n"
		   "<cbc:Note>&x;</cbc:Note>\n</Invoice>\n");
}

TEST(einv_xml_external_entity_file)
{
	struct tandem_buf b;
	struct opened o;
	size_t len = 0;
	char *passwd = read_file("/etc/passwd", &len);

	/* The check below means something only if the file says "root:". */
	if (passwd == NULL || strstr(passwd, "root:") == NULL)
		SKIP("/etc/passwd has no root: line");
	free(passwd);
	buf_start(&b);
	entity_doc(&b, "<!ENTITY x SYSTEM \"file:///etc/passwd\">");
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-XML-DTD", TANDEM_SEV_ERROR);
	expect_not_in_findings(&o, "root:");
	opened_release(&o);

	/* A DOCTYPE with only an external subset is refused the same way. */
	tandem_buf_reset(&b);
	buf_str(&b, "<!DOCTYPE Invoice SYSTEM \"file:///etc/passwd\">\n" UBL_HEAD UBL_TAIL);
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-XML-DTD", TANDEM_SEV_ERROR);
	expect_not_in_findings(&o, "root:");
	opened_release(&o);

	/* A parameter entity pulling the file into the subset. */
	entity_doc(&b, "<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p; <!ENTITY x \"y\">");
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-XML-DTD", TANDEM_SEV_ERROR);
	expect_not_in_findings(&o, "root:");
	opened_release(&o);
	tandem_buf_release(&b);
}

TEST(einv_xml_external_entity_url)
{
	struct tandem_buf b;
	struct opened o;
	double t0, elapsed;

	/* Port 9 (discard) on loopback: a parser that fetched it would wait or
	 * fail slowly; tandem must not even try. */
	buf_start(&b);
	entity_doc(&b, "<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">");
	t0 = now_s();
	open_bytes(&o, b.data, b.len);
	elapsed = now_s() - t0;
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-XML-DTD", TANDEM_SEV_ERROR);
	if (elapsed >= 2.0)
		FAIL("took %.2f s: it looked at the network", elapsed);
	opened_release(&o);

	/* The same with a name that would need DNS. */
	entity_doc(&b, "<!ENTITY x SYSTEM \"http://tandem-test.invalid/x.dtd\">");
	t0 = now_s();
	open_bytes(&o, b.data, b.len);
	elapsed = now_s() - t0;
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-XML-DTD", TANDEM_SEV_ERROR);
	if (elapsed >= 2.0)
		FAIL("took %.2f s: it looked at the network", elapsed);
	opened_release(&o);
	tandem_buf_release(&b);
}

TEST(einv_xml_no_xinclude)
{
	struct opened o;

	/* XInclude is not processed: BT-24 stays empty instead of taking the
	 * text of /etc/passwd. */
	open_str(&o, "<Invoice xmlns=\"" NS_UBL_INVOICE "\" xmlns:cbc=\"" NS_UBL_CBC "\""
		     " xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
		     "<cbc:CustomizationID><xi:include href=\"file:///etc/passwd\" parse=\"text\"/>"
		     "</cbc:CustomizationID></Invoice>");
	EXPECT_RC(&o, 0);
	ASSERT_STR_EQ(o.src->customization, "");
	expect_not_in_findings(&o, "root:");
	opened_release(&o);
}

TEST(einv_xml_billion_laughs)
{
	struct tandem_buf b;
	struct opened o;
	long before_kib, grown_kib;

	/* lol9 would expand to 10^9 copies of "lol". */
	buf_start(&b);
	buf_str(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE Invoice [\n<!ENTITY lol0 \"lol\">\n");
	for (int level = 1; level <= 9; level++) {
		tandem_buf_printf(&b, "<!ENTITY lol%d \"", level);
		for (int i = 0; i < 10; i++)
			tandem_buf_printf(&b, "&lol%d;", level - 1);
		buf_str(&b, "\">\n");
	}
	buf_str(&b, "]>\n<Invoice xmlns=\"" NS_UBL_INVOICE "\" xmlns:cbc=\"" NS_UBL_CBC "\">"
		    "<cbc:Note>&lol9;</cbc:Note></Invoice>\n");
	before_kib = maxrss_kib();
	open_bytes(&o, b.data, b.len);
	grown_kib = maxrss_kib() - before_kib;
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-XML-DTD", TANDEM_SEV_ERROR);
	if (grown_kib >= 50 * 1024 * MEM_SLACK)
		FAIL("peak memory grew by %ld KiB", grown_kib);
	opened_release(&o);
	tandem_buf_release(&b);
}

/*
 * A UBL invoice of exactly total bytes, padded with spaces inside the root
 * element. (Not before it: libxml2 refuses more than 10,000,000 bytes of
 * whitespace in the prolog on its own, see the report of these tests.)
 */
static void padded_invoice(struct tandem_buf *b, size_t total)
{
	size_t head = strlen(UBL_HEAD), tail = strlen(UBL_TAIL);

	tandem_buf_reset(b);
	if (tandem_buf_grow(b, total) != 0)
		FAIL("cannot allocate %zu bytes", total);
	memcpy(b->data, UBL_HEAD, head);
	memset(b->data + head, ' ', total - head - tail);
	memcpy(b->data + total - tail, UBL_TAIL, tail);
	b->len = total;
	b->data[total] = '\0';
}

TEST(einv_xml_size_limit)
{
	struct tandem_buf b;
	struct opened o;
	const struct tandem_finding *f;

	buf_start(&b);
	padded_invoice(&b, 33u << 20);
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, TANDEM_ELIMIT);
	f = EXPECT_FINDING(&o, "TANDEM-XML-SIZE", TANDEM_SEV_ERROR);
	ASSERT_EQ(f->code, TANDEM_ELIMIT);
	opened_release(&o);

	/* One byte over the limit is refused, the limit itself is not. */
	padded_invoice(&b, TANDEM_EINV_XML_BYTES_MAX + 1);
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, TANDEM_ELIMIT);
	EXPECT_FINDING(&o, "TANDEM-XML-SIZE", TANDEM_SEV_ERROR);
	opened_release(&o);

	padded_invoice(&b, TANDEM_EINV_XML_BYTES_MAX);
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, 0);
	ASSERT_EQ(o.src->syntax, TANDEM_EINV_SYNTAX_UBL_INVOICE);
	ASSERT_EQ(o.src->profile, TANDEM_EINV_PROFILE_EN16931);
	opened_release(&o);
	tandem_buf_release(&b);
}

/* levels nested elements, the outermost being `root` (an open tag). */
static void nested(struct tandem_buf *b, const char *root, size_t levels)
{
	tandem_buf_reset(b);
	buf_str(b, root);
	buf_repeat(b, "<a>", levels - 1);
	buf_repeat(b, "</a>", levels - 1);
}

TEST(einv_xml_depth_limit)
{
	struct tandem_buf b;
	struct opened o;
	const struct tandem_finding *f;

	buf_start(&b);
	nested(&b, "<a>", 10000);
	buf_str(&b, "</a>");
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, TANDEM_ELIMIT);
	f = EXPECT_FINDING(&o, "TANDEM-XML-DEPTH", TANDEM_SEV_ERROR);
	ASSERT_EQ(f->code, TANDEM_ELIMIT);
	opened_release(&o);

	/* One level too many. */
	nested(&b, "<Invoice xmlns=\"" NS_UBL_INVOICE "\">", TANDEM_EINV_XML_DEPTH_MAX + 1);
	buf_str(&b, "</Invoice>");
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, TANDEM_ELIMIT);
	EXPECT_FINDING(&o, "TANDEM-XML-DEPTH", TANDEM_SEV_ERROR);
	opened_release(&o);
	tandem_buf_release(&b);
}

TEST(einv_xml_depth_max_accepted)
{
	struct tandem_buf b;
	struct opened o;

	/* Exactly the limit is XML: only the root is wrong. */
	buf_start(&b);
	nested(&b, "<a>", TANDEM_EINV_XML_DEPTH_MAX);
	buf_str(&b, "</a>");
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_NO_FINDING(&o, "TANDEM-XML-DEPTH");
	EXPECT_FINDING(&o, "TANDEM-XML-ROOT", TANDEM_SEV_ERROR);
	opened_release(&o);

	/* And with an invoice root it opens. */
	nested(&b, "<Invoice xmlns=\"" NS_UBL_INVOICE "\">", TANDEM_EINV_XML_DEPTH_MAX);
	buf_str(&b, "</Invoice>");
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, 0);
	ASSERT_EQ(o.d.count, 0);
	opened_release(&o);
	tandem_buf_release(&b);
}

/* A UBL invoice root with `children` empty child elements. */
static void flat(struct tandem_buf *b, size_t children)
{
	tandem_buf_reset(b);
	buf_str(b, "<Invoice xmlns=\"" NS_UBL_INVOICE "\">");
	buf_repeat(b, "<a/>", children);
	buf_str(b, "</Invoice>");
}

TEST(einv_xml_elements_limit)
{
	struct tandem_buf b;
	struct opened o;
	const struct tandem_finding *f;

	buf_start(&b);
	flat(&b, 2000001);
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, TANDEM_ELIMIT);
	f = EXPECT_FINDING(&o, "TANDEM-XML-ELEMENTS", TANDEM_SEV_ERROR);
	ASSERT_EQ(f->code, TANDEM_ELIMIT);
	opened_release(&o);

	/* The root and NODES_MAX children: one element too many. */
	flat(&b, TANDEM_EINV_XML_NODES_MAX);
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, TANDEM_ELIMIT);
	EXPECT_FINDING(&o, "TANDEM-XML-ELEMENTS", TANDEM_SEV_ERROR);
	opened_release(&o);
	tandem_buf_release(&b);
}

TEST(einv_xml_elements_max_accepted)
{
	struct tandem_buf b;
	struct opened o;

	/* The root and NODES_MAX - 1 children: exactly the limit. */
	buf_start(&b);
	flat(&b, TANDEM_EINV_XML_NODES_MAX - 1);
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, 0);
	EXPECT_NO_FINDING(&o, "TANDEM-XML-ELEMENTS");
	opened_release(&o);
	tandem_buf_release(&b);
}

TEST(einv_xml_invalid_utf8)
{
	static const char *const bad[] = {
		"caf\xC3\x28",         /* a lead byte without its continuation */
		"\xFF\xFE",            /* bytes that never occur in UTF-8 */
		"\xC0\xAF",            /* an overlong encoding of '/' */
		"\xED\xA0\x80",        /* a UTF-16 surrogate */
		"\xE2\x82",            /* cut in the middle of a character */
	};
	struct tandem_buf b;
	struct opened o;

	buf_start(&b);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const struct tandem_finding *f;

		tandem_buf_reset(&b);
		buf_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<Invoice xmlns=\"" NS_UBL_INVOICE "\" xmlns:cbc=\"" NS_UBL_CBC "\">\n"
			    "<cbc:Note>");
		buf_str(&b, bad[i]);
		buf_str(&b, "</cbc:Note>\n</Invoice>\n");
		open_bytes(&o, b.data, b.len);
		if (o.rc != TANDEM_EBADINPUT)
			FAIL("case %zu: status %s: %s", i, tandem_err_name(o.rc),
			     test_findings_text(&o.d));
		f = EXPECT_FINDING(&o, "TANDEM-XML-MALFORMED", TANDEM_SEV_ERROR);
		ASSERT_GT(f->line, 0);
		opened_release(&o);
	}
	tandem_buf_release(&b);
}

TEST(einv_empty_input)
{
	struct opened o;

	open_bytes(&o, "", 0);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-XML-MALFORMED", TANDEM_SEV_ERROR);
	opened_release(&o);

	open_bytes(&o, NULL, 0);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	opened_release(&o);

	/* Whitespace only, and a lone NUL byte. */
	open_str(&o, " \n\t\n");
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-XML-MALFORMED", TANDEM_SEV_ERROR);
	opened_release(&o);
	open_bytes(&o, "\0", 1);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	opened_release(&o);

	/* Just the PDF magic. */
	open_str(&o, "%PDF-");
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-UNREADABLE", TANDEM_SEV_ERROR);
	ASSERT(o.src != NULL);
	ASSERT_EQ(o.src->container, TANDEM_EINV_CONTAINER_PDF);
	opened_release(&o);
}

/* ------------------------------------------------------------------------ */
/* Bad PDFs from the corpus. */

TEST(einv_pdf_no_attachment)
{
	size_t len;
	char *pdf = read_data_or_skip(BLANKO_PDF, &len);
	struct opened o;

	open_bytes(&o, pdf, len);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-NO-INVOICE", TANDEM_SEV_ERROR);
	EXPECT_NO_FINDING(&o, "TANDEM-PDF-UNREADABLE");
	if (o.src) {
		ASSERT_EQ(o.src->container, TANDEM_EINV_CONTAINER_PDF);
		ASSERT_STR_EQ(o.src->pdf.attachment, "");
	}
	opened_release(&o);
	free(pdf);
}

/*
 * A damaged copy of a good PDF must give a TANDEM-PDF-* error, or open
 * with exactly the XML of the intact file; and print nothing.
 */
static void expect_damage_handled(const char *what, const char *pdf, size_t len,
				  const char *xml, size_t xml_len)
{
	struct opened o;
	struct quiet q;
	long printed;

	quiet_begin(&q);
	open_bytes(&o, pdf, len);
	printed = quiet_end(&q);
	if (printed != 0)
		FAIL("%s: %ld bytes printed", what, printed);
	if (o.rc == 0) {
		if (o.src->xml_len != xml_len || memcmp(o.src->xml, xml, xml_len) != 0)
			FAIL("%s: opened, but the XML differs (%zu bytes, expected %zu)",
			     what, o.src->xml_len, xml_len);
	} else {
		bool pdf_error = false;
		for (size_t i = 0; i < o.d.count; i++)
			pdf_error |= o.d.items[i].severity == TANDEM_SEV_ERROR &&
				     strncmp(o.d.items[i].rule, "TANDEM-PDF-", 11) == 0;
		if (!pdf_error)
			FAIL("%s: status %s without a TANDEM-PDF-* error: %s", what,
			     tandem_err_name(o.rc), test_findings_text(&o.d));
	}
	opened_release(&o);
}

TEST(einv_pdf_truncated)
{
	size_t len, xml_len;
	char *pdf = read_data_or_skip(FERD_EINFACH_PDF, &len);
	char *xml = read_data_or_skip(FERD_EINFACH_XML, &xml_len);

	expect_damage_handled("first 60%", pdf, len * 6 / 10, xml, xml_len);
	/* Other cuts, through the xref, trailer and streams. */
	for (size_t cut = 1; cut < 20; cut++)
		expect_damage_handled("cut", pdf, len * cut / 20, xml, xml_len);
	expect_damage_handled("last byte off", pdf, len - 1, xml, xml_len);
	free(pdf);
	free(xml);
}

/* First occurrence of the string needle in data[0..len), or NULL. */
static const char *find_bytes(const char *data, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(data + i, needle, n) == 0)
			return data + i;
	return NULL;
}

TEST(einv_pdf_garbage_middle)
{
	size_t len, xml_len;
	char *pdf = read_data_or_skip(FERD_EINFACH_PDF, &len);
	char *xml = read_data_or_skip(FERD_EINFACH_XML, &xml_len);
	char *copy = malloc(len);
	uint32_t seed = 12345;

	ASSERT(copy != NULL);
	/* 200 bytes of deterministic garbage over the middle, then at eight
	 * more places. */
	for (size_t place = 0; place < 9; place++) {
		size_t at = place == 0 ? len / 2 - 100 : (len - 200) * place / 9;
		char what[64];

		memcpy(copy, pdf, len);
		for (size_t i = 0; i < 200; i++) {
			seed = seed * 1103515245u + 12345u;
			copy[at + i] = (char)(seed >> 24);
		}
		snprintf(what, sizeof what, "garbage at %zu", at);
		expect_damage_handled(what, copy, len, xml, xml_len);
	}

	/* Garbage inside the compressed attachment itself: the last
	 * /EmbeddedFile object's stream data, 500 bytes in. */
	{
		struct opened o;
		const char *ef = NULL, *data;

		for (const char *p = pdf; (p = find_bytes(p, len - (size_t)(p - pdf),
							 "/EmbeddedFile")) != NULL; p++)
			ef = p;
		ASSERT(ef != NULL);
		data = find_bytes(ef, len - (size_t)(ef - pdf), "stream\n");
		ASSERT(data != NULL);
		ASSERT_LT((size_t)(data - pdf) + 7 + 700, len);
		memcpy(copy, pdf, len);
		for (size_t i = 0; i < 200; i++)
			copy[(size_t)(data - pdf) + 7 + 500 + i] = (char)(i * 37 + 11);
		open_bytes(&o, copy, len);
		EXPECT_RC(&o, TANDEM_EBADINPUT);
		EXPECT_FINDING(&o, "TANDEM-PDF-CORRUPT", TANDEM_SEV_ERROR);
		opened_release(&o);
	}
	free(copy);
	free(pdf);
	free(xml);
}

TEST(einv_pdf_garbage_after_header)
{
	struct tandem_buf b;
	struct opened o;
	uint32_t seed = 99;

	buf_start(&b);
	buf_str(&b, "%PDF-1.7\n");
	for (int i = 0; i < 4096; i++) {
		seed = seed * 1103515245u + 12345u;
		char c = (char)(seed >> 24);
		buf_add(&b, &c, 1);
	}
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-UNREADABLE", TANDEM_SEV_ERROR);
	opened_release(&o);

	/* Text that looks like PDF but has no object at all. */
	open_str(&o, "%PDF-1.7\nthis is not a PDF\n%%EOF\n");
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-UNREADABLE", TANDEM_SEV_ERROR);
	opened_release(&o);
	tandem_buf_release(&b);
}

TEST(einv_pdf_size_limit)
{
	size_t len = (size_t)TANDEM_EINV_PDF_BYTES_MAX + 1;
	char *pdf = calloc(1, len);
	struct opened o;

	ASSERT(pdf != NULL);
	memcpy(pdf, "%PDF-1.7\n", 9);
	open_bytes(&o, pdf, len);
	EXPECT_RC(&o, TANDEM_ELIMIT);
	EXPECT_FINDING(&o, "TANDEM-PDF-SIZE", TANDEM_SEV_ERROR);
	opened_release(&o);
	free(pdf);
}

/* ------------------------------------------------------------------------ */
/* PDFs built here. */

TEST(einv_pdf_inflate_bomb)
{
	size_t z_len, pdf_len;
	unsigned char *z = zlib_zeros(40u << 20, &z_len);
	struct pdf_spec spec = pdf_spec_flate(z, z_len);
	char *pdf = build_pdf(&spec, &pdf_len);
	struct opened o;
	const struct tandem_finding *f;
	long before_kib, grown_kib;

	/* 40 MB of zeros squeeze to about 40 KB. */
	ASSERT_LT(z_len, 100 * 1024);
	before_kib = maxrss_kib();
	open_bytes(&o, pdf, pdf_len);
	grown_kib = maxrss_kib() - before_kib;
	EXPECT_RC(&o, TANDEM_ELIMIT);
	f = EXPECT_FINDING(&o, "TANDEM-PDF-SIZE", TANDEM_SEV_ERROR);
	ASSERT_EQ(f->code, TANDEM_ELIMIT);
	if (grown_kib >= 100 * 1024 * MEM_SLACK)
		FAIL("peak memory grew by %ld KiB", grown_kib);
	opened_release(&o);
	tandem_free(pdf);
	tandem_free(z);

	/* A quarter of a gigabyte (about 250 KB compressed): refused as fast
	 * and as small, the cap does not depend on what the stream holds. */
	z = zlib_zeros(256u << 20, &z_len);
	spec = pdf_spec_flate(z, z_len);
	pdf = build_pdf(&spec, &pdf_len);
	open_bytes(&o, pdf, pdf_len);
	EXPECT_RC(&o, TANDEM_ELIMIT);
	EXPECT_FINDING(&o, "TANDEM-PDF-SIZE", TANDEM_SEV_ERROR);
	grown_kib = maxrss_kib() - before_kib;
	if (grown_kib >= 100 * 1024 * MEM_SLACK)
		FAIL("peak memory grew by %ld KiB", grown_kib);
	opened_release(&o);
	tandem_free(pdf);
	tandem_free(z);
}

TEST(einv_pdf_inflate_limit_boundary)
{
	size_t z_len, pdf_len;
	unsigned char *z;
	struct pdf_spec spec;
	char *pdf;
	struct opened o;

	/* Inflating to exactly TANDEM_EINV_XML_BYTES_MAX (zeros are not XML,
	 * so spaces are compressed here) is accepted... */
	{
		struct tandem_buf b;
		buf_start(&b);
		padded_invoice(&b, TANDEM_EINV_XML_BYTES_MAX);
		z = zlib_bytes(b.data, b.len, &z_len);
		tandem_buf_release(&b);
	}
	spec = pdf_spec_flate(z, z_len);
	pdf = build_pdf(&spec, &pdf_len);
	open_bytes(&o, pdf, pdf_len);
	EXPECT_RC(&o, 0);
	ASSERT_EQ(o.src->xml_len, TANDEM_EINV_XML_BYTES_MAX);
	ASSERT_MEM_EQ(o.src->xml, UBL_HEAD, strlen(UBL_HEAD));
	ASSERT_STR_EQ(o.src->xml + o.src->xml_len - strlen(UBL_TAIL), UBL_TAIL);
	opened_release(&o);
	tandem_free(pdf);
	free(z);

	/* ... one byte more is not. */
	{
		struct tandem_buf b;
		buf_start(&b);
		padded_invoice(&b, TANDEM_EINV_XML_BYTES_MAX + 1);
		z = zlib_bytes(b.data, b.len, &z_len);
		tandem_buf_release(&b);
	}
	spec = pdf_spec_flate(z, z_len);
	pdf = build_pdf(&spec, &pdf_len);
	open_bytes(&o, pdf, pdf_len);
	EXPECT_RC(&o, TANDEM_ELIMIT);
	EXPECT_FINDING(&o, "TANDEM-PDF-SIZE", TANDEM_SEV_ERROR);
	opened_release(&o);
	tandem_free(pdf);
	free(z);
}

/* The FeRD EN 16931 sample's XML, compressed; SKIP when missing. */
struct sample {
	char *xml;
	size_t xml_len;
	unsigned char *z;
	size_t z_len;
};

static void sample_load(struct sample *s)
{
	s->xml = read_data_or_skip(FERD_EINFACH_XML, &s->xml_len);
	s->z = zlib_bytes(s->xml, s->xml_len, &s->z_len);
}

static void sample_free(struct sample *s)
{
	free(s->xml);
	free(s->z);
}

/* Builds the PDF of spec and opens it into o. */
static void open_built(struct opened *o, const struct pdf_spec *spec)
{
	size_t len;
	char *pdf = build_pdf(spec, &len);

	open_bytes(o, pdf, len);
	/* An XML container keeps the caller's bytes; a PDF's XML is the
	 * arena's, so the PDF may go now. */
	tandem_free(pdf);
}

TEST(einv_pdf_built_ok)
{
	struct sample s;
	struct pdf_spec spec;
	struct opened o;

	sample_load(&s);
	spec = pdf_spec_flate(s.z, s.z_len);
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	ASSERT_EQ(o.src->container, TANDEM_EINV_CONTAINER_PDF);
	ASSERT_EQ(o.src->syntax, TANDEM_EINV_SYNTAX_CII);
	ASSERT_EQ(o.src->profile, TANDEM_EINV_PROFILE_EN16931);
	ASSERT_STR_EQ(o.src->customization, "urn:cen.eu:en16931:2017");
	ASSERT(o.src->full_invoice);
	ASSERT_EQ(o.src->xml_len, s.xml_len);
	ASSERT_MEM_EQ(o.src->xml, s.xml, s.xml_len);
	ASSERT_STR_EQ(o.src->pdf.attachment, "factur-x.xml");
	ASSERT_STR_EQ(o.src->pdf.relationship, "Data");
	ASSERT(o.src->pdf.in_af);
	ASSERT(o.src->pdf.in_embedded_files);
	ASSERT_EQ(o.src->pdf.attachments, 1);
	ASSERT(!o.src->pdf.has_xmp);
	/* No XMP: a warning, nothing worse. */
	EXPECT_FINDING(&o, "TANDEM-FX-XMP", TANDEM_SEV_WARNING);
	ASSERT_EQ(tandem_diag_count(&o.d, TANDEM_SEV_ERROR), 0);
	opened_release(&o);
	sample_free(&s);
}

TEST(einv_pdf_built_variants)
{
	struct sample s;
	struct pdf_spec spec;
	struct opened o;

	sample_load(&s);

	/* Not in /AF: still found through /EmbeddedFiles, with a warning. */
	spec = pdf_spec_flate(s.z, s.z_len);
	spec.af = false;
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	EXPECT_FINDING(&o, "TANDEM-FX-AF", TANDEM_SEV_WARNING);
	ASSERT(!o.src->pdf.in_af);
	ASSERT(o.src->pdf.in_embedded_files);
	ASSERT_MEM_EQ(o.src->xml, s.xml, s.xml_len);
	opened_release(&o);

	/* Only in /AF. */
	spec = pdf_spec_flate(s.z, s.z_len);
	spec.names = false;
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	EXPECT_NO_FINDING(&o, "TANDEM-FX-AF");
	ASSERT(o.src->pdf.in_af);
	ASSERT(!o.src->pdf.in_embedded_files);
	opened_release(&o);

	/* Stored without a filter, and with the filter in an array. */
	spec = pdf_spec_flate(s.xml, s.xml_len);
	spec.filter = NULL;
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	ASSERT_EQ(o.src->xml_len, s.xml_len);
	ASSERT_MEM_EQ(o.src->xml, s.xml, s.xml_len);
	opened_release(&o);
	spec = pdf_spec_flate(s.z, s.z_len);
	spec.filter = "[/FlateDecode]";
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	ASSERT_MEM_EQ(o.src->xml, s.xml, s.xml_len);
	opened_release(&o);

	/* Other invoice file names; a relationship that is not a known one. */
	spec = pdf_spec_flate(s.z, s.z_len);
	spec.name = "zugferd-invoice.xml";
	spec.relationship = "Alternative";
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	ASSERT_STR_EQ(o.src->pdf.attachment, "zugferd-invoice.xml");
	ASSERT_STR_EQ(o.src->pdf.relationship, "Alternative");
	EXPECT_NO_FINDING(&o, "TANDEM-FX-RELATIONSHIP");
	opened_release(&o);
	spec.name = "xrechnung.xml";
	spec.relationship = "Supplement";
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	ASSERT_STR_EQ(o.src->pdf.attachment, "xrechnung.xml");
	EXPECT_FINDING(&o, "TANDEM-FX-RELATIONSHIP", TANDEM_SEV_WARNING);
	opened_release(&o);

	/* An attachment with another name is not an invoice. */
	spec.name = "invoice.xml";
	open_built(&o, &spec);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-NO-INVOICE", TANDEM_SEV_ERROR);
	opened_release(&o);
	spec.name = "order-x.xml";
	open_built(&o, &spec);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-NO-INVOICE", TANDEM_SEV_ERROR);
	opened_release(&o);
	sample_free(&s);
}

TEST(einv_pdf_built_filter)
{
	struct sample s;
	struct pdf_spec spec;
	struct opened o;
	struct tandem_buf hex;
	const struct tandem_finding *f;

	sample_load(&s);
	buf_start(&hex);
	for (size_t i = 0; i < s.xml_len; i++)
		tandem_buf_printf(&hex, "%02X", (unsigned char)s.xml[i]);
	buf_str(&hex, ">");

	spec = pdf_spec_flate(hex.data, hex.len);
	spec.filter = "/ASCIIHexDecode";
	open_built(&o, &spec);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	f = EXPECT_FINDING(&o, "TANDEM-PDF-FILTER", TANDEM_SEV_ERROR);
	ASSERT_STR_CONTAINS(f->message, "FlateDecode");
	opened_release(&o);

	/* Two filters in a row are refused too. */
	spec = pdf_spec_flate(hex.data, hex.len);
	spec.filter = "[/ASCIIHexDecode /FlateDecode]";
	open_built(&o, &spec);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-FILTER", TANDEM_SEV_ERROR);
	opened_release(&o);

	/* FlateDecode with a PNG predictor. */
	spec = pdf_spec_flate(s.z, s.z_len);
	spec.parms = "<< /Predictor 12 /Columns 4 >>";
	open_built(&o, &spec);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-FILTER", TANDEM_SEV_ERROR);
	opened_release(&o);
	tandem_buf_release(&hex);
	sample_free(&s);
}

TEST(einv_pdf_built_corrupt_deflate)
{
	struct sample s;
	struct pdf_spec spec;
	struct opened o;
	unsigned char *bad;

	sample_load(&s);
	bad = malloc(s.z_len);
	ASSERT(bad != NULL);

	/* 32 bytes in the middle overwritten. */
	memcpy(bad, s.z, s.z_len);
	memset(bad + s.z_len / 2, 0xFF, 32);
	spec = pdf_spec_flate(bad, s.z_len);
	open_built(&o, &spec);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-CORRUPT", TANDEM_SEV_ERROR);
	opened_release(&o);

	/* Only the first half: no end marker. */
	spec = pdf_spec_flate(s.z, s.z_len / 2);
	open_built(&o, &spec);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-CORRUPT", TANDEM_SEV_ERROR);
	opened_release(&o);

	/* A wrong Adler-32 checksum at the end. */
	memcpy(bad, s.z, s.z_len);
	bad[s.z_len - 1] ^= 0x55;
	spec = pdf_spec_flate(bad, s.z_len);
	open_built(&o, &spec);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-CORRUPT", TANDEM_SEV_ERROR);
	opened_release(&o);

	/* Not zlib at all, and an empty stream. */
	spec = pdf_spec_flate(s.xml, 200);
	open_built(&o, &spec);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-CORRUPT", TANDEM_SEV_ERROR);
	opened_release(&o);
	spec = pdf_spec_flate(s.z, 0);
	open_built(&o, &spec);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-CORRUPT", TANDEM_SEV_ERROR);
	opened_release(&o);
	free(bad);
	sample_free(&s);
}

TEST(einv_pdf_xmp)
{
	struct sample s;
	struct pdf_spec spec;
	struct opened o;
	char xmp[2048];

	sample_load(&s);
	xmp_packet(xmp, sizeof xmp, "EN 16931");
	spec = pdf_spec_flate(s.z, s.z_len);
	spec.xmp = xmp;
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	/* Everything agrees: not a single finding. */
	if (o.d.count != 0)
		FAIL("findings on a consistent Factur-X: %s", test_findings_text(&o.d));
	ASSERT(o.src->pdf.has_xmp);
	ASSERT(o.src->pdf.xmp_readable);
	ASSERT_STR_EQ(o.src->pdf.xmp_namespace, NS_FX_XMP);
	ASSERT_STR_EQ(o.src->pdf.xmp_document_type, "INVOICE");
	ASSERT_STR_EQ(o.src->pdf.xmp_document_file_name, "factur-x.xml");
	ASSERT_STR_EQ(o.src->pdf.xmp_version, "1.0");
	ASSERT_STR_EQ(o.src->pdf.xmp_conformance_level, "EN 16931");
	ASSERT_EQ(o.src->pdf.xmp_profile, TANDEM_EINV_PROFILE_EN16931);
	opened_release(&o);

	/* An XMP packet that is not XML: a warning, the invoice still opens. */
	spec.xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><unclosed>";
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	ASSERT(o.src->pdf.has_xmp);
	ASSERT(!o.src->pdf.xmp_readable);
	EXPECT_FINDING(&o, "TANDEM-FX-XMP", TANDEM_SEV_WARNING);
	ASSERT_EQ(tandem_diag_count(&o.d, TANDEM_SEV_ERROR), 0);
	opened_release(&o);

	/* XMP carrying a DOCTYPE is refused like an invoice would be. */
	spec.xmp = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>";
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	ASSERT(!o.src->pdf.xmp_readable);
	EXPECT_FINDING(&o, "TANDEM-FX-XMP", TANDEM_SEV_WARNING);
	expect_not_in_findings(&o, "root:");
	opened_release(&o);

	/* The fields as elements, in the ZUGFeRD 2 namespace, EN16931
	 * without the space as ZUGFeRD 2.0 files write it. */
	xmp_packet_elements(xmp, sizeof xmp,
			    "urn:zugferd:pdfa:CrossIndustryDocument:invoice:2p0#",
			    "EN16931", "factur-x.xml");
	spec.xmp = xmp;
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	if (o.d.count != 0)
		FAIL("findings on a consistent ZUGFeRD 2: %s", test_findings_text(&o.d));
	ASSERT_STR_EQ(o.src->pdf.xmp_namespace,
		      "urn:zugferd:pdfa:CrossIndustryDocument:invoice:2p0#");
	ASSERT_EQ(o.src->pdf.xmp_profile, TANDEM_EINV_PROFILE_EN16931);
	opened_release(&o);

	/* A level that names no profile; fields in a foreign namespace. */
	xmp_packet(xmp, sizeof xmp, "PLATINUM");
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	EXPECT_FINDING(&o, "TANDEM-FX-XMP", TANDEM_SEV_WARNING);
	ASSERT_EQ(o.src->pdf.xmp_profile, TANDEM_EINV_PROFILE_UNKNOWN);
	EXPECT_NO_FINDING(&o, "TANDEM-FX-PROFILE");
	opened_release(&o);
	xmp_packet_elements(xmp, sizeof xmp, "urn:example:not-factur-x#", "EN 16931",
			    "factur-x.xml");
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	ASSERT(o.src->pdf.xmp_readable);
	ASSERT_STR_EQ(o.src->pdf.xmp_conformance_level, "");
	EXPECT_FINDING(&o, "TANDEM-FX-XMP", TANDEM_SEV_WARNING);
	opened_release(&o);

	/* The XMP names another file than the attachment. */
	xmp_packet_elements(xmp, sizeof xmp, NS_FX_XMP, "EN 16931", "invoice.xml");
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	EXPECT_FINDING(&o, "TANDEM-FX-FILENAME", TANDEM_SEV_WARNING);
	ASSERT_EQ(tandem_diag_count(&o.d, TANDEM_SEV_ERROR), 0);
	opened_release(&o);
	sample_free(&s);
}

TEST(einv_pdf_xmp_profile_mismatch)
{
	static const char from[] = ">urn:cen.eu:en16931:2017<";
	static const char to[] = ">urn:factur-x.eu:1p0:minimum<";
	struct sample s;
	struct tandem_buf xml;
	struct pdf_spec spec;
	struct opened o;
	char xmp[2048], *at;
	unsigned char *z;
	size_t z_len;
	const struct tandem_finding *f;

	sample_load(&s);
	at = strstr(s.xml, from);
	if (at == NULL)
		FAIL("the sample has no guideline id %s", from);
	buf_start(&xml);
	buf_add(&xml, s.xml, (size_t)(at - s.xml));
	buf_str(&xml, to);
	buf_str(&xml, at + strlen(from));
	z = zlib_bytes(xml.data, xml.len, &z_len);
	xmp_packet(xmp, sizeof xmp, "EN 16931");
	spec = pdf_spec_flate(z, z_len);
	spec.xmp = xmp;
	open_built(&o, &spec);
	/* An invoice was found and parsed: status 0, with an error finding. */
	EXPECT_RC(&o, 0);
	ASSERT_EQ(o.src->profile, TANDEM_EINV_PROFILE_MINIMUM);
	ASSERT_EQ(o.src->pdf.xmp_profile, TANDEM_EINV_PROFILE_EN16931);
	f = EXPECT_FINDING(&o, "TANDEM-FX-PROFILE", TANDEM_SEV_ERROR);
	ASSERT_STR_CONTAINS(f->message, "EN 16931");
	ASSERT_STR_CONTAINS(f->message, "MINIMUM");
	EXPECT_FINDING(&o, "TANDEM-FX-NOT-FULL", TANDEM_SEV_WARNING);
	opened_release(&o);
	free(z);
	tandem_buf_release(&xml);
	sample_free(&s);
}

TEST(einv_pdf_name_tree)
{
	struct sample s;
	struct pdf_spec spec;
	struct opened o;

	/* The invoice in a leaf under /Kids, and not in /AF. */
	sample_load(&s);
	spec = pdf_spec_flate(s.z, s.z_len);
	spec.af = false;
	spec.tree = "7 0 R";
	spec.obj7 = "<< /Kids [<< /Limits [(factur-x.xml) (factur-x.xml)]"
		    " /Names [(factur-x.xml) 4 0 R] >>] >>";
	open_built(&o, &spec);
	EXPECT_RC(&o, 0);
	ASSERT(o.src->pdf.in_embedded_files);
	ASSERT_MEM_EQ(o.src->xml, s.xml, s.xml_len);
	opened_release(&o);

	/* A node that is its own kid: the walk ends. */
	spec.obj7 = "<< /Kids [7 0 R] >>";
	open_built(&o, &spec);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-NO-INVOICE", TANDEM_SEV_ERROR);
	opened_release(&o);
	sample_free(&s);
}

/* The PDF of einv_pdf_name_tree_loop, opened in a child process. */
static void open_name_tree_loop(void)
{
	struct sample s;
	struct pdf_spec spec;
	struct opened o;

	sample_load(&s);
	spec = pdf_spec_flate(s.z, s.z_len);
	spec.tree = "7 0 R";
	spec.obj7 = "<< /Kids [7 0 R 7 0 R 7 0 R 7 0 R 7 0 R 7 0 R 7 0 R 7 0 R] >>";
	open_built(&o, &spec);
	/* The invoice is in /AF: found, whatever the tree. */
	EXPECT_RC(&o, 0);
	ASSERT_MEM_EQ(o.src->xml, s.xml, s.xml_len);
	opened_release(&o);
	sample_free(&s);
}

TEST(einv_pdf_name_tree_loop)
{
	const unsigned limit_s = 2;
	double t0 = now_s();
	int status;
	pid_t pid;

	/*
	 * A name-tree node listing itself eight times under /Kids: a walk
	 * bounded only in depth would visit 8^17 nodes, taking hours and
	 * gigabytes (qpdf keeps every object handle). It must end at once: it
	 * runs in a child that an alarm stops after limit_s seconds.
	 */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		alarm(limit_s);
		open_name_tree_loop();
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		FAIL("opening a PDF whose name tree loops took more than %u s", limit_s);
	/* 77 is the runner's code for a skip (the sample is missing). */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		SKIP("missing the FeRD EN 16931 sample");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		FAIL("the child failed (status %d)", status);
	ASSERT_LT(now_s() - t0, 2.0 * limit_s);
}

/* The rule ids of the findings, in order, for comparing two runs. */
static void rules_of(const struct tandem_diag *d, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < d->count && used + 1 < size; i++) {
		int n = snprintf(out + used, size - used, "%s ", d->items[i].rule);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* Opens data with an arena of at most max bytes. */
static void open_with_arena_max(struct opened *o, const void *data, size_t len,
				size_t max)
{
	tandem_arena_init(&o->a, max);
	tandem_diag_init(&o->d, FINDINGS_MAX);
	o->src = NULL;
	o->rc = tandem_einv_open(&o->a, data, len, &o->d, &o->src);
}

/*
 * With the caller's arena too small, opening fails with ENOMEM and does not
 * blame the document (no error finding). From some size on it opens, and
 * then exactly as with a roomy arena: same XML, same findings.
 */
static void expect_arena_limit_handled(const char *what, const void *data,
				       size_t len)
{
	const size_t step = 64, max_max = 4u << 20;
	struct opened roomy;
	char want_rules[1024], got_rules[1024];
	size_t max;

	open_bytes(&roomy, data, len);
	EXPECT_RC(&roomy, 0);
	rules_of(&roomy.d, want_rules, sizeof want_rules);
	for (max = 0; max <= max_max; max += step) {
		struct opened o;

		open_with_arena_max(&o, data, len, max);
		if (o.rc == 0) {
			rules_of(&o.d, got_rules, sizeof got_rules);
			if (o.src->xml_len != roomy.src->xml_len ||
			    memcmp(o.src->xml, roomy.src->xml, o.src->xml_len) != 0)
				FAIL("%s, arena of %zu bytes: opened with another XML", what, max);
			if (strcmp(got_rules, want_rules) != 0)
				FAIL("%s, arena of %zu bytes: findings [%s], with room [%s]: %s",
				     what, max, got_rules, want_rules, test_findings_text(&o.d));
			opened_release(&o);
			break;
		}
		if (o.rc != TANDEM_ENOMEM)
			FAIL("%s, arena of %zu bytes: status %s: %s", what, max,
			     tandem_err_name(o.rc), test_findings_text(&o.d));
		if (tandem_diag_count(&o.d, TANDEM_SEV_ERROR) != 0)
			FAIL("%s (%zu bytes), arena of %zu bytes: the document is blamed: %s",
			     what, len, max, test_findings_text(&o.d));
		opened_release(&o);
	}
	opened_release(&roomy);
	if (max > max_max)
		FAIL("%s does not open with an arena of %zu bytes", what, max_max);
}

TEST(einv_arena_limit)
{
	struct sample s;
	struct pdf_spec spec;
	char xmp[2048], *pdf;
	size_t pdf_len;

	sample_load(&s);
	expect_arena_limit_handled("the XML", s.xml, s.xml_len);
	xmp_packet(xmp, sizeof xmp, "EN 16931");
	spec = pdf_spec_flate(s.z, s.z_len);
	spec.xmp = xmp;
	pdf = build_pdf(&spec, &pdf_len);
	expect_arena_limit_handled("the PDF", pdf, pdf_len);
	tandem_free(pdf);
	sample_free(&s);
}

TEST(einv_quiet_on_hostile_input)
{
	static const char *const inputs[] = {
		"<Invoice><unclosed>",
		"<!DOCTYPE Invoice [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Invoice>&x;</Invoice>",
		"<!DOCTYPE Invoice SYSTEM \"http://127.0.0.1:9/x.dtd\"><Invoice/>",
		"<Invoice xmlns=\"" NS_UBL_INVOICE "\">\xC3\x28</Invoice>",
		"<Invoice xmlns=\"" NS_UBL_INVOICE "\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
		"<xi:include href=\"file:///nonexistent\"/></Invoice>",
		"<a:Invoice xmlns:b=\"urn:x\"/>",
		"<?xml version=\"9.0\" encoding=\"EBCDIC-FOO\"?><Invoice/>",
		"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
		"%PDF-1.7\nxref\n0 1\n0000000000 65535 f \ntrailer << /Size 1 >>\nstartxref\n9\n%%EOF\n",
		"",
	};
	struct quiet q;
	int rcs[sizeof inputs / sizeof inputs[0]];
	long printed;

	/* Neither libxml2 nor qpdf may write to stdout or stderr. */
	quiet_begin(&q);
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		struct opened o;

		open_with_arena_max(&o, inputs[i], strlen(inputs[i]), ARENA_MAX);
		rcs[i] = o.rc;
		opened_release(&o);
	}
	printed = quiet_end(&q);
	/* All refused but the XInclude one, which is a (harmless) invoice. */
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
		if (rcs[i] != (i == 4 ? 0 : TANDEM_EBADINPUT))
			FAIL("input %zu: status %s", i, tandem_err_name(rcs[i]));
	ASSERT_EQ(printed, 0);
}

/* Whether every finding counted was also stored. */
static bool all_stored(const struct tandem_diag *d)
{
	size_t counted = 0;

	for (int sev = 0; sev < TANDEM_SEV_COUNT_; sev++)
		counted += d->by_severity[sev];
	return d->dropped == 0 && d->count == counted;
}

/*
 * Makes each of tandem's own allocations (arena, buffers, findings) fail in
 * turn while opening data: every run must end with ENOMEM, or exactly as
 * the run without failure did (status, XML and findings), never crash and
 * never leak.
 */
static void expect_alloc_failures_handled(const char *what, const void *data,
					  size_t len)
{
	unsigned long before, calls;
	struct opened o;
	char want_rules[1024], got_rules[1024];
	int want_rc;
	size_t enomem = 0;

	before = tandem_alloc_calls();
	open_bytes(&o, data, len);
	calls = tandem_alloc_calls() - before;
	want_rc = o.rc;
	rules_of(&o.d, want_rules, sizeof want_rules);
	opened_release(&o);
	ASSERT_GT(calls, 0);
	for (unsigned long n = 1; n <= calls; n++) {
		struct tandem_arena a;
		struct tandem_diag d;
		struct tandem_einv_source *src = NULL;
		int rc;

		tandem_arena_init(&a, ARENA_MAX);
		tandem_diag_init(&d, FINDINGS_MAX);
		tandem_alloc_fail_at(n);
		rc = tandem_einv_open(&a, data, len, &d, &src);
		tandem_alloc_fail_at(0);
		rules_of(&d, got_rules, sizeof got_rules);
		if (rc == TANDEM_ENOMEM) {
			enomem++;
		} else if (rc != want_rc) {
			FAIL("%s, allocation %lu of %lu failing: status %s, expected %s or ENOMEM: %s",
			     what, n, calls, tandem_err_name(rc), tandem_err_name(want_rc),
			     test_findings_text(&d));
		} else if (all_stored(&d) && strcmp(got_rules, want_rules) != 0) {
			/* A finding lost because the diag itself could not
			 * allocate is allowed; any other difference is the
			 * failure misreported. */
			FAIL("%s, allocation %lu of %lu failing: status %s with findings [%s], expected [%s]: %s",
			     what, n, calls, tandem_err_name(rc), got_rules, want_rules,
			     test_findings_text(&d));
		}
		tandem_diag_release(&d);
		tandem_arena_release(&a);
	}
	/* Some of the failures must have been reported as such. */
	ASSERT_GT(enomem, 0);
	core_assert_no_leaks();
}

TEST(einv_alloc_failures)
{
	struct sample s;
	struct pdf_spec spec;
	struct tandem_buf b;
	char xmp[2048], *pdf;
	size_t pdf_len;

	buf_start(&b);
	ubl_invoice(&b, "urn:cen.eu:en16931:2017");
	expect_alloc_failures_handled("UBL invoice", b.data, b.len);
	tandem_buf_release(&b);
	expect_alloc_failures_handled("malformed XML", "<a><b></a>", 10);

	sample_load(&s);
	xmp_packet(xmp, sizeof xmp, "EN 16931");
	spec = pdf_spec_flate(s.z, s.z_len);
	spec.xmp = xmp;
	pdf = build_pdf(&spec, &pdf_len);
	expect_alloc_failures_handled("Factur-X PDF with XMP", pdf, pdf_len);
	tandem_free(pdf);
	sample_free(&s);
}

/* ------------------------------------------------------------------------ */
/* The corpus. */

/* The FeRD sample's XML beside a *_fx.pdf, or NULL when there is none. */
static char *ferd_sibling_xml(const char *pdf_path, size_t *len)
{
	char xml_path[PATH_MAX_LEN];
	size_t n = strlen(pdf_path) - strlen("_fx.pdf");

	snprintf(xml_path, sizeof xml_path, "%.*s.xml", (int)n, pdf_path);
	return read_file(xml_path, len);
}

/* What one corpus PDF gave. */
struct pdf_result {
	int rc;
	bool readable;        /* no TANDEM-PDF-UNREADABLE */
	bool has_xml;
	bool no_invoice;      /* TANDEM-PDF-NO-INVOICE */
	bool is_ferd;         /* ferd-2.4/<profile>/<name>_fx.pdf */
	bool has_sibling;
	bool identical;
};

TEST(einv_corpus_pdfs)
{
	struct paths *p = calloc(1, sizeof *p);
	struct pdf_result *r;
	struct quiet q;
	size_t readable = 0, with_xml = 0, ferd = 0, siblings = 0, identical = 0;
	long printed;

	ASSERT(p != NULL);
	collect_data(p, CORPUS, ".pdf");
	ASSERT_EQ(p->count, CORPUS_PDFS);
	r = calloc(p->count, sizeof *r);
	ASSERT(r != NULL);

	/* Nothing is asserted while stdout and stderr are redirected. */
	quiet_begin(&q);
	for (size_t i = 0; i < p->count; i++) {
		struct opened o;
		size_t len, xml_len;
		char *pdf = read_file(p->items[i], &len);
		char *xml;

		if (pdf == NULL) {
			r[i].rc = 1;
			continue;
		}
		open_bytes(&o, pdf, len);
		r[i].rc = o.rc;
		r[i].readable = find_rule(&o.d, "TANDEM-PDF-UNREADABLE") == NULL;
		r[i].has_xml = o.src != NULL && o.src->xml != NULL;
		r[i].no_invoice = find_rule(&o.d, "TANDEM-PDF-NO-INVOICE") != NULL;
		r[i].is_ferd = strstr(p->items[i], "/ferd-2.4/") != NULL &&
			       ends_with(p->items[i], "_fx.pdf");
		if (r[i].is_ferd && (xml = ferd_sibling_xml(p->items[i], &xml_len)) != NULL) {
			r[i].has_sibling = true;
			r[i].identical = r[i].has_xml && o.src->xml_len == xml_len &&
					 memcmp(o.src->xml, xml, xml_len) == 0;
			free(xml);
		}
		opened_release(&o);
		free(pdf);
	}
	printed = quiet_end(&q);

	if (printed != 0)
		FAIL("opening the corpus printed %ld bytes", printed);
	for (size_t i = 0; i < p->count; i++) {
		if (r[i].rc == 1)
			FAIL("cannot read %s", p->items[i]);
		readable += r[i].readable;
		with_xml += r[i].has_xml;
		ferd += r[i].is_ferd;
		siblings += r[i].has_sibling;
		identical += r[i].identical;
		if (r[i].has_sibling && !r[i].identical)
			FAIL("%s: the extracted XML differs from its sibling .xml (status %s)",
			     p->items[i], tandem_err_name(r[i].rc));
		if (r[i].is_ferd && r[i].rc != 0)
			FAIL("%s: status %s", p->items[i], tandem_err_name(r[i].rc));
	}
	ASSERT_EQ(readable, CORPUS_PDFS_READABLE);
	ASSERT_EQ(with_xml, CORPUS_PDFS_WITH_XML);
	ASSERT_EQ(ferd, FERD_PDFS);
	ASSERT_EQ(siblings, FERD_PDFS_WITH_XML);
	ASSERT_EQ(identical, FERD_PDFS_WITH_XML);
	free(r);
	paths_free(p);
	free(p);
}

TEST(einv_corpus_validation_reports)
{
	struct paths *p = calloc(1, sizeof *p);

	ASSERT(p != NULL);
	collect_data(p, CORPUS, "_validation_report.pdf");
	ASSERT_EQ(p->count, VALIDATION_REPORTS);
	for (size_t i = 0; i < p->count; i++) {
		struct opened o;
		size_t len;
		char *pdf = read_file(p->items[i], &len);

		if (pdf == NULL)
			FAIL("cannot read %s", p->items[i]);
		open_bytes(&o, pdf, len);
		if (o.rc != TANDEM_EBADINPUT || find_rule(&o.d, "TANDEM-PDF-NO-INVOICE") == NULL)
			FAIL("%s: status %s, %s", p->items[i], tandem_err_name(o.rc),
			     test_findings_text(&o.d));
		opened_release(&o);
		free(pdf);
	}
	paths_free(p);
	free(p);
}

/* The profile of a FeRD sample from its folder ("3._EN16931" ...). */
static enum tandem_einv_profile ferd_folder_profile(const char *path)
{
	static const struct {
		const char *folder;
		enum tandem_einv_profile profile;
	} folders[] = {
		{"/0._MINIMUM/", TANDEM_EINV_PROFILE_MINIMUM},
		{"/1._BASIC_WL/", TANDEM_EINV_PROFILE_BASIC_WL},
		{"/2._BASIC/", TANDEM_EINV_PROFILE_BASIC},
		{"/3._EN16931/", TANDEM_EINV_PROFILE_EN16931},
		{"/4._EXTENDED/", TANDEM_EINV_PROFILE_EXTENDED},
		{"/5._XRECHNUNG/", TANDEM_EINV_PROFILE_XRECHNUNG},
	};

	for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++)
		if (strstr(path, folders[i].folder))
			return folders[i].profile;
	FAIL("%s is in no FeRD profile folder", path);
}

TEST(einv_corpus_ferd_xmp)
{
	struct paths *p = calloc(1, sizeof *p);
	size_t not_full = 0;

	ASSERT(p != NULL);
	collect_data(p, FERD, "_fx.pdf");
	ASSERT_EQ(p->count, FERD_PDFS);
	for (size_t i = 0; i < p->count; i++) {
		const char *name = p->items[i];
		enum tandem_einv_profile want = ferd_folder_profile(name);
		bool full = want != TANDEM_EINV_PROFILE_MINIMUM &&
			    want != TANDEM_EINV_PROFILE_BASIC_WL;
		struct opened o;
		size_t len;
		char *pdf = read_file(name, &len);

		if (pdf == NULL)
			FAIL("cannot read %s", name);
		open_bytes(&o, pdf, len);
		if (o.rc != 0)
			FAIL("%s: status %s: %s", name, tandem_err_name(o.rc),
			     test_findings_text(&o.d));
		if (o.src->syntax != TANDEM_EINV_SYNTAX_CII || o.src->profile != want ||
		    o.src->pdf.xmp_profile != o.src->profile)
			FAIL("%s: syntax %s, profile %s, XMP %s; expected cii and %s", name,
			     tandem_einv_syntax_name(o.src->syntax),
			     tandem_einv_profile_name(o.src->profile),
			     tandem_einv_profile_name(o.src->pdf.xmp_profile),
			     tandem_einv_profile_name(want));
		if (find_rule(&o.d, "TANDEM-FX-PROFILE"))
			FAIL("%s: %s", name, test_findings_text(&o.d));
		if (!o.src->pdf.in_af || o.src->pdf.attachment[0] == '\0' ||
		    !o.src->pdf.has_xmp || !o.src->pdf.xmp_readable)
			FAIL("%s: attachment '%s', in_af %d, XMP %d/%d", name,
			     o.src->pdf.attachment, o.src->pdf.in_af, o.src->pdf.has_xmp,
			     o.src->pdf.xmp_readable);
		if (o.src->full_invoice != full)
			FAIL("%s: full_invoice %d for %s", name, o.src->full_invoice,
			     tandem_einv_profile_name(want));
		if (!full) {
			EXPECT_FINDING(&o, "TANDEM-FX-NOT-FULL", TANDEM_SEV_WARNING);
			not_full++;
		} else {
			EXPECT_NO_FINDING(&o, "TANDEM-FX-NOT-FULL");
		}
		if (tandem_diag_count(&o.d, TANDEM_SEV_ERROR) != 0)
			FAIL("%s: %s", name, test_findings_text(&o.d));
		opened_release(&o);
		free(pdf);
	}
	/* Two MINIMUM and two BASIC WL samples. */
	ASSERT_EQ(not_full, 4);
	paths_free(p);
	free(p);
}

/*
 * The one file whose root is deliberately wrong: the reference table files
 * it under its namespace (cii), its root element is rsm:myinvoice.
 */
#define WRONG_ROOT_FILE "facturx/mustang/validator/invalidV2Root.xml"

TEST(einv_corpus_reference_syntax)
{
	char path[PATH_MAX_LEN], corpus[PATH_MAX_LEN];
	char *line = malloc(TSV_LINE_MAX);
	FILE *tsv;
	size_t rows = 0, mismatches = 0, malformed = 0, failed = 0, wrong_root = 0;
	char first_mismatch[PATH_MAX_LEN * 2] = "";

	ASSERT(line != NULL);
	data_path(path, sizeof path, "reference_verdicts_cen.tsv");
	data_path(corpus, sizeof corpus, CORPUS);
	tsv = fopen(path, "r");
	if (tsv == NULL)
		SKIP("missing ../shared/data/einvoice/reference_verdicts_cen.tsv");
	if (fgets(line, TSV_LINE_MAX, tsv) == NULL || strncmp(line, "path\tsyntax\t", 12) != 0)
		FAIL("unexpected header in %s", path);
	while (fgets(line, TSV_LINE_MAX, tsv) != NULL) {
		char *file = line, *syntax, *end, file_path[PATH_MAX_LEN * 2];
		struct opened o;
		size_t len;
		char *data;
		const char *got;

		if (strchr(line, '\n') == NULL)
			FAIL("row %zu longer than %d bytes", rows + 1, TSV_LINE_MAX);
		syntax = strchr(file, '\t');
		if (syntax == NULL)
			FAIL("row %zu has one column", rows + 1);
		*syntax++ = '\0';
		end = strchr(syntax, '\t');
		if (end)
			*end = '\0';
		rows++;
		snprintf(file_path, sizeof file_path, "%s/%s", corpus, file);
		data = read_file(file_path, &len);
		if (data == NULL)
			FAIL("cannot read %s", file_path);
		open_bytes(&o, data, len);
		got = o.src ? tandem_einv_syntax_name(o.src->syntax) : "none";
		malformed += find_rule(&o.d, "TANDEM-XML-MALFORMED") != NULL;
		if (strcmp(file, WRONG_ROOT_FILE) == 0) {
			/* Refused for its root, not counted as a mismatch. */
			EXPECT_RC(&o, TANDEM_EBADINPUT);
			EXPECT_FINDING(&o, "TANDEM-XML-ROOT", TANDEM_SEV_ERROR);
			wrong_root++;
		} else {
			failed += o.rc != 0;
			if (strcmp(got, syntax) != 0) {
				if (mismatches++ == 0)
					snprintf(first_mismatch, sizeof first_mismatch,
						 "%s: %s, expected %s; %s", file, got, syntax,
						 test_findings_text(&o.d));
			}
		}
		opened_release(&o);
		free(data);
	}
	fclose(tsv);
	free(line);
	ASSERT_EQ(rows, 1773);
	ASSERT_EQ(wrong_root, 1);
	if (mismatches)
		FAIL("%zu mismatches, first %s", mismatches, first_mismatch);
	/* Every file is well-formed (the two rows with an "error" column had
	 * an XSLT failure, not an XML one) and opens. */
	ASSERT_EQ(malformed, 0);
	ASSERT_EQ(failed, 0);
}

/* ------------------------------------------------------------------------ */
/* The command-line tool. */

/* A mkdtemp() directory and the files written into it. */
/* A whole file into a malloc'ed buffer (free it); fails the test if it
 * cannot be read. */
static char *read_file_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (f == NULL)
		FAIL("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	if (data == NULL || fread(data, 1, (size_t)n, f) != (size_t)n)
		FAIL("cannot read %s", path);
	fclose(f);
	*len = (size_t)n;
	return data;
}

struct scratch {
	char dir[64];
	char files[SCRATCH_FILES_MAX][128];
	size_t count;
};

static void scratch_init(struct scratch *s)
{
	snprintf(s->dir, sizeof s->dir, "/tmp/tandem-einv-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		FAIL("mkdtemp(%s) failed", s->dir);
	s->count = 0;
}

/* The path of a new file called name in the scratch directory, to be
 * removed by scratch_remove. */
static const char *scratch_path(struct scratch *s, const char *name)
{
	char path[sizeof s->files[0]];

	if (s->count == SCRATCH_FILES_MAX)
		FAIL("too many scratch files");
	snprintf(path, sizeof path, "%s/%s", s->dir, name);
	memcpy(s->files[s->count], path, sizeof path);
	return s->files[s->count++];
}

static const char *scratch_write(struct scratch *s, const char *name,
				 const void *data, size_t len)
{
	const char *path = scratch_path(s, name);
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		FAIL("cannot create %s", path);
	if (len > 0 && fwrite(data, 1, len, f) != len)
		FAIL("cannot write %s", path);
	if (fclose(f) != 0)
		FAIL("cannot close %s", path);
	return path;
}

static void scratch_remove(struct scratch *s)
{
	for (size_t i = 0; i < s->count; i++)
		unlink(s->files[i]);
	rmdir(s->dir);
}

/* Runs tandem with argv; fails unless it exits with want. */
#define RUN(want, ...) run_cli(__FILE__, __LINE__, (want), __VA_ARGS__, (const char *)NULL)

static char *cli_out, *cli_err;

static void run_cli(const char *file, int line, int want, ...)
	__attribute__((sentinel));

static void run_cli(const char *file, int line, int want, ...)
{
	const char *argv[16];
	size_t n = 0;
	va_list ap;
	int status;

	va_start(ap, want);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	free(cli_out);
	free(cli_err);
	status = test_run_cli(argv, NULL, &cli_out, &cli_err);
	if (status != want)
		test__fail(file, line,
			   "tandem %s %s ...: exit %d, expected %d\nstdout: %.2000s\nstderr: %.2000s",
			   argv[0], n > 1 ? argv[1] : "", status, want, cli_out, cli_err);
}

/*
 * Asserts that text is one JSON document for which the Python expression
 * cond over the parsed document d is true. Does nothing without python3.
 */
static bool assert_json(const char *text, const char *cond)
{
	struct scratch s;
	const char *doc, *script;
	char cmd[1024];
	FILE *f;
	int status;

	if (system("command -v python3 >/dev/null 2>&1") != 0)
		return false;
	scratch_init(&s);
	doc = scratch_write(&s, "doc.json", text, strlen(text));
	script = scratch_path(&s, "check.py");
	f = fopen(script, "w");
	if (f == NULL)
		FAIL("cannot create %s", script);
	fprintf(f,
		"import json, sys\n"
		"try:\n"
		"    d = json.loads(open(sys.argv[1], 'rb').read())\n"
		"except ValueError:\n"
		"    sys.exit(2)\n"
		"sys.exit(0 if (%s) else 1)\n",
		cond);
	fclose(f);
	snprintf(cmd, sizeof cmd, "python3 %s %s >/dev/null 2>&1", script, doc);
	status = system(cmd);
	scratch_remove(&s);
	if (status == -1 || !WIFEXITED(status))
		FAIL("could not run python3 (status %d)", status);
	if (WEXITSTATUS(status) == 2)
		FAIL("not a single JSON document: %.4000s", text);
	if (WEXITSTATUS(status) != 0)
		FAIL("JSON condition failed: %s\ndocument: %.4000s", cond, text);
	return true;
}

TEST(einv_cli_inspect)
{
	char good[PATH_MAX_LEN], blanko[PATH_MAX_LEN];
	size_t len;

	free(read_data_or_skip(FERD_EINFACH_PDF, &len));
	free(read_data_or_skip(BLANKO_PDF, &len));
	data_path(good, sizeof good, FERD_EINFACH_PDF);
	data_path(blanko, sizeof blanko, BLANKO_PDF);

	RUN(0, "invoice", "inspect", good);
	ASSERT_STR_CONTAINS(cli_out, "cii");
	ASSERT_STR_CONTAINS(cli_out, "EN 16931");
	ASSERT_STR_CONTAINS(cli_out, "factur-x.xml");
	ASSERT_STR_CONTAINS(cli_out, "1 ok, 0 not ok");

	RUN(1, "invoice", "inspect", blanko);
	ASSERT_STR_CONTAINS(cli_out, "TANDEM-PDF-NO-INVOICE");
	ASSERT_STR_CONTAINS(cli_out, "0 ok, 1 not ok");

	/* One bad file among good ones makes the exit status 1. */
	RUN(1, "invoice", "inspect", good, blanko, good);
	ASSERT_STR_CONTAINS(cli_out, "inspected 3: 2 ok, 1 not ok");
}

TEST(einv_cli_inspect_json)
{
	char good[PATH_MAX_LEN], blanko[PATH_MAX_LEN];
	size_t len;

	free(read_data_or_skip(FERD_EINFACH_PDF, &len));
	free(read_data_or_skip(BLANKO_PDF, &len));
	data_path(good, sizeof good, FERD_EINFACH_PDF);
	data_path(blanko, sizeof blanko, BLANKO_PDF);

	RUN(1, "invoice", "inspect", "--json", good, blanko);
	ASSERT_STR_CONTAINS(cli_out, "\"syntax\":\"cii\"");
	ASSERT_STR_CONTAINS(cli_out, "TANDEM-PDF-NO-INVOICE");
	if (!assert_json(cli_out,
			 "d['summary'] == {'files': 2, 'ok': 1, 'not_ok': 1}"
			 " and d['files'][0]['ok'] is True"
			 " and d['files'][0]['container'] == 'pdf'"
			 " and d['files'][0]['syntax'] == 'cii'"
			 " and d['files'][0]['profile'] == 'EN 16931'"
			 " and d['files'][0]['full_invoice'] is True"
			 " and d['files'][0]['xml_bytes'] == 13163"
			 " and d['files'][0]['pdf']['attachment'] == 'factur-x.xml'"
			 " and d['files'][0]['pdf']['in_af'] is True"
			 " and d['files'][0]['pdf']['xmp_conformance_level'] == 'EN 16931'"
			 " and d['files'][0]['findings'] == []"
			 " and d['files'][1]['ok'] is False"
			 " and d['files'][1]['findings'][0]['rule'] == 'TANDEM-PDF-NO-INVOICE'"
			 " and d['files'][1]['findings'][0]['severity'] == 'error'"))
		SKIP("python3 is not installed: JSON parsing not checked");
}

TEST(einv_cli_extract)
{
	struct scratch s;
	const char *out;
	char good[PATH_MAX_LEN];
	size_t xml_len, got_len;
	char *xml = read_data_or_skip(FERD_EINFACH_XML, &xml_len);
	char *got;

	free(read_data_or_skip(FERD_EINFACH_PDF, &got_len));
	data_path(good, sizeof good, FERD_EINFACH_PDF);
	scratch_init(&s);
	out = scratch_path(&s, "out.xml");
	RUN(0, "invoice", "extract", good, "-o", out);
	got = read_file(out, &got_len);
	scratch_remove(&s);
	ASSERT(got != NULL);
	ASSERT_EQ(got_len, xml_len);
	ASSERT_MEM_EQ(got, xml, xml_len);
	free(got);

	/* Without -o, to stdout. */
	RUN(0, "invoice", "extract", good);
	ASSERT_EQ(strlen(cli_out), xml_len);
	ASSERT_MEM_EQ(cli_out, xml, xml_len);
	free(xml);
}

TEST(einv_cli_extract_refused)
{
	struct scratch s;
	struct tandem_buf b;
	const char *xml_path, *out;
	char blanko[PATH_MAX_LEN];
	struct stat st;

	scratch_init(&s);
	buf_start(&b);
	ubl_invoice(&b, "urn:cen.eu:en16931:2017");
	xml_path = scratch_write(&s, "invoice.xml", b.data, b.len);
	out = scratch_path(&s, "out.xml");
	tandem_buf_release(&b);

	/* An XML file has nothing to extract. */
	RUN(1, "invoice", "extract", xml_path, "-o", out);
	ASSERT_STR_CONTAINS(cli_err, "not a PDF");
	ASSERT(stat(out, &st) != 0);

	/* A PDF without an invoice. */
	data_path(blanko, sizeof blanko, BLANKO_PDF);
	if (stat(blanko, &st) == 0) {
		RUN(1, "invoice", "extract", blanko, "-o", out);
		ASSERT_STR_CONTAINS(cli_err, "TANDEM-PDF-NO-INVOICE");
	}
	scratch_remove(&s);
}

TEST(einv_cli_stdin)
{
	struct tandem_buf b;
	char *out, *err;
	const char *argv[] = {"invoice", "inspect", "-", NULL};
	int status;

	buf_start(&b);
	ubl_invoice(&b, "urn:cen.eu:en16931:2017");
	status = test_run_cli(argv, b.data, &out, &err);
	tandem_buf_release(&b);
	if (status != 0)
		FAIL("exit %d: %s %s", status, out, err);
	ASSERT_STR_CONTAINS(out, "ubl-invoice");
	ASSERT_STR_CONTAINS(out, "EN 16931");
	free(out);
	free(err);
}

TEST(einv_cli_extract_unwritable)
{
	char good[PATH_MAX_LEN];
	size_t len;

	free(read_data_or_skip(FERD_EINFACH_PDF, &len));
	data_path(good, sizeof good, FERD_EINFACH_PDF);
	RUN(3, "invoice", "extract", good, "-o", "/nonexistent/tandem/out.xml");
	ASSERT_STR_CONTAINS(cli_err, "/nonexistent/tandem/out.xml");
	RUN(3, "invoice", "extract", good, "-o", "/dev/full");
	/* A device is written in place, never renamed over: it stays one. */
	{
		struct stat st;
		ASSERT_EQ(stat("/dev/full", &st), 0);
		ASSERT(S_ISCHR(st.st_mode));
	}
}

TEST(einv_cli_extract_malformed_xml)
{
	/*
	 * The embedded XML is written as it is, but an error finding about
	 * it makes the exit status 1 (README: 1 = invalid input or findings).
	 */
	static const char bad[] = "<not-closed>";
	struct scratch s;
	struct pdf_spec spec;
	const char *pdf_path, *out_path;
	unsigned char *z;
	size_t z_len, pdf_len;
	char *pdf, *written;
	size_t written_len;

	scratch_init(&s);
	z = zlib_bytes(bad, sizeof bad - 1, &z_len);
	spec = pdf_spec_flate(z, z_len);
	pdf = build_pdf(&spec, &pdf_len);
	pdf_path = scratch_write(&s, "bad.pdf", pdf, pdf_len);
	out_path = scratch_path(&s, "out.xml");
	RUN(1, "invoice", "extract", pdf_path, "-o", out_path);
	ASSERT_STR_CONTAINS(cli_err, "TANDEM-XML-MALFORMED");
	written = read_file_all(out_path, &written_len);
	ASSERT_EQ(written_len, sizeof bad - 1);
	ASSERT_MEM_EQ(written, bad, written_len);
	free(written);
	tandem_free(pdf);
	tandem_free(z);
	scratch_remove(&s);
}

TEST(einv_xmp_filter_is_a_warning)
{
	/* An XMP packet in a filter tandem does not decode: the invoice is
	 * fine, so a TANDEM-FX-XMP warning, not an error, and no second
	 * "no XMP metadata" warning. */
	struct sample smp;
	struct pdf_spec spec;
	struct opened o;
	char *pdf;
	size_t pdf_len;

	sample_load(&smp);
	spec = pdf_spec_flate(smp.z, smp.z_len);
	spec.xmp = "3C3F787061636B65743F3E";
	spec.xmp_filter = "/ASCIIHexDecode";
	pdf = build_pdf(&spec, &pdf_len);
	open_bytes(&o, pdf, pdf_len);
	EXPECT_RC(&o, 0);
	EXPECT_NO_FINDING(&o, "TANDEM-PDF-FILTER");
	ASSERT_EQ(EXPECT_FINDING(&o, "TANDEM-FX-XMP", TANDEM_SEV_WARNING)->severity,
		  TANDEM_SEV_WARNING);
	ASSERT(o.src->pdf.has_xmp);
	ASSERT(!o.src->pdf.xmp_readable);
	ASSERT_EQ(tandem_diag_count(&o.d, TANDEM_SEV_WARNING), 1);
	opened_release(&o);
	tandem_free(pdf);
	sample_free(&smp);
}

TEST(einv_pdf_predictor_in_parms_array)
{
	/* /DecodeParms [<< /Predictor 12 >>] is the one-filter array form. */
	struct sample smp;
	struct pdf_spec spec;
	struct opened o;
	char *pdf;
	size_t pdf_len;

	sample_load(&smp);
	spec = pdf_spec_flate(smp.z, smp.z_len);
	spec.filter = "[/FlateDecode]";
	spec.parms = "[<< /Predictor 12 /Columns 4 >>]";
	pdf = build_pdf(&spec, &pdf_len);
	open_bytes(&o, pdf, pdf_len);
	EXPECT_RC(&o, TANDEM_EBADINPUT);
	EXPECT_FINDING(&o, "TANDEM-PDF-FILTER", TANDEM_SEV_ERROR);
	EXPECT_NO_FINDING(&o, "TANDEM-XML-MALFORMED");
	opened_release(&o);
	tandem_free(pdf);
	sample_free(&smp);
}


TEST(einv_cli_io_errors)
{
	struct scratch s;

	scratch_init(&s);
	/* A file that does not exist, and a directory. */
	RUN(3, "invoice", "inspect", "/nonexistent/tandem/invoice.xml");
	ASSERT_STR_CONTAINS(cli_err, "/nonexistent/tandem/invoice.xml");
	RUN(3, "invoice", "inspect", s.dir);
	ASSERT_STR_CONTAINS(cli_err, "directory");
	RUN(3, "invoice", "extract", "/nonexistent/tandem/invoice.pdf");
	RUN(3, "invoice", "extract", s.dir);
	scratch_remove(&s);
}

TEST(einv_cli_usage)
{
	RUN(2, "invoice");
	ASSERT_STR_CONTAINS(cli_err, "usage");
	RUN(2, "invoice", "frob");
	ASSERT_STR_CONTAINS(cli_err, "frob");
	RUN(2, "invoice", "extract", "a", "b");
	RUN(2, "invoice", "inspect");
	RUN(2, "invoice", "extract");
	RUN(2, "invoice", "inspect", "--frob", "a");
	RUN(2, "invoice", "inspect", "-o", "x", "a");
	RUN(2, "invoice", "extract", "--json", "a");
	RUN(2, "invoice", "extract", "a", "-o");
	RUN(0, "invoice", "--help");
	ASSERT_STR_CONTAINS(cli_out, "inspect");
	ASSERT_STR_CONTAINS(cli_out, "extract");
}

TEST(einv_cli_too_large)
{
	struct scratch s;
	const char *path;
	FILE *f;
	off_t size = 100 * 1000 * 1000;

	/* 100 MB: a sparse file ending in "<Invoice/>". */
	scratch_init(&s);
	path = scratch_path(&s, "huge.xml");
	f = fopen(path, "wb");
	if (f == NULL)
		FAIL("cannot create %s", path);
	if (ftruncate(fileno(f), size - 10) != 0 || fseeko(f, size - 10, SEEK_SET) != 0 ||
	    fwrite("<Invoice/>", 1, 10, f) != 10 || fclose(f) != 0)
		FAIL("cannot write %s", path);
	run_cli(__FILE__, __LINE__, 1, "invoice", "inspect", path, (char *)NULL);
	scratch_remove(&s);
	/* The message names the limit, in bytes. */
	if (strstr(cli_out, "67108864") == NULL && strstr(cli_err, "67108864") == NULL)
		FAIL("no limit named: stdout %s stderr %s", cli_out, cli_err);
	ASSERT_STR_CONTAINS(cli_out, "limit");
}

/* ------------------------------------------------------------------------ */
/* Attributes per start tag: bounded before libxml2 spends quadratic time. */

/* A UBL Invoice start tag with xmlns plus n more attributes whose quoted
 * values hold '=' signs (which must not count). Caller frees. */
static char *many_attributes(size_t n)
{
	size_t cap = 128 + n * 24, len;
	char *s = malloc(cap);

	ASSERT(s != NULL);
	len = (size_t)snprintf(s, cap, "<Invoice xmlns=\"%s\"",
			       "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, " a%zu='x=y'", i);
	snprintf(s + len, cap - len, "/>");
	return s;
}

TEST(einv_xml_attributes_limit)
{
	struct opened o;
	char *s;

	/* xmlns counts: xmlns + 255 = exactly the limit, accepted. */
	s = many_attributes(TANDEM_EINV_XML_ATTRIBUTES_MAX - 1);
	open_str(&o, s);
	EXPECT_NO_FINDING(&o, "TANDEM-XML-ATTRIBUTES");
	EXPECT_RC(&o, 0);
	opened_release(&o);
	free(s);

	s = many_attributes(TANDEM_EINV_XML_ATTRIBUTES_MAX);
	open_str(&o, s);
	EXPECT_RC(&o, TANDEM_ELIMIT);
	ASSERT_EQ(EXPECT_FINDING(&o, "TANDEM-XML-ATTRIBUTES", TANDEM_SEV_ERROR)->line, 1);
	opened_release(&o);
	free(s);
}

TEST(einv_xml_attributes_no_quadratic_time)
{
	/* 200,000 attributes cost libxml2 2.9 over a minute; refused at once. */
	double t0 = now_s();
	char *s = many_attributes(200000);
	struct opened o;

	open_str(&o, s);
	EXPECT_RC(&o, TANDEM_ELIMIT);
	EXPECT_FINDING(&o, "TANDEM-XML-ATTRIBUTES", TANDEM_SEV_ERROR);
	ASSERT_LT(now_s() - t0, 2.0);
	opened_release(&o);
	free(s);
}

/*
 * Appends "> <t a=b a=b ... >": a stray '>' first, so that a scanner that
 * ended the section at the first '>' would then meet the fake tag.
 */
static void fake_tag(struct tandem_buf *b, int n)
{
	tandem_buf_puts(b, " > <t");
	for (int i = 0; i < n; i++)
		tandem_buf_puts(b, " a=b");
	tandem_buf_puts(b, "> ");
}

TEST(einv_xml_attributes_prescan_skips_markup)
{
	/*
	 * Inside comments, processing instructions and CDATA sections, text
	 * that looks like a tag with 300 attributes (and holds '>' signs, so
	 * only the real end marker ends the section) is not a tag. Text '='
	 * signs do not count either. The document opens.
	 */
	struct tandem_buf b;
	struct opened o;

	tandem_buf_init(&b, 1u << 20);
	tandem_buf_puts(&b, "<?xml version=\"1.0\"?><!-- ");
	fake_tag(&b, 300);
	tandem_buf_puts(&b, "--><Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"><?pi ");
	fake_tag(&b, 300);
	tandem_buf_puts(&b, "?><x><![CDATA[");
	fake_tag(&b, 300);
	tandem_buf_puts(&b, "]]>");
	for (int i = 0; i < 300; i++)
		tandem_buf_puts(&b, "a=b ");
	tandem_buf_puts(&b, "</x></Invoice>");
	open_bytes(&o, b.data, b.len);
	EXPECT_NO_FINDING(&o, "TANDEM-XML-ATTRIBUTES");
	EXPECT_RC(&o, 0);
	opened_release(&o);
	tandem_buf_release(&b);
}

TEST(einv_xml_attributes_after_end_tag)
{
	/* The pre-scan passes over end tags without looking for their '>':
	 * a start tag right after one, with '>' in a quoted value, is still
	 * counted to its real end. */
	struct tandem_buf b;
	struct opened o;

	tandem_buf_init(&b, 1u << 20);
	tandem_buf_puts(&b, "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">"
			    "<x></x><t q='>'");
	for (int i = 0; i < TANDEM_EINV_XML_ATTRIBUTES_MAX; i++)
		tandem_buf_printf(&b, " a%d=\"b\"", i);
	tandem_buf_puts(&b, "/></Invoice>");
	open_bytes(&o, b.data, b.len);
	EXPECT_RC(&o, TANDEM_ELIMIT);
	EXPECT_FINDING(&o, "TANDEM-XML-ATTRIBUTES", TANDEM_SEV_ERROR);
	opened_release(&o);
	tandem_buf_release(&b);
}

TEST(einv_pdf_no_stderr_on_wrong_types)
{
	/* A filespec with /EF null: qpdf used to print "application did not
	 * handle error" at cleanup. The tool must print nothing on stderr. */
	static const char pdf[] =
		"%PDF-1.7\n1 0 obj<</AF[2 0 R]>>endobj\n"
		"2 0 obj<</F(factur-x.xml)/EF null>>endobj\n"
		"trailer<</Root 1 0 R>>\n";
	char dir[] = "/tmp/tandem-einv-XXXXXX", path[256];
	const char *argv[] = {"invoice", "inspect", path, NULL};
	char *out, *err;
	FILE *f;

	ASSERT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/ef-null.pdf", dir);
	f = fopen(path, "wb");
	ASSERT(f != NULL);
	ASSERT_EQ(fwrite(pdf, 1, sizeof pdf - 1, f), sizeof pdf - 1);
	fclose(f);
	ASSERT_EQ(test_run_cli(argv, NULL, &out, &err), 1);
	unlink(path);
	rmdir(dir);
	ASSERT_STR_CONTAINS(out, "TANDEM-PDF-NO-INVOICE");
	ASSERT_STR_EQ(err, "");
	free(out);
	free(err);
}
