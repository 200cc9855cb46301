/*
 * src/cli/cmd_budget.c - `tandem user add` and `tandem budget load|show`:
 * the people who act on the ledger, and the budget they execute.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tandem/arena.h"
#include "tandem/decimal.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/store.h"

static const char user_usage[] =
	"usage: tandem user add LOGIN --role ROLE --name NAME [--user ACTOR] [--db FILE]\n"
	"\n"
	"Adds a user of the ledger. ROLE is ordonnateur, comptable, auditeur or admin.\n"
	"The first user must be an admin; later ones are added by an admin (ACTOR,\n"
	"default $TANDEM_USER).\n"
	"Exit status: 0 added, 1 refused, 2 usage error, 3 I/O error.\n";

static const char budget_usage[] =
	"usage: tandem budget load FILE [--user ACTOR] [--db FILE]\n"
	"       tandem budget show --admin SIRET|LEITWEG-ID --year YEAR [--json] [--db FILE]\n"
	"       tandem budget move --admin ID --year YEAR --kind AE|CP [--from PATH]\n"
	"                          [--to PATH] --amount EUR --reason TEXT [--user ACTOR]\n"
	"                          [--db FILE]\n"
	"       tandem budget cpv-map --admin ID [FILE] [--json] [--user ACTOR] [--db FILE]\n"
	"\n"
	"load  reads a budget file (docs/ledger.md): the administration, the year, the\n"
	"      budget tree and its initial AE and CP; checked whole, then written in one\n"
	"      transaction or not at all. Loading the same file again changes nothing.\n"
	"show  the budget tree with AE and CP per node (its subtree) and what is\n"
	"      available.\n"
	"move  moves AE or CP of an open year: --from and --to a transfer, --to alone\n"
	"      an opening, --from alone a cancellation; REASON is its legal basis. A\n"
	"      line gives no more than is neither committed nor ordered.\n"
	"cpv-map  the table from CPV codes to budget lines (tandem budget cpv-map\n"
	"      --help).\n"
	"Exit status: 0 done, 1 refused, 2 usage error, 3 I/O error.\n";

static const struct option opts[] = {
	{"db", required_argument, NULL, 'd'},
	{"user", required_argument, NULL, 'u'},
	{"role", required_argument, NULL, 'r'},
	{"name", required_argument, NULL, 'n'},
	{"admin", required_argument, NULL, 'a'},
	{"year", required_argument, NULL, 'y'},
	{"json", no_argument, NULL, 'j'},
	{"kind", required_argument, NULL, 'k'},
	{"from", required_argument, NULL, 'f'},
	{"to", required_argument, NULL, 't'},
	{"amount", required_argument, NULL, 'm'},
	{"reason", required_argument, NULL, 'R'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct args {
	const char *db, *user, *role, *name, *admin, *year;
	const char *kind, *from, *to, *amount, *reason;
};

/* Options of both commands; -1 to go on, else the exit status. */
static int parse(const char *cmd, const char *usage, int argc, char **argv, struct args *a)
{
	int c;

	memset(a, 0, sizeof *a);
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': a->db = optarg; break;
		case 'u': a->user = optarg; break;
		case 'r': a->role = optarg; break;
		case 'n': a->name = optarg; break;
		case 'a': a->admin = optarg; break;
		case 'y': a->year = optarg; break;
		case 'j': cli_json = true; break;
		case 'k': a->kind = optarg; break;
		case 'f': a->from = optarg; break;
		case 't': a->to = optarg; break;
		case 'm': a->amount = optarg; break;
		case 'R': a->reason = optarg; break;
		case 'h':
			fputs(usage, stdout);
			return CLI_EXIT_OK;
		case ':':
			return cli_missing_value(cmd, argv);
		default:
			return cli_unknown_option(cmd, argv);
		}
	}
	if (a->user == NULL)
		a->user = getenv("TANDEM_USER");
	return -1;
}


static int open_db(const char *cmd, const char *db, struct tandem_diag *d,
		   struct tandem_store **s)
{
	int rc = tandem_ledger_open(db, 0, d, s);

	if (rc == TANDEM_ENOENT)
		(void)cli_error(0, cmd, "no database %s: create it with tandem init", db);
	return rc;
}

int cmd_user(int argc, char **argv)
{
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	struct args a;
	char shown[1024];
	int rc, status;

	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			fputs(user_usage, stdout);
			return CLI_EXIT_OK;
		}
		return cli_usage("user", "the subcommand is add");
	}
	status = parse("user", user_usage, argc - 1, argv + 1, &a);
	if (status >= 0)
		return status;
	if (argc - 1 - optind != 1 || a.role == NULL || a.name == NULL)
		return cli_usage("user", "add takes one LOGIN, --role and --name");
	a.db = cli_db_path(a.db);
	tandem_diag_init(&d, 100);
	rc = open_db("user", a.db, &d, &s);
	if (rc == 0)
		rc = tandem_ledger_user_add(s, a.user, argv[1 + optind], a.name, a.role, &d);
	if (rc == 0)
		printf("user %s added as %s\n", argv[1 + optind], a.role);
	status = cli_ledger_finish("user", rc, &d, cli_db_shown(a.db, shown, sizeof shown));
	if (s != NULL)
		(void)cli_publish("user", s, a.db, true);
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status;
}

static int show(const struct args *a)
{
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	struct tandem_arena ar;
	struct tandem_budget_row *rows = NULL;
	struct tandem_buf out;
	size_t n = 0;
	char *end;
	long year = a->year != NULL ? strtol(a->year, &end, 10) : 0;
	int rc, status;

	if (a->admin == NULL || a->year == NULL || *end != '\0' || year < 2000 || year > 2200)
		return cli_usage("budget", "show needs --admin SIRET|LEITWEG-ID and --year YEAR");
	tandem_diag_init(&d, 100);
	tandem_arena_init(&ar, 256u << 20);
	tandem_buf_init(&out, 1u << 30);
	rc = open_db("budget", cli_db_path(a->db), &d, &s);
	if (rc == 0)
		rc = tandem_ledger_budget_report(s, a->admin, (int)year, &ar, &rows, &n);
	if (rc == TANDEM_ENOENT)
		(void)cli_error(0, "budget", "no %ld budget for %s", year, a->admin);
	if (rc == 0 && !cli_json)
		(void)tandem_buf_printf(&out, "%-28s %-11s %16s %16s %16s %16s  %s\n", "path",
					"level", "AE", "AE available", "CP", "CP available",
					"label");
	(void)tandem_buf_puts(&out, rc == 0 && cli_json ? "{\"budget\":[" : "");
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct tandem_budget_row *r = &rows[i];

		if (cli_json) {
			(void)tandem_buf_puts(&out, i > 0 ? ",\n{\"path\":" : "\n{\"path\":");
			(void)tandem_buf_json_string(&out, r->path, strlen(r->path));
			(void)tandem_buf_puts(&out, ",\"level\":");
			(void)tandem_buf_json_string(&out, r->level, strlen(r->level));
			(void)tandem_buf_puts(&out, ",\"label\":");
			(void)tandem_buf_json_string(&out, r->label, strlen(r->label));
		} else {
			(void)tandem_buf_printf(&out, "%*s%-*s %-11s", r->depth * 2, "",
						28 - r->depth * 2, r->path, r->level);
		}
		cli_put_cents(&out, "ae", r->ae_cents, cli_json);
		cli_put_cents(&out, "ae_available", r->ae_available_cents, cli_json);
		cli_put_cents(&out, "cp", r->cp_cents, cli_json);
		cli_put_cents(&out, "cp_available", r->cp_available_cents, cli_json);
		if (cli_json) {
			cli_put_cents(&out, "ae_committed", r->ae_committed_cents, true);
			cli_put_cents(&out, "cp_ordered", r->cp_ordered_cents, true);
		}
		(void)tandem_buf_printf(&out, cli_json ? "}" : "  %s\n", r->label);
	}
	(void)tandem_buf_puts(&out, rc == 0 && cli_json ? "\n]}\n" : "");
	if (rc == 0)
		fwrite(out.data, 1, out.len, stdout);
	status = rc == TANDEM_ENOENT ? CLI_EXIT_INVALID
				     : cli_ledger_finish("budget", rc, &d, "database");
	tandem_buf_release(&out);
	tandem_arena_release(&ar);
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status;
}

static int load(const struct args *a, const char *path)
{
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	char *data = NULL;
	size_t len = 0;
	bool already = false;
	char shown[1024];
	int rc, status;

	rc = cli_read_file("budget", path, TANDEM_BUDGET_FILE_MAX, &data, &len);
	if (rc == TANDEM_ELIMIT)
		return cli_error(CLI_EXIT_INVALID, "budget", "%s: larger than %u bytes", path,
				 TANDEM_BUDGET_FILE_MAX);
	if (rc != 0)
		return CLI_EXIT_IO;
	tandem_diag_init(&d, 200);
	rc = open_db("budget", cli_db_path(a->db), &d, &s);
	if (rc == 0)
		rc = tandem_ledger_budget_load(s, a->user, data, len, &d, &already);
	status = cli_ledger_finish("budget", rc, &d,
				   cli_db_shown(cli_db_path(a->db), shown, sizeof shown));
	if (s != NULL)
		(void)cli_publish("budget", s, cli_db_path(a->db), true);
	tandem_store_close(s);
	tandem_diag_release(&d);
	free(data);
	return status;
}

static int move(const struct args *a)
{
	struct tandem_movement_in in = { a->admin, 0, a->kind, a->from, a->to, 0, a->reason };
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	unsigned long year = 0;
	char shown[1024];
	int rc, status;

	if (a->admin == NULL || a->kind == NULL || a->amount == NULL || a->reason == NULL ||
	    (a->from == NULL && a->to == NULL))
		return cli_usage("budget", "move needs --admin, --year, --kind, --from or --to, "
				 "--amount and --reason");
	if (a->year == NULL || !cli_parse_uint(a->year, 2200, &year))
		return cli_usage("budget", "--year is a year: '%s'", a->year ? a->year : "");
	if (!cli_parse_cents(a->amount, &in.amount_cents))
		return cli_usage("budget", "--amount is in euros with at most two decimals: '%s'",
				 a->amount);
	in.year = (int)year;
	tandem_diag_init(&d, 20);
	rc = open_db("budget", cli_db_path(a->db), &d, &s);
	if (rc == 0)
		rc = tandem_ledger_appropriation_move(s, a->user, &in, &d);
	status = cli_ledger_finish("budget", rc, &d,
				   cli_db_shown(cli_db_path(a->db), shown, sizeof shown));
	if (rc == 0)
		printf("%s %s of %s EUR%s%s%s%s\n", a->from && a->to ? "transferred" :
		       a->to ? "opened" : "cancelled", a->kind, a->amount, a->from ? " from " : "",
		       a->from ? a->from : "", a->to ? " to " : "", a->to ? a->to : "");
	if (s != NULL)
		(void)cli_publish("budget", s, cli_db_path(a->db), true);
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status;
}

int cmd_budget(int argc, char **argv)
{
	struct args a;
	int status;

	if (argc >= 2 && strcmp(argv[1], "cpv-map") == 0)
		return cmd_budget_cpv_map(argc - 1, argv + 1);
	if (argc < 2 || (strcmp(argv[1], "load") != 0 && strcmp(argv[1], "show") != 0 &&
			  strcmp(argv[1], "move") != 0)) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			fputs(budget_usage, stdout);
			return CLI_EXIT_OK;
		}
		return cli_usage("budget", "the subcommand is load, show, move or cpv-map");
	}
	status = parse("budget", budget_usage, argc - 1, argv + 1, &a);
	if (status >= 0)
		return status;
	if (strcmp(argv[1], "move") == 0) {
		if (argc - 1 != optind)
			return cli_usage("budget", "move takes no file");
		return move(&a);
	}
	if (strcmp(argv[1], "show") == 0) {
		if (argc - 1 != optind)
			return cli_usage("budget", "show takes no file");
		return show(&a);
	}
	if (argc - 1 - optind != 1)
		return cli_usage("budget", "load takes one file");
	return load(&a, argv[1 + optind]);
}

/* `tandem report budget ...` is `tandem budget show ...`: AE and CP
 * consumption by programme and action, or Einzelplan, Kapitel, Titel. */
int cmd_report(int argc, char **argv)
{
	static char show[] = "show";

	if (argc < 2 || strcmp(argv[1], "budget") != 0)
		return cli_usage("report", "the report is budget: tandem report budget --admin ID "
				 "--year YEAR [--json]");
	argv[1] = show;
	return cmd_budget(argc, argv);
}
