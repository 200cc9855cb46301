/*
 * src/cli/cmd_show.c - `tandem invoice show FILE`: the EN 16931 model of an
 * invoice as JSON; `tandem invoice terms [ID...]`: where each business term
 * is in UBL and in CII.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/en16931.h"
#include "tandem/error.h"

#define ARENA_MAX (512u << 20)
#define FINDINGS_MAX 1000
#define JSON_MAX (1u << 30)

static const char usage_text[] =
	"usage: tandem invoice show FILE\n"
	"       tandem invoice terms [--json] [ID...]\n"
	"\n"
	"show    reads an e-invoice (UBL, CII, or a Factur-X/ZUGFeRD PDF) into the\n"
	"        EN 16931 model and prints it as JSON: keys \"BT-n Name\" and\n"
	"        \"BG-n NAME\", amounts as exact decimal strings, dates YYYY-MM-DD.\n"
	"        Findings about values that cannot be read go to stderr.\n"
	"terms   lists the business terms and groups (or those named) with their\n"
	"        path in UBL and in CII.\n"
	"Exit status: 0 read, 1 not a readable invoice, 2 usage error, 3 I/O error.\n";

static int show(const char *path)
{
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_einv_source *src = NULL;
	struct tandem_einv_invoice *inv = NULL;
	struct tandem_buf out;
	char *data = NULL;
	int status = CLI_EXIT_OK;
	int err;

	tandem_arena_init(&a, ARENA_MAX);
	tandem_diag_init(&d, FINDINGS_MAX);
	tandem_buf_init(&out, JSON_MAX);
	err = cli_open_invoice(path, &a, &d, &src, &data);
	if (err == TANDEM_EIO) {
		status = CLI_EXIT_IO;
		goto done;
	}
	if (err == 0)
		err = tandem_einv_read(&a, src, &d, &inv);
	if (err == 0)
		err = tandem_einv_to_json(inv, &out);
	if (err == 0)
		fwrite(out.data, 1, out.len, stdout);
	cli_print_findings(stderr, &d);
	if (err == TANDEM_ENOMEM) {
		status = cli_error(CLI_EXIT_IO, "invoice", "%s: %s", path, tandem_strerror(err));
	} else if (err != 0) {
		fprintf(stderr, "tandem invoice: %s: not a readable EN 16931 invoice\n", path);
		status = CLI_EXIT_INVALID;
	}
done:
	tandem_buf_release(&out);
	tandem_diag_release(&d);
	tandem_arena_release(&a);
	free(data);
	return status;
}

static bool wanted(char **ids, int n, const char *id)
{
	if (n == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

static int terms(char **ids, int n)
{
	struct tandem_buf out;
	size_t shown = 0;
	int err = 0;

	tandem_buf_init(&out, JSON_MAX);
	if (cli_json)
		err = tandem_buf_puts(&out, "[");
	for (size_t i = 0; i < tandem_einv_term_count() && err == 0; i++) {
		struct tandem_einv_term_info t;

		tandem_einv_term_get(i, &t);
		if (!wanted(ids, n, t.id))
			continue;
		if (!cli_json) {
			err = tandem_buf_printf(&out, "%s %s%s%s\n  UBL: %s\n  CII: %s\n", t.id,
						t.name, t.group[0] != '\0' ? " in " : "", t.group,
						t.ubl[0] != '\0' ? t.ubl : "-",
						t.cii[0] != '\0' ? t.cii : "-");
		} else {
			err = tandem_buf_puts(&out, shown > 0 ? ",\n {\"id\": " : "\n {\"id\": ");
			if (err == 0)
				err = tandem_buf_json_string(&out, t.id, strlen(t.id));
			if (err == 0)
				err = tandem_buf_puts(&out, ", \"name\": ");
			if (err == 0)
				err = tandem_buf_json_string(&out, t.name, strlen(t.name));
			if (err == 0)
				err = tandem_buf_puts(&out, ", \"group\": ");
			if (err == 0)
				err = tandem_buf_json_string(&out, t.group, strlen(t.group));
			if (err == 0)
				err = tandem_buf_puts(&out, ", \"ubl\": ");
			if (err == 0)
				err = tandem_buf_json_string(&out, t.ubl, strlen(t.ubl));
			if (err == 0)
				err = tandem_buf_puts(&out, ", \"cii\": ");
			if (err == 0)
				err = tandem_buf_json_string(&out, t.cii, strlen(t.cii));
			if (err == 0)
				err = tandem_buf_puts(&out, "}");
		}
		shown++;
	}
	if (cli_json && err == 0)
		err = tandem_buf_puts(&out, "\n]\n");
	if (err == 0)
		fwrite(out.data, 1, out.len, stdout);
	tandem_buf_release(&out);
	if (err != 0)
		return cli_error(CLI_EXIT_IO, "invoice", "%s", tandem_strerror(err));
	if (shown == 0)
		return cli_error(CLI_EXIT_INVALID, "invoice", "no business term or group %s",
				 n > 0 ? ids[0] : "");
	return CLI_EXIT_OK;
}

int cmd_invoice_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *sub = argv[0];
	int c;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			cli_json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		case ':':
			return cli_missing_value("invoice", argv);
		default:
			return cli_unknown_option("invoice", argv);
		}
	}
	if (strcmp(sub, "terms") == 0)
		return terms(argv + optind, argc - optind);
	if (argc - optind != 1)
		return cli_usage("invoice", "show takes one file");
	return show(argv[optind]);
}
