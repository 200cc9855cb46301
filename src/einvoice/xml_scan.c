/*
 * src/einvoice/xml_scan.c - what is read of an XML text before libxml2
 * reads it: its encoding, its start tags' attributes, and its long runs of
 * plain text.
 *
 * Attributes: libxml2 2.9 appends attributes to a list by walking it and
 * checks duplicates pairwise, so 100,000 attributes on one element cost it
 * minutes. The scan counts them; markup is rare in an invoice.
 *
 * Runs: most of the bytes an administration receives are attachments'
 * base64 text (81 % of the UBL bench files, 68 % of the CII ones), which
 * libxml2 reads a byte at a time and copies twice. A text between two
 * element tags, inside the root element, made only of ASCII characters
 * from space to '~' other than '&' and ']', and of line feeds and carriage
 * returns, can only mean one thing to libxml2: one text node
 * holding it with its line ends normalised (XML 1.0 section 2.11), and as
 * many lines more as it has line feeds. The scan finds such texts of at
 * least EINV_XML_RUN_MIN bytes, 16 bytes at a time; einv_xml_parse() hands
 * them to libxml2 in place of short stand-ins (xml.c).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/core.h"
#include "core/cpu.h"
#include "einvoice_int.h"

/* Skips from p past the first occurrence of end, or to the end of input. */
static const char *skip_past(const char *p, const char *stop, const char *end)
{
	size_t n = strlen(end);

	while (p < stop) {
		const char *q = memchr(p, end[0], (size_t)(stop - p));
		if (q == NULL || (size_t)(stop - q) < n)
			return stop;
		if (memcmp(q, end, n) == 0)
			return q + n;
		p = q + 1;
	}
	return stop;
}

static long line_of(const char *xml, const char *at)
{
	long line = 1;

	for (const char *p = xml; p < at && (p = memchr(p, '\n', (size_t)(at - p))); p++)
		line++;
	return line;
}

/* The bytes that end a run of plain tag bytes: quotes, '=' and '>'. */
static const bool tag_special[256] = {['"'] = true, ['\''] = true, ['='] = true, ['>'] = true};

/*
 * The bytes a run may not hold: controls other than line feed and carriage
 * return, '&' (a reference), ']' (a "]]>" is an error), and
 * everything from DEL up (UTF-8, which libxml2 checks). '<' ends a run.
 */
static bool run_byte_bad(unsigned char c)
{
	return (c < 0x20 && c != '\n' && c != '\r') || c == '&' || c == ']' || c >= 0x7f;
}

/* The bits set in m, few (line ends): without the POPCNT instruction,
 * which the baseline x86-64 lacks. */
static size_t bits(unsigned m)
{
	size_t n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

#if defined(__SSE2__)
/* The masks of 16 bytes at p: bytes that end a run, line feeds and carriage
 * returns. */
static inline void block16(const char *p, unsigned *end, unsigned *lf, unsigned *cr)
{
	const __m128i c = _mm_loadu_si128((const __m128i *)(const void *)p);
	const __m128i nl = _mm_cmpeq_epi8(c, _mm_set1_epi8('\n'));
	const __m128i ret = _mm_cmpeq_epi8(c, _mm_set1_epi8('\r'));
	/* ' ' to '~' are the signed bytes below -33 once 0x60 is added. */
	const __m128i printable = _mm_cmplt_epi8(_mm_add_epi8(c, _mm_set1_epi8(0x60)),
						 _mm_set1_epi8(-33));
	const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('<')),
					     _mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('&')),
							  _mm_cmpeq_epi8(c, _mm_set1_epi8(']'))));
	const __m128i ok = _mm_or_si128(printable, _mm_or_si128(nl, ret));

	*end = ((unsigned)_mm_movemask_epi8(ok) ^ 0xffffu) | (unsigned)_mm_movemask_epi8(special);
	*lf = (unsigned)_mm_movemask_epi8(nl);
	*cr = (unsigned)_mm_movemask_epi8(ret);
}
#endif

/*
 * From p, the first '<' or byte a run may not hold, or stop; the line
 * feeds and carriage returns before it are added to *lf and *cr. Tabs end
 * a run too: base64 has none, and the vector test is shorter without.
 * With the instructions every x86-64 has (SSE2), else a byte at a time.
 */
static const char *run_end_baseline(const char *p, const char *stop, size_t *lf, size_t *cr)
{
#if defined(__SSE2__)
	while (stop - p >= 32) {
		unsigned e0, l0, c0, e1, l1, c1;
		block16(p, &e0, &l0, &c0);
		block16(p + 16, &e1, &l1, &c1);
		unsigned end = e0 | e1 << 16, nl = l0 | l1 << 16, ret = c0 | c1 << 16;
		if (end) {
			unsigned before = (1u << __builtin_ctz(end)) - 1;
			*lf += bits(nl & before);
			*cr += bits(ret & before);
			return p + __builtin_ctz(end);
		}
		*lf += bits(nl);
		*cr += bits(ret);
		p += 32;
	}
#endif
	for (; p < stop; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '<' || run_byte_bad(c))
			return p;
		*lf += c == '\n';
		*cr += c == '\r';
	}
	return stop;
}

#if defined(HAVE_AVX2_PATH)
/* run_end() 32 bytes at a time, on processors with AVX2. */
__attribute__((target("avx2,popcnt"))) static const char *
run_end_avx2(const char *p, const char *stop, size_t *lf, size_t *cr)
{
	const __m256i k_nl = _mm256_set1_epi8('\n'), k_cr = _mm256_set1_epi8('\r'),
		      k_60 = _mm256_set1_epi8(0x60), k_m33 = _mm256_set1_epi8(-33),
		      k_lt = _mm256_set1_epi8('<'), k_amp = _mm256_set1_epi8('&'),
		      k_br = _mm256_set1_epi8(']');

	while (stop - p >= 32) {
		const __m256i c = _mm256_loadu_si256((const __m256i *)(const void *)p);
		const __m256i nl = _mm256_cmpeq_epi8(c, k_nl), ret = _mm256_cmpeq_epi8(c, k_cr);
		const __m256i printable = _mm256_cmpgt_epi8(k_m33, _mm256_add_epi8(c, k_60));
		const __m256i special = _mm256_or_si256(
			_mm256_cmpeq_epi8(c, k_lt),
			_mm256_or_si256(_mm256_cmpeq_epi8(c, k_amp), _mm256_cmpeq_epi8(c, k_br)));
		const __m256i ok = _mm256_or_si256(printable, _mm256_or_si256(nl, ret));
		unsigned end = ~(unsigned)_mm256_movemask_epi8(ok) |
			       (unsigned)_mm256_movemask_epi8(special);
		unsigned nl_mask = (unsigned)_mm256_movemask_epi8(nl);
		unsigned cr_mask = (unsigned)_mm256_movemask_epi8(ret);
		if (end) {
			unsigned before = (1u << __builtin_ctz(end)) - 1;
			*lf += (size_t)_mm_popcnt_u32(nl_mask & before);
			*cr += (size_t)_mm_popcnt_u32(cr_mask & before);
			return p + __builtin_ctz(end);
		}
		*lf += (size_t)_mm_popcnt_u32(nl_mask);
		*cr += (size_t)_mm_popcnt_u32(cr_mask);
		p += 32;
	}
	return run_end_baseline(p, stop, lf, cr);
}
#endif

static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;
static bool use_avx2;

static void cpu_init(void)
{
#if defined(HAVE_AVX2_PATH)
	use_avx2 = tandem_cpu_has(TANDEM_CPU_AVX2 | TANDEM_CPU_POPCNT);
#endif
}

static const char *run_end(const char *p, const char *stop, size_t *lf, size_t *cr)
{
#if defined(HAVE_AVX2_PATH)
	if (use_avx2)
		return run_end_avx2(p, stop, lf, cr);
#endif
	return run_end_baseline(p, stop, lf, cr);
}

static int add_run(struct einv_xml_scan *s, size_t at, size_t len, size_t lf, size_t cr)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		if (cap > EINV_XML_RUNS_MAX)
			return 0; /* the rest stays with libxml2 */
		struct einv_xml_run *v = tandem_realloc(s->runs, cap * sizeof *v);
		if (!v)
			return TANDEM_ENOMEM;
		s->runs = v;
		s->cap = cap;
	}
	s->runs[s->n++] = (struct einv_xml_run){.at = at, .len = len, .lf = lf, .cr = cr != 0};
	return 0;
}

/*
 * The text from p (just after an element tag's '>') to the next '<': a run
 * when it is one (see above) and depth says it is inside the root element.
 * Returns the next '<', or NULL.
 */
static const char *text_after(struct einv_xml_scan *s, const char *xml, const char *p,
			      const char *stop, size_t depth, int *rc)
{
	size_t lf = 0, cr = 0;
	const char *q;

	if (depth == 0 || !s->find_runs)
		return memchr(p, '<', (size_t)(stop - p));
	q = run_end(p, stop, &lf, &cr);
	if (q < stop && *q == '<') {
		size_t len = (size_t)(q - p);
		if (len >= EINV_XML_RUN_MIN && len <= EINV_XML_RUN_MAX)
			*rc = add_run(s, (size_t)(p - xml), len, lf, cr);
		return q;
	}
	return q < stop ? memchr(q, '<', (size_t)(stop - q)) : NULL;
}

/*
 * The '>' of the start tag at tag, its name from p on; NULL when it has no
 * end (libxml2 reports it) or more attributes than allowed (then
 * s->attributes_line). Attributes are counted as '=' signs outside quoted
 * values; runs of other bytes are skipped through a table.
 */
static const char *tag_end(struct einv_xml_scan *s, const char *xml, const char *tag,
			   const char *p, const char *stop)
{
	size_t count = 0;

	for (;;) {
		while (p < stop && !tag_special[(unsigned char)*p])
			p++;
		if (p >= stop)
			return NULL;
		if (*p == '>')
			return p;
		if (*p == '=') {
			if (++count > TANDEM_EINV_XML_ATTRIBUTES_MAX) {
				s->attributes_line = line_of(xml, tag);
				return NULL;
			}
			p++;
			continue;
		}
		/* A quoted value: '>' and '=' in it count for nothing. */
		const char *q = memchr(p + 1, *p, (size_t)(stop - p - 1));
		if (q == NULL)
			return NULL;
		p = q + 1;
	}
}

int einv_xml_scan(const char *xml, size_t len, struct einv_xml_scan *s)
{
	const char *p, *stop;
	size_t depth = 0;
	int rc = 0;

	s->attributes_line = 0;
	s->n = 0;
	pthread_once(&cpu_once, cpu_init);
	if (len == 0)
		return 0; /* xml may be NULL: no pointer arithmetic on it */
	p = xml;
	stop = xml + len;
	p = memchr(p, '<', len);
	while (p != NULL && rc == 0) {
		const char *tag = p++;
		size_t left = (size_t)(stop - p);

		if (left >= 1 && *p == '/') { /* an end tag: nothing in it hides a '>' */
			const char *gt = memchr(p, '>', left);
			if (gt == NULL)
				break;
			depth -= depth > 0;
			p = text_after(s, xml, gt + 1, stop, depth, &rc);
			continue;
		}
		if (left >= 3 && memcmp(p, "!--", 3) == 0)
			p = skip_past(p + 3, stop, "-->");
		else if (left >= 8 && memcmp(p, "![CDATA[", 8) == 0)
			p = skip_past(p + 8, stop, "]]>");
		else if (left >= 1 && *p == '?') /* a PI ends at "?>", not at '>' */
			p = skip_past(p + 1, stop, "?>");
		else if (left >= 1 && *p == '!')
			p = skip_past(p, stop, ">");
		else { /* a start tag */
			const char *gt = tag_end(s, xml, tag, p, stop);
			if (gt == NULL)
				return rc;
			depth += gt[-1] != '/'; /* not an empty-element tag */
			p = text_after(s, xml, gt + 1, stop, depth, &rc);
			continue;
		}
		p = memchr(p, '<', (size_t)(stop - p));
	}
	return rc;
}

/*
 * libxml2 (2.9's xmlParseCharData) gives a text to the tree in pieces when
 * it has carriage returns, and the text node takes the line of the first
 * piece. That line, counted from the run's first: the fast path stops at
 * a '\r' with text before it (a piece) or reads "\r\n" as a line end
 * (the '\n' then begins the next piece); at a lone '\r', or at a '\r'
 * right after "\r\n", it goes back to the line of its start and reads
 * on from its last piece's start one character at a time, "\r\n" as
 * '\n' (counted) and '\r' as '\n' (not counted), in pieces of
 * XML_PARSER_BIG_BUFFER_SIZE (300) characters.
 */
size_t einv_xml_run_first_line(const char *t, size_t n)
{
	size_t line = 0, cur = 0, i = 0;

	for (;;) {
		while (i < n && t[i] != '\r')
			line += t[i++] == '\n';
		if (i == n || i > cur)
			return line;
		if (i + 1 < n && t[i + 1] == '\n') {
			cur = i + 1;
			i += 2;
			line++;
			if (i < n && t[i] == '\r')
				break;
			continue;
		}
		break;
	}
	line = 0;
	for (size_t j = cur, chars = 0; j < n;) {
		if (t[j] == '\r' && j + 1 < n && t[j + 1] == '\n')
			j++;
		line += t[j++] == '\n';
		if (++chars >= 300)
			break;
	}
	return line;
}

void einv_xml_scan_free(struct einv_xml_scan *s)
{
	tandem_free(s->runs);
	s->runs = NULL;
	s->n = s->cap = 0;
}

/*
 * The scan reads '<', '=', quotes as ASCII bytes: it only holds for
 * ASCII-compatible input. UTF-16/32, EBCDIC or a declared UTF-7 would hide
 * attributes from it, so anything but UTF-8 (or its ASCII subset) is
 * refused; EN 16931 invoices are UTF-8. Returns what was found, or NULL;
 * *utf8 tells whether the text is read as UTF-8 with no conversion (no
 * encoding declared, or UTF-8).
 */
const char *einv_xml_foreign_encoding(const char *xml, size_t len, char *name,
				      size_t name_size, bool *utf8)
{
	const unsigned char *u = (const unsigned char *)xml;
	const char *p, *end, *enc;
	char quote;
	size_t n;

	*utf8 = false;
	if (len >= 2 && ((u[0] == 0xfe && u[1] == 0xff) || (u[0] == 0xff && u[1] == 0xfe)))
		return "UTF-16 or UTF-32 (byte-order mark)";
	if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xfe && u[3] == 0xff)
		return "UTF-32 (byte-order mark)";
	if (len >= 2 && (u[0] == 0 || u[1] == 0))
		return "UTF-16 or UTF-32 (NUL bytes in the first characters)";
	if (len >= 4 && u[0] == 0x4c && u[1] == 0x6f && u[2] == 0xa7 && u[3] == 0x94)
		return "EBCDIC";
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		xml += 3; /* the UTF-8 byte-order mark */
		len -= 3;
	}
	*utf8 = true;
	if (len < 5 || memcmp(xml, "<?xml", 5) != 0)
		return NULL;
	end = skip_past(xml, xml + (len < 512 ? len : 512), "?>");
	for (p = xml + 5; p + 8 < end; p++)
		if (memcmp(p, "encoding", 8) == 0)
			break;
	if (p + 8 >= end)
		return NULL;
	*utf8 = false;
	for (p += 8; p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '='); p++)
		;
	if (p >= end || (*p != '"' && *p != '\''))
		return NULL; /* malformed: libxml2 reports it */
	quote = *p++;
	enc = p;
	while (p < end && *p != quote)
		p++;
	n = (size_t)(p - enc);
	*utf8 = (n == 5 && strncasecmp(enc, "UTF-8", 5) == 0) ||
		(n == 4 && strncasecmp(enc, "UTF8", 4) == 0);
	if (*utf8 || (n == 8 && strncasecmp(enc, "US-ASCII", 8) == 0) ||
	    (n == 5 && strncasecmp(enc, "ASCII", 5) == 0))
		return NULL;
	snprintf(name, name_size, "%.*s (declared)", (int)(n < 64 ? n : 64), enc);
	return name;
}
