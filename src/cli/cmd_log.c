/*
 * src/cli/cmd_log.c - `tandem log`: the transparency log of a ledger
 * database (docs/tlog.md). This file dispatches the subcommands and runs
 * those that write or show the log: init, key, append, checkpoint, show and
 * sync; cmd_log_proof.c runs the proofs and the verifier.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd_log.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/store.h"
#include "tandem/tlog_log.h"
#include "tandem/tlog_record.h"

static const char usage[] =
	"usage: tandem log SUBCOMMAND [--log DIR] [options]\n"
	"\n"
	"The transparency log (RFC 9162) of a ledger database: DIR is --log, else\n"
	"$TANDEM_LOG, else the database file name with .tlog added.\n"
	"\n"
	"  init --origin NAME         creates the log and its Ed25519 key (key, mode 0600)\n"
	"  key                        prints the public key (name+id+base64)\n"
	"  append [FILE|-]            appends records, one JSON object per line, all or none\n"
	"  checkpoint                 signs the log's size and root; prints the checkpoint\n"
	"  show --index I             prints record I as JSON\n"
	"  sync [--db WHERE]          publishes the ledger's events not yet in the log\n"
	"  prove --index I [--size N] inclusion proof of record I in the tree of N records\n"
	"        [--start S --end E]  ... or in the subtree [S, E)\n"
	"  consistency --from M --to N       proof that the tree of N extends that of M\n"
	"        [--start S --end E --to N]  ... or that the subtree [S, E) is in it\n"
	"  verify [--checkpoint FILE] [--key FILE]\n"
	"                             recomputes everything from the stored records and\n"
	"                             checks the checkpoint (default DIR/checkpoint) with the\n"
	"                             public key (default DIR/key.pub); names the first bad\n"
	"                             index\n"
	"  check-proof FILE.json      verifies one proof in the JSON form prove and\n"
	"                             consistency print (and the public test vectors use)\n"
	"Exit status: 0 done (the proof or log holds), 1 refused or rejected, 2 usage\n"
	"error, 3 I/O error.\n";

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return false;
	v = strtoull(s, &end, 10);
	if (end == NULL || *end != '\0')
		return false;
	*out = v;
	return true;
}

/* Options of every subcommand; each takes those it needs. */
int log_parse(int argc, char **argv, struct log_opts *o)
{
	static const struct option opts[] = {
		{"log", required_argument, NULL, 'l'},   {"db", required_argument, NULL, 'd'},
		{"origin", required_argument, NULL, 'o'}, {"index", required_argument, NULL, 'i'},
		{"size", required_argument, NULL, 'n'},  {"start", required_argument, NULL, 's'},
		{"end", required_argument, NULL, 'e'},   {"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},    {"checkpoint", required_argument, NULL, 'c'},
		{"key", required_argument, NULL, 'k'},   {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof *o);
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		uint64_t *num = NULL;

		switch (c) {
		case 'l': o->log = optarg; break;
		case 'd': o->db = optarg; break;
		case 'o': o->origin = optarg; break;
		case 'c': o->checkpoint = optarg; break;
		case 'k': o->key = optarg; break;
		case 'i': num = &o->index; break;
		case 'n': num = &o->size; break;
		case 's': num = &o->start; break;
		case 'e': num = &o->end; break;
		case 'f': num = &o->from; break;
		case 't': num = &o->to; break;
		case 'h': return fputs(usage, stdout), CLI_EXIT_OK;
		case ':': return cli_missing_value("log", argv);
		default: return cli_unknown_option("log", argv);
		}
		if (num != NULL) {
			if (!parse_u64(optarg, num))
				return cli_usage("log", "%s wants a number, not '%s'",
						 argv[optind - 1], optarg);
			o->given |= 1u << (c - 'a');
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (!cli_log_dir(o->log, cli_db_path(o->db), o->dir, sizeof o->dir))
		return cli_usage("log", "the log directory name is too long");
	return -1;
}

int log_open(const struct log_opts *o, enum tandem_tlog_mode mode, struct tandem_tlog **log)
{
	char why[TANDEM_TLOG_WHY_MAX];
	int rc = tandem_tlog_open(o->dir, mode, log, why, sizeof why);

	if (rc == 0 && tandem_tlog_discarded(*log) > 0)
		fprintf(stderr, "tandem log: %s: %llu bytes of an unacknowledged tail (a write cut "
			"short) discarded\n", o->dir, (unsigned long long)tandem_tlog_discarded(*log));
	if (rc == 0)
		return 0;
	return cli_error(rc == TANDEM_EIO || rc == TANDEM_ENOMEM ? CLI_EXIT_IO : CLI_EXIT_INVALID,
			 "log", "%s", why);
}

static int log_init(const struct log_opts *o)
{
	char why[TANDEM_TLOG_WHY_MAX], pub[512];
	int rc;

	if (o->origin == NULL)
		return cli_usage("log", "init needs --origin NAME (e.g. finances.example.fr/log)");
	rc = tandem_tlog_create(o->dir, o->origin, why, sizeof why);
	if (rc != 0)
		return cli_error(rc == TANDEM_EIO ? CLI_EXIT_IO : CLI_EXIT_INVALID, "log", "%s", why);
	if (tandem_tlog_public_key(o->dir, pub, sizeof pub) != 0)
		return cli_error(CLI_EXIT_IO, "log", "cannot read %s/key.pub", o->dir);
	printf("%s: log %s created; its public key:\n%s", o->dir, o->origin, pub);
	return CLI_EXIT_OK;
}

static int log_key(const struct log_opts *o)
{
	char pub[512];
	int rc = tandem_tlog_public_key(o->dir, pub, sizeof pub);

	if (rc != 0)
		return cli_error(rc == TANDEM_ENOENT ? CLI_EXIT_INVALID : CLI_EXIT_IO, "log",
				 "%s/key.pub: %s", o->dir, tandem_strerror(rc));
	fputs(pub, stdout);
	return CLI_EXIT_OK;
}

/* One JSON line: encoded and appended; a refusal names the line. */
static int append_line(struct tandem_tlog *log, const struct tandem_buf *line, long n,
		       uint8_t *rec, char *scratch)
{
	struct tandem_tlog_record r;
	char why[TANDEM_TLOG_WHY_MAX];
	size_t len;
	uint64_t at;
	int rc = tandem_tlog_record_from_json(line->data, line->len, (uint64_t)time(NULL), &r,
					      scratch, TANDEM_TLOG_RECORD_MAX, why, sizeof why);

	if (rc == 0)
		rc = tandem_tlog_record_encode(&r, rec, TANDEM_TLOG_RECORD_MAX, &len, why,
					       sizeof why);
	if (rc == 0)
		rc = tandem_tlog_append(log, rec, len, &at);
	if (rc == TANDEM_EBADINPUT || rc == TANDEM_ELIMIT)
		return cli_error(CLI_EXIT_INVALID, "log", "line %ld: %s; nothing appended", n,
				 rc == TANDEM_ELIMIT ? "larger than a record" : why);
	if (rc != 0)
		return cli_error(CLI_EXIT_IO, "log", "line %ld: %s", n, tandem_strerror(rc));
	return CLI_EXIT_OK;
}

static int log_append(const struct log_opts *o)
{
	const char *path = o->nargs > 0 ? o->args[0] : "-";
	struct tandem_tlog *log = NULL;
	struct tandem_buf line;
	uint8_t *rec = malloc(TANDEM_TLOG_RECORD_MAX);
	char *scratch = malloc(TANDEM_TLOG_RECORD_MAX);
	FILE *f = NULL;
	long n = 0;
	uint64_t first = 0;
	bool cut = false;
	int rc, status = rec != NULL && scratch != NULL ? log_open(o, TANDEM_TLOG_WRITE, &log)
						       : cli_error(CLI_EXIT_IO, "log", "out of memory");

	if (o->nargs > 1)
		status = cli_usage("log", "append takes one file");
	if (status == CLI_EXIT_OK && (f = cli_open_input("log", path)) == NULL)
		status = CLI_EXIT_IO;
	tandem_buf_init(&line, TANDEM_TLOG_JSON_MAX);
	if (log != NULL)
		first = tandem_tlog_size(log);
	while (status == CLI_EXIT_OK) {
		rc = cli_read_line(f, &line, &cut);
		if (rc <= 0) {
			if (rc < 0)
				status = cli_error(CLI_EXIT_IO, "log", "%s: cannot read", path);
			break;
		}
		n++;
		if (cut)
			status = cli_error(CLI_EXIT_INVALID, "log", "line %ld: too long; nothing "
					   "appended", n);
		else if (line.len > 0)
			status = append_line(log, &line, n, rec, scratch);
	}
	if (status == CLI_EXIT_OK && tandem_tlog_commit(log) != 0)
		status = cli_error(CLI_EXIT_IO, "log", "%s: cannot write the log", o->dir);
	if (status == CLI_EXIT_OK)
		printf("%s: %llu record%s appended; the log holds %llu\n", o->dir,
		       (unsigned long long)(tandem_tlog_size(log) - first),
		       tandem_tlog_size(log) - first == 1 ? "" : "s",
		       (unsigned long long)tandem_tlog_size(log));
	if (f != NULL && f != stdin)
		(void)fclose(f);
	tandem_buf_release(&line);
	tandem_tlog_close(log);
	free(rec);
	free(scratch);
	return status;
}

static int log_checkpoint(const struct log_opts *o)
{
	char note[TANDEM_TLOG_NOTE_MAX], why[TANDEM_TLOG_WHY_MAX];
	struct tandem_tlog *log = NULL;
	int rc, status = log_open(o, TANDEM_TLOG_WRITE, &log);

	if (status != CLI_EXIT_OK)
		return status;
	rc = tandem_tlog_checkpoint(log, note, sizeof note, why, sizeof why);
	tandem_tlog_close(log);
	if (rc != 0)
		return cli_error(rc == TANDEM_EIO ? CLI_EXIT_IO : CLI_EXIT_INVALID, "log", "%s", why);
	fputs(note, stdout);
	return CLI_EXIT_OK;
}

static int log_show(const struct log_opts *o)
{
	struct tandem_tlog *log = NULL;
	struct tandem_tlog_record r;
	uint8_t *rec = malloc(TANDEM_TLOG_RECORD_MAX);
	char *json = malloc(TANDEM_TLOG_JSON_MAX), why[TANDEM_TLOG_WHY_MAX];
	size_t len = 0;
	int rc, status;

	if (!(o->given & LOG_INDEX))
		status = cli_usage("log", "show needs --index I");
	else if (rec == NULL || json == NULL)
		status = cli_error(CLI_EXIT_IO, "log", "out of memory");
	else
		status = log_open(o, TANDEM_TLOG_READ, &log);
	if (status == CLI_EXIT_OK) {
		rc = tandem_tlog_read(log, o->index, rec, TANDEM_TLOG_RECORD_MAX, &len);
		if (rc == TANDEM_ENOENT)
			status = cli_error(CLI_EXIT_INVALID, "log", "no record %llu: the log holds "
					   "%llu", (unsigned long long)o->index,
					   (unsigned long long)tandem_tlog_size(log));
		else if (rc != 0 || tandem_tlog_record_decode(rec, len, &r, why, sizeof why) != 0 ||
			 tandem_tlog_record_to_json(&r, json, TANDEM_TLOG_JSON_MAX) != 0)
			status = cli_error(CLI_EXIT_INVALID, "log", "record %llu cannot be read: run "
					   "tandem log verify", (unsigned long long)o->index);
		else
			printf("%s\n", json);
	}
	tandem_tlog_close(log);
	free(rec);
	free(json);
	return status;
}

static int log_sync(const struct log_opts *o)
{
	struct tandem_store *s = NULL;
	struct tandem_tlog *log = NULL;
	struct tandem_diag d;
	uint64_t count = 0;
	int rc, status;

	tandem_diag_init(&d, 10);
	rc = tandem_ledger_open(cli_db_path(o->db), 0, &d, &s);
	status = rc != 0 ? cli_ledger_finish("log", rc, &d, cli_db_path(o->db))
			 : log_open(o, TANDEM_TLOG_WRITE, &log);
	if (status == CLI_EXIT_OK) {
		rc = tandem_ledger_publish(s, log, &count, &d);
		status = cli_ledger_finish("log", rc, &d, NULL);
	}
	if (status == CLI_EXIT_OK)
		printf("%s: %llu event%s published; the log holds %llu records\n", o->dir,
		       (unsigned long long)count, count == 1 ? "" : "s",
		       (unsigned long long)tandem_tlog_size(log));
	tandem_tlog_close(log);
	tandem_store_close(s);
	tandem_diag_release(&d);
	return status;
}

int cmd_log(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(const struct log_opts *o);
	} subs[] = {
		{ "init", log_init },         { "key", log_key },
		{ "append", log_append },     { "checkpoint", log_checkpoint },
		{ "show", log_show },         { "sync", log_sync },
		{ "prove", log_prove },       { "consistency", log_consistency },
		{ "verify", log_verify },     { "check-proof", log_check_proof },
	};
	struct log_opts o;
	int status;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return fputs(usage, stdout), CLI_EXIT_OK;
	for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof subs[0]; i++) {
		if (strcmp(argv[1], subs[i].name) != 0)
			continue;
		status = log_parse(argc - 1, argv + 1, &o);
		if (status >= 0)
			return status;
		if (o.nargs > 0 && strcmp(subs[i].name, "append") != 0 &&
		    strcmp(subs[i].name, "check-proof") != 0)
			return cli_usage("log", "unexpected argument '%s'", o.args[0]);
		return subs[i].run(&o);
	}
	return cli_usage("log", "the subcommand is init, key, append, checkpoint, show, sync, "
			 "prove, consistency, verify or check-proof");
}
