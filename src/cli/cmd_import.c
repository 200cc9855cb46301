/*
 * src/cli/cmd_import.c - `tandem invoice import`: e-invoices read and
 * validated by the intake module, then routed, matched and stored by the
 * ledger, by batches of one transaction each.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_classify.h"
#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/en16931.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/store.h"

#define BATCH 200                /* invoices per transaction */
#define ARENA_MAX (512u << 20)   /* one invoice: parsed tree, model, PDF */
#define FINDINGS_MAX 1000

static const char usage_text[] =
	"usage: tandem invoice import [--artefacts DIR] [--no-cache] [--user ACTOR]\n"
	"                             [--classify MODEL] [--db FILE|URL] FILE|DIR...\n"
	"\n"
	"Reads each e-invoice (UBL, CII, Factur-X/ZUGFeRD PDF; directories are walked\n"
	"for .xml and .pdf files in name order), validates it with the EN 16931 and\n"
	"XRechnung rules ($TANDEM_ARTEFACTS or --artefacts), routes it to its\n"
	"administration (buyer SIRET or Leitweg-ID), supplier and commitment (EJ\n"
	"number in BT-13), matches it against the commitment and service done, and\n"
	"stores it with its file. One line per file: imported (with the status and\n"
	"why), already (the same file was stored before) or refused (and why: invalid,\n"
	"duplicate, not in EUR, for no administration here ...). Statuses: received,\n"
	"a_recycler, suspended, rejected, ready, paid (docs/ledger.md).\n"
	"With --classify, the model (tandem classify train) suggests a CPV group for\n"
	"each line of the invoices stored, and the administration's table (tandem\n"
	"budget cpv-map) a budget line; they are kept with the invoice until the\n"
	"ordonnateur decides (tandem invoice suggestions, tandem invoice decide-cpv).\n"
	"Exit status: 0 every file stored (or stored before), 1 some file refused,\n"
	"2 usage error, 3 I/O error.\n";

/* One file of the batch: what stays alive until the batch is stored. */
struct item {
	const char *path;
	char *data;
	struct tandem_arena arena;
	struct tandem_diag findings;  /* the intake's */
	bool readable;
};

struct import_run {
	struct tandem_einv_validator *val;
	struct tandem_cls_model *model;   /* NULL: no suggestions */
	char model_hex[65];
	struct tandem_store *store;
	const char *actor;
	size_t imported, already, refused;
	int io_error;
};

/* The model's suggestion for each line the ledger reads of the invoice:
 * a line without text, or one the model refuses, gets none. */
static int suggest_lines(const struct import_run *run, struct item *it,
			 const struct tandem_einv_invoice *inv, struct tandem_invoice_in *in)
{
	struct tandem_line_suggestion *g;
	char text[CLASSIFY_LINE_TEXT_MAX], why[TANDEM_SUGGESTION_WHY_MAX];

	if (in->n_lines == 0)
		return 0;
	g = tandem_arena_calloc(&it->arena, in->n_lines, sizeof *g);
	if (g == NULL)
		return TANDEM_ENOMEM;
	for (size_t i = 0; i < in->n_lines; i++) {
		struct tandem_cls_prediction p;
		struct tandem_diag d;
		size_t len = classify_line_text(&inv->lines[i], text, sizeof text);
		int rc = TANDEM_EINVAL;

		tandem_diag_init(&d, 4);
		if (len > 0)
			rc = tandem_cls_predict(run->model, text, len, TANDEM_CLS_LANG_UNKNOWN,
						classify_line_cents(&inv->lines[i]), &p, &d);
		tandem_diag_release(&d);
		if (rc != 0)
			continue;
		classify_reasons_text(&p, why, sizeof why);
		g[i].text = tandem_arena_strndup(&it->arena, text, len);
		g[i].cpv = tandem_arena_strndup(&it->arena, p.group[0].code,
						strlen(p.group[0].code));
		g[i].why = tandem_arena_strndup(&it->arena, why, strlen(why));
		g[i].p_milli = p.group[0].p_milli;
		g[i].needs_human = p.needs_human;
		if (g[i].text == NULL || g[i].cpv == NULL || g[i].why == NULL)
			return TANDEM_ENOMEM;
	}
	in->suggestions = g;
	in->model_sha256 = run->model_hex;
	return 0;
}

/* Reads and validates one file into in; false (with findings) when it is
 * not an e-invoice at all. */
static bool read_one(struct import_run *run, struct item *it, struct tandem_invoice_in *in)
{
	struct tandem_einv_source *src = NULL;
	struct tandem_einv_invoice *inv = NULL;
	struct tandem_einv_verdict v = {0};
	size_t len = 0;
	int rc = cli_read_file("invoice", it->path, TANDEM_EINV_PDF_BYTES_MAX, &it->data, &len);

	if (rc == TANDEM_EIO) {
		run->io_error = 1;
		return false;
	}
	if (rc == TANDEM_ELIMIT) {
		(void)tandem_diag_add(&it->findings, TANDEM_SEV_ERROR, rc, "TANDEM-FILE-SIZE", NULL,
				      0, "the file has %zu bytes or more; the limit is %u", len,
				      TANDEM_EINV_PDF_BYTES_MAX);
		return false;
	}
	rc = tandem_einv_open(&it->arena, it->data, len, &it->findings, &src);
	if (rc == 0)
		rc = tandem_einv_validate(run->val, src, &it->findings, &v);
	if (rc == 0)
		rc = tandem_einv_read(&it->arena, src, &it->findings, &inv);
	if (rc == 0)
		rc = tandem_ledger_invoice_from_einv(&it->arena, src, inv, &v, &it->findings,
						     it->data, len, it->path, &it->findings, in);
	if (rc == 0 && run->model != NULL && in->valid)
		rc = suggest_lines(run, it, inv, in);
	return rc == 0;
}

/* The first error finding of d about path, for the refusal line. */
static const struct tandem_finding *why(const struct tandem_diag *d, const char *path)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->items[i].severity == TANDEM_SEV_ERROR &&
		    (path == NULL || strcmp(d->items[i].path, path) == 0))
			return &d->items[i];
	return NULL;
}

static void print_refused(const char *path, const struct tandem_finding *f)
{
	fputs("refused   ", stdout);
	cli_print_value(stdout, path, strlen(path), 512);
	if (f != NULL) {
		printf("  %s: ", f->rule);
		cli_print_value(stdout, f->message, strlen(f->message), 1024);
	}
	putchar('\n');
}

static void print_result(const char *path, const struct tandem_invoice_result *r)
{
	fputs(r->already ? "already   " : "imported  ", stdout);
	cli_print_value(stdout, path, strlen(path), 512);
	printf("  invoice %lld  %s  ", (long long)r->id, r->status);
	cli_print_value(stdout, r->reason, strlen(r->reason), 300);
	putchar('\n');
}

/* Reads, validates and stores one batch of files. */
static int import_batch(struct import_run *run, char **paths, size_t n)
{
	struct item items[BATCH];
	struct tandem_invoice_in in[BATCH];
	struct tandem_invoice_result res[BATCH];
	size_t slot[BATCH], k = 0;   /* item i is in[slot[i]] when readable */
	struct tandem_diag d;
	int rc = 0;

	tandem_diag_init(&d, FINDINGS_MAX);
	for (size_t i = 0; i < n; i++) {
		items[i] = (struct item){ .path = paths[i] };
		tandem_arena_init(&items[i].arena, ARENA_MAX);
		tandem_diag_init(&items[i].findings, FINDINGS_MAX);
		items[i].readable = read_one(run, &items[i], &in[k]);
		slot[i] = k;
		if (items[i].readable)
			k++;
	}
	memset(res, 0, sizeof res);
	if (k > 0)
		rc = tandem_ledger_invoice_import(run->store, run->actor, in, k, &d, res);
	for (size_t i = 0; i < n; i++) {
		size_t j = slot[i];

		if (!items[i].readable) {
			if (why(&items[i].findings, NULL) != NULL)
				print_refused(items[i].path, why(&items[i].findings, NULL));
			run->refused++;
		} else if (rc == 0 && res[j].code == 0) {
			print_result(items[i].path, &res[j]);
			if (res[j].already)
				run->already++;
			else
				run->imported++;
		} else if (rc == 0) {
			print_refused(items[i].path, why(&d, items[i].path));
			run->refused++;
		}
	}
	if (rc != 0)
		cli_print_findings(stderr, &d);
	for (size_t i = 0; i < n; i++) {
		tandem_diag_release(&items[i].findings);
		tandem_arena_release(&items[i].arena);
		free(items[i].data);
	}
	tandem_diag_release(&d);
	return rc;
}

int cmd_invoice_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"artefacts", required_argument, NULL, 'a'},
		{"no-cache", no_argument, NULL, 'N'},
		{"user", required_argument, NULL, 'u'},
		{"db", required_argument, NULL, 'd'},
		{"classify", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct import_run run = {0};
	struct cli_paths files = {0};
	struct tandem_einv_rules *rules = NULL;
	struct tandem_diag d;
	const char *artefacts = NULL, *db = NULL, *model = NULL;
	bool no_cache = false;
	int c, status = 0, rc;

	opterr = 0;
	optind = 0;
	run.actor = getenv("TANDEM_USER");
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'a')
			artefacts = optarg;
		else if (c == 'N')
			no_cache = true;
		else if (c == 'u')
			run.actor = optarg;
		else if (c == 'd')
			db = optarg;
		else if (c == 'c')
			model = optarg;
		else if (c == 'h')
			return fputs(usage_text, stdout), CLI_EXIT_OK;
		else
			return c == ':' ? cli_missing_value("invoice", argv)
					: cli_unknown_option("invoice", argv);
	}
	if (optind >= argc)
		return cli_usage("invoice", "give the invoice files or directories to import");
	for (int i = optind; i < argc && !status; i++)
		status = cli_paths_collect(&files, "invoice", argv[i]);
	if (!status)
		status = cli_load_rules(artefacts, cli_cache_wanted(no_cache), &rules);
	if (!status && tandem_einv_validator_new(rules, &run.val) != 0)
		status = cli_error(CLI_EXIT_IO, "invoice", "out of memory");
	tandem_diag_init(&d, 100);
	if (!status && model != NULL) {
		rc = tandem_cls_model_load(model, &d, &run.model);
		if (rc != 0) {
			cli_print_findings(stderr, &d);
			status = cli_error(rc == TANDEM_EIO || rc == TANDEM_ENOMEM ? CLI_EXIT_IO
										   : CLI_EXIT_INVALID,
					   "invoice", "%s: not a classifier model", model);
		} else {
			tandem_cls_model_sha256(run.model, run.model_hex);
		}
	}
	if (!status) {
		rc = tandem_ledger_open(cli_db_path(db), 0, &d, &run.store);
		status = rc == 0 ? 0 : cli_ledger_finish("invoice", rc, &d, cli_db_path(db));
	}
	for (size_t i = 0; !status && i < files.n; i += BATCH) {
		size_t n = files.n - i < BATCH ? files.n - i : BATCH;

		rc = import_batch(&run, files.v + i, n);
		if (rc != 0)
			status = rc == TANDEM_EPERM ? CLI_EXIT_INVALID : CLI_EXIT_IO;
	}
	if (run.store != NULL)
		printf("%zu imported, %zu already stored, %zu refused\n", run.imported, run.already,
		       run.refused);
	if (!status)
		status = run.io_error ? CLI_EXIT_IO : run.refused ? CLI_EXIT_INVALID : CLI_EXIT_OK;
	if (run.store != NULL)
		(void)cli_publish("invoice", run.store, cli_db_path(db), true);
	tandem_store_close(run.store);
	tandem_diag_release(&d);
	tandem_einv_validator_free(run.val);
	tandem_cls_model_free(run.model);
	tandem_einv_rules_free(rules);
	cli_paths_release(&files);
	return status;
}
