/*
 * src/classify/text.c - the words of a short administrative text, as the
 * classifier sees them.
 *
 * The text must be UTF-8 (an invalid sequence is refused, with its byte
 * offset). Words are runs of letters and digits; an apostrophe or a hyphen
 * inside a run splits it ("d'équipements" gives "d" and "équipements",
 * "Hochbau-Arbeiten" gives "hochbau" and "arbeiten"), everything else
 * separates. Each word is lower-cased and, for the accent-folded variant,
 * stripped of diacritics over Latin-1 and Latin Extended-A (é -> e,
 * ä -> a, ß -> ss, œ -> oe), the letters of French and German. A run of
 * digits is one word "0", whatever its value: amounts and lot numbers say
 * nothing of what is bought, the presence of a number says a little.
 */
#include <string.h>

#include "classify_int.h"

/* The code point at p (len bytes left), its length in *n; -1 if invalid. */
static int32_t utf8_next(const unsigned char *p, size_t len, size_t *n)
{
	uint32_t c = p[0], min;

	if (c < 0x80) {
		*n = 1;
		return (int32_t)c;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		*n = 2, c &= 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		*n = 3, c &= 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		*n = 4, c &= 0x07, min = 0x10000;
	} else {
		return -1;
	}
	if (*n > len)
		return -1;
	for (size_t i = 1; i < *n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	return (int32_t)c;
}

/* Lower case over ASCII, Latin-1 and Latin Extended-A. */
static uint32_t lower(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 0x20 : c;
	if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
		return c + 0x20;
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1) ? c + 1 : c;
	if (c == 0x178)
		return 0xFF;
	return c;
}

/*
 * The base letters of a lower-case letter of Latin-1 or Latin Extended-A,
 * written to out (at most 2 bytes); 0 when it has none of its own (it
 * folds to itself).
 */
static size_t fold(uint32_t c, char out[2])
{
	static const char *const latin1[] = {
		/* 0xDF */ "ss",
		/* 0xE0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
		/* 0xE8 */ "e", "e", "e", "e", "i", "i", "i", "i",
		/* 0xF0 */ "d", "n", "o", "o", "o", "o", "o", NULL,
		/* 0xF8 */ "o", "u", "u", "u", "u", "y", "th", "y",
	};
	/* U+0100 .. U+017F, one base letter each (from their decompositions;
	 * đ ħ ı ĸ ŀ ł ŉ ŋ ŧ ſ by their look). */
	static const char latin_a[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkk"
				      "llllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuu"
				      "wwyyyzzzzzzs";
	const char *f = NULL;

	if (c >= 0xDF && c <= 0xFF)
		f = latin1[c - 0xDF];
	else if (c == 0x132 || c == 0x133)
		f = "ij";
	else if (c == 0x152 || c == 0x153)
		f = "oe";
	if (f != NULL) {
		size_t n = 0;
		for (; f[n] != '\0'; n++)
			out[n] = f[n];
		return n;
	}
	if (c >= 0x100 && c <= 0x17F) {
		out[0] = latin_a[c - 0x100];
		return 1;
	}
	return 0;
}

/* Whether c continues a word: letters and digits of the scripts we meet. */
static bool word_char(uint32_t c)
{
	if (c < 0x80) { /* 0-9, then A-Z and a-z: bits of two masks, no branch */
		uint64_t bits = c < 64 ? UINT64_C(0x03FF000000000000)
				       : UINT64_C(0x07FFFFFE07FFFFFE);
		return bits >> (c & 63) & 1;
	}
	if (c < 0xC0)
		return c == 0xAA || c == 0xB5 || c == 0xBA; /* ª µ º; the rest is punctuation */
	if (c == 0xD7 || c == 0xF7)
		return false; /* × ÷ */
	if (c >= 0x2000 && c <= 0x2BFF)
		return false; /* punctuation, symbols, arrows, currency signs */
	if (c >= 0x3000 && c <= 0x303F)
		return false; /* CJK punctuation */
	return c != 0xFEFF;
}

static void put_utf8(uint32_t c, char *out, size_t *k)
{
	if (c < 0x80) {
		out[(*k)++] = (char)c;
	} else if (c < 0x800) {
		out[(*k)++] = (char)(0xC0 | c >> 6);
		out[(*k)++] = (char)(0x80 | (c & 0x3F));
	} else if (c < 0x10000) {
		out[(*k)++] = (char)(0xE0 | c >> 12);
		out[(*k)++] = (char)(0x80 | (c >> 6 & 0x3F));
		out[(*k)++] = (char)(0x80 | (c & 0x3F));
	} else {
		out[(*k)++] = (char)(0xF0 | c >> 18);
		out[(*k)++] = (char)(0x80 | (c >> 12 & 0x3F));
		out[(*k)++] = (char)(0x80 | (c >> 6 & 0x3F));
		out[(*k)++] = (char)(0x80 | (c & 0x3F));
	}
}

/* Ends the word being built in w (if any): a run of digits becomes "0". */
static void end_word(struct cls_words *w, size_t start, size_t fstart, bool digits)
{
	if (w->len == start)
		return;
	if (digits) {
		w->text[start] = '0';
		w->len = start + 1;
		w->folded[fstart] = '0';
		w->flen = fstart + 1;
	}
	w->word[w->n] = (struct cls_word){(uint32_t)start, (uint32_t)(w->len - start),
					  (uint32_t)fstart, (uint32_t)(w->flen - fstart)};
	w->n++;
	w->text[w->len++] = '\0';
	w->folded[w->flen++] = '\0';
}

int cls_words_of(const char *text, size_t len, struct cls_words *w, struct tandem_diag *d)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t start = 0, fstart = 0;
	bool in_word = false, digits = true;

	w->n = w->len = w->flen = 0;
	if (len > TANDEM_CLS_TEXT_BYTES_MAX)
		return cls_refuse(d, TANDEM_ELIMIT, "TANDEM-CLASSIFY-TEXT",
				  "the text has %zu bytes; the limit is %d", len,
				  TANDEM_CLS_TEXT_BYTES_MAX);
	for (size_t i = 0; i < len;) {
		size_t n = 1;
		int32_t c = utf8_next(p + i, len - i, &n);

		if (c < 0)
			return cls_refuse(d, TANDEM_EBADINPUT, "TANDEM-CLASSIFY-UTF8",
					  "the text is not UTF-8: invalid byte 0x%02X at offset %zu",
					  p[i], i);
		i += n;
		if (!word_char((uint32_t)c)) {
			if (in_word)
				end_word(w, start, fstart, digits);
			in_word = false;
			continue;
		}
		bool is_digit = c >= '0' && c <= '9';
		if (in_word && digits != is_digit) {
			/* "lot2" is "lot" and "0": a digit run is a word of its own. */
			end_word(w, start, fstart, digits);
			in_word = false;
		}
		if (!in_word) {
			if (w->n == CLS_WORDS_MAX)
				break; /* the rest of a very long text adds nothing */
			start = w->len, fstart = w->flen;
			in_word = true;
			digits = is_digit;
		}
		if (w->len - start >= CLS_WORD_BYTES_MAX)
			continue; /* a word is cut at CLS_WORD_BYTES_MAX bytes */
		uint32_t lc = lower((uint32_t)c);
		if (lc < 0x80) { /* ASCII: one byte, its own folded form */
			w->text[w->len++] = (char)lc;
			w->folded[w->flen++] = (char)lc;
			continue;
		}
		size_t fl = fold(lc, w->folded + w->flen);
		put_utf8(lc, w->text, &w->len);
		if (fl > 0)
			w->flen += fl;
		else
			put_utf8(lc, w->folded, &w->flen);
	}
	if (in_word)
		end_word(w, start, fstart, digits);
	return 0;
}
