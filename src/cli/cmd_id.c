/*
 * src/cli/cmd_id.c - `tandem id check` and `tandem id compute`: identifier
 * checks from the command line, for values given as arguments or read from a
 * file (one per line, or one column of a TSV file).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tandem/error.h"
#include "tandem/ident.h"

#define LINE_MAX_BYTES (64u << 10)  /* longer lines are reported, not kept */
#define DISPLAY_MAX 80             /* bytes of a value shown in text output */
#define JSON_INPUT_MAX 256         /* bytes of a value echoed in JSON */
#define COLUMN_MAX 1000

static const char usage_text[] =
	"usage: tandem id check [--type TYPE] [--json] [--invalid-only] VALUE...\n"
	"       tandem id check [--type TYPE] [--json] [--invalid-only]\n"
	"                       --file FILE [--column N] [--header]\n"
	"       tandem id compute --type TYPE [--json] VALUE...\n"
	"\n"
	"check     validates each value and says why an invalid one is wrong;\n"
	"          without --type the kind of each value is detected from its shape.\n"
	"compute   completes each value with its check digits.\n"
	"\n"
	"types: siren, siret, vat (FR or DE by prefix), vat-fr, vat-de, iban, bic,\n"
	"       leitweg\n"
	"\n"
	"options:\n"
	"  --type TYPE      check every value as this type\n"
	"  --file FILE      read values from FILE, one per line ('-' is stdin);\n"
	"                   empty lines are skipped\n"
	"  --column N       take the Nth tab-separated column of each line (from 1)\n"
	"  --header         the first line of FILE is a header: skip it\n"
	"  --invalid-only   print only the invalid values (the summary still counts all)\n"
	"  --json           one JSON document: {\"results\":[...],\"summary\":{...}}\n"
	"\n"
	"Output (text): one line per value, tab-separated:\n"
	"  [LINE] VALUE TYPE valid|invalid [REASON DETAIL]    (check)\n"
	"  [LINE] VALUE TYPE RESULT                           (compute)\n"
	"then a summary line. Spaces and no-break spaces inside a value are ignored.\n"
	"Exit status: 0 all valid, 1 some invalid, 2 usage error, 3 I/O error.\n";

struct id_run {
	enum tandem_id_type type;
	bool compute;
	bool invalid_only;
	bool from_file;
	size_t checked, valid, invalid;
	size_t printed; /* results written, for the JSON separators */
	size_t by_type[TANDEM_ID_TYPE_COUNT_];
	struct tandem_buf json; /* one result at a time */
};

static void put_flags_json(struct tandem_buf *b, unsigned flags)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{TANDEM_ID_F_NOT_SEPA, "not_sepa"},
		{TANDEM_ID_F_TEST_BIC, "test_bic"},
		{TANDEM_ID_F_LA_POSTE, "la_poste"},
	};
	bool first = true;

	tandem_buf_puts(b, "[");
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (flags & names[i].bit) {
			tandem_buf_printf(b, "%s\"%s\"", first ? "" : ",", names[i].name);
			first = false;
		}
	}
	tandem_buf_puts(b, "]");
}

static void report_json(struct id_run *run, long line, const char *value,
			size_t len, const struct tandem_id_result *r,
			const char *computed, bool valid)
{
	struct tandem_buf *b = &run->json;
	size_t shown = len > JSON_INPUT_MAX ? JSON_INPUT_MAX : len;

	tandem_buf_reset(b);
	tandem_buf_puts(b, run->printed++ ? ",\n" : "\n");
	tandem_buf_puts(b, "{");
	if (line > 0)
		tandem_buf_printf(b, "\"line\":%ld,", line);
	tandem_buf_puts(b, "\"input\":");
	tandem_buf_json_string(b, value, shown);
	if (shown < len)
		tandem_buf_printf(b, ",\"input_bytes\":%zu", len);
	tandem_buf_printf(b, ",\"type\":\"%s\",\"valid\":%s,\"normalized\":",
			  tandem_id_type_name(r->type), valid ? "true" : "false");
	tandem_buf_json_string(b, r->normalized, strlen(r->normalized));
	if (computed) {
		tandem_buf_puts(b, ",\"computed\":");
		tandem_buf_json_string(b, computed, strlen(computed));
	}
	tandem_buf_printf(b, ",\"reason\":\"%s\",\"detail\":",
			  tandem_id_reason_name(r->reason));
	tandem_buf_json_string(b, r->detail, strlen(r->detail));
	tandem_buf_printf(b, ",\"offset\":%ld,\"expected\":", r->pos);
	tandem_buf_json_string(b, r->expected, strlen(r->expected));
	tandem_buf_puts(b, ",\"flags\":");
	put_flags_json(b, r->flags);
	tandem_buf_puts(b, "}");
	fwrite(b->data, 1, b->len, stdout);
}

static void report_text(const struct id_run *run, long line, const char *value,
			size_t len, const struct tandem_id_result *r,
			const char *computed, bool valid)
{
	if (line > 0)
		printf("%ld\t", line);
	cli_print_value(stdout, value, len, DISPLAY_MAX);
	printf("\t%s", tandem_id_type_name(r->type));
	if (computed) {
		/* compute: the input has no check digits yet; show the result. */
		printf("\t%s\n", computed);
		return;
	}
	printf("\t%s", valid ? "valid" : "invalid");
	if (!valid)
		printf("\t%s\t%s", tandem_id_reason_name(r->reason), r->detail);
	else if (run->type == TANDEM_ID_UNKNOWN && r->flags)
		printf("\t%s", r->detail);
	putchar('\n');
}

/* Counts one result and prints it. */
static void record(struct id_run *run, long line, const char *value, size_t len,
		   const struct tandem_id_result *r, int err, const char *computed)
{
	run->checked++;
	run->by_type[r->type < TANDEM_ID_TYPE_COUNT_ ? r->type : 0]++;
	if (err == 0)
		run->valid++;
	else
		run->invalid++;
	if (run->invalid_only && err == 0)
		return;
	if (err != 0)
		computed = NULL;
	if (cli_json)
		report_json(run, line, value, len, r, computed, err == 0);
	else
		report_text(run, line, value, len, r, computed, err == 0);
}

/* Checks (or completes) one value and reports it. */
static void process(struct id_run *run, long line, const char *value, size_t len)
{
	struct tandem_id_result r;
	char computed[TANDEM_ID_NORM_MAX];
	int err;

	if (run->compute)
		err = tandem_id_compute(run->type, value, len, computed,
					sizeof computed, &r);
	else
		err = tandem_id_check(run->type, value, len, &r);
	if (err == TANDEM_ELIMIT || err == TANDEM_EUNSUPPORTED || err == TANDEM_EINVAL) {
		/* Not the value's fault: report as invalid with the library's word. */
		r.reason = TANDEM_ID_R_BAD_FORMAT;
		snprintf(r.detail, sizeof r.detail, "%s", tandem_strerror(err));
	}
	record(run, line, value, len, &r, err, run->compute ? computed : NULL);
}

/*
 * A value cut by the line limit: only its beginning was kept, and checking
 * that part could call a far longer value valid. Reported as too long.
 */
static void process_cut(struct id_run *run, long line, const char *value,
			size_t len)
{
	struct tandem_id_result r;

	memset(&r, 0, sizeof r);
	r.type = run->type;
	r.reason = TANDEM_ID_R_TOO_LONG;
	r.pos = -1;
	snprintf(r.detail, sizeof r.detail,
		 "the line is longer than %u bytes: the value was cut", LINE_MAX_BYTES);
	record(run, line, value, len, &r, TANDEM_EBADINPUT, NULL);
}

static void print_summary(const struct id_run *run)
{
	if (cli_json) {
		printf("\n],\"summary\":{\"checked\":%zu,\"valid\":%zu,\"invalid\":%zu,\"by_type\":{",
		       run->checked, run->valid, run->invalid);
		bool first = true;
		for (int t = 0; t < TANDEM_ID_TYPE_COUNT_; t++) {
			if (!run->by_type[t])
				continue;
			printf("%s\"%s\":%zu", first ? "" : ",",
			       tandem_id_type_name((enum tandem_id_type)t), run->by_type[t]);
			first = false;
		}
		printf("}}}\n");
		return;
	}
	printf("%s %zu: %zu %s, %zu invalid", run->compute ? "computed" : "checked",
	       run->checked, run->valid, run->compute ? "completed" : "valid",
	       run->invalid);
	if (run->from_file || run->checked > 1) {
		const char *sep = " (";
		for (int t = 0; t < TANDEM_ID_TYPE_COUNT_; t++) {
			if (!run->by_type[t])
				continue;
			printf("%s%s %zu", sep, tandem_id_type_name((enum tandem_id_type)t),
			       run->by_type[t]);
			sep = ", ";
		}
		if (strcmp(sep, ", ") == 0)
			putchar(')');
	}
	putchar('\n');
}

/* Column col (1-based) of a tab-separated line; false if it has fewer. */
static bool take_column(const char *line, size_t len, unsigned long col,
			const char **start, size_t *n)
{
	const char *p = line, *end = line + len;

	for (unsigned long c = 1; c < col; c++) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		if (tab == NULL)
			return false;
		p = tab + 1;
	}
	const char *tab = memchr(p, '\t', (size_t)(end - p));
	*start = p;
	*n = (size_t)((tab ? tab : end) - p);
	return true;
}

static int run_file(struct id_run *run, FILE *f, const char *path,
		    unsigned long column, bool header)
{
	struct tandem_buf line;
	bool truncated;
	long lineno = 0;
	int rc, status = CLI_EXIT_OK;

	tandem_buf_init(&line, LINE_MAX_BYTES);
	while ((rc = cli_read_line(f, &line, &truncated)) == 1) {
		const char *v = line.data;
		size_t n = line.len;

		lineno++;
		if ((header && lineno == 1) || line.len == 0)
			continue; /* the header, or an empty line */
		if (column && !take_column(line.data, line.len, column, &v, &n)) {
			v = "";
			n = 0;
		}
		if (truncated && v + n == line.data + line.len)
			process_cut(run, lineno, v, n);
		else
			process(run, lineno, v, n);
	}
	if (rc < 0)
		status = cli_error(CLI_EXIT_IO, "id", "error reading '%s' after line %ld",
				   path, lineno);
	tandem_buf_release(&line);
	return status;
}

int cmd_id(int argc, char **argv)
{
	static const struct option opts[] = {
		{"type", required_argument, NULL, 't'},
		{"file", required_argument, NULL, 'f'},
		{"column", required_argument, NULL, 'c'},
		{"header", no_argument, NULL, 'H'},
		{"invalid-only", no_argument, NULL, 'i'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct id_run run = {0};
	const char *file = NULL, *sub;
	FILE *in = NULL;
	unsigned long column = 0;
	bool header = false;
	int c, status = CLI_EXIT_OK;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	sub = argv[1];
	if (strcmp(sub, "compute") == 0)
		run.compute = true;
	else if (strcmp(sub, "check") != 0)
		return cli_usage("id", "unknown subcommand '%s' (check or compute)", sub);
	argc--;
	argv++;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			run.type = tandem_id_type_parse(optarg);
			if (run.type == TANDEM_ID_TYPE_COUNT_ || run.type == TANDEM_ID_UNKNOWN)
				return cli_usage("id", "unknown type '%s'", optarg);
			break;
		case 'f':
			file = optarg;
			break;
		case 'c':
			if (!cli_parse_uint(optarg, COLUMN_MAX, &column))
				return cli_usage("id", "--column takes a number from 1 to %d, not '%s'",
						 COLUMN_MAX, optarg);
			break;
		case 'H':
			header = true;
			break;
		case 'i':
			run.invalid_only = true;
			break;
		case 'j':
			cli_json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CLI_EXIT_OK;
		case ':':
			return cli_missing_value("id", argv);
		default:
			return cli_unknown_option("id", argv);
		}
	}
	if (run.compute && run.type == TANDEM_ID_UNKNOWN)
		return cli_usage("id", "compute needs --type");
	if (file == NULL && optind >= argc)
		return cli_usage("id", "give values to %s, or --file FILE", sub);
	if (file && optind < argc)
		return cli_usage("id", "give values either as arguments or with --file, not both");
	if (!file && (column || header))
		return cli_usage("id", "--column and --header go with --file");
	run.from_file = file != NULL;
	/* Open before writing anything, so a missing file leaves no output. */
	if (file && (in = cli_open_input("id", file)) == NULL)
		return CLI_EXIT_IO;
	tandem_buf_init(&run.json, 4 * JSON_INPUT_MAX + 4096);
	if (cli_json)
		fputs("{\"results\":[", stdout);
	if (in) {
		status = run_file(&run, in, file, column, header);
		if (in != stdin)
			fclose(in);
	} else {
		for (int i = optind; i < argc; i++)
			process(&run, 0, argv[i], strlen(argv[i]));
	}
	tandem_buf_release(&run.json);
	/* The summary closes the JSON document even after a read error. */
	print_summary(&run);
	if (status != CLI_EXIT_OK)
		return status;
	return run.invalid ? CLI_EXIT_INVALID : CLI_EXIT_OK;
}
