/*
 * src/core/log.c - the settable log sink (tandem/log.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tandem/buf.h"
#include "tandem/log.h"

static tandem_log_fn sink_fn;
static void *sink_data;
static enum tandem_log_level threshold = TANDEM_LOG_WARN;

void tandem_log_set_sink(tandem_log_fn fn, void *userdata)
{
	sink_fn = fn;
	sink_data = userdata;
}

void tandem_log_set_level(enum tandem_log_level min_level)
{
	threshold = min_level;
}

enum tandem_log_level tandem_log_get_level(void)
{
	return threshold;
}

const char *tandem_log_level_name(enum tandem_log_level level)
{
	switch (level) {
	case TANDEM_LOG_DEBUG: return "debug";
	case TANDEM_LOG_INFO:  return "info";
	case TANDEM_LOG_WARN:  return "warn";
	case TANDEM_LOG_ERROR: return "error";
	case TANDEM_LOG_OFF:   return "off";
	}
	return "unknown";
}

/* ISO 8601 UTC with milliseconds: 2026-11-22T10:00:00.000Z */
static void format_time(long long ms, char out[40])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 40 - n, ".%03uZ", (unsigned)(ms % 1000) % 1000u);
}

void tandem_log_sink_text(void *file, const struct tandem_log_record *r)
{
	char ts[40];

	format_time(r->time_ms, ts);
	fprintf(file, "%s %-5s %s: %s\n", ts, tandem_log_level_name(r->level),
		r->module, r->message);
	fflush(file);
}

void tandem_log_sink_json(void *file, const struct tandem_log_record *r)
{
	char ts[40];
	struct tandem_buf b;

	format_time(r->time_ms, ts);
	/* Every byte may escape to \u00XX: room for six times the longest
	 * message, so the line is never cut into invalid JSON. */
	tandem_buf_init(&b, (size_t)6 * (TANDEM_LOG_MESSAGE_MAX + strlen(r->module)) + 128);
	tandem_buf_printf(&b, "{\"time\":\"%s\",\"level\":\"%s\",\"module\":", ts,
			  tandem_log_level_name(r->level));
	tandem_buf_json_string(&b, r->module, strlen(r->module));
	tandem_buf_puts(&b, ",\"message\":");
	tandem_buf_json_string(&b, r->message, strlen(r->message));
	tandem_buf_puts(&b, "}\n");
	fwrite(b.data, 1, b.len, file);
	fflush(file);
	tandem_buf_release(&b);
}

void tandem_log(enum tandem_log_level level, const char *module,
		const char *fmt, ...)
{
	char msg[TANDEM_LOG_MESSAGE_MAX + 1];
	struct tandem_log_record r;
	struct timespec ts;
	va_list ap;

	if (level < threshold || level >= TANDEM_LOG_OFF)
		return;
	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof msg, fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	r.level = level;
	r.module = module ? module : "";
	r.message = msg;
	r.time_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (sink_fn)
		sink_fn(sink_data, &r);
	else
		tandem_log_sink_text(stderr, &r);
}
