/*
 * src/cli/cmd_invoice_list.c - `tandem invoice list`: the invoices of an
 * administration by status, or those ready and not yet ordered.
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

static const char usage[] =
	"usage: tandem invoice list --admin SIRET|LEITWEG-ID [--status STATUS]\n"
	"                           [--awaiting-order] [--limit N] [--json] [--db FILE]\n"
	"\n"
	"Lists the invoices of an administration, the oldest due first: all, those of\n"
	"one STATUS (received, a_recycler, suspended, rejected, ready, paid), or with\n"
	"--awaiting-order those ready to pay and not ordered yet. At most N (100 by\n"
	"default, up to 10000); a last line says when there are more.\n"
	"Exit status: 0 done, 1 refused, 2 usage error, 3 I/O error.\n";

static const struct option opts[] = {
	{"db", required_argument, NULL, 'd'},
	{"admin", required_argument, NULL, 'a'},
	{"status", required_argument, NULL, 's'},
	{"awaiting-order", no_argument, NULL, 'w'},
	{"limit", required_argument, NULL, 'l'},
	{"json", no_argument, NULL, 'j'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static void put_text(struct tandem_buf *b, const char *key, const char *v)
{
	(void)tandem_buf_printf(b, ",\"%s\":", key);
	(void)tandem_buf_json_string(b, v, strlen(v));
}

static void put_row(struct tandem_buf *b, const struct tandem_invoice_row *r, bool first)
{
	if (cli_json) {
		(void)tandem_buf_printf(b, "%s{\"id\":%lld", first ? "\n" : ",\n", (long long)r->id);
		put_text(b, "number", r->number);
		put_text(b, "supplier", r->supplier);
		put_text(b, "commitment", r->commitment);
		put_text(b, "issue_date", r->issue_date);
		put_text(b, "due_date", r->due_date);
		cli_put_cents(b, "due", r->due_cents, true);
		put_text(b, "status", r->status);
		put_text(b, "reason", r->reason);
		(void)tandem_buf_printf(b, ",\"order\":%lld}", (long long)r->order);
		return;
	}
	(void)tandem_buf_printf(b, "%8lld  %-20.20s %-28.28s %-12.12s %-10s", (long long)r->id,
				r->number, r->supplier, r->commitment,
				r->due_date[0] != '\0' ? r->due_date : r->issue_date);
	cli_put_cents(b, "due", r->due_cents, false);
	(void)tandem_buf_printf(b, "  %-10s %s\n", r->status, r->reason);
}

int cmd_invoice_list(int argc, char **argv)
{
	const char *db = NULL, *admin = NULL, *status = NULL;
	unsigned long limit = 100;
	bool awaiting = false, more = false;
	struct tandem_store *s = NULL;
	struct tandem_invoice_row *rows = NULL;
	struct tandem_arena ar;
	struct tandem_diag d;
	struct tandem_buf out;
	size_t n = 0;
	int c, rc, status_code;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'a': admin = optarg; break;
		case 's': status = optarg; break;
		case 'w': awaiting = true; break;
		case 'j': cli_json = true; break;
		case 'l':
			if (!cli_parse_uint(optarg, TANDEM_INVOICE_LIST_MAX, &limit))
				return cli_usage("invoice", "--limit is 1 to %d",
						 TANDEM_INVOICE_LIST_MAX);
			break;
		case 'h':
			return fputs(usage, stdout), CLI_EXIT_OK;
		case ':':
			return cli_missing_value("invoice", argv);
		default:
			return cli_unknown_option("invoice", argv);
		}
	}
	if (optind != argc)
		return cli_usage("invoice", "list takes no file: '%s'", argv[optind]);
	if (admin == NULL)
		return cli_usage("invoice", "list needs --admin SIRET|LEITWEG-ID");
	tandem_diag_init(&d, 20);
	tandem_arena_init(&ar, 64u << 20);
	tandem_buf_init(&out, 256u << 20);
	rc = tandem_ledger_open(cli_db_path(db), 0, &d, &s);
	if (rc == 0)
		rc = tandem_ledger_invoice_list(s, admin, status, awaiting, limit, &ar, &rows, &n,
						&more, &d);
	if (rc == 0 && !cli_json)
		(void)tandem_buf_printf(&out, "%8s  %-20s %-28s %-12s %-10s %16s  %-10s %s\n", "id",
					"number", "supplier", "EJ", "due", "amount", "status",
					"reason");
	(void)tandem_buf_puts(&out, rc == 0 && cli_json ? "{\"invoices\":[" : "");
	for (size_t i = 0; rc == 0 && i < n; i++)
		put_row(&out, &rows[i], i == 0);
	if (rc == 0 && cli_json)
		(void)tandem_buf_printf(&out, "\n],\"more\":%s}\n", more ? "true" : "false");
	else if (rc == 0 && more)
		(void)tandem_buf_printf(&out, "(more than %lu: raise --limit)\n", limit);
	if (rc == 0)
		fwrite(out.data, 1, out.len, stdout);
	status_code = cli_ledger_finish("invoice", rc, &d, NULL);
	tandem_buf_release(&out);
	tandem_arena_release(&ar);
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status_code;
}
