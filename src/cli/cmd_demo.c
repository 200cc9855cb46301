/*
 * src/cli/cmd_demo.c - `tandem demo`: a realistic ledger database, built
 * by the library (tandem/demo.h) in a new or empty database, and its
 * figures as a table or JSON.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "tandem/demo.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/store.h"

#define DEFAULT_SHARED "../shared/data"
#define SEED_MAX 0xFFFFFFFFul

static const char usage_text[] =
	"usage: tandem demo [--db FILE|URL] [--seed N] [--commitments N] [--artefacts DIR]\n"
	"                   [--parties FILE] [--no-cache] [--json]\n"
	"\n"
	"Builds a realistic database for demonstrations and audit work: a French\n"
	"administration (programme 156) and a German one (Einzelplan 06), their users,\n"
	"suppliers from parties.tsv (French ones) and made-up German ones, and the\n"
	"fiscal year 2026 played day by day up to mid-November: commitments, service\n"
	"done, e-invoices written as real EN 16931 files (UBL, CII, XRechnung),\n"
	"validated with the official rules and imported, payment orders, approvals\n"
	"and SEPA payment runs, with planted anomalies (a duplicate invoice, a split\n"
	"purchase, a bank account changed before a payment). docs/demo.md.\n"
	"\n"
	"--db           the database (default $TANDEM_DB, else tandem.db): new, or\n"
	"               empty; one that holds anything is refused\n"
	"--seed         the seed (default 1): the same seed, the same database\n"
	"--commitments  in all, 10/13 French (default 2600; 30 to 100000)\n"
	"--artefacts    validation artefacts (default $TANDEM_ARTEFACTS, else\n"
	"               ../shared/data/einvoice/artefacts)\n"
	"--parties      suppliers (default ../shared/data/procurement/parties.tsv)\n"
	"Exit status: 0 done, 1 refused (the database is not empty), 2 usage error,\n"
	"3 I/O error or missing input.\n";

static void money(int64_t cents, char out[32])
{
	(void)snprintf(out, 32, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

static void print_json(const struct tandem_demo_report *r)
{
	const struct tandem_demo_anomalies *a = &r->anomalies;
	char paid[2][32];

	money(r->paid_cents[0], paid[0]);
	money(r->paid_cents[1], paid[1]);
	printf("{\"seed\":%llu,\"from\":\"%s\",\"to\":\"%s\",\"elapsed_ms\":%lld,\"users\":%zu,",
	       (unsigned long long)r->seed, r->first_day, r->last_day, (long long)r->elapsed_ms,
	       r->users);
	for (int k = 0; k < 2; k++)
		printf("\"%s\":{\"suppliers\":%zu,\"commitments\":%zu,\"certifications\":%zu,"
		       "\"invoices\":%zu,\"orders\":%zu,\"runs\":%zu,\"paid\":\"%s\"},",
		       k == 0 ? "fr" : "de", r->suppliers[k], r->commitments[k],
		       r->certifications[k], r->invoices[k], r->orders[k], r->runs[k], paid[k]);
	printf("\"files\":{\"ubl\":%zu,\"cii\":%zu,\"invalid\":%zu,\"refused\":%zu},\"status\":{",
	       r->invoices_ubl, r->invoices_cii, r->invoices_invalid, r->invoices_refused);
	for (size_t i = 0; i < TANDEM_DEMO_STATUSES; i++)
		printf("%s\"%s\":%zu", i ? "," : "", tandem_demo_status_name(i), r->by_status[i]);
	printf("},\"anomalies\":{\"duplicate\":{\"supplier\":\"%s\",\"numbers\":[\"%s\",\"%s\"],"
	       "\"invoices\":[%lld,%lld]},", a->dup_supplier, a->dup_numbers[0],
	       a->dup_numbers[1], (long long)a->dup_invoices[0], (long long)a->dup_invoices[1]);
	printf("\"split\":{\"supplier\":\"%s\",\"commitments\":[\"%s\",\"%s\",\"%s\"]},",
	       a->split_supplier, a->split_numbers[0], a->split_numbers[1], a->split_numbers[2]);
	printf("\"iban_change\":{\"supplier\":\"%s\",\"old\":\"%s\",\"new\":\"%s\",\"on\":\"%s\","
	       "\"by\":\"%s\",\"invoice\":%lld,\"order\":%lld,\"run\":%lld,\"paid_on\":\"%s\"}}}\n",
	       a->iban_supplier, a->iban_old, a->iban_new, a->iban_changed_on,
	       a->iban_changed_by, (long long)a->iban_invoice, (long long)a->iban_order,
	       (long long)a->iban_run, a->iban_paid_on);
}

static void print_table(const struct tandem_demo_report *r)
{
	const struct tandem_demo_anomalies *a = &r->anomalies;
	char m[2][32];

	printf("tandem demo: seed %llu, %s to %s, %lld.%03lld s\n\n", (unsigned long long)r->seed,
	       r->first_day, r->last_day, (long long)(r->elapsed_ms / 1000),
	       (long long)(r->elapsed_ms % 1000));
	printf("%-28s %14s %14s\n", "", "France", "Germany");
	printf("%-28s %14s %14s\n", "administration", TANDEM_DEMO_FR, TANDEM_DEMO_DE);
	printf("%-28s %14zu %14zu\n", "suppliers", r->suppliers[0], r->suppliers[1]);
	printf("%-28s %14zu %14zu\n", "commitments", r->commitments[0], r->commitments[1]);
	money(r->committed_cents[0], m[0]);
	money(r->committed_cents[1], m[1]);
	printf("%-28s %14s %14s\n", "  committed (EUR)", m[0], m[1]);
	printf("%-28s %14zu %14zu\n", "service-done certifications", r->certifications[0],
	       r->certifications[1]);
	printf("%-28s %14zu %14zu\n", "invoices stored", r->invoices[0], r->invoices[1]);
	printf("%-28s %14zu %14zu\n", "payment orders", r->orders[0], r->orders[1]);
	printf("%-28s %14zu %14zu\n", "payment runs (SEPA files)", r->runs[0], r->runs[1]);
	money(r->paid_cents[0], m[0]);
	money(r->paid_cents[1], m[1]);
	printf("%-28s %14s %14s\n", "  paid (EUR)", m[0], m[1]);
	printf("\nusers %zu; invoice files %zu UBL, %zu CII; invalid %zu; refused %zu\n", r->users,
	       r->invoices_ubl, r->invoices_cii, r->invoices_invalid, r->invoices_refused);
	printf("invoices by status:");
	for (size_t i = 0; i < TANDEM_DEMO_STATUSES; i++)
		printf(" %s %zu", tandem_demo_status_name(i), r->by_status[i]);
	printf("\n\nplanted anomalies:\n");
	printf("  duplicate invoice: supplier %s, %s (invoice %lld) and %s (invoice %lld)\n",
	       a->dup_supplier, a->dup_numbers[0], (long long)a->dup_invoices[0],
	       a->dup_numbers[1], (long long)a->dup_invoices[1]);
	printf("  split purchase:    supplier %s, commitments %s %s %s\n", a->split_supplier,
	       a->split_numbers[0], a->split_numbers[1], a->split_numbers[2]);
	printf("  IBAN changed:      supplier %s, %s -> %s on %s by %s;\n"
	       "                     invoice %lld, order %lld, paid by run %lld on %s\n",
	       a->iban_supplier, a->iban_old, a->iban_new, a->iban_changed_on, a->iban_changed_by,
	       (long long)a->iban_invoice, (long long)a->iban_order, (long long)a->iban_run,
	       a->iban_paid_on);
}

/* Checks that an input is there before anything is done. */
static int need(const char *what, const char *path, bool dir)
{
	struct stat st;

	if (stat(path, &st) != 0 || (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)))
		return cli_error(CLI_EXIT_IO, "demo", "%s %s is missing (%s)", what, path,
				 dir ? "--artefacts DIR or $TANDEM_ARTEFACTS" : "--parties FILE");
	return 0;
}

static int build(const char *db, struct tandem_demo_options *o, bool json)
{
	struct tandem_demo_report r;
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	int rc, status;

	tandem_diag_init(&d, 200);
	rc = tandem_ledger_open(db, TANDEM_STORE_CREATE, &d, &s);
	if (rc == 0)
		rc = tandem_demo_build(s, o, &d, &r);
	if (rc == 0)
		(void)cli_publish("demo", s, db, false);
	tandem_store_close(s);
	if (rc == 0 && r.invoices_invalid > 0) {
		cli_print_findings(stderr, &d);
		status = cli_error(CLI_EXIT_IO, "demo", "%zu generated invoices are invalid: a bug "
				   "of the demo", r.invoices_invalid);
	} else if (rc == 0) {
		json || cli_json ? print_json(&r) : print_table(&r);
		status = CLI_EXIT_OK;
	} else {
		status = cli_ledger_finish("demo", rc, &d, db);
	}
	tandem_diag_release(&d);
	return status;
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"seed", required_argument, NULL, 's'},
		{"commitments", required_argument, NULL, 'c'},
		{"artefacts", required_argument, NULL, 'a'},
		{"parties", required_argument, NULL, 'p'},
		{"no-cache", no_argument, NULL, 'N'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct tandem_demo_options o = { 0 };
	struct tandem_einv_rules *rules = NULL;
	const char *db = NULL, *artefacts = getenv(TANDEM_EINV_ARTEFACTS_ENV);
	bool json = false, no_cache = false;
	unsigned long v;
	int c, status;

	o.parties = DEFAULT_SHARED "/procurement/parties.tsv";
	if (artefacts == NULL || artefacts[0] == '\0')
		artefacts = DEFAULT_SHARED "/einvoice/artefacts";
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'd') {
			db = optarg;
		} else if (c == 's' || c == 'c') {
			if (!cli_parse_uint(optarg, c == 's' ? SEED_MAX : TANDEM_DEMO_COMMITMENTS_MAX,
					    &v) || (c == 'c' && v < TANDEM_DEMO_COMMITMENTS_MIN))
				return cli_usage("demo", "--%s takes a number%s, not '%s'",
						 c == 's' ? "seed" : "commitments",
						 c == 's' ? "" : " from 30 to 100000", optarg);
			if (c == 's')
				o.seed = v;
			else
				o.commitments = (unsigned)v;
		} else if (c == 'a') {
			artefacts = optarg;
		} else if (c == 'p') {
			o.parties = optarg;
		} else if (c == 'N') {
			no_cache = true;
		} else if (c == 'j') {
			json = true;
		} else if (c == 'h') {
			return fputs(usage_text, stdout), CLI_EXIT_OK;
		} else {
			return c == ':' ? cli_missing_value("demo", argv)
					: cli_unknown_option("demo", argv);
		}
	}
	if (optind < argc)
		return cli_usage("demo", "unexpected argument '%s'", argv[optind]);
	status = need("the parties file", o.parties, false);
	if (!status)
		status = need("the validation artefacts directory", artefacts, true);
	if (!status)
		status = cli_load_rules(artefacts, cli_cache_wanted(no_cache), &rules);
	o.rules = rules;
	if (!status)
		status = build(cli_db_path(db), &o, json);
	tandem_einv_rules_free(rules);
	return status;
}
