/*
 * src/llm/chat_answer.c - a model's answer read back as an assistant
 * message: its text, or the tool calls it makes, as each format writes
 * them (tandem_chat_answer in tandem/chat.h).
 *
 * Mistral v2/v3 put [TOOL_CALLS] before a JSON list of calls. Llama 3.1
 * answers a call of a custom tool with one JSON object, {"name": ...,
 * "parameters": ...}, sometimes after <|python_tag|>; a built-in tool's
 * call is <|python_tag|>NAME.call(ARG="VALUE", ...), and code for
 * code_interpreter is the bare text after <|python_tag|>. A call of a
 * function that was not offered is refused, never passed on.
 */
#include <string.h>

#include "llm/chat_int.h"
#include "tandem/buf.h"
#include "tandem/error.h"
#include "tandem/json.h"

#define ANSWER_TEXT_MAX  TANDEM_JSON_TEXT_MAX
#define BUILTIN_ARGS_MAX 64 /* arguments of a built-in tool's call */

struct reader {
	const struct tandem_tok *t;
	const struct tandem_chat *chat;
	struct tandem_arena *a;
	struct tandem_diag *d;
	struct tandem_chat_message *out;
};

#define REFUSE(r, ...) chat_refuse((r)->d, TANDEM_EBADINPUT, "ANSWER", __VA_ARGS__)

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* *s (*len bytes) without the white space at both ends. */
static void trim(const char **s, size_t *len)
{
	while (*len > 0 && blank((*s)[0]))
		(*s)++, (*len)--;
	while (*len > 0 && blank((*s)[*len - 1]))
		(*len)--;
}

/* The text of ids into a NUL-terminated copy in the arena; NULL and
 * *rc on failure. trimmed: without the white space at both ends. */
static char *text_of(struct reader *r, const int32_t *ids, size_t n, bool trimmed, size_t *len,
		     int *rc)
{
	struct tandem_buf b;
	const char *s;
	char *copy = NULL;

	tandem_buf_init(&b, ANSWER_TEXT_MAX);
	*rc = tandem_tok_decode(r->t, ids, n, 0, &b);
	if (*rc == TANDEM_EINVAL)
		(void)chat_refuse(r->d, *rc, "ANSWER", "an id outside the vocabulary");
	s = b.data != NULL ? b.data : "";
	*len = b.len;
	if (trimmed)
		trim(&s, len);
	if (*rc == 0 && (copy = tandem_arena_strndup(r->a, s, *len)) == NULL)
		*rc = TANDEM_ENOMEM;
	tandem_buf_release(&b);
	return *rc == 0 ? copy : NULL;
}

static bool offered(const struct tandem_chat *chat, const char *name)
{
	for (size_t i = 0; chat != NULL && i < chat->n_tools; i++)
		if (chat->tools[i].name != NULL && strcmp(chat->tools[i].name, name) == 0)
			return true;
	return false;
}

bool chat_builtin(const struct tandem_chat *chat, const char *name)
{
	for (size_t i = 0; chat != NULL && i < chat->n_builtin_tools; i++)
		if (strcmp(chat->builtin_tools[i], name) == 0)
			return true;
	return false;
}

/* v as JSON text in the arena (json.dumps' form). */
static const char *json_text(struct reader *r, const struct tandem_json *v, int *rc)
{
	struct tandem_buf b;
	const char *s = NULL;

	tandem_buf_init(&b, ANSWER_TEXT_MAX);
	*rc = tandem_json_write_py(v, &b);
	if (*rc == 0 && (s = tandem_arena_strndup(r->a, b.data != NULL ? b.data : "",
						  b.len)) == NULL)
		*rc = TANDEM_ENOMEM;
	tandem_buf_release(&b);
	return s;
}

/* One call from {"name": ..., args_key: {...}[, "id": ...]} into *c. */
static int read_call(struct reader *r, const struct tandem_json *v, const char *args_key,
		     bool builtin_too, struct tandem_chat_call *c)
{
	const struct tandem_json *name = tandem_json_get(v, "name");
	const struct tandem_json *args = tandem_json_get(v, args_key);
	const struct tandem_json *id = tandem_json_get(v, "id");
	int rc = 0;

	if (args == NULL && strcmp(args_key, "parameters") == 0)
		args = tandem_json_get(v, "arguments");
	if (name == NULL || name->type != TANDEM_JSON_STRING)
		return REFUSE(r, "a call without a function name");
	if (!offered(r->chat, name->u.s) && !(builtin_too && chat_builtin(r->chat, name->u.s)))
		return REFUSE(r, "the model called %s, which is not one of the tools offered",
			      name->u.s);
	if (args != NULL && args->type != TANDEM_JSON_OBJECT)
		return REFUSE(r, "the arguments of the call of %s are not a JSON object",
			      name->u.s);
	c->name = name->u.s;
	c->arguments = args != NULL ? json_text(r, args, &rc) : "{}";
	c->id = id != NULL && id->type == TANDEM_JSON_STRING ? id->u.s : NULL;
	return rc;
}

/* Room for n calls in the message: its calls, or NULL and *rc. */
static struct tandem_chat_call *calls_room(struct reader *r, size_t n, int *rc)
{
	struct tandem_chat_call *calls = NULL;

	if (n > TANDEM_CHAT_CALLS_MAX)
		*rc = chat_refuse(r->d, TANDEM_ELIMIT, "ANSWER", "more than %d calls in one "
				  "answer", TANDEM_CHAT_CALLS_MAX);
	else if ((calls = tandem_arena_calloc(r->a, n > 0 ? n : 1, sizeof *calls)) == NULL)
		*rc = TANDEM_ENOMEM;
	else
		*rc = 0;
	r->out->calls = calls;
	r->out->n_calls = calls != NULL ? n : 0;
	return calls;
}

/* Mistral: the JSON list (or one object) after [TOOL_CALLS]. */
static int mistral_calls(struct reader *r, const char *s, size_t len)
{
	struct tandem_json *v = NULL;
	struct tandem_diag local;
	int rc;

	tandem_diag_init(&local, 1);
	rc = tandem_json_parse(s, len, r->a, &v, &local);
	tandem_diag_release(&local);
	if (rc == TANDEM_ENOMEM)
		return rc;
	if (rc != 0 || (v->type != TANDEM_JSON_ARRAY && v->type != TANDEM_JSON_OBJECT))
		return REFUSE(r, "the text after [TOOL_CALLS] is not a JSON list of calls");
	size_t n = v->type == TANDEM_JSON_ARRAY ? v->n : 1;
	if (n == 0)
		return REFUSE(r, "an empty list of calls after [TOOL_CALLS]");
	struct tandem_chat_call *calls = calls_room(r, n, &rc);
	for (size_t i = 0; i < n && calls != NULL && rc == 0; i++) {
		const struct tandem_json *c = v->type == TANDEM_JSON_ARRAY ? &v->u.items[i] : v;
		if (c->type != TANDEM_JSON_OBJECT)
			return REFUSE(r, "a call after [TOOL_CALLS] is not a JSON object");
		rc = read_call(r, c, "arguments", false, &calls[i]);
	}
	return rc;
}

/* Llama 3.1: s as {"name": ..., "parameters": ...}. 1 when it is such a
 * call (read into the message), 0 when it is not JSON of that shape. */
static int llama_json_call(struct reader *r, const char *s, size_t len, bool builtin_too)
{
	struct tandem_json *v = NULL;
	struct tandem_diag local;
	int rc;

	if (len == 0 || s[0] != '{')
		return 0;
	tandem_diag_init(&local, 1);
	rc = tandem_json_parse(s, len, r->a, &v, &local);
	tandem_diag_release(&local);
	if (rc == TANDEM_ENOMEM)
		return rc;
	if (rc != 0 || v->type != TANDEM_JSON_OBJECT || tandem_json_get(v, "name") == NULL ||
	    (tandem_json_get(v, "parameters") == NULL && tandem_json_get(v, "arguments") == NULL))
		return 0;
	struct tandem_chat_call *call = calls_room(r, 1, &rc);
	if (call != NULL)
		rc = read_call(r, v, "parameters", builtin_too, call);
	return rc == 0 ? 1 : rc;
}

/* The character escape \\e stands for in Python; '\\' when it is none
 * of the escapes read here. */
static char unescape(char e)
{
	switch (e) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case '\\': case '\'': case '"': return e;
	default: return '\\';
	}
}

/* A Python string literal at s[*i] ('...' or "...", backslash escapes)
 * into b; false when there is none. */
static bool py_string(const char *s, size_t len, size_t *i, struct tandem_buf *b)
{
	if (*i >= len || (s[*i] != '"' && s[*i] != '\''))
		return false;
	char q = s[*i];
	for (size_t k = *i + 1; k < len; k++) {
		char c = s[k];
		if (c == q) {
			*i = k + 1;
			return true;
		}
		if (c == '\\' && k + 1 < len) {
			c = unescape(s[++k]);
			if (c == '\\' && s[k] != '\\' && tandem_buf_putc(b, '\\') != 0)
				return false; /* an unknown escape: kept as it is */
			if (c == '\\' && s[k] != '\\')
				c = s[k];
		}
		if (tandem_buf_putc(b, c) != 0)
			return false;
	}
	return false;
}

static bool ident_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

/* One argument NAME="VALUE" at s[*i] into m, the value read into b: 1,
 * 0 when it is not of that form, or an error. */
static int read_arg(struct reader *r, const char *s, size_t len, size_t *i,
		    struct tandem_buf *b, struct tandem_json_member *m)
{
	size_t k0 = *i, k1;

	while (*i < len && ident_char(s[*i], *i == k0))
		(*i)++;
	k1 = *i;
	while (*i < len && blank(s[*i]))
		(*i)++;
	if (k1 == k0 || *i == len || s[(*i)++] != '=')
		return 0;
	while (*i < len && blank(s[*i]))
		(*i)++;
	tandem_buf_reset(b);
	if (!py_string(s, len, i, b))
		return 0;
	m->key = tandem_arena_strndup(r->a, s + k0, k1 - k0);
	m->key_len = k1 - k0;
	m->value = (struct tandem_json){ .type = TANDEM_JSON_STRING, .n = b->len,
		.u.s = tandem_arena_strndup(r->a, b->data != NULL ? b->data : "", b->len) };
	return m->key == NULL || m->value.u.s == NULL ? TANDEM_ENOMEM : 1;
}

/* The arguments ARG="VALUE", ... (s[i .. len)) into obj: 1, 0 when they
 * are not of that form, or an error. */
static int read_args(struct reader *r, const char *s, size_t len, size_t i,
		     struct tandem_json *obj)
{
	struct tandem_buf b;
	int rc = 1;

	tandem_buf_init(&b, ANSWER_TEXT_MAX);
	for (;;) {
		while (i < len && blank(s[i]))
			i++;
		if (i == len)
			break;
		if (obj->n == BUILTIN_ARGS_MAX ||
		    (rc = read_arg(r, s, len, &i, &b, &obj->u.members[obj->n])) != 1)
			break;
		obj->n++;
		while (i < len && blank(s[i]))
			i++;
		if (i < len && s[i] != ',') {
			rc = 0;
			break;
		}
		i += i < len;
	}
	tandem_buf_release(&b);
	return obj->n == BUILTIN_ARGS_MAX && i < len ? 0 : rc;
}

/* NAME.call(ARG="VALUE", ...) with NAME a built-in tool offered: 1 and the
 * call read, 0 when s is not of that form. */
static int builtin_call(struct reader *r, const char *s, size_t len)
{
	struct tandem_json_member args[BUILTIN_ARGS_MAX];
	struct tandem_json obj = { .type = TANDEM_JSON_OBJECT, .u.members = args };
	size_t i = 0;
	int rc;

	while (i < len && ident_char(s[i], i == 0))
		i++;
	if (i == 0 || len - i < 7 || memcmp(s + i, ".call(", 6) != 0 || s[len - 1] != ')')
		return 0;
	char *name = tandem_arena_strndup(r->a, s, i);
	if (name == NULL)
		return TANDEM_ENOMEM;
	if (!chat_builtin(r->chat, name))
		return 0;
	rc = read_args(r, s, len - 1, i + 6, &obj);
	if (rc != 1)
		return rc;
	struct tandem_chat_call *call = calls_room(r, 1, &rc);
	if (call != NULL) {
		call->name = name;
		call->arguments = json_text(r, &obj, &rc);
	}
	return rc == 0 ? 1 : rc;
}

/* Llama 3.1: the text after <|python_tag|>. */
static int llama_tagged(struct reader *r, const char *s, size_t len)
{
	int rc = llama_json_call(r, s, len, true);

	if (rc == 0)
		rc = builtin_call(r, s, len);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (!chat_builtin(r->chat, "code_interpreter"))
		return REFUSE(r, "the text after <|python_tag|> is no call of a tool offered");
	struct tandem_json_member code = { "code", 4, { .type = TANDEM_JSON_STRING, .n = len,
							.u.s = s } };
	struct tandem_json obj = { .type = TANDEM_JSON_OBJECT, .n = 1, .u.members = &code };
	struct tandem_chat_call *call = calls_room(r, 1, &rc);
	if (call != NULL) {
		call->name = "code_interpreter";
		call->arguments = json_text(r, &obj, &rc);
	}
	return rc;
}

static int32_t control(const struct tandem_tok *t, const char *name)
{
	return tandem_tok_control(t, name, strlen(name));
}

/* The position of the first id that is tag in ids; n when none. */
static size_t find(const int32_t *ids, size_t n, int32_t tag)
{
	size_t i = 0;

	while (tag >= 0 && i < n && ids[i] != tag)
		i++;
	return i;
}

int tandem_chat_answer(const struct tandem_tok *t, enum tandem_chat_format format,
		       const struct tandem_chat *chat, const int32_t *ids, size_t n,
		       struct tandem_arena *a, struct tandem_chat_message *out,
		       struct tandem_diag *d)
{
	struct reader r = { t, chat, a, d, out };
	bool llama = format == TANDEM_CHAT_LLAMA3;
	int32_t tag = llama ? control(t, "<|python_tag|>")
			    : format == TANDEM_CHAT_MISTRAL_V1 ? -1 : control(t, "[TOOL_CALLS]");
	size_t k, len;
	int rc;

	*out = (struct tandem_chat_message){ .role = TANDEM_CHAT_ASSISTANT };
	if (n > 0 && (ids[n - 1] == tandem_tok_eos(t) ||
		      (llama && (ids[n - 1] == control(t, "<|eot_id|>") ||
				 ids[n - 1] == control(t, "<|eom_id|>")))))
		n--;
	k = find(ids, n, tag);
	if (k == n) {
		/* No tag: text, or Llama 3.1's call of a custom tool. */
		const char *s = text_of(&r, ids, n, false, &len, &rc);
		if (rc != 0)
			return rc;
		out->content = s;
		if (!llama || chat == NULL || chat->n_tools == 0)
			return 0;
		trim(&s, &len);
		rc = llama_json_call(&r, s, len, false);
		if (rc == 1)
			out->content = NULL;
		return rc == 1 ? 0 : rc;
	}
	const char *before = text_of(&r, ids, k, true, &len, &rc);
	if (rc != 0)
		return rc;
	out->content = len > 0 ? before : NULL;
	const char *s = text_of(&r, ids + k + 1, n - k - 1, true, &len, &rc);
	if (rc != 0)
		return rc;
	return llama ? llama_tagged(&r, s, len) : mistral_calls(&r, s, len);
}
