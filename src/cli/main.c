/*
 * src/cli/main.c - the tandem command-line tool: global options and the
 * table of commands. Each command lives in its own cmd_<name>.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tandem/log.h"
#include "tandem/version.h"

static const struct cli_command commands[] = {
	{"budget", "load a budget (AE/CP) and show what is available", cmd_budget},
	{"certify", "certify service done on a commitment", cmd_certify},
	{"pay", "order, approve and cancel payments; payment runs and SEPA files", cmd_pay},
	{"report", "reports: budget (AE/CP consumption), as a table or --json", cmd_report},
	{"classify", "CPV classification of purchase texts: train, predict, explain, eval",
	 cmd_classify},
	{"commit", "record a legal commitment (consumes AE, within what is available)", cmd_commit},
	{"demo", "build a realistic database: a year of two administrations, with anomalies",
	 cmd_demo},
	{"id", "check identifiers: SIREN, SIRET, VAT, IBAN, BIC, Leitweg-ID", cmd_id},
	{"init", "create the ledger database or bring it to the current schema", cmd_init},
	{"invoice", "open e-invoices safely: inspect, extract from PDF", cmd_invoice},
	{"llm", "open-weight language models: inspect GGUF files", cmd_llm},
	{"log", "the transparency log: verify Merkle proofs (RFC 9162)", cmd_log},
	{"supplier", "add suppliers and record changes of their bank details", cmd_supplier},
	{"user", "add the users of the ledger and their roles", cmd_user},
	{"version", "print the version", cmd_version},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tandem [--version] [--help] [--json] [--log-format text|json]\n"
		"              <command> [<args>]\n"
		"\n"
		"tandem: public finances of French and German administrations.\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"'tandem <command> --help' tells more about a command.\n"
		"\n"
		"options:\n"
		"  --json              machine-readable output (also per command)\n"
		"  --log-format FMT    log lines on stderr as text (default) or json\n"
		"  --version           print the version and exit\n"
		"\n"
		"exit codes: 0 ok, 1 the input is invalid or has findings,\n"
		"            2 usage error, 3 I/O or internal error\n");
}

int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: tandem version [--json]\n\nPrints the version of tandem.\n");
		return CLI_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			cli_json = true;
		else
			return cli_usage("version", "unknown argument '%s'", argv[i]);
	}
	if (cli_json)
		printf("{\"version\":\"%s\"}\n", tandem_version());
	else
		printf("tandem %s\n", tandem_version());
	return CLI_EXIT_OK;
}

static int run(int argc, char **argv);

/*
 * Output goes through stdio: a full disk or a closed pipe shows only when
 * the buffer is flushed. Every path ends here, so a failed write is exit 3.
 */
int main(int argc, char **argv)
{
	int status = run(argc, argv);

	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error(CLI_EXIT_IO, NULL, "cannot write the output: %s",
			  strerror(errno ? errno : EIO));
		return CLI_EXIT_IO;
	}
	return status;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"json", no_argument, NULL, 'j'},
		{"log-format", required_argument, NULL, 'L'},
		{NULL, 0, NULL, 0},
	};
	int c;

	tandem_log_set_sink(tandem_log_sink_text, stderr);
	opterr = 0;
	/* "+": stop at the first non-option, the command name. */
	while ((c = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		case 'V':
			printf("tandem %s\n", tandem_version());
			return CLI_EXIT_OK;
		case 'j':
			cli_json = true;
			break;
		case 'L':
			if (strcmp(optarg, "json") == 0)
				tandem_log_set_sink(tandem_log_sink_json, stderr);
			else if (strcmp(optarg, "text") != 0)
				return cli_usage(NULL, "--log-format is text or json, not '%s'",
						 optarg);
			break;
		case ':':
			return cli_missing_value(NULL, argv);
		default:
			return cli_unknown_option(NULL, argv);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0) {
		if (optind + 1 >= argc) {
			usage(stdout);
			return CLI_EXIT_OK;
		}
		/* "tandem help id" is "tandem id --help". */
		char *help_argv[] = {argv[optind + 1], "--help", NULL};
		for (size_t i = 0; i < N_COMMANDS; i++)
			if (strcmp(commands[i].name, help_argv[0]) == 0)
				return commands[i].run(2, help_argv);
		return cli_usage(NULL, "no such command '%s'", argv[optind + 1]);
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(commands[i].name, argv[optind]) == 0) {
			int first = optind;
			optind = 0; /* getopt starts afresh for the command */
			return commands[i].run(argc - first, argv + first);
		}
	}
	return cli_usage(NULL, "no such command '%s'", argv[optind]);
}
