/*
 * tests/test_suggest.c - classifier suggestions kept with the invoices they
 * were made for: the administration's table from CPV codes to budget lines
 * (loaded whole or not at all), suggestions stored at import with their
 * event and budget line, refused when malformed with nothing stored, and
 * the ordonnateur's decisions, each recorded; on both engines.
 */
#include <stdio.h>
#include <string.h>

#include "invoice_world.h"
#include "ledger_fixture.h"
#include "tandem/arena.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "test.h"

#define MODEL "053b80bf4082256929540f59585a564c284c0deb120bfed0ca0c339e21188f61"

static const char map[] =
	"# CPV code, budget line\n"
	"30\tGFP/156\n"
	"301   GFP/156/01\r\n"
	"\n"
	"45000000-7\tGFP/156\n";

static int load_map(struct fixture *f, const char *actor, const char *text, size_t *rows)
{
	return tandem_ledger_cpv_map_load(f->s, actor, ADMIN, text, strlen(text), &f->d, rows);
}

static void suggest_map(enum engine e)
{
	struct fixture f;
	struct tandem_arena a;
	struct tandem_cpv_map_row *rows;
	size_t n = 0;

	setup(&f, e, true);
	world(&f);
	ASSERT_EQ(load_map(&f, "carl", map, &n), TANDEM_EPERM);
	renew(&f);
	ASSERT_EQ(load_map(&f, "olga", map, &n), 0);
	ASSERT_EQ(n, 3);
	tandem_arena_init(&a, 1u << 20);
	ASSERT_EQ(tandem_ledger_cpv_map_list(f.s, ADMIN, &a, &rows, &n, &f.d), 0);
	ASSERT_EQ(n, 3);
	ASSERT_STR_EQ(rows[0].prefix, "30");
	ASSERT_STR_EQ(rows[1].prefix, "301");
	ASSERT_STR_EQ(rows[1].path, "GFP/156/01");
	ASSERT_STR_EQ(rows[2].prefix, "45");    /* 45000000-7: the division */
	/* A bad table: every bad line said, nothing changed. */
	renew(&f);
	ASSERT_EQ(load_map(&f, "olga", "30\tGFP/156\n3x\tGFP/156\n30\tGFP/156/01\n"
			   "99\tGFP/999\n12345678-9-1\tGFP\n301\n", &n), TANDEM_EBADINPUT);
	ASSERT_EQ(n, 0);
	ASSERT(message_has(&f.d, "line 2: \"3x\" is not 2 to 8 digits"));
	ASSERT(message_has(&f.d, "line 3: the code 30 is in the table twice"));
	ASSERT(message_has(&f.d, "line 4: no budget line \"GFP/999\""));
	ASSERT(message_has(&f.d, "line 5: \"12345678-9-1\""));
	ASSERT(message_has(&f.d, "line 6: a line is a CPV code, then a budget path"));
	ASSERT_EQ(count(&f, "cpv_budget_map"), 3);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM event WHERE action = 'cpv_map.load'"), 1);
	renew(&f);
	ASSERT_EQ(tandem_ledger_cpv_map_list(f.s, "no-such", &a, &rows, &n, &f.d), TANDEM_ENOENT);
	/* Loaded again, it is replaced whole. */
	ASSERT_EQ(load_map(&f, "alice", "4\tGFP/156/01\n", &n), TANDEM_EBADINPUT);
	renew(&f);
	ASSERT_EQ(load_map(&f, "alice", "45\tGFP/156/01\n", &n), 0);
	ASSERT_EQ(count(&f, "cpv_budget_map"), 1);
	tandem_arena_release(&a);
	teardown(&f);
}
BOTH_ENGINES(suggest_map)

/* An invoice of two lines; the first suggested 301, the second none. */
static void with_suggestions(struct fake *x, struct tandem_invoice_line lines[2],
			     struct tandem_line_suggestion g[2])
{
	lines[0] = (struct tandem_invoice_line){ "1", 1000, "C62", x->in.net_cents };
	lines[1] = (struct tandem_invoice_line){ "2", 1000, "C62", 0 };
	g[0] = (struct tandem_line_suggestion){ "Ramettes de papier A4", "301", 551, false,
						"word:papier +4.296" };
	g[1] = (struct tandem_line_suggestion){ 0 };
	x->in.lines = lines;
	x->in.n_lines = 2;
	x->in.suggestions = g;
	x->in.model_sha256 = MODEL;
}

static void suggest_import(enum engine e)
{
	struct fixture f;
	struct fake x;
	struct tandem_invoice_line lines[2];
	struct tandem_line_suggestion g[2];
	struct tandem_invoice_result r;
	size_t n = 0;

	setup(&f, e, true);
	world(&f);
	ASSERT_EQ(load_map(&f, "olga", map, &n), 0);
	/* Malformed suggestions: the invoice is refused, nothing stored. */
	fake(&x, "S-1", "EJ-1", 12000);
	with_suggestions(&x, lines, g);
	g[0].cpv = "3x";
	ASSERT_EQ(import1(&f, "carl", &x, &r), TANDEM_EINVAL);
	ASSERT(message_has(&f.d, "the suggestions of line 1 are not"));
	g[0].cpv = "301";
	g[0].p_milli = 1001;
	ASSERT_EQ(import1(&f, "carl", &x, &r), TANDEM_EINVAL);
	g[0].p_milli = 551;
	x.in.model_sha256 = "abc";
	ASSERT_EQ(import1(&f, "carl", &x, &r), TANDEM_EINVAL);
	ASSERT_EQ(count(&f, "invoice"), 0);
	ASSERT_EQ(count(&f, "line_suggestion"), 0);
	/* Stored with the invoice: a row, its budget line, one event. */
	renew(&f);
	x.in.model_sha256 = MODEL;
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "received");  /* the suggestion changes no status */
	ASSERT_EQ(count(&f, "line_suggestion"), 1);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM line_suggestion s JOIN budget_node n ON"
			      " n.id = s.budget_node_id WHERE n.path = 'GFP/156/01' AND"
			      " s.p_milli = 551 AND s.decision = 'pending'"), 1);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM event WHERE action = 'ai.suggest' AND"
			      " input_sha256 = '" MODEL "' AND detail LIKE"
			      " 'line 1 301 55.1% -> GFP/156/01'"), 1);
	/* The same file again: nothing more. */
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT(r.already);
	ASSERT_EQ(count(&f, "line_suggestion"), 1);
	/* A code the table does not know: no budget line. */
	fake(&x, "S-2", "EJ-1", 3000);
	with_suggestions(&x, lines, g);
	g[0].cpv = "792";
	g[0].needs_human = true;
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM line_suggestion WHERE cpv = '792' AND"
			      " budget_node_id IS NULL AND needs_human = 1"), 1);
	teardown(&f);
}
BOTH_ENGINES(suggest_import)

static void suggest_decide(enum engine e)
{
	struct fixture f;
	struct fake x;
	struct tandem_invoice_line lines[2];
	struct tandem_line_suggestion g[2];
	struct tandem_invoice_result r;
	struct tandem_suggestion_row *rows;
	struct tandem_arena a;
	size_t n = 0;
	bool more;

	setup(&f, e, true);
	world(&f);
	ASSERT_EQ(load_map(&f, "olga", map, &n), 0);
	fake(&x, "D-1", "EJ-1", 12000);
	with_suggestions(&x, lines, g);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	tandem_arena_init(&a, 1u << 20);
	ASSERT_EQ(tandem_ledger_suggestions(f.s, ADMIN, 0, 10, &a, &rows, &n, &more, &f.d), 0);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(rows[0].line_no, 1);
	ASSERT_STR_EQ(rows[0].cpv, "301");
	ASSERT_STR_EQ(rows[0].budget_path, "GFP/156/01");
	ASSERT_STR_EQ(rows[0].why, "word:papier +4.296");
	ASSERT_STR_EQ(rows[0].decision, "pending");
	/* Only an ordonnateur decides; bad input is refused. */
	ASSERT_EQ(tandem_ledger_suggestion_decide(f.s, "carl", ADMIN, r.id, 1, NULL, NULL, NULL,
						  &f.d), TANDEM_EPERM);
	ASSERT_EQ(tandem_ledger_suggestion_decide(f.s, "olga", ADMIN, r.id, 2, NULL, NULL, NULL,
						  &f.d), TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_suggestion_decide(f.s, "olga", ADMIN, r.id + 7, 1, NULL, NULL,
						  NULL, &f.d), TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_suggestion_decide(f.s, "olga", ADMIN, r.id, 1, "30-1", NULL, NULL,
						  &f.d), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_ledger_suggestion_decide(f.s, "olga", ADMIN, r.id, 1, NULL, "GFP/999",
						  NULL, &f.d), TANDEM_ENOENT);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM event WHERE action = 'ai.decision'"), 0);
	/* Accepted, then corrected: both recorded; the last one holds. */
	ASSERT_EQ(tandem_ledger_suggestion_decide(f.s, "olga", ADMIN, r.id, 1, NULL, NULL, NULL,
						  &f.d), 0);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM line_suggestion WHERE decision = "
			      "'accepted' AND decided_cpv = '301'"), 1);
	ASSERT_EQ(tandem_ledger_suggestion_decide(f.s, "olga", ADMIN, r.id, 1, "30197000-8",
						  "GFP/156", "papier de bureau", &f.d), 0);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM event WHERE action = 'ai.decision'"), 2);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM event WHERE action = 'ai.decision' AND "
			      "detail LIKE '%corrected to 30197 -> GFP/156 (suggested 301 at "
			      "55.1%): papier de bureau'"), 1);
	ASSERT_EQ(tandem_ledger_suggestions(f.s, ADMIN, r.id, 10, &a, &rows, &n, &more, &f.d), 0);
	ASSERT_EQ(n, 1);
	ASSERT_STR_EQ(rows[0].decision, "corrected");
	ASSERT_STR_EQ(rows[0].decided_cpv, "30197");
	ASSERT_STR_EQ(rows[0].decided_path, "GFP/156");
	ASSERT_STR_EQ(rows[0].decided_by, "olga");
	/* Nothing waits any more; an unknown invoice is said so. */
	ASSERT_EQ(tandem_ledger_suggestions(f.s, ADMIN, 0, 10, &a, &rows, &n, &more, &f.d), 0);
	ASSERT_EQ(n, 0);
	renew(&f);
	ASSERT_EQ(tandem_ledger_suggestions(f.s, ADMIN, 999, 10, &a, &rows, &n, &more, &f.d),
		  TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_suggestions(f.s, ADMIN, 0, 0, &a, &rows, &n, &more, &f.d),
		  TANDEM_EINVAL);
	tandem_arena_release(&a);
	teardown(&f);
}
BOTH_ENGINES(suggest_decide)
