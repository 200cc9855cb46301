/*
 * src/llm/chat.c - Mistral's instruct formats v1, v2 and v3, as
 * mistral-common (InstructRequestNormalizer, InstructTokenizerV1/V2/V3)
 * makes them: the conversation is checked (chat_check.c), normalised -
 *   - the system messages' contents joined by a blank line, into the
 *     system prompt (v1: before the first user message; v2, v3: before
 *     the last),
 *   - consecutive user messages merged (contents joined by a blank line),
 *     consecutive assistant messages too (their calls gathered), tool
 *     messages kept one by one,
 *   - an empty user message put first when the conversation does not
 *     begin with one -
 * and each message encoded apart, between control tokens: SentencePiece
 * encodes every text alone, with its own space prefix.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llm/chat_int.h"
#include "tandem/error.h"
#include "tandem/json.h"

#define ARENA_MAX (512u << 20)
#define JSON_TEXT_MAX TANDEM_TOK_TEXT_MAX

/* A message after normalisation. */
struct norm {
	enum tandem_chat_role role;               /* USER, ASSISTANT or TOOL */
	const char *text;                         /* user, assistant: the content */
	size_t len;
	const struct tandem_chat_message *tool;   /* TOOL: the message */
	const struct tandem_chat_call **calls;    /* ASSISTANT */
	size_t n_calls;
	bool prefix;
};

/* One encoding under way. */
struct enc {
	const struct tandem_tok *t;
	enum tandem_chat_format f;
	const struct tandem_chat *chat;
	int32_t *ids;
	size_t max, k;
	struct tandem_arena a;
	struct tandem_buf json;
	struct tandem_diag *d;
	const char *system;           /* the system prompt; NULL: none */
	size_t system_len;
	int32_t inst, end_inst, calls, tools, end_tools, results, end_results;
};

static int put_id(struct enc *e, int32_t id)
{
	if (e->k >= e->max)
		return chat_refuse(e->d, TANDEM_ELIMIT, "LIMIT", "the conversation needs more than "
				   "%zu tokens", e->max);
	e->ids[e->k++] = id;
	return 0;
}

/* A text encoded alone (its own space prefix), appended. */
static int put_text(struct enc *e, const char *s, size_t len)
{
	size_t m = 0;
	int rc = tandem_tok_encode(e->t, s, len, 0, e->ids + e->k, e->max - e->k, &m, e->d);

	e->k += m;
	return rc;
}

/* The strings of n parts joined by sep, skipping empty ones, in the arena. */
static const char *join(struct enc *e, const char *const *parts, size_t n, const char *sep,
			size_t *len)
{
	size_t total = 0, k = 0, sep_len = strlen(sep);
	char *out;

	for (size_t i = 0; i < n; i++)
		if (parts[i] != NULL && parts[i][0] != '\0')
			total += strlen(parts[i]) + sep_len;
	out = tandem_arena_alloc(&e->a, total + 1);
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (parts[i] == NULL || parts[i][0] == '\0')
			continue;
		if (k > 0) {
			memcpy(out + k, sep, sep_len);
			k += sep_len;
		}
		memcpy(out + k, parts[i], strlen(parts[i]));
		k += strlen(parts[i]);
	}
	out[k] = '\0';
	*len = k;
	return out;
}

/* The contents of messages [from, to) joined by a blank line. */
static const char *contents(struct enc *e, size_t from, size_t to, size_t *len)
{
	const char **parts = tandem_arena_calloc(&e->a, to - from + 1, sizeof *parts);

	if (parts == NULL)
		return NULL;
	for (size_t i = from; i < to; i++)
		parts[i - from] = e->chat->messages[i].content;
	return join(e, parts, to - from, "\n\n", len);
}

/* The run of messages of one role at [from, to) as normalised messages. */
static int group(struct enc *e, size_t from, size_t to, struct norm *out, size_t *n)
{
	const struct tandem_chat_message *m = e->chat->messages;
	struct norm *g = &out[*n];

	memset(g, 0, sizeof *g);
	g->role = m[from].role;
	if (g->role == TANDEM_CHAT_SYSTEM)
		return 0;
	if (g->role == TANDEM_CHAT_TOOL) {
		for (size_t i = from; i < to; i++)
			out[(*n)++] = (struct norm){ .role = TANDEM_CHAT_TOOL, .tool = &m[i] };
		return 0;
	}
	g->text = contents(e, from, to, &g->len);
	if (g->text == NULL)
		return tandem_arena_error(&e->a);
	if (g->role == TANDEM_CHAT_ASSISTANT) {
		size_t calls = 0;

		for (size_t i = from; i < to; i++) {
			calls += m[i].n_calls;
			g->prefix |= m[i].prefix;
		}
		g->calls = tandem_arena_calloc(&e->a, calls + 1,
					       sizeof(const struct tandem_chat_call *));
		if (g->calls == NULL)
			return tandem_arena_error(&e->a);
		for (size_t i = from; i < to; i++)
			for (size_t c = 0; c < m[i].n_calls; c++)
				g->calls[g->n_calls++] = &m[i].calls[c];
		if (g->n_calls > 0 && g->len > 0)
			return chat_refuse(e->d, TANDEM_EINVAL, "ASSISTANT", "messages %zu to %zu: "
					   "assistant messages in a row, with content and with calls, "
					   "cannot be merged", from, to - 1);
	}
	(*n)++;
	return 0;
}

/* The normalised conversation (*n messages, an empty user one first if
 * needed) and the system prompt. */
static int normalise(struct enc *e, struct norm **out, size_t *n)
{
	const struct tandem_chat_message *m = e->chat->messages;
	size_t nm = e->chat->n_messages, from = 0;
	const char **sys = tandem_arena_calloc(&e->a, nm + 1, sizeof *sys);
	struct norm *v = tandem_arena_calloc(&e->a, nm + 1, sizeof *v);
	int rc = 0;

	if (sys == NULL || v == NULL)
		return tandem_arena_error(&e->a);
	for (size_t i = 0; i < nm; i++)
		sys[i] = m[i].role == TANDEM_CHAT_SYSTEM ? m[i].content : NULL;
	e->system = join(e, sys, nm, "\n\n", &e->system_len);
	if (e->system == NULL)
		return tandem_arena_error(&e->a);
	if (e->system_len == 0)
		e->system = NULL;
	/* Room for the empty user message in front. */
	*n = 1;
	for (size_t i = 1; i <= nm && rc == 0; i++)
		if (i == nm || m[i].role != m[from].role) {
			rc = group(e, from, i, v, n);
			from = i;
		}
	if (rc != 0)
		return rc;
	if (*n > 1 && v[1].role == TANDEM_CHAT_USER) {
		*out = v + 1;
		(*n)--;
	} else {
		v[0] = (struct norm){ .role = TANDEM_CHAT_USER, .text = "", .len = 0 };
		*out = v;
	}
	return 0;
}

/* ---- JSON ---- */

/* A content or arguments text as mistral-common passes it on: the JSON
 * value it reads as, else the text as a string; nothing or "" is {}. */
static int put_value(struct enc *e, const char *s)
{
	struct tandem_diag local;
	struct tandem_json *v = NULL;
	int rc;

	if (s == NULL || s[0] == '\0')
		return tandem_buf_puts(&e->json, "{}");
	tandem_diag_init(&local, 1);
	rc = tandem_json_parse(s, strlen(s), &e->a, &v, &local);
	if (rc == 0)
		rc = tandem_json_write_py(v, &e->json);
	else if (rc == TANDEM_EBADINPUT)
		rc = tandem_json_string_py(&e->json, s, strlen(s));
	else if (local.count > 0)
		rc = chat_refuse(e->d, rc, "JSON", "JSON that mistral-common reads and tandem "
				 "does not: %s", local.items[0].message);
	tandem_diag_release(&local);
	return rc;
}

static int put_key(struct enc *e, const char *key, const char *s)
{
	int rc = tandem_buf_puts(&e->json, key);

	if (rc == 0)
		rc = s != NULL ? tandem_json_string_py(&e->json, s, strlen(s))
			       : tandem_buf_puts(&e->json, "null");
	return rc;
}

/* [{"type": "function", "function": {"name": ..., "description": ...,
 * "parameters": {...}}}, ...] */
static int tools_json(struct enc *e, const void *unused)
{
	(void)unused;
	int rc = tandem_buf_putc(&e->json, '[');

	for (size_t i = 0; i < e->chat->n_tools && rc == 0; i++) {
		const struct tandem_chat_tool *t = &e->chat->tools[i];
		const char *p = t->parameters != NULL ? t->parameters : "{}";
		size_t at;

		rc = put_key(e, i > 0 ? ", {\"type\": \"function\", \"function\": {\"name\": "
				      : "{\"type\": \"function\", \"function\": {\"name\": ", t->name);
		if (rc == 0)
			rc = put_key(e, ", \"description\": ",
				     t->description != NULL ? t->description : "");
		if (rc == 0)
			rc = tandem_buf_puts(&e->json, ", \"parameters\": ");
		at = e->json.len;
		if (rc == 0)
			rc = put_value(e, p);
		if (rc == 0 && e->json.data[at] != '{')
			return chat_refuse(e->d, TANDEM_EINVAL, "TOOLS", "tool %zu: the parameters "
					   "are not a JSON object", i);
		if (rc == 0)
			rc = tandem_buf_puts(&e->json, "}}");
	}
	return rc == 0 ? tandem_buf_putc(&e->json, ']') : rc;
}

/* [{"name": ..., "arguments": ...[, "id": ...]}, ...] */
static int calls_json(struct enc *e, const void *arg)
{
	const struct norm *m = arg;
	int rc = tandem_buf_putc(&e->json, '[');

	for (size_t i = 0; i < m->n_calls && rc == 0; i++) {
		const struct tandem_chat_call *c = m->calls[i];

		rc = put_key(e, i > 0 ? ", {\"name\": " : "{\"name\": ", c->name);
		if (rc == 0)
			rc = tandem_buf_puts(&e->json, ", \"arguments\": ");
		if (rc == 0)
			rc = put_value(e, c->arguments);
		if (rc == 0 && e->f == TANDEM_CHAT_MISTRAL_V3 && c->id != NULL &&
		    c->id[0] != '\0' && strcmp(c->id, "null") != 0)
			rc = put_key(e, ", \"id\": ", c->id);
		if (rc == 0)
			rc = tandem_buf_putc(&e->json, '}');
	}
	return rc == 0 ? tandem_buf_putc(&e->json, ']') : rc;
}

/* v2: [{"name": ..., "content": ...}]; v3: {"content": ..., "call_id": ...} */
static int result_json(struct enc *e, const void *arg)
{
	const struct tandem_chat_message *m = arg;
	int rc;

	if (e->f == TANDEM_CHAT_MISTRAL_V2) {
		rc = put_key(e, "[{\"name\": ", m->name);
		if (rc == 0)
			rc = tandem_buf_puts(&e->json, ", \"content\": ");
		if (rc == 0)
			rc = put_value(e, m->content);
		return rc == 0 ? tandem_buf_puts(&e->json, "}]") : rc;
	}
	rc = tandem_buf_puts(&e->json, "{\"content\": ");
	if (rc == 0)
		rc = put_value(e, m->content);
	if (rc == 0)
		rc = put_key(e, ", \"call_id\": ", m->call_id);
	return rc == 0 ? tandem_buf_putc(&e->json, '}') : rc;
}

/* The JSON text make(e, arg) writes, encoded alone. A failure of the
 * buffer (no finding yet) is its limit. */
static int put_json(struct enc *e, int (*make)(struct enc *, const void *), const void *arg)
{
	size_t errors = tandem_diag_count(e->d, TANDEM_SEV_ERROR);
	int rc;

	tandem_buf_reset(&e->json);
	rc = make(e, arg);
	if (rc != 0 && tandem_diag_count(e->d, TANDEM_SEV_ERROR) == errors)
		return chat_refuse(e->d, rc, "LIMIT", "a JSON text beyond %zu bytes, or no memory "
				   "for it", e->json.max);
	return rc == 0 ? put_text(e, e->json.data, e->json.len) : rc;
}

/* ---- the messages ---- */

/* Texts one after the other, as one text in the arena. */
static const char *concat(struct enc *e, const char *const *parts, size_t n, size_t *len)
{
	size_t total = 0;
	char *s;

	for (size_t i = 0; i < n; i++)
		total += parts[i] != NULL ? strlen(parts[i]) : 0;
	s = tandem_arena_alloc(&e->a, total + 1);
	if (s == NULL)
		return NULL;
	*len = 0;
	for (size_t i = 0; i < n; i++)
		if (parts[i] != NULL) {
			memcpy(s + *len, parts[i], strlen(parts[i]));
			*len += strlen(parts[i]);
		}
	s[*len] = '\0';
	return s;
}

static int user(struct enc *e, const struct norm *m, bool first, bool last)
{
	bool sys = e->system != NULL && (e->f == TANDEM_CHAT_MISTRAL_V1 ? first : last);
	/* v1: "[INST] {content} [/INST]" as one text; the system prompt and a
	 * blank line before the content. */
	const char *parts[5] = { "[INST] ", sys ? e->system : NULL, sys ? "\n\n" : NULL, m->text,
				 " [/INST]" };
	const char *text;
	size_t len = 0;
	int rc = 0;

	if (e->f == TANDEM_CHAT_MISTRAL_V1) {
		text = concat(e, parts, 5, &len);
		return text != NULL ? put_text(e, text, len) : tandem_arena_error(&e->a);
	}
	if (last && e->chat->n_tools > 0) {
		rc = put_id(e, e->tools);
		if (rc == 0)
			rc = put_json(e, tools_json, NULL);
		if (rc == 0)
			rc = put_id(e, e->end_tools);
	}
	if (rc == 0)
		rc = put_id(e, e->inst);
	text = concat(e, parts + 1, 3, &len);
	if (text == NULL)
		return tandem_arena_error(&e->a);
	if (rc == 0)
		rc = put_text(e, text, len);
	return rc == 0 ? put_id(e, e->end_inst) : rc;
}

static int assistant(struct enc *e, const struct norm *m, bool before_last_user)
{
	size_t len = m->len;
	int rc;

	if (m->n_calls > 0) {
		/* v2 leaves out the calls (and results) before the last user
		 * message; v3 keeps them. */
		if (e->f == TANDEM_CHAT_MISTRAL_V2 && before_last_user)
			return 0;
		rc = put_id(e, e->calls);
		if (rc == 0)
			rc = put_json(e, calls_json, m);
	} else {
		/* v2 and v3 drop the spaces at the end. */
		while (e->f != TANDEM_CHAT_MISTRAL_V1 && len > 0 && m->text[len - 1] == ' ')
			len--;
		rc = put_text(e, m->text, len);
	}
	return rc == 0 && !m->prefix ? put_id(e, tandem_tok_eos(e->t)) : rc;
}

static int tool(struct enc *e, const struct norm *m, bool before_last_user)
{
	int rc;

	if (e->f == TANDEM_CHAT_MISTRAL_V2 && before_last_user)
		return 0;
	rc = put_id(e, e->results);
	if (rc == 0)
		rc = put_json(e, result_json, m->tool);
	return rc == 0 ? put_id(e, e->end_results) : rc;
}

/* The control tokens of v2 and v3, each a refusal when missing. */
static int controls(struct enc *e)
{
	static const char *const names[] = { "[INST]", "[/INST]", "[TOOL_CALLS]",
					     "[AVAILABLE_TOOLS]", "[/AVAILABLE_TOOLS]",
					     "[TOOL_RESULTS]", "[/TOOL_RESULTS]" };
	int32_t *ids[] = { &e->inst, &e->end_inst, &e->calls, &e->tools, &e->end_tools,
			   &e->results, &e->end_results };

	if (tandem_tok_bos(e->t) < 0 || tandem_tok_eos(e->t) < 0)
		return chat_refuse(e->d, TANDEM_EUNSUPPORTED, "VOCAB", "the tokenizer has no BOS "
				   "or no EOS token");
	if (e->f == TANDEM_CHAT_MISTRAL_V1)
		return 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		*ids[i] = tandem_tok_control(e->t, names[i], strlen(names[i]));
		if (*ids[i] < 0)
			return chat_refuse(e->d, TANDEM_EUNSUPPORTED, "VOCAB", "the tokenizer has "
					   "no control token %s: it is not Mistral's v%d", names[i],
					   (int)e->f);
	}
	return 0;
}

static int encode(struct enc *e)
{
	struct norm *m = NULL;
	size_t n = 0, first = SIZE_MAX, last = 0;
	int rc = controls(e);

	if (rc == 0)
		rc = normalise(e, &m, &n);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (m[i].role == TANDEM_CHAT_USER) {
			first = first == SIZE_MAX ? i : first;
			last = i;
		}
	rc = put_id(e, tandem_tok_bos(e->t));
	for (size_t i = 0; i < n && rc == 0; i++) {
		switch (m[i].role) {
		case TANDEM_CHAT_USER: rc = user(e, &m[i], i == first, i == last); break;
		case TANDEM_CHAT_ASSISTANT: rc = assistant(e, &m[i], i < last); break;
		case TANDEM_CHAT_TOOL: rc = tool(e, &m[i], i < last); break;
		case TANDEM_CHAT_SYSTEM: break;
		}
	}
	return rc;
}

int tandem_chat_encode_mistral(const struct tandem_tok *t, enum tandem_chat_format format,
			       const struct tandem_chat *chat, int32_t *ids, size_t max,
			       size_t *n, struct tandem_diag *d)
{
	struct enc e = { .t = t, .f = format, .chat = chat, .ids = ids, .max = max, .d = d };
	int rc;

	*n = 0;
	rc = chat_check(format, chat, d);
	if (rc != 0)
		return rc;
	tandem_arena_init(&e.a, ARENA_MAX);
	tandem_buf_init(&e.json, JSON_TEXT_MAX);
	rc = encode(&e);
	if (rc == TANDEM_ENOMEM || (rc == TANDEM_ELIMIT && tandem_arena_error(&e.a) != 0))
		(void)chat_refuse(d, rc, "LIMIT", "no memory for the conversation");
	tandem_buf_release(&e.json);
	tandem_arena_release(&e.a);
	*n = rc == 0 ? e.k : 0;
	return rc;
}

int tandem_chat_encode(const struct tandem_tok *t, enum tandem_chat_format format,
		       const struct tandem_chat *chat, int32_t *ids, size_t max, size_t *n,
		       struct tandem_diag *d)
{
	if (format == TANDEM_CHAT_LLAMA3)
		return chat_encode_llama3(t, chat, ids, max, n, d);
	return tandem_chat_encode_mistral(t, format, chat, ids, max, n, d);
}

enum tandem_chat_format tandem_chat_format_of(const struct tandem_gguf *g,
					      const struct tandem_tok *t)
{
	static const char header[] = "<|start_header_id|>";
	struct tandem_gguf_str tpl = { "", 0 };

	(void)tandem_gguf_get_str(g, "tokenizer.chat_template", &tpl);
	for (size_t i = 0; i + sizeof header - 1 <= tpl.len; i++)
		if (memcmp(tpl.p + i, header, sizeof header - 1) == 0)
			return TANDEM_CHAT_LLAMA3;
	if (tandem_tok_control(t, header, sizeof header - 1) >= 0)
		return TANDEM_CHAT_LLAMA3;
	return tandem_tok_control(t, "[INST]", 6) >= 0 ? TANDEM_CHAT_MISTRAL_V3 :
							  TANDEM_CHAT_MISTRAL_V1;
}
