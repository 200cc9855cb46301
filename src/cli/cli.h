/*
 * src/cli/cli.h - what the subcommands of the tandem tool share: exit codes,
 * error reporting, option parsing helpers and a bounded line reader.
 * The tool uses the library only through include/tandem/.
 */
#ifndef TANDEM_CLI_H
#define TANDEM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tandem/buf.h"
#include "tandem/diag.h"

/* Exit codes, documented in README.md and `tandem --help`. */
enum cli_exit {
	CLI_EXIT_OK = 0,      /* done; every input valid */
	CLI_EXIT_INVALID = 1, /* the input is invalid or has findings */
	CLI_EXIT_USAGE = 2,   /* bad command line */
	CLI_EXIT_IO = 3,      /* I/O or internal error */
};

struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
};

/* Output format chosen by --json. */
extern bool cli_json;

/* "tandem CMD: message" on stderr, then returns the exit code. */
int cli_error(int exit_code, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same plus "see 'tandem CMD --help'" - for usage errors (exit 2). */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Usage errors for getopt_long's '?' and ':' returns, naming the option
 * that getopt rejected (optopt for a short option, else the argument).
 */
int cli_unknown_option(const char *cmd, char **argv);
int cli_missing_value(const char *cmd, char **argv);

/* Appends cents as euros: ,"key":"12.34" in JSON, else right-aligned in 17
 * columns. */
void cli_put_cents(struct tandem_buf *b, const char *key, int64_t cents, bool json);

/* Parses euros with at most two decimals ("1234.5") into cents. */
bool cli_parse_cents(const char *s, int64_t *out);

/* Parses a positive decimal integer option value no larger than max. */
bool cli_parse_uint(const char *s, unsigned long max, unsigned long *out);

/*
 * Writes text from outside for a terminal: printable ASCII and valid UTF-8
 * as is; control bytes (tab and newline included), C1 controls and broken
 * UTF-8 as \xHH; a backslash doubled; more than width_max bytes cut with a
 * note of the full length. Every document-derived string goes through it.
 */
void cli_print_value(FILE *f, const char *s, size_t len, size_t width_max);

/*
 * Bounded line reader. Reads the next line (without its "\n" or "\r\n")
 * into line (reset first). Returns 1 for a line, 0 at end of file, or a
 * negative TANDEM_E* code on a read error. A line longer than line->max is
 * read to its end but only its first line->max bytes are kept, and
 * *truncated is set.
 */
int cli_read_line(FILE *f, struct tandem_buf *line, bool *truncated);

/*
 * Opens path for reading ("-" is stdin). Refuses directories and reports
 * any failure itself; returns NULL then.
 */
FILE *cli_open_input(const char *cmd, const char *path);

/*
 * Reads a whole file into a malloc'ed buffer (free it with free), refusing
 * directories and files over max bytes without reading them. Returns 0,
 * TANDEM_ELIMIT (too big: *len holds the size), or TANDEM_EIO with the
 * message already printed.
 */
int cli_read_file(const char *cmd, const char *path, size_t max, char **data,
		  size_t *len);

/*
 * Writes data to stdout (path NULL), or to path. A regular file (or a new
 * one) is written atomically: a temporary file beside it, then rename, so a
 * failure never leaves half a file. Anything else that exists (a device,
 * a FIFO) is written in place: renaming over it would replace it. Returns
 * CLI_EXIT_OK or CLI_EXIT_IO with the message printed.
 */
int cli_write_output(const char *cmd, const char *path, const char *data, size_t len);

/*
 * Reads an e-invoice file (at most TANDEM_EINV_PDF_BYTES_MAX bytes) into
 * *data (free it) and opens it in a: returns tandem_einv_open()'s status,
 * TANDEM_EBADINPUT with a TANDEM-FILE-SIZE finding for a file too large, or
 * TANDEM_EIO with the message printed. *src may stay NULL.
 */
struct tandem_arena;
struct tandem_einv_source;
int cli_open_invoice(const char *path, struct tandem_arena *a, struct tandem_diag *d,
		     struct tandem_einv_source **src, char **data);

/* Invoice files named on a command line (invoice_files.c): a file as
 * given, a directory walked depth first in name order for its .xml and .pdf
 * files (at most 1,000,000 files, 32 levels). Errors are printed; the
 * return is an exit status. */
struct cli_paths {
	char **v;
	size_t n, cap;
};
int cli_paths_collect(struct cli_paths *p, const char *cmd, const char *arg);
void cli_paths_release(struct cli_paths *p);

/* Whether the rule cache is wanted: not with --no-cache or $TANDEM_NO_CACHE. */
bool cli_cache_wanted(bool no_cache);

/* Loads the validation rules from dir (NULL: $TANDEM_ARTEFACTS), with the
 * cache when wanted; 0 or an exit status with the findings printed. */
struct tandem_einv_rules;
int cli_load_rules(const char *dir, bool cache, struct tandem_einv_rules **rules);

/* Writes the findings of a diag to f as indented text lines. */
void cli_print_findings(FILE *f, const struct tandem_diag *d);

/* The commands (one file each). */
int cmd_classify(int argc, char **argv);
int cmd_id(int argc, char **argv);
int cmd_invoice(int argc, char **argv);
int cmd_invoice_validate(int argc, char **argv); /* cmd_validate.c */
int cmd_invoice_show(int argc, char **argv);     /* cmd_show.c */
int cmd_invoice_convert(int argc, char **argv);  /* cmd_convert.c */
int cmd_invoice_import(int argc, char **argv);   /* cmd_import.c */
int cmd_invoice_list(int argc, char **argv);     /* cmd_invoice_list.c */
int cmd_invoice_decide(int argc, char **argv);   /* cmd_pay.c: reject, reroute, offset */
int cmd_llm(int argc, char **argv);              /* cmd_llm.c */
int cmd_llm_run(int argc, char **argv);          /* cmd_llm_run.c */

/* The sampling options of `llm run` and `llm chat` (cmd_llm_run.c): their
 * getopt entries, and their parsing into s: 1 done, 0 not one of them,
 * -1 a value out of its range. */
#define CLI_LLM_SAMPLING_OPTIONS                                                  \
	{"temp", required_argument, NULL, 't'}, {"top-k", required_argument, NULL, 'k'}, \
	{"top-p", required_argument, NULL, 'P'}, {"min-p", required_argument, NULL, 'M'}, \
	{"repeat-penalty", required_argument, NULL, 'r'},                          \
	{"repeat-last-n", required_argument, NULL, 'R'},                           \
	{"seed", required_argument, NULL, 's'}
struct tandem_llm_sampling;
int cli_llm_sampling_option(int c, const char *arg, struct tandem_llm_sampling *s);
int cmd_llm_bench(int argc, char **argv);        /* cmd_llm_bench.c */
int cmd_llm_chat(int argc, char **argv);         /* cmd_llm_chat.c */
int cmd_invoice_suggestions(int argc, char **argv); /* cmd_suggest.c: suggestions,
						      decide-cpv */
int cmd_budget_cpv_map(int argc, char **argv);    /* cmd_suggest.c */
int cmd_version(int argc, char **argv);
int cmd_init(int argc, char **argv);             /* cmd_init.c */
int cmd_user(int argc, char **argv);             /* cmd_budget.c */
int cmd_budget(int argc, char **argv);           /* cmd_budget.c */
int cmd_supplier(int argc, char **argv);         /* cmd_commit.c */
int cmd_commit(int argc, char **argv);           /* cmd_commit.c */
int cmd_certify(int argc, char **argv);          /* cmd_commit.c */
int cmd_pay(int argc, char **argv);              /* cmd_pay.c */
int cmd_report(int argc, char **argv);           /* cmd_budget.c */
int cmd_demo(int argc, char **argv);             /* cmd_demo.c */
int cmd_log(int argc, char **argv);              /* cmd_log.c */

/* The ledger database: the --db option if given, else $TANDEM_DB, else
 * tandem.db in the current directory. */
const char *cli_db_path(const char *option);

/* Prints the findings of a ledger call (info on stdout, the others on
 * stderr) and returns its exit status: 0 done, 3 for I/O, memory or
 * internal errors (naming db when not NULL), 1 for a refusal. */
int cli_ledger_finish(const char *cmd, int rc, const struct tandem_diag *d, const char *db);

/* The same, fit to print: a postgresql:// URL's password replaced by ***
 * (in buf, or where itself when there is none). */
const char *cli_db_shown(const char *where, char *buf, size_t size);

/* The transparency log of a ledger database (publish.c): --log if given,
 * else $TANDEM_LOG, else the database's file name with .tlog added
 * (tandem.tlog for a postgresql:// URL). False when it does not fit. */
bool cli_log_dir(const char *option, const char *db, char *out, size_t size);

/* Publishes the events of store s (database db) to its log when the log
 * exists: a failure is a warning (the events wait in the database for the
 * next command or `tandem log sync`) and its code is returned. Unless
 * quiet, a line says how many events went. */
struct tandem_store;
int cli_publish(const char *cmd, struct tandem_store *s, const char *db, bool quiet);

#endif /* TANDEM_CLI_H */
