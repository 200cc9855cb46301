/*
 * src/classify/model.c - the classifier: training, prediction, learning
 * from a correction.
 *
 * Classes are the CPV groups (3 digits) of the vocabulary; a division's
 * probability is the sum of its groups'. Two scorers read the same hashed
 * features (features.c):
 *   - a multinomial logistic regression, W (buckets, classes) and b
 *     (classes), trained by plain SGD over shuffled examples with a rate
 *     decaying linearly to 0, towards targets smoothed by label_smooth;
 *     the CPV labels are examples too, with a smaller weight;
 *   - the nearest training texts (not the labels) by cosine of TF-IDF
 *     vectors, held as postings per feature: the k best vote for their
 *     class with similarity^power.
 * The mixture (1 - alpha) p_lr + alpha p_knn is the group's probability.
 *
 * Weights are kept at half precision (rounded after training and after a
 * correction), as the model file holds them, so that a model predicts the
 * same before it is saved and after it is loaded.
 */
#include <math.h>
#include <string.h>

#include "classify_int.h"
#include "tandem/alloc.h"

void tandem_cls_options_default(struct tandem_cls_options *o)
{
	*o = (struct tandem_cls_options){
		.seed = 1, .epochs = 10, .bits = 16, .label_weight_pct = 50, .knn_pct = 30,
		.needs_human_pct = 30,
	};
}

void cls_params_from(const struct tandem_cls_options *o, struct cls_params *p)
{
	*p = (struct cls_params){
		.bits = o->bits, .max_words = 80, .prefix = 6, .minn = 3, .maxn = 5,
		.ngram_langs = 1u << TANDEM_CLS_DE, .first_words = 1, .bigrams = 0,
		.word_w = 1.0f, .prefix_w = 1.0f, .bigram_w = 1.0f, .ngram_w = 0.7f,
		.first_w = 0.5f, .lang_feature = 1, .amount_feature = 1, .epochs = o->epochs,
		.lr = 5.0f, .label_w = (float)o->label_weight_pct / 100.0f,
		.label_langs = 1u << TANDEM_CLS_FR | 1u << TANDEM_CLS_DE,
		.knn_alpha = (float)o->knn_pct / 100.0f, .knn_k = 20, .knn_power = 2.0f,
		.knn_df_max = 0.05f, .needs_human = (float)o->needs_human_pct / 100.0f,
		.div_w = 0.3f, .hier = 1, .label_smooth = 0.05f, .seed = o->seed,
	};
}

void cls_make_divisions(struct tandem_cls_model *m)
{
	int16_t at[100];
	for (size_t v = 0; v < 100; v++)
		at[v] = -1;
	m->ndivs = 0;
	for (size_t c = 0; c < m->nclasses; c++) {
		unsigned v = m->group[c] / 10u;
		if (at[v] < 0) {
			at[v] = (int16_t)m->ndivs;
			m->division[m->ndivs++] = (uint8_t)v;
		}
		m->div_of_class[c] = (uint8_t)at[v];
	}
}

void tandem_cls_model_free(struct tandem_cls_model *m)
{
	if (m == NULL)
		return;
	tandem_free(m->W);
	tandem_free(m->b);
	tandem_free(m->Wd);
	tandem_free(m->bd);
	tandem_free(m->idf);
	tandem_free(m->doc_class);
	tandem_free(m->off);
	tandem_free(m->post_doc);
	tandem_free(m->post_val);
	tandem_free(m);
}

/* The class of a CPV code (its group), or -1. */
int cls_class_of(const struct tandem_cls_model *m, const char *code)
{
	if (!(code[0] >= '0' && code[0] <= '9' && code[1] >= '0' && code[1] <= '9' &&
	      code[2] >= '0' && code[2] <= '9'))
		return -1;
	int g = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
	return m->class_of_group[g];
}

/* Classes from the vocabulary: each group met, in code order of first sight. */
static int make_classes(struct tandem_cls_model *m, const struct tandem_cls_example *cpv,
			size_t ncpv, struct tandem_diag *d)
{
	for (size_t g = 0; g < 1000; g++)
		m->class_of_group[g] = -1;
	for (size_t i = 0; i < ncpv; i++) {
		const char *c = cpv[i].code;
		if (!(c[0] >= '0' && c[0] <= '9' && c[1] >= '0' && c[1] <= '9' && c[2] >= '0' &&
		      c[2] <= '9'))
			continue;
		int g = (c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0');
		if (m->class_of_group[g] >= 0)
			continue;
		m->class_of_group[g] = (int16_t)m->nclasses;
		m->group[m->nclasses] = (uint16_t)g;
		m->nclasses++;
	}
	if (m->nclasses < 2)
		return cls_refuse(d, TANDEM_EINVAL, "TANDEM-CLASSIFY-CLASSES",
				  "the vocabulary names %zu CPV groups; at least 2 are needed",
				  m->nclasses);
	return 0;
}

void cls_softmax(float *s, size_t n)
{
	float mx = s[0];
	for (size_t i = 1; i < n; i++)
		if (s[i] > mx)
			mx = s[i];
	double z = 0;
	for (size_t i = 0; i < n; i++) {
		s[i] = expf(s[i] - mx);
		z += s[i];
	}
	float iz = (float)(1.0 / z);
	for (size_t i = 0; i < n; i++)
		s[i] *= iz;
}

void cls_lr_scores(const struct tandem_cls_model *m, const struct cls_feat *f, size_t n,
		   float *out)
{
	memcpy(out, m->b, m->nclasses * sizeof *out);
	cls_rows_half(out, m->W, m->nclasses, f, n);
}

void cls_rows_scores(const float *b, float *const *rows, const struct cls_feat *f, size_t n,
		     size_t nc, float *out)
{
	memcpy(out, b, nc * sizeof *out);
	for (size_t i = 0; i < n; i++)
		cls_axpy(out, rows[i], f[i].v, nc);
}

/*
 * One SGD step towards the target (1 - smooth) on y and smooth / nc on
 * every class: the gradient of the cross-entropy is p - target. Label
 * smoothing keeps the scores from growing without bound on texts whose
 * class the data contradicts (the lots of one tender, one title, several
 * codes), and on rare words seen with one class only.
 */
static void rows_step(float *b, float *const *rows, const struct cls_feat *f, size_t n,
		      size_t nc, size_t y, float w, float lr, bool bias, float smooth, float *p)
{
	cls_rows_scores(b, rows, f, n, nc, p);
	cls_softmax(p, nc);
	p[y] -= 1.0f - smooth;
	float scale = lr * w, even = smooth / (float)nc;
	for (size_t c = 0; c < nc; c++)
		p[c] = (p[c] - even) * scale;
	for (size_t i = 0; i < n; i++)
		cls_axpy(rows[i], p, -f[i].v, nc);
	if (bias)
		for (size_t c = 0; c < nc; c++)
			b[c] -= p[c];
}

void cls_rows_step(float *b, float *const *rows, const struct cls_feat *f, size_t n, size_t nc,
		   size_t y, float w, float lr, bool bias, float *p)
{
	rows_step(b, rows, f, n, nc, y, w, lr, bias, 0.0f, p);
}

/* xorshift64*: the shuffles of training, from the seed. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

static int featurise_all(struct tandem_cls_model *m, const struct tandem_cls_example *ex,
			 size_t n, bool label, struct cls_sample *out, size_t *k,
			 struct cls_words *w, struct cls_feats *f, struct tandem_diag *d)
{
	for (size_t i = 0; i < n; i++) {
		if (label && (ex[i].lang >= TANDEM_CLS_LANG_UNKNOWN ||
			      !(m->p.label_langs >> ex[i].lang & 1)))
			continue;
		int y = cls_class_of(m, ex[i].code);
		if (y < 0)
			return cls_refuse(d, TANDEM_EBADINPUT, "TANDEM-CLASSIFY-LABEL",
					  "example %zu: CPV code \"%.12s\" is not in the vocabulary",
					  i + 1, ex[i].code);
		int rc = cls_words_of(ex[i].text, ex[i].len, w, d);
		if (rc != 0)
			return rc;
		enum tandem_cls_lang lang = ex[i].lang < TANDEM_CLS_LANG_UNKNOWN ? ex[i].lang
										 : cls_detect(w);
		cls_features(&m->p, w, lang, ex[i].amount_cents, f);
		struct cls_sample *s = &out[(*k)++];
		s->f = tandem_malloc(f->n * sizeof *s->f);
		if (s->f == NULL)
			return TANDEM_ENOMEM;
		memcpy(s->f, f->f, f->n * sizeof *s->f);
		s->n = (uint32_t)f->n;
		s->y = (uint16_t)y;
		s->label = label;
		uint32_t pct = ex[i].weight_pct ? ex[i].weight_pct : 100;
		s->w = (float)pct / 100.0f * (label ? m->p.label_w : 1.0f);
	}
	return 0;
}

/* Scratch of training: the scores, the order of the examples, the rows of
 * one example. */
struct train_scratch {
	float *p;       /* (nclasses) */
	uint32_t *order; /* (examples) */
	float **rows;   /* (CLS_FEATS_MAX) */
};

/*
 * A regression in single precision, W (buckets, nc) and b, over the
 * samples' classes (or their divisions, to_div), shuffled from seed; then
 * rounded into half precision: Wh and b.
 */
static void train_lr(const struct tandem_cls_model *m, float *W, float *b, uint16_t *Wh,
		     size_t nc, bool to_div, uint64_t seed, struct cls_sample *s, size_t n,
		     const struct train_scratch *ts)
{
	size_t buckets = (size_t)1 << m->p.bits;
	uint32_t *order = ts->order;
	float **rows = ts->rows;
	uint64_t rs = UINT64_C(0x9E3779B97F4A7C15) ^ (seed * UINT64_C(0x100000001B3));
	double total = (double)n * m->p.epochs, done = 0;

	memset(W, 0, buckets * nc * sizeof *W);
	for (uint32_t ep = 0; ep < m->p.epochs; ep++) {
		for (size_t i = 0; i < n; i++)
			order[i] = (uint32_t)i;
		for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
			size_t j = (size_t)(next_random(&rs) % i);
			uint32_t t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		for (size_t t = 0; t < n; t++, done++) {
			const struct cls_sample *e = &s[order[t]];
			float lr = (float)(m->p.lr * (1.0 - done / total));
			size_t y = to_div ? m->div_of_class[e->y] : e->y;
			for (size_t i = 0; i < e->n; i++)
				rows[i] = W + (size_t)e->f[i].id * nc;
			rows_step(b, rows, e->f, e->n, nc, y, e->w, lr, !e->label, m->p.label_smooth,
				  ts->p);
		}
	}
	for (size_t i = 0; i < buckets * nc; i++)
		Wh[i] = tandem_half_of(W[i]);
	for (size_t c = 0; c < nc; c++)
		b[c] = tandem_float_of_half(tandem_half_of(b[c]));
}

int tandem_cls_train(const struct tandem_cls_example *ex, size_t n,
		     const struct tandem_cls_example *cpv, size_t ncpv,
		     const struct tandem_cls_options *o, struct tandem_diag *d,
		     struct tandem_cls_model **out)
{
	struct tandem_cls_model *m = NULL;
	struct cls_sample *s = NULL;
	struct cls_words *w = NULL;
	struct cls_feats *f = NULL;
	struct train_scratch ts = {NULL, NULL, NULL};
	float *W = NULL;
	size_t ns = 0;
	int rc;

	*out = NULL;
	if (o->epochs < 1 || o->epochs > 100 || o->bits < 12 || o->bits > 20 ||
	    o->label_weight_pct > 1000 || o->knn_pct > 100 || o->needs_human_pct > 100)
		return cls_refuse(d, TANDEM_EINVAL, "TANDEM-CLASSIFY-OPTIONS",
				  "options out of range: epochs 1..100, bits 12..20, label weight "
				  "0..1000%%, knn 0..100%%, needs-human 0..100%%");
	if (n == 0 || n > TANDEM_CLS_EXAMPLES_MAX || ncpv > TANDEM_CLS_EXAMPLES_MAX)
		return cls_refuse(d, TANDEM_EINVAL, "TANDEM-CLASSIFY-DATA",
				  "training needs 1 to %d examples (got %zu)",
				  TANDEM_CLS_EXAMPLES_MAX, n);
	m = tandem_calloc(1, sizeof *m);
	w = tandem_malloc(sizeof *w);
	f = tandem_malloc(sizeof *f);
	s = tandem_calloc(n + ncpv, sizeof *s);
	if (m == NULL || w == NULL || f == NULL || s == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	f->names = false;
	cls_params_from(o, &m->p);
	rc = make_classes(m, cpv, ncpv, d);
	if (rc != 0)
		goto out;
	size_t buckets = (size_t)1 << m->p.bits;
	cls_make_divisions(m);
	m->W = tandem_malloc(buckets * m->nclasses * sizeof *m->W);
	m->b = tandem_calloc(m->nclasses, sizeof *m->b);
	m->Wd = tandem_malloc(buckets * m->ndivs * sizeof *m->Wd);
	m->bd = tandem_calloc(m->ndivs, sizeof *m->bd);
	W = tandem_malloc(buckets * m->nclasses * sizeof *W);
	ts.p = tandem_malloc(m->nclasses * sizeof *ts.p);
	ts.order = tandem_malloc((n + ncpv) * sizeof *ts.order);
	ts.rows = tandem_malloc(CLS_FEATS_MAX * sizeof *ts.rows);
	if (m->W == NULL || m->b == NULL || m->Wd == NULL || m->bd == NULL || W == NULL ||
	    ts.p == NULL || ts.order == NULL || ts.rows == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	rc = featurise_all(m, ex, n, false, s, &ns, w, f, d);
	if (rc == 0)
		rc = featurise_all(m, cpv, ncpv, true, s, &ns, w, f, d);
	if (rc != 0)
		goto out;
	m->examples = ns;
	train_lr(m, W, m->b, m->W, m->nclasses, false, m->p.seed, s, ns, &ts);
	if (m->p.div_w > 0.0f) /* the division regression, on its own shuffle */
		train_lr(m, W, m->bd, m->Wd, m->ndivs, true, m->p.seed ^ 1, s, ns, &ts);
	else
		memset(m->Wd, 0, buckets * m->ndivs * sizeof *m->Wd);
	rc = cls_knn_build(m, s, ns);
out:
	for (size_t i = 0; s != NULL && i < ns; i++)
		tandem_free(s[i].f);
	tandem_free(s);
	tandem_free(w);
	tandem_free(f);
	tandem_free(ts.p);
	tandem_free(ts.order);
	tandem_free(ts.rows);
	tandem_free(W);
	if (rc != 0) {
		tandem_cls_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}
