/*
 * src/llm/chat_llama3.c - Llama 3's instruct format: BOS, then each message
 * as <|start_header_id|>ROLE<|end_header_id|> "\n\n" CONTENT <|eot_id|>
 * (the content with its leading and trailing white space taken off, as
 * the model's template does), then <|start_header_id|>assistant
 * <|end_header_id|> "\n\n" for the answer to come, or an assistant's
 * prefix left open. The text between control tokens is encoded alone,
 * never read for control tokens: a message cannot forge one. Tools (Llama
 * 3.1's ipython role and JSON calls) are not implemented and refused.
 */
#include <stdlib.h>
#include <string.h>

#include "llm/chat_int.h"
#include "tandem/error.h"

struct l3 {
	const struct tandem_tok *t;
	int32_t *ids;
	size_t max, k;
	struct tandem_diag *d;
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
	rc = put_id(e, ctl[0]);
	if (rc == 0)
		rc = put_text(e, role_names[m->role], strlen(role_names[m->role]));
	if (rc == 0)
		rc = put_id(e, ctl[1]);
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

int chat_encode_llama3(const struct tandem_tok *t, const struct tandem_chat *chat, int32_t *ids,
		       size_t max, size_t *n, struct tandem_diag *d)
{
	static const char *const names[3] = { "<|start_header_id|>", "<|end_header_id|>",
					      "<|eot_id|>" };
	struct l3 e = { t, ids, max, 0, d };
	int32_t ctl[3];
	const struct tandem_chat_message *last;
	int rc = 0;

	*n = 0;
	for (int i = 0; i < 3; i++)
		if ((ctl[i] = tandem_tok_control(t, names[i], strlen(names[i]))) < 0)
			return chat_refuse(d, TANDEM_EINVAL, "FORMAT", "the vocabulary has no %s "
					   "control token: not Llama 3's", names[i]);
	if (chat->n_messages == 0)
		return chat_refuse(d, TANDEM_EINVAL, "EMPTY", "the conversation has no message");
	if (chat->n_tools > 0)
		return chat_refuse(d, TANDEM_EUNSUPPORTED, "TOOLS",
				   "tools in Llama 3's format are not implemented");
	for (size_t i = 0; i < chat->n_messages; i++) {
		const struct tandem_chat_message *m = &chat->messages[i];

		if (m->role == TANDEM_CHAT_TOOL || m->n_calls > 0)
			return chat_refuse(d, TANDEM_EUNSUPPORTED, "TOOLS", "message %zu: tool "
					   "calls and results in Llama 3's format are not "
					   "implemented", i + 1);
		if (m->prefix && (i + 1 != chat->n_messages || m->role != TANDEM_CHAT_ASSISTANT))
			return chat_refuse(d, TANDEM_EINVAL, "PREFIX", "message %zu: only the last "
					   "message, an assistant's, can be a prefix", i + 1);
	}
	last = &chat->messages[chat->n_messages - 1];
	if (last->role != TANDEM_CHAT_USER && !last->prefix)
		return chat_refuse(d, TANDEM_EINVAL, "LAST", "the last message is neither a "
				   "user's nor an assistant's prefix");
	if (tandem_tok_bos(t) >= 0)
		rc = put_id(&e, tandem_tok_bos(t));
	for (size_t i = 0; i < chat->n_messages && rc == 0; i++)
		rc = message(&e, &chat->messages[i], ctl, chat->messages[i].prefix);
	if (rc == 0 && !last->prefix) {
		struct tandem_chat_message answer = { .role = TANDEM_CHAT_ASSISTANT, .content = "" };
		rc = message(&e, &answer, ctl, true);
	}
	*n = rc == 0 ? e.k : 0;
	return rc;
}
