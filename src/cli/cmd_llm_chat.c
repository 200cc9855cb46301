/*
 * src/cli/cmd_llm_chat.c - `tandem llm chat`: a conversation with the
 * model, a line of standard input per user message, in Mistral's instruct
 * format (tandem/chat.h). Each turn the whole conversation is encoded
 * again; what the context already holds of it is kept, the rest fed (when
 * the new ids do not extend the old ones, the context starts over).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tandem/buf.h"
#include "tandem/chat.h"
#include "tandem/error.h"
#include "tandem/gguf.h"
#include "tandem/llm.h"
#include "tandem/tokenizer.h"

#define TURNS_MAX 10000
#define LINE_MAX_BYTES (1u << 20)
#define ANSWER_MAX (1u << 22)
#define TOOLS_FILE_MAX (1u << 22)

static const char usage_text[] =
	"usage: tandem llm chat -m MODEL.gguf [--format v1|v2|v3|llama3] [--system TEXT]\n"
	"                       [--tools REQUEST.json] [-n N] [--ctx N] [--temp T]\n"
	"                       [--top-k K] [--top-p P] [--min-p P] [--seed S]\n"
	"\n"
	"Reads user messages from standard input, one per line, and writes each\n"
	"answer of the model on a line of its own: N tokens at most (512 by\n"
	"default), up to the end of text. The conversation is put in the model's\n"
	"instruct format: Llama 3's when its chat template or vocabulary has\n"
	"<|start_header_id|>, else Mistral's as mistral-common makes it (v3 when the\n"
	"vocabulary has the [INST] control token, v1 otherwise), or --format;\n"
	"--system is the system prompt; --tools takes the \"tools\" of a\n"
	"chat-completion request in JSON (Mistral's formats only).\n"
	"Sampling as `tandem llm run` (--temp 0: greedy). The context holds --ctx\n"
	"positions (4096): a conversation that outgrows it ends the chat.\n"
	"Exit status: 0 done, 1 refused, 2 usage error, 3 I/O error.\n";

struct chat_opts {
	const char *model, *system, *tools;
	unsigned long n, ctx;
	int format;        /* 0: from the vocabulary */
	struct tandem_llm_sampling s;
};

static bool parse_format(const char *s, int *out)
{
	if (strcmp(s, "llama3") == 0) {
		*out = TANDEM_CHAT_LLAMA3;
		return true;
	}
	if (strcmp(s, "v1") != 0 && strcmp(s, "v2") != 0 && strcmp(s, "v3") != 0)
		return false;
	*out = s[1] - '0';
	return true;
}

static int parse(int argc, char **argv, struct chat_opts *o)
{
	static const struct option opts[] = {
		{"model", required_argument, NULL, 'm'}, {"n", required_argument, NULL, 'n'},
		{"ctx", required_argument, NULL, 'c'}, CLI_LLM_SAMPLING_OPTIONS,
		{"format", required_argument, NULL, 'f'}, {"system", required_argument, NULL, 'S'},
		{"tools", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct chat_opts){ .n = 512, .ctx = 4096 };
	tandem_llm_sampling_default(&o->s);
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hm:n:", opts, NULL)) != -1) {
		int sampling = cli_llm_sampling_option(c, optarg, &o->s);
		bool ok = true;

		if (sampling < 0)
			return cli_usage("llm", "%s: not a valid value here", argv[optind - 1]);
		if (sampling > 0)
			continue;
		switch (c) {
		case 'm': o->model = optarg; break;
		case 'S': o->system = optarg; break;
		case 'T': o->tools = optarg; break;
		case 'f': ok = parse_format(optarg, &o->format); break;
		case 'n': ok = cli_parse_uint(optarg, ANSWER_MAX, &o->n); break;
		case 'c': ok = cli_parse_uint(optarg, TANDEM_LLM_CTX_MAX, &o->ctx); break;
		case 'h':
			return fputs(usage_text, stdout), CLI_EXIT_OK;
		case ':':
			return cli_missing_value("llm", argv);
		default:
			return cli_unknown_option("llm", argv);
		}
		if (!ok)
			return cli_usage("llm", "%s: not a valid value here", argv[optind - 1]);
	}
	if (o->model == NULL || optind != argc)
		return cli_usage("llm", "chat needs -m MODEL");
	return -1;
}

/* Everything one chat holds. */
struct session {
	const struct chat_opts *o;
	struct tandem_tok *t;
	struct tandem_llm_ctx *c;
	struct tandem_llm_sampler *smp;
	const struct tandem_llm_hparams *hp;
	struct tandem_arena a;                 /* the messages' texts */
	struct tandem_chat chat;
	struct tandem_chat_message *msgs;
	int32_t *ids, *fed;                    /* this turn's ids; those in the context */
	size_t nfed;
	float *logits;
	struct tandem_diag *d;
};

/* The conversation's ids into the context: what it holds already is kept. */
static int feed(struct session *s, size_t n)
{
	size_t same = 0;
	int rc;

	while (same < n && same < s->nfed && s->ids[same] == s->fed[same])
		same++;
	if (same < s->nfed || same == n) {
		/* Not an extension (or nothing new): start over. */
		tandem_llm_ctx_reset(s->c);
		s->nfed = 0;
		same = 0;
	}
	rc = tandem_llm_eval(s->c, s->ids + same, n - same, s->logits, s->d);
	if (rc != 0)
		return rc;
	memcpy(s->fed + same, s->ids + same, (n - same) * sizeof *s->ids);
	s->nfed = n;
	return 0;
}

/* The model's answer, written as it comes; its ids stay in the context
 * (s->fed), from first on. */
static int answer(struct session *s)
{
	struct tandem_buf piece;
	/* Llama 3 ends a turn with <|eot_id|>, the text with EOS. */
	int32_t eot = tandem_tok_control(s->t, "<|eot_id|>", 10);
	int rc = 0;

	tandem_buf_init(&piece, 1u << 16);
	for (size_t made = 0; rc == 0 && made < s->o->n && s->nfed < s->o->ctx; made++) {
		int32_t next = tandem_llm_sample(s->smp, s->logits, s->fed, s->nfed);

		if (next == tandem_tok_eos(s->t) || (eot >= 0 && next == eot))
			break;
		tandem_buf_reset(&piece);
		(void)tandem_tok_decode(s->t, &next, 1, made > 0 ? TANDEM_TOK_MIDSTREAM : 0, &piece);
		fwrite(piece.data, 1, piece.len, stdout);
		fflush(stdout);
		s->fed[s->nfed++] = next;
		if (s->nfed < s->o->ctx)
			rc = tandem_llm_eval(s->c, &next, 1, s->logits, s->d);
	}
	putchar('\n');
	fflush(stdout);
	tandem_buf_release(&piece);
	return rc;
}

/* One user line: the conversation encoded, fed, answered; the answer's
 * text becomes the assistant's message, which encodes again (with its
 * space prefix) as the ids the model gave, most often: then the next turn
 * only feeds what follows. */
static int turn(struct session *s, const char *line, size_t len)
{
	struct tandem_chat_message *m = &s->msgs[s->chat.n_messages];
	struct tandem_buf text;
	size_t n = 0, from;
	int rc;

	*m = (struct tandem_chat_message){ .role = TANDEM_CHAT_USER,
					   .content = tandem_arena_strndup(&s->a, line, len) };
	if (m->content == NULL)
		return TANDEM_ENOMEM;
	s->chat.n_messages++;
	rc = tandem_chat_encode(s->t, (enum tandem_chat_format)s->o->format, &s->chat,
					s->ids, s->o->ctx, &n, s->d);
	if (rc == 0)
		rc = feed(s, n);
	from = s->nfed;
	if (rc == 0)
		rc = answer(s);
	if (rc != 0)
		return rc;
	tandem_buf_init(&text, ANSWER_MAX);
	rc = tandem_tok_decode(s->t, s->fed + from, s->nfed - from, 0, &text);
	/* An empty answer is no assistant message to mistral-common: a space,
	 * which encodes to nothing (trailing spaces are dropped), stands in. */
	m[1] = (struct tandem_chat_message){
		.role = TANDEM_CHAT_ASSISTANT,
		.content = tandem_arena_strndup(&s->a, text.len > 0 ? text.data : " ",
						text.len > 0 ? text.len : 1),
	};
	tandem_buf_release(&text);
	if (rc == 0 && m[1].content == NULL)
		rc = TANDEM_ENOMEM;
	s->chat.n_messages++;
	return rc;
}

/* --tools: a JSON array of tools, read as a request's "tools". */
static int read_tools(struct session *s, const char *path)
{
	struct tandem_chat req;
	struct tandem_buf wrap;
	char *data = NULL;
	size_t len = 0;
	int rc = cli_read_file("llm", path, TOOLS_FILE_MAX, &data, &len);

	if (rc == TANDEM_ELIMIT)
		(void)tandem_diag_add(s->d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-CHAT-LIMIT", NULL,
				      0, "%s: over %u bytes", path, TOOLS_FILE_MAX);
	if (rc != 0)
		return rc;
	tandem_buf_init(&wrap, TOOLS_FILE_MAX + 64);
	rc = tandem_buf_puts(&wrap, "{\"messages\": [], \"tools\": ");
	if (rc == 0)
		rc = tandem_buf_append(&wrap, data, len);
	if (rc == 0)
		rc = tandem_buf_puts(&wrap, "\n}");
	if (rc == 0)
		rc = tandem_chat_parse_json(wrap.data, wrap.len, &s->a, &req, s->d);
	if (rc == 0) {
		s->chat.tools = req.tools;
		s->chat.n_tools = req.n_tools;
	}
	tandem_buf_release(&wrap);
	free(data);
	return rc;
}

/* The lines of standard input, each a turn. */
static int converse(struct session *s)
{
	struct tandem_buf line;
	bool tty = isatty(STDIN_FILENO) != 0, truncated = false;
	int got, rc = 0;

	tandem_buf_init(&line, LINE_MAX_BYTES);
	for (;;) {
		if (tty)
			fputs("> ", stderr);
		got = cli_read_line(stdin, &line, &truncated);
		if (got <= 0) {
			rc = got;
			break;
		}
		if (truncated) {
			(void)tandem_diag_add(s->d, TANDEM_SEV_ERROR, TANDEM_ELIMIT,
					      "TANDEM-CHAT-LIMIT", NULL, 0,
					      "a line of more than %u bytes", LINE_MAX_BYTES);
			rc = TANDEM_ELIMIT;
			break;
		}
		if (line.len == 0)
			continue;
		if (s->chat.n_messages + 2 > 2 * (size_t)TURNS_MAX + 1) {
			(void)tandem_diag_add(s->d, TANDEM_SEV_ERROR, TANDEM_ELIMIT,
					      "TANDEM-CHAT-LIMIT", NULL, 0, "more than %d turns",
					      TURNS_MAX);
			rc = TANDEM_ELIMIT;
			break;
		}
		rc = turn(s, line.data, line.len);
		if (rc != 0)
			break;
	}
	tandem_buf_release(&line);
	return rc;
}

static int run(struct session *s, const struct tandem_gguf *g)
{
	struct tandem_llm_model *model = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint32_t threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (uint32_t)cpus;
	int rc;

	rc = tandem_tok_from_gguf(g, s->d, &s->t);
	if (rc == 0)
		rc = tandem_llm_load(g, s->d, &model);
	if (rc == 0)
		rc = tandem_llm_ctx_new(model, (uint32_t)s->o->ctx, threads, s->d, &s->c);
	if (rc == 0) {
		s->hp = tandem_llm_hparams(model);
		rc = tandem_llm_sampler_new(&s->o->s, s->hp->n_vocab, s->d, &s->smp);
	}
	s->msgs = calloc(2 * TURNS_MAX + 2, sizeof *s->msgs);
	s->ids = malloc(s->o->ctx * sizeof *s->ids);
	s->fed = malloc(s->o->ctx * sizeof *s->fed);
	s->logits = s->hp != NULL ? malloc(s->hp->n_vocab * sizeof *s->logits) : NULL;
	if (rc == 0 && (s->msgs == NULL || s->ids == NULL || s->fed == NULL || s->logits == NULL))
		rc = TANDEM_ENOMEM;
	s->chat.messages = s->msgs;
	if (rc == 0 && s->o->system != NULL) {
		s->msgs[0] = (struct tandem_chat_message){ .role = TANDEM_CHAT_SYSTEM,
							   .content = s->o->system };
		s->chat.n_messages = 1;
	}
	if (rc == 0 && s->o->tools != NULL)
		rc = read_tools(s, s->o->tools);
	if (rc == 0)
		rc = converse(s);
	free(s->logits);
	free(s->fed);
	free(s->ids);
	free(s->msgs);
	tandem_llm_sampler_free(s->smp);
	tandem_llm_ctx_free(s->c);
	tandem_llm_free(model);
	tandem_tok_free(s->t);
	return rc;
}

int cmd_llm_chat(int argc, char **argv)
{
	struct chat_opts o;
	struct session s = { .o = &o };
	struct tandem_gguf *g = NULL;
	struct tandem_diag d;
	int rc, status = parse(argc, argv, &o);

	if (status >= 0)
		return status;
	tandem_diag_init(&d, 10);
	tandem_arena_init(&s.a, 1u << 30);
	s.d = &d;
	rc = tandem_gguf_open(o.model, &d, &g);
	if (rc == 0 && o.format == 0) {
		struct tandem_tok *t = NULL;

		rc = tandem_tok_from_gguf(g, &d, &t);
		o.format = t != NULL ? (int)tandem_chat_format_of(g, t) : 1;
		tandem_tok_free(t);
	}
	if (rc == 0)
		rc = run(&s, g);
	if (rc != 0) {
		cli_print_findings(stderr, &d);
		status = cli_error(rc == TANDEM_EIO || rc == TANDEM_ENOMEM ? CLI_EXIT_IO
									 : CLI_EXIT_INVALID,
				   "llm", "%s: the chat ended", o.model);
	} else {
		status = CLI_EXIT_OK;
	}
	tandem_arena_release(&s.a);
	tandem_gguf_close(g);
	tandem_diag_release(&d);
	return status;
}
