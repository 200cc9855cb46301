/*
 * src/cli/cmd_pay.c - the decisions of the expenditure chain after intake:
 * `tandem pay order|approve|cancel|run|file` (the ordonnateur's order to pay
 * a matched invoice, the comptable's approval under the separation of
 * duties, cancellation, the payment run and its SEPA file) and
 * `tandem invoice reject`, `reroute` and `offset`.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/store.h"

static const char usage_text[] =
	"usage: tandem pay order --admin ID --year YEAR --invoice N [--user ACTOR] [--db FILE]\n"
	"       tandem pay approve --admin ID --order N [--user ACTOR] [--db FILE]\n"
	"       tandem pay cancel --admin ID --order N --reason TEXT [--user ACTOR] [--db FILE]\n"
	"       tandem pay run --admin ID --out FILE [--date YYYY-MM-DD] [--user ACTOR]\n"
	"                      [--db FILE]\n"
	"       tandem pay file --admin ID --run N --out FILE [--db FILE]\n"
	"\n"
	"order    orders the payment of a matched (ready) invoice: an ordonnateur; the\n"
	"         order consumes CP of YEAR under the availability control and is\n"
	"         booked in the journal (expense account / 401 Fournisseurs).\n"
	"approve  approves a payment order: a comptable who did not create the\n"
	"         commitment, certify its service done, order the payment, nor -\n"
	"         for the first payment to it - record the supplier's bank account.\n"
	"cancel   cancels an order not yet paid: its CP are released and its journal\n"
	"         entry reversed; the invoice may be ordered again.\n"
	"run      pays every approved order in one SEPA credit-transfer file\n"
	"         (pain.001.001.09) written to FILE, for execution on --date (today by\n"
	"         default): a comptable. Orders and invoices become paid, each payment\n"
	"         is booked (401 / 515), the file is kept in the database.\n"
	"file     writes the file of a past run again.\n"
	"Exit status: 0 done, 1 refused, 2 usage error, 3 I/O error.\n";

static const char decide_usage[] =
	"usage: tandem invoice reject --admin ID --invoice N --reason TEXT [--user ACTOR]\n"
	"                             [--db FILE]\n"
	"       tandem invoice reroute --admin ID --invoice N [--ej EJ] [--service CODE]\n"
	"                              --note TEXT [--user ACTOR] [--db FILE]\n"
	"       tandem invoice offset --admin ID --credit-note N --invoice M [--user ACTOR]\n"
	"                             [--db FILE]\n"

	"\n"
	"reject   rejects an invoice for good, with the reason: an ordonnateur or a\n"
	"         comptable. The supplier may then send a corrected invoice with the\n"
	"         same number.\n"
	"reroute  routes an invoice a_recycler again with its corrected EJ number\n"
	"         (BT-13) or code service / Leitweg-ID (BT-10), on the supplier's\n"
	"         request (--note): an ordonnateur or an admin. It is matched as at\n"
	"         import and says its new status.\n"
	"offset   offsets a credit note against an invoice of the same supplier not\n"
	"         yet ordered: a comptable. The invoice's payment order is then for\n"
	"         what remains due; covered whole, it is settled.\n"

	"Exit status: 0 done, 1 refused, 2 usage error, 3 I/O error.\n";

enum { O_DB = 256, O_USER, O_ADMIN, O_YEAR, O_INVOICE, O_ORDER, O_REASON, O_OUT, O_DATE,
       O_RUN, O_EJ, O_SERVICE, O_NOTE, O_CREDIT, O_COUNT_ };

static const struct option opts[] = {
	{"db", required_argument, NULL, O_DB},
	{"user", required_argument, NULL, O_USER},
	{"admin", required_argument, NULL, O_ADMIN},
	{"year", required_argument, NULL, O_YEAR},
	{"invoice", required_argument, NULL, O_INVOICE},
	{"order", required_argument, NULL, O_ORDER},
	{"reason", required_argument, NULL, O_REASON},
	{"out", required_argument, NULL, O_OUT},
	{"date", required_argument, NULL, O_DATE},
	{"run", required_argument, NULL, O_RUN},
	{"ej", required_argument, NULL, O_EJ},
	{"service", required_argument, NULL, O_SERVICE},
	{"note", required_argument, NULL, O_NOTE},
	{"credit-note", required_argument, NULL, O_CREDIT},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* A subcommand: the options it needs (O_* codes, 0-terminated) and its
 * number option (the one parsed as an id), then what it does. */
struct sub {
	const char *name;
	int needs[4];
	int number;
	int (*run)(struct tandem_store *s, const char *const v[O_COUNT_], int64_t number,
		   struct tandem_diag *d, struct tandem_buf *file);
};

static int do_order(struct tandem_store *s, const char *const v[O_COUNT_], int64_t number,
		    struct tandem_diag *d, struct tandem_buf *file)
{
	int64_t id = 0;
	/* run_sub() checked it: a year from 2000 to 2200. */
	int rc = tandem_ledger_pay_order(s, v[O_USER], v[O_ADMIN], (int)strtol(v[O_YEAR], NULL, 10),
					 number, d, &id);

	(void)file;
	if (rc == 0)
		printf("payment of invoice %lld ordered: order %lld\n", (long long)number,
		       (long long)id);
	return rc;
}

static int do_approve(struct tandem_store *s, const char *const v[O_COUNT_], int64_t number,
		      struct tandem_diag *d, struct tandem_buf *file)
{
	int rc = tandem_ledger_pay_approve(s, v[O_USER], v[O_ADMIN], number, d);

	(void)file;
	if (rc == 0)
		printf("payment order %lld approved\n", (long long)number);
	return rc;
}

static int do_cancel(struct tandem_store *s, const char *const v[O_COUNT_], int64_t number,
		     struct tandem_diag *d, struct tandem_buf *file)
{
	int rc = tandem_ledger_pay_cancel(s, v[O_USER], v[O_ADMIN], number, v[O_REASON], d);

	(void)file;
	if (rc == 0)
		printf("payment order %lld cancelled\n", (long long)number);
	return rc;
}

static int do_run(struct tandem_store *s, const char *const v[O_COUNT_], int64_t number,
		  struct tandem_diag *d, struct tandem_buf *file)
{
	struct tandem_pay_run_result r;
	char total[32];
	int rc = tandem_ledger_pay_run(s, v[O_USER], v[O_ADMIN], v[O_DATE], d, file, &r);

	(void)number;
	if (rc == 0) {
		(void)snprintf(total, sizeof total, "%lld.%02lld", (long long)(r.total_cents / 100),
			       (long long)(r.total_cents % 100));
		printf("payment run %lld (%s): %zu transfers, %s EUR, file SHA-256 %s\n",
		       (long long)r.id, r.message_id, r.transactions, total, r.sha256);
	}
	return rc;
}

static int do_file(struct tandem_store *s, const char *const v[O_COUNT_], int64_t number,
		   struct tandem_diag *d, struct tandem_buf *file)
{
	return tandem_ledger_pay_file(s, v[O_ADMIN], number, d, file);
}

static int do_reject(struct tandem_store *s, const char *const v[O_COUNT_], int64_t number,
		     struct tandem_diag *d, struct tandem_buf *file)
{
	int rc = tandem_ledger_invoice_reject(s, v[O_USER], v[O_ADMIN], number, v[O_REASON], d);

	(void)file;
	if (rc == 0)
		printf("invoice %lld rejected\n", (long long)number);
	return rc;
}

static int do_reroute(struct tandem_store *s, const char *const v[O_COUNT_], int64_t number,
		      struct tandem_diag *d, struct tandem_buf *file)
{
	struct tandem_invoice_result r;
	int rc = tandem_ledger_invoice_reroute(s, v[O_USER], v[O_ADMIN], number, v[O_EJ],
					       v[O_SERVICE], v[O_NOTE], d, &r);

	(void)file;
	if (rc == 0)
		printf("invoice %lld routed again: %s, %s\n", (long long)number, r.status, r.reason);
	return rc;
}

static int do_offset(struct tandem_store *s, const char *const v[O_COUNT_], int64_t number,
		     struct tandem_diag *d, struct tandem_buf *file)
{
	unsigned long invoice = 0;
	int rc;

	(void)file;
	if (!cli_parse_uint(v[O_INVOICE], 1ul << 62, &invoice))
		return cli_usage("invoice", "--invoice is a number");
	rc = tandem_ledger_credit_offset(s, v[O_USER], v[O_ADMIN], number, (int64_t)invoice, d);
	if (rc == 0)
		printf("credit note %lld offset against invoice %lu\n", (long long)number, invoice);
	return rc;
}

static const struct sub subs[] = {
	{"order", {O_ADMIN, O_YEAR, O_INVOICE, 0}, O_INVOICE, do_order},
	{"approve", {O_ADMIN, O_ORDER, 0}, O_ORDER, do_approve},
	{"cancel", {O_ADMIN, O_ORDER, O_REASON, 0}, O_ORDER, do_cancel},
	{"run", {O_ADMIN, O_OUT, 0}, 0, do_run},
	{"file", {O_ADMIN, O_RUN, O_OUT, 0}, O_RUN, do_file},
};

static const struct sub invoice_subs[] = {
	{"reject", {O_ADMIN, O_INVOICE, O_REASON, 0}, O_INVOICE, do_reject},
	{"reroute", {O_ADMIN, O_INVOICE, O_NOTE, 0}, O_INVOICE, do_reroute},
	{"offset", {O_ADMIN, O_CREDIT, O_INVOICE, 0}, O_CREDIT, do_offset},
};

/* Runs one subcommand; cmd is "pay" or "invoice". */
static int run_sub(const char *cmd, const char *usage, const struct sub *sub, int argc,
		   char **argv)
{
	const char *v[O_COUNT_] = { NULL };
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	struct tandem_buf file;
	unsigned long number = 0, year = 0;
	int c, rc, status;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c >= O_DB && c < O_COUNT_)
			v[c] = optarg;
		else if (c == 'h')
			return fputs(usage, stdout), CLI_EXIT_OK;
		else
			return c == ':' ? cli_missing_value(cmd, argv) : cli_unknown_option(cmd, argv);
	}
	if (optind != argc)
		return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	if (v[O_USER] == NULL)
		v[O_USER] = getenv("TANDEM_USER");
	for (int i = 0; sub->needs[i] != 0; i++)
		if (v[sub->needs[i]] == NULL)
			return cli_usage(cmd, "%s needs --%s", sub->name,
					 opts[sub->needs[i] - O_DB].name);
	if (sub->number != 0 && !cli_parse_uint(v[sub->number], 1ul << 62, &number))
		return cli_usage(cmd, "--%s is a number", opts[sub->number - O_DB].name);
	if (v[O_YEAR] != NULL && (!cli_parse_uint(v[O_YEAR], 2200, &year) || year < 2000))
		return cli_usage(cmd, "--year is a year between 2000 and 2200");
	tandem_diag_init(&d, 1000);
	tandem_buf_init(&file, TANDEM_SEPA_OUT_MAX);
	rc = tandem_ledger_open(cli_db_path(v[O_DB]), 0, &d, &s);
	if (rc == 0)
		rc = sub->run(s, v, (int64_t)number, &d, &file);
	status = cli_ledger_finish(cmd, rc, &d, NULL);
	if (status == CLI_EXIT_OK && v[O_OUT] != NULL) {
		status = cli_write_output(cmd, v[O_OUT], file.data, file.len);
		if (status == CLI_EXIT_OK && strcmp(sub->name, "file") != 0)
			printf("written to %s\n", v[O_OUT]);
	}
	tandem_buf_release(&file);
	if (s != NULL)
		(void)cli_publish(cmd, s, cli_db_path(v[O_DB]), true);
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status;
}

int cmd_pay(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return fputs(usage_text, stdout), CLI_EXIT_OK;
	for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return run_sub("pay", usage_text, &subs[i], argc - 1, argv + 1);
	return cli_usage("pay", "the subcommand is order, approve, cancel, run or file");
}

int cmd_invoice_decide(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof invoice_subs / sizeof invoice_subs[0]; i++)
		if (strcmp(argv[0], invoice_subs[i].name) == 0)
			return run_sub("invoice", decide_usage, &invoice_subs[i], argc, argv);
	return cli_usage("invoice", "the subcommand is reject, reroute or offset");
}
