/*
 * tandem/log.h - the library's log: one settable sink, text or JSON lines.
 *
 * Library code never prints. It calls tandem_log(), which hands a record to
 * the current sink if the record's level passes the threshold. The command-line
 * tool installs the text sink on stderr; a server installs the JSON-lines sink
 * (one object per line: time, level, module, message) or its own function.
 * The default sink, before anyone sets one, is the text sink on stderr at
 * level WARN.
 */
#ifndef TANDEM_LOG_H
#define TANDEM_LOG_H

#include <stdio.h>

enum tandem_log_level {
	TANDEM_LOG_DEBUG = 0,
	TANDEM_LOG_INFO,
	TANDEM_LOG_WARN,
	TANDEM_LOG_ERROR,
	TANDEM_LOG_OFF /* as a threshold: log nothing */
};

struct tandem_log_record {
	enum tandem_log_level level;
	const char *module;  /* e.g. "core", "ident" */
	const char *message; /* formatted, NUL-terminated, no trailing newline */
	long long time_ms;   /* wall clock, milliseconds since the Unix epoch */
};

typedef void (*tandem_log_fn)(void *userdata, const struct tandem_log_record *r);

/* Installs fn as the sink (NULL restores the default). Not thread-safe. */
void tandem_log_set_sink(tandem_log_fn fn, void *userdata);

/* Text sink: "2026-11-22T10:00:00.000Z warn  ident: message" on the FILE. */
void tandem_log_sink_text(void *file, const struct tandem_log_record *r);

/* JSON-lines sink: {"time":"...","level":"warn","module":"...","message":"..."} */
void tandem_log_sink_json(void *file, const struct tandem_log_record *r);

void tandem_log_set_level(enum tandem_log_level min_level);
enum tandem_log_level tandem_log_get_level(void);

/* "debug", "info", "warn", "error", "off". */
const char *tandem_log_level_name(enum tandem_log_level level);

/* Messages longer than this are cut. */
#define TANDEM_LOG_MESSAGE_MAX 2048

void tandem_log(enum tandem_log_level level, const char *module,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* TANDEM_LOG_H */
