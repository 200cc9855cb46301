/*
 * src/cli/cmd_llm.c - `tandem llm info`: what a GGUF model file holds - its
 * architecture and dimensions, tokenizer, every metadata pair and every
 * tensor - read and checked by the GGUF reader (tandem/gguf.h) without
 * loading the weights; `tandem llm tokenize`: a text's token ids by the
 * model's own tokenizer (tandem/tokenizer.h), or by a SentencePiece .model.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/gguf.h"
#include "tandem/llm.h"
#include "tandem/tokenizer.h"

#define SHOWN_MAX 8          /* array elements printed */
#define STR_SHOWN_MAX 80     /* bytes of a string printed */
#define TOKENS_MAX (1u << 20) /* ids of one text */

static const char usage_text[] =
	"usage: tandem llm info [--tensors] [--all] MODEL.gguf\n"
	"       tandem llm tokenize -m MODEL.gguf|TOKENIZER.model [--bos] [--special] [--ids]\n"
	"                    TEXT\n"
	"       tandem llm run -m MODEL.gguf -p PROMPT [-n N] [sampling options]\n"
	"       tandem llm chat -m MODEL.gguf [--format v1|v2|v3|llama3] [--system TEXT] [...]\n"
	"       tandem llm quantize [--pure] IN.gguf OUT.gguf Q8_0|Q4_0\n"
	"       tandem llm bench -m MODEL.gguf [-p 512] [-n 128] [--threads N]\n"
	"\n"
	"info  checks the whole GGUF file (header, metadata, tensor table, every\n"
	"      tensor's type, size, offset and alignment) and prints its version,\n"
	"      size, metadata (arrays: their type, length and first elements) and,\n"
	"      with --tensors, each tensor: name, type, dimensions, bytes; --all prints\n"
	"      every element of every array. A damaged file is refused with the\n"
	"      reason (TANDEM-GGUF-*).\n"
	"tokenize  the token ids of TEXT (UTF-8) by the model's tokenizer, one per\n"
	"      line with its piece; --ids prints the ids alone on one line; --bos puts\n"
	"      the BOS token first; --special reads control tokens written in the text\n"
	"      ([INST], </s> ...) as such. A file named *.model or *.model.* is read as\n"
	"      a SentencePiece tokenizer model.\n"
	"run   the model's continuation of a prompt (tandem llm run --help).\n"
	"chat  a conversation with the model, a line of input per message, in\n"
	"      the model's instruct format (tandem llm chat --help).\n"
	"quantize  writes OUT with the weight matrices of IN (F32, F16 or BF16) in\n"
	"      Q8_0 or Q4_0, bit for bit as llama.cpp's llama-quantize; for Q4_0 the\n"
	"      output projection is Q6_K unless --pure.\n"
	"bench  prompt processing and generation speeds (tandem llm bench --help).\n"
	"Exit status: 0 done, 1 not a readable GGUF file, 2 usage error, 3 I/O error.\n";

static void put_str(struct tandem_gguf_str s, size_t max)
{
	putchar('"');
	cli_print_value(stdout, s.p, (size_t)s.len, max);
	putchar('"');
}

static void put_element(const struct tandem_gguf_value *v, uint64_t i)
{
	struct tandem_gguf_str s;
	int64_t n;
	double f;

	if (tandem_gguf_array_str(v, i, &s))
		put_str(s, STR_SHOWN_MAX);
	else if (tandem_gguf_array_i64(v, i, &n))
		printf("%" PRId64, n);
	else if (tandem_gguf_array_f64(v, i, &f))
		printf("%.9g", f);
	else
		fputs("...", stdout);
}

static void put_value(const struct tandem_gguf_value *v, bool all)
{
	switch (v->type) {
	case TANDEM_GGUF_STRING:
		put_str(v->v.s, all ? 1u << 20 : STR_SHOWN_MAX);
		break;
	case TANDEM_GGUF_ARRAY: {
		uint64_t shown = all || v->v.arr.count < SHOWN_MAX ? v->v.arr.count : SHOWN_MAX;
		printf("%s[%" PRIu64 "] [", tandem_gguf_type_name(v->v.arr.type), v->v.arr.count);
		for (uint64_t i = 0; i < shown; i++) {
			if (i > 0)
				fputs(", ", stdout);
			put_element(v, i);
		}
		fputs(shown < v->v.arr.count ? ", ...]" : "]", stdout);
		break;
	}
	case TANDEM_GGUF_FLOAT32: case TANDEM_GGUF_FLOAT64:
		printf("%.9g", v->v.f);
		break;
	case TANDEM_GGUF_INT8: case TANDEM_GGUF_INT16: case TANDEM_GGUF_INT32:
	case TANDEM_GGUF_INT64:
		printf("%" PRId64, v->v.i);
		break;
	case TANDEM_GGUF_BOOL:
		fputs(v->v.u ? "true" : "false", stdout);
		break;
	default:
		printf("%" PRIu64, v->v.u);
	}
}

static void put_tensor(const struct tandem_gguf_tensor *t)
{
	char dims[128];
	int n = 0;

	for (uint32_t k = 0; k < t->n_dims && n >= 0 && (size_t)n < sizeof dims; k++)
		n += snprintf(dims + n, sizeof dims - (size_t)n, "%s%" PRIu64, k ? " x " : "",
			      t->ne[k]);
	fputs("  ", stdout);
	cli_print_value(stdout, t->name.p, (size_t)t->name.len, STR_SHOWN_MAX);
	printf("  %s  [%s]  %" PRIu64 " bytes at %" PRIu64 "\n", tandem_ggml_type_name(t->type),
	       dims, t->bytes, t->offset);
}

static int info(const char *path, bool tensors, bool all)
{
	struct tandem_gguf *g = NULL;
	struct tandem_diag d;
	uint64_t weights = 0;
	int rc;

	tandem_diag_init(&d, 10);
	rc = tandem_gguf_open(path, &d, &g);
	if (rc != 0) {
		cli_print_findings(stderr, &d);
		tandem_diag_release(&d);
		return cli_error(rc == TANDEM_EIO || rc == TANDEM_ENOMEM ? CLI_EXIT_IO
									 : CLI_EXIT_INVALID,
				 "llm", "%s: not a readable GGUF model", path);
	}
	for (size_t i = 0; i < tandem_gguf_tensor_count(g); i++)
		weights += tandem_gguf_tensor_at(g, i)->bytes;
	printf("%s: GGUF version %" PRIu32 ", %" PRIu64 " bytes, %zu metadata pairs, %zu tensors "
	       "(%" PRIu64 " bytes of weights), alignment %" PRIu32 "\n", path,
	       tandem_gguf_version(g), tandem_gguf_file_bytes(g), tandem_gguf_kv_count(g),
	       tandem_gguf_tensor_count(g), weights, tandem_gguf_alignment(g));
	for (size_t i = 0; i < tandem_gguf_kv_count(g); i++) {
		const struct tandem_gguf_kv *kv = tandem_gguf_kv_at(g, i);

		fputs("  ", stdout);
		cli_print_value(stdout, kv->key.p, (size_t)kv->key.len, STR_SHOWN_MAX);
		printf(" (%s) = ", tandem_gguf_type_name(kv->value.type));
		put_value(&kv->value, all);
		putchar('\n');
	}
	if (tensors)
		for (size_t i = 0; i < tandem_gguf_tensor_count(g); i++)
			put_tensor(tandem_gguf_tensor_at(g, i));
	tandem_gguf_close(g);
	tandem_diag_release(&d);
	return CLI_EXIT_OK;
}

/* Mistral's tokenizer files are named tokenizer.model.v3 and the like. */
static bool is_spm_model(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base != NULL ? base + 1 : path;
	dot = strstr(base, ".model");
	return dot != NULL && (dot[6] == '\0' || dot[6] == '.');
}

/* The tokenizer of a SentencePiece .model file. */
static int open_spm(const char *path, struct tandem_tok **t, struct tandem_diag *d)
{
	char *bytes = NULL;
	size_t len = 0;
	int rc = cli_read_file("llm", path, TANDEM_TOK_MODEL_MAX, &bytes, &len);

	if (rc == TANDEM_ELIMIT)
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-TOK-MODEL", NULL, 0,
				      "a model of %zu bytes is beyond the limit", len);
	else if (rc == 0)
		rc = tandem_tok_from_spm_model(bytes, len, d, t);
	free(bytes);
	return rc;
}

/* The model file and its tokenizer (g stays NULL for a .model); an exit
 * status. */
static int open_tok(const char *path, struct tandem_gguf **g, struct tandem_tok **t)
{
	struct tandem_diag d;
	int rc;

	tandem_diag_init(&d, 10);
	if (is_spm_model(path)) {
		rc = open_spm(path, t, &d);
	} else {
		rc = tandem_gguf_open(path, &d, g);
		if (rc == 0)
			rc = tandem_tok_from_gguf(*g, &d, t);
	}
	if (rc != 0) {
		cli_print_findings(stderr, &d);
		tandem_gguf_close(*g);
		*g = NULL;
	}
	tandem_diag_release(&d);
	if (rc == TANDEM_EIO || rc == TANDEM_ENOMEM)
		return cli_error(CLI_EXIT_IO, "llm", "%s: cannot read the model", path);
	return rc != 0 ? cli_error(CLI_EXIT_INVALID, "llm", "%s: no usable tokenizer", path) : 0;
}

static int tokenize(const char *model, const char *text, unsigned flags, bool ids_only)
{
	struct tandem_gguf *g = NULL;
	struct tandem_tok *t = NULL;
	struct tandem_diag d;
	int32_t *ids = malloc(TOKENS_MAX * sizeof *ids);
	size_t n = 0;
	int status;

	if (ids == NULL)
		return cli_error(CLI_EXIT_IO, "llm", "out of memory");
	status = open_tok(model, &g, &t);
	tandem_diag_init(&d, 10);
	if (status == 0 &&
	    tandem_tok_encode(t, text, strlen(text), flags, ids, TOKENS_MAX, &n, &d) != 0) {
		cli_print_findings(stderr, &d);
		status = cli_error(CLI_EXIT_INVALID, "llm", "the text cannot be tokenized");
	}
	for (size_t i = 0; status == 0 && i < n; i++) {
		size_t len = 0;
		const char *piece = tandem_tok_piece(t, ids[i], &len);

		if (ids_only) {
			printf("%s%d", i > 0 ? " " : "", ids[i]);
			continue;
		}
		printf("%6d  ", ids[i]);
		cli_print_value(stdout, piece, len, STR_SHOWN_MAX);
		putchar('\n');
	}
	if (status == 0 && ids_only)
		putchar('\n');
	tandem_diag_release(&d);
	tandem_tok_free(t);
	tandem_gguf_close(g);
	free(ids);
	return status;
}

static int quantize(const char *in, const char *out, const char *type, bool pure)
{
	struct tandem_gguf *g = NULL;
	struct tandem_diag d;
	enum tandem_ggml_type t;
	int rc;

	if (strcmp(type, "Q8_0") == 0 || strcmp(type, "q8_0") == 0)
		t = TANDEM_GGML_Q8_0;
	else if (strcmp(type, "Q4_0") == 0 || strcmp(type, "q4_0") == 0)
		t = TANDEM_GGML_Q4_0;
	else
		return cli_usage("llm", "the type is Q8_0 or Q4_0, not '%s'", type);
	tandem_diag_init(&d, 10);
	rc = tandem_gguf_open(in, &d, &g);
	if (rc == 0)
		rc = tandem_llm_quantize(g, out, t, pure, &d);
	if (rc == 0)
		printf("%s: written in %s%s\n", out, type, pure ? " (pure)" : "");
	else
		cli_print_findings(stderr, &d);
	tandem_gguf_close(g);
	tandem_diag_release(&d);
	if (rc == 0)
		return CLI_EXIT_OK;
	return cli_error(rc == TANDEM_EIO || rc == TANDEM_ENOMEM ? CLI_EXIT_IO : CLI_EXIT_INVALID,
			 "llm", "%s: not quantized", in);
}

int cmd_llm(int argc, char **argv)
{
	static const struct option opts[] = {
		{"tensors", no_argument, NULL, 't'},
		{"all", no_argument, NULL, 'a'},
		{"model", required_argument, NULL, 'm'},
		{"bos", no_argument, NULL, 'b'},
		{"ids", no_argument, NULL, 'i'},
		{"special", no_argument, NULL, 's'},
		{"pure", no_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool tensors = false, all = false, bos = false, ids = false, pure = false;
	bool special = false;
	const char *model = NULL, *sub;
	int c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	sub = argv[1];
	if (strcmp(sub, "run") == 0)
		return cmd_llm_run(argc - 1, argv + 1);
	if (strcmp(sub, "bench") == 0)
		return cmd_llm_bench(argc - 1, argv + 1);
	if (strcmp(sub, "chat") == 0)
		return cmd_llm_chat(argc - 1, argv + 1);
	if (strcmp(sub, "info") != 0 && strcmp(sub, "tokenize") != 0 &&
	    strcmp(sub, "quantize") != 0)
		return cli_usage("llm", "the subcommand is info, tokenize, run, chat, quantize or "
				 "bench");
	argc--;
	argv++;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hm:", opts, NULL)) != -1) {
		if (c == 'm')
			model = optarg;
		else if (c == 'b')
			bos = true;
		else if (c == 'i')
			ids = true;
		else if (c == 's')
			special = true;
		else if (c == 'u')
			pure = true;
		else if (c == 't')
			tensors = true;
		else if (c == 'a')
			all = true;
		else if (c == 'h')
			return fputs(usage_text, stdout), CLI_EXIT_OK;
		else
			return c == ':' ? cli_missing_value("llm", argv) : cli_unknown_option("llm", argv);
	}
	if (strcmp(sub, "quantize") == 0) {
		if (argc - optind != 3)
			return cli_usage("llm", "quantize takes IN.gguf OUT.gguf TYPE");
		return quantize(argv[optind], argv[optind + 1], argv[optind + 2], pure);
	}
	if (strcmp(sub, "tokenize") == 0) {
		if (model == NULL || argc - optind != 1)
			return cli_usage("llm", "tokenize needs -m MODEL and one text");
		return tokenize(model, argv[optind],
				(bos ? TANDEM_TOK_ADD_BOS : 0u) |
					(special ? TANDEM_TOK_PARSE_SPECIAL : 0u), ids);
	}
	if (argc - optind != 1)
		return cli_usage("llm", "info takes one model file");
	return info(argv[optind], tensors, all);
}
