/*
 * src/cli/publish.c - where the transparency log of a ledger database is,
 * and the publication of the ledger's events to it after each command
 * that wrote some (tandem_ledger_publish).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/tlog_log.h"

bool cli_log_dir(const char *option, const char *db, char *out, size_t size)
{
	const char *env = getenv("TANDEM_LOG");
	int n;

	if (option != NULL)
		n = snprintf(out, size, "%s", option);
	else if (env != NULL && env[0] != '\0')
		n = snprintf(out, size, "%s", env);
	else if (strstr(db, "://") != NULL)
		n = snprintf(out, size, "tandem.tlog");
	else
		n = snprintf(out, size, "%s.tlog", db);
	return n > 0 && (size_t)n < size;
}

int cli_publish(const char *cmd, struct tandem_store *s, const char *db, bool quiet)
{
	char dir[4096], why[TANDEM_TLOG_WHY_MAX] = "";
	struct tandem_tlog *log = NULL;
	struct tandem_diag d;
	struct stat st;
	uint64_t count = 0;
	int rc;

	if (!cli_log_dir(NULL, db, dir, sizeof dir) || stat(dir, &st) != 0)
		return 0;       /* no log beside this database */
	rc = tandem_tlog_open(dir, TANDEM_TLOG_WRITE, &log, why, sizeof why);
	if (rc != 0) {
		fprintf(stderr, "tandem %s: warning: the events wait for the log: %s\n", cmd, why);
		return rc;
	}
	tandem_diag_init(&d, 10);
	rc = tandem_ledger_publish(s, log, &count, &d);
	if (rc != 0)
		fprintf(stderr, "tandem %s: warning: the events wait for the log %s: %s\n", cmd,
			dir, d.count > 0 ? d.items[0].message : tandem_strerror(rc));
	else if (!quiet && count > 0)
		printf("%s: %llu event%s published, %llu records\n", dir, (unsigned long long)count,
		       count == 1 ? "" : "s", (unsigned long long)tandem_tlog_size(log));
	tandem_diag_release(&d);
	tandem_tlog_close(log);
	return rc;
}
