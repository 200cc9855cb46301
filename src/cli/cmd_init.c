/*
 * src/cli/cmd_init.c - `tandem init [--db WHERE]`: creates the ledger
 * database, or brings an existing one to the current schema.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/store.h"

static const char usage_text[] =
	"usage: tandem init [--db WHERE]\n"
	"\n"
	"Creates the ledger database WHERE - a SQLite file (default: $TANDEM_DB, else\n"
	"tandem.db) - or brings an existing one to the current schema version.\n"
	"A file that is not a tandem database is refused and left as it is.\n"
	"Exit status: 0 ready, 1 not a usable tandem database, 2 usage error,\n"
	"3 I/O error.\n";

/* Where a database is, fit to print: the password of a postgresql:// URL
 * ("user:secret@host") replaced by "***". */
const char *cli_db_shown(const char *where, char *buf, size_t size)
{
	const char *scheme = strstr(where, "://");
	const char *at = scheme != NULL ? strchr(scheme + 3, '@') : NULL;
	const char *colon = at != NULL ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;

	if (colon == NULL)
		return where;
	(void)snprintf(buf, size, "%.*s:***%s", (int)(colon - where), where, at);
	return buf;
}

int cli_ledger_finish(const char *cmd, int rc, const struct tandem_diag *d, const char *db)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(d->items[i].severity == TANDEM_SEV_INFO ? stdout : stderr, "%s%s\n",
			d->items[i].severity == TANDEM_SEV_ERROR ? "error: " : "",
			d->items[i].message);
	if (rc == 0)
		return CLI_EXIT_OK;
	if (rc == TANDEM_EIO || rc == TANDEM_ENOMEM || rc == TANDEM_EINTERNAL)
		return cli_error(CLI_EXIT_IO, cmd, "%s%s%s", db != NULL ? db : "",
				 db != NULL ? ": " : "", tandem_strerror(rc));
	if (d->count == 0)
		(void)cli_error(0, cmd, "%s", tandem_strerror(rc));
	return CLI_EXIT_INVALID;
}

/* The database the ledger commands use: --db, else $TANDEM_DB, else tandem.db. */
const char *cli_db_path(const char *option)
{
	const char *env = getenv("TANDEM_DB");

	if (option != NULL)
		return option;
	return env != NULL && env[0] != '\0' ? env : "tandem.db";
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *where = NULL;
	char shown[1024];
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	int c, rc, status = CLI_EXIT_OK;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hd:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			where = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		case ':':
			return cli_missing_value("init", argv);
		default:
			return cli_unknown_option("init", argv);
		}
	}
	if (optind != argc)
		return cli_usage("init", "unexpected argument '%s'", argv[optind]);
	db = cli_db_shown(cli_db_path(where), shown, sizeof shown);
	tandem_diag_init(&d, 100);
	rc = tandem_ledger_open(cli_db_path(where), TANDEM_STORE_CREATE, &d, &s);
	for (size_t i = 0; i < d.count; i++)
		fprintf(d.items[i].severity == TANDEM_SEV_INFO ? stdout : stderr, "%s: %s\n", db,
			d.items[i].message);
	if (rc == 0) {
		printf("%s: ready, schema version %d\n", db, tandem_ledger_schema_version());
	} else if (rc == TANDEM_EBADINPUT || rc == TANDEM_EUNSUPPORTED) {
		status = CLI_EXIT_INVALID;
	} else {
		status = cli_error(CLI_EXIT_IO, "init", "%s: %s", db, tandem_strerror(rc));
	}
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status;
}
