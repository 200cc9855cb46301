/*
 * src/cli/cmd_validate.c - `tandem invoice validate` and `tandem invoice
 * rules`: validate e-invoices (files or whole directories, in parallel)
 * with the official EN 16931 and XRechnung artefacts, and list the rules.
 *
 * Workers take files from a shared counter; each formats its report into
 * its own memory stream and the main thread prints the reports in input
 * order, so the output does not depend on --jobs.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/en16931.h"
#include "tandem/error.h"

#define ARENA_MAX (512u << 20)
#define FINDINGS_MAX 2000
#define JOBS_MAX 64
#define TEXT_SHOWN_MAX 4096

static const char usage_text[] =
	"usage: tandem invoice validate [--json] [--jobs N] [--artefacts DIR] [--no-cache]\n"
	"                               FILE|DIR...\n"
	"       tandem invoice rules [--json] [--artefacts DIR] [--no-cache] [RULE-ID...]\n"
	"\n"
	"validate  checks each e-invoice (UBL, CII, Factur-X/ZUGFeRD PDF) with every\n"
	"          rule of the EN 16931 artefacts of its syntax, and the XRechnung\n"
	"          rules when BT-24 names XRechnung. A directory is searched for\n"
	"          *.xml and *.pdf files. Each finding gives the rule id, its flag\n"
	"          (error = fatal, warning), the node's path and line, and the\n"
	"          rule's message.\n"
	"rules     lists the rules loaded (set, id, flag, context, test, message),\n"
	"          or only those with the ids given.\n"
	"\n"
	"--artefacts DIR  the official validation artefacts (default: $TANDEM_ARTEFACTS),\n"
	"                 laid out as published: DIR/cen/{ubl,cii}/schematron/...,\n"
	"                 DIR/xrechnung/schematron-src/... (docs/einvoice.md)\n"
	"--jobs N         validate with N threads (default: 1, at most 64)\n"
	"--no-cache       compile the rules instead of mapping them from the rule\n"
	"                 cache ($XDG_CACHE_HOME/tandem or ~/.cache/tandem; also\n"
	"                 off when $TANDEM_NO_CACHE is set and not 0)\n"
	"--json           one JSON document on stdout\n"
	"\n"
	"Exit status: 0 every invoice is valid (warnings allowed), 1 some invoice\n"
	"is invalid or unreadable, 2 usage error, 3 I/O error.\n";

struct job {
	const char *path;
	char *report;     /* formatted output, malloc'd */
	size_t report_len;
	int outcome;      /* 0 valid, 1 invalid, 3 I/O error */
	bool warnings;
	atomic_bool done;
};

struct run {
	struct job *jobs;
	size_t njobs;
	atomic_size_t next;
	struct tandem_einv_rules *rules;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void json_str(FILE *f, const char *s)
{
	struct tandem_buf b;
	tandem_buf_init(&b, 1u << 20);
	tandem_buf_json_string(&b, s, strlen(s));
	if (b.data)
		fwrite(b.data, 1, b.len, f);
	tandem_buf_release(&b);
}

static void json_key_str(FILE *f, const char *key, const char *value)
{
	if (value == NULL)
		return;
	fprintf(f, ",\"%s\":", key);
	json_str(f, value);
}

static void report_routing(FILE *f, const struct tandem_einv_routing *r)
{
	if (cli_json) {
		fprintf(f, ",\"routing\":{\"kind\":\"%s\",\"valid\":%s",
			tandem_einv_route_name(r->kind), r->valid ? "true" : "false");
		json_key_str(f, "buyer_siret", r->buyer_siret);
		json_key_str(f, "service_code", r->service_code);
		json_key_str(f, "commitment", r->commitment);
		json_key_str(f, "leitweg_id", r->leitweg_id);
		fputs("}", f);
		return;
	}
	if (r->kind == TANDEM_EINV_ROUTE_NONE)
		return;
	fputs("  routing: ", f);
	if (r->kind == TANDEM_EINV_ROUTE_LEITWEG) {
		fputs("Leitweg-ID ", f);
		cli_print_value(f, r->leitweg_id, strlen(r->leitweg_id), TEXT_SHOWN_MAX);
	} else {
		fputs("Chorus Pro, buyer SIRET ", f);
		cli_print_value(f, r->buyer_siret, strlen(r->buyer_siret), TEXT_SHOWN_MAX);
		fputs(", code service ", f);
		if (r->service_code != NULL)
			cli_print_value(f, r->service_code, strlen(r->service_code),
					TEXT_SHOWN_MAX);
		else
			fputs("(none)", f);
		fputs(", EJ ", f);
		if (r->commitment != NULL)
			cli_print_value(f, r->commitment, strlen(r->commitment), TEXT_SHOWN_MAX);
		else
			fputs("(none)", f);
	}
	fputs(r->valid ? "\n" : " (not valid: see TANDEM-ID findings)\n", f);
}

static void report(FILE *f, struct job *job, const struct tandem_einv_source *src,
		   const struct tandem_diag *d, const struct tandem_einv_verdict *v, int outcome,
		   const struct tandem_einv_routing *routing)
{
	if (cli_json) {
		struct tandem_buf b;
		fputs("{\"file\":", f);
		json_str(f, job->path);
		fprintf(f, ",\"valid\":%s", outcome == 0 ? "true" : "false");
		if (src) {
			fprintf(f, ",\"syntax\":\"%s\",\"customization\":",
				tandem_einv_syntax_name(src->syntax));
			json_str(f, src->customization);
			fprintf(f, ",\"profile\":\"%s\"", tandem_einv_profile_name(src->profile));
		}
		if (routing != NULL)
			report_routing(f, routing);
		fprintf(f, ",\"rule_sets\":[");
		for (int i = 0; i < 2 && v->sets[i]; i++)
			fprintf(f, "%s\"%s\"", i ? "," : "", v->sets[i]);
		fprintf(f, "],\"fatal\":%zu,\"warnings\":%zu,\"findings\":",
			tandem_diag_count(d, TANDEM_SEV_ERROR), tandem_diag_count(d, TANDEM_SEV_WARNING));
		tandem_buf_init(&b, 64u << 20);
		tandem_diag_format_json(d, &b);
		if (b.data)
			fwrite(b.data, 1, b.len, f);
		tandem_buf_release(&b);
		fputs("}", f);
		return;
	}
	cli_print_value(f, job->path, strlen(job->path), TEXT_SHOWN_MAX);
	fprintf(f, ": %s", outcome == 0 ? "valid" : "invalid");
	if (v->sets[0]) {
		fprintf(f, " (%zu fatal, %zu warnings; %s%s%s)", tandem_diag_count(d, TANDEM_SEV_ERROR),
			tandem_diag_count(d, TANDEM_SEV_WARNING), v->sets[0], v->sets[1] ? " + " : "",
			v->sets[1] ? v->sets[1] : "");
	}
	fputc('\n', f);
	if (routing != NULL)
		report_routing(f, routing);
	for (size_t i = 0; i < d->count; i++) {
		const struct tandem_finding *x = &d->items[i];
		fprintf(f, "  %s ", tandem_severity_name(x->severity));
		cli_print_value(f, x->rule, strlen(x->rule), TEXT_SHOWN_MAX);
		if (x->path[0]) {
			fputs(" at ", f);
			cli_print_value(f, x->path, strlen(x->path), TEXT_SHOWN_MAX);
		}
		if (x->line > 0)
			fprintf(f, " (line %ld)", x->line);
		fputs(": ", f);
		cli_print_value(f, x->message, strlen(x->message), TEXT_SHOWN_MAX);
		fputc('\n', f);
	}
	if (d->dropped)
		fprintf(f, "  %zu more findings not stored\n", d->dropped);
}

static void validate_one(struct tandem_einv_validator *val, struct job *job)
{
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_einv_source *src = NULL;
	struct tandem_einv_verdict v = {0};
	struct tandem_einv_invoice *inv = NULL;
	struct tandem_einv_routing routing = {0};
	char *data = NULL;
	size_t len = 0;
	int outcome = 1;
	FILE *f = open_memstream(&job->report, &job->report_len);

	tandem_arena_init(&a, ARENA_MAX);
	tandem_diag_init(&d, FINDINGS_MAX);
	int rc = cli_read_file("invoice", job->path, TANDEM_EINV_PDF_BYTES_MAX, &data, &len);
	if (rc == TANDEM_EIO) {
		outcome = 3;
	} else if (rc == TANDEM_ELIMIT) {
		tandem_diag_add(&d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-FILE-SIZE", NULL, 0,
				"the file has %zu bytes or more; the limit is %u", len,
				TANDEM_EINV_PDF_BYTES_MAX);
	} else if ((rc = tandem_einv_open(&a, data, len, &d, &src)) == 0) {
		rc = tandem_einv_validate(val, src, &d, &v);
		outcome = rc == 0 && v.valid && tandem_diag_count(&d, TANDEM_SEV_ERROR) == 0 ? 0 : 1;
		/* tandem's own checks and the routing keys, on the model. */
		if ((rc == 0 || rc == TANDEM_ELIMIT) && tandem_einv_read(&a, src, &d, &inv) == 0 &&
		    tandem_einv_check_ids(inv, src, &d) == 0)
			tandem_einv_routing(inv, &routing);
		if (tandem_arena_error(&a) == TANDEM_ENOMEM)
			rc = TANDEM_ENOMEM;
	}
	if (rc == TANDEM_ENOMEM) {
		tandem_diag_add(&d, TANDEM_SEV_ERROR, rc, "TANDEM-MEMORY", NULL, 0,
				"out of memory while validating this file");
		outcome = 3;
	}
	if (f && outcome != 3)
		report(f, job, src, &d, &v, outcome, inv != NULL ? &routing : NULL);
	if (f)
		fclose(f);
	job->outcome = outcome;
	job->warnings = tandem_diag_count(&d, TANDEM_SEV_WARNING) > 0;
	tandem_diag_release(&d);
	tandem_arena_release(&a);
	free(data);
}

static void *worker(void *arg)
{
	struct run *run = arg;
	struct tandem_einv_validator *val = NULL;
	if (tandem_einv_validator_new(run->rules, &val))
		val = NULL;
	for (;;) {
		size_t i = atomic_fetch_add(&run->next, 1);
		if (i >= run->njobs)
			break;
		struct job *job = &run->jobs[i];
		if (val) {
			validate_one(val, job);
		} else {
			job->outcome = 3;
			cli_error(0, "invoice", "out of memory");
		}
		pthread_mutex_lock(&run->lock);
		atomic_store(&job->done, true);
		pthread_cond_broadcast(&run->cond);
		pthread_mutex_unlock(&run->lock);
	}
	tandem_einv_validator_free(val);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int validate(struct cli_paths *files, const char *artefacts, bool cache, unsigned long jobs)
{
	struct tandem_einv_rules *rules = NULL;
	int status = cli_load_rules(artefacts, cache, &rules);
	if (status)
		return status;
	struct run run = {.njobs = files->n, .rules = rules};
	run.jobs = calloc(files->n ? files->n : 1, sizeof *run.jobs);
	if (!run.jobs) {
		tandem_einv_rules_free(rules);
		return cli_error(CLI_EXIT_IO, "invoice", "out of memory");
	}
	for (size_t i = 0; i < files->n; i++)
		run.jobs[i].path = files->v[i];
	pthread_mutex_init(&run.lock, NULL);
	pthread_cond_init(&run.cond, NULL);
	pthread_t threads[JOBS_MAX];
	size_t started = 0;
	/* One file: this thread validates it (a thread costs a cold run some
	 * 0.3 ms), then prints its report. */
	for (; started < jobs && files->n > 1; started++) {
		if (pthread_create(&threads[started], NULL, worker, &run) != 0)
			break;
	}
	if (!started)
		worker(&run);
	bool progress = !cli_json && isatty(STDERR_FILENO) && files->n >= 50;
	double last = 0;
	size_t valid = 0, invalid = 0, io = 0, warned = 0;
	if (cli_json)
		fputs("{\"files\":[\n", stdout);
	for (size_t i = 0; i < files->n; i++) {
		struct job *job = &run.jobs[i];
		pthread_mutex_lock(&run.lock);
		while (!atomic_load(&job->done))
			pthread_cond_wait(&run.cond, &run.lock);
		pthread_mutex_unlock(&run.lock);
		if (progress && now_s() - last > 0.2) {
			fprintf(stderr, "\rvalidated %zu/%zu", i + 1, files->n);
			last = now_s();
		}
		if (job->report && job->report_len) {
			if (progress)
				fputs("\r\033[K", stderr);
			if (cli_json && valid + invalid)
				fputs(",\n", stdout);
			fwrite(job->report, 1, job->report_len, stdout);
		}
		free(job->report);
		job->report = NULL;
		if (job->outcome == 0)
			valid++;
		else if (job->outcome == 1)
			invalid++;
		else
			io++;
		warned += job->outcome != 3 && job->warnings;
	}
	for (size_t t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	if (progress)
		fputs("\r\033[K", stderr);
	if (cli_json)
		printf("\n],\"summary\":{\"files\":%zu,\"valid\":%zu,\"invalid\":%zu,\"unreadable\":%zu}}\n",
		       files->n, valid, invalid, io);
	else
		printf("validated %zu: %zu valid, %zu invalid%s (%zu with warnings)\n",
		       valid + invalid, valid, invalid, io ? ", some files unreadable" : "", warned);
	pthread_mutex_destroy(&run.lock);
	pthread_cond_destroy(&run.cond);
	free(run.jobs);
	tandem_einv_rules_free(rules);
	if (io)
		return CLI_EXIT_IO;
	return invalid ? CLI_EXIT_INVALID : CLI_EXIT_OK;
}

static int list_rules(const char *artefacts, bool cache, char **ids, int nids)
{
	struct tandem_einv_rules *rules = NULL;
	struct tandem_diag d;
	int status = cli_load_rules(artefacts, cache, &rules);
	if (status)
		return status;
	tandem_diag_init(&d, 10);
	if (tandem_einv_rules_compile(rules, &d)) {
		cli_print_findings(stderr, &d);
		tandem_diag_release(&d);
		tandem_einv_rules_free(rules);
		return CLI_EXIT_IO;
	}
	tandem_diag_release(&d);
	size_t n = tandem_einv_rules_count(rules), shown = 0;
	if (cli_json)
		fputs("{\"rules\":[", stdout);
	for (size_t i = 0; i < n; i++) {
		struct tandem_einv_rule r;
		tandem_einv_rules_get(rules, i, &r);
		bool want = nids == 0;
		for (int k = 0; k < nids && !want; k++)
			want = strcmp(ids[k], r.id) == 0;
		if (!want)
			continue;
		if (cli_json) {
			fputs(shown ? ",\n{\"set\":" : "\n{\"set\":", stdout);
			json_str(stdout, r.set);
			fputs(",\"id\":", stdout);
			json_str(stdout, r.id);
			fputs(",\"flag\":", stdout);
			json_str(stdout, r.flag);
			fputs(",\"context\":", stdout);
			json_str(stdout, r.context);
			fputs(",\"test\":", stdout);
			json_str(stdout, r.test);
			fputs(",\"message\":", stdout);
			json_str(stdout, r.message);
			printf(",\"line\":%ld}", r.line);
		} else {
			printf("%s %s %s (line %ld)\n  context: %s\n  test: %s\n  message: %s\n", r.set,
			       r.id, r.flag, r.line, r.context, r.test, r.message);
		}
		shown++;
	}
	if (cli_json)
		printf("\n],\"count\":%zu}\n", shown);
	tandem_einv_rules_free(rules);
	if (nids && !shown)
		return cli_error(CLI_EXIT_INVALID, "invoice", "no rule with the id given");
	return CLI_EXIT_OK;
}

int cmd_invoice_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'J'},
		{"jobs", required_argument, NULL, 'j'},
		{"artefacts", required_argument, NULL, 'a'},
		{"no-cache", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *artefacts = NULL;
	bool no_cache = false;
	unsigned long jobs = 1;
	bool rules = strcmp(argv[0], "rules") == 0;
	int c;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hj:", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
			cli_json = true;
			break;
		case 'j':
			if (!cli_parse_uint(optarg, JOBS_MAX, &jobs) || jobs == 0)
				return cli_usage("invoice", "--jobs takes a number from 1 to %d", JOBS_MAX);
			break;
		case 'a':
			artefacts = optarg;
			break;
		case 'N':
			no_cache = true;
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
	if (rules)
		return list_rules(artefacts, cli_cache_wanted(no_cache), argv + optind, argc - optind);
	if (optind >= argc)
		return cli_usage("invoice", "give the files or directories to validate");
	struct cli_paths files = {0};
	int status = 0;
	for (int i = optind; i < argc && !status; i++)
		status = cli_paths_collect(&files, "invoice", argv[i]);
	if (!status)
		status = validate(&files, artefacts, cli_cache_wanted(no_cache), jobs);
	cli_paths_release(&files);
	return status;
}
