/*
 * src/classify/predict.c - a suggestion for a text, what explains it, and
 * a user's correction.
 *
 * The explanation of a group is the regression's side of it: the features
 * whose weight for that group, times their value in the text, added most
 * to its score, named by the words, prefixes, pairs or n-grams that gave
 * them (several may share a hashed bucket; the first met names it).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "classify_int.h"
#include "tandem/alloc.h"

int cls_refuse(struct tandem_diag *d, int code, const char *rule, const char *fmt, ...)
{
	char msg[TANDEM_DIAG_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (d != NULL)
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, code, rule, NULL, 0, "%s", msg);
	return code;
}

const char *tandem_cls_lang_name(enum tandem_cls_lang lang)
{
	static const char *const names[] = {"fr", "de", "en"};
	return lang < TANDEM_CLS_LANG_UNKNOWN ? names[lang] : "?";
}

/* Scratch of one prediction (the words and features are large). */
struct work {
	struct cls_words w;
	struct cls_feats f;
	float plr[TANDEM_CLS_CLASSES_MAX], pknn[TANDEM_CLS_CLASSES_MAX];
	float pdiv[100], preg[100]; /* by CPV division; by division of the model */
};

/*
 * The divisions' probabilities: the sum of their groups', mixed with the
 * division regression's (div_w); with hier, each group is then rescaled so
 * that the groups of a division add up to the division's probability.
 */
static void divisions(const struct tandem_cls_model *m, const struct cls_feat *f, size_t n,
		      float *pg, float *pdiv, float *preg)
{
	size_t nc = m->nclasses, nd = m->ndivs;
	float sum[100] = {0};
	/* A division's classes follow each other: its sum is kept in hand
	 * while they do (the same additions, in the same order). */
	for (size_t c = 0; c < nc;) {
		size_t v = m->div_of_class[c];
		float acc = sum[v];
		for (; c < nc && m->div_of_class[c] == v; c++)
			acc += pg[c];
		sum[v] = acc;
	}
	if (m->p.div_w > 0.0f) {
		memcpy(preg, m->bd, nd * sizeof *preg);
		cls_rows_half(preg, m->Wd, nd, f, n);
		cls_softmax(preg, nd);
	}
	float scale[100];
	for (size_t v = 0; v < nd; v++) {
		float mixed = m->p.div_w > 0.0f
				      ? (1.0f - m->p.div_w) * sum[v] + m->p.div_w * preg[v]
				      : sum[v];
		scale[v] = sum[v] > 0.0f ? mixed / sum[v] : 0.0f;
		sum[v] = mixed;
	}
	memset(pdiv, 0, 100 * sizeof *pdiv);
	for (size_t v = 0; v < nd; v++)
		pdiv[m->division[v]] = sum[v];
	if (m->p.hier)
		for (size_t c = 0; c < nc; c++)
			pg[c] *= scale[m->div_of_class[c]];
}

enum tandem_cls_lang tandem_cls_detect_lang(const char *text, size_t len)
{
	struct cls_words *w = tandem_malloc(sizeof *w);
	enum tandem_cls_lang l = TANDEM_CLS_LANG_UNKNOWN;
	if (w != NULL && cls_words_of(text, len, w, NULL) == 0)
		l = cls_detect(w);
	tandem_free(w);
	return l;
}

/* The n best of p[0..count) into out, with their codes (2 or 3 digits of
 * code_of(i)). */
static void best_of(const float *p, size_t count, size_t n, struct tandem_cls_choice *out,
		    const struct tandem_cls_model *m, bool division)
{
	size_t idx[TANDEM_CLS_RUNNERS] = {0};
	size_t k = 0;
	for (size_t i = 0; i < count; i++) {
		size_t at = k < n ? k++ : n;
		if (at == n && !(p[i] > p[idx[n - 1]]))
			continue;
		if (at == n)
			at = n - 1;
		while (at > 0 && p[i] > p[idx[at - 1]]) {
			idx[at] = idx[at - 1];
			at--;
		}
		idx[at] = i;
	}
	for (size_t j = 0; j < n; j++) {
		if (j >= k) {
			out[j] = (struct tandem_cls_choice){{0}, 0};
			continue;
		}
		unsigned code = division ? (unsigned)idx[j] % 100 : m->group[idx[j]] % 1000u;
		char *s = out[j].code;
		if (!division)
			*s++ = (char)('0' + code / 100);
		*s++ = (char)('0' + code / 10 % 10);
		*s++ = (char)('0' + code % 10);
		*s = '\0';
		float q = p[idx[j]] * 1000.0f + 0.5f;
		out[j].p_milli = q > 1000.0f ? 1000u : (uint32_t)q;
	}
}

/* The features that added most to class c's regression score, then their
 * names (the language, a prior rather than a reason, left out). */
static void explain(const struct tandem_cls_model *m, const struct cls_feats *f, size_t c,
		    struct tandem_cls_prediction *out)
{
	uint32_t id[TANDEM_CLS_REASONS] = {0};
	const float *half = cls_half_floats();
	out->nreasons = 0;
	for (size_t i = 0; i < f->n; i++) {
		float v = f->f[i].v * half[m->W[(size_t)f->f[i].id * m->nclasses + c]];
		if (!(v > 0.0f))
			continue;
		int32_t milli = (int32_t)(v * 1000.0f + 0.5f);
		size_t at = out->nreasons < TANDEM_CLS_REASONS ? out->nreasons++ : TANDEM_CLS_REASONS;
		if (at == TANDEM_CLS_REASONS) {
			if (milli <= out->reasons[at - 1].weight_milli)
				continue;
			at--;
		}
		while (at > 0 && milli > out->reasons[at - 1].weight_milli) {
			out->reasons[at] = out->reasons[at - 1];
			id[at] = id[at - 1];
			at--;
		}
		out->reasons[at].weight_milli = milli;
		id[at] = f->f[i].id;
	}
	/* The first name of each: one pass over the names, most of them
	 * passed over by a bit of their id. */
	const struct cls_feat_name *nm[TANDEM_CLS_REASONS] = {NULL};
	uint64_t mask = 0;
	size_t left = out->nreasons;
	for (size_t r = 0; r < out->nreasons; r++)
		mask |= UINT64_C(1) << (id[r] & 63);
	for (size_t j = 0; j < f->nnames && left > 0; j++) {
		if (!(mask >> (f->name[j].id & 63) & 1))
			continue;
		for (size_t r = 0; r < out->nreasons; r++)
			if (nm[r] == NULL && f->name[j].id == id[r]) {
				nm[r] = &f->name[j];
				left--;
			}
	}
	size_t k = 0;
	for (size_t r = 0; r < out->nreasons; r++) {
		if (nm[r] == NULL || nm[r]->type == 'L')
			continue;
		out->reasons[k].weight_milli = out->reasons[r].weight_milli;
		cls_feat_name_text(nm[r], out->reasons[k].feature, sizeof out->reasons[k].feature);
		k++;
	}
	out->nreasons = k;
}

int tandem_cls_predict(const struct tandem_cls_model *m, const char *text, size_t len,
		       enum tandem_cls_lang lang, int64_t amount_cents,
		       struct tandem_cls_prediction *out, struct tandem_diag *d)
{
	size_t nc = m->nclasses;
	int rc;

	memset(out, 0, sizeof *out);
	if (text == NULL || len == 0)
		return cls_refuse(d, TANDEM_EINVAL, "TANDEM-CLASSIFY-TEXT", "the text is empty");
	struct work *k = tandem_malloc(sizeof *k);
	float *sims = tandem_calloc(m->ndocs + 1, sizeof *sims);
	uint32_t *touched = tandem_malloc((m->ndocs + 1) * sizeof *touched);
	if (k == NULL || sims == NULL || touched == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	rc = cls_words_of(text, len, &k->w, d);
	if (rc != 0)
		goto out;
	out->lang = lang < TANDEM_CLS_LANG_UNKNOWN ? lang : cls_detect(&k->w);
	k->f.names = true;
	cls_features(&m->p, &k->w, out->lang, amount_cents, &k->f);
	/* The nearest texts first: they fetch the rows the regressions read. */
	if (m->p.knn_alpha > 0.0f) {
		float top = cls_knn_vote(m, k->f.f, k->f.n, sims, touched, k->pknn);
		out->nearest_milli = (uint32_t)(top * 1000.0f + 0.5f);
	}
	cls_lr_scores(m, k->f.f, k->f.n, k->plr);
	cls_softmax(k->plr, nc);
	if (m->p.knn_alpha > 0.0f) {
		for (size_t c = 0; c < nc; c++)
			k->plr[c] = (1.0f - m->p.knn_alpha) * k->plr[c] + m->p.knn_alpha * k->pknn[c];
	}
	divisions(m, k->f.f, k->f.n, k->plr, k->pdiv, k->preg);
	best_of(k->plr, nc, TANDEM_CLS_RUNNERS, out->group, m, false);
	best_of(k->pdiv, 100, TANDEM_CLS_RUNNERS, out->division, m, true);
	explain(m, &k->f, (size_t)m->class_of_group[(out->group[0].code[0] - '0') * 100 +
						    (out->group[0].code[1] - '0') * 10 +
						    (out->group[0].code[2] - '0')],
		out);
	/* A text unlike every training text (another language, another
	 * trade) gets little more than the prior, which says nothing of it. */
	out->needs_human = (float)out->group[0].p_milli < m->p.needs_human * 1000.0f ||
			   (m->p.knn_alpha > 0.0f && m->ndocs > 0 &&
			    out->nearest_milli < CLS_NEAREST_MIN_MILLI);
out:
	tandem_free(k);
	tandem_free(sims);
	tandem_free(touched);
	return rc;
}

/*
 * SGD steps on single-precision copies of a text's rows of one regression
 * (W, b over nc outputs) until it puts the text in y itself (at most 20,
 * at a fifth of the training rate); then the rows and the bias go back in
 * half precision. p is scratch of nc floats.
 */
static int correct(const struct tandem_cls_model *m, uint16_t *W, float *bias, size_t nc,
		   const struct cls_feats *f, size_t y, float *p)
{
	size_t n = f->n;
	float *tmp = tandem_malloc((n ? n : 1) * nc * sizeof *tmp);
	float **rows = tandem_malloc((n ? n : 1) * sizeof *rows);
	float *b = tandem_malloc(nc * sizeof *b);
	if (tmp == NULL || rows == NULL || b == NULL) {
		tandem_free(tmp), tandem_free(rows), tandem_free(b);
		return TANDEM_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		rows[i] = tmp + i * nc;
		const uint16_t *h = W + (size_t)f->f[i].id * nc;
		for (size_t c = 0; c < nc; c++)
			rows[i][c] = tandem_float_of_half(h[c]);
	}
	memcpy(b, bias, nc * sizeof *b);
	for (int step = 0; step < 20; step++) {
		cls_rows_scores(b, rows, f->f, n, nc, p);
		size_t top = 0;
		for (size_t c = 1; c < nc; c++)
			if (p[c] > p[top])
				top = c;
		if (top == y && step > 0)
			break;
		cls_rows_step(b, rows, f->f, n, nc, y, 1.0f, m->p.lr / 5.0f, false, p);
	}
	for (size_t i = 0; i < n; i++) {
		uint16_t *h = W + (size_t)f->f[i].id * nc;
		for (size_t c = 0; c < nc; c++)
			h[c] = tandem_half_of(rows[i][c]);
	}
	tandem_free(tmp), tandem_free(rows), tandem_free(b);
	return 0;
}

int tandem_cls_learn(struct tandem_cls_model *m, const struct tandem_cls_example *ex,
		     struct tandem_diag *d)
{
	int y = ex->code != NULL ? cls_class_of(m, ex->code) : -1;
	if (y < 0)
		return cls_refuse(d, TANDEM_EINVAL, "TANDEM-CLASSIFY-LABEL",
				  "\"%.12s\" is not a CPV group of this model",
				  ex->code != NULL ? ex->code : "");
	if (ex->text == NULL || ex->len == 0)
		return cls_refuse(d, TANDEM_EINVAL, "TANDEM-CLASSIFY-TEXT", "the text is empty");
	struct work *k = tandem_malloc(sizeof *k);
	if (k == NULL)
		return TANDEM_ENOMEM;
	int rc = cls_words_of(ex->text, ex->len, &k->w, d);
	if (rc == 0) {
		enum tandem_cls_lang lang = ex->lang < TANDEM_CLS_LANG_UNKNOWN ? ex->lang
									: cls_detect(&k->w);
		k->f.names = false;
		cls_features(&m->p, &k->w, lang, ex->amount_cents, &k->f);
		rc = correct(m, m->W, m->b, m->nclasses, &k->f, (size_t)y, k->plr);
		if (rc == 0 && m->p.div_w > 0.0f)
			rc = correct(m, m->Wd, m->bd, m->ndivs, &k->f, m->div_of_class[y], k->preg);
		if (rc == 0)
			rc = cls_knn_add(m, k->f.f, k->f.n, (size_t)y);
		if (rc == 0)
			m->examples++;
	}
	tandem_free(k);
	return rc;
}
