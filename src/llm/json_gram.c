/*
 * src/llm/json_gram.c - decoding constrained to JSON: a pushdown automaton
 * that reads a JSON object (RFC 8259) a byte at a time and says whether
 * the bytes so far can still begin one, and a constraint that lets the
 * sampler choose only tokens whose bytes keep it so, and the end of text
 * only once the object is closed. Agents and extraction then always get
 * output that parses. With a schema (json_schema.c), the automaton of
 * json_sgram.c reads the bytes instead, and json_mask.c makes the mask.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "tandem/alloc.h"
#include "tandem/buf.h"
#include "tandem/error.h"
#include "tandem/llm.h"
#include "tandem/tokenizer.h"

#define DEPTH_MAX 32        /* nested objects and arrays */
#define WS_MAX 4            /* whitespace bytes in a row: no endless padding */
#define PIECES_MAX (1u << 22)

enum lex {
	L_VALUE,          /* a value may start (or, in an array, ']') */
	L_VALUE_ONLY,     /* a value must start (after ',' in an array) */
	L_KEY,            /* in an object: a key or '}' */
	L_KEY_ONLY,       /* after ',' in an object: a key */
	L_COLON,
	L_AFTER,          /* after a value: ',' or the container's end */
	L_STRING,         /* in a string (key or value) */
	L_ESCAPE,         /* in an escape, after '\' (esc: how far) */
	L_NUM_MINUS,      /* after '-' */
	L_NUM_ZERO,       /* a leading 0 */
	L_NUM_INT,        /* integer digits */
	L_NUM_DOT,        /* after '.' */
	L_NUM_FRAC,
	L_NUM_E,          /* after 'e' */
	L_NUM_ESIGN,      /* after 'e+' or 'e-' */
	L_NUM_EXP,
	L_LITERAL,        /* in true / false / null */
	L_DONE,           /* the object is closed */
};

struct jstate {
	uint8_t lex, depth, ws, esc;
	struct js_utf8 u;          /* in a string */
	uint8_t key;               /* the string being read is a key */
	const char *lit;           /* the rest of the literal being read */
	char stack[DEPTH_MAX];     /* '{' or '[' */
};

struct tandem_llm_json {
	struct jstate s;
	const struct tandem_tok *t;
	int32_t eos;
	size_t n;
	char *bytes;               /* every token's bytes, one after the other */
	uint32_t *at;              /* (n) where each token's begin in bytes */
	uint16_t *len;             /* (n) their length; 0: never in JSON */
	struct tandem_llm_schema *sc;   /* owned; NULL: any JSON object */
	struct js_state *ss;            /* with sc: the automaton's state */
	struct js_vocab *voc;           /* with sc: the tokens ordered for the mask */
};

static bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* After a value ends: the container decides what may follow. */
static void value_done(struct jstate *s)
{
	s->lex = s->depth == 0 ? L_DONE : L_AFTER;
}

static bool open_container(struct jstate *s, char c)
{
	if (s->depth == DEPTH_MAX)
		return false;
	s->stack[s->depth++] = c;
	s->lex = c == '{' ? L_KEY : L_VALUE;
	return true;
}

/* The first byte of a value. */
static bool value_start(struct jstate *s, unsigned char c)
{
	switch (c) {
	case '{': case '[':
		return open_container(s, (char)c);
	case '"':
		s->lex = L_STRING;
		s->key = 0;
		return true;
	case '-':
		s->lex = L_NUM_MINUS;
		return true;
	case '0':
		s->lex = L_NUM_ZERO;
		return true;
	case 't': case 'f': case 'n':
		s->lit = c == 't' ? "rue" : c == 'f' ? "alse" : "ull";
		s->lex = L_LITERAL;
		return true;
	default:
		if (c >= '1' && c <= '9') {
			s->lex = L_NUM_INT;
			return true;
		}
		return false;
	}
}

static bool close_container(struct jstate *s, char c)
{
	if (s->depth == 0 || s->stack[s->depth - 1] != (c == '}' ? '{' : '['))
		return false;
	s->depth--;
	value_done(s);
	return true;
}

/* A byte inside a string: UTF-8 checked, no control characters. */
static bool string_byte(struct jstate *s, unsigned char c)
{
	if (s->u.left > 0)
		return js_utf8_byte(&s->u, c);
	if (c == '"') {
		s->lex = s->key ? L_COLON : L_AFTER;
		if (!s->key)
			value_done(s);
		return true;
	}
	if (c == '\\') {
		s->lex = L_ESCAPE;
		s->esc = 0;
		return true;
	}
	return js_utf8_byte(&s->u, c);
}

static bool escape_byte(struct jstate *s, unsigned char c)
{
	int r = js_escape_byte(&s->esc, c, true);

	if (r == 0)
		s->lex = L_STRING;
	return r >= 0;
}

/* A byte that may end a number: what follows it is read as after a value. */
static bool number_end(struct jstate *s, unsigned char c);

static bool number_byte(struct jstate *s, unsigned char c)
{
	switch (s->lex) {
	case L_NUM_MINUS:
		if (!is_digit(c))
			return false;
		s->lex = c == '0' ? L_NUM_ZERO : L_NUM_INT;
		return true;
	case L_NUM_INT:
		if (is_digit(c))
			return true;
		/* fall through */
	case L_NUM_ZERO:
		if (c == '.') {
			s->lex = L_NUM_DOT;
			return true;
		}
		/* fall through */
	case L_NUM_FRAC:
		if (s->lex == L_NUM_FRAC && is_digit(c))
			return true;
		if (c == 'e' || c == 'E') {
			s->lex = L_NUM_E;
			return true;
		}
		return number_end(s, c);
	case L_NUM_DOT:
		s->lex = L_NUM_FRAC;
		return is_digit(c);
	case L_NUM_E:
		if (c == '+' || c == '-') {
			s->lex = L_NUM_ESIGN;
			return true;
		}
		/* fall through */
	case L_NUM_ESIGN:
		s->lex = L_NUM_EXP;
		return is_digit(c);
	default: /* L_NUM_EXP */
		return is_digit(c) || number_end(s, c);
	}
}

static bool json_byte(struct jstate *s, unsigned char c);

static bool number_end(struct jstate *s, unsigned char c)
{
	value_done(s);
	return json_byte(s, c);
}

/* Structural bytes: between values, keys and containers. */
static bool structure_byte(struct jstate *s, unsigned char c)
{
	if (is_ws(c))
		return ++s->ws <= WS_MAX && s->lex != L_DONE;
	s->ws = 0;
	switch (s->lex) {
	case L_VALUE:
		if (c == ']')
			return close_container(s, ']');
		/* fall through */
	case L_VALUE_ONLY:
		/* The outermost value is an object. */
		return (s->depth > 0 || c == '{') && value_start(s, c);
	case L_KEY: case L_KEY_ONLY:
		if (c == '}' && s->lex == L_KEY)
			return close_container(s, '}');
		if (c != '"')
			return false;
		s->lex = L_STRING;
		s->key = 1;
		return true;
	case L_COLON:
		s->lex = L_VALUE_ONLY;
		return c == ':';
	case L_AFTER:
		if (c == ',') {
			s->lex = s->stack[s->depth - 1] == '{' ? L_KEY_ONLY : L_VALUE_ONLY;
			return true;
		}
		return (c == '}' || c == ']') && close_container(s, (char)c);
	default: /* L_DONE */
		return false;
	}
}

static bool json_byte(struct jstate *s, unsigned char c)
{
	switch (s->lex) {
	case L_STRING:
		return string_byte(s, c);
	case L_ESCAPE:
		return escape_byte(s, c);
	case L_LITERAL:
		if (c != (unsigned char)*s->lit)
			return false;
		if (*++s->lit == '\0')
			value_done(s);
		return true;
	case L_NUM_MINUS: case L_NUM_ZERO: case L_NUM_INT: case L_NUM_DOT: case L_NUM_FRAC:
	case L_NUM_E: case L_NUM_ESIGN: case L_NUM_EXP:
		return number_byte(s, c);
	default:
		return structure_byte(s, c);
	}
}

bool tandem_llm_json_check(const char *text, size_t len, bool *complete)
{
	struct jstate s = { .lex = L_VALUE_ONLY };

	for (size_t i = 0; i < len; i++)
		if (!json_byte(&s, (unsigned char)text[i]))
			return false;
	*complete = s.lex == L_DONE;
	return true;
}

/* Each token's bytes, as a text continued by it shows them, side by
 * side in one block (the mask reads them all before each token). */
static int pieces_load(struct tandem_llm_json *j, const struct tandem_tok *t)
{
	struct tandem_buf all, b;
	int rc = 0;

	j->t = t;
	j->eos = tandem_tok_eos(t);
	j->n = tandem_tok_vocab_size(t);
	j->at = calloc(j->n, sizeof *j->at);
	j->len = calloc(j->n, sizeof *j->len);
	tandem_buf_init(&b, TANDEM_TOK_PIECE_MAX + 8);
	tandem_buf_init(&all, j->n * (TANDEM_TOK_PIECE_MAX + 8));
	if (j->at == NULL || j->len == NULL)
		rc = TANDEM_ENOMEM;
	for (size_t i = 0; rc == 0 && i < j->n; i++) {
		int32_t id = (int32_t)i;

		j->at[i] = (uint32_t)all.len;
		tandem_buf_reset(&b);
		if (tandem_tok_decode(t, &id, 1, TANDEM_TOK_MIDSTREAM, &b) != 0 || b.len == 0 ||
		    memchr(b.data, '\0', b.len) != NULL)
			continue;          /* control tokens and the like: never in JSON */
		rc = tandem_buf_append(&all, b.data, b.len);
		j->len[i] = (uint16_t)b.len;
	}
	j->bytes = rc == 0 ? tandem_buf_detach(&all, NULL) : NULL;
	if (rc == 0 && j->bytes == NULL)
		rc = TANDEM_ENOMEM;
	tandem_buf_release(&all);
	tandem_buf_release(&b);
	return rc;
}

int tandem_llm_json_new(const struct tandem_tok *t, struct tandem_diag *d,
			struct tandem_llm_json **out)
{
	struct tandem_llm_json *j = calloc(1, sizeof *j);
	int rc = j != NULL ? pieces_load(j, t) : TANDEM_ENOMEM;

	*out = NULL;
	if (rc != 0) {
		tandem_llm_json_free(j);
		return tandem_diag_add(d, TANDEM_SEV_ERROR, rc, "TANDEM-LLM-JSON", NULL, 0,
				       "no memory for the JSON constraint"), rc;
	}
	j->s.lex = L_VALUE_ONLY;
	*out = j;
	return 0;
}

int tandem_llm_json_new_schema(const struct tandem_tok *t, const char *schema_text, size_t len,
			       struct tandem_diag *d, struct tandem_llm_json **out)
{
	struct tandem_llm_schema *sc = NULL;
	int rc = tandem_llm_schema_new(schema_text, len, d, &sc);

	*out = NULL;
	if (rc == 0)
		rc = tandem_llm_json_new(t, d, out);
	if (rc == 0) {
		struct tandem_llm_json *j = *out;

		j->ss = malloc(sizeof *j->ss);
		if (j->ss == NULL || js_vocab_new(j->bytes, j->at, j->len, j->n, &j->voc) != 0) {
			tandem_llm_json_free(*out);
			*out = NULL;
			rc = TANDEM_ENOMEM;
			(void)tandem_diag_add(d, TANDEM_SEV_ERROR, rc, "TANDEM-LLM-JSON", NULL, 0,
					      "no memory for the JSON constraint");
		}
	}
	if (rc != 0) {
		tandem_llm_schema_free(sc);
		return rc;
	}
	(*out)->sc = sc;
	js_init(sc, (*out)->ss);
	return 0;
}

void tandem_llm_json_free(struct tandem_llm_json *j)
{
	if (j == NULL)
		return;
	tandem_free(j->bytes);
	free(j->at);
	free(j->len);
	free(j->ss);
	js_vocab_free(j->voc);
	tandem_llm_schema_free(j->sc);
	free(j);
}

/* Would the token keep the output a prefix of a JSON object (of an
 * instance of the schema)? */
static bool allowed(const struct tandem_llm_json *j, size_t id)
{
	const char *p = j->bytes + j->at[id];

	if (j->len[id] == 0)
		return false;
	if (j->sc != NULL) {
		struct js_state s;

		memcpy(&s, j->ss, js_state_size(j->ss));
		for (size_t k = 0; k < j->len[id]; k++)
			if (!js_byte(j->sc, &s, (unsigned char)p[k]))
				return false;
		return true;
	}
	struct jstate s = j->s;

	for (size_t k = 0; k < j->len[id]; k++)
		if (!json_byte(&s, (unsigned char)p[k]))
			return false;
	return true;
}

bool tandem_llm_json_done(const struct tandem_llm_json *j)
{
	return j->sc != NULL ? js_done(j->ss) : j->s.lex == L_DONE;
}

void tandem_llm_json_mask(const struct tandem_llm_json *j, float *logits)
{
	bool done = tandem_llm_json_done(j);

	if (j->sc != NULL && !done) {
		js_vocab_mask(j->voc, j->sc, j->ss, logits);
		return;
	}
	for (size_t i = 0; i < j->n; i++)
		if (done ? (int32_t)i != j->eos : !allowed(j, i))
			logits[i] = -INFINITY;
}

int tandem_llm_json_accept(struct tandem_llm_json *j, int32_t token)
{
	if (token == j->eos && tandem_llm_json_done(j))
		return 0;
	if (token < 0 || (size_t)token >= j->n || !allowed(j, (size_t)token))
		return TANDEM_EINVAL;
	for (size_t k = 0; k < j->len[token]; k++) {
		unsigned char c = (unsigned char)j->bytes[j->at[token] + k];

		if (j->sc != NULL)
			(void)js_byte(j->sc, j->ss, c);
		else
			(void)json_byte(&j->s, c);
	}
	return 0;
}
