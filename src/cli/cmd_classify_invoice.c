/*
 * src/cli/cmd_classify_invoice.c - `tandem classify invoice -m MODEL FILE`:
 * a CPV suggestion for every line of an EN 16931 invoice (UBL, CII or
 * Factur-X), from the item's name and description (BT-153, BT-154), the
 * invoice's language and the line's net amount (BT-131). When the line
 * declares a CPV code itself (BT-158 with scheme STI, the CPV in UNTDID
 * 7143), the suggestion is compared with it.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_classify.h"
#include "tandem/arena.h"
#include "tandem/einvoice.h"
#include "tandem/en16931.h"
#include "tandem/error.h"

#define ARENA_MAX (512u << 20)

/* The CPV code a line declares (BT-158, scheme STI), or NULL. */
static const char *declared_cpv(const struct tandem_einv_line *l)
{
	for (size_t i = 0; i < l->item.classifications.count; i++) {
		const struct tandem_einv_id *c = &l->item.classifications.items[i];
		if (c->scheme != NULL && strcmp(c->scheme, "STI") == 0 && c->value != NULL)
			return c->value;
	}
	return NULL;
}

static void put_line(const struct tandem_einv_line *l, const char *text, size_t len,
		     const struct tandem_cls_prediction *p, bool json, struct tandem_buf *b)
{
	const char *cpv = declared_cpv(l);
	bool agrees = cpv != NULL && strncmp(cpv, p->group[0].code, 3) == 0;
	if (!json) {
		printf("%s\t", l->id != NULL ? l->id : "?");
		cli_print_value(stdout, text, len, 60);
		printf("\t%s %.1f%%\t%s %.1f%%%s", p->group[0].code, p->group[0].p_milli / 10.0,
		       p->division[0].code, p->division[0].p_milli / 10.0,
		       p->needs_human ? "\tneeds a human" : "");
		if (cpv != NULL)
			printf("\tdeclared %s (%s)", cpv, agrees ? "agrees" : "differs");
		putchar('\n');
		return;
	}
	tandem_buf_reset(b);
	tandem_buf_puts(b, "{\"line\":");
	tandem_buf_json_string(b, l->id != NULL ? l->id : "", l->id != NULL ? strlen(l->id) : 0);
	tandem_buf_puts(b, ",\"text\":");
	tandem_buf_json_string(b, text, len);
	tandem_buf_printf(b, ",\"group\":\"%s\",\"p\":%.3f,\"division\":\"%s\",\"needs_human\":%s",
			  p->group[0].code, p->group[0].p_milli / 1000.0, p->division[0].code,
			  p->needs_human ? "true" : "false");
	if (cpv != NULL) {
		tandem_buf_puts(b, ",\"declared\":");
		tandem_buf_json_string(b, cpv, strlen(cpv));
		tandem_buf_printf(b, ",\"agrees\":%s", agrees ? "true" : "false");
	}
	tandem_buf_puts(b, "}\n");
	fwrite(b->data, 1, b->len, stdout);
}

size_t classify_line_text(const struct tandem_einv_line *l, char *out, size_t size)
{
	int n = snprintf(out, size, "%s%s%s", l->item.name != NULL ? l->item.name : "",
			 l->item.description != NULL ? " " : "",
			 l->item.description != NULL ? l->item.description : "");
	size_t len = n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;

	/* Cut short: not inside a UTF-8 sequence. */
	if (n >= 0 && (size_t)n >= size && len > 0) {
		size_t start = len - 1;
		while (start > 0 && ((unsigned char)out[start] & 0xC0) == 0x80)
			start--;
		unsigned char lead = (unsigned char)out[start];
		size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
		if (len - start < need) {
			len = start;
			out[len] = '\0';
		}
	}
	return len;
}

int64_t classify_line_cents(const struct tandem_einv_line *l)
{
	int64_t cents = 0;

	if (l->net_amount.set &&
	    tandem_dec_to_minor(l->net_amount.value, 2, TANDEM_ROUND_HALF_UP, &cents) != 0)
		cents = 0;
	return cents < 0 ? -cents : cents;
}

void classify_reasons_text(const struct tandem_cls_prediction *p, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < p->nreasons; i++) {
		int n = snprintf(out + len, size - len, "%s%s %+.3f", i > 0 ? ", " : "",
				 p->reasons[i].feature, p->reasons[i].weight_milli / 1000.0);
		if (n < 0 || (size_t)n >= size - len) {
			out[len] = '\0';
			break;
		}
		len += (size_t)n;
	}
}

int classify_invoice(const struct classify_ctx *c, const char *path)
{
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_einv_source *src = NULL;
	struct tandem_einv_invoice *inv = NULL;
	struct tandem_buf b;
	char *data = NULL, text[CLASSIFY_LINE_TEXT_MAX];
	int status = CLI_EXIT_OK;

	tandem_arena_init(&a, ARENA_MAX);
	tandem_diag_init(&d, 100);
	tandem_buf_init(&b, 1u << 20);
	int err = cli_open_invoice(path, &a, &d, &src, &data);
	if (err == 0)
		err = tandem_einv_read(&a, src, &d, &inv);
	if (err != 0) {
		cli_print_findings(stderr, &d);
		status = cli_error(err == TANDEM_EIO || err == TANDEM_ENOMEM ? CLI_EXIT_IO
									 : CLI_EXIT_INVALID,
				   "classify", "%s: not a readable EN 16931 invoice", path);
		goto done;
	}
	for (size_t i = 0; i < inv->n_lines; i++) {
		const struct tandem_einv_line *l = &inv->lines[i];
		struct tandem_cls_prediction p;
		size_t len = classify_line_text(l, text, sizeof text);
		if (len == 0) {
			fprintf(stderr, "tandem classify: %s line %s: no item name or description\n",
				path, l->id != NULL ? l->id : "?");
			status = CLI_EXIT_INVALID;
			continue;
		}
		tandem_diag_release(&d);
		tandem_diag_init(&d, 10);
		err = tandem_cls_predict(c->m, text, len, TANDEM_CLS_LANG_UNKNOWN,
					 classify_line_cents(l), &p, &d);
		if (err != 0) {
			cli_print_findings(stderr, &d);
			status = CLI_EXIT_INVALID;
			continue;
		}
		put_line(l, text, len, &p, c->json, &b);
		int s = classify_log_suggestion(c, text, len, &p);
		if (s > status)
			status = s;
	}
done:
	tandem_buf_release(&b);
	tandem_diag_release(&d);
	tandem_arena_release(&a);
	free(data);
	return status;
}
