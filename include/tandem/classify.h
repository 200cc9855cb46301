/*
 * tandem/classify.h - classification of invoice lines and purchase texts to
 * a CPV code (division, group) and, through a table per administration, to
 * a budget line.
 *
 * A model is learned from examples: short texts (contract objects, invoice
 * line names) with their CPV code, and the CPV vocabulary's own labels in
 * French, German and English. It predicts the CPV group of a text (and so
 * its division) with a calibrated probability, the runners-up, and the
 * words that pushed the choice; below a confidence threshold the
 * suggestion is marked as needing a human. A correction by a user updates
 * the model at once (tandem_cls_learn()).
 *
 * How it works (docs/classify.md): the words of a text, lower-cased and
 * accent-folded, give hashed features - words, word prefixes, the head word,
 * character n-grams, the language, the amount's order of magnitude. Three
 * scorers share them: a multinomial logistic regression over the CPV
 * groups and another over the CPV divisions, trained by SGD, and the
 * nearest training texts by TF-IDF cosine. The group regression and the
 * nearest texts give a group's probability; a division's is mixed from
 * its groups' and the division regression's, and the groups are rescaled
 * to it.
 *
 * Training is deterministic: the same examples, options and seed give a
 * byte-identical model file. Errors are TANDEM_E* codes with the reason in
 * the caller's struct tandem_diag.
 */
#ifndef TANDEM_CLASSIFY_H
#define TANDEM_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/diag.h"

#define TANDEM_CLS_TEXT_BYTES_MAX (1 << 20)  /* one text; longer is refused */
#define TANDEM_CLS_EXAMPLES_MAX   2000000    /* examples of one training */
#define TANDEM_CLS_CLASSES_MAX    1000       /* CPV groups: 3 digits */
#define TANDEM_CLS_RUNNERS        5          /* choices reported per level */
#define TANDEM_CLS_REASONS        8          /* features reported per choice */
#define TANDEM_CLS_FEATURE_TEXT   48         /* bytes of a feature's text, NUL included */

enum tandem_cls_lang { TANDEM_CLS_FR, TANDEM_CLS_DE, TANDEM_CLS_EN, TANDEM_CLS_LANG_UNKNOWN };

/* One training example. text is UTF-8 (len bytes); code is a CPV code
 * (at least its first 3 digits; "45314000-6" and "453" are both accepted). */
struct tandem_cls_example {
	const char *text;
	size_t len;
	const char *code;
	int64_t amount_cents;       /* 0 when unknown */
	enum tandem_cls_lang lang;  /* TANDEM_CLS_LANG_UNKNOWN: detected */
	uint32_t weight_pct;        /* 100 for a normal example; 0 is taken as 100 */
};

/*
 * Training options; tandem_cls_options_default() gives the values the
 * documentation's figures were measured with. Every field has a bound
 * (checked by tandem_cls_train()).
 */
struct tandem_cls_options {
	uint64_t seed;
	uint32_t epochs;          /* 1 .. 100 */
	uint32_t bits;            /* hash space of 2^bits features, 12 .. 20 */
	uint32_t label_weight_pct; /* weight of a CPV label example */
	uint32_t knn_pct;         /* share of the nearest-texts scorer, 0 .. 100 */
	uint32_t needs_human_pct; /* below this group probability: needs a human */
};

void tandem_cls_options_default(struct tandem_cls_options *o);

struct tandem_cls_model;

/*
 * Reads the CPV vocabulary (cpv2008_en_fr_de.csv: code, significant digits,
 * parent, and the English, French and German labels) into *out, an array of
 * examples (one per code and language) whose texts point into *buf. The
 * caller frees both with tandem_free(). Used as training signal.
 */
int tandem_cls_cpv_labels(const char *path, struct tandem_diag *d,
			  struct tandem_cls_example **out, size_t *n, char **buf);

/*
 * Reads a TSV of examples with a header line naming at least the columns
 * text and cpv (and optionally lang, amount): the layout of
 * procurement/train.tsv. Lines with an unknown CPV group are refused with
 * their line number. Same ownership as tandem_cls_cpv_labels().
 */
int tandem_cls_read_tsv(const char *path, struct tandem_diag *d,
			struct tandem_cls_example **out, size_t *n, char **buf);

/*
 * Trains a model on n examples; cpv/ncpv are the vocabulary (the classes
 * are its groups; its labels are used as examples of weight
 * label_weight_pct). *out is the caller's, freed by tandem_cls_model_free().
 */
int tandem_cls_train(const struct tandem_cls_example *ex, size_t n,
		     const struct tandem_cls_example *cpv, size_t ncpv,
		     const struct tandem_cls_options *o, struct tandem_diag *d,
		     struct tandem_cls_model **out);

void tandem_cls_model_free(struct tandem_cls_model *m);

/*
 * The model file (docs/classify.md, "Model file"): a versioned header, the
 * options, the classes, the weights, the nearest-texts index, and a
 * SHA-256 of all that before it. save writes a temporary file and renames
 * it; load checks every size, offset and the hash, and refuses a damaged or
 * truncated file with the reason.
 */
int tandem_cls_model_save(const struct tandem_cls_model *m, const char *path,
			  struct tandem_diag *d);
int tandem_cls_model_load(const char *path, struct tandem_diag *d,
			  struct tandem_cls_model **out);
int tandem_cls_model_read(const void *bytes, size_t len, struct tandem_diag *d,
			  struct tandem_cls_model **out);

/* The SHA-256 of the model's file form, in hex (what the log records). */
void tandem_cls_model_sha256(const struct tandem_cls_model *m, char hex[65]);

/* Classes, examples seen, and size of the file form in bytes. */
void tandem_cls_model_info(const struct tandem_cls_model *m, size_t *classes,
			   size_t *examples, size_t *file_bytes);

struct tandem_cls_reason {
	char feature[TANDEM_CLS_FEATURE_TEXT]; /* "word:chauffage", "ngram:<chau" */
	int32_t weight_milli;                  /* contribution to the score, x 1000 */
};

struct tandem_cls_choice {
	char code[4];                /* "45" (division) or "453" (group) */
	uint32_t p_milli;            /* calibrated probability, x 1000 */
};

/* A suggestion, with what explains it. */
struct tandem_cls_prediction {
	struct tandem_cls_choice group[TANDEM_CLS_RUNNERS];    /* best first */
	struct tandem_cls_choice division[TANDEM_CLS_RUNNERS]; /* best first */
	struct tandem_cls_reason reasons[TANDEM_CLS_REASONS];  /* for group[0] */
	size_t nreasons;
	enum tandem_cls_lang lang;   /* given or detected */
	uint32_t nearest_milli;      /* cosine similarity (x 1000) of the most
					similar training text (0 for a model
					without the nearest-texts scorer) */
	bool needs_human;            /* group[0] below the model's threshold, or
					no training text is like this one */
};

/*
 * Predicts the CPV group of a text. lang may be TANDEM_CLS_LANG_UNKNOWN
 * (detected), amount_cents 0. Empty text is refused (TANDEM_EINVAL), as
 * are invalid UTF-8 and texts over TANDEM_CLS_TEXT_BYTES_MAX; a text with
 * no word the model knows gets the prior and needs a human.
 */
int tandem_cls_predict(const struct tandem_cls_model *m, const char *text, size_t len,
		       enum tandem_cls_lang lang, int64_t amount_cents,
		       struct tandem_cls_prediction *out, struct tandem_diag *d);

/*
 * A user's correction: the text belongs to code. The model takes one SGD
 * step towards it and the text joins the nearest-texts index, so the same
 * text is classified as corrected from now on.
 */
int tandem_cls_learn(struct tandem_cls_model *m, const struct tandem_cls_example *ex,
		     struct tandem_diag *d);

/* Figures of a model on labelled examples (tandem_cls_evaluate()). */
#define TANDEM_CLS_CONFUSIONS 10
#define TANDEM_CLS_BINS       10
struct tandem_cls_eval {
	/* [language: fr, de, en, all][division top-1, top-3, group top-1, top-3] */
	size_t hits[4][4];
	size_t count[4];
	/* calibration: by the probability of the group chosen, in tenths */
	size_t bin_count[TANDEM_CLS_BINS], bin_right[TANDEM_CLS_BINS];
	uint64_t bin_p_milli[TANDEM_CLS_BINS];   /* sum of the probabilities */
	size_t needs_human, needs_human_right;   /* texts below the threshold */
	/* the most frequent wrong divisions: true -> chosen, times */
	struct { char truth[3], chosen[3]; size_t times; } confusion[TANDEM_CLS_CONFUSIONS];
	size_t nconfusions;
	size_t refused;                          /* examples that could not be read */
};

/* Predicts every example and counts what was right. */
int tandem_cls_evaluate(const struct tandem_cls_model *m, const struct tandem_cls_example *ex,
			size_t n, struct tandem_cls_eval *out, struct tandem_diag *d);

/* The language of a text by its function words and letters (FR, DE, EN). */
enum tandem_cls_lang tandem_cls_detect_lang(const char *text, size_t len);

/* "fr", "de", "en" or "?". */
const char *tandem_cls_lang_name(enum tandem_cls_lang lang);

#endif /* TANDEM_CLASSIFY_H */
