/*
 * src/llm/chat_check.c - a conversation checked before it is encoded, by
 * the rules of mistral-common's request validator (MistralRequestValidator
 * and, for v3, MistralRequestValidatorV3, in their default "test" mode):
 * what it refuses is refused here, so that nothing is encoded that the
 * models' own tooling would not encode.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "llm/chat_int.h"
#include "tandem/error.h"

int chat_refuse(struct tandem_diag *d, int code, const char *rule, const char *fmt, ...)
{
	char full[40];
	va_list ap;

	(void)snprintf(full, sizeof full, "TANDEM-CHAT-%s", rule);
	va_start(ap, fmt);
	(void)tandem_diag_vadd(d, TANDEM_SEV_ERROR, code, full, NULL, 0, fmt, ap);
	va_end(ap);
	return code;
}

static const char *const role_names[] = { "system", "user", "assistant", "tool" };

static const char *role_name(enum tandem_chat_role r)
{
	return (unsigned)r < 4 ? role_names[r] : "unknown";
}

/* [a-zA-Z0-9_-]{1,64} (dash too when dash), or with len 9 exactly. */
static bool word_of(const char *s, size_t min, size_t max, bool dash)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (dash && (c == '_' || c == '-'))))
			return false;
	}
	return true;
}

static bool function_name(const char *s) { return word_of(s, 1, 64, true); }
static bool call_id(const char *s) { return word_of(s, 9, 9, false); }

/* Which role may follow which: a tool's after an assistant's or a
 * tool's, a system message after a system or user one, anything else. */
static bool may_follow(enum tandem_chat_role prev, enum tandem_chat_role cur)
{
	if (cur == TANDEM_CHAT_TOOL)
		return prev == TANDEM_CHAT_ASSISTANT || prev == TANDEM_CHAT_TOOL;
	if (cur == TANDEM_CHAT_SYSTEM)
		return prev == TANDEM_CHAT_SYSTEM || prev == TANDEM_CHAT_USER;
	return true;
}

static int structure(const struct tandem_chat *c, struct tandem_diag *d)
{
	const struct tandem_chat_message *m = c->messages, *last;
	long expected = 0;

	if (c->n_messages == 0)
		return chat_refuse(d, TANDEM_EINVAL, "ORDER", "a conversation has one message at "
				   "least");
	last = &m[c->n_messages - 1];
	if (c->n_messages == 1 && last->role != TANDEM_CHAT_USER && last->role != TANDEM_CHAT_SYSTEM)
		return chat_refuse(d, TANDEM_EINVAL, "ORDER", "a conversation begins with a user "
				   "or system message");
	if (c->n_messages > 1 && !(last->role == TANDEM_CHAT_USER || last->role == TANDEM_CHAT_TOOL ||
				   (last->role == TANDEM_CHAT_ASSISTANT && last->prefix)))
		return chat_refuse(d, TANDEM_EINVAL, "ORDER", "the last message (%s) must be a "
				   "user's, a tool's, or an assistant's with prefix",
				   role_name(last->role));
	for (size_t i = 1; i < c->n_messages; i++)
		if (!may_follow(m[i - 1].role, m[i].role))
			return chat_refuse(d, TANDEM_EINVAL, "ORDER", "message %zu: a message of "
					   "role %s after one of role %s", i, role_name(m[i].role),
					   role_name(m[i - 1].role));
	/* As mistral-common counts (from the second message on): an
	 * assistant message comes once every call before it has its result. */
	for (size_t i = 1; i < c->n_messages; i++) {
		if (m[i].role == TANDEM_CHAT_TOOL) {
			expected--;
		} else if (m[i].role == TANDEM_CHAT_ASSISTANT) {
			if (expected != 0)
				return chat_refuse(d, TANDEM_EINVAL, "CALLS", "message %zu: not as "
						   "many tool results as calls before it", i);
			expected = (long)m[i].n_calls;
		}
	}
	return 0;
}

static int assistant(enum tandem_chat_format f, const struct tandem_chat_message *m, size_t i,
		     bool last, struct tandem_diag *d)
{
	bool text = m->content != NULL && m->content[0] != '\0';

	if (text == (m->n_calls > 0))
		return chat_refuse(d, TANDEM_EINVAL, "ASSISTANT", "message %zu: an assistant "
				   "message has either content or tool calls, not both nor neither",
				   i);
	if (m->n_calls > TANDEM_CHAT_CALLS_MAX)
		return chat_refuse(d, TANDEM_ELIMIT, "ASSISTANT", "message %zu: more than %d calls",
				   i, TANDEM_CHAT_CALLS_MAX);
	if (f == TANDEM_CHAT_MISTRAL_V1 && m->n_calls > 0)
		return chat_refuse(d, TANDEM_EINVAL, "TOOLS", "message %zu: the v1 format has no "
				   "tool calls", i);
	for (size_t k = 0; k < m->n_calls; k++) {
		const struct tandem_chat_call *c = &m->calls[k];

		if (!function_name(c->name))
			return chat_refuse(d, TANDEM_EINVAL, "NAME", "message %zu, call %zu: the "
					   "function name is not [a-zA-Z0-9_-]{1,64}", i, k);
		if (f == TANDEM_CHAT_MISTRAL_V3 && c->id != NULL && strcmp(c->id, "null") != 0 &&
		    !call_id(c->id))
			return chat_refuse(d, TANDEM_EINVAL, "ID", "message %zu, call %zu: the id "
					   "is not 9 letters or digits", i, k);
	}
	if (m->prefix && !last)
		return chat_refuse(d, TANDEM_EINVAL, "ASSISTANT", "message %zu: only the last "
				   "message may be a prefix", i);
	return 0;
}

static int message(enum tandem_chat_format f, const struct tandem_chat_message *m, size_t i,
		   bool last, struct tandem_diag *d)
{
	if ((unsigned)m->role > TANDEM_CHAT_TOOL)
		return chat_refuse(d, TANDEM_EINVAL, "ROLE", "message %zu: no such role", i);
	if (m->role != TANDEM_CHAT_ASSISTANT && (m->n_calls > 0 || m->prefix))
		return chat_refuse(d, TANDEM_EINVAL, "ROLE", "message %zu: only an assistant's "
				   "message has calls or is a prefix", i);
	switch (m->role) {
	case TANDEM_CHAT_ASSISTANT:
		return assistant(f, m, i, last, d);
	case TANDEM_CHAT_TOOL:
		if (f == TANDEM_CHAT_MISTRAL_V1)
			return chat_refuse(d, TANDEM_EINVAL, "TOOLS", "message %zu: the v1 format "
					   "has no tool messages", i);
		if (m->name != NULL && !function_name(m->name))
			return chat_refuse(d, TANDEM_EINVAL, "NAME", "message %zu: the function name "
					   "is not [a-zA-Z0-9_-]{1,64}", i);
		if (f == TANDEM_CHAT_MISTRAL_V3 && !call_id(m->call_id))
			return chat_refuse(d, TANDEM_EINVAL, "ID", "message %zu: the call id is "
					   "missing or not 9 letters or digits", i);
		/* fall through */
	case TANDEM_CHAT_SYSTEM:
	case TANDEM_CHAT_USER:
		if (m->content == NULL)
			return chat_refuse(d, TANDEM_EINVAL, "CONTENT", "message %zu: a %s message "
					   "needs content", i, role_name(m->role));
		return 0;
	}
	return 0;
}

int chat_check(enum tandem_chat_format format, const struct tandem_chat *chat,
	       struct tandem_diag *d)
{
	int rc;

	if (format < TANDEM_CHAT_MISTRAL_V1 || format > TANDEM_CHAT_MISTRAL_V3)
		return chat_refuse(d, TANDEM_EINVAL, "FORMAT", "no such format (%d)", (int)format);
	if (chat->n_messages > TANDEM_CHAT_MESSAGES_MAX || chat->n_tools > TANDEM_CHAT_TOOLS_MAX)
		return chat_refuse(d, TANDEM_ELIMIT, "LIMIT", "more than %d messages or %d tools",
				   TANDEM_CHAT_MESSAGES_MAX, TANDEM_CHAT_TOOLS_MAX);
	rc = structure(chat, d);
	for (size_t i = 0; rc == 0 && i < chat->n_messages; i++)
		rc = message(format, &chat->messages[i], i, i + 1 == chat->n_messages, d);
	if (rc == 0 && format == TANDEM_CHAT_MISTRAL_V1 && chat->n_tools > 0)
		rc = chat_refuse(d, TANDEM_EINVAL, "TOOLS", "the v1 format has no tools (mistral-"
				 "common would leave them out unsaid)");
	if (rc == 0 && chat->n_builtin_tools > 0)
		rc = chat_refuse(d, TANDEM_EINVAL, "TOOLS", "built-in tools are Llama 3.1's: "
				 "Mistral's formats have none");
	for (size_t i = 0; rc == 0 && i < chat->n_tools; i++)
		if (!function_name(chat->tools[i].name))
			rc = chat_refuse(d, TANDEM_EINVAL, "NAME", "tool %zu: the function name is "
					 "not [a-zA-Z0-9_-]{1,64}", i);
	return rc;
}
