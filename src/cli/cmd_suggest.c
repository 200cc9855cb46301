/*
 * src/cli/cmd_suggest.c - `tandem invoice suggestions` (the CPV groups and
 * budget lines a classifier suggested for invoice lines, and what was
 * decided) and `tandem budget cpv-map` (an administration's table from
 * CPV codes to budget lines). The decision itself is `tandem invoice
 * decide-cpv` (cmd_pay.c).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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

enum { O_DB = 256, O_ADMIN, O_INVOICE, O_LIMIT, O_USER, O_JSON };

static const struct option opts[] = {
	{"db", required_argument, NULL, O_DB},
	{"admin", required_argument, NULL, O_ADMIN},
	{"invoice", required_argument, NULL, O_INVOICE},
	{"limit", required_argument, NULL, O_LIMIT},
	{"user", required_argument, NULL, O_USER},
	{"json", no_argument, NULL, O_JSON},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct args {
	const char *db, *admin, *user;
	unsigned long invoice, limit;
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
	int rc, status = parse("invoice", suggestions_usage, argc, argv, &a);

	if (status >= 0)
		return status;
	if (optind != argc)
		return cli_usage("invoice", "suggestions takes no file: '%s'", argv[optind]);
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
