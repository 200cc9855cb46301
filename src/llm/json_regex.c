/*
 * src/llm/json_regex.c - JSON Schema "pattern" (and "format": "date") for
 * the constraint: an ECMA-262 regular expression compiled into a position
 * (Glushkov) automaton over the characters a constrained string may hold.
 *
 * The automaton has one state per character atom of the pattern, plus the
 * start: a set of states is a 128-bit word, and reading a character is
 * the union of the follow sets of the states in the set, masked by the
 * states whose atom takes the character. No epsilon moves, no
 * backtracking: a step costs a few instructions per state in the set.
 *
 * What the writer writes is stricter than the specification, never looser:
 * a patterned string holds printable ASCII only, without '"' and '\' (no
 * escapes), so "." and the negated classes stand for those characters; an
 * atom that can take none of them (a tab, a letter outside ASCII) is never
 * entered, and a pattern no such string matches is refused.
 *
 * The subset: literals; "."; classes [...] with ranges and negation;
 * \d \D \w \W \s \S and escaped punctuation, \t \n \r \f \v \0 \xHH \uHHHH;
 * groups ( ) and (?: ); alternation; the quantifiers * + ? {n} {n,} {n,m}
 * (and their lazy forms, which match the same strings); "^" as the first
 * character and "$" as the last - without them the pattern may match
 * anywhere in the string, as JSON Schema says. Refused: look-around,
 * back-references, named groups, anchors elsewhere, word boundaries, and
 * more than JS_RE_STATES - 1 character atoms once counted repetitions are
 * written out.
 */
#include <string.h>

#include "llm/json_int.h"
#include "tandem/error.h"

struct rp {
	const char *p;
	size_t i, n;
	struct js_re *re;
	unsigned npos;
	unsigned depth;
	const char *err;   /* the first refusal */
	bool limit;        /* it is a limit, not a syntax error */
};

struct glu {
	js_set first, last;
	bool nullable;
};

static const js_set one = 1;

static js_set bit(unsigned i)
{
	return one << i;
}

/* The characters a patterned string may hold. */
static bool writable(unsigned c)
{
	return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

static js_set writable_all(void)
{
	js_set s = 0;
	for (unsigned c = 0; c < 128; c++)
		if (writable(c))
			s |= bit(c);
	return s;
}

static struct glu fail(struct rp *r, const char *why)
{
	if (!r->err)
		r->err = why;
	return (struct glu){0, 0, false};
}

static void follow_add(struct rp *r, js_set from, js_set to)
{
	for (unsigned p = 0; p < JS_RE_STATES; p++)
		if (from & bit(p))
			r->re->follow[p] |= to;
}

static struct glu cat(struct rp *r, struct glu a, struct glu b)
{
	follow_add(r, a.last, b.first);
	return (struct glu){a.first | (a.nullable ? b.first : 0), b.last | (b.nullable ? a.last : 0),
			    a.nullable && b.nullable};
}

static struct glu alt(struct glu a, struct glu b)
{
	return (struct glu){a.first | b.first, a.last | b.last, a.nullable || b.nullable};
}

static struct glu star(struct rp *r, struct glu a)
{
	follow_add(r, a.last, a.first);
	a.nullable = true;
	return a;
}

/* A new state for an atom that takes the characters of cls. */
static struct glu atom(struct rp *r, js_set cls)
{
	if (r->npos + 1 >= JS_RE_STATES) {
		r->limit = true;
		return fail(r, "more character atoms than the automaton holds (counted "
			       "repetitions written out)");
	}
	unsigned p = ++r->npos;
	r->re->cls[p] = cls & writable_all();
	return (struct glu){bit(p), bit(p), false};
}

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static js_set range(unsigned lo, unsigned hi)
{
	js_set s = 0;
	for (unsigned c = lo; c <= hi && c < 128; c++)
		s |= bit(c);
	return s;
}

/*
 * An escape after '\' (r->i at the letter): its characters into *cls, or
 * a refusal. *single: the code point, for the ends of a class range (-1
 * when the escape is a set such as \d).
 */
static bool escape(struct rp *r, js_set *cls, long *single)
{
	js_set digit = range('0', '9'), word = digit | range('a', 'z') | range('A', 'Z') | bit('_');
	js_set space = bit(' ') | bit('\t') | bit('\n') | bit('\r') | bit('\f') | bit('\v');
	char c = '\0';
	long cp = -1;

	if (r->i < r->n)
		c = r->p[r->i++];
	*single = -1;
	switch (c) {
	case 'd': *cls = digit; return true;
	case 'D': *cls = ~digit; return true;
	case 'w': *cls = word; return true;
	case 'W': *cls = ~word; return true;
	case 's': *cls = space; return true;
	case 'S': *cls = ~space; return true;
	case 't': cp = '\t'; break;
	case 'n': cp = '\n'; break;
	case 'r': cp = '\r'; break;
	case 'f': cp = '\f'; break;
	case 'v': cp = '\v'; break;
	case '0': cp = 0; break;
	case 'x':
	case 'u': {
		int digits = c == 'x' ? 2 : 4;
		cp = 0;
		for (int k = 0; k < digits; k++) {
			int h = r->i < r->n ? hex(r->p[r->i]) : -1;
			if (h < 0) {
				fail(r, "a \\x or \\u escape without its hexadecimal digits");
				return false;
			}
			cp = cp * 16 + h;
			r->i++;
		}
		break;
	}
	default:
		if (c == '\0' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z')) {
			fail(r, "an escape that is a back-reference, a word boundary or unknown");
			return false;
		}
		cp = (unsigned char)c; /* escaped punctuation stands for itself */
	}
	*single = cp;
	*cls = cp >= 0 && cp < 128 ? bit((unsigned)cp) : 0;
	return true;
}

/* A class [...] (r->i after '['). */
static struct glu char_class(struct rp *r)
{
	bool negate = r->i < r->n && r->p[r->i] == '^';
	js_set cls = 0;

	r->i += negate;
	for (bool first = true; r->i < r->n && (first || r->p[r->i] != ']'); first = false) {
		js_set one_cls;
		long lo;
		char c = r->p[r->i++];
		if (c == '\\') {
			if (!escape(r, &one_cls, &lo))
				return fail(r, r->err);
		} else {
			lo = (unsigned char)c;
			one_cls = lo < 128 ? bit((unsigned)lo) : 0;
		}
		if (lo >= 0 && r->i + 1 < r->n && r->p[r->i] == '-' && r->p[r->i + 1] != ']') {
			long hi;
			js_set ignored;
			r->i++;
			c = r->p[r->i++];
			if (c == '\\') {
				if (!escape(r, &ignored, &hi))
					return fail(r, r->err);
			} else {
				hi = (unsigned char)c;
			}
			if (hi < 0 || hi < lo)
				return fail(r, "a class range out of order, or with a set at an end");
			/* Empty when lo is beyond ASCII. */
			one_cls = range((unsigned)lo, (unsigned)(hi < 127 ? hi : 127));
		}
		cls |= one_cls;
	}
	if (r->i >= r->n)
		return fail(r, "a class without its ']'");
	r->i++;
	return atom(r, negate ? ~cls : cls);
}

static struct glu alternation(struct rp *r);

static struct glu group_or_atom(struct rp *r)
{
	char c = r->p[r->i++];

	switch (c) {
	case '(': {
		if (r->i < r->n && r->p[r->i] == '?') {
			if (r->i + 1 < r->n && r->p[r->i + 1] == ':')
				r->i += 2;
			else
				return fail(r, "look-around and named groups are not supported");
		}
		if (++r->depth > JS_RE_DEPTH_MAX) {
			r->limit = true;
			return fail(r, "groups nested too deep");
		}
		struct glu g = alternation(r);
		r->depth--;
		if (r->i >= r->n || r->p[r->i] != ')')
			return fail(r, "a group without its ')'");
		r->i++;
		return g;
	}
	case '[':
		return char_class(r);
	case '.':
		return atom(r, ~(bit('\n') | bit('\r')));
	case '\\': {
		js_set cls;
		long single;
		if (!escape(r, &cls, &single))
			return fail(r, r->err);
		return atom(r, cls);
	}
	case '^':
	case '$':
		return fail(r, "'^' and '$' are supported only at the start and the end");
	case ')':
	case '|':
	case '*':
	case '+':
	case '?':
	case '{':
	case '}':
	case ']':
		return fail(r, "a quantifier or a bracket with nothing before it");
	default:
		return atom(r, (unsigned char)c < 128 ? bit((unsigned char)c) : 0);
	}
}

/* {n}, {n,}, {n,m} (r->i after '{'): false when it is not one. */
static bool counts(struct rp *r, unsigned *lo, unsigned *hi)
{
	size_t i = r->i;
	unsigned v[2] = {0, 0};
	bool comma = false, digits[2] = {false, false};

	for (; i < r->n && r->p[i] != '}'; i++) {
		char c = r->p[i];
		if (c == ',' && !comma) {
			comma = true;
		} else if (c >= '0' && c <= '9' && v[comma] < 1000) {
			v[comma] = v[comma] * 10 + (unsigned)(c - '0');
			digits[comma] = true;
		} else {
			return false;
		}
	}
	if (i >= r->n || !digits[0] || (comma && digits[1] && v[1] < v[0]))
		return false;
	*lo = v[0];
	*hi = !comma ? v[0] : digits[1] ? v[1] : UINT32_MAX;
	r->i = i + 1;
	return true;
}

/* An atom and its quantifier; a counted repetition reads the atom again
 * for each copy, so that each copy has states of its own. */
static struct glu quantified(struct rp *r)
{
	size_t start = r->i;
	struct glu a = group_or_atom(r);
	size_t end = r->i;
	unsigned lo, hi;

	if (r->err || r->i >= r->n)
		return a;
	char q = r->p[r->i];
	if (q == '*' || q == '+' || q == '?') {
		r->i++;
		if (r->i < r->n && r->p[r->i] == '?')
			r->i++; /* lazy: the same strings */
		bool nullable = a.nullable;
		if (q != '?')
			a = star(r, a);
		a.nullable = q == '+' ? nullable : true;
		return a;
	}
	if (q != '{')
		return a;
	r->i++;
	if (!counts(r, &lo, &hi))
		return fail(r, "a '{' that is no {n}, {n,} or {n,m}");
	if (r->i < r->n && r->p[r->i] == '?')
		r->i++;
	size_t after = r->i;
	unsigned copies = hi == UINT32_MAX ? (lo ? lo : 1) : hi;
	if (copies == 0)
		return (struct glu){0, 0, true}; /* x{0}: the empty string */
	struct glu whole = a, last = a;
	for (unsigned k = 1; k < copies && !r->err; k++) {
		r->i = start;
		struct glu c = group_or_atom(r);
		if (r->i != end)
			return fail(r, "a counted repetition could not be written out");
		if (k >= lo)
			c.nullable = true; /* the copies beyond n are optional */
		whole = cat(r, whole, c);
		last = c;
	}
	if (lo == 0)
		whole.nullable = true;
	if (hi == UINT32_MAX)
		follow_add(r, last.last, last.first); /* {n,}: the last copy repeats */
	r->i = after;
	return whole;
}

static struct glu sequence(struct rp *r)
{
	struct glu s = {0, 0, true};

	while (r->i < r->n && r->p[r->i] != '|' && r->p[r->i] != ')' && !r->err)
		s = cat(r, s, quantified(r));
	return s;
}

static struct glu alternation(struct rp *r)
{
	struct glu a = sequence(r);

	while (r->i < r->n && r->p[r->i] == '|' && !r->err) {
		r->i++;
		a = alt(a, sequence(r));
	}
	return a;
}

/* Whether the pattern has a '|' outside every group and class: with '^' or
 * '$' it would bind tighter than them. */
static bool top_alternation(const char *p, size_t n)
{
	int depth = 0;
	bool in_class = false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\') {
			i++;
		} else if (in_class) {
			in_class = p[i] != ']';
		} else if (p[i] == '[') {
			in_class = true;
		} else if (p[i] == '(') {
			depth++;
		} else if (p[i] == ')') {
			depth--;
		} else if (p[i] == '|' && depth == 0) {
			return true;
		}
	}
	return false;
}

/* Whether the character at the end is an unescaped '$'. */
static bool ends_anchored(const char *p, size_t n)
{
	size_t k = 0;
	if (n == 0 || p[n - 1] != '$')
		return false;
	while (k + 1 < n && p[n - 2 - k] == '\\')
		k++;
	return k % 2 == 0;
}

/*
 * The lengths strings of the pattern can still take: ahead[k], the states
 * from which exactly k more characters end the string - the accepting
 * ones for k = 0, then those with a follower (that some character
 * enters) in ahead[k - 1]. A sequence of sets of npos + 1 states repeats
 * at last; the first repetition within JS_RE_AHEAD_MAX fixes pre and
 * period.
 */
static void lengths(struct js_re *re, unsigned npos)
{
	js_set enter = 0;

	for (unsigned c = 0; c < 128; c++)
		enter |= re->with[c];
	re->ahead[0] = re->accept;
	re->pre = re->period = 0;
	for (unsigned k = 0; k + 1 < JS_RE_AHEAD_MAX; k++) {
		js_set next = 0;

		for (unsigned q = 0; q <= npos; q++)
			if (re->follow[q] & re->ahead[k] & enter)
				next |= bit(q);
		for (unsigned j = 0; j <= k; j++) {
			if (re->ahead[j] == next) {
				re->pre = (uint16_t)j;
				re->period = (uint16_t)(k + 1 - j);
				return;
			}
		}
		re->ahead[k + 1] = next;
	}
}

bool js_re_ends_within(const struct js_re *re, js_set set, uint32_t lo, uint32_t hi)
{
	uint32_t end = (lo > re->pre ? lo : re->pre) + re->period - 1;

	if (hi > end)
		hi = end;
	for (uint32_t k = lo; k <= hi; k++) {
		uint32_t i = k < re->pre ? k : re->pre + (k - re->pre) % re->period;
		if (set & re->ahead[i])
			return true;
	}
	return false;
}

int js_re_compile(const char *pattern, size_t n, struct js_re *re, const char **why)
{
	struct rp r = {.p = pattern, .n = n, .re = re};
	bool head = n > 0 && pattern[0] == '^', tail = ends_anchored(pattern, n);
	struct glu g = {0, 0, true};

	memset(re, 0, sizeof *re);
	if ((head || tail) && top_alternation(pattern, n)) {
		*why = "an alternation outside a group beside '^' or '$' is not supported";
		return TANDEM_EUNSUPPORTED;
	}
	r.i = head;
	r.n = tail ? n - 1 : n;
	if (!head) /* anything before */
		g = star(&r, atom(&r, ~(js_set)0));
	g = cat(&r, g, alternation(&r));
	if (!r.err && r.i < r.n)
		fail(&r, "a ')' without its '('");
	if (!tail && !r.err) /* anything after */
		g = cat(&r, g, star(&r, atom(&r, ~(js_set)0)));
	if (r.err) {
		*why = r.err;
		return r.limit ? TANDEM_ELIMIT : TANDEM_EBADINPUT;
	}
	re->follow[0] = g.first;
	re->accept = g.last | (g.nullable ? bit(0) : 0);
	/* Live states: those from which an accepted string can still be
	 * written; the others are never entered. */
	js_set live = re->accept, was;
	do {
		was = live;
		for (unsigned p = 0; p <= r.npos; p++) {
			js_set next = re->follow[p] & live;
			for (unsigned q = 1; q <= r.npos && !(live & bit(p)); q++)
				if ((next & bit(q)) && re->cls[q])
					live |= bit(p);
		}
	} while (live != was);
	if (!(live & bit(0))) {
		*why = "no string of printable ASCII characters (without '\"' and '\\') matches it";
		return TANDEM_EUNSUPPORTED;
	}
	for (unsigned c = 0; c < 128; c++)
		for (unsigned q = 1; q <= r.npos; q++)
			if ((re->cls[q] & bit(c)) && (live & bit(q)))
				re->with[c] |= bit(q);
	lengths(re, r.npos);
	return 0;
}

static unsigned lowest(js_set s)
{
	uint64_t lo = (uint64_t)s;
	return lo ? (unsigned)__builtin_ctzll(lo) : 64 + (unsigned)__builtin_ctzll((uint64_t)(s >> 64));
}

bool js_re_step(const struct js_re *re, js_set *set, unsigned char c)
{
	js_set next = 0;

	if (c >= 128)
		return false;
	for (js_set s = *set; s; s &= s - 1)
		next |= re->follow[lowest(s)];
	next &= re->with[c];
	if (!next)
		return false;
	*set = next;
	return true;
}
