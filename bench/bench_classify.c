/*
 * bench/bench_classify.c - the CPV classifier on ../shared/data/procurement:
 *   - training on train.tsv and the CPV labels (one thread), and the size
 *     of the model file;
 *   - accuracy on dev.tsv at division and group level, top 1 and top 3;
 *   - prediction throughput on one core: the dev texts, over and over,
 *     each read, featurised, scored by both scorers and explained; by the
 *     wall clock and by the thread's CPU time (which a busy machine does
 *     not inflate).
 */
#include <string.h>
#include <time.h>

#include "bench.h"
#include "tandem/alloc.h"
#include "tandem/classify.h"

#define MIN_S 2.0

int main(void)
{
	char tp[4096], dp[4096], lp[4096], hex[65];
	struct tandem_cls_example *tr = NULL, *dv = NULL, *cpv = NULL;
	char *b1 = NULL, *b2 = NULL, *b3 = NULL;
	size_t ntr, ndv, ncpv, classes, examples, bytes;
	struct tandem_cls_options o;
	struct tandem_cls_model *m = NULL;
	struct tandem_cls_eval e;
	struct tandem_diag d;

	snprintf(tp, sizeof tp, "%s/procurement/train.tsv", bench_shared_data());
	snprintf(dp, sizeof dp, "%s/procurement/dev.tsv", bench_shared_data());
	snprintf(lp, sizeof lp, "%s/procurement/cpv2008_en_fr_de.csv", bench_shared_data());
	tandem_diag_init(&d, 10);
	if (tandem_cls_read_tsv(tp, &d, &tr, &ntr, &b1) != 0 ||
	    tandem_cls_read_tsv(dp, &d, &dv, &ndv, &b2) != 0 ||
	    tandem_cls_cpv_labels(lp, &d, &cpv, &ncpv, &b3) != 0) {
		printf("procurement data missing or unreadable (%s): skipped\n",
		       d.count ? d.items[0].message : "?");
		return 0;
	}
	tandem_cls_options_default(&o);
	struct timespec c0, c1;
	(void)clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	double t0 = bench_now_s();
	if (tandem_cls_train(tr, ntr, cpv, ncpv, &o, &d, &m) != 0) {
		printf("training failed: %s\n", d.count ? d.items[0].message : "?");
		return 0;
	}
	double t = bench_now_s() - t0;
	(void)clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	double cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
	tandem_cls_model_info(m, &classes, &examples, &bytes);
	tandem_cls_model_sha256(m, hex);
	printf("classify: trained on %zu texts + %zu CPV labels in %.2f s (one thread; %.2f s of "
	       "its CPU time)\n", ntr, examples - ntr, t, cpu);
	printf("classify: model file %.1f MB (%zu classes), sha256 %.16s...\n", (double)bytes / 1e6,
	       classes, hex);
	tandem_cls_evaluate(m, dv, ndv, &e, &d);
	printf("classify: dev (%zu texts) division top-1 %.3f top-3 %.3f, group top-1 %.3f "
	       "top-3 %.3f\n", e.count[3], (double)e.hits[3][0] / (double)e.count[3],
	       (double)e.hits[3][1] / (double)e.count[3], (double)e.hits[3][2] / (double)e.count[3],
	       (double)e.hits[3][3] / (double)e.count[3]);
	double done = 0;
	long sink = 0;
	(void)clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	t0 = bench_now_s();
	do {
		for (size_t i = 0; i < ndv; i++) {
			struct tandem_cls_prediction p;
			if (tandem_cls_predict(m, dv[i].text, dv[i].len, TANDEM_CLS_LANG_UNKNOWN, 0, &p,
					       &d) == 0)
				sink += p.group[0].code[0];
		}
		done += (double)ndv;
		t = bench_now_s() - t0;
	} while (t < MIN_S);
	(void)clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	bench_sink = sink;
	bench_report("classify: prediction with explanation, one core", done, t);
	/* The thread's own processor time: what a busy machine does not inflate. */
	cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
	bench_report("classify: the same, by the thread's CPU time", done, cpu);
	tandem_cls_model_free(m);
	tandem_free(tr), tandem_free(dv), tandem_free(cpv);
	tandem_free(b1), tandem_free(b2), tandem_free(b3);
	tandem_diag_release(&d);
	return 0;
}
