/*
 * src/sepa/translit.c - the EPC basic Latin character set and the
 * transliteration of UTF-8 text into it (tandem_sepa_translit).
 *
 * The rule, in full in docs/sepa.md: the basic set is kept as it is; German
 * umlauts and ß follow the customary German banking rule (ä -> ae, ö -> oe,
 * ü -> ue, ß -> ss; æ, œ and þ likewise become two letters); every other
 * accented Latin letter of Latin-1 and Latin Extended-A becomes its base
 * letter; typographic spaces, apostrophes and dashes become their ASCII
 * form; & becomes + and € becomes EUR (the German banks' conversions);
 * combining accents (text in decomposed form) are dropped, except that a
 * combining diaeresis on a, o or u makes the umlaut. Anything else is
 * refused: a symbol, a letter of another script, a control character.
 *
 * A capital umlaut becomes all capitals (Ä -> AE) when the next character is
 * a capital letter, or when no letter follows and the previous one is a
 * capital: "MÜLLER" -> "MUELLER", "Müller" -> "Mueller", "Ärger" -> "Aerger".
 */
#include <string.h>

#include "core/core.h"
#include "sepa_int.h"
#include "tandem/slice.h"

/* The basic set, by ASCII code: 1 if allowed. */
static const unsigned char basic[128] = {
	[' '] = 1, ['\''] = 1, ['('] = 1, [')'] = 1, ['+'] = 1, [','] = 1, ['-'] = 1,
	['.'] = 1, ['/'] = 1, [':'] = 1, ['?'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
	['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

bool sepa_is_basic(int c)
{
	return c >= 0 && c < 128 && basic[c];
}

/* 'U' for a capital letter, 'l' for a small one, 0 for any other byte. */
static int ascii_case(int c)
{
	return tandem__is_upper(c) ? 'U' : tandem__is_lower(c) ? 'l' : 0;
}

/*
 * U+00A0..U+017F: Latin-1 Supplement and Latin Extended-A. NULL: refused.
 * A two-letter entry with a capital then a small letter ("Ae") is a capital
 * digraph that follows the context rule above.
 */
#define LATIN_FIRST 0xA0u
#define LATIN_LAST 0x17Fu
static const char *const latin[LATIN_LAST - LATIN_FIRST + 1] = {
	/* U+00A0 no-break space ... U+00AF: only the space, the soft hyphen
	 * (invisible: dropped) survive; symbols are refused. */
	" ", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, "", NULL, NULL,
	/* U+00B0 ... U+00BF: the acute accent as an apostrophe, ¿ as ?. */
	NULL, NULL, NULL, NULL, "'", NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, "?",
	/* U+00C0 À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï */
	"A", "A", "A", "A", "Ae", "A", "Ae", "C",
	"E", "E", "E", "E", "I", "I", "I", "I",
	/* U+00D0 Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß */
	"D", "N", "O", "O", "O", "O", "Oe", NULL,
	"O", "U", "U", "U", "Ue", "Y", "Th", "ss",
	/* U+00E0 à á â ã ä å æ ç è é ê ë ì í î ï */
	"a", "a", "a", "a", "ae", "a", "ae", "c",
	"e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00F0 ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ */
	"d", "n", "o", "o", "o", "o", "oe", NULL,
	"o", "u", "u", "u", "ue", "y", "th", "y",
	/* U+0100 Ā ā Ă ă Ą ą Ć ć Ĉ ĉ Ċ ċ Č č Ď ď */
	"A", "a", "A", "a", "A", "a", "C", "c",
	"C", "c", "C", "c", "C", "c", "D", "d",
	/* U+0110 Đ đ Ē ē Ĕ ĕ Ė ė Ę ę Ě ě Ĝ ĝ Ğ ğ */
	"D", "d", "E", "e", "E", "e", "E", "e",
	"E", "e", "E", "e", "G", "g", "G", "g",
	/* U+0120 Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ Ĩ ĩ Ī ī Ĭ ĭ Į į */
	"G", "g", "G", "g", "H", "h", "H", "h",
	"I", "i", "I", "i", "I", "i", "I", "i",
	/* U+0130 İ ı Ĳ ĳ Ĵ ĵ Ķ ķ ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ (Dutch IJ stays IJ) */
	"I", "i", "IJ", "ij", "J", "j", "K", "k",
	"k", "L", "l", "L", "l", "L", "l", "L",
	/* U+0140 ŀ Ł ł Ń ń Ņ ņ Ň ň ŉ Ŋ ŋ Ō ō Ŏ ŏ */
	"l", "L", "l", "N", "n", "N", "n", "N",
	"n", "'n", "N", "n", "O", "o", "O", "o",
	/* U+0150 Ő ő Œ œ Ŕ ŕ Ŗ ŗ Ř ř Ś ś Ŝ ŝ Ş ş */
	"O", "o", "Oe", "oe", "R", "r", "R", "r",
	"R", "r", "S", "s", "S", "s", "S", "s",
	/* U+0160 Š š Ţ ţ Ť ť Ŧ ŧ Ũ ũ Ū ū Ŭ ŭ Ů ů */
	"S", "s", "T", "t", "T", "t", "T", "t",
	"U", "u", "U", "u", "U", "u", "U", "u",
	/* U+0170 Ű ű Ų ų Ŵ ŵ Ŷ ŷ Ÿ Ź ź Ż ż Ž ž ſ */
	"U", "u", "U", "u", "W", "w", "Y", "y",
	"Y", "Z", "z", "Z", "z", "Z", "z", "s",
};

#define COMBINING_FIRST 0x300u
#define COMBINING_LAST 0x36Fu
#define COMBINING_DIAERESIS 0x308u

/* The replacement of cp, "" to drop it, NULL to refuse it. A character of
 * the basic set is returned in one[], which the caller provides. */
static const char *replacement(unsigned cp, char one[2])
{
	if (cp < 0x80) {
		if (sepa_is_basic((int)cp)) {
			one[0] = (char)cp;
			one[1] = '\0';
			return one;
		}
		return cp == '&' ? "+" : NULL;
	}
	if (cp >= LATIN_FIRST && cp <= LATIN_LAST)
		return latin[cp - LATIN_FIRST];
	if (cp >= COMBINING_FIRST && cp <= COMBINING_LAST)
		return "";
	switch (cp) {
	case 0x1E9E: /* capital sharp s */
		return "Ss";
	case 0x2000: case 0x2001: case 0x2002: case 0x2003: case 0x2004:
	case 0x2005: case 0x2006: case 0x2007: case 0x2008: case 0x2009:
	case 0x200A: case 0x202F: case 0x205F: /* typographic spaces */
		return " ";
	case 0x200B: case 0xFEFF: /* zero-width space, byte-order mark */
		return "";
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2212: /* hyphens, dashes, minus sign */
		return "-";
	case 0x2018: case 0x2019: case 0x201B: case 0x2032: /* apostrophes */
		return "'";
	case 0x201A: /* single low quotation mark */
		return ",";
	case 0x2026: /* ellipsis */
		return "...";
	case 0x20AC: /* euro sign */
		return "EUR";
	default:
		return NULL;
	}
}

/* The precomposed letter for a base letter followed by a combining
 * diaeresis (decomposed text), or 0. */
static unsigned umlaut_of(unsigned base)
{
	switch (base) {
	case 'a': return 0xE4;
	case 'o': return 0xF6;
	case 'u': return 0xFC;
	case 'A': return 0xC4;
	case 'O': return 0xD6;
	case 'U': return 0xDC;
	default: return 0;
	}
}

/* 'U' if the character at s[0..len) is a capital letter, 'l' if a small
 * letter, 0 otherwise (not a letter, nothing, or undecodable). */
static int letter_case(const char *s, size_t len)
{
	unsigned cp;
	char one[2];
	const char *rep;

	if (len == 0 || tandem_utf8_sequence(s, len, &cp) == 0)
		return 0;
	rep = replacement(cp, one);
	if (rep == NULL || rep[0] == '\0')
		return 0;
	return ascii_case(rep[0]);
}

/* Is rep a capital digraph that follows the context rule ("Ae")? */
static bool is_capital_digraph(const char *rep)
{
	return tandem__is_upper(rep[0]) && tandem__is_lower(rep[1]) && rep[2] == '\0';
}

int tandem_sepa_translit(const char *s, size_t len, char *out, size_t out_size,
			 size_t *out_len, size_t *bad_at)
{
	size_t i = 0, n = 0;
	int prev_case = 0; /* letter_case of the last character written */

	TANDEM_ASSERT(out != NULL || out_size == 0);
	while (i < len) {
		unsigned cp;
		unsigned char b = (unsigned char)s[i];
		size_t k, at = i;
		const char *rep;
		char one[2], two[3];

		if (b < 0x80 && basic[b] && (i + 1 == len || (unsigned char)s[i + 1] < 0x80)) {
			/* The common case: a character of the set, kept (unless a
			 * combining diaeresis follows it). */
			if (n + 1 < out_size)
				out[n] = (char)b;
			n++;
			i++;
			prev_case = ascii_case(b);
			continue;
		}
		k = tandem_utf8_sequence(s + i, len - i, &cp);
		if (k == 0) {
			rep = NULL;
		} else {
			unsigned next, u = umlaut_of(cp);
			size_t k2 = i + k < len ? tandem_utf8_sequence(s + i + k, len - i - k, &next) : 0;

			if (u != 0 && k2 != 0 && next == COMBINING_DIAERESIS) {
				cp = u;
				k += k2;
			}
			rep = replacement(cp, one);
		}
		if (rep == NULL) {
			*out_len = n;
			if (out_size > 0)
				out[n < out_size ? n : out_size - 1] = '\0';
			if (bad_at != NULL)
				*bad_at = at;
			return TANDEM_EBADINPUT;
		}
		i += k;
		if (rep[0] != '\0' && is_capital_digraph(rep)) {
			int next_case = letter_case(s + i, len - i);

			if (next_case == 'U' || (next_case == 0 && prev_case == 'U')) {
				two[0] = rep[0];
				two[1] = (char)(rep[1] - 'a' + 'A');
				two[2] = '\0';
				rep = two;
			}
		}
		for (const char *r = rep; *r != '\0'; r++, n++) {
			TANDEM_ASSERT(sepa_is_basic(*r));
			if (n + 1 < out_size)
				out[n] = *r;
		}
		if (rep[0] != '\0')
			prev_case = ascii_case(rep[0]);
	}
	*out_len = n;
	if (out_size > 0)
		out[n < out_size ? n : out_size - 1] = '\0';
	return n < out_size ? 0 : TANDEM_ELIMIT;
}
