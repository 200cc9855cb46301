/*
 * src/llm/chat_json.c - a conversation read from a chat-completion request
 * in JSON ({"messages": [...], "tools": [...]}), the form mistral-common's
 * and OpenAI's APIs take, into the structures of tandem/chat.h.
 */
#include <string.h>

#include "llm/chat_int.h"
#include "tandem/error.h"
#include "tandem/json.h"

#define RULE "JSON"

struct reader {
	struct tandem_arena *a;
	struct tandem_diag *d;
	struct tandem_buf text;     /* an object written back as JSON text */
};

static int bad(struct reader *r, const char *where, size_t i, const char *what)
{
	return chat_refuse(r->d, TANDEM_EBADINPUT, RULE, "%s %zu: %s", where, i, what);
}

/* A member that is a string (*out), or null or missing (*out NULL); false
 * for another type or a string holding NUL (no C string can). */
static bool str(const struct tandem_json *obj, const char *key, const char **out)
{
	const struct tandem_json *v = tandem_json_get(obj, key);

	*out = NULL;
	if (v == NULL || v->type == TANDEM_JSON_NULL)
		return true;
	if (v->type != TANDEM_JSON_STRING || strlen(v->u.s) != v->n)
		return false;
	*out = v->u.s;
	return true;
}

/* A JSON value written back as text, in the arena. */
static const char *as_text(struct reader *r, const struct tandem_json *v)
{
	tandem_buf_reset(&r->text);
	if (tandem_json_write_py(v, &r->text) != 0)
		return NULL;
	return tandem_arena_strndup(r->a, r->text.data, r->text.len);
}

static int call(struct reader *r, const struct tandem_json *v, size_t i,
		struct tandem_chat_call *c)
{
	const struct tandem_json *f = tandem_json_get(v, "function"), *args;

	if (v->type != TANDEM_JSON_OBJECT || f == NULL || f->type != TANDEM_JSON_OBJECT)
		return bad(r, "tool call", i, "not an object with a \"function\" object");
	if (!str(v, "id", &c->id) || !str(f, "name", &c->name) || c->name == NULL)
		return bad(r, "tool call", i, "no function name, or an id that is no string");
	args = tandem_json_get(f, "arguments");
	if (args == NULL || args->type == TANDEM_JSON_NULL) {
		c->arguments = NULL;
	} else if (args->type == TANDEM_JSON_STRING && strlen(args->u.s) == args->n) {
		c->arguments = args->u.s;
	} else if (args->type == TANDEM_JSON_OBJECT) {
		/* mistral-common writes an object back with json.dumps. */
		c->arguments = as_text(r, args);
		if (c->arguments == NULL)
			return bad(r, "tool call", i, "arguments too long");
	} else {
		return bad(r, "tool call", i, "arguments that are neither a string nor an object");
	}
	return 0;
}

static int role_of(const char *s, enum tandem_chat_role *role)
{
	static const char *const names[] = { "system", "user", "assistant", "tool" };

	for (int i = 0; i < 4; i++)
		if (s != NULL && strcmp(s, names[i]) == 0) {
			*role = (enum tandem_chat_role)i;
			return 0;
		}
	return -1;
}

static int message(struct reader *r, const struct tandem_json *v, size_t i,
		   struct tandem_chat_message *m)
{
	const struct tandem_json *calls = tandem_json_get(v, "tool_calls");
	const struct tandem_json *prefix = tandem_json_get(v, "prefix");
	const char *role = NULL;
	int rc = 0;

	if (v->type != TANDEM_JSON_OBJECT)
		return bad(r, "message", i, "not an object");
	if (!str(v, "role", &role) || role_of(role, &m->role) != 0)
		return bad(r, "message", i, "no role, or not system, user, assistant or tool");
	if (!str(v, "content", &m->content))
		return bad(r, "message", i, "content that is not a string (content chunks are "
			   "not read)");
	if (!str(v, "tool_call_id", &m->call_id) || !str(v, "name", &m->name))
		return bad(r, "message", i, "a tool_call_id or name that is not a string");
	if (prefix != NULL && prefix->type != TANDEM_JSON_TRUE && prefix->type != TANDEM_JSON_FALSE)
		return bad(r, "message", i, "a prefix that is not true or false");
	m->prefix = prefix != NULL && prefix->type == TANDEM_JSON_TRUE;
	if (calls == NULL || calls->type == TANDEM_JSON_NULL)
		return 0;
	if (calls->type != TANDEM_JSON_ARRAY)
		return bad(r, "message", i, "tool_calls that are not an array");
	struct tandem_chat_call *c = tandem_arena_calloc(r->a, calls->n + 1, sizeof *c);
	if (c == NULL)
		return tandem_arena_error(r->a);
	for (size_t k = 0; k < calls->n && rc == 0; k++)
		rc = call(r, &calls->u.items[k], k, &c[k]);
	m->calls = c;
	m->n_calls = calls->n;
	return rc;
}

static int tool(struct reader *r, const struct tandem_json *v, size_t i,
		struct tandem_chat_tool *t)
{
	const struct tandem_json *f = tandem_json_get(v, "function"), *p;
	const char *type = NULL;

	if (v->type != TANDEM_JSON_OBJECT || f == NULL || f->type != TANDEM_JSON_OBJECT)
		return bad(r, "tool", i, "not an object with a \"function\" object");
	if (!str(v, "type", &type) || (type != NULL && strcmp(type, "function") != 0))
		return bad(r, "tool", i, "of a type other than \"function\"");
	if (!str(f, "name", &t->name) || t->name == NULL || !str(f, "description", &t->description))
		return bad(r, "tool", i, "no name, or a description that is not a string");
	p = tandem_json_get(f, "parameters");
	if (p != NULL && p->type != TANDEM_JSON_NULL) {
		if (p->type != TANDEM_JSON_OBJECT)
			return bad(r, "tool", i, "parameters that are not an object");
		t->parameters = as_text(r, p);
		if (t->parameters == NULL)
			return bad(r, "tool", i, "parameters too long");
	}
	return 0;
}

static int request(struct reader *r, const struct tandem_json *root, struct tandem_chat *out)
{
	const struct tandem_json *msgs = tandem_json_get(root, "messages");
	const struct tandem_json *tools = tandem_json_get(root, "tools");
	struct tandem_chat_message *m;
	struct tandem_chat_tool *t = NULL;
	int rc = 0;

	if (msgs == NULL || msgs->type != TANDEM_JSON_ARRAY)
		return chat_refuse(r->d, TANDEM_EBADINPUT, RULE, "no \"messages\" array");
	if (tools != NULL && tools->type != TANDEM_JSON_NULL && tools->type != TANDEM_JSON_ARRAY)
		return chat_refuse(r->d, TANDEM_EBADINPUT, RULE, "\"tools\" is not an array");
	m = tandem_arena_calloc(r->a, msgs->n + 1, sizeof *m);
	if (m == NULL)
		return tandem_arena_error(r->a);
	for (size_t i = 0; i < msgs->n && rc == 0; i++)
		rc = message(r, &msgs->u.items[i], i, &m[i]);
	if (rc == 0 && tools != NULL && tools->type == TANDEM_JSON_ARRAY) {
		t = tandem_arena_calloc(r->a, tools->n + 1, sizeof *t);
		if (t == NULL)
			return tandem_arena_error(r->a);
		for (size_t i = 0; i < tools->n && rc == 0; i++)
			rc = tool(r, &tools->u.items[i], i, &t[i]);
		out->n_tools = tools->n;
	}
	out->messages = m;
	out->n_messages = msgs->n;
	out->tools = t;
	return rc;
}

int tandem_chat_parse_json(const char *json, size_t len, struct tandem_arena *a,
			   struct tandem_chat *out, struct tandem_diag *d)
{
	struct reader r = { .a = a, .d = d };
	struct tandem_json *root = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = tandem_json_parse(json, len, a, &root, d);
	if (rc != 0)
		return rc;
	if (root->type != TANDEM_JSON_OBJECT)
		return chat_refuse(d, TANDEM_EBADINPUT, RULE, "the request is not a JSON object");
	tandem_buf_init(&r.text, TANDEM_JSON_TEXT_MAX);
	rc = request(&r, root, out);
	tandem_buf_release(&r.text);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}
