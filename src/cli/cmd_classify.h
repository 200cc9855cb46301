/*
 * src/cli/cmd_classify.h - what the files of `tandem classify` share.
 */
#ifndef TANDEM_CMD_CLASSIFY_H
#define TANDEM_CMD_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/classify.h"

/* The transparency log of classify_log.c: NULL when none is named. */
struct classify_log;

/* One record: what was done, with what, on what (hashed), giving what. */
struct classify_entry {
	unsigned type;                 /* TANDEM_TLOG_STATEMENT, _AI_INFERENCE,
					  _HUMAN_DECISION */
	const char *user;              /* NULL: $TANDEM_USER, else $USER */
	const char *model_path;
	const char *model_hex;         /* SHA-256 of the model file */
	const char *input;             /* the text, hashed; NULL: none */
	size_t input_len;
	const char *output;            /* the suggestion, hashed; NULL: the model */
	size_t output_len;
	const char *detail;
};

/* Opens the log named by option, else $TANDEM_LOG (*out NULL when neither
 * names one); adds a record; commits and closes. Exit statuses. */
int classify_log_open(const char *option, struct classify_log **out);
int classify_log_add(struct classify_log *l, const struct classify_entry *e);
int classify_log_close(struct classify_log *l);

/* What a suggestion is made with. */
struct classify_ctx {
	const struct tandem_cls_model *m;
	struct classify_log *log;
	const char *model_path;
	char model_hex[65];
	const char *user;
	bool json;
};

/* Logs a suggestion for text (when there is a log); an exit status. */
int classify_log_suggestion(const struct classify_ctx *c, const char *text, size_t len,
			    const struct tandem_cls_prediction *p);

/* The text classified for an invoice line: its item's name and
 * description (BT-153, BT-154), cut at size - 1 bytes on a character. */
#define CLASSIFY_LINE_TEXT_MAX 4096
struct tandem_einv_line;
size_t classify_line_text(const struct tandem_einv_line *l, char *out, size_t size);

/* A line's net amount (BT-131) in cents, without its sign; 0 when unknown. */
int64_t classify_line_cents(const struct tandem_einv_line *l);

/* "word:travaux +1.234, prefix:reinig +0.800": the reasons of a prediction. */
void classify_reasons_text(const struct tandem_cls_prediction *p, char *out, size_t size);

/* Suggestions for the lines of the invoice at path; an exit status. */
int classify_invoice(const struct classify_ctx *c, const char *path);

#endif /* TANDEM_CMD_CLASSIFY_H */
