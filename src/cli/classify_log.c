/*
 * src/cli/classify_log.c - what `tandem classify` puts in the transparency
 * log (docs/tlog.md) when one is named (--log DIR or $TANDEM_LOG):
 *   - train: a statement that the model file with this SHA-256 was made;
 *   - predict, explain, invoice: an ai.inference per text, with the hash
 *     of the text, of the suggestion and of the model;
 *   - learn: a human.decision, the user's correction, with the hash of the
 *     text and of the model it produced.
 * Nothing of the text itself is logged, only its hash: the log is public,
 * the text may not be.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd_classify.h"
#include "tandem/error.h"
#include "tandem/tlog_log.h"
#include "tandem/tlog_record.h"

struct classify_log {
	struct tandem_tlog *log;
	char dir[4096];
};

int classify_log_open(const char *option, struct classify_log **out)
{
	const char *dir = option != NULL ? option : getenv("TANDEM_LOG");
	char why[TANDEM_TLOG_WHY_MAX];

	*out = NULL;
	if (dir == NULL || dir[0] == '\0')
		return 0; /* no log: nothing to record */
	struct classify_log *l = calloc(1, sizeof *l);
	if (l == NULL)
		return cli_error(CLI_EXIT_IO, "classify", "out of memory");
	(void)snprintf(l->dir, sizeof l->dir, "%s", dir);
	int rc = tandem_tlog_open(l->dir, TANDEM_TLOG_WRITE, &l->log, why, sizeof why);
	if (rc != 0) {
		free(l);
		return cli_error(rc == TANDEM_EIO || rc == TANDEM_ENOMEM ? CLI_EXIT_IO
									 : CLI_EXIT_INVALID,
				 "classify", "log %s: %s", dir, why);
	}
	*out = l;
	return 0;
}

/* The actor: --user, else $TANDEM_USER, else $USER. */
static const char *actor_of(const char *user)
{
	const char *a = user != NULL ? user : getenv("TANDEM_USER");
	if (a == NULL || a[0] == '\0')
		a = getenv("USER");
	return a != NULL && a[0] != '\0' ? a : "unknown";
}

int classify_log_add(struct classify_log *l, const struct classify_entry *e)
{
	uint8_t in[32], outh[32], model[32], buf[TANDEM_TLOG_RECORD_MAX];
	char why[TANDEM_TLOG_WHY_MAX], model_text[256];
	struct tandem_tlog_record r;
	size_t len = 0;
	uint64_t index;

	if (l == NULL)
		return 0;
	memset(&r, 0, sizeof r);
	r.type = e->type;
	r.time = (uint64_t)time(NULL);
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_ACTOR, actor_of(e->user));
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_OBJECT, "classify.model");
	(void)snprintf(model_text, sizeof model_text, "%.150s sha256:%s", e->model_path,
		       e->model_hex);
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_MODEL, model_text);
	if (e->input != NULL) {
		crypto_hash_sha256(in, (const unsigned char *)e->input, e->input_len);
		r.bytes[TANDEM_TLOG_F_INPUT_SHA256] = (struct tandem_slice){(const char *)in, 32};
		r.present |= 1u << TANDEM_TLOG_F_INPUT_SHA256;
	}
	if (e->output != NULL) {
		crypto_hash_sha256(outh, (const unsigned char *)e->output, e->output_len);
		r.bytes[TANDEM_TLOG_F_OUTPUT_SHA256] = (struct tandem_slice){(const char *)outh, 32};
		r.present |= 1u << TANDEM_TLOG_F_OUTPUT_SHA256;
	} else if (sodium_hex2bin(model, sizeof model, e->model_hex, strlen(e->model_hex), NULL,
				  NULL, NULL) == 0) {
		/* A statement or a decision produces a model: its hash. */
		r.bytes[TANDEM_TLOG_F_OUTPUT_SHA256] = (struct tandem_slice){(const char *)model, 32};
		r.present |= 1u << TANDEM_TLOG_F_OUTPUT_SHA256;
	}
	tandem_tlog_record_text(&r, TANDEM_TLOG_F_DETAIL, e->detail);
	int rc = tandem_tlog_record_encode(&r, buf, sizeof buf, &len, why, sizeof why);
	if (rc == 0)
		rc = tandem_tlog_append(l->log, buf, len, &index);
	if (rc != 0)
		return cli_error(CLI_EXIT_IO, "classify", "log %s: cannot append: %s", l->dir,
				 tandem_strerror(rc));
	return 0;
}

int classify_log_close(struct classify_log *l)
{
	int status = 0;
	if (l == NULL)
		return 0;
	if (tandem_tlog_pending(l->log) > 0 && tandem_tlog_commit(l->log) != 0)
		status = cli_error(CLI_EXIT_IO, "classify", "log %s: cannot commit", l->dir);
	tandem_tlog_close(l->log);
	free(l);
	return status;
}

int classify_log_suggestion(const struct classify_ctx *c, const char *text, size_t len,
			    const struct tandem_cls_prediction *p)
{
	char out[128], detail[160];
	if (c->log == NULL)
		return 0;
	int n = snprintf(out, sizeof out, "{\"group\":\"%s\",\"p\":%u,\"division\":\"%s\"}",
			 p->group[0].code, p->group[0].p_milli, p->division[0].code);
	(void)snprintf(detail, sizeof detail, "CPV group %s (%.1f %%), division %s%s",
		       p->group[0].code, p->group[0].p_milli / 10.0, p->division[0].code,
		       p->needs_human ? ", needs a human" : "");
	struct classify_entry e = {
		.type = TANDEM_TLOG_AI_INFERENCE, .user = c->user, .model_path = c->model_path,
		.model_hex = c->model_hex, .input = text, .input_len = len, .output = out,
		.output_len = n > 0 ? (size_t)n : 0, .detail = detail,
	};
	return classify_log_add(c->log, &e);
}
