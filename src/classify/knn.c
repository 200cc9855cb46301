/*
 * src/classify/knn.c - the nearest training texts.
 *
 * A text's vector is its features weighted by inverse document frequency,
 * idf(b) = ln((N + 1) / (df(b) + 1)) + 1 over the N training texts (CPV
 * labels are not texts: they are short and would outvote them), scaled to
 * length 1. A feature found in more than knn_df_max of the texts ("la",
 * "de" left by the stop list, the language feature) has idf 0 and is
 * ignored. The index keeps, per feature, the texts that have it and their
 * weight, so a query touches only the texts that share a feature with it.
 */
#include <math.h>
#include <string.h>

#include "classify_int.h"
#include "tandem/alloc.h"

/* The weights of a text's features in the index, scaled to length 1. */
static double norm_inv(const struct tandem_cls_model *m, const struct cls_feat *f, size_t n)
{
	double ss = 0;
	for (size_t j = 0; j < n; j++) {
		double v = (double)f[j].v * m->idf[f[j].id];
		ss += v * v;
	}
	return ss > 0 ? 1.0 / sqrt(ss) : 0;
}

int cls_knn_build(struct tandem_cls_model *m, const struct cls_sample *s, size_t n)
{
	size_t buckets = (size_t)1 << m->p.bits, docs = 0, post = 0;
	m->off = tandem_calloc(buckets + 1, sizeof *m->off);
	m->idf = tandem_calloc(buckets, sizeof *m->idf);
	if (m->off == NULL || m->idf == NULL)
		return TANDEM_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (s[i].label)
			continue;
		docs++;
		for (size_t j = 0; j < s[i].n; j++)
			m->off[s[i].f[j].id + 1]++;
	}
	if (docs > CLS_DOCS_MAX)
		return TANDEM_ELIMIT;
	for (size_t b = 0; b < buckets; b++) {
		uint32_t df = m->off[b + 1];
		m->idf[b] = (float)log((double)(docs + 1) / (double)(df + 1)) + 1.0f;
		/* Too common to tell texts apart; a small corpus keeps features
		 * found in up to 5 texts. */
		double most = m->p.knn_df_max * (double)docs;
		if ((double)df > (most > 5.0 ? most : 5.0))
			m->idf[b] = 0.0f;
		if (m->idf[b] == 0.0f)
			m->off[b + 1] = 0; /* no postings for an ignored feature */
		post += m->off[b + 1];
	}
	if (post > CLS_POST_MAX)
		return TANDEM_ELIMIT;
	for (size_t b = 0; b < buckets; b++)
		m->off[b + 1] += m->off[b];
	m->doc_class = tandem_malloc((docs ? docs : 1) * sizeof *m->doc_class);
	m->post_doc = tandem_malloc((post ? post : 1) * sizeof *m->post_doc);
	m->post_val = tandem_malloc((post ? post : 1) * sizeof *m->post_val);
	uint32_t *pos = tandem_malloc(buckets * sizeof *pos);
	if (m->doc_class == NULL || m->post_doc == NULL || m->post_val == NULL || pos == NULL) {
		tandem_free(pos);
		return TANDEM_ENOMEM;
	}
	memcpy(pos, m->off, buckets * sizeof *pos);
	size_t d = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i].label)
			continue;
		double inv = norm_inv(m, s[i].f, s[i].n);
		for (size_t j = 0; j < s[i].n; j++) {
			uint32_t id = s[i].f[j].id;
			if (m->idf[id] == 0.0f)
				continue;
			m->post_doc[pos[id]] = (uint32_t)d;
			m->post_val[pos[id]++] = (float)(s[i].f[j].v * m->idf[id] * inv);
		}
		m->doc_class[d++] = s[i].y;
	}
	tandem_free(pos);
	m->ndocs = docs;
	m->npost = post;
	return 0;
}

int cls_knn_add(struct tandem_cls_model *m, const struct cls_feat *f, size_t n, size_t y)
{
	size_t buckets = (size_t)1 << m->p.bits, add = 0;
	for (size_t j = 0; j < n; j++)
		add += m->idf[f[j].id] != 0.0f;
	if (m->ndocs + 1 > CLS_DOCS_MAX || m->npost + add > CLS_POST_MAX)
		return TANDEM_ELIMIT;
	uint16_t *dc = tandem_realloc(m->doc_class, (m->ndocs + 1) * sizeof *dc);
	if (dc == NULL)
		return TANDEM_ENOMEM;
	m->doc_class = dc;
	uint32_t *pd = tandem_malloc((m->npost + add + 1) * sizeof *pd);
	float *pv = tandem_malloc((m->npost + add + 1) * sizeof *pv);
	if (pd == NULL || pv == NULL) {
		tandem_free(pd);
		tandem_free(pv);
		return TANDEM_ENOMEM;
	}
	/* Copy the postings feature by feature, the new text's at the end of
	 * each of its features' lists (f is sorted by id). */
	double inv = norm_inv(m, f, n);
	size_t k = 0, j = 0;
	uint32_t start = 0;
	for (size_t b = 0; b < buckets; b++) {
		uint32_t end = m->off[b + 1];
		memcpy(pd + k, m->post_doc + start, (end - start) * sizeof *pd);
		memcpy(pv + k, m->post_val + start, (end - start) * sizeof *pv);
		k += end - start;
		while (j < n && f[j].id < b)
			j++;
		if (j < n && f[j].id == b && m->idf[b] != 0.0f) {
			pd[k] = (uint32_t)m->ndocs;
			pv[k++] = (float)(f[j].v * m->idf[b] * inv);
		}
		start = end;
		m->off[b + 1] = (uint32_t)k;
	}
	tandem_free(m->post_doc);
	tandem_free(m->post_val);
	m->post_doc = pd;
	m->post_val = pv;
	m->npost = k;
	m->doc_class[m->ndocs++] = (uint16_t)y;
	return 0;
}

/* The similarity's weight in the vote, s^power: power 2 (the default) is
 * s * s, the very value pow() gives (a float squared is exact in double). */
static double vote_weight(float s, float power)
{
	double x = s > 0.0f ? (double)s : 0.0;
	return power == 2.0f ? x * x : pow(x, (double)power);
}

/* The weakest of the k texts kept: the first with the least similarity,
 * among equals the later text (the one with the larger number). */
static size_t weakest_scan(const float *bs, const uint32_t *best, size_t nb)
{
	size_t lo = 0;
	for (size_t j = 1; j < nb; j++)
		if (bs[j] < bs[lo] || (bs[j] == bs[lo] && best[j] > best[lo]))
			lo = j;
	return lo;
}

#if defined(__SSE2__)
#include <emmintrin.h>

/*
 * The same, four similarities at a time: their least value, then the texts
 * that have it (the same ones: min and == treat -0 and 0 alike), the
 * larger number among them, the first such. NaN, which orders nothing,
 * takes the scan above. bs has room for nb rounded up to 4 (64).
 */
static size_t weakest(float *bs, const uint32_t *best, size_t nb)
{
	size_t nv = nb < 64 ? (nb + 3) / 4 : 16; /* k is at most 64 */
	for (size_t j = nb; j < nv * 4; j++)
		bs[j] = bs[0]; /* padding that changes no least value */
	__m128 least = _mm_loadu_ps(bs), nan = _mm_cmpunord_ps(least, least);
	for (size_t v = 1; v < nv; v++) {
		__m128 x = _mm_loadu_ps(bs + 4 * v);
		least = _mm_min_ps(least, x);
		nan = _mm_or_ps(nan, _mm_cmpunord_ps(x, x));
	}
	if (_mm_movemask_ps(nan) != 0)
		return weakest_scan(bs, best, nb);
	least = _mm_min_ps(least, _mm_shuffle_ps(least, least, _MM_SHUFFLE(2, 3, 0, 1)));
	least = _mm_min_ps(least, _mm_shuffle_ps(least, least, _MM_SHUFFLE(1, 0, 3, 2)));
	uint64_t at = 0;
	for (size_t v = 0; v < nv; v++) {
		__m128 eq = _mm_cmpeq_ps(_mm_loadu_ps(bs + 4 * v), least);
		at |= (uint64_t)(unsigned)_mm_movemask_ps(eq) << (4 * v);
	}
	at &= nb < 64 ? (UINT64_C(1) << nb) - 1 : ~UINT64_C(0);
	size_t lo = (size_t)__builtin_ctzll(at);
	for (at &= at - 1; at != 0; at &= at - 1) {
		size_t j = (size_t)__builtin_ctzll(at);
		if (best[j] > best[lo])
			lo = j;
	}
	return lo;
}
#else
static size_t weakest(float *bs, const uint32_t *best, size_t nb)
{
	return weakest_scan(bs, best, nb);
}
#endif

float cls_knn_vote(const struct tandem_cls_model *m, const struct cls_feat *f, size_t n,
		   float *sims, uint32_t *touched, float *p)
{
	size_t nt = 0, nc = m->nclasses, k = m->p.knn_k, nb = 0, nd = m->ndocs, ahead = 4;
	uint32_t best[64];
	float bs[64];
	double z = 0;

	/* The offsets of every feature are fetched with the norm; each
	 * feature's postings a few features ahead. */
	for (size_t j = 0; j < n; j++)
		__builtin_prefetch(m->off + f[j].id);
	double inv = norm_inv(m, f, n);
	for (size_t j = 0; j < n && j < ahead; j++) {
		__builtin_prefetch(m->post_doc + m->off[f[j].id]);
		__builtin_prefetch(m->post_val + m->off[f[j].id]);
	}
	for (size_t j = 0; j < n; j++) {
		if (j + ahead < n) {
			uint32_t a = m->off[f[j + ahead].id];
			__builtin_prefetch(m->post_doc + a);
			__builtin_prefetch(m->post_val + a);
		}
		uint32_t id = f[j].id;
		/* The regressions' rows of the feature, read next: fetched
		 * while the postings are waited for. */
		cls_fetch_row(m->W, nc, id);
		cls_fetch_row(m->Wd, m->ndivs, id);
		float q = m->idf[id];
		if (q == 0.0f)
			continue;
		q = (float)(q * f[j].v * inv);
		/* A text is new while its similarity is 0: written always,
		 * counted only then (no branch to mispredict), never more
		 * than the ndocs + 1 places of touched: checked once for the
		 * whole list when it cannot overflow them (always, unless a
		 * similarity can come back to 0). */
		uint32_t t = m->off[id], end = m->off[id + 1];
		if (nt + (end - t) <= nd) {
#pragma GCC unroll 4
			for (; t < end; t++) {
				uint32_t d = m->post_doc[t];
				float s = sims[d];
				touched[nt] = d;
				nt += s == 0.0f;
				sims[d] = s + q * m->post_val[t];
			}
		}
		for (; t < end; t++) {
			uint32_t d = m->post_doc[t];
			float s = sims[d];
			touched[nt] = d;
			nt += (size_t)((s == 0.0f) & (nt < nd));
			sims[d] = s + q * m->post_val[t];
		}
	}
	if (k < 1)
		k = 1;
	if (k > 64)
		k = 64;
	/* The k best: lo is the weakest kept (ties: the later text), found
	 * again only when it is replaced. */
	size_t lo = 0;
	for (size_t i = 0; i < nt; i++) {
		float s = sims[touched[i]];
		if (nb < k) {
			best[nb] = touched[i];
			bs[nb++] = s;
			if (nb < k)
				continue;
		} else if (s > bs[lo]) {
			bs[lo] = s;
			best[lo] = touched[i];
		} else {
			continue;
		}
		lo = weakest(bs, best, nb);
	}
	for (size_t i = 0; i < nt; i++)
		sims[touched[i]] = 0.0f;
	memset(p, 0, nc * sizeof *p);
	for (size_t i = 0; i < nb; i++) {
		double w = vote_weight(bs[i], m->p.knn_power);
		p[m->doc_class[best[i]]] += (float)w;
		z += w;
	}
	float top = 0.0f;
	for (size_t i = 0; i < nb; i++)
		if (bs[i] > top)
			top = bs[i];
	if (!(z > 0)) {
		for (size_t c = 0; c < nc; c++)
			p[c] = 1.0f / (float)nc;
		return top;
	}
	/* Only the classes of the k texts have a share: 0 / z is 0. */
	for (size_t c = 0; c < nc; c++)
		if (p[c] != 0.0f)
			p[c] = (float)(p[c] / z);
	return top;
}
