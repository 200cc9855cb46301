/*
 * src/cli/cmd_commit.c - `tandem supplier add|account`, `tandem commit` and
 * `tandem certify`: the suppliers of an administration, their bank
 * details, the legal commitments that consume AE, and service done.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tandem/decimal.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/store.h"

static const char supplier_usage[] =
	"usage: tandem supplier add --admin ID --name NAME --country CC [--siret SIRET]\n"
	"                           [--vat VAT] [--street S] [--postcode P] [--town T]\n"
	"                           [--user ACTOR] [--db FILE]\n"
	"       tandem supplier account --admin ID --supplier SIRET|VAT --iban IBAN\n"
	"                           [--bic BIC] --evidence TEXT [--user ACTOR] [--db FILE]\n"
	"       tandem supplier address --admin ID --supplier SIRET|VAT --town T\n"
	"                           [--street S] [--postcode P] [--user ACTOR] [--db FILE]\n"
	"\n"
	"add      a supplier of the administration (its SIRET or Leitweg-ID), known by its\n"
	"         SIRET or VAT number (checked), with its postal address.\n"
	"account  a new bank account for a supplier, with the evidence of the change; the\n"
	"         history is kept and says who changed it and when.\n"
	"address  the supplier's postal address, which its SEPA transfers carry (a town is\n"
	"         needed before the first payment run).\n"
	"Exit status: 0 done, 1 refused, 2 usage error, 3 I/O error.\n";

static const char commit_usage[] =
	"usage: tandem commit --admin ID --year YEAR --number EJ --supplier SIRET|VAT\n"
	"                     --line PATH --amount EUR --object TEXT [--account CODE]\n"
	"                     [--item 'QTY UNIT EUR DESCRIPTION']... [--user ACTOR] [--db FILE]\n"
	"\n"
	"Records a legal commitment (EJ / Bestellung) on a budget line, consuming AE.\n"
	"--item (repeated) gives its lines in order (1, 2 ...): a quantity (up to three\n"
	"decimals), a UN/ECE Rec 20 unit code (C62 one, HUR hour, DAY, KGM ...), the\n"
	"line's net amount and what it is; --amount is then their sum (and may be\n"
	"left out).\n"
	"The core refuses it beyond the AE available at the nearest node that carries\n"
	"AE, from the line up. Only an ordonnateur commits. --account: the expense\n"
	"account its payments are booked to, of class 6 of the chart (604 by default).\n"
	"Exit status: 0 recorded, 1 refused, 2 usage error, 3 I/O error.\n";

static const char certify_usage[] =
	"usage: tandem certify --admin ID --year YEAR --number EJ --amount EUR --note TEXT\n"
	"                      [--user ACTOR] [--db FILE]\n"
	"       tandem certify --admin ID --year YEAR --number EJ --delivered LINE:QTY...\n"
	"                      --note TEXT [--user ACTOR] [--db FILE]\n"
	"\n"
	"Certifies service done on a commitment: what was delivered, for an amount, or,\n"
	"on a commitment with lines, by the quantity delivered on each line named\n"
	"(--delivered repeated; the amount is what they are worth at the line's price).\n"
	"No line gets more than was ordered.\n"
	"The certified total never exceeds the commitment. Only an ordonnateur certifies.\n"
	"Exit status: 0 recorded, 1 refused, 2 usage error, 3 I/O error.\n";

enum { O_DB = 256, O_USER, O_ADMIN, O_NAME, O_COUNTRY, O_SIRET, O_VAT, O_SUPPLIER, O_IBAN,
       O_BIC, O_EVIDENCE, O_YEAR, O_NUMBER, O_LINE, O_AMOUNT, O_OBJECT, O_NOTE, O_STREET,
       O_POSTCODE, O_TOWN, O_ACCOUNT, O_ITEM, O_DELIVERED, O_COUNT_ };

static const struct option opts[] = {
	{"db", required_argument, NULL, O_DB},
	{"user", required_argument, NULL, O_USER},
	{"admin", required_argument, NULL, O_ADMIN},
	{"name", required_argument, NULL, O_NAME},
	{"country", required_argument, NULL, O_COUNTRY},
	{"siret", required_argument, NULL, O_SIRET},
	{"vat", required_argument, NULL, O_VAT},
	{"supplier", required_argument, NULL, O_SUPPLIER},
	{"iban", required_argument, NULL, O_IBAN},
	{"bic", required_argument, NULL, O_BIC},
	{"evidence", required_argument, NULL, O_EVIDENCE},
	{"year", required_argument, NULL, O_YEAR},
	{"number", required_argument, NULL, O_NUMBER},
	{"line", required_argument, NULL, O_LINE},
	{"amount", required_argument, NULL, O_AMOUNT},
	{"object", required_argument, NULL, O_OBJECT},
	{"note", required_argument, NULL, O_NOTE},
	{"street", required_argument, NULL, O_STREET},
	{"postcode", required_argument, NULL, O_POSTCODE},
	{"town", required_argument, NULL, O_TOWN},
	{"account", required_argument, NULL, O_ACCOUNT},
	{"item", required_argument, NULL, O_ITEM},
	{"delivered", required_argument, NULL, O_DELIVERED},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* The values of the repeated options (--item, --delivered), in order. */
static const char *repeated[TANDEM_COMMITMENT_LINES_MAX];
static size_t n_repeated;

/* Option values by O_*; -1 to go on, else the exit status. */
static int parse(const char *cmd, const char *usage, int argc, char **argv,
		 const char *v[O_COUNT_])
{
	int c;

	memset(v, 0, O_COUNT_ * sizeof v[0]);
	n_repeated = 0;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == O_ITEM || c == O_DELIVERED) {
			if (n_repeated == TANDEM_COMMITMENT_LINES_MAX)
				return cli_usage(cmd, "at most %d lines", TANDEM_COMMITMENT_LINES_MAX);
			repeated[n_repeated++] = optarg;
		}
		if (c >= O_DB && c < O_COUNT_) {
			v[c] = optarg;
			continue;
		}
		if (c == 'h') {
			fputs(usage, stdout);
			return CLI_EXIT_OK;
		}
		return c == ':' ? cli_missing_value(cmd, argv) : cli_unknown_option(cmd, argv);
	}
	if (optind != argc)
		return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
	if (v[O_USER] == NULL)
		v[O_USER] = getenv("TANDEM_USER");
	v[O_DB] = cli_db_path(v[O_DB]);
	return -1;
}


/* What tandem supplier SUB needs; NULL when v has it. */
static const char *supplier_lacks(const char *sub, const char *const v[O_COUNT_])
{
	if (v[O_ADMIN] == NULL)
		return "--admin";
	if (strcmp(sub, "add") == 0)
		return v[O_NAME] == NULL ? "--name" : v[O_COUNTRY] == NULL ? "--country" : NULL;
	if (v[O_SUPPLIER] == NULL)
		return "--supplier";
	if (strcmp(sub, "address") == 0)
		return v[O_TOWN] == NULL ? "--town" : NULL;
	return v[O_IBAN] == NULL ? "--iban" : v[O_EVIDENCE] == NULL ? "--evidence" : NULL;
}

static int supplier_do(struct tandem_store *s, const char *sub, const char *const v[O_COUNT_],
		       struct tandem_diag *d)
{
	int rc;

	if (strcmp(sub, "add") == 0) {
		struct tandem_supplier_in in = { v[O_ADMIN], v[O_NAME], v[O_COUNTRY], v[O_SIRET],
						 v[O_VAT], v[O_STREET], v[O_POSTCODE], v[O_TOWN] };
		int64_t id;

		rc = tandem_ledger_supplier_add(s, v[O_USER], &in, d, &id);
		if (rc == 0)
			printf("supplier %lld added: %s\n", (long long)id, v[O_NAME]);
	} else if (strcmp(sub, "address") == 0) {
		rc = tandem_ledger_supplier_address(s, v[O_USER], v[O_ADMIN], v[O_SUPPLIER],
						    v[O_STREET], v[O_POSTCODE], v[O_TOWN], d);
		if (rc == 0)
			printf("address of %s recorded\n", v[O_SUPPLIER]);
	} else {
		rc = tandem_ledger_supplier_account(s, v[O_USER], v[O_ADMIN], v[O_SUPPLIER],
						    v[O_IBAN], v[O_BIC], v[O_EVIDENCE], d);
		if (rc == 0)
			printf("bank account of %s recorded\n", v[O_SUPPLIER]);
	}
	return rc;
}

int cmd_supplier(int argc, char **argv)
{
	const char *v[O_COUNT_], *lacks, *sub = argc >= 2 ? argv[1] : "";
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	int rc, status;

	if (strcmp(sub, "add") != 0 && strcmp(sub, "account") != 0 &&
	    strcmp(sub, "address") != 0) {
		if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
			fputs(supplier_usage, stdout);
			return CLI_EXIT_OK;
		}
		return cli_usage("supplier", "the subcommand is add, account or address");
	}
	status = parse("supplier", supplier_usage, argc - 1, argv + 1, v);
	if (status >= 0)
		return status;
	if (n_repeated > 0)
		return cli_usage("supplier", "--item and --delivered are for commit and certify");
	lacks = supplier_lacks(sub, v);
	if (lacks != NULL)
		return cli_usage("supplier", "%s needs %s", sub, lacks);
	tandem_diag_init(&d, 100);
	rc = tandem_ledger_open(v[O_DB], 0, &d, &s);
	if (rc == 0)
		rc = supplier_do(s, sub, v, &d);
	status = cli_ledger_finish("supplier", rc, &d, NULL);
	if (s != NULL)
		(void)cli_publish("supplier", s, cli_db_path(v[O_DB]), true);
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status;
}

/* Cents as euros with two decimals. */
static void euros(int64_t cents, char out[TANDEM_DEC_STR_MAX])
{
	struct tandem_dec v;

	(void)snprintf(out, TANDEM_DEC_STR_MAX, "?");
	if (tandem_dec_from_int(cents, 2, &v) == 0)
		(void)tandem_dec_format(v, out);
}

/* A quantity with at most three decimals ("2.5") in thousandths. */
static bool parse_milli(const char *s, int64_t *out)
{
	int64_t v = 0;
	int decimals = -1;

	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || decimals == 3 || v > TANDEM_QUANTITY_MILLI_MAX / 10)
			return false;
		v = v * 10 + (*s - '0');
		if (decimals >= 0)
			decimals++;
	}
	for (int i = decimals < 0 ? 0 : decimals; i < 3; i++)
		v *= 10;
	*out = v;
	return v > 0 && v <= TANDEM_QUANTITY_MILLI_MAX;
}

/* The next word of *p (at most size - 1 bytes) into out; false when none. */
static bool word(const char **p, char *out, size_t size)
{
	size_t n = 0;

	while (**p == ' ')
		(*p)++;
	while (**p != '\0' && **p != ' ' && n + 1 < size)
		out[n++] = *(*p)++;
	out[n] = '\0';
	return n > 0 && (**p == ' ' || **p == '\0');
}

struct items {
	struct tandem_commitment_line line[TANDEM_COMMITMENT_LINES_MAX];
	char unit[TANDEM_COMMITMENT_LINES_MAX][4];
};

/* --item 'QTY UNIT EUR DESCRIPTION' values into it; an exit status or -1. */
static int parse_items(struct items *it, int64_t *sum)
{
	*sum = 0;
	for (size_t i = 0; i < n_repeated; i++) {
		const char *p = repeated[i];
		char qty[32], amount[32];

		if (!word(&p, qty, sizeof qty) || !word(&p, it->unit[i], sizeof it->unit[i]) ||
		    !word(&p, amount, sizeof amount) ||
		    !parse_milli(qty, &it->line[i].quantity_milli) ||
		    !cli_parse_cents(amount, &it->line[i].amount_cents))
			return cli_usage("commit", "--item is 'QTY UNIT EUR DESCRIPTION' (e.g. '12 "
					 "C62 240.00 Ramettes A4'), not '%s'", repeated[i]);
		while (*p == ' ')
			p++;
		it->line[i].unit = it->unit[i];
		it->line[i].description = p;
		*sum += it->line[i].amount_cents;
	}
	return -1;
}

int cmd_commit(int argc, char **argv)
{
	const char *v[O_COUNT_];
	static struct items items;
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	struct tandem_commitment_in in;
	char *end = NULL, shown[TANDEM_DEC_STR_MAX];
	long year;
	int64_t id, sum = 0;
	int rc, status;

	status = parse("commit", commit_usage, argc, argv, v);
	if (status >= 0)
		return status;
	if (v[O_DELIVERED] != NULL)
		return cli_usage("commit", "--delivered is for tandem certify");
	if (v[O_ADMIN] == NULL || v[O_YEAR] == NULL || v[O_NUMBER] == NULL ||
	    v[O_SUPPLIER] == NULL || v[O_LINE] == NULL ||
	    (v[O_AMOUNT] == NULL && n_repeated == 0) || v[O_OBJECT] == NULL)
		return cli_usage("commit", "commit needs --admin, --year, --number, --supplier, "
				 "--line, --amount (or --item) and --object");
	year = strtol(v[O_YEAR], &end, 10);
	if (*end != '\0' || year < 2000 || year > 2200)
		return cli_usage("commit", "--year is a year between 2000 and 2200");
	status = parse_items(&items, &sum);
	if (status >= 0)
		return status;
	in = (struct tandem_commitment_in){ v[O_ADMIN], (int)year, v[O_NUMBER], v[O_SUPPLIER],
					    v[O_LINE], v[O_OBJECT], sum, v[O_ACCOUNT],
					    items.line, n_repeated };
	if (v[O_AMOUNT] != NULL && !cli_parse_cents(v[O_AMOUNT], &in.amount_cents))
		return cli_usage("commit", "--amount is in euros with at most two decimals: '%s'",
				 v[O_AMOUNT]);
	tandem_diag_init(&d, 100);
	rc = tandem_ledger_open(v[O_DB], 0, &d, &s);
	if (rc == 0)
		rc = tandem_ledger_commit(s, v[O_USER], &in, &d, &id);
	euros(in.amount_cents, shown);
	if (rc == 0)
		printf("commitment %s recorded (%lld): %s EUR on %s%s\n", in.number, (long long)id,
		       shown, in.budget_path, n_repeated > 0 ? ", by lines" : "");
	status = cli_ledger_finish("commit", rc, &d, NULL);
	if (s != NULL)
		(void)cli_publish("commit", s, cli_db_path(v[O_DB]), true);
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status;
}

int cmd_certify(int argc, char **argv)
{
	const char *v[O_COUNT_];
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	static struct tandem_delivery delivered[TANDEM_COMMITMENT_LINES_MAX];
	char *end = NULL, shown[TANDEM_DEC_STR_MAX];
	long year;
	int64_t cents = 0, id = 0;
	int rc, status;

	status = parse("certify", certify_usage, argc, argv, v);
	if (status >= 0)
		return status;
	if (v[O_ITEM] != NULL)
		return cli_usage("certify", "--item is for tandem commit");
	if (v[O_ADMIN] == NULL || v[O_YEAR] == NULL || v[O_NUMBER] == NULL ||
	    (v[O_AMOUNT] == NULL) == (n_repeated == 0) || v[O_NOTE] == NULL)
		return cli_usage("certify", "certify needs --admin, --year, --number, --note and "
				 "either --amount or --delivered");
	year = strtol(v[O_YEAR], &end, 10);
	if (*end != '\0' || year < 2000 || year > 2200)
		return cli_usage("certify", "--year is a year between 2000 and 2200");
	if (v[O_AMOUNT] != NULL && !cli_parse_cents(v[O_AMOUNT], &cents))
		return cli_usage("certify", "--amount is in euros with at most two decimals: '%s'",
				 v[O_AMOUNT]);
	for (size_t i = 0; i < n_repeated; i++) {
		unsigned long line = 0;
		char no[16];
		const char *colon = strchr(repeated[i], ':');

		if (colon == NULL || (size_t)(colon - repeated[i]) >= sizeof no)
			return cli_usage("certify", "--delivered is LINE:QTY, not '%s'", repeated[i]);
		memcpy(no, repeated[i], (size_t)(colon - repeated[i]));
		no[colon - repeated[i]] = '\0';
		if (!cli_parse_uint(no, TANDEM_COMMITMENT_LINES_MAX, &line) ||
		    !parse_milli(colon + 1, &delivered[i].quantity_milli))
			return cli_usage("certify", "--delivered is LINE:QTY, not '%s'", repeated[i]);
		delivered[i].line_no = (unsigned)line;
	}
	tandem_diag_init(&d, 100);
	rc = tandem_ledger_open(v[O_DB], 0, &d, &s);
	if (rc == 0 && n_repeated > 0)
		rc = tandem_ledger_certify_lines(s, v[O_USER], v[O_ADMIN], (int)year, v[O_NUMBER],
						 delivered, n_repeated, v[O_NOTE], &d, &id, &cents);
	else if (rc == 0)
		rc = tandem_ledger_certify(s, v[O_USER], v[O_ADMIN], (int)year, v[O_NUMBER], cents,
					   v[O_NOTE], &d, &id);
	euros(cents, shown);
	if (rc == 0)
		printf("service done on %s certified: %s EUR\n", v[O_NUMBER], shown);
	status = cli_ledger_finish("certify", rc, &d, NULL);
	if (s != NULL)
		(void)cli_publish("certify", s, cli_db_path(v[O_DB]), true);
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status;
}
