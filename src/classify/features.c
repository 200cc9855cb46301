/*
 * src/classify/features.c - the hashed features of a text, and its
 * language.
 *
 * From the accent-folded words of a text (text.c), in order, leaving out
 * function words ("de", "der", "the", "lot", ...): each word, its first
 * prefix bytes (German compounds and French inflections share them), each
 * pair of adjacent words, the first few words by position (the head of
 * "Fourniture de ..." says most), the character n-grams of "<word>", the
 * language and the order of magnitude of the amount. Each feature is named
 * by a type byte and its text, hashed with 64-bit FNV-1a, and folded into
 * 2^bits buckets; a bucket's value is the sum of its features' weights,
 * and the vector is scaled to length 1.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify_int.h"

/* Words that say nothing of what is bought, in the folded forms. */
static const char *const stop_words[] = {
	/* fr */
	"a", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "en", "et", "l",
	"la", "le", "les", "leur", "n", "ou", "par", "pour", "qui", "s", "sa", "se", "ses", "sur",
	"un", "une", "0", "lot", "lots", "marche", "accord", "cadre", "no", "y", "est", "sont",
	/* de */
	"am", "an", "auf", "aus", "bei", "das", "dem", "den", "der", "des", "die", "ein", "eine",
	"einer", "eines", "fur", "im", "in", "mit", "nach", "oder", "und", "von", "vom", "zu", "zum",
	"zur", "los",
	/* en */
	"the", "of", "and", "for", "to", "on", "with", "an", "or", "by",
};

/*
 * Word tables by a hash of the words' bytes (open addressing, each slot
 * the index + 1 of a word): a word is compared with the few that share
 * its slots, not with all of them. Made once, from the tables themselves.
 */
#define WORD_SLOTS 1024
_Static_assert(sizeof stop_words / sizeof stop_words[0] < WORD_SLOTS / 2, "stop slots");
static uint16_t stop_slot[WORD_SLOTS]; /* into stop_words; 0: free */
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static size_t word_hash(const char *w, size_t n)
{
	uint32_t h = (uint32_t)n;
	for (size_t i = 0; i < n; i++)
		h = h * 33u + (unsigned char)w[i];
	return (h ^ h >> 10) & (WORD_SLOTS - 1);
}

static void slot_word(uint16_t *slot, const char *w, size_t i)
{
	size_t h = word_hash(w, strlen(w));
	while (slot[h] != 0)
		h = (h + 1) & (WORD_SLOTS - 1);
	slot[h] = (uint16_t)(i + 1);
}

static void make_stop_slots(void)
{
	for (size_t i = 0; i < sizeof stop_words / sizeof stop_words[0]; i++)
		slot_word(stop_slot, stop_words[i], i);
}

static bool is_stop(const char *w, size_t n)
{
	if (n > 7)
		return false; /* "accord" and "marche" are the longest */
	(void)pthread_once(&stop_once, make_stop_slots);
	for (size_t h = word_hash(w, n); stop_slot[h] != 0; h = (h + 1) & (WORD_SLOTS - 1)) {
		const char *s = stop_words[stop_slot[h] - 1];
		if (s[0] == w[0] && strncmp(s, w, n) == 0 && s[n] == '\0')
			return true;
	}
	return false;
}

static uint64_t fnv1a(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

/* Adds feature (type, s[0..n)) of value v; its name too when asked. */
static void add(const struct cls_params *p, struct cls_feats *f, char type, const char *s,
		size_t n, float v)
{
	if (f->n == CLS_FEATS_MAX)
		return; /* a very long text: the rest adds nothing new */
	uint64_t h = fnv1a(&type, 1, UINT64_C(14695981039346656037));
	h = fnv1a(s, n, h);
	uint32_t id = (uint32_t)(h ^ h >> 32) & ((UINT32_C(1) << p->bits) - 1);
	f->f[f->n++] = (struct cls_feat){id, v};
	if (f->names && f->nnames < CLS_FEATS_MAX) {
		struct cls_feat_name *nm = &f->name[f->nnames++];
		size_t m = n < sizeof nm->text ? n : sizeof nm->text;
		nm->id = id;
		nm->type = type;
		nm->len = (uint8_t)m;
		memcpy(nm->text, s, m);
	}
}

void cls_feat_name_text(const struct cls_feat_name *nm, char *out, size_t size)
{
	static const struct {
		char type;
		const char *name;
	} kinds[] = {{'w', "word"}, {'p', "prefix"}, {'b', "pair"}, {'c', "ngram"},
		     {'L', "lang"},  {'A', "amount"}, {'E', "empty"}};
	const char *kind = "first";
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i].type == nm->type)
			kind = kinds[i].name;
	/* "%s:%.*s" cut to size, as snprintf() would, without its cost. */
	if (size == 0)
		return;
	size_t k = strlen(kind), t = strnlen(nm->text, nm->len), at = 0;
	for (size_t i = 0; i < k && at + 1 < size; i++)
		out[at++] = kind[i];
	if (at + 1 < size)
		out[at++] = ':';
	for (size_t i = 0; i < t && at + 1 < size; i++)
		out[at++] = nm->text[i];
	out[at] = '\0';
}

/* The amount's order of magnitude in half decades, floor(2 log10(euros)),
 * 0 .. 30, by integers: euros >= ceil(10^(k/2)) for each k counted. */
static int amount_bucket(int64_t cents)
{
	static const int64_t at_least[30] = {
		INT64_C(4), INT64_C(10), INT64_C(32), INT64_C(100),
		INT64_C(317), INT64_C(1000), INT64_C(3163), INT64_C(10000),
		INT64_C(31623), INT64_C(100000), INT64_C(316228), INT64_C(1000000),
		INT64_C(3162278), INT64_C(10000000), INT64_C(31622777), INT64_C(100000000),
		INT64_C(316227767), INT64_C(1000000000), INT64_C(3162277661), INT64_C(10000000000),
		INT64_C(31622776602), INT64_C(100000000000), INT64_C(316227766017), INT64_C(1000000000000),
		INT64_C(3162277660169), INT64_C(10000000000000), INT64_C(31622776601684), INT64_C(100000000000000),
		INT64_C(316227766016838), INT64_C(1000000000000000)};
	int64_t e = cents / 100;
	int k = 0;
	while (k < 30 && e >= at_least[k])
		k++;
	return k;
}

/* A radix sort, a byte of the ids a pass, as many passes as the largest
 * id has bytes (two for 2^16 buckets): stable, so the values of equal ids
 * are summed in the order they came. Short lists take an insertion sort
 * (the same order: both are stable). */
void cls_sort_feats(struct cls_feat *f, size_t n, struct cls_feat *tmp)
{
	if (n <= 64) { /* a short text: an insertion sort, stable as well */
		for (size_t i = 1; i < n; i++) {
			struct cls_feat x = f[i];
			size_t j = i;
			for (; j > 0 && f[j - 1].id > x.id; j--)
				f[j] = f[j - 1];
			f[j] = x;
		}
		return;
	}
	uint32_t count[4][256] = {{0}}, all = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t id = f[i].id;
		all |= id;
		count[0][id & 255]++;
		count[1][id >> 8 & 255]++;
		count[2][id >> 16 & 255]++;
		count[3][id >> 24]++;
	}
	struct cls_feat *from = f, *to = tmp;
	for (unsigned pass = 0; pass < 4 && (pass == 0 || all >> (8 * pass) != 0); pass++) {
		uint32_t at = 0, *c = count[pass];
		for (size_t k = 0; k < 256; k++) {
			uint32_t m = c[k];
			c[k] = at;
			at += m;
		}
		for (size_t i = 0; i < n; i++)
			to[c[from[i].id >> (8 * pass) & 255]++] = from[i];
		struct cls_feat *t = from;
		from = to;
		to = t;
	}
	if (from != f) /* an odd number of passes */
		memcpy(f, from, n * sizeof *f);
}

static void ngrams(const struct cls_params *p, struct cls_feats *f, const char *w, size_t n)
{
	char b[CLS_WORD_BYTES_MAX + 8];
	b[0] = '<';
	memcpy(b + 1, w, n);
	b[n + 1] = '>';
	size_t len = n + 2;
	for (size_t k = p->minn; k <= p->maxn; k++)
		for (size_t s = 0; s + k <= len; s++)
			if (k != len) /* the whole word is a feature already */
				add(p, f, 'c', b + s, k, p->ngram_w);
}

void cls_features(const struct cls_params *p, const struct cls_words *w,
		  enum tandem_cls_lang lang, int64_t amount_cents, struct cls_feats *f)
{
	const char *prev = NULL;
	size_t prev_n = 0, content = 0;
	char pair[2 * CLS_WORD_BYTES_MAX + 16];

	f->n = f->nnames = 0;
	for (size_t i = 0; i < w->n && i < p->max_words; i++) {
		const char *s = w->folded + w->word[i].fat;
		size_t n = w->word[i].flen;
		if (is_stop(s, n))
			continue;
		add(p, f, 'w', s, n, p->word_w);
		if (content < p->first_words) {
			size_t l = p->prefix && n > p->prefix ? p->prefix : n;
			add(p, f, (char)('F' + content), s, l, p->first_w);
		}
		content++;
		if (p->prefix && n > p->prefix)
			add(p, f, 'p', s, p->prefix, p->prefix_w);
		if (p->bigrams && prev != NULL) {
			memcpy(pair, prev, prev_n);
			pair[prev_n] = ' ';
			memcpy(pair + prev_n + 1, s, n);
			add(p, f, 'b', pair, prev_n + 1 + n, p->bigram_w);
		}
		prev = s, prev_n = n;
		if (p->minn > 0 && lang < TANDEM_CLS_LANG_UNKNOWN && (p->ngram_langs >> lang & 1))
			ngrams(p, f, s, n);
	}
	if (p->lang_feature && lang < TANDEM_CLS_LANG_UNKNOWN) {
		char l = (char)('0' + lang);
		add(p, f, 'L', &l, 1, 1.0f);
	}
	if (p->amount_feature && amount_cents >= 100) {
		char b[8];
		int k = snprintf(b, sizeof b, "%d", amount_bucket(amount_cents));
		add(p, f, 'A', b, (size_t)k, 1.0f);
	}
	if (f->n == 0)
		add(p, f, 'E', "", 0, 1.0f); /* nothing: one feature that means "empty" */
	cls_sort_feats(f->f, f->n, f->tmp);
	size_t m = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (m > 0 && f->f[m - 1].id == f->f[i].id)
			f->f[m - 1].v += f->f[i].v;
		else
			f->f[m++] = f->f[i];
	}
	f->n = m;
	double ss = 0;
	for (size_t i = 0; i < m; i++)
		ss += (double)f->f[i].v * f->f[i].v;
	float inv = ss > 0 ? (float)(1.0 / sqrt(ss)) : 0.0f;
	for (size_t i = 0; i < m; i++)
		f->f[i].v *= inv;
}

/* Function words that name a language, in folded form. */
static const struct {
	const char *w;
	int lang;
} marks[] = {
	{"de", TANDEM_CLS_FR},  {"des", TANDEM_CLS_FR},  {"du", TANDEM_CLS_FR},
	{"la", TANDEM_CLS_FR},  {"le", TANDEM_CLS_FR},   {"les", TANDEM_CLS_FR},
	{"et", TANDEM_CLS_FR},  {"pour", TANDEM_CLS_FR}, {"aux", TANDEM_CLS_FR},
	{"une", TANDEM_CLS_FR}, {"sur", TANDEM_CLS_FR},  {"marche", TANDEM_CLS_FR},
	{"der", TANDEM_CLS_DE}, {"die", TANDEM_CLS_DE},  {"das", TANDEM_CLS_DE},
	{"und", TANDEM_CLS_DE}, {"fur", TANDEM_CLS_DE},  {"von", TANDEM_CLS_DE},
	{"mit", TANDEM_CLS_DE}, {"im", TANDEM_CLS_DE},   {"zur", TANDEM_CLS_DE},
	{"den", TANDEM_CLS_DE}, {"auf", TANDEM_CLS_DE},  {"lieferung", TANDEM_CLS_DE},
	{"the", TANDEM_CLS_EN}, {"and", TANDEM_CLS_EN},  {"of", TANDEM_CLS_EN},
	{"for", TANDEM_CLS_EN}, {"with", TANDEM_CLS_EN}, {"supply", TANDEM_CLS_EN},
	{"services", TANDEM_CLS_EN}, {"works", TANDEM_CLS_EN},
};
_Static_assert(sizeof marks / sizeof marks[0] < WORD_SLOTS / 2, "mark slots");
static uint16_t mark_slot[WORD_SLOTS]; /* into marks; 0: free */
static pthread_once_t mark_once = PTHREAD_ONCE_INIT;

static void make_mark_slots(void)
{
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		slot_word(mark_slot, marks[i].w, i);
}

static int lang_votes(const char *s, size_t n)
{
	(void)pthread_once(&mark_once, make_mark_slots);
	for (size_t h = word_hash(s, n); mark_slot[h] != 0; h = (h + 1) & (WORD_SLOTS - 1)) {
		const char *m = marks[mark_slot[h] - 1].w;
		if (strncmp(m, s, n) == 0 && m[n] == '\0')
			return marks[mark_slot[h] - 1].lang;
	}
	return -1;
}

enum tandem_cls_lang cls_detect(const struct cls_words *w)
{
	int votes[3] = {0, 0, 0};
	for (size_t i = 0; i < w->n; i++) {
		int l = lang_votes(w->folded + w->word[i].fat, w->word[i].flen);
		if (l >= 0)
			votes[l] += 2;
	}
	/* Letters: ä ö ü ß are German, é è ê à ç French. w->text is the
	 * words, each ended by a NUL: their letters are found in one pass. */
	const char *end = w->text + w->len;
	for (const char *c = memchr(w->text, 0xC3, w->len); c != NULL && c + 1 < end;
	     c = memchr(c + 1, 0xC3, (size_t)(end - c - 1))) {
		unsigned char b = (unsigned char)c[1];
		if (b == 0xA4 || b == 0xB6 || b == 0xBC || b == 0x9F)
			votes[TANDEM_CLS_DE]++;
		else if (b == 0xA9 || b == 0xA8 || b == 0xAA || b == 0xA0 || b == 0xA7)
			votes[TANDEM_CLS_FR]++;
	}
	int best = TANDEM_CLS_FR;
	for (int l = 1; l < 3; l++)
		if (votes[l] > votes[best])
			best = l;
	return votes[best] > 0 ? (enum tandem_cls_lang)best : TANDEM_CLS_LANG_UNKNOWN;
}
