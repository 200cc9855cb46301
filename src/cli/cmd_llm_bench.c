/*
 * src/cli/cmd_llm_bench.c - `tandem llm bench`: the model's speed as
 * llama-bench measures it - prompt processing of P tokens (pp) and
 * generation of N tokens one at a time (tg), in tokens per second - with
 * the memory bandwidth generation uses against what this machine gives (a
 * triad over arrays much larger than the caches), and the peak memory;
 * with --seqs S, the generation of S sequences together (tg xS), one
 * token of each a step, in tokens per second of all of them.
 */
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tandem/error.h"
#include "tandem/gguf.h"
#include "tandem/llm.h"

#define TRIAD_FLOATS (16u << 20)   /* 64 MiB per array */
#define REPS_MAX 100

static const char usage_text[] =
	"usage: tandem llm bench -m MODEL.gguf [-p 512] [-n 128] [--threads N] [--reps R]\n"
	"                        [--seqs S]\n"
	"\n"
	"Prompt processing of P tokens (pp) and generation of N tokens (tg), R times\n"
	"each (3), in tokens/s, mean and standard deviation as llama-bench prints them;\n"
	"the bytes of weights a generated token reads, the bandwidth that makes, the\n"
	"machine's own (a triad on the same threads) and the share used; peak memory.\n"
	"--seqs S (1-64): also S sequences generating N tokens each together, one\n"
	"token of each a step (tg xS), in tokens/s of all of them and of one.\n"
	"Exit status: 0 done, 1 refused, 2 usage error, 3 I/O error.\n";

static double now_s(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct triad {
	float *a, *b, *c;
	size_t from, to;
};

static void *triad_part(void *p)
{
	struct triad *t = p;

	for (size_t i = t->from; i < t->to; i++)
		t->a[i] = t->b[i] + 3.0f * t->c[i];
	return NULL;
}

/* The machine's bandwidth in GB/s: a = b + s * c on threads threads, the
 * best of 5. */
static double triad_gbs(unsigned threads)
{
	float *a = malloc(TRIAD_FLOATS * sizeof *a), *b = malloc(TRIAD_FLOATS * sizeof *b);
	float *c = malloc(TRIAD_FLOATS * sizeof *c);
	struct triad part[TANDEM_LLM_THREADS_MAX];
	pthread_t id[TANDEM_LLM_THREADS_MAX];
	double best = 0;

	if (a == NULL || b == NULL || c == NULL) {
		free(a);
		free(b);
		free(c);
		return 0;
	}
	for (size_t i = 0; i < TRIAD_FLOATS; i++) {
		a[i] = 0;
		b[i] = (float)i;
		c[i] = 1;
	}
	for (int rep = 0; rep < 5; rep++) {
		double t0 = now_s();
		for (unsigned i = 0; i < threads; i++) {
			part[i] = (struct triad){ a, b, c, (size_t)(TRIAD_FLOATS / threads) * i,
						  i + 1 == threads ? TRIAD_FLOATS :
						  (size_t)(TRIAD_FLOATS / threads) * (i + 1) };
			if (i > 0 && pthread_create(&id[i], NULL, triad_part, &part[i]) != 0)
				part[i].to = part[i].from;
		}
		(void)triad_part(&part[0]);
		for (unsigned i = 1; i < threads; i++)
			(void)pthread_join(id[i], NULL);
		double gbs = 3.0 * TRIAD_FLOATS * sizeof(float) / (now_s() - t0) / 1e9;
		best = gbs > best ? gbs : best;
	}
	free(a);
	free(b);
	free(c);
	return best;
}

/* The bytes of weights one generated token reads: every matrix, and one
 * row of the embeddings. */
static double weight_bytes(const struct tandem_gguf *g, const struct tandem_llm_hparams *hp)
{
	double sum = 0;

	for (size_t i = 0; i < tandem_gguf_tensor_count(g); i++) {
		const struct tandem_gguf_tensor *t = tandem_gguf_tensor_at(g, i);
		bool embd = t->name.len == 17 && memcmp(t->name.p, "token_embd.weight", 17) == 0;

		sum += embd && !hp->tied_output ? (double)t->bytes / hp->n_vocab : (double)t->bytes;
	}
	return sum;
}

static void mean_sd(const double *v, unsigned n, double *mean, double *sd)
{
	double s = 0, q = 0;

	for (unsigned i = 0; i < n; i++)
		s += v[i];
	*mean = s / n;
	for (unsigned i = 0; i < n; i++)
		q += (v[i] - *mean) * (v[i] - *mean);
	*sd = n > 1 ? sqrt(q / (n - 1)) : 0;
}

/* One repetition: pp tokens/s and tg tokens/s. */
static int once(struct tandem_llm_ctx *c, const struct tandem_llm_hparams *hp, unsigned long p,
		unsigned long n, int32_t *ids, float *logits, struct tandem_diag *d, double *pp,
		double *tg)
{
	uint64_t x = 0x9e3779b97f4a7c15u;
	int rc;

	for (unsigned long i = 0; i < p; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		ids[i] = (int32_t)(x % hp->n_vocab);
	}
	tandem_llm_ctx_reset(c);
	double t0 = now_s();
	rc = tandem_llm_eval(c, ids, p, logits, d);
	*pp = (double)p / (now_s() - t0);
	tandem_llm_ctx_reset(c);
	int32_t next = 1;
	rc = rc != 0 ? rc : tandem_llm_eval(c, &next, 1, logits, d);
	t0 = now_s();
	for (unsigned long i = 0; rc == 0 && i < n; i++) {
		next = tandem_llm_argmax(logits, hp->n_vocab);
		rc = tandem_llm_eval(c, &next, 1, logits, d);
	}
	*tg = (double)n / (now_s() - t0);
	return rc;
}

/* One repetition of seqs sequences generating n tokens together, each
 * from a token of its own: tokens/s of all of them. */
static int together(struct tandem_llm_ctx *c, uint32_t n_vocab, unsigned long n,
		    unsigned long seqs, float *logits, struct tandem_diag *d, double *tg)
{
	struct tandem_llm_batch_item items[TANDEM_LLM_SEQ_MAX];
	struct tandem_llm_batch b = { items, seqs };
	int rc;

	tandem_llm_ctx_reset(c);
	for (uint32_t s = 0; s < seqs; s++)
		items[s] = (struct tandem_llm_batch_item){ s, (int32_t)((1 + s) % n_vocab), true };
	rc = tandem_llm_eval_batch(c, &b, logits, d);
	double t0 = now_s();
	for (unsigned long i = 0; rc == 0 && i < n; i++) {
		for (uint32_t s = 0; s < seqs; s++)
			items[s].token = tandem_llm_argmax(logits + (size_t)s * n_vocab, n_vocab);
		rc = tandem_llm_eval_batch(c, &b, logits, d);
	}
	*tg = (double)(n * seqs) / (now_s() - t0);
	return rc;
}

/* seqs 0: no generation together. */
static int bench(const char *model, unsigned long p, unsigned long n, unsigned long threads,
		 unsigned long reps, unsigned long seqs, struct tandem_diag *d)
{
	struct tandem_gguf *g = NULL;
	struct tandem_llm_model *m = NULL;
	struct tandem_llm_ctx *c = NULL;
	double pp[REPS_MAX], tg[REPS_MAX], tgs[REPS_MAX], pm, ps, tm, ts;
	int32_t *ids = malloc((p + 1) * sizeof *ids);
	float *logits = NULL;
	int rc = ids != NULL ? tandem_gguf_open(model, d, &g) : TANDEM_ENOMEM;

	if (rc == 0)
		rc = tandem_llm_load(g, d, &m);
	if (rc == 0)
		rc = tandem_llm_ctx_new_seqs(m, (uint32_t)(p > n + 1 ? p : n + 1),
					     seqs > 0 ? (uint32_t)seqs : 1, (uint32_t)threads, d, &c);
	if (rc == 0 && (logits = malloc((seqs > 0 ? seqs : 1) * tandem_llm_hparams(m)->n_vocab *
					sizeof *logits)) == NULL)
		rc = TANDEM_ENOMEM;
	if (rc == 0) {   /* a first token reads every weight in: page faults are not timed */
		int32_t bos = 1;
		rc = tandem_llm_eval(c, &bos, 1, logits, d);
	}
	for (unsigned long r = 0; rc == 0 && r < reps; r++)
		rc = once(c, tandem_llm_hparams(m), p, n, ids, logits, d, &pp[r], &tg[r]);
	for (unsigned long r = 0; rc == 0 && seqs > 0 && r < reps; r++)
		rc = together(c, tandem_llm_hparams(m)->n_vocab, n, seqs, logits, d, &tgs[r]);
	if (rc == 0) {
		struct rusage ru;
		double bytes = weight_bytes(g, tandem_llm_hparams(m));

		(void)getrusage(RUSAGE_SELF, &ru);     /* before the triad's arrays */
		double machine = triad_gbs((unsigned)threads);
		mean_sd(pp, (unsigned)reps, &pm, &ps);
		mean_sd(tg, (unsigned)reps, &tm, &ts);
		printf("%s: %lu threads\n  pp%lu  %8.2f ± %.2f tokens/s\n  tg%lu  %8.2f ± %.2f "
		       "tokens/s\n", model, threads, p, pm, ps, n, tm, ts);
		if (seqs > 0) {
			mean_sd(tgs, (unsigned)reps, &tm, &ts);
			printf("  tg%lu x%lu  %8.2f ± %.2f tokens/s, %.2f a sequence\n", n, seqs, tm,
			       ts, tm / (double)seqs);
			mean_sd(tg, (unsigned)reps, &tm, &ts);
		}
		printf("  generation reads %.1f MB of weights a token: %.1f GB/s, %.0f %% of the "
		       "%.1f GB/s a triad gets on %lu threads\n", bytes / 1e6, bytes * tm / 1e9,
		       100.0 * bytes * tm / 1e9 / machine, machine, threads);
		printf("  peak memory %.1f MB (file %.1f MB)\n", (double)ru.ru_maxrss / 1024.0,
		       (double)tandem_gguf_file_bytes(g) / 1e6);
	}
	free(logits);
	free(ids);
	tandem_llm_ctx_free(c);
	tandem_llm_free(m);
	tandem_gguf_close(g);
	return rc;
}

int cmd_llm_bench(int argc, char **argv)
{
	static const struct option opts[] = {
		{"model", required_argument, NULL, 'm'}, {"threads", required_argument, NULL, 't'},
		{"reps", required_argument, NULL, 'r'}, {"seqs", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *model = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long p = 512, n = 128, reps = 3, seqs = 0, threads = cpus < 1 ? 1 : cpus > 8 ? 8 :
		(unsigned long)cpus;
	struct tandem_diag d;
	int c, rc;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hm:p:n:", opts, NULL)) != -1) {
		bool ok = true;

		if (c == 'm')
			model = optarg;
		else if (c == 'p')
			ok = cli_parse_uint(optarg, TANDEM_LLM_CTX_MAX / 2, &p);
		else if (c == 'n')
			ok = cli_parse_uint(optarg, TANDEM_LLM_CTX_MAX / 2, &n);
		else if (c == 't')
			ok = cli_parse_uint(optarg, TANDEM_LLM_THREADS_MAX, &threads);
		else if (c == 'r')
			ok = cli_parse_uint(optarg, REPS_MAX, &reps);
		else if (c == 's')
			ok = cli_parse_uint(optarg, TANDEM_LLM_SEQ_MAX, &seqs);
		else if (c == 'h')
			return fputs(usage_text, stdout), CLI_EXIT_OK;
		else
			return c == ':' ? cli_missing_value("llm", argv) : cli_unknown_option("llm", argv);
		if (!ok)
			return cli_usage("llm", "%s: not a valid number here", argv[optind - 1]);
	}
	if (model == NULL || optind != argc)
		return cli_usage("llm", "bench needs -m MODEL");
	tandem_diag_init(&d, 10);
	rc = bench(model, p, n, threads, reps, seqs, &d);
	if (rc != 0) {
		cli_print_findings(stderr, &d);
		(void)cli_error(0, "llm", "%s: the benchmark did not run", model);
	}
	tandem_diag_release(&d);
	return rc == 0 ? CLI_EXIT_OK : rc == TANDEM_EIO || rc == TANDEM_ENOMEM ? CLI_EXIT_IO :
		CLI_EXIT_INVALID;
}
