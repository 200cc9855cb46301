/*
 * src/cli/cli.c - helpers shared by the subcommands (src/cli/cli.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "tandem/decimal.h"
#include "tandem/error.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/slice.h"

bool cli_json;

#define TEXT_SHOWN_MAX 4096 /* bytes of one message shown */

static void vreport(const char *cmd, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vreport(const char *cmd, const char *fmt, va_list ap)
{
	if (cmd)
		fprintf(stderr, "tandem %s: ", cmd);
	else
		fputs("tandem: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_error(int exit_code, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cmd, fmt, ap);
	va_end(ap);
	return exit_code;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cmd, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "see 'tandem %s --help'\n", cmd);
	else
		fprintf(stderr, "see 'tandem --help'\n");
	return CLI_EXIT_USAGE;
}

int cli_unknown_option(const char *cmd, char **argv)
{
	if (optopt)
		return cli_usage(cmd, "unknown option '-%c'", optopt);
	return cli_usage(cmd, "unknown option '%s'", argv[optind - 1]);
}

int cli_missing_value(const char *cmd, char **argv)
{
	if (optopt && !(optind > 0 && strncmp(argv[optind - 1], "--", 2) == 0))
		return cli_usage(cmd, "option '-%c' needs a value", optopt);
	return cli_usage(cmd, "option '%s' needs a value", argv[optind - 1]);
}

void cli_put_cents(struct tandem_buf *b, const char *key, int64_t cents, bool json)
{
	char t[TANDEM_DEC_STR_MAX] = "?";
	struct tandem_dec v;

	if (tandem_dec_from_int(cents, 2, &v) == 0)
		(void)tandem_dec_format(v, t);
	if (json)
		(void)tandem_buf_printf(b, ",\"%s\":\"%s\"", key, t);
	else
		(void)tandem_buf_printf(b, " %16s", t);
}

bool cli_parse_cents(const char *s, int64_t *out)
{
	struct tandem_dec v;

	return s != NULL && tandem_dec_parse_cstr(s, &v) == 0 &&
	       tandem_dec_significant_scale(v) <= 2 &&
	       tandem_dec_to_minor(v, 2, TANDEM_ROUND_HALF_EVEN, out) == 0;
}

bool cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (max - (unsigned long)(*s - '0')) / 10)
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v == 0)
		return false;
	*out = v;
	return true;
}

/* Length of a valid UTF-8 sequence at s that is not a C1 control
 * (U+0080..U+009F, which terminals also obey), else 0. */
static size_t printable_utf8(const char *s, size_t n)
{
	unsigned cp;
	size_t len = tandem_utf8_sequence(s, n, &cp);

	return len > 1 && cp >= 0xa0 ? len : 0;
}

void cli_print_value(FILE *f, const char *s, size_t len, size_t width_max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t shown = len > width_max ? width_max : len;

	/*
	 * Text from outside (values, document fields, messages quoting them)
	 * must not drive the terminal: control bytes, C1 controls and broken
	 * UTF-8 are shown as \xHH; readable UTF-8 passes.
	 */
	for (size_t i = 0; i < shown;) {
		size_t u = p[i] >= 0x80 ? printable_utf8(s + i, shown - i) : 0;

		if (u) {
			fwrite(p + i, 1, u, f);
			i += u;
			continue;
		}
		if (p[i] == '\\')
			fputs("\\\\", f);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			fprintf(f, "\\x%02X", p[i]);
		else
			fputc(p[i], f);
		i++;
	}
	if (shown < len)
		fprintf(f, "...(%zu bytes)", len);
}

int cli_read_line(FILE *f, struct tandem_buf *line, bool *truncated)
{
	int c;
	bool any = false;

	tandem_buf_reset(line);
	*truncated = false;
	while ((c = getc(f)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (line->len >= line->max || tandem_buf_putc(line, (char)c) != 0)
			*truncated = true;
	}
	if (ferror(f))
		return TANDEM_EIO;
	if (!any)
		return 0;
	if (line->len && line->data[line->len - 1] == '\r')
		line->data[--line->len] = '\0';
	return 1;
}

FILE *cli_open_input(const char *cmd, const char *path)
{
	struct stat st;
	FILE *f;

	if (strcmp(path, "-") == 0)
		return stdin;
	f = fopen(path, "rb");
	if (f == NULL) {
		cli_error(CLI_EXIT_IO, cmd, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0) {
		cli_error(CLI_EXIT_IO, cmd, "cannot read '%s': %s", path, strerror(errno));
		fclose(f);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		cli_error(CLI_EXIT_IO, cmd, "cannot read '%s': it is a directory", path);
		fclose(f);
		return NULL;
	}
	return f;
}

int cli_read_file(const char *cmd, const char *path, size_t max, char **data,
		  size_t *len)
{
	FILE *f = cli_open_input(cmd, path);
	struct stat st = {0};
	size_t got = 0, cap;
	char *buf;

	*data = NULL;
	*len = 0;
	if (f == NULL)
		return TANDEM_EIO;
	/* A regular file says its size: refuse before reading a byte. */
	if (fstat(fileno(f), &st) != 0)
		memset(&st, 0, sizeof st); /* unknown: read and count instead */
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
		*len = (size_t)st.st_size;
		if (f != stdin)
			fclose(f);
		return TANDEM_ELIMIT;
	}
	cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
	buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + got, 1, cap - got, f);
		got += n;
		if (n == 0 || got > max)
			break;
		if (got == cap) {
			char *bigger = realloc(buf, cap * 2 > max + 1 ? max + 1 : cap * 2);
			if (bigger == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			buf = bigger;
		}
	}
	if (buf == NULL || ferror(f)) {
		cli_error(CLI_EXIT_IO, cmd, "cannot read '%s': %s", path,
			  buf ? strerror(errno) : "out of memory");
		free(buf);
		if (f != stdin)
			fclose(f);
		return TANDEM_EIO;
	}
	if (f != stdin)
		fclose(f);
	if (got > max) {
		free(buf);
		*len = got;
		return TANDEM_ELIMIT;
	}
	*data = buf;
	*len = got;
	return 0;
}

void cli_print_findings(FILE *f, const struct tandem_diag *d)
{
	/* Messages quote the document (names, namespaces, libxml2's words):
	 * printed escaped, so a document cannot forge lines or drive the
	 * terminal. */
	for (size_t i = 0; i < d->count; i++) {
		const struct tandem_finding *x = &d->items[i];

		fprintf(f, "  %s ", tandem_severity_name(x->severity));
		cli_print_value(f, x->rule, strlen(x->rule), TEXT_SHOWN_MAX);
		if (x->line > 0)
			fprintf(f, " (line %ld)", x->line);
		fputs(": ", f);
		cli_print_value(f, x->message, strlen(x->message), TEXT_SHOWN_MAX);
		fputc('\n', f);
	}
	if (d->dropped)
		fprintf(f, "  %zu more findings not stored\n", d->dropped);
}

int cli_open_invoice(const char *path, struct tandem_arena *a,
		     struct tandem_diag *d, struct tandem_einv_source **src,
		     char **data)
{
	size_t len;
	int err = cli_read_file("invoice", path, TANDEM_EINV_PDF_BYTES_MAX, data, &len);

	*src = NULL;
	if (err == TANDEM_EIO)
		return err;
	if (err == TANDEM_ELIMIT) {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-FILE-SIZE",
				NULL, 0, "the file has %zu bytes or more; the limit is %u",
				len, TANDEM_EINV_PDF_BYTES_MAX);
		return TANDEM_EBADINPUT;
	}
	return tandem_einv_open(a, *data, len, d, src);
}

/* Writes data to an open stream; closes it unless it is stdout. */
static int write_stream(const char *cmd, FILE *out, const char *name, const char *data,
			size_t len)
{
	int ok = fwrite(data, 1, len, out) == len && fflush(out) == 0;

	if (out != stdout && fclose(out) != 0)
		ok = 0;
	return ok ? CLI_EXIT_OK
		  : cli_error(CLI_EXIT_IO, cmd, "cannot write '%s'", name);
}

int cli_write_output(const char *cmd, const char *path, const char *data, size_t len)
{
	struct stat st;
	char tmp[4096];
	FILE *out;
	int fd;

	if (path == NULL)
		return write_stream(cmd, stdout, "stdout", data, len);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		out = fopen(path, "wb");
		if (out == NULL)
			return cli_error(CLI_EXIT_IO, cmd, "cannot write '%s': %s",
					 path, strerror(errno));
		return write_stream(cmd, out, path, data, len);
	}
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= sizeof tmp)
		return cli_error(CLI_EXIT_IO, cmd, "output path too long");
	fd = mkstemp(tmp);
	out = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (out == NULL) {
		if (fd >= 0)
			close(fd);
		return cli_error(CLI_EXIT_IO, cmd, "cannot write '%s': %s", path,
				 strerror(errno));
	}
	if (fwrite(data, 1, len, out) != len || fflush(out) != 0 ||
	    fsync(fileno(out)) != 0) {
		fclose(out);
		unlink(tmp);
		return cli_error(CLI_EXIT_IO, cmd, "cannot write '%s'", path);
	}
	if (fclose(out) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return cli_error(CLI_EXIT_IO, cmd, "cannot write '%s': %s", path,
				 strerror(errno));
	}
	return CLI_EXIT_OK;
}
