/*
 * tandem/chat.h - a conversation (system, user, assistant and tool
 * messages, the tools the model may call) as the token ids of a model's
 * instruct format, for tandem/llm.h to continue.
 *
 * Mistral's formats are made exactly as mistral-common (Mistral's own
 * library, whose output the models were trained on) makes them, token for
 * token, from the same conversation: its checks of the conversation, its
 * normalisation (system messages joined and put in front of the last user
 * message, consecutive messages of one role merged, tool-call arguments
 * and tool results read as JSON when they are JSON) and its encoding:
 *
 *   v1  <s>▁[INST]▁text▁[/INST]▁answer</s> ...        "[INST]" as text
 *   v2  <s>[INST]▁text[/INST]▁answer</s> ... [AVAILABLE_TOOLS]▁[...]
 *       [/AVAILABLE_TOOLS][INST]▁system\n\nlast user text[/INST]
 *       [TOOL_CALLS]▁[{"name": ..., "arguments": {...}}]</s>
 *       [TOOL_RESULTS]▁[{"name": ..., "content": ...}][/TOOL_RESULTS]
 *       (tool calls and results before the last user message left out)
 *   v3  as v2, but every call carries its "id", a result is
 *       {"content": ..., "call_id": ...}, and the whole history is kept
 *
 * The JSON inside (tool definitions, calls, results) is written as
 * Python's json.dumps(..., ensure_ascii=False) writes it (tandem/json.h).
 *
 * Strings are UTF-8 and NUL-terminated; the caller owns everything passed.
 */
#ifndef TANDEM_CHAT_H
#define TANDEM_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/tokenizer.h"

#define TANDEM_CHAT_MESSAGES_MAX 100000
#define TANDEM_CHAT_CALLS_MAX    1000     /* tool calls of one message */
#define TANDEM_CHAT_TOOLS_MAX    1000

enum tandem_chat_role {
	TANDEM_CHAT_SYSTEM,
	TANDEM_CHAT_USER,
	TANDEM_CHAT_ASSISTANT,
	TANDEM_CHAT_TOOL,
};

/* A call of a tool, made by the assistant. */
struct tandem_chat_call {
	const char *id;          /* v3: 9 letters or digits; NULL: none */
	const char *name;        /* the function: [a-zA-Z0-9_-]{1,64} */
	const char *arguments;   /* JSON text of the arguments; NULL or "": {} */
};

struct tandem_chat_message {
	enum tandem_chat_role role;
	const char *content;     /* NULL: none (an assistant's that calls tools) */
	const struct tandem_chat_call *calls;   /* assistant: n_calls calls */
	size_t n_calls;
	const char *call_id;     /* tool: the id of the call answered (v3) */
	const char *name;        /* tool: the function that answered; NULL: none */
	bool prefix;             /* assistant, last: the beginning of the answer,
				    for the model to continue (no </s>) */
};

/* A function the model may call. */
struct tandem_chat_tool {
	const char *name;        /* [a-zA-Z0-9_-]{1,64} */
	const char *description; /* NULL: "" */
	const char *parameters;  /* JSON Schema of the arguments: a JSON object
				    as text; NULL: {} */
};

struct tandem_chat {
	const struct tandem_chat_message *messages;
	size_t n_messages;
	const struct tandem_chat_tool *tools;
	size_t n_tools;
	/* Llama 3.1's built-in tools, by name: brave_search, wolfram_alpha,
	 * code_interpreter (other formats have none). */
	const char *const *builtin_tools;
	size_t n_builtin_tools;
};

enum tandem_chat_format {
	TANDEM_CHAT_MISTRAL_V1 = 1,  /* tokenizer.model.v1 (Mistral 7B v0.1): no tools */
	TANDEM_CHAT_MISTRAL_V2 = 2,  /* ..._240216.model.v2 (Mixtral 8x22B, Mistral Large 1) */
	TANDEM_CHAT_MISTRAL_V3 = 3,  /* ..._240323.model.v3 (Mistral 7B v0.3, Codestral) */
	TANDEM_CHAT_LLAMA3 = 10,     /* Llama 3: <|start_header_id|>role<|end_header_id|> */
};

/*
 * The format a model wants, from its file: Llama 3's when its chat template
 * (tokenizer.chat_template) or its vocabulary has <|start_header_id|>,
 * Mistral v3 when the vocabulary has the control token [INST], else
 * Mistral v1 (t: the model's tokenizer).
 */
enum tandem_chat_format tandem_chat_format_of(const struct tandem_gguf *g,
					      const struct tandem_tok *t);

/*
 * The ids of the conversation in format: Mistral's (as
 * tandem_chat_encode_mistral) or Llama 3's: BOS, each message as
 * <|start_header_id|>role<|end_header_id|>"\n\n"content<|eot_id|> (content
 * trimmed of white space as Llama 3's template trims it, encoded without
 * reading control tokens in it), then the header of the assistant's
 * answer; the last message a user's, or an assistant's prefix left open.
 * With tools, tool calls or tool results, Llama 3 is written as Llama
 * 3.1's template writes it (JSON tool calling, the tools in the first user
 * message): a system header first with "Environment: ipython" (when there
 * are tools), "Cutting Knowledge Date: December 2023", "Today Date: 26 Jul
 * 2024" and the system message; the first user message after the
 * instruction to answer with {"name": ..., "parameters": ...} and each
 * tool as json.dumps({"type": "function", "function": {...}}, indent=4);
 * a call as {"name": "NAME", "parameters": ARGUMENTS}; a result under the
 * header ipython, as a JSON string; the last message may then be a
 * result. With built-in tools, as the template writes them too: "Tools:
 * NAME, ..." (code_interpreter left out) after "Environment: ipython"; a
 * call of one as <|python_tag|>NAME.call(ARG="VALUE", ...) with its
 * arguments in their order; and every call ends with <|eom_id|> instead of
 * <|eot_id|>. Refused (TANDEM_EINVAL): more than one call in a message, or
 * a call with content; tools without a user message first (after the
 * system's); a function name outside [a-zA-Z0-9_-]{1,64}; parameters that
 * are not a JSON object; a built-in call whose arguments are not an object
 * of strings; a vocabulary without the control tokens.
 */
int tandem_chat_encode(const struct tandem_tok *t, enum tandem_chat_format format,
		       const struct tandem_chat *chat, int32_t *ids, size_t max, size_t *n,
		       struct tandem_diag *d);

/*
 * The ids of the conversation in format, by the tokenizer t (whose
 * vocabulary must have the format's control tokens): BOS first, at most
 * max ids, *n of them. The conversation is checked as mistral-common
 * checks it; refused with a finding TANDEM-CHAT-* (TANDEM_EINVAL): no
 * message; a role where it cannot be (a tool message after a user one, a
 * system message after an assistant's ...); the last message neither a
 * user's, a tool's, nor an assistant's with prefix; an assistant message
 * with both content and calls, or neither; calls not followed by as many
 * tool results; a function name outside [a-zA-Z0-9_-]{1,64}; in v3, a
 * call id or tool message's call_id that is not 9 letters or digits;
 * tool parameters that are not a JSON object; tools in v1. JSON that
 * mistral-common would read and tandem does not (tandem/json.h: a lone
 * surrogate, a limit) is refused too (TANDEM_EUNSUPPORTED, TANDEM_ELIMIT),
 * never encoded differently. TANDEM_ELIMIT when max ids are not enough.
 */
int tandem_chat_encode_mistral(const struct tandem_tok *t, enum tandem_chat_format format,
			       const struct tandem_chat *chat, int32_t *ids, size_t max,
			       size_t *n, struct tandem_diag *d);

/*
 * The assistant message a model's answer makes: ids (n of them) are what
 * the model generated after the answer's header, with the token that
 * stopped it (EOS, <|eot_id|>, <|eom_id|>) at the end or not; chat is the
 * conversation it answers (its tools; NULL: none). Calls are read back as
 * the format writes them:
 *   Mistral v2/v3  [TOOL_CALLS], then a JSON list of {"name": ...,
 *                  "arguments": {...}} (with an "id": kept), or one such
 *                  object;
 *   Llama 3.1      the whole answer one JSON object {"name": ...,
 *                  "parameters": {...}} ("arguments" read too) naming one
 *                  of chat's tools; after <|python_tag|>: that, or
 *                  NAME.call(ARG="VALUE", ...) for a built-in tool, or
 *                  any other text as the code of code_interpreter
 *                  ({"code": TEXT}) when that is one of chat's built-in
 *                  tools.
 * Any other answer is content: its text, as tandem_tok_decode() gives it.
 * Text before [TOOL_CALLS] or <|python_tag|> that is not blank is kept as
 * the message's content beside the calls (the encoders take a message with
 * one or the other). A call's arguments are JSON text, as json.dumps
 * writes it; strings are allocated in a. Refused (TANDEM_EBADINPUT,
 * finding TANDEM-CHAT-ANSWER), so that a caller asks again rather than
 * act on it: after [TOOL_CALLS], text that is not such a list; after
 * <|python_tag|>, text that is no call of one of chat's tools; a call of a
 * function chat does not offer, or whose arguments are not a JSON object.
 * More than TANDEM_CHAT_CALLS_MAX calls: TANDEM_ELIMIT; an id outside
 * the vocabulary: TANDEM_EINVAL.
 */
int tandem_chat_answer(const struct tandem_tok *t, enum tandem_chat_format format,
		       const struct tandem_chat *chat, const int32_t *ids, size_t n,
		       struct tandem_arena *a, struct tandem_chat_message *out,
		       struct tandem_diag *d);

/*
 * A conversation from a chat-completion request in JSON (the form of
 * mistral-common's and OpenAI's APIs): {"messages": [{"role": "user",
 * "content": "..."}, {"role": "assistant", "tool_calls": [{"id": "...",
 * "function": {"name": "...", "arguments": "{...}"}}]}, {"role": "tool",
 * "tool_call_id": "...", "name": "...", "content": "..."} ...], "tools":
 * [{"type": "function", "function": {"name": "...", "description": "...",
 * "parameters": {...}}}]}; other members are ignored. Arguments given as
 * an object, and parameters, are kept as their JSON text. Everything is
 * allocated in a. Refused (TANDEM_EBADINPUT, finding TANDEM-CHAT-JSON):
 * text that is not JSON, members of the wrong type, an unknown role,
 * content that is not a string (content chunks are not read).
 */
int tandem_chat_parse_json(const char *json, size_t len, struct tandem_arena *a,
			   struct tandem_chat *out, struct tandem_diag *d);

#endif /* TANDEM_CHAT_H */
