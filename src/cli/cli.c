/*
 * src/cli/cli.c - helpers shared by the subcommands (src/cli/cli.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "tandem/error.h"

bool cli_json;

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

void cli_print_value(FILE *f, const char *s, size_t len, size_t width_max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t shown = len > width_max ? width_max : len;

	/* Identifiers are ASCII: anything else is shown byte by byte. */
	for (size_t i = 0; i < shown; i++) {
		if (p[i] == '\\')
			fputs("\\\\", f);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			fprintf(f, "\\x%02X", p[i]);
		else
			fputc(p[i], f);
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
