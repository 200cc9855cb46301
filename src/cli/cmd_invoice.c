/*
 * src/cli/cmd_invoice.c - `tandem invoice inspect` and `tandem invoice
 * extract`: open e-invoices (XML, or PDF with an embedded XML) safely, say
 * what they are, and take the invoice XML out of a Factur-X / ZUGFeRD PDF.
 * `tandem invoice validate` and `tandem invoice rules` live in
 * cmd_validate.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/error.h"

#define ARENA_MAX (512u << 20)  /* one invoice: XML copy, parsed tree, PDF */
#define FINDINGS_MAX 1000
#define TEXT_SHOWN_MAX 4096 /* bytes of one document-derived string shown */

static const char usage_text[] =
	"usage: tandem invoice inspect [--json] FILE...\n"
	"       tandem invoice extract [-o OUT] FILE.pdf\n"
	"       tandem invoice validate [--json] [--jobs N] [--artefacts DIR] FILE|DIR...\n"
	"       tandem invoice rules [--json] [--artefacts DIR] [RULE-ID...]\n"
	"       tandem invoice show FILE\n"
	"       tandem invoice terms [--json] [BT-ID...]\n"
	"       tandem invoice convert --to ubl|cii [-o OUT] FILE\n"
	"       tandem invoice import [--user ACTOR] [--db FILE|URL] FILE|DIR...\n"
	"       tandem invoice list --admin ID [--status S] [--awaiting-order] [--json]\n"
	"       tandem invoice suggestions --admin ID [--invoice N] [--json]\n"
	"       tandem invoice decide-cpv --admin ID --invoice N --line K [--cpv CODE]\n"
	"                                 [--budget PATH] [--learn MODEL]\n"
	"       tandem invoice reject --admin ID --invoice N --reason TEXT [--user ACTOR]\n"
	"       tandem invoice reroute --admin ID --invoice N [--ej EJ] [--service CODE]\n"
	"                              --note TEXT [--user ACTOR]\n"
	"\n"
	"inspect   opens each e-invoice safely and says what it is: container (XML\n"
	"          or PDF), syntax (UBL Invoice/CreditNote, CII), customization id\n"
	"          (BT-24) and profile; for a PDF its invoice attachment,\n"
	"          AFRelationship and Factur-X/ZUGFeRD XMP metadata, and whether\n"
	"          they agree. Problems are findings: TANDEM-XML-*, TANDEM-PDF-*,\n"
	"          TANDEM-FX-* (docs/einvoice.md).\n"
	"extract   writes the invoice XML embedded in a PDF to OUT (default stdout).\n"
	"\n"
	"validate  checks them with the EN 16931 / XRechnung rules\n"
	"          (tandem invoice validate --help).\n"
	"show      prints the EN 16931 model of an invoice as JSON; terms lists\n"
	"          where each business term is in UBL and CII\n"
	"          (tandem invoice show --help).\n"
	"convert   writes an invoice in the other syntax (or the same) from the\n"
	"          EN 16931 model (tandem invoice convert --help).\n"
	"import    validates, routes, matches and stores invoices in the ledger\n"
	"          (tandem invoice import --help).\n"
	"list      lists the stored invoices of an administration, by status or\n"
	"          those awaiting a payment order (tandem invoice list --help).\n"
	"suggestions  the CPV groups and budget lines suggested for the lines of an\n"
	"          invoice, or those waiting for a decision.\n"
	"decide-cpv  accepts or corrects one (tandem invoice decide-cpv --help).\n"
	"reject    rejects a stored invoice for good, with the reason.\n"
	"reroute   routes an invoice a_recycler again with corrected routing data\n"
	"          (tandem invoice reroute --help).\n"
	"offset    offsets a credit note against an invoice of the same supplier\n"
	"          (tandem invoice offset --help).\n"
	"Exit status: 0 every file is a readable e-invoice without errors,\n"
	"1 some file is not (or has error findings), 2 usage error, 3 I/O error.\n";

struct inspect_run {
	size_t files, ok, bad;
	bool first;
	struct tandem_buf out;
};

static void put_json_field(struct tandem_buf *b, const char *key, const char *value)
{
	tandem_buf_printf(b, ",\"%s\":", key);
	tandem_buf_json_string(b, value, strlen(value));
}

static void report_json(struct inspect_run *run, const char *path,
			const struct tandem_einv_source *src,
			const struct tandem_diag *d, bool ok)
{
	struct tandem_buf *b = &run->out;

	tandem_buf_reset(b);
	tandem_buf_puts(b, run->first ? "\n{\"file\":" : ",\n{\"file\":");
	run->first = false;
	tandem_buf_json_string(b, path, strlen(path));
	tandem_buf_printf(b, ",\"ok\":%s", ok ? "true" : "false");
	if (src) {
		put_json_field(b, "container", tandem_einv_container_name(src->container));
		put_json_field(b, "syntax", tandem_einv_syntax_name(src->syntax));
		put_json_field(b, "customization", src->customization);
		put_json_field(b, "profile", tandem_einv_profile_name(src->profile));
		tandem_buf_printf(b, ",\"full_invoice\":%s,\"xml_bytes\":%zu",
				  src->full_invoice ? "true" : "false", src->xml_len);
		if (src->container == TANDEM_EINV_CONTAINER_PDF) {
			const struct tandem_einv_pdf_info *p = &src->pdf;
			tandem_buf_puts(b, ",\"pdf\":{\"attachment\":");
			tandem_buf_json_string(b, p->attachment, strlen(p->attachment));
			put_json_field(b, "relationship", p->relationship);
			tandem_buf_printf(b, ",\"in_af\":%s,\"in_embedded_files\":%s,\"attachments\":%zu",
					  p->in_af ? "true" : "false",
					  p->in_embedded_files ? "true" : "false", p->attachments);
			put_json_field(b, "xmp_conformance_level", p->xmp_conformance_level);
			put_json_field(b, "xmp_version", p->xmp_version);
			put_json_field(b, "xmp_document_type", p->xmp_document_type);
			put_json_field(b, "xmp_document_file_name", p->xmp_document_file_name);
			tandem_buf_puts(b, "}");
		}
	}
	tandem_buf_puts(b, ",\"findings\":");
	tandem_diag_format_json(d, b);
	tandem_buf_puts(b, "}");
	fwrite(b->data, 1, b->len, stdout);
}

/* A document-derived string, escaped (cli_print_value); "(none)" if empty. */
static void put_text(const char *s)
{
	if (s[0] == '\0')
		fputs("(none)", stdout);
	else
		cli_print_value(stdout, s, strlen(s), TEXT_SHOWN_MAX);
}

static void report_text(const char *path, const struct tandem_einv_source *src,
			const struct tandem_diag *d)
{
	cli_print_value(stdout, path, strlen(path), TEXT_SHOWN_MAX);
	if (src && src->syntax != TANDEM_EINV_SYNTAX_UNKNOWN) {
		printf(": %s, %s, profile %s", tandem_einv_container_name(src->container),
		       tandem_einv_syntax_name(src->syntax),
		       tandem_einv_profile_name(src->profile));
		if (src->customization[0]) {
			fputs(" (", stdout);
			put_text(src->customization);
			putchar(')');
		}
		if (!src->full_invoice)
			printf(", not a full invoice");
	} else if (src) {
		printf(": %s", tandem_einv_container_name(src->container));
	}
	putchar('\n');
	if (src && src->container == TANDEM_EINV_CONTAINER_PDF && src->pdf.attachment[0]) {
		const struct tandem_einv_pdf_info *p = &src->pdf;
		fputs("  attachment ", stdout);
		put_text(p->attachment);
		printf(", %zu bytes, AFRelationship ", src->xml_len);
		put_text(p->relationship);
		printf("%s; XMP ", p->in_af ? ", in /AF" : ", not in /AF");
		put_text(p->xmp_conformance_level);
		putchar(' ');
		put_text(p->xmp_version);
		putchar(' ');
		put_text(p->xmp_document_type);
		putchar('\n');
	}
	cli_print_findings(stdout, d);
}

static int inspect(int argc, char **argv, int first)
{
	struct inspect_run run = {0};
	int status = CLI_EXIT_OK;

	run.first = true;
	tandem_buf_init(&run.out, 1u << 20);
	if (cli_json)
		fputs("{\"files\":[", stdout);
	for (int i = first; i < argc; i++) {
		struct tandem_arena a;
		struct tandem_diag d;
		struct tandem_einv_source *src = NULL;
		char *data = NULL;
		int err;
		bool ok;

		tandem_arena_init(&a, ARENA_MAX);
		tandem_diag_init(&d, FINDINGS_MAX);
		err = cli_open_invoice(argv[i], &a, &d, &src, &data);
		if (err == TANDEM_EIO) {
			status = CLI_EXIT_IO;
		} else if (err == TANDEM_ENOMEM || err == TANDEM_EINVAL) {
			/* Not the document's fault: an internal error, exit 3. */
			cli_error(0, "invoice", "%s: %s", argv[i], tandem_strerror(err));
			status = CLI_EXIT_IO;
		} else {
			ok = err == 0 && tandem_diag_count(&d, TANDEM_SEV_ERROR) == 0;
			run.files++;
			if (ok)
				run.ok++;
			else
				run.bad++;
			if (cli_json)
				report_json(&run, argv[i], src, &d, ok);
			else
				report_text(argv[i], src, &d);
		}
		tandem_diag_release(&d);
		tandem_arena_release(&a);
		free(data);
	}
	if (cli_json)
		printf("\n],\"summary\":{\"files\":%zu,\"ok\":%zu,\"not_ok\":%zu}}\n",
		       run.files, run.ok, run.bad);
	else
		printf("inspected %zu: %zu ok, %zu not ok\n", run.files, run.ok, run.bad);
	tandem_buf_release(&run.out);
	if (status != CLI_EXIT_OK)
		return status;
	return run.bad ? CLI_EXIT_INVALID : CLI_EXIT_OK;
}

static int extract(const char *path, const char *out_path)
{
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_einv_source *src = NULL;
	char *data = NULL;
	int err, status = CLI_EXIT_OK;

	tandem_arena_init(&a, ARENA_MAX);
	tandem_diag_init(&d, FINDINGS_MAX);
	err = cli_open_invoice(path, &a, &d, &src, &data);
	if (err == TANDEM_EIO) {
		status = CLI_EXIT_IO;
	} else if (src == NULL || src->container != TANDEM_EINV_CONTAINER_PDF ||
		   src->xml == NULL) {
		if (src && src->container != TANDEM_EINV_CONTAINER_PDF)
			cli_error(0, "invoice", "%s is not a PDF: nothing to extract", path);
		else
			cli_error(0, "invoice", "%s: no invoice XML could be extracted", path);
		cli_print_findings(stderr, &d);
		status = CLI_EXIT_INVALID;
	} else {
		/*
		 * The XML is written as embedded, even if it does not parse;
		 * error findings then make the exit status 1. With -o, a
		 * temporary file renamed at the end: never half a file.
		 */
		status = cli_write_output("invoice", out_path, src->xml, src->xml_len);
		if (d.count)
			cli_print_findings(stderr, &d);
		if (status == CLI_EXIT_OK && tandem_diag_count(&d, TANDEM_SEV_ERROR))
			status = CLI_EXIT_INVALID;
	}
	tandem_diag_release(&d);
	tandem_arena_release(&a);
	free(data);
	return status;
}

int cmd_invoice(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *out_path = NULL, *sub;
	int c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	sub = argv[1];
	if (strcmp(sub, "validate") == 0 || strcmp(sub, "rules") == 0)
		return cmd_invoice_validate(argc - 1, argv + 1);
	if (strcmp(sub, "show") == 0 || strcmp(sub, "terms") == 0)
		return cmd_invoice_show(argc - 1, argv + 1);
	if (strcmp(sub, "convert") == 0)
		return cmd_invoice_convert(argc - 1, argv + 1);
	if (strcmp(sub, "import") == 0)
		return cmd_invoice_import(argc - 1, argv + 1);
	if (strcmp(sub, "reject") == 0 || strcmp(sub, "reroute") == 0 ||
	    strcmp(sub, "offset") == 0)
		return cmd_invoice_decide(argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return cmd_invoice_list(argc - 1, argv + 1);
	if (strcmp(sub, "suggestions") == 0 || strcmp(sub, "decide-cpv") == 0)
		return cmd_invoice_suggestions(argc - 1, argv + 1);
	if (strcmp(sub, "inspect") != 0 && strcmp(sub, "extract") != 0)
		return cli_usage("invoice",
				 "unknown subcommand '%s' (inspect, extract, validate, rules, "
				 "show, terms, convert, import, list, suggestions, reject, "
				 "reroute, offset or decide-cpv)",
				 sub);
	argc--;
	argv++;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			cli_json = true;
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
	if (optind >= argc)
		return cli_usage("invoice", "give the files to %s", sub);
	if (strcmp(sub, "extract") == 0) {
		if (argc - optind != 1)
			return cli_usage("invoice", "extract takes one PDF");
		if (cli_json)
			return cli_usage("invoice", "extract writes XML; --json goes with inspect");
		return extract(argv[optind], out_path);
	}
	if (out_path)
		return cli_usage("invoice", "-o goes with extract");
	return inspect(argc, argv, optind);
}
