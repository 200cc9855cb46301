/*
 * src/cli/cmd_suggest.c - `tandem invoice suggestions` (the CPV groups and
 * budget lines a classifier suggested for invoice lines, and what was
 * decided), `tandem invoice decide-cpv` (the ordonnateur's decision, which
 * the model may learn at once) and `tandem budget cpv-map` (an
 * administration's table from CPV codes to budget lines).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tandem/classify.h"
#include "tandem/arena.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/store.h"

static const char suggestions_usage[] =
	"usage: tandem invoice suggestions --admin SIRET|LEITWEG-ID [--invoice N]\n"
	"                                  [--limit N] [--json] [--db FILE]\n"
	"\n"
	"The CPV group a classifier suggested for each line of invoice N (tandem\n"
	"invoice import --classify), with its probability, whether it needs a\n"
	"human, the budget line the administration's table gives, the words that\n"
	"pushed it and the decision taken; without --invoice, the suggestions of\n"
	"every invoice still waiting for a decision (tandem invoice decide-cpv).\n"
	"Exit status: 0 done, 1 refused, 2 usage error, 3 I/O error.\n";

static const char decide_usage[] =
	"usage: tandem invoice decide-cpv --admin SIRET|LEITWEG-ID --invoice N --line K\n"
	"                                 [--cpv CODE] [--budget PATH] [--note TEXT]\n"
	"                                 [--learn MODEL] [--user ACTOR] [--db FILE]\n"
	"\n"
	"The ordonnateur's decision on the CPV group suggested for line K of invoice\n"
	"N (tandem invoice suggestions): without --cpv it is accepted, with it\n"
	"corrected (2 to 8 digits of a CPV code). The budget line is --budget, else\n"
	"the one the administration's table gives for the code. Recorded as an\n"
	"event; a decision may be taken again. With --learn, the model file learns\n"
	"the line's text as the code decided (tandem classify learn) and is written\n"
	"back.\n"
	"Exit status: 0 done, 1 refused, 2 usage error, 3 I/O error.\n";

static const char map_usage[] =
	"usage: tandem budget cpv-map --admin SIRET|LEITWEG-ID [FILE] [--json]\n"
	"                             [--user ACTOR] [--db FILE]\n"
	"\n"
	"With FILE, loads the administration's table from CPV codes to budget lines,\n"
	"replacing the one it had: a line per row, a CPV code's first 2 to 8 digits\n"
	"then a budget path of its budget (\"45<TAB>150/01/02\"; '#' comments). A code\n"
	"goes to the row of its longest prefix. An ordonnateur or an admin; checked\n"
	"whole, written in one transaction or not at all. Without FILE, prints it.\n"
	"Exit status: 0 done, 1 refused, 2 usage error, 3 I/O error.\n";

enum { O_DB = 256, O_ADMIN, O_INVOICE, O_LIMIT, O_USER, O_JSON, O_LINE, O_CPV, O_BUDGET,
       O_NOTE, O_LEARN };

static const struct option opts[] = {
	{"db", required_argument, NULL, O_DB},
	{"admin", required_argument, NULL, O_ADMIN},
	{"invoice", required_argument, NULL, O_INVOICE},
	{"limit", required_argument, NULL, O_LIMIT},
	{"user", required_argument, NULL, O_USER},
	{"json", no_argument, NULL, O_JSON},
	{"line", required_argument, NULL, O_LINE},
	{"cpv", required_argument, NULL, O_CPV},
	{"budget", required_argument, NULL, O_BUDGET},
	{"note", required_argument, NULL, O_NOTE},
	{"learn", required_argument, NULL, O_LEARN},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct args {
	const char *db, *admin, *user, *cpv, *budget, *note, *learn;
	unsigned long invoice, limit, line;
};

/* Options into a; -1 to go on, else an exit status. */
static int parse(const char *cmd, const char *usage, int argc, char **argv, struct args *a)
{
	int c;

	*a = (struct args){ .limit = 100, .user = getenv("TANDEM_USER") };
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == O_DB)
			a->db = optarg;
		else if (c == O_ADMIN)
			a->admin = optarg;
		else if (c == O_USER)
			a->user = optarg;
		else if (c == O_JSON)
			cli_json = true;
		else if (c == O_CPV)
			a->cpv = optarg;
		else if (c == O_BUDGET)
			a->budget = optarg;
		else if (c == O_NOTE)
			a->note = optarg;
		else if (c == O_LEARN)
			a->learn = optarg;
		else if (c == O_LINE && !cli_parse_uint(optarg, TANDEM_COMMITMENT_LINES_MAX, &a->line))
			return cli_usage(cmd, "--line is a line number, 1 to %d",
					 TANDEM_COMMITMENT_LINES_MAX);
		else if (c == O_INVOICE && !cli_parse_uint(optarg, 1ul << 62, &a->invoice))
			return cli_usage(cmd, "--invoice is a number");
		else if (c == O_LIMIT &&
			 !cli_parse_uint(optarg, TANDEM_SUGGESTION_LIST_MAX, &a->limit))
			return cli_usage(cmd, "--limit is 1 to %d", TANDEM_SUGGESTION_LIST_MAX);
		else if (c == 'h')
			return fputs(usage, stdout), CLI_EXIT_OK;
		else if (c == ':' || c == '?')
			return c == ':' ? cli_missing_value(cmd, argv) : cli_unknown_option(cmd, argv);
	}
	if (a->admin == NULL)
		return cli_usage(cmd, "give the administration: --admin SIRET|LEITWEG-ID");
	return -1;
}

static void put_text(struct tandem_buf *b, const char *key, const char *v, bool first)
{
	(void)tandem_buf_printf(b, "%s\"%s\":", first ? "" : ",", key);
	(void)tandem_buf_json_string(b, v, strlen(v));
}

static void put_suggestion(struct tandem_buf *b, const struct tandem_suggestion_row *r,
			   bool first)
{
	if (cli_json) {
		(void)tandem_buf_printf(b, "%s{\"invoice\":%lld,\"line\":%d,", first ? "\n" : ",\n",
					(long long)r->invoice, r->line_no);
		put_text(b, "text", r->text, true);
		put_text(b, "cpv", r->cpv, false);
		(void)tandem_buf_printf(b, ",\"p\":%u.%03u,\"needs_human\":%s", r->p_milli / 1000,
					r->p_milli % 1000, r->needs_human ? "true" : "false");
		put_text(b, "budget", r->budget_path, false);
		put_text(b, "why", r->why, false);
		put_text(b, "model_sha256", r->model_sha256, false);
		put_text(b, "decision", r->decision, false);
		put_text(b, "decided_cpv", r->decided_cpv, false);
		put_text(b, "decided_budget", r->decided_path, false);
		put_text(b, "decided_by", r->decided_by, false);
		(void)tandem_buf_puts(b, "}");
		return;
	}
	(void)tandem_buf_printf(b, "%8lld %4d  %-4s %5.1f%% %-14s %-16s %-9s", (long long)r->invoice,
				r->line_no, r->cpv, r->p_milli / 10.0,
				r->needs_human ? "needs a human" : "", r->budget_path, r->decision);
	if (strcmp(r->decision, "pending") != 0)
		(void)tandem_buf_printf(b, " %s %s by %s", r->decided_cpv, r->decided_path,
					r->decided_by);
	(void)tandem_buf_printf(b, "\n%15s%.120s\n%15swhy: %s\n", "", r->text, "", r->why);
}

/* The model learns that text is code, and is written back. */
static int learn(const char *path, const char *text, const char *code, struct tandem_diag *d)
{
	struct tandem_cls_model *m = NULL;
	struct tandem_cls_example ex = { .text = text, .len = strlen(text), .code = code,
					 .lang = TANDEM_CLS_LANG_UNKNOWN, .weight_pct = 100 };
	char hex[65];
	int rc = tandem_cls_model_load(path, d, &m);

	if (rc == 0)
		rc = tandem_cls_learn(m, &ex, d);
	if (rc == 0)
		rc = tandem_cls_model_save(m, path, d);
	if (rc == 0) {
		tandem_cls_model_sha256(m, hex);
		printf("%s: learned that the line is CPV %s; model sha256 %s\n", path, code, hex);
	}
	tandem_cls_model_free(m);
	return rc;
}

/* The decision, then (--learn) the model's lesson from the line's text. */
static int decide(const struct args *a)
{
	struct tandem_store *s = NULL;
	struct tandem_suggestion_row *rows = NULL;
	struct tandem_arena ar;
	struct tandem_diag d;
	size_t n = 0;
	bool more = false;
	int rc, status;

	tandem_diag_init(&d, 20);
	tandem_arena_init(&ar, 1u << 20);
	rc = tandem_ledger_open(cli_db_path(a->db), 0, &d, &s);
	if (rc == 0)
		rc = tandem_ledger_suggestion_decide(s, a->user, a->admin, (int64_t)a->invoice,
						     (int)a->line, a->cpv, a->budget, a->note, &d);
	if (rc == 0)
		printf("invoice %lu line %lu: decision recorded\n", a->invoice, a->line);
	if (rc == 0 && a->learn != NULL)
		rc = tandem_ledger_suggestions(s, a->admin, (int64_t)a->invoice,
					       TANDEM_COMMITMENT_LINES_MAX, &ar, &rows, &n, &more,
					       &d);
	status = cli_ledger_finish("invoice", rc, &d, NULL);
	for (size_t i = 0; status == CLI_EXIT_OK && a->learn != NULL && i < n; i++) {
		if (rows[i].line_no != (int)a->line)
			continue;
		tandem_diag_release(&d);
		tandem_diag_init(&d, 20);
		rc = learn(a->learn, rows[i].text, rows[i].decided_cpv, &d);
		if (rc != 0) {
			cli_print_findings(stderr, &d);
			status = cli_error(rc == TANDEM_EIO || rc == TANDEM_ENOMEM ? CLI_EXIT_IO
										   : CLI_EXIT_INVALID,
					   "invoice", "%s: the decision is recorded, the model did "
					   "not learn it", a->learn);
		}
	}
	if (s != NULL)
		(void)cli_publish("invoice", s, cli_db_path(a->db), true);
	tandem_arena_release(&ar);
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status;
}

int cmd_invoice_suggestions(int argc, char **argv)
{
	struct args a;
	struct tandem_store *s = NULL;
	struct tandem_suggestion_row *rows = NULL;
	struct tandem_arena ar;
	struct tandem_diag d;
	struct tandem_buf out;
	size_t n = 0;
	bool more = false;
	bool deciding = strcmp(argv[0], "decide-cpv") == 0;
	int rc, status = parse("invoice", deciding ? decide_usage : suggestions_usage, argc, argv,
			       &a);

	if (status >= 0)
		return status;
	if (optind != argc)
		return cli_usage("invoice", "%s takes no file: '%s'", argv[0], argv[optind]);
	if (deciding && (a.invoice == 0 || a.line == 0))
		return cli_usage("invoice", "decide-cpv needs --invoice N and --line K");
	if (deciding)
		return decide(&a);
	tandem_diag_init(&d, 20);
	tandem_arena_init(&ar, 256u << 20);
	tandem_buf_init(&out, 256u << 20);
	rc = tandem_ledger_open(cli_db_path(a.db), 0, &d, &s);
	if (rc == 0)
		rc = tandem_ledger_suggestions(s, a.admin, (int64_t)a.invoice, a.limit, &ar, &rows,
					       &n, &more, &d);
	if (rc == 0 && !cli_json)
		(void)tandem_buf_printf(&out, "%8s %4s  %-4s %6s %-14s %-16s %s\n", "invoice",
					"line", "cpv", "p", "", "budget", "decision");
	(void)tandem_buf_puts(&out, rc == 0 && cli_json ? "{\"suggestions\":[" : "");
	for (size_t i = 0; rc == 0 && i < n; i++)
		put_suggestion(&out, &rows[i], i == 0);
	if (rc == 0 && cli_json)
		(void)tandem_buf_printf(&out, "\n],\"more\":%s}\n", more ? "true" : "false");
	else if (rc == 0 && more)
		(void)tandem_buf_printf(&out, "(more than %lu: raise --limit)\n", a.limit);
	if (rc == 0)
		fwrite(out.data, 1, out.len, stdout);
	status = cli_ledger_finish("invoice", rc, &d, NULL);
	tandem_buf_release(&out);
	tandem_arena_release(&ar);
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status;
}

/* Prints the administration's table. */
static int map_show(struct tandem_store *s, const struct args *a, struct tandem_diag *d)
{
	struct tandem_cpv_map_row *rows = NULL;
	struct tandem_arena ar;
	struct tandem_buf out;
	size_t n = 0;
	int rc;

	tandem_arena_init(&ar, 64u << 20);
	tandem_buf_init(&out, 64u << 20);
	rc = tandem_ledger_cpv_map_list(s, a->admin, &ar, &rows, &n, d);
	(void)tandem_buf_puts(&out, cli_json ? "{\"rows\":[" : "");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (!cli_json) {
			(void)tandem_buf_printf(&out, "%-8s\t%s\t%s\n", rows[i].prefix, rows[i].path,
						rows[i].label);
			continue;
		}
		(void)tandem_buf_puts(&out, i == 0 ? "\n{" : ",\n{");
		put_text(&out, "cpv", rows[i].prefix, true);
		put_text(&out, "budget", rows[i].path, false);
		put_text(&out, "label", rows[i].label, false);
		(void)tandem_buf_puts(&out, "}");
	}
	(void)tandem_buf_puts(&out, cli_json ? "\n]}\n" : "");
	if (rc == 0)
		fwrite(out.data, 1, out.len, stdout);
	tandem_buf_release(&out);
	tandem_arena_release(&ar);
	return rc;
}

int cmd_budget_cpv_map(int argc, char **argv)
{
	struct args a;
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	char *text = NULL;
	size_t len = 0, rows = 0;
	int rc, status = parse("budget", map_usage, argc, argv, &a);

	if (status >= 0)
		return status;
	if (argc - optind > 1)
		return cli_usage("budget", "cpv-map takes one file");
	if (optind < argc) {
		rc = cli_read_file("budget", argv[optind], TANDEM_CPV_MAP_FILE_MAX, &text, &len);
		if (rc == TANDEM_ELIMIT)
			return cli_error(CLI_EXIT_INVALID, "budget", "%s: a table is at most %u bytes",
					 argv[optind], TANDEM_CPV_MAP_FILE_MAX);
		if (rc != 0)
			return CLI_EXIT_IO;
	}
	tandem_diag_init(&d, 1000);
	rc = tandem_ledger_open(cli_db_path(a.db), 0, &d, &s);
	if (rc == 0 && text != NULL)
		rc = tandem_ledger_cpv_map_load(s, a.user, a.admin, text, len, &d, &rows);
	else if (rc == 0)
		rc = map_show(s, &a, &d);
	if (rc == 0 && text != NULL)
		printf("CPV table of %s: %zu rows\n", a.admin, rows);
	status = cli_ledger_finish("budget", rc, &d, NULL);
	if (s != NULL && text != NULL)
		(void)cli_publish("budget", s, cli_db_path(a.db), true);
	tandem_store_close(s);
	tandem_diag_release(&d);
	free(text);
	return status;
}
