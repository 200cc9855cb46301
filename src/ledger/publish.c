/*
 * src/ledger/publish.c - the ledger's events go to the transparency log.
 * The event table is the outbox: each operation writes its event in its own
 * transaction; publishing reads the events after the mark, appends one
 * record each, commits the log (durable), then moves the mark. If the
 * process dies between the two, the records after the mark's log size say
 * which events made it, and the next publication starts after them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/tlog_log.h"
#include "tandem/tlog_record.h"

#define BATCH 1000              /* events read and appended per log commit */
#define ORIGIN "ledger"

struct mark {
	bool found;
	char origin[TANDEM_TLOG_ORIGIN_MAX + 1];
	int64_t event, size;
};

static int read_mark(struct tandem_store *s, struct mark *m)
{
	struct tandem_stmt *st = NULL;
	int rc = ledger_select(s, &st, "SELECT origin, event_id, log_size FROM tlog_mark "
			       "WHERE id = 1", "");

	memset(m, 0, sizeof *m);
	if (rc == 1) {
		m->found = true;
		(void)snprintf(m->origin, sizeof m->origin, "%s", tandem_stmt_text(st, 0));
		m->event = tandem_stmt_i64(st, 1);
		m->size = tandem_stmt_i64(st, 2);
		rc = 0;
	}
	tandem_stmt_finalize(st);
	return rc;
}

/* The last ledger event among the log's records from index from on. */
static int catch_up(struct tandem_tlog *log, uint64_t from, int64_t *event, uint8_t *buf)
{
	struct tandem_tlog_record r;
	size_t len;

	for (uint64_t i = from; i < tandem_tlog_size(log); i++) {
		int rc = tandem_tlog_read(log, i, buf, TANDEM_TLOG_RECORD_MAX, &len);

		if (rc != 0)
			return rc;
		if (tandem_tlog_record_decode(buf, len, &r, NULL, 0) != 0)
			return TANDEM_EBADINPUT;
		if ((r.present & (1u << TANDEM_TLOG_F_ORIGIN)) != 0 &&
		    tandem_slice_eq_cstr(r.bytes[TANDEM_TLOG_F_ORIGIN], ORIGIN) &&
		    (int64_t)r.num[TANDEM_TLOG_F_ORIGIN_ID] > *event)
			*event = (int64_t)r.num[TANDEM_TLOG_F_ORIGIN_ID];
	}
	return 0;
}

/* The record of the event in the current row of st (id, at, login, action,
 * object, object_id, input_sha256, detail). */
static int record_of(struct tandem_stmt *st, uint8_t *out, size_t *len, struct tandem_diag *d)
{
	struct tandem_tlog_record r;
	uint8_t sha[32];
	const char *action = tandem_stmt_text(st, 3), *hex = tandem_stmt_text(st, 6);
	char why[200];
	int rc;

	memset(&r, 0, sizeof r);
	r.type = tandem_tlog_type_of(tandem_slice_from_cstr(action));
	if (r.type == 0 || !tandem_tlog_time_parse(tandem_stmt_text(st, 1), &r.time))
		return ledger_refuse(d, TANDEM_EINTERNAL, "TANDEM-TLOG-EVENT", 0,
				     "event %lld (%s) has no record type or time",
				     (long long)tandem_stmt_i64(st, 0), action != NULL ? action : "?");
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_ACTOR, tandem_stmt_text(st, 2));
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_ORIGIN, ORIGIN);
	tandem_tlog_record_num(&r, TANDEM_TLOG_F_ORIGIN_ID, (uint64_t)tandem_stmt_i64(st, 0));
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_OBJECT, tandem_stmt_text(st, 4));
	if (!tandem_stmt_is_null(st, 5))
		tandem_tlog_record_num(&r, TANDEM_TLOG_F_OBJECT_ID, (uint64_t)tandem_stmt_i64(st, 5));
	if (hex != NULL && sodium_hex2bin(sha, sizeof sha, hex, strlen(hex), NULL, NULL, NULL) == 0) {
		r.bytes[TANDEM_TLOG_F_INPUT_SHA256] = tandem_slice_make((const char *)sha, sizeof sha);
		r.present |= 1u << TANDEM_TLOG_F_INPUT_SHA256;
	}
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_DETAIL, tandem_stmt_text(st, 7));
	rc = tandem_tlog_record_encode(&r, out, TANDEM_TLOG_RECORD_MAX, len, why, sizeof why);
	if (rc != 0)
		return ledger_refuse(d, TANDEM_EINTERNAL, "TANDEM-TLOG-EVENT", 0,
				     "event %lld cannot be written as a record: %s",
				     (long long)tandem_stmt_i64(st, 0), why);
	return 0;
}

/* Appends up to BATCH events after *event; *count of them. */
static int append_batch(struct tandem_store *s, struct tandem_tlog *log, int64_t *event,
			uint64_t *count, uint8_t *rec, struct tandem_diag *d)
{
	struct tandem_stmt *st = NULL;
	size_t len = 0;
	uint64_t at;
	int rc = ledger_select(s, &st, "SELECT e.id, e.at, u.login, e.action, e.object, "
			       "e.object_id, e.input_sha256, e.detail FROM event e LEFT JOIN "
			       "app_user u ON u.id = e.user_id WHERE e.id > $1 ORDER BY e.id "
			       "LIMIT 1000", "i", *event);

	*count = 0;
	while (rc == 1) {
		rc = record_of(st, rec, &len, d);
		if (rc == 0)
			rc = tandem_tlog_append(log, rec, len, &at);
		if (rc != 0)
			break;
		*event = tandem_stmt_i64(st, 0);
		(*count)++;
		rc = tandem_stmt_step(st);
	}
	tandem_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

static int save_mark(struct tandem_store *s, struct tandem_tlog *log, int64_t event)
{
	int rc = tandem_store_begin(s);

	if (rc == 0)
		rc = ledger_run(s, "INSERT INTO tlog_mark (id, origin, event_id, log_size) "
				"VALUES (1, $1, $2, $3) ON CONFLICT (id) DO UPDATE SET "
				"origin = $1, event_id = $2, log_size = $3", NULL, NULL, "tii",
				tandem_tlog_origin(log), event, (int64_t)tandem_tlog_size(log));
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}

int tandem_ledger_publish(struct tandem_store *s, struct tandem_tlog *log, uint64_t *published,
			  struct tandem_diag *d)
{
	struct mark m;
	uint64_t count = 0;
	uint8_t *rec;
	int rc = read_mark(s, &m);

	*published = 0;
	if (rc != 0)
		return rc;
	if (m.found && strcmp(m.origin, tandem_tlog_origin(log)) != 0)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-TLOG-ORIGIN", 0,
				     "this database publishes to the log %s, not to %s", m.origin,
				     tandem_tlog_origin(log));
	if ((uint64_t)m.size > tandem_tlog_size(log))
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-TLOG-SHORT", 0,
				     "the log holds %llu records, fewer than the %lld it held "
				     "when this database last published to it",
				     (unsigned long long)tandem_tlog_size(log), (long long)m.size);
	rec = malloc(TANDEM_TLOG_RECORD_MAX);
	if (rec == NULL)
		return TANDEM_ENOMEM;
	rc = catch_up(log, (uint64_t)m.size, &m.event, rec);
	/* A first publication: the mark is set before anything is appended, so
	 * that ledger records in a log without a mark are always another
	 * database's. */
	if (rc == 0 && !m.found && m.event > 0)
		rc = ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-TLOG-OTHER", 0,
				   "the log %s already holds the events of another database: "
				   "give this one its own log", tandem_tlog_origin(log));
	if (rc == 0 && !m.found) {
		rc = save_mark(s, log, 0);
		m.found = true;
		m.size = (int64_t)tandem_tlog_size(log);
	}
	while (rc == 0) {
		rc = append_batch(s, log, &m.event, &count, rec, d);
		if (rc == 0 && count > 0)
			rc = tandem_tlog_commit(log);
		if (rc == 0 && (count > 0 || (uint64_t)m.size != tandem_tlog_size(log)))
			rc = save_mark(s, log, m.event);
		m.size = (int64_t)tandem_tlog_size(log);
		*published += rc == 0 ? count : 0;
		if (count < BATCH)
			break;
	}
	free(rec);
	if (rc != 0)
		tandem_tlog_rollback(log);
	return rc;
}
