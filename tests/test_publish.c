/*
 * tests/test_publish.c - the ledger's events go to the transparency log:
 * each event once, in order, as a record that names it; again only the new
 * ones; a publication cut short between the log and the database finished
 * without a duplicate; another database's log, or another log, refused. On
 * SQLite and PostgreSQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "invoice_world.h"
#include "ledger_fixture.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/tlog_log.h"
#include "tandem/tlog_record.h"
#include "test.h"

static const char budget[] =
	"administration FR 11000201100044 Direction générale des finances publiques\n"
	"year 2026\n"
	"mission    GFP          -        -        Gestion des finances publiques\n"
	"programme  GFP/156      -        -        Gestion fiscale\n"
	"action     GFP/156/01   1000.00  800.00   Grandes entreprises\n";

static void new_log(char dir[64], const char *origin)
{
	char base[] = "/tmp/tandem-pub-XXXXXX", why[TANDEM_TLOG_WHY_MAX];

	ASSERT(mkdtemp(base) != NULL);
	snprintf(dir, 64, "%s/log", base);
	ASSERT_EQ(tandem_tlog_create(dir, origin, why, sizeof why), 0);
}

static void drop_log(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "rm -rf '%s' && rmdir \"$(dirname '%s')\"", dir, dir);
	ASSERT_EQ(system(cmd), 0);
}

static struct tandem_tlog *open_w(const char *dir)
{
	struct tandem_tlog *log = NULL;
	char why[TANDEM_TLOG_WHY_MAX];

	ASSERT_EQ(tandem_tlog_open(dir, TANDEM_TLOG_WRITE, &log, why, sizeof why), 0);
	return log;
}

static uint64_t publish(struct fixture *f, struct tandem_tlog *log, int want)
{
	uint64_t n = 0;

	renew(f);
	ASSERT_EQ(tandem_ledger_publish(f->s, log, &n, &f->d), want);
	return n;
}

/* Record i of the log names event id of the ledger, with its action. */
static void assert_record(struct tandem_tlog *log, uint64_t i, int64_t id, const char *action)
{
	struct tandem_tlog_record r;
	uint8_t buf[4096];
	size_t len;

	ASSERT_EQ(tandem_tlog_read(log, i, buf, sizeof buf, &len), 0);
	ASSERT_EQ(tandem_tlog_record_decode(buf, len, &r, NULL, 0), 0);
	ASSERT_STR_EQ(tandem_tlog_type_name(r.type), action);
	ASSERT(tandem_slice_eq_cstr(r.bytes[TANDEM_TLOG_F_ORIGIN], "ledger"));
	ASSERT_EQ((int64_t)r.num[TANDEM_TLOG_F_ORIGIN_ID], id);
}

static void ledger_publish(enum engine e)
{
	struct tandem_supplier_in dupont = { ADMIN, "Papeterie Dupont", "FR", DUPONT, NULL, NULL,
					     NULL, NULL };
	struct tandem_commitment_in c = { ADMIN, 2026, "EJ-1", DUPONT, "GFP/156/01",
					  "Fournitures", 10000, NULL, NULL, 0 };
	struct tandem_tlog *log;
	struct fixture f;
	char dir[64], other[64];
	bool already;
	int64_t id, events, first;

	setup(&f, e, true);
	new_log(dir, "publish.example/ledger");
	log = open_w(dir);
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "alice", budget, strlen(budget), &f.d, &already),
		  0);
	events = query_i64_f(&f, "SELECT count(*) FROM event");
	first = query_i64_f(&f, "SELECT min(id) FROM event");
	/* Every event once, in order. */
	ASSERT_EQ(publish(&f, log, 0), (uint64_t)events);
	ASSERT_EQ(tandem_tlog_size(log), (uint64_t)events);
	assert_record(log, 0, first, "user.add");
	assert_record(log, (uint64_t)events - 1, first + events - 1, "budget.load");
	ASSERT_EQ(publish(&f, log, 0), 0);
	/* Only the new ones. */
	ASSERT_EQ(tandem_ledger_supplier_add(f.s, "olga", &dupont, &f.d, &id), 0);
	ASSERT_EQ(tandem_ledger_commit(f.s, "olga", &c, &f.d, &id), 0);
	ASSERT_EQ(publish(&f, log, 0), 2);
	assert_record(log, (uint64_t)events + 1, first + events + 1, "commitment.create");
	ASSERT_EQ(query_i64_f(&f, "SELECT log_size FROM tlog_mark"), events + 2);
	/* Cut short: the log has the records, the mark was not moved. */
	ASSERT_EQ(tandem_store_exec(f.s, "UPDATE tlog_mark SET event_id = event_id - 2, "
				    "log_size = log_size - 2"), 0);
	ASSERT_EQ(publish(&f, log, 0), 0);
	ASSERT_EQ(tandem_tlog_size(log), (uint64_t)events + 2);
	ASSERT_EQ(query_i64_f(&f, "SELECT event_id FROM tlog_mark"), first + events + 1);
	/* A log behind the mark, a log of another database, another log. */
	ASSERT_EQ(tandem_store_exec(f.s, "UPDATE tlog_mark SET log_size = 1000"), 0);
	publish(&f, log, TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "fewer than"));
	ASSERT_EQ(tandem_store_exec(f.s, "DELETE FROM tlog_mark"), 0);
	publish(&f, log, TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "another database"));
	tandem_tlog_close(log);
	new_log(other, "other.example/ledger");
	log = open_w(other);
	ASSERT_EQ(publish(&f, log, 0), (uint64_t)events + 2);
	tandem_tlog_close(log);
	log = open_w(dir);
	publish(&f, log, TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "publishes to the log other.example/ledger"));
	tandem_tlog_close(log);
	drop_log(dir);
	drop_log(other);
	teardown(&f);
}

BOTH_ENGINES(ledger_publish)
