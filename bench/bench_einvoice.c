/*
 * bench/bench_einvoice.c - throughput of e-invoice intake on the files of
 * ../shared/data/einvoice/bench_ubl.txt and bench_cii.txt, in one process,
 * files read into memory first:
 *   - opening (parse with the safe libxml2 setup, identify syntax, profile);
 *   - validation with every rule of the CEN EN 16931 artefacts, and of the
 *     XRechnung ones for an XRechnung invoice (three in four of the bench
 *     files), as tandem invoice validate does: open + validate, on one
 *     thread and on two (one validator per thread); also by the threads'
 *     CPU time, which other jobs on the machine inflate less than the wall
 *     clock;
 *   - the cold command `tandem invoice validate FILE` (process start, rule
 *     loading, validation) on a UBL and a CII file, with the rules compiled
 *     (--no-cache) and mapped from a warm rule cache: median and p90;
 * and of extracting the XML from the FeRD Factur-X PDFs.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "bench_files.h"
#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"

extern char **environ;

#define MIN_S 2.0

static struct bench_files corpus;

static double thread_cpu_s(void);

static void time_open(const char *name)
{
	double t0 = bench_now_s(), c0 = thread_cpu_s(), t, done = 0, bytes = 0;
	size_t opened = 0;

	do {
		for (size_t i = 0; i < corpus.n; i++) {
			struct tandem_arena a;
			struct tandem_diag d;
			struct tandem_einv_source *src;

			tandem_arena_init(&a, 512u << 20);
			tandem_diag_init(&d, 100);
			opened += tandem_einv_open(&a, corpus.items[i].data, corpus.items[i].len,
						   &d, &src) == 0;
			tandem_diag_release(&d);
			tandem_arena_release(&a);
			bytes += (double)corpus.items[i].len;
		}
		done += (double)corpus.n;
		t = bench_now_s() - t0;
	} while (t < MIN_S);
	bench_sink = (long)opened;
	printf("%-44s %9.0f invoices/s %8.1f MB/s  (%zu files, one thread; %.0f per CPU second)\n",
	       name, done / t, bytes / t / 1e6, corpus.n, done / (thread_cpu_s() - c0));
}

static struct tandem_einv_rules *rules;

struct worker {
	size_t first, step; /* files first, first + step, ... */
	double done, bytes, seconds;
	double cpu_seconds; /* the thread's CPU time */
	size_t valid;
};

static double thread_cpu_s(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *validate_loop(void *arg)
{
	struct worker *w = arg;
	struct tandem_einv_validator *v;
	double t0 = bench_now_s(), c0 = thread_cpu_s(), t;

	if (tandem_einv_validator_new(rules, &v) != 0)
		return NULL;
	do {
		for (size_t i = w->first; i < corpus.n; i += w->step) {
			struct tandem_arena a;
			struct tandem_diag d;
			struct tandem_einv_source *src;
			struct tandem_einv_verdict verdict;

			tandem_arena_init(&a, 512u << 20);
			tandem_diag_init(&d, 2000);
			if (tandem_einv_open(&a, corpus.items[i].data, corpus.items[i].len, &d,
					     &src) == 0 &&
			    tandem_einv_validate(v, src, &d, &verdict) == 0)
				w->valid += verdict.valid;
			tandem_diag_release(&d);
			tandem_arena_release(&a);
			w->bytes += (double)corpus.items[i].len;
			w->done++;
		}
		t = bench_now_s() - t0;
	} while (t < MIN_S);
	w->seconds = t;
	w->cpu_seconds = thread_cpu_s() - c0;
	tandem_einv_validator_free(v);
	return NULL;
}

static void time_validate(const char *name, size_t threads)
{
	struct worker w[2] = {{0}};
	pthread_t tid[2];
	double done = 0, bytes = 0, seconds = 0, cpu = 0;

	for (size_t k = 0; k < threads; k++) {
		w[k].first = k;
		w[k].step = threads;
		pthread_create(&tid[k], NULL, validate_loop, &w[k]);
	}
	for (size_t k = 0; k < threads; k++) {
		pthread_join(tid[k], NULL);
		done += w[k].done;
		bytes += w[k].bytes;
		if (w[k].seconds > seconds)
			seconds = w[k].seconds;
		cpu += w[k].cpu_seconds;
	}
	bench_sink = (long)w[0].valid;
	printf("%-44s %9.0f invoices/s %8.1f MB/s  (%zu files, %zu thread%s; %.0f per CPU "
	       "second)\n", name, done / seconds, bytes / seconds / 1e6, corpus.n, threads,
	       threads > 1 ? "s" : "", done / cpu);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

#define COLD_RUNS 30

/*
 * Wall time of a command, a fresh process each time (fork, exec, work,
 * exit), COLD_RUNS times after one run that is not counted (it fills the
 * rule cache when there is one): median and 90th percentile.
 */
static void time_spawn(const char *label, char *const argv[])
{
	double runs[COLD_RUNS];
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (int i = -1; i < COLD_RUNS; i++) {
		fflush(stdout);
		/* posix_spawn, as a shell starts a command: a fork() of this
		 * process would add the copy of its page tables (the files and
		 * rules it holds) to every run. */
		double t0 = bench_now_s();
		pid_t pid;
		int status = 0;
		if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
			printf("%s: cannot start %s\n", label, argv[0]);
			break;
		}
		waitpid(pid, &status, 0);
		if (i >= 0)
			runs[i] = bench_now_s() - t0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
			printf("%s: %s failed (status %d)\n", label, argv[0], status);
			posix_spawn_file_actions_destroy(&fa);
			return;
		}
	}
	posix_spawn_file_actions_destroy(&fa);
	qsort(runs, COLD_RUNS, sizeof runs[0], cmp_double);
	printf("%-44s %9.2f ms median, %.2f ms p90 (%d runs)\n", label,
	       runs[COLD_RUNS / 2] * 1e3, runs[COLD_RUNS * 9 / 10] * 1e3, COLD_RUNS);
}

/*
 * `tandem invoice validate FILE`, with the rules compiled (--no-cache) or
 * mapped from the rule cache in cache_home ("warm": the first, uncounted
 * run fills it).
 */
static void time_cold(const char *tool, const char *artefacts, const char *file,
		      const char *label, const char *cache_home)
{
	if (cache_home)
		setenv("XDG_CACHE_HOME", cache_home, 1);
	char *argv[] = {(char *)tool, "invoice", "validate", "--artefacts", (char *)artefacts,
			(char *)file, cache_home ? NULL : "--no-cache", NULL};
	time_spawn(label, argv);
}

/* The cold command on a UBL and a CII file, without and with the rule cache. */
static void time_cold_all(const char *tool, const char *artefacts)
{
	static const struct {
		const char *syntax, *file;
	} cold[] = {
		{"UBL", "ubl/cen-examples/BIS3_Invoice_positive.XML"},
		{"CII", "cii/cen-examples/CII_business_example_01.xml"},
	};
	char home[] = "/tmp/tandem-bench-cache-XXXXXX";
	if (!mkdtemp(home)) {
		printf("cold validate: no temporary directory\n");
		return;
	}
	/* The floor: what starting any process costs on this machine, and
	 * what starting tandem (its libraries loaded, nothing done) costs. */
	char *floor_argv[] = {"/bin/true", NULL};
	char *version_argv[] = {(char *)tool, "--version", NULL};
	time_spawn("process start floor (/bin/true)", floor_argv);
	time_spawn("tandem --version", version_argv);
	for (size_t i = 0; i < 2; i++) {
		char file[4096], label[64];
		snprintf(file, sizeof file, "%s/einvoice/corpus/%s", bench_shared_data(), cold[i].file);
		snprintf(label, sizeof label, "cold validate %s, --no-cache", cold[i].syntax);
		time_cold(tool, artefacts, file, label, NULL);
		snprintf(label, sizeof label, "cold validate %s, warm rule cache", cold[i].syntax);
		time_cold(tool, artefacts, file, label, home);
	}
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
	if (system(cmd) != 0)
		printf("cannot remove %s\n", home);
}

int main(void)
{
	char dir[4096], artefacts[4096];
	DIR *d;
	struct dirent *e;
	struct tandem_diag diag;
	const char *tool = getenv("TANDEM_BIN");

	snprintf(artefacts, sizeof artefacts, "%s/einvoice/artefacts", bench_shared_data());
	tandem_diag_init(&diag, 10);
	if (tandem_einv_rules_load(artefacts, &rules, &diag) != 0) {
		printf("validation artefacts not loaded (%s): validation not measured\n",
		       diag.count ? diag.items[0].message : "?");
		rules = NULL;
	}
	tandem_diag_release(&diag);
	if (bench_files_load_list(&corpus, "bench_ubl.txt") == 0 && corpus.n) {
		time_open("open UBL (parse + identify)");
		if (rules) {
			time_validate("validate UBL (open + CEN [+ XRechnung] rules)", 1);
			time_validate("validate UBL (open + CEN [+ XRechnung] rules)", 2);
		}
	}
	bench_files_free(&corpus);
	if (bench_files_load_list(&corpus, "bench_cii.txt") == 0 && corpus.n) {
		time_open("open CII (parse + identify)");
		if (rules) {
			time_validate("validate CII (open + CEN [+ XRechnung] rules)", 1);
			time_validate("validate CII (open + CEN [+ XRechnung] rules)", 2);
		}
	}
	bench_files_free(&corpus);
	if (rules && tool)
		time_cold_all(tool, artefacts);
	tandem_einv_rules_free(rules);
	snprintf(dir, sizeof dir, "%s/einvoice/corpus/facturx/ferd-2.4/3._EN16931",
		 bench_shared_data());
	d = opendir(dir);
	while (d && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n > 7 && strcmp(e->d_name + n - 7, "_fx.pdf") == 0) {
			char path[8192];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			bench_file_load(&corpus, path);
		}
	}
	if (d)
		closedir(d);
	if (corpus.n)
		time_open("open Factur-X PDF (extract + parse)");
	bench_files_free(&corpus);
	return 0;
}
