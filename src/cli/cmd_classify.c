/*
 * src/cli/cmd_classify.c - `tandem classify train | predict | explain |
 * eval | learn`: the CPV classifier from the command line
 * (docs/classify.md).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd_classify.h"
#include "tandem/alloc.h"
#include "tandem/classify.h"
#include "tandem/error.h"
#include "tandem/tlog_record.h"

static const char usage[] =
	"usage: tandem classify train --data FILE.tsv [--labels CPV.csv] -o MODEL\n"
	"                             [--seed N] [--epochs N] [--bits N]\n"
	"       tandem classify predict -m MODEL [--json] TEXT... | --file FILE\n"
	"       tandem classify explain -m MODEL [--json] TEXT\n"
	"       tandem classify eval -m MODEL --data FILE.tsv [--json]\n"
	"       tandem classify learn -m MODEL --code CPV TEXT\n"
	"       tandem classify invoice -m MODEL [--json] FILE...\n"
	"\n"
	"train     learns a model from a TSV of texts with their CPV code (a header\n"
	"          naming the columns text and cpv, optionally lang and amount) and\n"
	"          the CPV vocabulary (--labels: its labels are examples too, and\n"
	"          its groups are the classes); writes MODEL.\n"
	"predict   the CPV group and division of each TEXT (or each line of FILE),\n"
	"          with probabilities; 'needs a human' below the model's threshold.\n"
	"explain   the same for one text, with the runners-up and the words that\n"
	"          pushed the choice.\n"
	"eval      top-1 and top-3 accuracy at division and group level on a TSV,\n"
	"          per language, the calibration and the most confused divisions.\n"
	"learn     a correction: TEXT belongs to CPV; the model learns it at once\n"
	"          and is written back.\n"
	"invoice   a suggestion for each line of an e-invoice (UBL, CII, Factur-X)\n"
	"          from its item name and description, compared with the CPV code\n"
	"          the line declares (BT-158, scheme STI) when it has one.\n"
	"\n"
	"options:\n"
	"  --data FILE     a TSV of labelled texts (procurement/train.tsv layout)\n"
	"  --labels FILE   the CPV vocabulary (default: cpv2008_en_fr_de.csv beside\n"
	"                  FILE.tsv)\n"
	"  -o, -m MODEL    the model file to write or read\n"
	"  --lang L        the language of the texts: fr, de or en (default: detected)\n"
	"  --seed N        the training seed (default 1): same data and seed give the\n"
	"                  same model file, byte for byte\n"
	"  --epochs N      passes over the data (default 10)\n"
	"  --log DIR       the transparency log to record in (default $TANDEM_LOG;\n"
	"                  none: nothing recorded): train records the model's hash,\n"
	"                  each suggestion an ai.inference, learn a human.decision\n"
	"                  (hashes only, never the text)\n"
	"  --user LOGIN    who decides, for the log (default $TANDEM_USER, $USER)\n"
	"  --bits N        2^N hashed features, 12 to 20 (default 16: a 50 MB model\n"
	"                  on the CPV groups; 12 makes a small one)\n"
	"Exit status: 0 ok, 1 bad input, 2 usage error, 3 I/O error.\n";

struct opts {
	const char *data, *labels, *model, *file, *code, *lang, *log, *user;
	unsigned long seed, epochs, bits;
	bool json;
	char **args;
	int nargs;
};

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'd'},  {"labels", required_argument, NULL, 'l'},
		{"model", required_argument, NULL, 'm'}, {"output", required_argument, NULL, 'o'},
		{"file", required_argument, NULL, 'f'},  {"code", required_argument, NULL, 'c'},
		{"seed", required_argument, NULL, 's'},  {"epochs", required_argument, NULL, 'e'},
		{"lang", required_argument, NULL, 'L'},  {"json", no_argument, NULL, 'j'},
		{"bits", required_argument, NULL, 'b'},  {"log", required_argument, NULL, 'g'},
		{"user", required_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->epochs = 10;
	o->bits = 16;
	o->json = cli_json;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hm:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->data = optarg; break;
		case 'l': o->labels = optarg; break;
		case 'm':
		case 'o': o->model = optarg; break;
		case 'f': o->file = optarg; break;
		case 'c': o->code = optarg; break;
		case 'L': o->lang = optarg; break;
		case 'g': o->log = optarg; break;
		case 'u': o->user = optarg; break;
		case 'j': o->json = true; break;
		case 's':
			if (!cli_parse_uint(optarg, UINT32_MAX, &o->seed))
				return cli_usage("classify", "--seed wants a number, not '%s'", optarg);
			break;
		case 'e':
			if (!cli_parse_uint(optarg, 100, &o->epochs) || o->epochs == 0)
				return cli_usage("classify", "--epochs wants 1 to 100, not '%s'", optarg);
			break;
		case 'b':
			if (!cli_parse_uint(optarg, 20, &o->bits) || o->bits < 12)
				return cli_usage("classify", "--bits wants 12 to 20, not '%s'", optarg);
			break;
		case 'h': return fputs(usage, stdout), CLI_EXIT_OK;
		case ':': return cli_missing_value("classify", argv);
		default: return cli_unknown_option("classify", argv);
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (o->model == NULL)
		return cli_usage("classify", "-m MODEL (or -o MODEL for train) is needed");
	if (o->lang != NULL && strcmp(o->lang, "fr") != 0 && strcmp(o->lang, "de") != 0 &&
	    strcmp(o->lang, "en") != 0)
		return cli_usage("classify", "--lang is fr, de or en, not '%s'", o->lang);
	return -1;
}

static enum tandem_cls_lang lang_of(const struct opts *o)
{
	if (o->lang == NULL)
		return TANDEM_CLS_LANG_UNKNOWN;
	return strcmp(o->lang, "fr") == 0 ? TANDEM_CLS_FR
	     : strcmp(o->lang, "de") == 0 ? TANDEM_CLS_DE : TANDEM_CLS_EN;
}

static int exit_of(int rc)
{
	return rc == TANDEM_EIO || rc == TANDEM_ENOMEM ? CLI_EXIT_IO : CLI_EXIT_INVALID;
}

/* The diag's findings, or the code's text when it has none. */
static int fail(int rc, const struct tandem_diag *d)
{
	if (d->count > 0)
		cli_print_findings(stderr, d);
	else
		fprintf(stderr, "tandem classify: %s\n", tandem_strerror(rc));
	return exit_of(rc);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* --labels, or cpv2008_en_fr_de.csv in the directory of --data. */
static const char *labels_path(const struct opts *o, char *buf, size_t size)
{
	if (o->labels != NULL)
		return o->labels;
	const char *slash = strrchr(o->data, '/');
	int dir = slash != NULL ? (int)(slash - o->data + 1) : 0;
	if (snprintf(buf, size, "%.*scpv2008_en_fr_de.csv", dir, o->data) >= (int)size)
		return NULL;
	return buf;
}

static int train(const struct opts *o)
{
	struct tandem_cls_example *ex = NULL, *cpv = NULL;
	struct tandem_cls_model *m = NULL;
	struct tandem_cls_options opt;
	struct tandem_diag d;
	char *b1 = NULL, *b2 = NULL, lpath[4096], hex[65];
	size_t n = 0, ncpv = 0, classes, examples, bytes;
	const char *labels;
	int rc;

	if (o->data == NULL)
		return cli_usage("classify", "train needs --data FILE.tsv");
	labels = labels_path(o, lpath, sizeof lpath);
	if (labels == NULL)
		return cli_usage("classify", "the path of --data is too long");
	tandem_diag_init(&d, 20);
	tandem_cls_options_default(&opt);
	opt.seed = o->seed;
	opt.epochs = (uint32_t)o->epochs;
	opt.bits = (uint32_t)o->bits;
	double t0 = now_s();
	rc = tandem_cls_read_tsv(o->data, &d, &ex, &n, &b1);
	if (rc == 0)
		rc = tandem_cls_cpv_labels(labels, &d, &cpv, &ncpv, &b2);
	double t1 = now_s();
	if (rc == 0)
		rc = tandem_cls_train(ex, n, cpv, ncpv, &opt, &d, &m);
	double t2 = now_s();
	if (rc == 0)
		rc = tandem_cls_model_save(m, o->model, &d);
	struct classify_log *log = NULL;
	int logged = rc == 0 ? classify_log_open(o->log, &log) : 0;
	if (rc == 0) {
		char detail[200];
		tandem_cls_model_info(m, &classes, &examples, &bytes);
		tandem_cls_model_sha256(m, hex);
		(void)snprintf(detail, sizeof detail,
			       "CPV classifier trained on %zu texts and %zu labels, seed %lu",
			       n, examples - n, o->seed);
		struct classify_entry e = {.type = TANDEM_TLOG_STATEMENT, .user = o->user,
					   .model_path = o->model, .model_hex = hex,
					   .detail = detail};
		if (logged == 0)
			logged = classify_log_add(log, &e);
		if (logged == 0)
			logged = classify_log_close(log);
		else
			(void)classify_log_close(log);
		printf("%s: %zu classes (CPV groups), %zu examples (%zu texts, %zu labels used), "
		       "read in %.2f s, trained in %.2f s; %.1f MB, sha256 %s\n",
		       o->model, classes, examples, n, examples - n, t1 - t0, t2 - t1,
		       (double)bytes / 1e6, hex);
	}
	int status = rc == 0 ? logged : fail(rc, &d);
	tandem_cls_model_free(m);
	tandem_free(ex);
	tandem_free(cpv);
	tandem_free(b1);
	tandem_free(b2);
	tandem_diag_release(&d);
	return status;
}

static void put_prediction(const char *text, size_t len, const struct tandem_cls_prediction *p,
			   bool json, bool reasons)
{
	if (!json) {
		cli_print_value(stdout, text, len, 60);
		printf("\t%s %.1f%%\t%s %.1f%%\t%s%s", p->group[0].code,
		       p->group[0].p_milli / 10.0, p->division[0].code,
		       p->division[0].p_milli / 10.0, tandem_cls_lang_name(p->lang),
		       p->needs_human ? "\tneeds a human" : "");
		if (reasons) {
			printf("\n  runners-up:");
			for (size_t i = 1; i < TANDEM_CLS_RUNNERS && p->group[i].code[0]; i++)
				printf(" %s %.1f%%", p->group[i].code, p->group[i].p_milli / 10.0);
			printf("\n  because of:");
			for (size_t i = 0; i < p->nreasons; i++)
				printf(" %s (+%.3f)", p->reasons[i].feature,
				       p->reasons[i].weight_milli / 1000.0);
		}
		putchar('\n');
		return;
	}
	struct tandem_buf b;
	tandem_buf_init(&b, 1u << 20);
	tandem_buf_puts(&b, "{\"text\":");
	tandem_buf_json_string(&b, text, len);
	tandem_buf_printf(&b, ",\"lang\":\"%s\",\"needs_human\":%s,\"nearest\":%.3f",
			  tandem_cls_lang_name(p->lang), p->needs_human ? "true" : "false",
			  p->nearest_milli / 1000.0);
	for (int level = 0; level < 2; level++) {
		const struct tandem_cls_choice *ch = level ? p->division : p->group;
		tandem_buf_printf(&b, ",\"%s\":[", level ? "division" : "group");
		for (size_t i = 0; i < TANDEM_CLS_RUNNERS && ch[i].code[0]; i++)
			tandem_buf_printf(&b, "%s{\"code\":\"%s\",\"p\":%.3f}", i ? "," : "",
					  ch[i].code, ch[i].p_milli / 1000.0);
		tandem_buf_putc(&b, ']');
	}
	tandem_buf_puts(&b, ",\"because\":[");
	for (size_t i = 0; i < p->nreasons; i++) {
		tandem_buf_puts(&b, i ? ",{\"feature\":" : "{\"feature\":");
		tandem_buf_json_string(&b, p->reasons[i].feature, strlen(p->reasons[i].feature));
		tandem_buf_printf(&b, ",\"weight\":%.3f}", p->reasons[i].weight_milli / 1000.0);
	}
	tandem_buf_puts(&b, "]}\n");
	fwrite(b.data, 1, b.len, stdout);
	tandem_buf_release(&b);
}

static int load(const struct opts *o, struct tandem_diag *d, struct tandem_cls_model **m)
{
	int rc = tandem_cls_model_load(o->model, d, m);
	return rc == 0 ? 0 : fail(rc, d);
}

static int predict_one(const struct classify_ctx *c, const struct opts *o, const char *text,
		       size_t len, bool reasons, struct tandem_diag *d)
{
	struct tandem_cls_prediction p;
	int rc = tandem_cls_predict(c->m, text, len, lang_of(o), 0, &p, d);
	if (rc != 0) {
		cli_print_findings(stderr, d);
		tandem_diag_release(d);
		tandem_diag_init(d, 20);
		return exit_of(rc);
	}
	put_prediction(text, len, &p, o->json, reasons);
	return classify_log_suggestion(c, text, len, &p);
}

/* The model and the log of a command that suggests; an exit status. */
static int ctx_open(const struct opts *o, struct classify_ctx *c, struct tandem_cls_model **m)
{
	struct tandem_diag d;
	tandem_diag_init(&d, 20);
	int rc = load(o, &d, m);
	tandem_diag_release(&d);
	if (rc != 0)
		return rc;
	*c = (struct classify_ctx){.m = *m, .model_path = o->model, .user = o->user,
				   .json = o->json};
	rc = classify_log_open(o->log, &c->log);
	if (rc == 0 && c->log != NULL)
		tandem_cls_model_sha256(*m, c->model_hex);
	return rc;
}

static int predict(const struct opts *o, bool reasons)
{
	struct tandem_cls_model *m = NULL;
	struct tandem_diag d;
	int status = CLI_EXIT_OK;

	if ((o->nargs == 0) == (o->file == NULL))
		return cli_usage("classify", "give texts as arguments or --file FILE, not both");
	if (reasons && o->nargs != 1)
		return cli_usage("classify", "explain takes one text");
	struct classify_ctx c;
	int rc = ctx_open(o, &c, &m);
	if (rc != 0) {
		tandem_cls_model_free(m);
		return rc;
	}
	tandem_diag_init(&d, 20);
	for (int i = 0; i < o->nargs; i++) {
		int s = predict_one(&c, o, o->args[i], strlen(o->args[i]), reasons, &d);
		if (s > status)
			status = s;
	}
	if (o->file != NULL) {
		FILE *f = cli_open_input("classify", o->file);
		struct tandem_buf line;
		bool cut = false;
		if (f == NULL)
			status = CLI_EXIT_IO;
		tandem_buf_init(&line, TANDEM_CLS_TEXT_BYTES_MAX);
		while (f != NULL && (rc = cli_read_line(f, &line, &cut)) == 1) {
			if (line.len == 0)
				continue;
			int s = cut ? cli_error(CLI_EXIT_INVALID, "classify",
						"a line of over %d bytes: skipped",
						TANDEM_CLS_TEXT_BYTES_MAX)
				    : predict_one(&c, o, line.data, line.len, false, &d);
			if (s > status)
				status = s;
		}
		if (f != NULL && rc < 0)
			status = cli_error(CLI_EXIT_IO, "classify", "cannot read %s", o->file);
		if (f != NULL && f != stdin)
			fclose(f);
		tandem_buf_release(&line);
	}
	int s = classify_log_close(c.log);
	tandem_cls_model_free(m);
	tandem_diag_release(&d);
	return s > status ? s : status;
}

static double share(size_t k, size_t n)
{
	return n ? (double)k / (double)n : 0.0;
}

static void put_eval(const struct tandem_cls_eval *e, bool json)
{
	static const char *const langs[] = {"fr", "de", "en", "all"};
	if (json) {
		printf("{\"texts\":%zu,\"refused\":%zu", e->count[3], e->refused);
		for (int l = 3; l >= 0; l--)
			printf(",\"%s\":{\"texts\":%zu,\"division_top1\":%.4f,"
			       "\"division_top3\":%.4f,\"group_top1\":%.4f,\"group_top3\":%.4f}",
			       langs[l], e->count[l], share(e->hits[l][0], e->count[l]),
			       share(e->hits[l][1], e->count[l]), share(e->hits[l][2], e->count[l]),
			       share(e->hits[l][3], e->count[l]));
		printf(",\"needs_human\":%zu,\"needs_human_right\":%zu,\"calibration\":[",
		       e->needs_human, e->needs_human_right);
		for (int b = 0; b < TANDEM_CLS_BINS; b++)
			printf("%s{\"texts\":%zu,\"mean_p\":%.4f,\"right\":%.4f}", b ? "," : "",
			       e->bin_count[b], e->bin_count[b] ? (double)e->bin_p_milli[b] / 1000.0 /
								(double)e->bin_count[b] : 0.0,
			       share(e->bin_right[b], e->bin_count[b]));
		printf("],\"confusions\":[");
		for (size_t i = 0; i < e->nconfusions; i++)
			printf("%s{\"truth\":\"%s\",\"chosen\":\"%s\",\"times\":%zu}", i ? "," : "",
			       e->confusion[i].truth, e->confusion[i].chosen, e->confusion[i].times);
		printf("]}\n");
		return;
	}
	printf("%-5s %6s %14s %14s %12s %12s\n", "lang", "texts", "division@1", "division@3",
	       "group@1", "group@3");
	for (int l = 3; l >= 0; l--) {
		if (e->count[l] == 0)
			continue;
		printf("%-5s %6zu %14.3f %14.3f %12.3f %12.3f\n", langs[l], e->count[l],
		       share(e->hits[l][0], e->count[l]), share(e->hits[l][1], e->count[l]),
		       share(e->hits[l][2], e->count[l]), share(e->hits[l][3], e->count[l]));
	}
	if (e->refused)
		printf("%zu examples could not be classified (unknown code or unreadable text)\n",
		       e->refused);
	printf("\ncalibration (group chosen): probability -> texts, mean probability, right\n");
	for (int b = 0; b < TANDEM_CLS_BINS; b++)
		if (e->bin_count[b])
			printf("  %3d-%3d%%  %6zu  %5.3f  %5.3f\n", b * 10, b * 10 + 10, e->bin_count[b],
			       (double)e->bin_p_milli[b] / 1000.0 / (double)e->bin_count[b],
			       share(e->bin_right[b], e->bin_count[b]));
	printf("needs a human: %zu texts (%.3f right when left to the model)\n", e->needs_human,
	       share(e->needs_human_right, e->needs_human));
	printf("\nmost confused divisions (truth -> chosen, times):");
	for (size_t i = 0; i < e->nconfusions; i++)
		printf(" %s->%s %zu", e->confusion[i].truth, e->confusion[i].chosen,
		       e->confusion[i].times);
	printf("\n");
}

static int eval(const struct opts *o)
{
	struct tandem_cls_model *m = NULL;
	struct tandem_cls_example *ex = NULL;
	struct tandem_diag d;
	char *buf = NULL;
	size_t n = 0;

	if (o->data == NULL)
		return cli_usage("classify", "eval needs --data FILE.tsv");
	tandem_diag_init(&d, 20);
	int rc = load(o, &d, &m);
	if (rc != 0) {
		tandem_diag_release(&d);
		return rc;
	}
	int status = CLI_EXIT_OK;
	rc = tandem_cls_read_tsv(o->data, &d, &ex, &n, &buf);
	struct tandem_cls_eval e;
	if (rc == 0)
		rc = tandem_cls_evaluate(m, ex, n, &e, &d);
	if (rc != 0)
		status = fail(rc, &d);
	else
		put_eval(&e, o->json);
	tandem_cls_model_free(m);
	tandem_free(ex);
	tandem_free(buf);
	tandem_diag_release(&d);
	return status;
}

/*
 * A correction: the model learns it and is written back; the log gets a
 * human.decision - the text's hash, what the model said before, the code
 * decided, the hash of the model that came of it.
 */
static int learn(const struct opts *o)
{
	struct tandem_cls_model *m = NULL;
	struct tandem_cls_prediction before;
	struct classify_log *log = NULL;
	struct tandem_diag d;
	char hex[65], detail[200];

	if (o->code == NULL || o->nargs != 1)
		return cli_usage("classify", "learn needs --code CPV and one text");
	tandem_diag_init(&d, 20);
	int rc = load(o, &d, &m);
	if (rc != 0) {
		tandem_diag_release(&d);
		return rc;
	}
	int status = classify_log_open(o->log, &log);
	struct tandem_cls_example ex = {
		.text = o->args[0], .len = strlen(o->args[0]), .code = o->code,
		.lang = lang_of(o), .weight_pct = 100,
	};
	rc = status == 0 ? tandem_cls_predict(m, ex.text, ex.len, ex.lang, 0, &before, &d) : 0;
	if (status == 0 && rc == 0)
		rc = tandem_cls_learn(m, &ex, &d);
	if (status == 0 && rc == 0)
		rc = tandem_cls_model_save(m, o->model, &d);
	if (status == 0 && rc != 0)
		status = fail(rc, &d);
	if (status == 0) {
		tandem_cls_model_sha256(m, hex);
		(void)snprintf(detail, sizeof detail,
			       "CPV group %.3s decided for the text; the model had said %s (%.1f %%)",
			       o->code, before.group[0].code, before.group[0].p_milli / 10.0);
		struct classify_entry e = {.type = TANDEM_TLOG_HUMAN_DECISION, .user = o->user,
					   .model_path = o->model, .model_hex = hex,
					   .input = ex.text, .input_len = ex.len, .detail = detail};
		status = classify_log_add(log, &e);
		printf("%s: learned that the text is CPV group %.3s; model sha256 %s\n", o->model,
		       o->code, hex);
	}
	int closed = classify_log_close(log);
	tandem_cls_model_free(m);
	tandem_diag_release(&d);
	return status != 0 ? status : closed;
}

static int invoices(const struct opts *o)
{
	struct tandem_cls_model *m = NULL;
	int status = CLI_EXIT_OK;
	struct classify_ctx c;
	if (o->nargs == 0)
		return cli_usage("classify", "invoice needs one or more invoice files");
	int rc = ctx_open(o, &c, &m);
	for (int i = 0; i < o->nargs && rc == 0; i++) {
		int s = classify_invoice(&c, o->args[i]);
		if (s > status)
			status = s;
	}
	int s = rc == 0 ? classify_log_close(c.log) : rc;
	tandem_cls_model_free(m);
	return s > status ? s : status;
}

int cmd_classify(int argc, char **argv)
{
	struct opts o;
	int status;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return fputs(usage, stdout), CLI_EXIT_OK;
	if (argc < 2)
		return cli_usage("classify",
				 "the subcommand is train, predict, explain, eval, learn or invoice");
	status = parse(argc - 1, argv + 1, &o);
	if (status >= 0)
		return status;
	if (strcmp(argv[1], "train") == 0)
		return o.nargs ? cli_usage("classify", "unexpected argument '%s'", o.args[0]) : train(&o);
	if (strcmp(argv[1], "predict") == 0)
		return predict(&o, false);
	if (strcmp(argv[1], "explain") == 0)
		return predict(&o, true);
	if (strcmp(argv[1], "eval") == 0)
		return eval(&o);
	if (strcmp(argv[1], "learn") == 0)
		return learn(&o);
	if (strcmp(argv[1], "invoice") == 0)
		return invoices(&o);
	return cli_usage("classify",
			 "the subcommand is train, predict, explain, eval, learn or invoice");
}
