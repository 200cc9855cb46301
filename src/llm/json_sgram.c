/*
 * src/llm/json_sgram.c - the automaton that follows a compiled JSON Schema
 * (json_int.h) a byte at a time: RFC 8259 syntax as in json_gram.c, and
 * the schema's rules on top. It never dead-ends: a byte is taken only when
 * some completion of the bytes so far is an instance, so at every state at
 * least one byte goes on. What makes that hold:
 *
 *   - a value starts only where its node's md (the containers it needs
 *     inside it) fits in what is left of JS_DEPTH_MAX, and an object or an
 *     array opens only when its required members or minimum items fit;
 *   - '}' waits for the required keys, ']' for minItems; ',' comes only
 *     when one more key, or one more item, can follow;
 *   - a key matches the properties byte by byte: without other keys
 *     allowed, only properties not yet read; with them, anything but a
 *     property read before, a property that could not fit, or an extra
 *     key read before (and a key can always be made longer);
 *   - a string stops taking characters at maxLength and takes its closing
 *     quote from minLength on; enum values are matched byte for byte.
 */
#include <string.h>

#include "json_int.h"

enum lex {
	L_VALUE,        /* a value may start (or, in a new array, ']') */
	L_VALUE_ONLY,   /* a value must start */
	L_KEY,          /* after '{': a key or '}' */
	L_KEY_ONLY,     /* after ',' in an object: a key */
	L_COLON,
	L_AFTER,        /* after a value: ',' or the container's end */
	L_KEYNAME,      /* in a key, after its opening quote */
	L_STRING,       /* in a string value */
	L_ESCAPE,       /* in an escape, after '\' (esc: how far) */
	L_LITERAL,      /* in an enum value or true / false / null */
	L_NUM_MINUS, L_NUM_ZERO, L_NUM_INT, L_NUM_DOT, L_NUM_FRAC, L_NUM_E, L_NUM_ESIGN,
	L_NUM_EXP,
	L_DONE,         /* the instance is complete */
};

#define FNV_BASIS 2166136261u
#define FNV_PRIME 16777619u

static bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

bool js_utf8_byte(struct js_utf8 *u, unsigned char c)
{
	if (u->left > 0) {
		if (c < u->lo || c > u->hi)
			return false;
		u->left--;
		u->lo = 0x80;
		u->hi = 0xBF;
		return true;
	}
	if (c < 0x20 || c == 0x7F)
		return false;
	if (c < 0x80)
		return true;
	if (c < 0xC2 || c > 0xF4)
		return false;
	u->left = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
	u->lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
	u->hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
	return true;
}

void js_init(const struct tandem_llm_schema *sc, struct js_state *s)
{
	memset(s, 0, sizeof *s);
	s->lex = L_VALUE_ONLY;
	s->vnode = sc->root;
}

bool js_done(const struct js_state *s)
{
	return s->lex == L_DONE;
}

size_t js_state_size(const struct js_state *s)
{
	return offsetof(struct js_state, f) + s->depth * sizeof s->f[0];
}

static const struct js_node *node_of(const struct tandem_llm_schema *sc, uint16_t n)
{
	return &sc->node[n];
}

/* Can a value of node n start inside the containers open now? */
static bool fits(const struct tandem_llm_schema *sc, const struct js_state *s, uint16_t n)
{
	unsigned md = node_of(sc, n)->md;

	return md != JS_MD_NONE && s->depth + md <= JS_DEPTH_MAX;
}

static struct js_frame *top(struct js_state *s)
{
	return &s->f[s->depth - 1];
}

/* The properties of the open object that may still come as keys. */
static uint64_t props_open(const struct tandem_llm_schema *sc, struct js_state *s)
{
	const struct js_frame *f = top(s);
	const struct js_node *n = node_of(sc, f->node);
	uint64_t open = 0;

	for (uint16_t i = 0; i < n->nprop; i++)
		if (!(f->seen >> i & 1) && fits(sc, s, sc->prop[n->prop0 + i].node))
			open |= (uint64_t)1 << i;
	return open;
}

/* May a key the schema does not name come in the open object? */
static bool extra_open(const struct tandem_llm_schema *sc, struct js_state *s)
{
	const struct js_node *n = node_of(sc, top(s)->node);

	return n->additional && top(s)->nextra < JS_EXTRA_KEYS_MAX && fits(sc, s, n->addl);
}

/* May one more item come in the open array? */
static bool item_open(const struct tandem_llm_schema *sc, struct js_state *s)
{
	const struct js_node *n = node_of(sc, top(s)->node);

	return top(s)->count < n->max_items && fits(sc, s, n->items);
}

static void value_done(struct js_state *s)
{
	if (s->depth == 0) {
		s->lex = L_DONE;
		return;
	}
	s->lex = L_AFTER;
	if (top(s)->kind == '[')
		top(s)->count++;
}

static bool close_container(const struct tandem_llm_schema *sc, struct js_state *s,
			    unsigned char c)
{
	const struct js_frame *f;
	const struct js_node *n;

	if (s->depth == 0 || (c != '}' && c != ']'))
		return false;
	f = top(s);
	n = node_of(sc, f->node);
	if (c == '}' ? f->kind != '{' || (f->seen & n->required) != n->required
		     : f->kind != '[' || f->count < n->min_items)
		return false;
	s->depth--;
	value_done(s);
	return true;
}

static bool open_container(const struct tandem_llm_schema *sc, struct js_state *s,
			   uint16_t node, unsigned char c)
{
	const struct js_node *n = node_of(sc, node);
	unsigned md = c == '{' ? n->md_obj : n->md_arr;
	struct js_frame *f;

	if (md == JS_MD_NONE || s->depth + md > JS_DEPTH_MAX)
		return false;
	f = &s->f[s->depth++];
	memset(f, 0, sizeof *f);
	f->node = node;
	f->kind = c;
	f->prop = JS_PROP_EXTRA;
	if (c == '{') {
		s->lex = L_KEY;
	} else {
		s->lex = L_VALUE;
		s->vnode = n->items;
	}
	return true;
}

static bool literal_byte(const struct tandem_llm_schema *sc, struct js_state *s,
			 unsigned char c);

/* The first byte c of one of the literals lit0 + i for i in mask. */
static bool literal_start(const struct tandem_llm_schema *sc, struct js_state *s,
			  uint16_t lit0, uint64_t mask, unsigned char c)
{
	s->lit0 = lit0;
	s->off = 0;
	s->mask = mask;
	s->lex = L_LITERAL;
	return literal_byte(sc, s, c);
}

/* What a value's first byte says it is. */
static unsigned class_of(unsigned char c)
{
	switch (c) {
	case '{': return JS_C_OBJECT;
	case '[': return JS_C_ARRAY;
	case '"': return JS_C_STRING;
	case 't': return JS_C_TRUE;
	case 'f': return JS_C_FALSE;
	case 'n': return JS_C_NULL;
	default: return c == '-' || is_digit(c) ? JS_C_NUMBER : 0;
	}
}

static bool value_start(const struct tandem_llm_schema *sc, struct js_state *s, unsigned char c)
{
	unsigned cls = class_of(c);
	uint16_t node = s->vnode;
	const struct js_node *n = node_of(sc, node);

	/* anyOf: the alternatives' first bytes differ (checked when compiled). */
	while (n->kind == JS_ANYOF) {
		uint16_t i = 0;

		while (i < n->nalt && !(node_of(sc, sc->alt[n->alt0 + i])->classes & cls))
			i++;
		if (i == n->nalt)
			return false;
		node = sc->alt[n->alt0 + i];
		n = node_of(sc, node);
	}
	if (!(n->classes & cls))
		return false;
	if (n->is_enum)
		return literal_start(sc, s, n->lit0, n->nlit >= 64 ? UINT64_MAX
					: ((uint64_t)1 << n->nlit) - 1, c);
	switch (cls) {
	case JS_C_OBJECT: case JS_C_ARRAY:
		return open_container(sc, s, node, c);
	case JS_C_STRING:
		s->lex = L_STRING;
		s->cur = node;
		s->count = 0;
		s->re_set = 1; /* the pattern's start, when there is one */
		s->u.left = 0;
		return true;
	case JS_C_NUMBER:
		s->num_int = !(n->types & JS_T_NUMBER);
		s->num_len = 1;
		s->lex = c == '-' ? L_NUM_MINUS : c == '0' ? L_NUM_ZERO : L_NUM_INT;
		s->cur = node;
		s->num_neg = c == '-';
		s->num_digits = c != '-';
		s->num_mag = c == '-' ? 0 : (uint64_t)(c - '0');
		s->num_fdigits = 0;
		s->num_frac = 0;
		if (n->nbounded)
			return js_nbound_fits(n, s, c == '0', false);
		return !n->bounded || js_bound_fits(n, s->num_neg, s->num_mag, s->num_digits, c == '0');
	default:
		return literal_start(sc, s, JS_LIT_WORDS, cls == JS_C_TRUE ? 1 : cls == JS_C_FALSE
				     ? 2 : 4, c);
	}
}

static bool structure_byte(const struct tandem_llm_schema *sc, struct js_state *s,
			   unsigned char c);

static bool literal_byte(const struct tandem_llm_schema *sc, struct js_state *s, unsigned char c)
{
	uint64_t next = 0, ended = 0, longer = 0;

	for (uint64_t m = s->mask; m != 0; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctzll(m);
		const struct js_lit *l = &sc->lit[s->lit0 + i];

		if (l->len == s->off)
			ended |= (uint64_t)1 << i;
		else if ((unsigned char)l->text[s->off] == c)
			next |= (uint64_t)1 << i;
	}
	if (next == 0) {
		/* A number ends at the byte after it. */
		if (ended == 0)
			return false;
		value_done(s);
		return structure_byte(sc, s, c);
	}
	s->mask = next;
	s->off++;
	for (uint64_t m = next; m != 0; m &= m - 1)
		if (sc->lit[s->lit0 + (unsigned)__builtin_ctzll(m)].len > s->off)
			longer = 1;
	/* Nothing longer: the value is complete (a string at its quote). */
	if (!longer)
		value_done(s);
	return true;
}

/* A key's opening quote. */
static bool key_start(const struct tandem_llm_schema *sc, struct js_state *s)
{
	const struct js_node *n = node_of(sc, top(s)->node);
	uint64_t open = props_open(sc, s);

	s->key_free = extra_open(sc, s);
	if (open == 0 && !s->key_free)
		return false;
	/* A free key sees every property: one read before, or that cannot fit,
	 * is refused at the closing quote, not taken for an extra key. */
	s->mask = s->key_free ? (n->nprop >= 64 ? UINT64_MAX : ((uint64_t)1 << n->nprop) - 1)
			      : open;
	s->off = 0;
	s->hash = FNV_BASIS;
	s->u.left = 0;
	s->lex = L_KEYNAME;
	return true;
}

static void member_start(struct js_state *s, uint16_t prop, uint16_t vnode)
{
	struct js_frame *f = top(s);

	if (prop != JS_PROP_EXTRA)
		f->seen |= (uint64_t)1 << prop;
	f->prop = prop;
	s->vnode = vnode;
	s->lex = L_COLON;
}

/* The closing quote of a free key: a property, or an extra key. */
static bool key_close(const struct tandem_llm_schema *sc, struct js_state *s, uint64_t whole)
{
	struct js_frame *f = top(s);
	const struct js_node *n = node_of(sc, f->node);

	if (s->u.left > 0)
		return false;
	if (whole != 0) {
		unsigned i = (unsigned)__builtin_ctzll(whole);

		if ((f->seen >> i & 1) || !fits(sc, s, sc->prop[n->prop0 + i].node))
			return false;
		member_start(s, (uint16_t)i, sc->prop[n->prop0 + i].node);
		return true;
	}
	for (unsigned k = 0; k < f->nextra; k++)
		if (f->extra[k] == s->hash)
			return false;
	f->extra[f->nextra++] = s->hash;
	member_start(s, JS_PROP_EXTRA, n->addl);
	return true;
}


static bool key_byte(const struct tandem_llm_schema *sc, struct js_state *s, unsigned char c)
{
	const struct js_node *n = node_of(sc, top(s)->node);
	uint64_t next = 0, whole = 0;

	for (uint64_t m = s->mask; m != 0; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctzll(m);
		const struct js_prop *p = &sc->prop[n->prop0 + i];

		if (p->len > s->off && (unsigned char)p->name[s->off] == c) {
			next |= (uint64_t)1 << i;
			if (p->len == s->off + 1)
				whole |= (uint64_t)1 << i;
		}
	}
	s->off++;
	s->mask = next;
	if (s->key_free) {
		if (c == '"')
			return key_close(sc, s, whole);
		if (c == '\\') {
			/* Escapes only in the properties' own names. */
			if (s->u.left > 0)
				return false;
			s->key_free = 0;
			s->mask &= props_open(sc, s);
			return s->mask != 0;
		}
		s->hash = (s->hash ^ c) * FNV_PRIME;
		return js_utf8_byte(&s->u, c);
	}
	if (next == 0)
		return false;
	if (whole != 0) {
		unsigned i = (unsigned)__builtin_ctzll(whole);

		member_start(s, (uint16_t)i, sc->prop[n->prop0 + i].node);
	}
	return true;
}

static bool string_byte(const struct tandem_llm_schema *sc, struct js_state *s,
			unsigned char c)
{
	const struct js_node *n = node_of(sc, s->cur);

	if (n->re) {
		/* Unescaped printable ASCII, as the pattern goes (json_regex.c),
		 * a character a byte; with length bounds, only while the pattern
		 * can still end within them. */
		const struct js_re *re = sc->re[n->re - 1];
		js_set set = s->re_set;
		if (c == '"') {
			if (!(set & re->accept) || s->count < n->min_len)
				return false;
			value_done(s);
			return true;
		}
		if (s->count >= n->max_len || !js_re_step(re, &set, c))
			return false;
		uint32_t k = s->count + 1;
		if (js_has_lengths(n) &&
		    !js_re_ends_within(re, set, n->min_len > k ? n->min_len - k : 0, n->max_len - k))
			return false;
		s->re_set = set;
		s->count = k;
		return true;
	}
	if (s->u.left > 0)
		return js_utf8_byte(&s->u, c);
	if (c == '"') {
		if (s->count < n->min_len)
			return false;
		value_done(s);
		return true;
	}
	if (s->count >= n->max_len)
		return false;
	if (c == '\\') {
		s->count++;
		s->lex = L_ESCAPE;
		s->esc = 0;
		return true;
	}
	if (!js_utf8_byte(&s->u, c))
		return false;
	s->count++;
	return true;
}

int js_escape_byte(uint8_t *esc, unsigned char c, bool surrogates)
{
	if (*esc == 0) {
		if (c == 'u') {
			*esc = 0x20;
			return 1;
		}
		return c != '\0' && strchr("\"\\/bfnrt", c) != NULL ? 0 : -1;
	}
	if (!is_digit(c) && !((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
		return -1;
	/* The digits read in the low bits; 0x10 when the first was 'd'. */
	if ((*esc & 7) == 0 && (c | 0x20) == 'd')
		*esc |= 0x10;
	else if ((*esc & 0x17) == 0x11 && !surrogates && !(is_digit(c) && c < '8'))
		return -1;
	return (++*esc & 7) == 4 ? 0 : 1;
}

/* After '\': no \u escape of a surrogate (a pair would be one character
 * written as two: UTF-8 says it as one). */
static bool escape_byte(struct js_state *s, unsigned char c)
{
	int r = js_escape_byte(&s->esc, c, false);

	if (r == 0)
		s->lex = L_STRING;
	return r >= 0;
}

/* A digit of a bounded number: still within reach of its bounds. */
static bool nbound_digit(const struct js_node *n, struct js_state *s, unsigned l,
			 unsigned char c)
{
	if (l == L_NUM_DOT || l == L_NUM_FRAC) {
		if (s->num_fdigits >= JS_BOUND_FRAC_MAX)
			return false;
		s->num_frac = s->num_frac * 10 + (uint64_t)(c - '0');
		s->num_fdigits++;
		return js_nbound_fits(n, s, false, true);
	}
	if (s->num_digits >= JS_BOUND_DIGITS_MAX)
		return false;
	s->num_mag = s->num_mag * 10 + (uint64_t)(c - '0');
	s->num_digits++;
	return js_nbound_fits(n, s, s->num_mag == 0 && s->num_digits == 1, false);
}

/* A digit of a bounded integer: still within reach of its bounds. */
static bool bound_digit(const struct js_node *n, struct js_state *s, unsigned char c)
{
	if (s->num_digits >= JS_BOUND_DIGITS_MAX)
		return false;
	s->num_mag = s->num_mag * 10 + (uint64_t)(c - '0');
	s->num_digits++;
	return js_bound_fits(n, s->num_neg, s->num_mag, s->num_digits,
			     s->num_mag == 0 && s->num_digits == 1);
}

/* Bytes a number needs after it is in state l before it may end. */
static unsigned number_need(unsigned l)
{
	return l == L_NUM_MINUS || l == L_NUM_DOT || l == L_NUM_E || l == L_NUM_ESIGN;
}

/* A number by the grammar of RFC 8259; an integer has no '.' or exponent;
 * at most JS_NUMBER_BYTES_MAX bytes, so it stops where it can still end. */
static bool number_byte(const struct tandem_llm_schema *sc, struct js_state *s,
			unsigned char c)
{
	unsigned l = s->lex, next;

	switch (l) {
	case L_NUM_MINUS:
		next = c == '0' ? L_NUM_ZERO : is_digit(c) ? L_NUM_INT : L_DONE;
		break;
	case L_NUM_DOT: case L_NUM_ESIGN:
		next = is_digit(c) ? (l == L_NUM_DOT ? L_NUM_FRAC : L_NUM_EXP) : L_DONE;
		break;
	case L_NUM_E:
		next = c == '+' || c == '-' ? L_NUM_ESIGN : is_digit(c) ? L_NUM_EXP : L_DONE;
		break;
	default:   /* L_NUM_ZERO, L_NUM_INT, L_NUM_FRAC, L_NUM_EXP: complete */
		if (is_digit(c) && l != L_NUM_ZERO)
			next = l;
		else if (c == '.' && (l == L_NUM_ZERO || l == L_NUM_INT) && !s->num_int)
			next = L_NUM_DOT;
		else if ((c | 0x20) == 'e' && l != L_NUM_EXP && !s->num_int &&
			 !node_of(sc, s->cur)->nbounded)
			next = L_NUM_E;
		else {
			const struct js_node *n = node_of(sc, s->cur);
			if (n->bounded && !js_bound_value(n, s->num_neg, s->num_mag))
				return false; /* the value itself within the bounds */
			if (n->nbounded && !js_nbound_value(n, s))
				return false;
			value_done(s);
			return structure_byte(sc, s, c);
		}
	}
	if (next == L_DONE || s->num_len + 1u + number_need(next) > JS_NUMBER_BYTES_MAX)
		return false;
	const struct js_node *n = node_of(sc, s->cur);
	if ((next == L_NUM_INT || next == L_NUM_ZERO) && n->bounded && !bound_digit(n, s, c))
		return false;
	if (n->nbounded && (next == L_NUM_DOT ? !js_nbound_fits(n, s, false, true)
			    : is_digit(c) && !nbound_digit(n, s, l, c)))
		return false;
	s->num_len++;
	s->lex = (uint8_t)next;
	return true;
}

/* Structural bytes: between values, keys and containers. */
static bool structure_byte(const struct tandem_llm_schema *sc, struct js_state *s,
			   unsigned char c)
{
	if (is_ws(c))
		return s->lex != L_DONE && ++s->ws <= JS_WS_MAX;
	s->ws = 0;
	switch (s->lex) {
	case L_VALUE:   /* after '[' */
		if (c == ']')
			return close_container(sc, s, c);
		if (!item_open(sc, s))
			return false;
		/* fall through */
	case L_VALUE_ONLY:
		return value_start(sc, s, c);
	case L_KEY:
		if (c == '}')
			return close_container(sc, s, c);
		/* fall through */
	case L_KEY_ONLY:
		return c == '"' && key_start(sc, s);
	case L_COLON:
		s->lex = L_VALUE_ONLY;
		return c == ':';
	case L_AFTER:
		if (c != ',')
			return close_container(sc, s, c);
		if (top(s)->kind == '{') {
			s->lex = L_KEY_ONLY;
			return props_open(sc, s) != 0 || extra_open(sc, s);
		}
		s->lex = L_VALUE_ONLY;
		s->vnode = node_of(sc, top(s)->node)->items;
		return item_open(sc, s);
	default:   /* L_DONE */
		return false;
	}
}

bool js_byte(const struct tandem_llm_schema *sc, struct js_state *s, unsigned char c)
{
	switch (s->lex) {
	case L_KEYNAME:
		return key_byte(sc, s, c);
	case L_STRING:
		return string_byte(sc, s, c);
	case L_ESCAPE:
		return escape_byte(s, c);
	case L_LITERAL:
		return literal_byte(sc, s, c);
	case L_NUM_MINUS: case L_NUM_ZERO: case L_NUM_INT: case L_NUM_DOT: case L_NUM_FRAC:
	case L_NUM_E: case L_NUM_ESIGN: case L_NUM_EXP:
		return number_byte(sc, s, c);
	default:
		return structure_byte(sc, s, c);
	}
}

uint16_t js_plain_chars(const char *p, size_t n)
{
	struct js_utf8 u = { 0 };
	size_t chars = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((u.left == 0 && (c == '"' || c == '\\')) || !js_utf8_byte(&u, c))
			return JS_NOT_PLAIN;
		chars += (c & 0xC0) != 0x80;
	}
	return u.left == 0 && chars < JS_NOT_PLAIN ? (uint16_t)chars : JS_NOT_PLAIN;
}

bool js_plain_room(const struct tandem_llm_schema *sc, const struct js_state *s,
		   uint32_t *room)
{
	if (s->u.left > 0 || !(s->lex == L_STRING || (s->lex == L_KEYNAME && s->key_free)) ||
	    (s->lex == L_STRING && sc->node[s->cur].re))
		return false; /* a pattern takes its characters one by one */
	*room = s->lex == L_STRING ? sc->node[s->cur].max_len - s->count : JS_LEN_NONE;
	return true;
}
