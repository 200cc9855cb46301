/*
 * src/classify/eval.c - the figures of a model on labelled examples:
 * accuracy at division and group level, top 1 and top 3, per language;
 * calibration (how often a choice of probability p is right); the
 * divisions most often mistaken for one another.
 */
#include <string.h>

#include "classify_int.h"
#include "tandem/alloc.h"

static bool among(const struct tandem_cls_choice *c, size_t k, const char *code, size_t len)
{
	for (size_t i = 0; i < k && c[i].code[0]; i++)
		if (strncmp(c[i].code, code, len) == 0)
			return true;
	return false;
}

int tandem_cls_evaluate(const struct tandem_cls_model *m, const struct tandem_cls_example *ex,
			size_t n, struct tandem_cls_eval *out, struct tandem_diag *d)
{
	size_t pairs[100][100];
	struct tandem_cls_prediction p;

	memset(out, 0, sizeof *out);
	memset(pairs, 0, sizeof pairs);
	for (size_t i = 0; i < n; i++) {
		if (cls_class_of(m, ex[i].code) < 0 ||
		    tandem_cls_predict(m, ex[i].text, ex[i].len, ex[i].lang, ex[i].amount_cents,
				       &p, d) != 0) {
			out->refused++;
			continue;
		}
		const char *code = ex[i].code;
		bool r[4] = {
			among(p.division, 1, code, 2), among(p.division, 3, code, 2),
			among(p.group, 1, code, 3), among(p.group, 3, code, 3),
		};
		size_t lang = p.lang < TANDEM_CLS_LANG_UNKNOWN ? (size_t)p.lang : 3;
		for (size_t k = 0; k < 4; k++) {
			out->hits[3][k] += r[k];
			if (lang < 3)
				out->hits[lang][k] += r[k];
		}
		out->count[3]++;
		if (lang < 3)
			out->count[lang]++;
		size_t bin = p.group[0].p_milli / 100;
		if (bin >= TANDEM_CLS_BINS)
			bin = TANDEM_CLS_BINS - 1;
		out->bin_count[bin]++;
		out->bin_right[bin] += r[2];
		out->bin_p_milli[bin] += p.group[0].p_milli;
		if (p.needs_human) {
			out->needs_human++;
			out->needs_human_right += r[2];
		}
		if (!r[0]) {
			int t = (code[0] - '0') * 10 + (code[1] - '0');
			int c = (p.division[0].code[0] - '0') * 10 + (p.division[0].code[1] - '0');
			pairs[t][c]++;
		}
	}
	/* The most frequent pairs, most first (ties: lower codes first). */
	for (size_t k = 0; k < TANDEM_CLS_CONFUSIONS; k++) {
		size_t bt = 0, bc = 0, best = 0;
		for (size_t t = 0; t < 100; t++)
			for (size_t c = 0; c < 100; c++)
				if (pairs[t][c] > best) {
					best = pairs[t][c];
					bt = t, bc = c;
				}
		if (best == 0)
			break;
		out->confusion[k].times = best;
		out->confusion[k].truth[0] = (char)('0' + bt / 10);
		out->confusion[k].truth[1] = (char)('0' + bt % 10);
		out->confusion[k].chosen[0] = (char)('0' + bc / 10);
		out->confusion[k].chosen[1] = (char)('0' + bc % 10);
		out->nconfusions++;
		pairs[bt][bc] = 0;
	}
	return 0;
}
