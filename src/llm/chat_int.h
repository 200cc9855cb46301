/*
 * src/llm/chat_int.h - what the chat format's files share.
 */
#ifndef TANDEM_CHAT_INT_H
#define TANDEM_CHAT_INT_H

#include "tandem/chat.h"

/* A finding TANDEM-CHAT-<rule>; returns code. */
int chat_refuse(struct tandem_diag *d, int code, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The conversation checked as mistral-common's request validator checks
 * it (its "test" mode) for format: 0, or TANDEM_EINVAL with a finding. */
int chat_check(enum tandem_chat_format format, const struct tandem_chat *chat,
	       struct tandem_diag *d);

/* Whether name is one of chat's built-in tools (chat NULL: none). */
bool chat_builtin(const struct tandem_chat *chat, const char *name);

/* Llama 3's format (chat_llama3.c), as tandem_chat_encode. */
int chat_encode_llama3(const struct tandem_tok *t, const struct tandem_chat *chat, int32_t *ids,
		       size_t max, size_t *n, struct tandem_diag *d);

#endif /* TANDEM_CHAT_INT_H */
