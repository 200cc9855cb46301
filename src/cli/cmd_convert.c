/*
 * src/cli/cmd_convert.c - `tandem invoice convert --to ubl|cii FILE`:
 * reads an e-invoice into the EN 16931 model and writes it in the syntax
 * asked for.
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
#define OUTPUT_MAX (1u << 30)

static const char usage_text[] =
	"usage: tandem invoice convert --to ubl|cii [-o OUT] FILE\n"
	"\n"
	"Reads an e-invoice (UBL, CII, or a Factur-X/ZUGFeRD PDF) into the EN 16931\n"
	"model and writes it as UBL 2.1 (an Invoice, or a CreditNote for a UBL\n"
	"credit note and the credit note type codes 81, 83, 381, 396, 532) or as\n"
	"UN/CEFACT CII D16B, to OUT (written whole or not at all) or stdout.\n"
	"Only what EN 16931 defines is carried over: extensions of the source are\n"
	"left out. Terms that cannot be written are findings on stderr.\n"
	"Exit status: 0 written, 1 not a readable EN 16931 invoice, 2 usage error,\n"
	"3 I/O error.\n";

static int convert(const char *path, const char *to, const char *out_path)
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
	tandem_buf_init(&out, OUTPUT_MAX);
	err = cli_open_invoice(path, &a, &d, &src, &data);
	if (err == TANDEM_EIO) {
		status = CLI_EXIT_IO;
		goto done;
	}
	if (err == 0)
		err = tandem_einv_read(&a, src, &d, &inv);
	if (err == 0)
		err = tandem_einv_write(inv, strcmp(to, "cii") == 0 ? TANDEM_EINV_SYNTAX_CII
								   : tandem_einv_ubl_kind(inv),
					&d, &out);
	cli_print_findings(stderr, &d);
	if (err == 0) {
		status = cli_write_output("invoice", out_path, out.data, out.len);
	} else if (err == TANDEM_ENOMEM || err == TANDEM_ELIMIT || err == TANDEM_EINTERNAL) {
		status = cli_error(CLI_EXIT_IO, "invoice", "%s: %s", path, tandem_strerror(err));
	} else {
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

int cmd_invoice_convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{"to", required_argument, NULL, 't'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *to = NULL, *out_path = NULL;
	int c;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":ho:t:", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			to = optarg;
			break;
		case 'o':
			out_path = optarg;
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
	if (to == NULL || (strcmp(to, "ubl") != 0 && strcmp(to, "cii") != 0))
		return cli_usage("invoice", "convert needs --to ubl or --to cii");
	if (argc - optind != 1)
		return cli_usage("invoice", "convert takes one file");
	return convert(argv[optind], to, out_path);
}
