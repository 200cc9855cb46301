/*
 * src/cli/cmd_pay.c - `tandem pay order|approve`: the ordonnateur's order to
 * pay a matched invoice (consuming CP, booked in the journal) and the
 * comptable's approval under the separation of duties.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/store.h"

static const char usage_text[] =
	"usage: tandem pay order --admin ID --year YEAR --invoice N [--user ACTOR] [--db FILE]\n"
	"       tandem pay approve --admin ID --order N [--user ACTOR] [--db FILE]\n"
	"\n"
	"order    orders the payment of a matched (ready) invoice: an ordonnateur; the\n"
	"         order consumes CP of YEAR under the availability control and is\n"
	"         booked in the journal (expense account / 401 Fournisseurs).\n"
	"approve  approves a payment order: a comptable who did not create the\n"
	"         commitment, certify its service done, order the payment, nor -\n"
	"         for the first payment to it - record the supplier's bank account.\n"
	"Exit status: 0 done, 1 refused, 2 usage error, 3 I/O error.\n";

enum { O_DB = 256, O_USER, O_ADMIN, O_YEAR, O_INVOICE, O_ORDER, O_COUNT_ };

static const struct option opts[] = {
	{"db", required_argument, NULL, O_DB},
	{"user", required_argument, NULL, O_USER},
	{"admin", required_argument, NULL, O_ADMIN},
	{"year", required_argument, NULL, O_YEAR},
	{"invoice", required_argument, NULL, O_INVOICE},
	{"order", required_argument, NULL, O_ORDER},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int cmd_pay(int argc, char **argv)
{
	const char *v[O_COUNT_] = { NULL };
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	unsigned long year = 0, number = 0;
	bool order;
	int64_t id = 0;
	int c, rc, status;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return fputs(usage_text, stdout), CLI_EXIT_OK;
	if (argc < 2 || (strcmp(argv[1], "order") != 0 && strcmp(argv[1], "approve") != 0))
		return cli_usage("pay", "the subcommand is order or approve");
	order = strcmp(argv[1], "order") == 0;
	argc--;
	argv++;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c >= O_DB && c < O_COUNT_)
			v[c] = optarg;
		else if (c == 'h')
			return fputs(usage_text, stdout), CLI_EXIT_OK;
		else
			return c == ':' ? cli_missing_value("pay", argv) : cli_unknown_option("pay", argv);
	}
	if (optind != argc)
		return cli_usage("pay", "unexpected argument '%s'", argv[optind]);
	if (v[O_USER] == NULL)
		v[O_USER] = getenv("TANDEM_USER");
	if (v[O_ADMIN] == NULL || (order && (v[O_YEAR] == NULL || v[O_INVOICE] == NULL)) ||
	    (!order && v[O_ORDER] == NULL))
		return cli_usage("pay", order ? "order needs --admin, --year and --invoice"
					      : "approve needs --admin and --order");
	if (order && (!cli_parse_uint(v[O_YEAR], 2200, &year) || year < 2000))
		return cli_usage("pay", "--year is a year between 2000 and 2200");
	if (!cli_parse_uint(order ? v[O_INVOICE] : v[O_ORDER], 1ul << 62, &number))
		return cli_usage("pay", "%s is a number", order ? "--invoice" : "--order");
	tandem_diag_init(&d, 100);
	rc = tandem_ledger_open(cli_db_path(v[O_DB]), 0, &d, &s);
	if (rc == 0 && order) {
		rc = tandem_ledger_pay_order(s, v[O_USER], v[O_ADMIN], (int)year, (int64_t)number,
					     &d, &id);
		if (rc == 0)
			printf("payment of invoice %lu ordered: order %lld\n", number, (long long)id);
	} else if (rc == 0) {
		rc = tandem_ledger_pay_approve(s, v[O_USER], v[O_ADMIN], (int64_t)number, &d);
		if (rc == 0)
			printf("payment order %lu approved\n", number);
	}
	status = cli_ledger_finish("pay", rc, &d, NULL);
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status;
}
