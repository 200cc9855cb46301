/*
 * src/cli/cmd_llm_run.c - `tandem llm run`: a prompt, the model's
 * continuation written as it comes, with the sampling options, and the
 * speed of both on stderr.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tandem/buf.h"
#include "tandem/error.h"
#include "tandem/gguf.h"
#include "tandem/llm.h"
#include "tandem/tokenizer.h"

#define GEN_MAX 100000
#define SCHEMA_FILE_MAX (1u << 20)   /* bytes read; the schema's own limit is lower */

static const char usage_text[] =
	"usage: tandem llm run -m MODEL.gguf -p PROMPT [-n N] [--ctx N] [--temp T]\n"
	"                      [--top-k K] [--top-p P] [--min-p P] [--repeat-penalty R]\n"
	"                      [--repeat-last-n N] [--seed S] [--ignore-eos] [--threads N]\n"
	"                      [--json] [--json-schema FILE]\n"
	"\n"
	"Runs the model on PROMPT (BOS first when the model wants it) and writes the\n"
	"continuation as it is generated: N tokens (128 by default) or up to the end\n"
	"of text. --temp 0 is greedy (the most likely token, the lowest id on ties);\n"
	"otherwise the repetition penalty, top-k (40), top-p (0.95), min-p (0.05),\n"
	"the temperature (0.8) and a draw seeded by --seed (42) choose each token.\n"
	"The context holds --ctx positions (512): a prompt that does not fit, or\n"
	"text that is not UTF-8, is refused. --json constrains the output to a JSON\n"
	"object (it always parses) and stops when it is closed; output cut short by\n"
	"-n before that is an error. --json-schema FILE: the output is an instance\n"
	"of the JSON Schema in FILE (a subset: docs/llm.md; a keyword outside it is\n"
	"refused, never ignored). --threads: the processors online by default.\n"
	"Speeds go to stderr.\n"
	"Exit status: 0 done, 1 refused, 2 usage error, 3 I/O error.\n";

struct run_opts {
	const char *model, *prompt, *schema;
	unsigned long n, ctx, threads;
	bool ignore_eos, json;
	struct tandem_llm_sampling s;
};

static double now_s(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool parse_float(const char *s, float *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= 0 && v <= 1e6))
		return false;
	*out = (float)v;
	return true;
}

/* A count that may be 0 ("all", "none"). */
static bool parse_count(const char *s, unsigned long max, unsigned long *out)
{
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return true;
	}
	return cli_parse_uint(s, max, out);
}

int cli_llm_sampling_option(int c, const char *arg, struct tandem_llm_sampling *s)
{
	unsigned long v = 0;
	bool ok;

	switch (c) {
	case 't': ok = parse_float(arg, &s->temperature); break;
	case 'P': ok = parse_float(arg, &s->top_p); break;
	case 'M': ok = parse_float(arg, &s->min_p); break;
	case 'r': ok = parse_float(arg, &s->repeat_penalty); break;
	case 'k':
		ok = parse_count(arg, UINT32_MAX, &v);
		s->top_k = (uint32_t)v;
		break;
	case 'R':
		ok = parse_count(arg, TANDEM_LLM_CTX_MAX, &v);
		s->repeat_last_n = (uint32_t)v;
		break;
	case 's':
		ok = parse_count(arg, UINT64_MAX >> 1, &v);
		s->seed = v;
		break;
	default:
		return 0;
	}
	return ok ? 1 : -1;
}

static int parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{"model", required_argument, NULL, 'm'}, {"prompt", required_argument, NULL, 'p'},
		{"n", required_argument, NULL, 'n'}, {"ctx", required_argument, NULL, 'c'},
		CLI_LLM_SAMPLING_OPTIONS,
		{"ignore-eos", no_argument, NULL, 'e'},
		{"threads", required_argument, NULL, 'T'}, {"json", no_argument, NULL, 'j'},
		{"json-schema", required_argument, NULL, 'J'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int c;

	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	*o = (struct run_opts){ .n = 128, .ctx = 512,
				.threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (unsigned long)cpus };
	tandem_llm_sampling_default(&o->s);
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hm:p:n:", opts, NULL)) != -1) {
		int sampling = cli_llm_sampling_option(c, optarg, &o->s);
		bool ok = true;

		if (sampling < 0)
			return cli_usage("llm", "%s: not a valid value here", argv[optind - 1]);
		if (sampling > 0)
			continue;
		switch (c) {
		case 'm': o->model = optarg; break;
		case 'p': o->prompt = optarg; break;
		case 'e': o->ignore_eos = true; break;
		case 'j': o->json = true; break;
		case 'J': o->schema = optarg; o->json = true; break;
		case 'n': ok = parse_count(optarg, GEN_MAX, &o->n); break;
		case 'c': ok = cli_parse_uint(optarg, TANDEM_LLM_CTX_MAX, &o->ctx); break;
		case 'T': ok = cli_parse_uint(optarg, TANDEM_LLM_THREADS_MAX, &o->threads); break;
		case 'h':
			return fputs(usage_text, stdout), CLI_EXIT_OK;
		case ':':
			return cli_missing_value("llm", argv);
		default:
			return cli_unknown_option("llm", argv);
		}
		if (!ok)
			return cli_usage("llm", "%s: not a valid number here", argv[optind - 1]);
	}
	if (o->model == NULL || o->prompt == NULL || optind != argc)
		return cli_usage("llm", "run needs -m MODEL and -p PROMPT");
	return -1;
}

/* Writes the text of one token as it comes. */
static void put_token(const struct tandem_tok *t, int32_t id, struct tandem_buf *b)
{
	tandem_buf_reset(b);
	(void)tandem_tok_decode(t, &id, 1, TANDEM_TOK_MIDSTREAM, b);
	fwrite(b->data, 1, b->len, stdout);
	fflush(stdout);
}

/* json: the constraint, or NULL (the caller's). */
static int generate(const struct run_opts *o, struct tandem_tok *t, struct tandem_llm_ctx *c,
		    const struct tandem_llm_hparams *hp, struct tandem_llm_json *json,
		    struct tandem_diag *d)
{
	size_t cap = o->ctx, n = 0;
	int32_t *ids = malloc(cap * sizeof *ids);
	float *logits = malloc(hp->n_vocab * sizeof *logits);
	struct tandem_llm_sampler *smp = NULL;
	struct tandem_buf b;
	int rc = ids != NULL && logits != NULL ? 0 : TANDEM_ENOMEM;

	tandem_buf_init(&b, 1u << 16);
	if (rc == 0)
		rc = tandem_llm_sampler_new(&o->s, hp->n_vocab, d, &smp);
	if (rc == 0)
		rc = tandem_tok_encode(t, o->prompt, strlen(o->prompt),
				       tandem_tok_adds_bos(t) ? TANDEM_TOK_ADD_BOS : 0, ids, cap, &n,
				       d);
	double t0 = now_s();
	if (rc == 0)
		rc = tandem_llm_eval(c, ids, n, logits, d);
	double t1 = now_s();
	size_t prompt = n, made = 0;
	for (; rc == 0 && made < o->n && n < cap; made++) {
		if (json != NULL && tandem_llm_json_done(json))
			break;
		if (json != NULL)
			tandem_llm_json_mask(json, logits);
		int32_t next = tandem_llm_sample(smp, logits, ids, n);

		if (json != NULL)
			rc = tandem_llm_json_accept(json, next);
		if (rc != 0 || (next == tandem_tok_eos(t) && !o->ignore_eos))
			break;
		ids[n++] = next;
		put_token(t, next, &b);
		if (n < cap)
			rc = tandem_llm_eval(c, &next, 1, logits, d);
	}
	double t2 = now_s();
	if (rc == 0 && json != NULL && !tandem_llm_json_done(json)) {
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-LLM-JSON", NULL,
				      0, "the JSON %s after %zu tokens: raise -n",
				      o->schema != NULL ? "value is not complete" : "object is not closed",
				      made);
		rc = TANDEM_ELIMIT;
	}
	if (rc == 0) {
		putchar('\n');
		fprintf(stderr, "tandem llm: prompt %zu tokens in %.3f s (%.1f tokens/s), generated "
			"%zu in %.3f s (%.1f tokens/s)\n", prompt, t1 - t0,
			(double)prompt / (t1 - t0 + 1e-9), made, t2 - t1,
			(double)made / (t2 - t1 + 1e-9));
	}
	tandem_buf_release(&b);
	tandem_llm_sampler_free(smp);
	free(logits);
	free(ids);
	return rc;
}

/* The constraint --json or --json-schema asks for, made before the model
 * is loaded: a schema refused costs no load. 0, or the exit status. */
static int constraint(const struct run_opts *o, const struct tandem_tok *t,
		      struct tandem_diag *d, struct tandem_llm_json **json)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*json = NULL;
	if (!o->json)
		return 0;
	if (o->schema == NULL) {
		rc = tandem_llm_json_new(t, d, json);
	} else {
		rc = cli_read_file("llm", o->schema, SCHEMA_FILE_MAX, &text, &len);
		if (rc == TANDEM_EIO)
			return CLI_EXIT_IO;
		if (rc == TANDEM_ELIMIT)
			return cli_error(CLI_EXIT_INVALID, "llm", "%s: a schema of more than %u "
					 "bytes", o->schema, SCHEMA_FILE_MAX);
		rc = tandem_llm_json_new_schema(t, text, len, d, json);
		free(text);
	}
	if (rc == 0)
		return 0;
	cli_print_findings(stderr, d);
	return cli_error(rc == TANDEM_ENOMEM ? CLI_EXIT_IO : CLI_EXIT_INVALID, "llm",
			 "%s: the schema is refused", o->schema != NULL ? o->schema : "--json");
}

int cmd_llm_run(int argc, char **argv)
{
	struct run_opts o;
	struct tandem_gguf *g = NULL;
	struct tandem_tok *t = NULL;
	struct tandem_llm_model *m = NULL;
	struct tandem_llm_ctx *c = NULL;
	struct tandem_llm_json *json = NULL;
	struct tandem_diag d;
	int rc, status = parse(argc, argv, &o);

	if (status >= 0)
		return status;
	tandem_diag_init(&d, 10);
	rc = tandem_gguf_open(o.model, &d, &g);
	if (rc == 0)
		rc = tandem_tok_from_gguf(g, &d, &t);
	if (rc == 0 && (status = constraint(&o, t, &d, &json)) != 0)
		goto out;
	if (rc == 0)
		rc = tandem_llm_load(g, &d, &m);
	if (rc == 0)
		rc = tandem_llm_ctx_new(m, (uint32_t)o.ctx, (uint32_t)o.threads, &d, &c);
	if (rc == 0)
		rc = generate(&o, t, c, tandem_llm_hparams(m), json, &d);
	if (rc != 0) {
		cli_print_findings(stderr, &d);
		status = cli_error(rc == TANDEM_EIO || rc == TANDEM_ENOMEM ? CLI_EXIT_IO
									 : CLI_EXIT_INVALID,
				   "llm", "%s: the model did not run", o.model);
	} else {
		status = CLI_EXIT_OK;
	}
out:
	tandem_llm_json_free(json);
	tandem_llm_ctx_free(c);
	tandem_llm_free(m);
	tandem_tok_free(t);
	tandem_gguf_close(g);
	tandem_diag_release(&d);
	return status;
}
