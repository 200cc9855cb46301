/*
 * src/cli/invoice_files.c - what the invoice commands share: the list of
 * invoice files named on the command line (directories walked in name
 * order) and the validation rules, loaded once and cached.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "tandem/einvoice.h"
#include "tandem/error.h"

#define FILES_MAX 1000000
#define DIR_DEPTH_MAX 32
#define PATH_BYTES_MAX 4096

static int add_path(struct cli_paths *p, const char *cmd, const char *path)
{
	if (p->n >= FILES_MAX)
		return cli_error(CLI_EXIT_USAGE, cmd, "more than %d files", FILES_MAX);
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		char **v = realloc(p->v, cap * sizeof *v);

		if (!v)
			return cli_error(CLI_EXIT_IO, cmd, "out of memory");
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n] = strdup(path);
	if (!p->v[p->n])
		return cli_error(CLI_EXIT_IO, cmd, "out of memory");
	p->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool invoice_name(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && (strcasecmp(name + n - 4, ".xml") == 0 ||
			 strcasecmp(name + n - 4, ".pdf") == 0);
}

/* Adds the invoice files under dir, sorted by name, depth first. */
static int walk(struct cli_paths *p, const char *cmd, const char *dir, int depth)
{
	struct cli_paths here = {0};
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (depth > DIR_DEPTH_MAX)
		return cli_error(CLI_EXIT_USAGE, cmd, "%s: directories nested deeper than %d", dir,
				 DIR_DEPTH_MAX);
	d = opendir(dir);
	if (!d)
		return cli_error(CLI_EXIT_IO, cmd, "%s: %s", dir, strerror(errno));
	while (!rc && (e = readdir(d))) {
		char path[PATH_BYTES_MAX];

		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
			continue;
		rc = add_path(&here, cmd, path);
	}
	closedir(d);
	if (here.n)
		qsort(here.v, here.n, sizeof *here.v, cmp_str);
	for (size_t i = 0; i < here.n && !rc; i++) {
		struct stat st;

		if (lstat(here.v[i], &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = walk(p, cmd, here.v[i], depth + 1);
		else if (S_ISREG(st.st_mode) && invoice_name(here.v[i]))
			rc = add_path(p, cmd, here.v[i]);
	}
	cli_paths_release(&here);
	return rc;
}

int cli_paths_collect(struct cli_paths *p, const char *cmd, const char *arg)
{
	struct stat st;

	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return walk(p, cmd, arg, 0);
	return add_path(p, cmd, arg);
}

void cli_paths_release(struct cli_paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof *p);
}

bool cli_cache_wanted(bool no_cache)
{
	const char *env = getenv("TANDEM_NO_CACHE");

	return !no_cache && !(env && *env && strcmp(env, "0") != 0);
}

int cli_load_rules(const char *dir, bool cache, struct tandem_einv_rules **rules)
{
	struct tandem_diag d;
	int rc;

	tandem_diag_init(&d, 10);
	rc = tandem_einv_rules_load(dir, rules, &d);
	if (rc) {
		cli_print_findings(stderr, &d);
		tandem_diag_release(&d);
		return rc == TANDEM_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_IO;
	}
	tandem_diag_release(&d);
	/* No directory for the cache (no HOME): the rules are compiled. */
	if (cache)
		(void)tandem_einv_rules_cache(*rules, NULL);
	return 0;
}
