/*
 * tests/test_chat.c - Mistral's instruct formats (tandem/chat.h) against
 * mistral-common's own samples (../shared/data/llm/mistral-common/tests/
 * data/samples/<name>/: sample.json, tokens_vN.json, text_vN.txt): the
 * same ids from the same conversation with the same .model tokenizer; the
 * same ids again from the samples' text with its control tokens parsed
 * (TANDEM_TOK_PARSE_SPECIAL); the conversations mistral-common refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tandem/chat.h"
#include "tandem/error.h"
#include "tandem/json.h"
#include "tandem/tokenizer.h"
#include "test.h"
#include "tok_helpers.h"

#define SAMPLES "llm/mistral-common/tests/data/samples"
#define IDS_MAX 8192

static const char *const model_files[] = {
	NULL, "tokenizer.model.v1", "mistral_instruct_tokenizer_240216.model.v2",
	"mistral_instruct_tokenizer_240323.model.v3",
};

/* The samples, and the versions mistral-common has them for. */
static const struct {
	const char *name;
	unsigned versions;    /* bit v */
} samples[] = {
	{ "get_weather_full", 1u << 2 | 1u << 3 },
	{ "get_weather_no_history", 1u << 2 | 1u << 3 },
	{ "get_weather_no_system_prompt", 1u << 2 | 1u << 3 },
	{ "no_tools", 1u << 1 | 1u << 2 | 1u << 3 },
	{ "parallel_calls", 1u << 2 | 1u << 3 },
	{ "several_calls", 1u << 2 | 1u << 3 },
};

static bool have_samples(void)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/" SAMPLES "/no_tools/sample.json", test_shared_data());
	f = fopen(path, "rb");
	if (f != NULL)
		fclose(f);
	return f != NULL;
}

static char *sample_file(const char *name, const char *file, size_t *len)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/" SAMPLES "/%s/%s", test_shared_data(), name, file);
	return test_read_file(path, len);
}

/* The ids of tokens_vN.json; their count, 0 when the file is missing. */
static size_t expected_ids(const char *name, int v, int32_t *ids)
{
	char file[32];
	size_t len, n = 0;
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_json *root;

	snprintf(file, sizeof file, "tokens_v%d.json", v);
	char *text = sample_file(name, file, &len);
	if (text == NULL)
		return 0;
	tandem_arena_init(&a, 1u << 24);
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_json_parse(text, len, &a, &root, &d), 0);
	const struct tandem_json *tokens = tandem_json_get(root, "tokens");
	ASSERT(tokens != NULL && tokens->type == TANDEM_JSON_ARRAY && tokens->n <= IDS_MAX);
	for (size_t i = 0; i < tokens->n; i++)
		ids[n++] = (int32_t)strtol(tokens->u.items[i].u.s, NULL, 10);
	tandem_arena_release(&a);
	tandem_diag_release(&d);
	free(text);
	return n;
}

/* The text of ids as text_vN.txt shows it: the pieces one after the other. */
static void pieces_text(const struct tandem_tok *t, const int32_t *ids, size_t n,
			struct tandem_buf *b)
{
	tandem_buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *p = tandem_tok_piece(t, ids[i], &len);

		ASSERT(p != NULL);
		ASSERT_EQ(tandem_buf_append(b, p, len), 0);
	}
}

static void print_diff(const char *what, const int32_t *a, size_t na, const int32_t *b,
		       size_t nb)
{
	size_t i = 0;

	while (i < na && i < nb && a[i] == b[i])
		i++;
	printf("  %s: %zu and %zu ids, first difference at %zu (%d vs %d)\n", what, na, nb, i,
	       i < na ? a[i] : -1, i < nb ? b[i] : -1);
}

/* Encodes sample name in version v; 1 when the ids are the expected ones. */
static int encode_sample(const char *name, int v, int32_t *got, size_t *ngot, int32_t *want,
			 size_t *nwant)
{
	struct tandem_tok *t = tok_open_spm_model(model_files[v]);
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_chat chat;
	size_t len;
	char *json = sample_file(name, "sample.json", &len);

	ASSERT(t != NULL && json != NULL);
	tandem_arena_init(&a, 1u << 24);
	tandem_diag_init(&d, 10);
	if (tandem_chat_parse_json(json, len, &a, &chat, &d) != 0)
		FAIL("%s: %s", name, test_findings_text(&d));
	if (tandem_chat_encode_mistral(t, (enum tandem_chat_format)v, &chat, got, IDS_MAX, ngot,
				       &d) != 0)
		FAIL("%s v%d: %s", name, v, test_findings_text(&d));
	*nwant = expected_ids(name, v, want);
	ASSERT_GT(*nwant, 0);
	int same = *ngot == *nwant && memcmp(got, want, *ngot * sizeof *got) == 0;
	if (same) {
		/* The text too, piece by piece. */
		char file[32];
		struct tandem_buf b;
		size_t tlen;

		snprintf(file, sizeof file, "text_v%d.txt", v);
		char *text = sample_file(name, file, &tlen);
		ASSERT(text != NULL);
		tandem_buf_init(&b, 1u << 20);
		pieces_text(t, got, *ngot, &b);
		ASSERT(b.len == tlen && memcmp(b.data, text, tlen) == 0);
		tandem_buf_release(&b);
		free(text);
	}
	tandem_tok_free(t);
	tandem_arena_release(&a);
	tandem_diag_release(&d);
	free(json);
	return same;
}

TEST(chat_mistral_samples)
{
	static int32_t got[IDS_MAX], want[IDS_MAX];
	size_t ngot, nwant, matched = 0, tried = 0;

	if (!have_samples())
		SKIP("../shared/data/llm/mistral-common is missing");
	for (size_t s = 0; s < sizeof samples / sizeof samples[0]; s++) {
		for (int v = 1; v <= 3; v++) {
			if (!(samples[s].versions & (1u << v)))
				continue;
			tried++;
			if (encode_sample(samples[s].name, v, got, &ngot, want, &nwant)) {
				matched++;
				continue;
			}
			/* parallel_calls v2: the expected ids give both results in one
			 * [TOOL_RESULTS] list, which no mistral-common has ever made (it
			 * encodes one message at a time, and its own test skips this
			 * sample in v2). All before that list is the same. */
			if (strcmp(samples[s].name, "parallel_calls") == 0 && v == 2) {
				size_t i = 0, j = 0;
				while (i < ngot && i < nwant && got[i] == want[i])
					i++;
				while (j < ngot && j < nwant && got[ngot - 1 - j] == want[nwant - 1 - j])
					j++;
				/* want: ..."}, {"name": ... ; got: ..."}] [/TOOL_RESULTS]
				 * [TOOL_RESULTS] [{"name": ... - the rest the same. */
				if (nwant - i - j != 2 || ngot - i - j != 6 || got[i + 2] != 9 ||
				    got[i + 3] != 8) {
					print_diff("parallel_calls v2", got, ngot, want, nwant);
					FAIL("parallel_calls v2: another difference than the one known");
				}
				continue;
			}
			print_diff(samples[s].name, got, ngot, want, nwant);
			FAIL("%s v%d: not the ids of mistral-common", samples[s].name, v);
		}
	}
	printf("  %zu of %zu sample encodings identical to mistral-common's\n", matched, tried);
	ASSERT_EQ(matched, tried - 1);
}

/* The JSON text s as json.dumps writes it, for comparing arguments. */
static void py_form(const char *s, struct tandem_arena *a, struct tandem_buf *out)
{
	struct tandem_json *v;
	struct tandem_diag d;

	tandem_diag_init(&d, 2);
	tandem_buf_reset(out);
	ASSERT_EQ(tandem_json_parse(s, strlen(s), a, &v, &d), 0);
	ASSERT_EQ(tandem_json_write_py(v, out), 0);
	tandem_diag_release(&d);
}

/* Each [TOOL_CALLS] ... </s> of a sample's ids reads back as the calls of
 * its assistant message (v2 keeps only those after the last user
 * message: the last ones). */
static size_t answers_of_sample(const char *name, int v)
{
	static int32_t ids[IDS_MAX];
	struct tandem_tok *t = tok_open_spm_model(model_files[v]);
	struct tandem_buf want, got;
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_chat chat;
	size_t len, n = expected_ids(name, v, ids), seen = 0, with_calls = 0, k = 0;
	char *json = sample_file(name, "sample.json", &len);
	int32_t tag = tandem_tok_control(t, "[TOOL_CALLS]", 12);

	ASSERT(json != NULL && n > 0 && tag >= 0);
	tandem_arena_init(&a, 1u << 24);
	tandem_diag_init(&d, 10);
	tandem_buf_init(&want, 1u << 20);
	tandem_buf_init(&got, 1u << 20);
	ASSERT_EQ(tandem_chat_parse_json(json, len, &a, &chat, &d), 0);
	for (size_t i = 0; i < chat.n_messages; i++)
		with_calls += chat.messages[i].n_calls > 0;
	for (size_t i = 0; i < n; i++)
		seen += ids[i] == tag;
	ASSERT(seen > 0 && seen <= with_calls);
	for (size_t i = 0; i < n; i++) {
		if (ids[i] != tag)
			continue;
		size_t end = i;
		while (end < n && ids[end] != tandem_tok_eos(t))
			end++;
		ASSERT(end < n);
		struct tandem_chat_message ans;
		if (tandem_chat_answer(t, (enum tandem_chat_format)v, &chat, ids + i, end + 1 - i, &a,
				       &ans, &d) != 0)
			FAIL("%s v%d: %s", name, v, test_findings_text(&d));
		/* The (with_calls - seen + k)-th assistant message with calls. */
		const struct tandem_chat_message *exp = NULL;
		for (size_t m = 0, at = 0; m < chat.n_messages && exp == NULL; m++)
			if (chat.messages[m].n_calls > 0 && at++ == with_calls - seen + k)
				exp = &chat.messages[m];
		ASSERT(exp != NULL);
		ASSERT(ans.content == NULL);
		ASSERT_EQ(ans.n_calls, exp->n_calls);
		for (size_t c = 0; c < ans.n_calls; c++) {
			ASSERT_STR_EQ(ans.calls[c].name, exp->calls[c].name);
			if (v == 3)
				ASSERT_STR_EQ(ans.calls[c].id, exp->calls[c].id);
			else
				ASSERT(ans.calls[c].id == NULL);
			py_form(exp->calls[c].arguments, &a, &want);
			py_form(ans.calls[c].arguments, &a, &got);
			ASSERT(want.len == got.len && memcmp(want.data, got.data, got.len) == 0);
		}
		k++;
	}
	tandem_buf_release(&want);
	tandem_buf_release(&got);
	tandem_arena_release(&a);
	tandem_diag_release(&d);
	tandem_tok_free(t);
	free(json);
	return seen;
}

TEST(chat_mistral_answers)
{
	size_t calls = 0;

	if (!have_samples())
		SKIP("../shared/data/llm/mistral-common is missing");
	for (size_t s = 0; s < sizeof samples / sizeof samples[0]; s++)
		for (int v = 2; v <= 3; v++)
			if ((samples[s].versions & (1u << v)) && strcmp(samples[s].name, "no_tools"))
				calls += answers_of_sample(samples[s].name, v);
	printf("  %zu [TOOL_CALLS] answers of the samples read back as their calls\n", calls);
	ASSERT_GT(calls, 10);
}

/* text_vN.txt as text: "▁" a space, "<0xXX>" its byte. */
static size_t real_text(const char *s, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n;) {
		unsigned b;

		if (i + 3 <= n && memcmp(s + i, "\xe2\x96\x81", 3) == 0) {
			out[k++] = ' ';
			i += 3;
		} else if (i + 6 <= n && memcmp(s + i, "<0x", 3) == 0 && s[i + 5] == '>' &&
			   sscanf(s + i + 3, "%2X", &b) == 1) {
			out[k++] = (char)b;
			i += 6;
		} else {
			out[k++] = s[i++];
		}
	}
	return k;
}

/* The samples' texts, their control tokens parsed, give the samples' ids;
 * the ids decode to the texts. */
TEST(chat_samples_parse_special)
{
	static int32_t want[IDS_MAX], got[IDS_MAX];
	size_t checked = 0;
	struct tandem_diag d;
	struct tandem_buf b;

	if (!have_samples())
		SKIP("../shared/data/llm/mistral-common is missing");
	tandem_diag_init(&d, 10);
	tandem_buf_init(&b, 1u << 20);
	for (size_t s = 0; s < sizeof samples / sizeof samples[0]; s++) {
		for (int v = 1; v <= 3; v++) {
			char file[32];
			size_t len, n = 0, nwant;

			if (!(samples[s].versions & (1u << v)))
				continue;
			struct tandem_tok *t = tok_open_spm_model(model_files[v]);
			snprintf(file, sizeof file, "text_v%d.txt", v);
			char *text = sample_file(samples[s].name, file, &len);
			char *plain = malloc(len + 1);
			ASSERT(text != NULL && plain != NULL && t != NULL);
			size_t plen = real_text(text, len, plain);
			nwant = expected_ids(samples[s].name, v, want);
			ASSERT_EQ(tandem_tok_encode(t, plain, plen, TANDEM_TOK_PARSE_SPECIAL, got,
						    IDS_MAX, &n, &d), 0);
			if (n != nwant || memcmp(got, want, n * sizeof *got) != 0) {
				print_diff(samples[s].name, got, n, want, nwant);
				FAIL("%s v%d: the text does not give the ids", samples[s].name, v);
			}
			tandem_buf_reset(&b);
			ASSERT_EQ(tandem_tok_decode(t, want, nwant, TANDEM_TOK_SPECIALS, &b), 0);
			ASSERT(b.len == plen && memcmp(b.data, plain, plen) == 0);
			checked++;
			free(plain);
			free(text);
			tandem_tok_free(t);
		}
	}
	ASSERT_EQ(checked, 13);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

/* ---- conversations written here ---- */

#define U(text) { .role = TANDEM_CHAT_USER, .content = text }
#define A(text) { .role = TANDEM_CHAT_ASSISTANT, .content = text }
#define S(text) { .role = TANDEM_CHAT_SYSTEM, .content = text }

static const struct tandem_chat_call call_ok = { "abcDEF123", "get_weather", "{\"x\": 1.50}" };

/* The conversation encoded in v: 0 and its text (decoded with the control
 * tokens), or the code, its finding holding expect. */
static int talk(int v, const struct tandem_chat_message *m, size_t n,
		const struct tandem_chat_tool *tools, size_t nt, const char *expect, char *text)
{
	static int32_t ids[IDS_MAX];
	struct tandem_tok *t = tok_open_spm_model(model_files[v < 1 || v > 3 ? 3 : v]);
	struct tandem_chat chat = { m, n, tools, nt, NULL, 0 };
	struct tandem_diag d;
	size_t k = 0;
	int rc;

	ASSERT(t != NULL);
	tandem_diag_init(&d, 10);
	rc = tandem_chat_encode_mistral(t, (enum tandem_chat_format)v, &chat, ids, IDS_MAX, &k, &d);
	if (rc != 0) {
		ASSERT_EQ(k, 0);
		ASSERT_EQ(d.count, 1);
		if (expect == NULL)
			FAIL("refused: %s", test_findings_text(&d));
		ASSERT_STR_CONTAINS(test_findings_text(&d), expect);
	} else {
		struct tandem_buf b;

		if (expect != NULL)
			FAIL("accepted, expected \"%s\"", expect);
		tandem_buf_init(&b, 1u << 16);
		ASSERT_EQ(tandem_tok_decode(t, ids, k, TANDEM_TOK_SPECIALS, &b), 0);
		memcpy(text, b.data, b.len + 1);
		tandem_buf_release(&b);
	}
	tandem_tok_free(t);
	tandem_diag_release(&d);
	return rc;
}

#define REFUSED(v, msgs, tools, nt, expect)                                            \
	ASSERT_NE(talk(v, msgs, sizeof msgs / sizeof msgs[0], tools, nt, expect, text), 0)
#define SAYS(v, msgs, tools, nt, want)                                                 \
	do {                                                                           \
		ASSERT_EQ(talk(v, msgs, sizeof msgs / sizeof msgs[0], tools, nt, NULL,     \
			       text), 0);                                              \
		ASSERT_STR_EQ(text, want);                                             \
	} while (0)

TEST(chat_refusals)
{
	static char text[1u << 16];
	struct tandem_chat_call bad_name = call_ok, bad_id = call_ok, surrogate = call_ok;
	bad_name.name = "get weather";
	bad_id.id = "12345";
	surrogate.arguments = "{\"x\": \"\\ud800\"}";
	const struct tandem_chat_message one_assistant[] = { A("hi") };
	const struct tandem_chat_message ends_assistant[] = { U("a"), A("b") };
	const struct tandem_chat_message user_tool[] = {
		U("a"), { .role = TANDEM_CHAT_TOOL, .content = "1", .call_id = "abcDEF123" } };
	const struct tandem_chat_message assistant_system[] = { U("a"), A("b"), S("c"), U("d") };
	const struct tandem_chat_message no_result[] = {
		U("a"), { .role = TANDEM_CHAT_ASSISTANT, .calls = &call_ok, .n_calls = 1 }, A("b"),
		U("c") };
	const struct tandem_chat_message both[] = {
		U("a"), { .role = TANDEM_CHAT_ASSISTANT, .content = "x", .calls = &call_ok,
			  .n_calls = 1 }, U("c") };
	const struct tandem_chat_message neither[] = { U("a"), A(""), U("c") };
	const struct tandem_chat_message named[] = {
		U("a"), { .role = TANDEM_CHAT_ASSISTANT, .calls = &bad_name, .n_calls = 1 },
		{ .role = TANDEM_CHAT_TOOL, .content = "1", .call_id = "abcDEF123" } };
	const struct tandem_chat_message ided[] = {
		U("a"), { .role = TANDEM_CHAT_ASSISTANT, .calls = &bad_id, .n_calls = 1 },
		{ .role = TANDEM_CHAT_TOOL, .content = "1", .call_id = "abcDEF123" } };
	const struct tandem_chat_message no_call_id[] = {
		U("a"), { .role = TANDEM_CHAT_ASSISTANT, .calls = &call_ok, .n_calls = 1 },
		{ .role = TANDEM_CHAT_TOOL, .content = "1" } };
	const struct tandem_chat_message prefix_early[] = {
		U("a"), { .role = TANDEM_CHAT_ASSISTANT, .content = "b", .prefix = true }, U("c") };
	const struct tandem_chat_message no_content[] = { U(NULL) };
	const struct tandem_chat_message lone[] = {
		U("a"), { .role = TANDEM_CHAT_ASSISTANT, .calls = &surrogate, .n_calls = 1 },
		{ .role = TANDEM_CHAT_TOOL, .content = "1", .call_id = "abcDEF123" } };
	const struct tandem_chat_message hello[] = { U("Hello") };
	const struct tandem_chat_tool list_params = { "f", NULL, "[1]" };
	const struct tandem_chat_tool text_params = { "f", NULL, "not json" };
	const struct tandem_chat_tool bad_tool = { "f/g", NULL, NULL };

	if (!have_samples())
		SKIP("../shared/data/llm/mistral-common is missing");
	ASSERT_NE(talk(3, NULL, 0, NULL, 0, "one message at least", text), 0);
	REFUSED(3, one_assistant, NULL, 0, "begins with a user or system");
	REFUSED(3, ends_assistant, NULL, 0, "the last message (assistant)");
	REFUSED(3, user_tool, NULL, 0, "role tool after one of role user");
	REFUSED(3, assistant_system, NULL, 0, "role system after one of role assistant");
	REFUSED(3, no_result, NULL, 0, "not as many tool results as calls");
	REFUSED(3, both, NULL, 0, "either content or tool calls");
	REFUSED(3, neither, NULL, 0, "either content or tool calls");
	REFUSED(3, named, NULL, 0, "TANDEM-CHAT-NAME");
	REFUSED(3, ided, NULL, 0, "TANDEM-CHAT-ID");
	REFUSED(3, no_call_id, NULL, 0, "the call id is missing");
	REFUSED(3, prefix_early, NULL, 0, "only the last message may be a prefix");
	REFUSED(3, no_content, NULL, 0, "needs content");
	REFUSED(3, lone, NULL, 0, "lone high surrogate");
	REFUSED(3, hello, &list_params, 1, "not a JSON object");
	REFUSED(3, hello, &text_params, 1, "not a JSON object");
	REFUSED(3, hello, &bad_tool, 1, "tool 0: the function name");
	REFUSED(1, hello, &bad_tool, 1, "the v1 format has no tools");
	REFUSED(1, user_tool, NULL, 0, "ORDER");
	REFUSED(7, hello, NULL, 0, "no such format");
	/* v2 neither checks ids nor needs them. */
	SAYS(2, ided, NULL, 0, "<s>[INST] a[/INST][TOOL_CALLS] [{\"name\": \"get_weather\", "
	     "\"arguments\": {\"x\": 1.5}}]</s>[TOOL_RESULTS] [{\"name\": null, \"content\": 1}]"
	     "[/TOOL_RESULTS]");

	/* v1's tokenizer has no [INST] token: not for v2. */
	struct tandem_tok *t = tok_open_spm_model(model_files[1]);
	struct tandem_chat chat = { hello, 1, NULL, 0, NULL, 0 };
	struct tandem_diag d;
	int32_t ids[8];
	size_t n;
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_chat_encode_mistral(t, TANDEM_CHAT_MISTRAL_V2, &chat, ids, 8, &n, &d),
		  TANDEM_EUNSUPPORTED);
	ASSERT_STR_CONTAINS(d.items[0].message, "no control token [INST]");
	tandem_tok_free(t);
	/* Too many ids for the room: refused, not cut. */
	t = tok_open_spm_model(model_files[3]);
	ASSERT_EQ(tandem_chat_encode_mistral(t, TANDEM_CHAT_MISTRAL_V3, &chat, ids, 3, &n, &d),
		  TANDEM_ELIMIT);
	ASSERT_EQ(n, 0);
	ASSERT_EQ(tandem_chat_encode_mistral(t, TANDEM_CHAT_MISTRAL_V3, &chat, ids, 4, &n, &d), 0);
	ASSERT_EQ(n, 4);
	tandem_tok_free(t);
	tandem_diag_release(&d);
}

TEST(chat_forms)
{
	static char text[1u << 16];
	const struct tandem_chat_call two[] = { { NULL, "f", "not json" }, { "null", "g", "" } };
	const struct tandem_chat_message prefix[] = {
		S("Be brief."), U("Hi"), { .role = TANDEM_CHAT_ASSISTANT, .content = "Sure ",
					   .prefix = true } };
	const struct tandem_chat_message assistant_first[] = { A("a  "), U("b") };
	const struct tandem_chat_message users[] = { U("a"), U(""), U("b"), S("s1"), U("c"), S("s2"),
						     U("d") };
	const struct tandem_chat_message calls[] = {
		U("a"), { .role = TANDEM_CHAT_ASSISTANT, .calls = two, .n_calls = 2 },
		{ .role = TANDEM_CHAT_TOOL, .content = "", .call_id = "abcDEF123", .name = "f" },
		{ .role = TANDEM_CHAT_TOOL, .content = " \"x\\ty\" ", .call_id = "abcDEF123" } };
	const struct tandem_chat_message system_only[] = { S("s") };
	const struct tandem_chat_message answers[] = { U("a"), A("x"), A("y "), U("z") };
	const struct tandem_chat_tool tool = { "f", "Does \"f\".", "{\"b\":[1,2.0],\"a\":{}}" };

	if (!have_samples())
		SKIP("../shared/data/llm/mistral-common is missing");
	/* The system prompt before the last user message; the prefix is left
	 * open, its spaces at the end dropped. */
	SAYS(3, prefix, NULL, 0, "<s>[INST] Be brief.\n\nHi[/INST] Sure");
	/* v1: the system prompt before the first user message, "[INST]" as
	 * text; an assistant first gets an empty user message before it. */
	SAYS(1, prefix, NULL, 0, "<s> [INST] Be brief.\n\nHi [/INST] Sure ");
	SAYS(3, assistant_first, NULL, 0, "<s>[INST][/INST] a</s>[INST] b[/INST]");
	SAYS(1, assistant_first, NULL, 0, "<s> [INST]  [/INST] a  </s> [INST] b [/INST]");
	/* Users in a row merged (a system message between breaks the row);
	 * the systems joined, before the last; the tools before it too. */
	SAYS(3, users, NULL, 0, "<s>[INST] a\n\nb[/INST][INST] c[/INST][INST] s1\n\ns2\n\nd[/INST]");
	SAYS(3, users, &tool, 1, "<s>[INST] a\n\nb[/INST][INST] c[/INST][AVAILABLE_TOOLS] "
	     "[{\"type\": \"function\", \"function\": {\"name\": \"f\", \"description\": "
	     "\"Does \\\"f\\\".\", \"parameters\": {\"b\": [1, 2.0], \"a\": {}}}}][/AVAILABLE_TOOLS]"
	     "[INST] s1\n\ns2\n\nd[/INST]");
	/* Answers in a row merged. */
	SAYS(3, answers, NULL, 0, "<s>[INST] a[/INST] x\n\ny</s>[INST] z[/INST]");
	/* Arguments that are no JSON stay a string;
	 * no id, or "null", none written; an empty result is {}. */
	SAYS(3, calls, NULL, 0, "<s>[INST] a[/INST][TOOL_CALLS] [{\"name\": \"f\", \"arguments\": "
	     "\"not json\"}, {\"name\": \"g\", \"arguments\": {}}]</s>[TOOL_RESULTS] {\"content\": "
	     "{}, \"call_id\": \"abcDEF123\"}[/TOOL_RESULTS][TOOL_RESULTS] {\"content\": \"x\\ty\", "
	     "\"call_id\": \"abcDEF123\"}[/TOOL_RESULTS]");
	SAYS(3, system_only, NULL, 0, "<s>[INST] s\n\n[/INST]");
}

TEST(chat_json_refusals)
{
	static const char *const bad[][2] = {
		{ "[]", "not a JSON object" },
		{ "{}", "no \"messages\" array" },
		{ "{\"messages\": [], \"tools\": 1}", "\"tools\" is not an array" },
		{ "{\"messages\": [1]}", "message 0: not an object" },
		{ "{\"messages\": [{\"role\": \"bot\"}]}", "not system, user, assistant or tool" },
		{ "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\"}]}]}",
		  "content chunks" },
		{ "{\"messages\": [{\"role\": \"user\", \"content\": \"a\\u0000b\"}]}",
		  "content that is not a string" },
		{ "{\"messages\": [{\"role\": \"tool\", \"name\": 5}]}", "tool_call_id or name" },
		{ "{\"messages\": [{\"role\": \"user\", \"prefix\": 1}]}", "prefix" },
		{ "{\"messages\": [{\"role\": \"assistant\", \"tool_calls\": {}}]}", "not an array" },
		{ "{\"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"x\"}]}]}",
		  "\"function\" object" },
		{ "{\"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{\"function\": {}}]}]}",
		  "no function name" },
		{ "{\"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{\"function\": "
		  "{\"name\": \"f\", \"arguments\": 3}}]}]}", "neither a string nor an object" },
		{ "{\"messages\": [], \"tools\": [{\"type\": \"code\", \"function\": {}}]}",
		  "other than \"function\"" },
		{ "{\"messages\": [], \"tools\": [{\"function\": {\"name\": \"f\", \"parameters\": "
		  "[]}}]}", "parameters that are not an object" },
		{ "{\"messages\": [", "TANDEM-JSON" },
	};
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_chat chat;

	tandem_arena_init(&a, 1u << 20);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tandem_diag_init(&d, 10);
		ASSERT_NE(tandem_chat_parse_json(bad[i][0], strlen(bad[i][0]), &a, &chat, &d), 0);
		ASSERT_EQ(d.count, 1);
		ASSERT_STR_CONTAINS(test_findings_text(&d), bad[i][1]);
		ASSERT(chat.messages == NULL && chat.n_messages == 0);
		tandem_diag_release(&d);
	}
	/* Arguments as an object are kept as their JSON text. */
	static const char ok[] = "{\"model\": \"x\", \"messages\": [{\"role\": \"assistant\", "
				 "\"tool_calls\": [{\"function\": {\"name\": \"f\", \"arguments\": "
				 "{\"a\":1}}}], \"prefix\": false}]}";
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_chat_parse_json(ok, sizeof ok - 1, &a, &chat, &d), 0);
	ASSERT_EQ(chat.n_messages, 1);
	ASSERT_EQ(chat.messages[0].n_calls, 1);
	ASSERT(chat.messages[0].calls[0].id == NULL);
	ASSERT_STR_EQ(chat.messages[0].calls[0].arguments, "{\"a\": 1}");
	tandem_diag_release(&d);
	tandem_arena_release(&a);
}

/* tandem llm chat on stories260K (no [INST] token: the v1 format). */
TEST(cli_llm_chat)
{
	char path[4096], tools[64] = "/tmp/tandem-chat-tools-XXXXXX";
	int fd;

	snprintf(path, sizeof path, "%s/llm/models/stories260K-F32.gguf", test_shared_data());
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		SKIP("../shared/data/llm is missing");
	fclose(f);
	/* The first answer is the continuation of "<s>▁[INST]▁Hello▁[/INST]",
	 * which `llm run` gives for "[INST] Hello [/INST]". */
	char *run = test_cli_expect((const char *const[]){"llm", "run", "-m", path, "-p",
							  "[INST] Hello [/INST]", "-n", "24", "--temp",
							  "0", NULL}, NULL, 0, NULL, NULL);
	char *chat = test_cli_expect((const char *const[]){"llm", "chat", "-m", path, "-n", "24",
							   "--temp", "0", NULL},
				     "Hello\n\nTell me more\n", 0, NULL, NULL);
	char *second = strchr(chat, '\n');
	ASSERT(second != NULL);
	*second++ = '\0';
	run[strcspn(run, "\n")] = '\0';
	ASSERT_STR_EQ(chat, run);
	/* A second answer (the model may write newlines in it), on its line. */
	ASSERT(strlen(second) > 1 && second[strlen(second) - 1] == '\n');
	free(run);
	free(chat);
	/* Refusals: the v3 format without its tokens, a context too small,
	 * tools in v1, usage. */
	free(test_cli_expect((const char *const[]){"llm", "chat", "-m", path, "--format", "v3",
						   NULL}, "Hi\n", 1, NULL, "no control token [INST]"));
	free(test_cli_expect((const char *const[]){"llm", "chat", "-m", path, "--ctx", "8", NULL},
			     "Hello, how are you today?\n", 1, NULL, "TANDEM-TOK-LIMIT"));
	fd = mkstemp(tools);
	ASSERT(fd >= 0);
	close(fd);
	test_write_file(tools, "[{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]");
	free(test_cli_expect((const char *const[]){"llm", "chat", "-m", path, "--tools", tools,
						   NULL}, "Hi\n", 1, NULL, "the v1 format has no tools"));
	test_write_file(tools, "{\"name\": \"f\"}");
	free(test_cli_expect((const char *const[]){"llm", "chat", "-m", path, "--tools", tools,
						   NULL}, "Hi\n", 1, NULL, "\"tools\" is not an array"));
	unlink(tools);
	free(test_cli_expect((const char *const[]){"llm", "chat", "--format", "v4", NULL}, NULL, 2,
			     NULL, "not a valid value"));
	free(test_cli_expect((const char *const[]){"llm", "chat", NULL}, NULL, 2, NULL,
			     "chat needs -m MODEL"));
}
