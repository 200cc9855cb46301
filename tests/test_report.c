/*
 * tests/test_report.c - unit tests of what the core library reports with:
 * the error list (tandem/error.h), the diagnostics collector and its text and
 * JSON formats (tandem/diag.h), the log sinks (tandem/log.h), assertions
 * (tandem/assert.h) and the version (tandem/version.h). Tests that must watch
 * a process abort fork a child of their own.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tandem/alloc.h"
#include "tandem/arena.h"
#include "tandem/assert.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/log.h"
#include "tandem/slice.h"
#include "tandem/version.h"

#include "core_helpers.h"
#include "test.h"

/* ---------------------------------------------------------------- error */

struct err_entry {
	int num;          /* the number written in TANDEM_ERRNO_MAP */
	int value;        /* the value of the enumerator TANDEM_E<name> */
	const char *name; /* "E" followed by the name */
	const char *msg;  /* the message written in the map */
};

static const struct err_entry err_table[] = {
#define CORE__ERR_ENTRY(name, num, msg) {num, TANDEM_E##name, "E" #name, msg},
	TANDEM_ERRNO_MAP(CORE__ERR_ENTRY)
#undef CORE__ERR_ENTRY
};

#define ERR_COUNT (sizeof err_table / sizeof err_table[0])

TEST(core_error_codes)
{
	ASSERT_GE(ERR_COUNT, 11);
	for (size_t i = 0; i < ERR_COUNT; i++) {
		const struct err_entry *e = &err_table[i];
		const char *msg = tandem_strerror(e->num);

		ASSERT_LT(e->num, 0);
		ASSERT_EQ(e->value, e->num);
		ASSERT(msg != NULL);
		ASSERT(msg[0] != '\0');
		ASSERT(strcmp(msg, "unknown error") != 0);
		ASSERT_STR_EQ(msg, e->msg);
		ASSERT_STR_EQ(tandem_err_name(e->num), e->name);
		for (size_t j = 0; j < i; j++) {
			ASSERT_NE(err_table[j].num, e->num);
			ASSERT(strcmp(tandem_strerror(err_table[j].num), msg) != 0);
			ASSERT(strcmp(tandem_err_name(err_table[j].num),
				      e->name) != 0);
		}
	}
	ASSERT_STR_EQ(tandem_err_name(TANDEM_ENOMEM), "ENOMEM");
	ASSERT_STR_EQ(tandem_err_name(TANDEM_ELIMIT), "ELIMIT");
}

TEST(core_error_unknown_and_success)
{
	int lowest = 0;

	for (size_t i = 0; i < ERR_COUNT; i++)
		if (err_table[i].num < lowest)
			lowest = err_table[i].num;
	const int unknown[] = {lowest - 1, 1, 5, 12345, -12345, INT_MIN, INT_MAX};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		ASSERT_STR_EQ(tandem_strerror(unknown[i]), "unknown error");
		ASSERT_STR_EQ(tandem_err_name(unknown[i]), "EUNKNOWN");
	}
	ASSERT_STR_EQ(tandem_strerror(0), "success");
	ASSERT_STR_EQ(tandem_err_name(0), "OK");
	ASSERT_EQ(TANDEM_OK, 0);
}

/* ---------------------------------------------------------------- diag */

TEST(core_diag_severities)
{
	struct tandem_diag d;

	tandem_diag_init(&d, 100);
	ASSERT_EQ(d.count, 0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				  "BR-01", "/Invoice/ID", 3, "missing %s", "ID"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_WARNING, 0, NULL, NULL, 0,
				  "odd"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_INFO, 0, "I-1", NULL, 0, "fyi"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, TANDEM_EOVERFLOW, NULL,
				  "/x", 9, "too big"),
		  0);
	ASSERT_EQ(d.count, 4);
	ASSERT_EQ(d.dropped, 0);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_ERROR), 2);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_WARNING), 1);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_INFO), 1);

	const struct tandem_finding *f = &d.items[0];
	ASSERT_EQ(f->code, TANDEM_EBADINPUT);
	ASSERT_EQ(f->severity, TANDEM_SEV_ERROR);
	ASSERT_STR_EQ(f->rule, "BR-01");
	ASSERT_STR_EQ(f->path, "/Invoice/ID");
	ASSERT_EQ(f->line, 3);
	ASSERT_STR_EQ(f->message, "missing ID");
	f = &d.items[1];
	ASSERT_EQ(f->severity, TANDEM_SEV_WARNING);
	ASSERT_STR_EQ(f->rule, "");
	ASSERT_STR_EQ(f->path, "");
	ASSERT_EQ(f->line, 0);
	ASSERT_STR_EQ(f->message, "odd");
	ASSERT_EQ(d.items[2].severity, TANDEM_SEV_INFO);
	ASSERT_STR_EQ(d.items[2].rule, "I-1");
	ASSERT_EQ(d.items[3].code, TANDEM_EOVERFLOW);
	ASSERT_STR_EQ(d.items[3].path, "/x");

	ASSERT_STR_EQ(tandem_severity_name(TANDEM_SEV_ERROR), "error");
	ASSERT_STR_EQ(tandem_severity_name(TANDEM_SEV_WARNING), "warning");
	ASSERT_STR_EQ(tandem_severity_name(TANDEM_SEV_INFO), "info");
	tandem_diag_release(&d);
	core_assert_no_leaks();
}

TEST(core_diag_many_findings)
{
	struct tandem_diag d;

	/* Enough findings to make the array grow several times. */
	tandem_diag_init(&d, 1000);
	for (int i = 0; i < 500; i++)
		ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_WARNING, 0, "R", "/p",
					  i, "finding %d", i),
			  0);
	ASSERT_EQ(d.count, 500);
	for (int i = 0; i < 500; i++) {
		char want[32];
		snprintf(want, sizeof want, "finding %d", i);
		ASSERT_STR_EQ(d.items[i].message, want);
		ASSERT_EQ(d.items[i].line, i);
	}
	tandem_diag_release(&d);
	core_assert_no_leaks();
}

TEST(core_diag_strings_copied)
{
	struct tandem_diag d;
	char rule[] = "BR-CO-10";
	char path[] = "/Invoice/Total";
	char msg[] = "the message";

	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, rule, path, 1, "%s",
				  msg),
		  0);
	memset(rule, 'X', sizeof rule - 1);
	memset(path, 'Y', sizeof path - 1);
	memset(msg, 'Z', sizeof msg - 1);
	ASSERT_STR_EQ(d.items[0].rule, "BR-CO-10");
	ASSERT_STR_EQ(d.items[0].path, "/Invoice/Total");
	ASSERT_STR_EQ(d.items[0].message, "the message");
	ASSERT(d.items[0].rule != rule);
	ASSERT(d.items[0].path != path);
	tandem_diag_release(&d);
}

TEST(core_diag_max_findings)
{
	struct tandem_diag d;

	tandem_diag_init(&d, 3);
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(tandem_diag_add(&d,
					  i % 2 ? TANDEM_SEV_WARNING
						: TANDEM_SEV_ERROR,
					  0, NULL, NULL, 0, "f%d", i),
			  0);
	ASSERT_EQ(d.count, 3);
	ASSERT_EQ(d.dropped, 2);
	/* Severities of 0..4: error, warning, error, warning, error. */
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_ERROR), 3);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_WARNING), 2);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_INFO), 0);
	ASSERT_STR_EQ(d.items[0].message, "f0");
	ASSERT_STR_EQ(d.items[1].message, "f1");
	ASSERT_STR_EQ(d.items[2].message, "f2");
	tandem_diag_release(&d);

	/* A diag that stores nothing still counts. */
	tandem_diag_init(&d, 0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_INFO, 0, NULL, NULL, 0, "x"), 0);
	ASSERT_EQ(d.count, 0);
	ASSERT_EQ(d.dropped, 1);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_INFO), 1);
	tandem_diag_release(&d);
}

TEST(core_diag_format_text)
{
	struct tandem_diag d;
	struct tandem_buf b;

	tandem_diag_init(&d, 3);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				  "BR-CO-10", "/Invoice/LegalMonetaryTotal", 12,
				  "Sum of line amounts is %s.", "wrong"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_WARNING, 0, NULL, NULL, 0,
				  "No buyer reference."),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_INFO, 0, "R1", NULL, 3, "x"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, NULL, NULL, 0, "d1"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, NULL, NULL, 0, "d2"),
		  0);

	/* Formatting appends to what the buffer holds already. */
	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_puts(&b, "head\n"), 0);
	ASSERT_EQ(tandem_diag_format_text(&d, &b), 0);
	ASSERT_STR_EQ(b.data,
		      "head\n"
		      "error BR-CO-10 at /Invoice/LegalMonetaryTotal (line 12): "
		      "Sum of line amounts is wrong.\n"
		      "warning: No buyer reference.\n"
		      "info R1 (line 3): x\n"
		      "2 more findings not stored\n");
	tandem_buf_release(&b);

	/* No findings, no text. */
	tandem_diag_release(&d);
	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_diag_format_text(&d, &b), 0);
	ASSERT_STR_EQ(b.data, "");

	/* A full buffer reports ELIMIT. */
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, NULL, NULL, 0,
				  "a message longer than ten bytes"),
		  0);
	tandem_buf_release(&b);
	tandem_buf_init(&b, 10);
	ASSERT_EQ(tandem_diag_format_text(&d, &b), TANDEM_ELIMIT);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

TEST(core_diag_format_json)
{
	struct tandem_diag d;
	struct tandem_buf b;

	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				  "BR-CO-10", "/Invoice/LegalMonetaryTotal", 12,
				  "Total is \"%s\".", "wrong"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_WARNING, 0, NULL, NULL, 0,
				  "a\nb\\c\x01"),
		  0);
	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_diag_format_json(&d, &b), 0);
	core_lower_hex_escapes(b.data);
	ASSERT_STR_EQ(b.data,
		      "[{\"severity\":\"error\",\"code\":\"EBADINPUT\","
		      "\"rule\":\"BR-CO-10\","
		      "\"path\":\"/Invoice/LegalMonetaryTotal\",\"line\":12,"
		      "\"message\":\"Total is \\\"wrong\\\".\"},"
		      "{\"severity\":\"warning\",\"code\":\"OK\",\"rule\":\"\","
		      "\"path\":\"\",\"line\":0,"
		      "\"message\":\"a\\nb\\\\c\\u0001\"}]");
	tandem_buf_release(&b);
	tandem_diag_release(&d);

	/* An empty diag is an empty array. */
	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_diag_format_json(&d, &b), 0);
	ASSERT_STR_EQ(b.data, "[]");
	tandem_buf_release(&b);
}

TEST(core_diag_message_cut)
{
	struct tandem_diag d;
	static char longmsg[3 * TANDEM_DIAG_MESSAGE_MAX];
	size_t n;

	memset(longmsg, 'm', sizeof longmsg - 1);
	longmsg[sizeof longmsg - 1] = '\0';
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, NULL, NULL, 0, "%s",
				  longmsg),
		  0);
	ASSERT_EQ(d.count, 1);
	n = strlen(d.items[0].message);
	ASSERT_LE(n, TANDEM_DIAG_MESSAGE_MAX);
	ASSERT_GE(n, TANDEM_DIAG_MESSAGE_MAX / 2);
	ASSERT_MEM_EQ(d.items[0].message, longmsg, n);
	/* The diag stays usable after a cut message. */
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_INFO, 0, NULL, NULL, 0, "ok"),
		  0);
	ASSERT_STR_EQ(d.items[1].message, "ok");
	tandem_diag_release(&d);
}

TEST(core_diag_message_exactly_max_kept)
{
	struct tandem_diag d;
	static char msg[TANDEM_DIAG_MESSAGE_MAX + 1];

	/* diag.h: "bytes of one message; longer is cut" - so not this one. */
	memset(msg, 'm', TANDEM_DIAG_MESSAGE_MAX);
	msg[TANDEM_DIAG_MESSAGE_MAX] = '\0';
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, NULL, NULL, 0, "%s",
				  msg),
		  0);
	ASSERT_EQ(strlen(d.items[0].message), TANDEM_DIAG_MESSAGE_MAX);
	tandem_diag_release(&d);
}

TEST(core_diag_release_reuse)
{
	struct tandem_diag d;

	tandem_diag_init(&d, 2);
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, "R", "/p", 1,
					  "m%d", i),
			  0);
	tandem_diag_release(&d);
	ASSERT_EQ(d.count, 0);
	ASSERT_EQ(d.dropped, 0);
	ASSERT_EQ(d.max_findings, 2);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_ERROR), 0);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_WARNING), 0);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_INFO), 0);

	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_INFO, 0, "R2", NULL, 0, "again"),
		  0);
	ASSERT_EQ(d.count, 1);
	ASSERT_STR_EQ(d.items[0].rule, "R2");
	ASSERT_STR_EQ(d.items[0].message, "again");
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_INFO), 1);
	tandem_diag_release(&d);
	tandem_diag_release(&d);
	core_assert_no_leaks();
}

/* ---------------------------------------------------------------- log */

/* What the capturing sink saw last, and how often it was called. */
struct captured {
	int calls;
	enum tandem_log_level level;
	char module[64];
	char message[TANDEM_LOG_MESSAGE_MAX + 64];
	size_t message_len;
	long long time_ms;
};

static void copy_bounded(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n > cap - 1)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void capture_sink(void *userdata, const struct tandem_log_record *r)
{
	struct captured *c = userdata;

	c->calls++;
	c->level = r->level;
	copy_bounded(c->module, sizeof c->module, r->module);
	copy_bounded(c->message, sizeof c->message, r->message);
	c->message_len = strlen(r->message);
	c->time_ms = r->time_ms;
}

TEST(core_log_defaults)
{
	ASSERT_EQ(tandem_log_get_level(), TANDEM_LOG_WARN);
	tandem_log_set_level(TANDEM_LOG_DEBUG);
	ASSERT_EQ(tandem_log_get_level(), TANDEM_LOG_DEBUG);
	tandem_log_set_level(TANDEM_LOG_WARN);
}

TEST(core_log_level_names)
{
	ASSERT_STR_EQ(tandem_log_level_name(TANDEM_LOG_DEBUG), "debug");
	ASSERT_STR_EQ(tandem_log_level_name(TANDEM_LOG_INFO), "info");
	ASSERT_STR_EQ(tandem_log_level_name(TANDEM_LOG_WARN), "warn");
	ASSERT_STR_EQ(tandem_log_level_name(TANDEM_LOG_ERROR), "error");
	ASSERT_STR_EQ(tandem_log_level_name(TANDEM_LOG_OFF), "off");
}

TEST(core_log_custom_sink)
{
	struct captured c;

	memset(&c, 0, sizeof c);
	tandem_log_set_sink(capture_sink, &c);
	tandem_log_set_level(TANDEM_LOG_DEBUG);
	long long before_ms = (long long)time(NULL) * 1000;
	tandem_log(TANDEM_LOG_INFO, "core", "hello %d %s", 7, "world");
	ASSERT_EQ(c.calls, 1);
	ASSERT_EQ(c.level, TANDEM_LOG_INFO);
	ASSERT_STR_EQ(c.module, "core");
	ASSERT_STR_EQ(c.message, "hello 7 world");
	ASSERT_GT(c.time_ms, before_ms - 60000);
	ASSERT_LT(c.time_ms, before_ms + 60000);

	tandem_log(TANDEM_LOG_DEBUG, "ident", "second");
	ASSERT_EQ(c.calls, 2);
	ASSERT_EQ(c.level, TANDEM_LOG_DEBUG);
	ASSERT_STR_EQ(c.module, "ident");
	ASSERT_STR_EQ(c.message, "second");

	tandem_log_set_sink(NULL, NULL);
	tandem_log_set_level(TANDEM_LOG_WARN);
}

TEST(core_log_threshold)
{
	struct captured c;

	memset(&c, 0, sizeof c);
	tandem_log_set_sink(capture_sink, &c);
	tandem_log_set_level(TANDEM_LOG_WARN);
	tandem_log(TANDEM_LOG_DEBUG, "core", "d");
	tandem_log(TANDEM_LOG_INFO, "core", "i");
	ASSERT_EQ(c.calls, 0);
	tandem_log(TANDEM_LOG_WARN, "core", "w");
	ASSERT_EQ(c.calls, 1);
	ASSERT_EQ(c.level, TANDEM_LOG_WARN);
	tandem_log(TANDEM_LOG_ERROR, "core", "e");
	ASSERT_EQ(c.calls, 2);
	ASSERT_EQ(c.level, TANDEM_LOG_ERROR);
	ASSERT_STR_EQ(c.message, "e");

	tandem_log_set_level(TANDEM_LOG_ERROR);
	tandem_log(TANDEM_LOG_WARN, "core", "w");
	ASSERT_EQ(c.calls, 2);
	tandem_log(TANDEM_LOG_ERROR, "core", "e2");
	ASSERT_EQ(c.calls, 3);
	ASSERT_STR_EQ(c.message, "e2");

	tandem_log_set_sink(NULL, NULL);
	tandem_log_set_level(TANDEM_LOG_WARN);
}

TEST(core_log_off)
{
	struct captured c;

	memset(&c, 0, sizeof c);
	tandem_log_set_sink(capture_sink, &c);
	tandem_log_set_level(TANDEM_LOG_OFF);
	tandem_log(TANDEM_LOG_ERROR, "core", "silenced");
	tandem_log(TANDEM_LOG_WARN, "core", "silenced");
	tandem_log(TANDEM_LOG_DEBUG, "core", "silenced");
	ASSERT_EQ(c.calls, 0);
	ASSERT_EQ(tandem_log_get_level(), TANDEM_LOG_OFF);

	tandem_log_set_level(TANDEM_LOG_DEBUG);
	tandem_log(TANDEM_LOG_ERROR, "core", "heard");
	ASSERT_EQ(c.calls, 1);
	tandem_log_set_sink(NULL, NULL);
	tandem_log_set_level(TANDEM_LOG_WARN);
}

TEST(core_log_message_cut)
{
	static char longmsg[3 * TANDEM_LOG_MESSAGE_MAX];
	struct captured c;

	memset(&c, 0, sizeof c);
	memset(longmsg, 'L', sizeof longmsg - 1);
	longmsg[sizeof longmsg - 1] = '\0';
	tandem_log_set_sink(capture_sink, &c);
	tandem_log(TANDEM_LOG_ERROR, "core", "%s", longmsg);
	ASSERT_EQ(c.calls, 1);
	ASSERT_LE(c.message_len, TANDEM_LOG_MESSAGE_MAX);
	ASSERT_GE(c.message_len, TANDEM_LOG_MESSAGE_MAX / 2);
	ASSERT_MEM_EQ(c.message, longmsg, c.message_len);
	tandem_log_set_sink(NULL, NULL);
}

TEST(core_log_message_exactly_max_kept)
{
	static char msg[TANDEM_LOG_MESSAGE_MAX + 1];
	struct captured c;

	/* log.h: "Messages longer than this are cut" - so not this one. */
	memset(&c, 0, sizeof c);
	memset(msg, 'L', TANDEM_LOG_MESSAGE_MAX);
	msg[TANDEM_LOG_MESSAGE_MAX] = '\0';
	tandem_log_set_sink(capture_sink, &c);
	tandem_log(TANDEM_LOG_ERROR, "core", "%s", msg);
	ASSERT_EQ(c.calls, 1);
	ASSERT_EQ(c.message_len, TANDEM_LOG_MESSAGE_MAX);
	tandem_log_set_sink(NULL, NULL);
}

/* 2026-11-22T10:00:00.123Z in milliseconds since the epoch. */
#define FIXED_TIME_MS 1795341600123LL

TEST(core_log_json_sink_exact)
{
	struct tandem_log_record r = {
		TANDEM_LOG_WARN, "ident",
		"a \"q\"\n\\ \x01 \xc3\xa9 end", FIXED_TIME_MS};
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ASSERT(f != NULL);
	tandem_log_sink_json(f, &r);
	ASSERT_EQ(fclose(f), 0);
	core_lower_hex_escapes(text);
	ASSERT_STR_EQ(text,
		      "{\"time\":\"2026-11-22T10:00:00.123Z\",\"level\":\"warn\","
		      "\"module\":\"ident\","
		      "\"message\":\"a \\\"q\\\"\\n\\\\ \\u0001 \xc3\xa9 end\"}\n");
	free(text);
}

TEST(core_log_json_sink_via_log)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	struct tm tm;
	int ms = -1;

	ASSERT(f != NULL);
	tandem_log_set_sink(tandem_log_sink_json, f);
	tandem_log_set_level(TANDEM_LOG_INFO);
	tandem_log(TANDEM_LOG_DEBUG, "core", "filtered");
	tandem_log(TANDEM_LOG_ERROR, "core", "say \"%s\"\nbye", "hi");
	tandem_log_set_sink(NULL, NULL);
	tandem_log_set_level(TANDEM_LOG_WARN);
	ASSERT_EQ(fclose(f), 0);

	/* One line, the only newline at its end. */
	ASSERT(text != NULL);
	ASSERT_GT(size, 0);
	ASSERT_EQ(strlen(text), size);
	ASSERT(strchr(text, '\n') == text + size - 1);
	ASSERT_EQ(strncmp(text, "{\"time\":\"", 9), 0);
	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" is 24 characters. */
	ASSERT_GT(size, 9 + 24);
	ASSERT_STR_EQ(text + 9 + 24,
		      "\",\"level\":\"error\",\"module\":\"core\","
		      "\"message\":\"say \\\"hi\\\"\\nbye\"}\n");
	memset(&tm, 0, sizeof tm);
	ASSERT_EQ(sscanf(text + 9, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year,
			 &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
			 &tm.tm_sec, &ms),
		  7);
	ASSERT_EQ(text[9 + 23], 'Z');
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	long long logged = (long long)timegm(&tm);
	long long now = (long long)time(NULL);
	ASSERT_GT(logged, now - 60);
	ASSERT_LT(logged, now + 60);
	ASSERT(ms >= 0 && ms <= 999);
	free(text);
}

TEST(core_log_text_sink)
{
	struct tandem_log_record r = {TANDEM_LOG_WARN, "ident", "message",
				      FIXED_TIME_MS};
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ASSERT(f != NULL);
	tandem_log_sink_text(f, &r);
	ASSERT_EQ(fclose(f), 0);
	/* The form given in log.h. */
	ASSERT_STR_EQ(text, "2026-11-22T10:00:00.123Z warn  ident: message\n");
	free(text);

	/* Through tandem_log, at another level. */
	text = NULL;
	f = open_memstream(&text, &size);
	ASSERT(f != NULL);
	tandem_log_set_sink(tandem_log_sink_text, f);
	tandem_log(TANDEM_LOG_ERROR, "store", "disk %s", "full");
	tandem_log_set_sink(NULL, NULL);
	ASSERT_EQ(fclose(f), 0);
	ASSERT_STR_CONTAINS(text, " error ");
	ASSERT_STR_CONTAINS(text, "store: disk full\n");
	ASSERT(strchr(text, '\n') == text + strlen(text) - 1);
	free(text);
}

static struct captured child_capture;

/* Child body: logs through a custom sink, then through the default one. */
static void log_default_child(void)
{
	tandem_log_set_sink(capture_sink, &child_capture);
	tandem_log(TANDEM_LOG_ERROR, "mod", "to the custom sink");
	tandem_log_set_sink(NULL, NULL);
	tandem_log(TANDEM_LOG_WARN, "mod", "to stderr");
	tandem_log(TANDEM_LOG_INFO, "mod", "below the default threshold");
	if (child_capture.calls != 1)
		_exit(3);
}

TEST(core_log_default_sink_stderr)
{
	char err[4096];
	int status;

	core_run_in_child(log_default_child, err, sizeof err, &status);
	ASSERT(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	ASSERT_STR_CONTAINS(err, "warn");
	ASSERT_STR_CONTAINS(err, "mod: to stderr\n");
	ASSERT(strstr(err, "custom sink") == NULL);
	ASSERT(strstr(err, "below the default") == NULL);
}

/* ---------------------------------------------------------------- assert */

static void assert_false_child(void)
{
	volatile int side = 41;

	TANDEM_ASSERT(side == 42);
}

static void assert_true_child(void)
{
	TANDEM_ASSERT(1);
	TANDEM_ASSERT(2 + 2 == 4);
}

/* A sink that marks what it receives, on stderr. */
static void marking_sink(void *userdata, const struct tandem_log_record *r)
{
	(void)userdata;
	fprintf(stderr, "SINK[%s] %s\n", r->module, r->message);
}

static void assert_through_sink_child(void)
{
	volatile int side = 41;

	tandem_log_set_sink(marking_sink, NULL);
	TANDEM_ASSERT(side == 43);
}

TEST(core_assert_fail_aborts)
{
	char err[4096];
	int status;

	core_run_in_child(assert_false_child, err, sizeof err, &status);
	ASSERT(WIFSIGNALED(status));
	ASSERT_EQ(WTERMSIG(status), SIGABRT);
	ASSERT_STR_CONTAINS(err, "assertion failed");
	ASSERT_STR_CONTAINS(err, "side == 42");
	ASSERT_STR_CONTAINS(err, "test_report.c");
}

TEST(core_assert_true_noop)
{
	char err[4096];
	int status, evaluated = 0;

	TANDEM_ASSERT(1);
	TANDEM_ASSERT(++evaluated == 1);
	ASSERT_EQ(evaluated, 1);
	core_run_in_child(assert_true_child, err, sizeof err, &status);
	ASSERT(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	ASSERT_STR_EQ(err, "");
}

TEST(core_assert_fail_through_sink)
{
	char err[4096];
	int status;

	/* assert.h: "a broken invariant logs the expression and location
	 * through the log sink, then aborts". */
	core_run_in_child(assert_through_sink_child, err, sizeof err, &status);
	ASSERT(WIFSIGNALED(status));
	ASSERT_EQ(WTERMSIG(status), SIGABRT);
	ASSERT_STR_CONTAINS(err, "SINK[");
	ASSERT_STR_CONTAINS(err, "side == 43");
}

/* ---------------------------------------------------------------- version */

TEST(core_version)
{
	char want[32];

	ASSERT_STR_EQ(tandem_version(), TANDEM_VERSION_STRING);
	snprintf(want, sizeof want, "%d.%d.%d", TANDEM_VERSION_MAJOR,
		 TANDEM_VERSION_MINOR, TANDEM_VERSION_PATCH);
	ASSERT_STR_EQ(tandem_version(), want);
}

TEST(core_log_json_sink_escape_heavy_message)
{
	/*
	 * A message of TANDEM_LOG_MESSAGE_MAX control bytes escapes to six
	 * times its length (\u0001 each): the line must still be complete
	 * JSON with the whole message, not a cut, invalid one.
	 */
	char msg[TANDEM_LOG_MESSAGE_MAX + 1];
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ASSERT(f != NULL);
	memset(msg, 0x01, TANDEM_LOG_MESSAGE_MAX);
	msg[TANDEM_LOG_MESSAGE_MAX] = '\0';
	tandem_log_set_sink(tandem_log_sink_json, f);
	tandem_log(TANDEM_LOG_ERROR, "core", "%s", msg);
	tandem_log_set_sink(NULL, NULL);
	ASSERT_EQ(fclose(f), 0);
	ASSERT(text != NULL);
	ASSERT(strstr(text, "\"message\":\"\\u0001") != NULL);
	ASSERT(strstr(text, "\"message\":}") == NULL);
	/* 2048 escapes of 6 bytes, then the closing quote, brace, newline. */
	ASSERT_GT(size, (size_t)6 * TANDEM_LOG_MESSAGE_MAX);
	ASSERT_STR_EQ(text + size - 3, "\"}\n");
	free(text);
}
