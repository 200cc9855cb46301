/*
 * src/classify/classify_int.h - what the files of the classifier share:
 * the words of a text (text.c), their hashed features (features.c), the
 * model in memory (model.c) and its file (model_file.c).
 */
#ifndef TANDEM_CLASSIFY_INT_H
#define TANDEM_CLASSIFY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/classify.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/half.h"

#define CLS_WORDS_MAX      4096 /* words of one text; the rest is not read */
#define CLS_WORD_BYTES_MAX 48   /* a longer word is cut */
#define CLS_TEXT_BUF       (CLS_WORDS_MAX * (CLS_WORD_BYTES_MAX + 5))

/* One word: offsets into the lower-cased and the accent-folded text. */
struct cls_word {
	uint32_t at, len;   /* in text */
	uint32_t fat, flen; /* in folded */
};

/* The words of a text (cls_words_of()); the caller owns it (about 450 KB). */
struct cls_words {
	struct cls_word word[CLS_WORDS_MAX];
	size_t n;
	char text[CLS_TEXT_BUF];   /* lower-cased words, each NUL-terminated */
	size_t len;
	char folded[CLS_TEXT_BUF]; /* the same, accents folded */
	size_t flen;
};

/* Splits text (UTF-8, at most TANDEM_CLS_TEXT_BYTES_MAX bytes) into words.
 * The words are in text order; w->text and w->folded hold them. */
int cls_words_of(const char *text, size_t len, struct cls_words *w, struct tandem_diag *d);

/*
 * The features of a text and how they are weighted: every value here is in
 * the model file, so a model always reads texts as it was trained to.
 */
struct cls_params {
	uint32_t bits;        /* 2^bits hashed features */
	uint32_t max_words;   /* words of a text read */
	uint32_t prefix;      /* word prefixes of this many bytes; 0: none */
	uint32_t minn, maxn;  /* character n-grams of "<word>"; minn 0: none */
	uint32_t ngram_langs; /* languages that get n-grams: 1 << enum tandem_cls_lang */
	uint32_t first_words; /* the first content words get a feature of their position */
	uint32_t bigrams;     /* pairs of adjacent content words */
	float word_w, prefix_w, bigram_w, ngram_w, first_w; /* feature values */
	uint32_t lang_feature, amount_feature;
	/* training */
	uint32_t epochs;
	float lr;             /* initial SGD rate, decayed linearly to 0 */
	float label_w;        /* weight of a CPV label example */
	uint32_t label_langs; /* label languages used: 1 << enum tandem_cls_lang */
	/* the nearest training texts */
	float knn_alpha;      /* share in the mixture */
	uint32_t knn_k;
	float knn_power;      /* similarity exponent */
	float knn_df_max;     /* features in more than this share of texts are ignored */
	float needs_human;    /* group probability under which a human decides */
	float div_w;          /* share of the division regression in a division's
				 probability (the rest: the sum of its groups') */
	uint32_t hier;        /* 1: groups rescaled to their division's probability */
	float label_smooth;   /* training: share of a target spread evenly over the classes */
	uint64_t seed;
};

/* Hashed features of a text: sorted by id, duplicates summed, L2 = 1. */
#define CLS_FEATS_MAX 8192
struct cls_feat {
	uint32_t id;
	float v;
};

struct cls_feats {
	struct cls_feat f[CLS_FEATS_MAX];
	size_t n;
	struct cls_feat tmp[CLS_FEATS_MAX]; /* for sorting */
	/* With names: the text of each feature emitted, for explanations. */
	bool names;
	struct cls_feat_name {
		uint32_t id;
		char type;                         /* 'w' word, 'p' prefix, ... */
		uint8_t len;
		char text[TANDEM_CLS_FEATURE_TEXT]; /* not terminated */
	} name[CLS_FEATS_MAX];
	size_t nnames;
};

/*
 * The features of the words w (language lang, amount in cents or 0) under
 * params p, into f (f->names says whether to keep their texts).
 */
void cls_features(const struct cls_params *p, const struct cls_words *w,
		  enum tandem_cls_lang lang, int64_t amount_cents, struct cls_feats *f);

/* "word:chauffage": a feature's name as explanations show it. */
void cls_feat_name_text(const struct cls_feat_name *nm, char *out, size_t size);

/* Sorts f[0..n) by id, keeping the order of equal ids (tmp: n entries). */
void cls_sort_feats(struct cls_feat *f, size_t n, struct cls_feat *tmp);

/* The language of a text's words. */
enum tandem_cls_lang cls_detect(const struct cls_words *w);

/* A featurised training text. */
struct cls_sample {
	struct cls_feat *f;
	uint32_t n;
	uint16_t y;  /* class */
	bool label;  /* a CPV label, not a text: kept out of the nearest texts */
	float w;     /* weight in training */
};

/*
 * The model in memory. W is kept in half precision, as in the file: half
 * the memory to read per text, and what is predicted before saving is what
 * is predicted after loading. The nearest-texts index: for each feature b, the texts that have
 * it are post_doc[off[b] .. off[b+1]) with their TF-IDF weights post_val.
 */
struct tandem_cls_model {
	struct cls_params p;
	size_t nclasses;
	uint16_t group[TANDEM_CLS_CLASSES_MAX];  /* class -> CPV group, 0 .. 999 */
	int16_t class_of_group[1000];            /* -1: not a class */
	uint64_t examples;                       /* trained on, corrections included */
	uint16_t *W;                             /* (buckets, nclasses), binary16 */
	float *b;                                /* (nclasses), binary16 values */
	size_t ndivs;                            /* divisions of the classes */
	uint8_t division[100];                   /* division -> CPV division, 0 .. 99 */
	uint8_t div_of_class[TANDEM_CLS_CLASSES_MAX]; /* class -> division */
	uint16_t *Wd;                            /* (buckets, ndivs), binary16 */
	float *bd;                               /* (ndivs) */
	size_t ndocs, npost;
	uint16_t *doc_class;                     /* (ndocs) */
	float *idf;                              /* (buckets); 0: feature ignored */
	uint32_t *off;                           /* (buckets + 1) */
	uint32_t *post_doc;                      /* (npost) */
	float *post_val;                         /* (npost) */
};

#define CLS_DOCS_MAX  4000000u   /* texts of the nearest-texts index */
#define CLS_NEAREST_MIN_MILLI 150 /* below: no training text is like the one asked */
#define CLS_POST_MAX  400000000u /* its postings */

/* y[0..n) += a x[0..n), the fastest way the CPU allows, same bits on all;
 * cls_axpy_half with x in binary16. */
void cls_axpy(float *restrict y, const float *restrict x, float a, size_t n);
void cls_axpy_half(float *restrict y, const uint16_t *restrict x, float a, size_t n);
/* y[0..nc) += f[i].v W[f[i].id][0..nc) for i = 0 .. n in turn, W in binary16:
 * the same bits as cls_axpy_half row by row, rows fetched ahead. */
void cls_rows_half(float *restrict y, const uint16_t *restrict W, size_t nc,
		   const struct cls_feat *f, size_t n);
/* Fetches row id of W (nc halves a row) into the cache, ahead of its use
 * (inline: each caller's loop has its own branch history). */
static inline void cls_fetch_row(const uint16_t *W, size_t nc, uint32_t id)
{
	const char *r = (const char *)(W + (size_t)id * nc);
	for (size_t b = 0; b < nc * 2; b += 64)
		__builtin_prefetch(r + b);
	if (nc > 0)
		__builtin_prefetch(r + nc * 2 - 1);
}
/* tandem_float_of_half(h) for every h, as a table of 65,536 floats. */
const float *cls_half_floats(void);

void cls_params_from(const struct tandem_cls_options *o, struct cls_params *p);

/* The divisions of the classes, in order of first sight (m->ndivs,
 * m->division, m->div_of_class), from m->group. */
void cls_make_divisions(struct tandem_cls_model *m);
int cls_class_of(const struct tandem_cls_model *m, const char *code);
void cls_softmax(float *s, size_t n);
/* Regression scores of a text: out[c] = b[c] + sum of v W[id][c]. */
void cls_lr_scores(const struct tandem_cls_model *m, const struct cls_feat *f, size_t n,
		   float *out);

/*
 * The same over rows of single precision (training, and a correction on
 * copies of a text's rows): rows[i] is the row of feature f[i].
 */
void cls_rows_scores(const float *b, float *const *rows, const struct cls_feat *f, size_t n,
		     size_t nc, float *out);
/* One SGD step on example (f, class y, weight w) at rate lr; p is scratch
 * of nc floats; the bias learns only when bias is set. */
void cls_rows_step(float *b, float *const *rows, const struct cls_feat *f, size_t n, size_t nc,
		   size_t y, float w, float lr, bool bias, float *p);

/* The index of the nearest texts from the samples that are not labels. */
int cls_knn_build(struct tandem_cls_model *m, const struct cls_sample *s, size_t n);
/* Adds one text (a correction) to the index. */
int cls_knn_add(struct tandem_cls_model *m, const struct cls_feat *f, size_t n, size_t y);
/* The class distribution of the k nearest texts into p (nclasses); sims
 * (ndocs floats, zero) and touched (ndocs + 1) are scratch. Returns the
 * cosine similarity of the nearest text. */
float cls_knn_vote(const struct tandem_cls_model *m, const struct cls_feat *f, size_t n,
		  float *sims, uint32_t *touched, float *p);

/* Adds a refusal to d and returns code. */
int cls_refuse(struct tandem_diag *d, int code, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* TANDEM_CLASSIFY_INT_H */
