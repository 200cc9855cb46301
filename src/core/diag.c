/*
 * src/core/diag.c - the diagnostics collector (tandem/diag.h).
 *
 * The findings array grows by doubling inside the diag's arena (old arrays
 * stay in the arena until release; the waste is bounded by the final size).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "tandem/diag.h"

void tandem_diag_init(struct tandem_diag *d, size_t max_findings)
{
	memset(d, 0, sizeof *d);
	tandem_arena_init(&d->arena, TANDEM_DIAG_ARENA_MAX);
	d->max_findings = max_findings;
}

void tandem_diag_release(struct tandem_diag *d)
{
	size_t max = d->max_findings;

	tandem_arena_release(&d->arena);
	tandem_diag_init(d, max);
}

static int reserve(struct tandem_diag *d)
{
	struct tandem_finding *items;
	size_t cap;

	if (d->count < d->cap)
		return 0;
	cap = d->cap ? d->cap * 2 : 16;
	if (cap > d->max_findings)
		cap = d->max_findings;
	items = tandem_arena_calloc(&d->arena, cap, sizeof *items);
	if (items == NULL)
		return tandem_arena_error(&d->arena);
	if (d->count)
		memcpy(items, d->items, d->count * sizeof *items);
	d->items = items;
	d->cap = cap;
	return 0;
}

int tandem_diag_add(struct tandem_diag *d, enum tandem_severity sev, int code,
		    const char *rule, const char *path, long line,
		    const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = tandem_diag_vadd(d, sev, code, rule, path, line, fmt, ap);
	va_end(ap);
	return err;
}

int tandem_diag_vadd(struct tandem_diag *d, enum tandem_severity sev, int code,
		     const char *rule, const char *path, long line, const char *fmt,
		     va_list ap)
{
	char msg[TANDEM_DIAG_MESSAGE_MAX + 1];
	struct tandem_finding *f;
	int n, err;

	TANDEM_ASSERT(sev >= TANDEM_SEV_ERROR && sev < TANDEM_SEV_COUNT_);
	d->by_severity[sev]++;
	if (d->count >= d->max_findings) {
		d->dropped++;
		return 0;
	}
	err = reserve(d);
	if (err)
		return err;
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	if (n < 0)
		msg[0] = '\0';
	f = &d->items[d->count];
	f->code = code;
	f->severity = sev;
	f->line = line;
	f->rule = tandem_arena_strndup(&d->arena, rule ? rule : "",
				       rule ? strlen(rule) : 0);
	f->path = tandem_arena_strndup(&d->arena, path ? path : "",
				       path ? strlen(path) : 0);
	f->message = tandem_arena_strndup(&d->arena, msg, strlen(msg));
	if (f->rule == NULL || f->path == NULL || f->message == NULL)
		return tandem_arena_error(&d->arena);
	d->count++;
	return 0;
}

size_t tandem_diag_count(const struct tandem_diag *d, enum tandem_severity sev)
{
	TANDEM_ASSERT(sev >= TANDEM_SEV_ERROR && sev < TANDEM_SEV_COUNT_);
	return d->by_severity[sev];
}

const char *tandem_severity_name(enum tandem_severity sev)
{
	switch (sev) {
	case TANDEM_SEV_ERROR:
		return "error";
	case TANDEM_SEV_WARNING:
		return "warning";
	case TANDEM_SEV_INFO:
		return "info";
	default:
		return "unknown";
	}
}

int tandem_diag_format_text(const struct tandem_diag *d, struct tandem_buf *out)
{
	int err = 0;

	for (size_t i = 0; !err && i < d->count; i++) {
		const struct tandem_finding *f = &d->items[i];

		err = tandem_buf_puts(out, tandem_severity_name(f->severity));
		if (!err && f->rule[0])
			err = tandem_buf_printf(out, " %s", f->rule);
		if (!err && f->path[0])
			err = tandem_buf_printf(out, " at %s", f->path);
		if (!err && f->line > 0)
			err = tandem_buf_printf(out, " (line %ld)", f->line);
		if (!err)
			err = tandem_buf_printf(out, ": %s\n", f->message);
	}
	if (!err && d->dropped)
		err = tandem_buf_printf(out, "%zu more findings not stored\n",
					d->dropped);
	return err;
}

int tandem_diag_format_json(const struct tandem_diag *d, struct tandem_buf *out)
{
	int err = tandem_buf_putc(out, '[');

	for (size_t i = 0; !err && i < d->count; i++) {
		const struct tandem_finding *f = &d->items[i];

		err = tandem_buf_printf(out, "%s{\"severity\":\"%s\",\"code\":\"%s\",\"rule\":",
					i ? "," : "",
					tandem_severity_name(f->severity),
					tandem_err_name(f->code));
		if (!err)
			err = tandem_buf_json_string(out, f->rule, strlen(f->rule));
		if (!err)
			err = tandem_buf_puts(out, ",\"path\":");
		if (!err)
			err = tandem_buf_json_string(out, f->path, strlen(f->path));
		if (!err)
			err = tandem_buf_printf(out, ",\"line\":%ld,\"message\":", f->line);
		if (!err)
			err = tandem_buf_json_string(out, f->message,
						     strlen(f->message));
		if (!err)
			err = tandem_buf_putc(out, '}');
	}
	if (!err)
		err = tandem_buf_putc(out, ']');
	return err;
}
