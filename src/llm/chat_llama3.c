/*
 * src/llm/chat_llama3.c - Llama 3's instruct format: BOS, then each message
 * as <|start_header_id|>ROLE<|end_header_id|> "\n\n" CONTENT <|eot_id|>
 * (the content with its leading and trailing white space taken off, as
 * the model's template does), then <|start_header_id|>assistant
 * <|end_header_id|> "\n\n" for the answer to come, or an assistant's
 * prefix left open. The text between control tokens is encoded alone,
 * never read for control tokens: a message cannot forge one.
 *
 * With tools, tool calls or tool results, the conversation is written as
 * Llama 3.1's template (its tokenizer.chat_template, JSON tool calling
 * with the tools in the first user message) writes it: a system header
 * first, always - "Environment: ipython" when there are tools, the
 * knowledge and today dates the template has by default, the system
 * message; the first user message after the instruction to answer with a
 * JSON call and each tool as Python's json.dumps(indent=4) writes
 * {"type": "function", "function": {...}}; a call as {"name": "NAME",
 * "parameters": ARGUMENTS} (one call a message, as the template allows);
 * a result under the header ipython as a JSON string (the template
 * passes content through tojson). Built-in tools are named after
 * "Environment: ipython" ("Tools: ...", code_interpreter left out); a call
 * of one is <|python_tag|>NAME.call(ARG="VALUE", ...), and with built-in
 * tools every call ends with <|eom_id|>, the end of a message that waits
 * for a tool's result.
 */
#include <stdlib.h>
#include <string.h>

#include "llm/chat_int.h"
#include "tandem/error.h"
#include "tandem/json.h"

struct l3 {
	const struct tandem_tok *t;
	int32_t *ids;
	size_t max, k;
	struct tandem_diag *d;
	const int32_t *ctl;       /* start, end of header, end of turn */
	const struct tandem_chat *chat;
	int32_t tag, eom;         /* <|python_tag|>, <|eom_id|>: built-in tools */
	struct tandem_buf text;   /* a text between control tokens */
	struct tandem_arena a;    /* JSON read from the conversation */
};

static int put_id(struct l3 *e, int32_t id)
{
	if (e->k >= e->max)
		return chat_refuse(e->d, TANDEM_ELIMIT, "LIMIT",
				   "the conversation needs more than %zu tokens", e->max);
	e->ids[e->k++] = id;
	return 0;
}

static int put_text(struct l3 *e, const char *s, size_t len)
{
	size_t n = 0;
	int rc = tandem_tok_encode(e->t, s, len, 0, e->ids + e->k, e->max - e->k, &n, e->d);

	e->k += n;
	return rc;
}

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* <|start_header_id|>role<|end_header_id|>. */
static int header(struct l3 *e, const char *role)
{
	int rc = put_id(e, e->ctl[0]);

	if (rc == 0)
		rc = put_text(e, role, strlen(role));
	return rc == 0 ? put_id(e, e->ctl[1]) : rc;
}

static const char *const role_names[] = { "system", "user", "assistant", "tool" };

static int message(struct l3 *e, const struct tandem_chat_message *m, const int32_t ctl[3],
		   bool open)
{
	const char *s = m->content != NULL ? m->content : "";
	size_t len = strlen(s);
	int rc;

	while (len > 0 && space(s[0]))
		s++, len--;
	while (len > 0 && space(s[len - 1]))
		len--;
	rc = header(e, role_names[m->role]);
	if (rc == 0) {
		/* "\n\n" and the content are one text between control tokens. */
		char *text = malloc(len + 3);
		if (text == NULL)
			return TANDEM_ENOMEM;
		text[0] = '\n';
		text[1] = '\n';
		memcpy(text + 2, s, len);
		text[len + 2] = '\0';
		rc = put_text(e, text, len + 2);
		free(text);
	}
	if (rc == 0 && !open)
		rc = put_id(e, ctl[2]);
	return rc;
}

/* ---- Llama 3.1's tools ---- */

/* Defaults of Llama 3.1's template. */
#define L31_KNOWLEDGE "Cutting Knowledge Date: December 2023\n"
#define L31_TODAY "Today Date: 26 Jul 2024\n\n"
#define L31_ASK "Given the following functions, please respond with a JSON for a function call " \
		"with its proper arguments that best answers the given prompt.\n\n" \
		"Respond in the format {\"name\": function name, \"parameters\": dictionary of " \
		"argument name and its value}.Do not use variables.\n\n"

/* The header, then e->text, then <|eot_id|> unless open. */
static int turn(struct l3 *e, const char *role, bool open)
{
	int rc = header(e, role);

	if (rc == 0)
		rc = put_text(e, e->text.data, e->text.len);
	if (rc == 0 && !open)
		rc = put_id(e, e->ctl[2]);
	tandem_buf_reset(&e->text);
	return rc;
}

/* s trimmed of white space at both ends, appended to e->text. */
static int put_trimmed(struct l3 *e, const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0;

	while (len > 0 && space(s[0]))
		s++, len--;
	while (len > 0 && space(s[len - 1]))
		len--;
	return tandem_buf_append(&e->text, s, len);
}

/* JSON text s (nothing or "": {}) read into *v; not JSON: the text as a
 * string, as a template that gets a string writes it. */
static int json_of(struct l3 *e, const char *s, struct tandem_json *v)
{
	struct tandem_json *p = NULL;
	struct tandem_diag local;
	int rc;

	*v = (struct tandem_json){ .type = TANDEM_JSON_OBJECT };
	if (s == NULL || s[0] == '\0')
		return 0;
	tandem_diag_init(&local, 1);
	rc = tandem_json_parse(s, strlen(s), &e->a, &p, &local);
	if (rc == 0)
		*v = *p;
	else if (rc == TANDEM_EBADINPUT)
		*v = (struct tandem_json){ .type = TANDEM_JSON_STRING, .n = strlen(s), .u.s = s };
	else
		rc = chat_refuse(e->d, rc, "JSON", "%s", local.count > 0 ? local.items[0].message
							       : "JSON not read");
	tandem_diag_release(&local);
	return rc == TANDEM_EBADINPUT ? 0 : rc;
}

/* {"type": "function", "function": {"name": ..., "description": ...,
 * "parameters": ...}} with indent=4, then a blank line. */
static int put_tool(struct l3 *e, const struct tandem_chat_tool *t, size_t i)
{
	struct tandem_json_member fn[3], top[2];
	struct tandem_json params;
	size_t nf = 0;
	int rc = json_of(e, t->parameters, &params);

	if (rc != 0)
		return rc;
	if (params.type != TANDEM_JSON_OBJECT)
		return chat_refuse(e->d, TANDEM_EINVAL, "TOOLS", "tool %zu: the parameters are not "
				   "a JSON object", i + 1);
	fn[nf++] = (struct tandem_json_member){ "name", 4, { .type = TANDEM_JSON_STRING,
				.n = strlen(t->name), .u.s = t->name } };
	if (t->description != NULL)
		fn[nf++] = (struct tandem_json_member){ "description", 11, { .type =
				TANDEM_JSON_STRING, .n = strlen(t->description), .u.s = t->description } };
	fn[nf++] = (struct tandem_json_member){ "parameters", 10, params };
	top[0] = (struct tandem_json_member){ "type", 4, { .type = TANDEM_JSON_STRING, .n = 8,
				.u.s = "function" } };
	top[1] = (struct tandem_json_member){ "function", 8, { .type = TANDEM_JSON_OBJECT,
				.n = nf, .u.members = fn } };
	struct tandem_json tool = { .type = TANDEM_JSON_OBJECT, .n = 2, .u.members = top };
	rc = tandem_json_write_py_indent(&tool, 4, &e->text);
	return rc == 0 ? tandem_buf_puts(&e->text, "\n\n") : rc;
}

/* A built-in tool's call: NAME.call(ARG="VALUE", ...), each value a
 * string put in as it is, as the template joins them. */
static int put_builtin_call(struct l3 *e, const struct tandem_chat_call *c,
			    const struct tandem_json *args, size_t i)
{
	int rc = tandem_buf_puts(&e->text, c->name);

	if (args->type != TANDEM_JSON_OBJECT)
		return chat_refuse(e->d, TANDEM_EINVAL, "CALLS", "message %zu: the arguments "
				   "of a built-in tool are not a JSON object", i + 1);
	if (rc == 0)
		rc = tandem_buf_puts(&e->text, ".call(");
	for (size_t k = 0; k < args->n && rc == 0; k++) {
		const struct tandem_json_member *m = &args->u.members[k];
		if (m->value.type != TANDEM_JSON_STRING)
			return chat_refuse(e->d, TANDEM_EINVAL, "CALLS", "message %zu: argument "
					   "%s of a built-in tool is not a string", i + 1, m->key);
		if (k > 0)
			rc = tandem_buf_puts(&e->text, ", ");
		if (rc == 0)
			rc = tandem_buf_append(&e->text, m->key, m->key_len);
		if (rc == 0)
			rc = tandem_buf_puts(&e->text, "=\"");
		if (rc == 0)
			rc = tandem_buf_append(&e->text, m->value.u.s, m->value.n);
		if (rc == 0)
			rc = tandem_buf_putc(&e->text, '"');
	}
	return rc == 0 ? tandem_buf_putc(&e->text, ')') : rc;
}

/* An assistant's call: {"name": "NAME", "parameters": ARGUMENTS}, or a
 * built-in tool's after <|python_tag|>; <|eom_id|> after it when there
 * are built-in tools, else <|eot_id|>. */
static int put_call(struct l3 *e, const struct tandem_chat_message *m, size_t i)
{
	const struct tandem_chat_call *c = &m->calls[0];
	bool tag = chat_builtin(e->chat, c->name);
	struct tandem_json args;
	int rc;

	if (m->n_calls != 1 || (m->content != NULL && m->content[0] != '\0'))
		return chat_refuse(e->d, TANDEM_EINVAL, "CALLS", "message %zu: Llama 3.1 takes "
				   "one call a message, without content", i + 1);
	rc = json_of(e, c->arguments, &args);
	if (rc == 0)
		rc = header(e, "assistant");
	if (rc == 0)
		rc = put_text(e, "\n\n", 2);
	if (rc == 0 && tag) {
		rc = put_id(e, e->tag);
		if (rc == 0)
			rc = put_builtin_call(e, c, &args, i);
	} else if (rc == 0) {
		rc = tandem_buf_puts(&e->text, "{\"name\": \"");
		if (rc == 0)
			rc = tandem_buf_puts(&e->text, c->name);
		if (rc == 0)
			rc = tandem_buf_puts(&e->text, "\", \"parameters\": ");
		if (rc == 0)
			rc = tandem_json_write_py(&args, &e->text);
		if (rc == 0)
			rc = tandem_buf_putc(&e->text, '}');
	}
	if (rc == 0)
		rc = put_text(e, e->text.data, e->text.len);
	tandem_buf_reset(&e->text);
	return rc == 0 ? put_id(e, e->chat->n_builtin_tools > 0 ? e->eom : e->ctl[2]) : rc;
}

/* Function names as the other formats take them: [a-zA-Z0-9_-]{1,64}. */
static bool good_name(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	for (size_t i = 0; i < n; i++)
		if (!((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '_' && s[i] != '-')
			return false;
	return n >= 1 && n <= 64;
}

static int tools_names(struct l3 *e, const struct tandem_chat *chat)
{
	for (size_t i = 0; i < chat->n_builtin_tools; i++)
		if (!good_name(chat->builtin_tools[i]))
			return chat_refuse(e->d, TANDEM_EINVAL, "NAME", "built-in tool %zu: a name "
					   "outside [a-zA-Z0-9_-]{1,64}", i + 1);
	for (size_t i = 0; i < chat->n_tools; i++)
		if (!good_name(chat->tools[i].name))
			return chat_refuse(e->d, TANDEM_EINVAL, "NAME", "tool %zu: a function name "
					   "outside [a-zA-Z0-9_-]{1,64}", i + 1);
	for (size_t i = 0; i < chat->n_messages; i++)
		for (size_t k = 0; k < chat->messages[i].n_calls; k++)
			if (!good_name(chat->messages[i].calls[k].name))
				return chat_refuse(e->d, TANDEM_EINVAL, "NAME", "message %zu: a "
						   "function name outside [a-zA-Z0-9_-]{1,64}", i + 1);
	return 0;
}

/* The conversation as Llama 3.1's template writes one with tools. */
static int with_tools(struct l3 *e, const struct tandem_chat *chat)
{
	size_t i = 0;
	int rc = tools_names(e, chat);

	if (rc == 0)
		rc = tandem_buf_puts(&e->text, chat->n_tools > 0 || chat->n_builtin_tools > 0
						       ? "\n\nEnvironment: ipython\n" : "\n\n");
	if (rc == 0 && chat->n_builtin_tools > 0) {
		/* "Tools: " + the names but code_interpreter, joined by ", ". */
		bool first = true;
		rc = tandem_buf_puts(&e->text, "Tools: ");
		for (size_t k = 0; k < chat->n_builtin_tools && rc == 0; k++) {
			if (strcmp(chat->builtin_tools[k], "code_interpreter") == 0)
				continue;
			if (!first)
				rc = tandem_buf_puts(&e->text, ", ");
			if (rc == 0)
				rc = tandem_buf_puts(&e->text, chat->builtin_tools[k]);
			first = false;
		}
		if (rc == 0)
			rc = tandem_buf_puts(&e->text, "\n\n");
	}
	if (rc == 0)
		rc = tandem_buf_puts(&e->text, L31_KNOWLEDGE L31_TODAY);
	if (rc == 0 && chat->messages[0].role == TANDEM_CHAT_SYSTEM)
		rc = put_trimmed(e, chat->messages[i++].content);
	if (rc == 0)
		rc = turn(e, "system", false);
	if (rc == 0 && chat->n_tools > 0) {
		if (i == chat->n_messages || chat->messages[i].role != TANDEM_CHAT_USER)
			return chat_refuse(e->d, TANDEM_EINVAL, "FIRST", "message %zu: Llama 3.1 "
					   "puts the tools in the first user message, and this is "
					   "not one", i + 1);
		rc = tandem_buf_puts(&e->text, "\n\n" L31_ASK);
		for (size_t k = 0; k < chat->n_tools && rc == 0; k++)
			rc = put_tool(e, &chat->tools[k], k);
		if (rc == 0)
			rc = put_trimmed(e, chat->messages[i++].content);
		if (rc == 0)
			rc = turn(e, "user", false);
	}
	for (; i < chat->n_messages && rc == 0; i++) {
		const struct tandem_chat_message *m = &chat->messages[i];

		if (m->role == TANDEM_CHAT_TOOL) {
			const char *c = m->content != NULL ? m->content : "";
			rc = tandem_buf_puts(&e->text, "\n\n");
			if (rc == 0)
				rc = tandem_json_string_py(&e->text, c, strlen(c));
			if (rc == 0)
				rc = turn(e, "ipython", false);
		} else if (m->n_calls > 0) {
			rc = put_call(e, m, i);
		} else {
			rc = message(e, m, e->ctl, m->prefix);
		}
	}
	return rc;
}

int chat_encode_llama3(const struct tandem_tok *t, const struct tandem_chat *chat, int32_t *ids,
		       size_t max, size_t *n, struct tandem_diag *d)
{
	static const char *const names[3] = { "<|start_header_id|>", "<|end_header_id|>",
					      "<|eot_id|>" };
	int32_t ctl[3];
	struct l3 e = { t, ids, max, 0, d, ctl, chat, -1, -1, { 0 }, { 0 } };
	bool tools = chat->n_tools > 0 || chat->n_builtin_tools > 0;
	const struct tandem_chat_message *last;
	int rc = 0;

	*n = 0;
	for (int i = 0; i < 3; i++)
		if ((ctl[i] = tandem_tok_control(t, names[i], strlen(names[i]))) < 0)
			return chat_refuse(d, TANDEM_EINVAL, "FORMAT", "the vocabulary has no %s "
					   "control token: not Llama 3's", names[i]);
	if (chat->n_messages == 0)
		return chat_refuse(d, TANDEM_EINVAL, "EMPTY", "the conversation has no message");
	if (chat->n_tools > TANDEM_CHAT_TOOLS_MAX || chat->n_builtin_tools > TANDEM_CHAT_TOOLS_MAX)
		return chat_refuse(d, TANDEM_ELIMIT, "LIMIT", "more than %d tools",
				   TANDEM_CHAT_TOOLS_MAX);
	if (chat->n_builtin_tools > 0 &&
	    ((e.tag = tandem_tok_control(t, "<|python_tag|>", 14)) < 0 ||
	     (e.eom = tandem_tok_control(t, "<|eom_id|>", 10)) < 0))
		return chat_refuse(d, TANDEM_EINVAL, "FORMAT", "the vocabulary has no "
				   "<|python_tag|> or <|eom_id|> control token: no built-in tools");
	for (size_t i = 0; i < chat->n_messages; i++) {
		const struct tandem_chat_message *m = &chat->messages[i];

		tools = tools || m->role == TANDEM_CHAT_TOOL || m->n_calls > 0;
		if (m->prefix && (i + 1 != chat->n_messages || m->role != TANDEM_CHAT_ASSISTANT))
			return chat_refuse(d, TANDEM_EINVAL, "PREFIX", "message %zu: only the last "
					   "message, an assistant's, can be a prefix", i + 1);
	}
	last = &chat->messages[chat->n_messages - 1];
	if (last->role != TANDEM_CHAT_USER && !last->prefix &&
	    !(tools && last->role == TANDEM_CHAT_TOOL))
		return chat_refuse(d, TANDEM_EINVAL, "LAST", "the last message is neither a "
				   "user's, a tool's result nor an assistant's prefix");
	tandem_buf_init(&e.text, TANDEM_JSON_TEXT_MAX);
	tandem_arena_init(&e.a, 64u << 20);
	if (tandem_tok_bos(t) >= 0)
		rc = put_id(&e, tandem_tok_bos(t));
	if (rc == 0 && tools)
		rc = with_tools(&e, chat);
	for (size_t i = 0; i < chat->n_messages && rc == 0 && !tools; i++)
		rc = message(&e, &chat->messages[i], ctl, chat->messages[i].prefix);
	if (rc == 0 && !last->prefix) {
		struct tandem_chat_message answer = { .role = TANDEM_CHAT_ASSISTANT, .content = "" };
		rc = message(&e, &answer, ctl, true);
	}
	tandem_buf_release(&e.text);
	tandem_arena_release(&e.a);
	*n = rc == 0 ? e.k : 0;
	return rc;
}
