/*
 * tandem/diag.h - a diagnostics object that collects many findings.
 *
 * Validators report more than one problem per input: every broken rule of an
 * invoice, every bad line of a file. They add findings to a struct tandem_diag
 * that the caller owns; each finding has a status code, a severity, a rule or
 * field id, a location path, a line number and a message. Strings are copied
 * into the diag's own arena, so callers may pass temporaries.
 *
 * The number of findings kept is bounded: beyond max_findings, further ones
 * are counted (dropped) but not stored, and adding still returns 0, so a flood
 * of findings never turns into a failure of the caller.
 */
#ifndef TANDEM_DIAG_H
#define TANDEM_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#include "tandem/arena.h"
#include "tandem/buf.h"

enum tandem_severity {
	TANDEM_SEV_ERROR = 0, /* the input is invalid (EN 16931 flag="fatal") */
	TANDEM_SEV_WARNING,   /* suspicious or non-conforming, not fatal */
	TANDEM_SEV_INFO,      /* for the record */
	TANDEM_SEV_COUNT_
};

struct tandem_finding {
	int code;                      /* TANDEM_E* status, 0 if not applicable */
	enum tandem_severity severity;
	const char *rule;              /* rule or field id, e.g. "BR-CO-10"; "" */
	const char *path;              /* location path, e.g. an XPath; "" */
	long line;                     /* 1-based source line, 0 if unknown */
	const char *message;           /* full sentence for a person */
};

struct tandem_diag {
	struct tandem_arena arena;     /* owns every string of every finding */
	struct tandem_finding *items;  /* count entries, in order of arrival */
	size_t count;
	size_t cap;
	size_t max_findings;
	size_t dropped;                /* findings beyond max_findings */
	size_t by_severity[TANDEM_SEV_COUNT_]; /* all findings, dropped included */
};

/* Limits applied by tandem_diag_init. */
#define TANDEM_DIAG_MESSAGE_MAX 1024   /* bytes of one message; longer is cut */
#define TANDEM_DIAG_ARENA_MAX (64u << 20)

void tandem_diag_init(struct tandem_diag *d, size_t max_findings);
void tandem_diag_release(struct tandem_diag *d);

/*
 * Adds one finding. rule and path may be NULL (stored as ""). Returns 0, or
 * TANDEM_ENOMEM / TANDEM_ELIMIT when the finding could not be stored; it is
 * still counted in by_severity.
 */
int tandem_diag_add(struct tandem_diag *d, enum tandem_severity sev, int code,
		    const char *rule, const char *path, long line,
		    const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* The same with the arguments as a va_list (for callers' own wrappers). */
int tandem_diag_vadd(struct tandem_diag *d, enum tandem_severity sev, int code,
		     const char *rule, const char *path, long line, const char *fmt,
		     va_list ap) __attribute__((format(printf, 7, 0)));

/* Number of findings of a severity, including the dropped ones. */
size_t tandem_diag_count(const struct tandem_diag *d, enum tandem_severity sev);

/* "error", "warning" or "info". */
const char *tandem_severity_name(enum tandem_severity sev);

/*
 * Appends the findings as text, one per line:
 *   error BR-CO-10 at /Invoice/LegalMonetaryTotal (line 12): message
 * followed by a line "N more findings not stored" when some were dropped.
 */
int tandem_diag_format_text(const struct tandem_diag *d, struct tandem_buf *out);

/*
 * Appends the findings as a JSON array of objects with the keys severity,
 * code, rule, path, line and message.
 */
int tandem_diag_format_json(const struct tandem_diag *d, struct tandem_buf *out);

#endif /* TANDEM_DIAG_H */
