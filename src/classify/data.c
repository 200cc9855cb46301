/*
 * src/classify/data.c - training data from files: a TSV of labelled texts
 * (procurement/train.tsv: a header naming the columns, then one example per
 * line) and the CPV vocabulary (cpv2008_en_fr_de.csv, RFC 4180 quoting).
 *
 * The whole file is read into one buffer the caller owns, and the examples
 * point into it. Limits: files of 256 MiB, TANDEM_CLS_EXAMPLES_MAX lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify_int.h"
#include "tandem/alloc.h"
#include "tandem/decimal.h"

#define DATA_BYTES_MAX (256u << 20)

static int slurp(const char *path, struct tandem_diag *d, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n = -1;
	char *b = NULL;

	*out = NULL;
	if (f == NULL)
		return cls_refuse(d, TANDEM_EIO, "TANDEM-CLASSIFY-DATA", "cannot open %s: %s", path,
				  strerror(errno));
	if (fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return cls_refuse(d, TANDEM_EIO, "TANDEM-CLASSIFY-DATA", "cannot read %s", path);
	}
	if ((unsigned long)n > DATA_BYTES_MAX) {
		fclose(f);
		return cls_refuse(d, TANDEM_ELIMIT, "TANDEM-CLASSIFY-DATA",
				  "%s has %ld bytes; the limit is %u", path, n, DATA_BYTES_MAX);
	}
	b = tandem_malloc((size_t)n + 1);
	if (b == NULL) {
		fclose(f);
		return TANDEM_ENOMEM;
	}
	if (fread(b, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		tandem_free(b);
		return cls_refuse(d, TANDEM_EIO, "TANDEM-CLASSIFY-DATA", "cannot read %s", path);
	}
	fclose(f);
	b[n] = '\0';
	*out = b;
	*len = (size_t)n;
	return 0;
}

/* The examples and their buffer to the caller, or freed on a failure. */
static int hand_over(int rc, struct tandem_cls_example *ex, size_t k, char *b,
		     struct tandem_cls_example **out, size_t *n, char **buf)
{
	if (rc != 0) {
		tandem_free(ex);
		tandem_free(b);
		return rc;
	}
	*out = ex, *n = k, *buf = b;
	return 0;
}

/* Whether code starts with 3 digits (a CPV group at least). */
static bool cpv_ok(const char *code)
{
	return code[0] >= '0' && code[0] <= '9' && code[1] >= '0' && code[1] <= '9' &&
	       code[2] >= '0' && code[2] <= '9';
}

static enum tandem_cls_lang lang_of(const char *s)
{
	if (strcmp(s, "fr") == 0)
		return TANDEM_CLS_FR;
	if (strcmp(s, "de") == 0)
		return TANDEM_CLS_DE;
	if (strcmp(s, "en") == 0)
		return TANDEM_CLS_EN;
	return TANDEM_CLS_LANG_UNKNOWN;
}

/* Euros ("80000", "1234.5") to cents by the core decimal, rounded half up;
 * 0 when it is not a number, negative or too large. */
static int64_t cents_of(const char *s)
{
	struct tandem_dec d;
	int64_t cents = 0;
	if (tandem_dec_parse_cstr(s, &d) != 0 ||
	    tandem_dec_to_minor(d, 2, TANDEM_ROUND_HALF_UP, &cents) != 0 || cents < 0)
		return 0;
	return cents;
}

/* Splits line at tabs into at most max fields; returns their number. */
static size_t split_tabs(char *line, char **field, size_t max)
{
	size_t n = 0;
	while (n < max) {
		field[n++] = line;
		char *t = strchr(line, '\t');
		if (t == NULL)
			break;
		*t = '\0';
		line = t + 1;
	}
	return n;
}

static int column(char **names, size_t n, const char *want)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], want) == 0)
			return (int)i;
	return -1;
}

int tandem_cls_read_tsv(const char *path, struct tandem_diag *d,
			struct tandem_cls_example **out, size_t *n, char **buf)
{
	char *b, *field[32], *p, *end;
	size_t len = 0, lines = 0, k = 0;
	int rc = slurp(path, d, &b, &len);

	*out = NULL, *n = 0, *buf = NULL;
	if (rc != 0 || b == NULL)
		return rc != 0 ? rc : TANDEM_EINTERNAL;
	for (size_t i = 0; i < len; i++)
		lines += b[i] == '\n';
	if (lines > TANDEM_CLS_EXAMPLES_MAX) {
		tandem_free(b);
		return cls_refuse(d, TANDEM_ELIMIT, "TANDEM-CLASSIFY-DATA",
				  "%s has %zu lines; the limit is %d", path, lines,
				  TANDEM_CLS_EXAMPLES_MAX);
	}
	struct tandem_cls_example *ex = tandem_calloc(lines + 1, sizeof *ex);
	if (ex == NULL) {
		tandem_free(b);
		return TANDEM_ENOMEM;
	}
	end = strchr(b, '\n');
	if (end != NULL)
		*end = '\0';
	if (end != NULL && end > b && end[-1] == '\r')
		end[-1] = '\0';
	size_t ncol = split_tabs(b, field, 32);
	int c_text = column(field, ncol, "text"), c_cpv = column(field, ncol, "cpv");
	int c_lang = column(field, ncol, "lang"), c_amount = column(field, ncol, "amount");
	if (end == NULL || c_text < 0 || c_cpv < 0) {
		rc = cls_refuse(d, TANDEM_EBADINPUT, "TANDEM-CLASSIFY-DATA",
				"%s: the first line must name the columns, with at least text and cpv",
				path);
		goto out;
	}
	p = end + 1;
	for (size_t line = 2; *p; line++) {
		end = strchr(p, '\n');
		char *next = end != NULL ? end + 1 : p + strlen(p);
		if (end != NULL)
			*end = '\0';
		if (end != NULL && end > p && end[-1] == '\r')
			end[-1] = '\0';
		if (*p == '\0') {
			p = next;
			continue;
		}
		size_t nf = split_tabs(p, field, 32);
		if (nf != ncol) {
			rc = cls_refuse(d, TANDEM_EBADINPUT, "TANDEM-CLASSIFY-DATA",
					"%s line %zu: %zu columns, the header has %zu", path, line,
					nf, ncol);
			goto out;
		}
		if (!cpv_ok(field[c_cpv])) {
			rc = cls_refuse(d, TANDEM_EBADINPUT, "TANDEM-CLASSIFY-LABEL",
					"%s line %zu: \"%.20s\" is not a CPV code", path, line,
					field[c_cpv]);
			goto out;
		}
		ex[k] = (struct tandem_cls_example){
			.text = field[c_text], .len = strlen(field[c_text]), .code = field[c_cpv],
			.lang = c_lang >= 0 ? lang_of(field[c_lang]) : TANDEM_CLS_LANG_UNKNOWN,
			.amount_cents = c_amount >= 0 ? cents_of(field[c_amount]) : 0,
			.weight_pct = 100,
		};
		k++;
		p = next;
	}
out:
	return hand_over(rc, ex, k, b, out, n, buf);
}

/*
 * One CSV field at *p (quoted or not) into place, NUL-terminated; *p moves
 * past its separator. Returns the separator met: ',', '\n' or '\0'.
 */
static char csv_field(char **p, char **field)
{
	char *s = *p, *o;
	if (*s == '"') {
		o = ++s;
		*field = s;
		for (;;) {
			if (*s == '\0')
				break;
			if (*s == '"' && s[1] == '"') {
				*o++ = '"';
				s += 2;
			} else if (*s == '"') {
				s++;
				break;
			} else {
				*o++ = *s++;
			}
		}
		char sep = *s;
		*o = '\0';
		if (sep == '\r')
			sep = *++s;
		*p = sep != '\0' ? s + 1 : s;
		return sep;
	}
	*field = s;
	while (*s != '\0' && *s != ',' && *s != '\n')
		s++;
	char sep = *s;
	if (s > *field && s[-1] == '\r')
		s[-1] = '\0';
	*s = '\0';
	*p = sep != '\0' ? s + 1 : s;
	return sep;
}

int tandem_cls_cpv_labels(const char *path, struct tandem_diag *d,
			  struct tandem_cls_example **out, size_t *n, char **buf)
{
	char *b, *p, *field[6];
	size_t len = 0, lines = 0, k = 0;
	int rc = slurp(path, d, &b, &len);
	static const enum tandem_cls_lang col_lang[3] = {TANDEM_CLS_EN, TANDEM_CLS_FR,
							 TANDEM_CLS_DE};

	*out = NULL, *n = 0, *buf = NULL;
	if (rc != 0 || b == NULL)
		return rc != 0 ? rc : TANDEM_EINTERNAL;
	for (size_t i = 0; i < len; i++)
		lines += b[i] == '\n';
	struct tandem_cls_example *ex = tandem_calloc(3 * lines + 3, sizeof *ex);
	if (ex == NULL) {
		tandem_free(b);
		return TANDEM_ENOMEM;
	}
	p = strchr(b, '\n');
	if (p == NULL || strncmp(b, "code,significant_digits,parent,en,fr,de", 39) != 0) {
		rc = cls_refuse(d, TANDEM_EBADINPUT, "TANDEM-CLASSIFY-DATA",
				"%s: not the CPV vocabulary (header code,significant_digits,parent,en,fr,de)",
				path);
		goto out;
	}
	p++;
	for (size_t line = 2; *p; line++) {
		size_t nf = 0;
		char sep = ',';
		while (nf < 6 && sep == ',')
			sep = csv_field(&p, &field[nf++]);
		if (nf == 1 && field[0][0] == '\0')
			continue; /* an empty line */
		if (nf != 6 || sep == ',' || !cpv_ok(field[0])) {
			rc = cls_refuse(d, TANDEM_EBADINPUT, "TANDEM-CLASSIFY-DATA",
					"%s line %zu: not a CPV entry of 6 fields", path, line);
			goto out;
		}
		for (size_t l = 0; l < 3; l++) {
			if (field[3 + l][0] == '\0')
				continue;
			ex[k++] = (struct tandem_cls_example){
				.text = field[3 + l], .len = strlen(field[3 + l]), .code = field[0],
				.lang = col_lang[l], .weight_pct = 100,
			};
		}
	}
out:
	return hand_over(rc, ex, k, b, out, n, buf);
}
