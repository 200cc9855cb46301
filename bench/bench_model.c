/*
 * bench/bench_model.c - reading the EN 16931 model, on the files of
 * ../shared/data/einvoice/bench_ubl.txt and bench_cii.txt, in one process
 * with the files in memory: open alone, then open + tandem_einv_read +
 * identifier checks + routing, then the same plus the JSON form; then open
 * + read + tandem_einv_write as UBL, and as CII. One thread.
 */
#include <string.h>

#include "bench.h"
#include "bench_files.h"
#include "tandem/arena.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/en16931.h"

#define MIN_S 2.0

static struct bench_files corpus;

enum stage { OPEN, READ, JSON, WRITE_UBL, WRITE_CII };

static void run(const char *name, enum stage stage)
{
	double t0 = bench_now_s(), t, done = 0, bytes = 0;
	long ok = 0;

	do {
		for (size_t i = 0; i < corpus.n; i++) {
			struct tandem_arena a;
			struct tandem_diag d;
			struct tandem_einv_source *src;
			struct tandem_einv_invoice *inv;
			struct tandem_einv_routing rt;
			struct tandem_buf json;

			tandem_arena_init(&a, 512u << 20);
			tandem_diag_init(&d, 100);
			tandem_buf_init(&json, 64u << 20);
			if (tandem_einv_open(&a, corpus.items[i].data, corpus.items[i].len, &d,
					     &src) == 0 &&
			    (stage == OPEN || (tandem_einv_read(&a, src, &d, &inv) == 0 &&
					       tandem_einv_check_ids(inv, src, &d) == 0))) {
				if (stage != OPEN) {
					tandem_einv_routing(inv, &rt);
					ok += rt.kind;
				}
				if (stage == JSON && tandem_einv_to_json(inv, &json) == 0)
					ok += (long)json.len;
				if (stage == WRITE_UBL &&
				    tandem_einv_write(inv, tandem_einv_ubl_kind(inv), &d, &json) == 0)
					ok += (long)json.len;
				if (stage == WRITE_CII &&
				    tandem_einv_write(inv, TANDEM_EINV_SYNTAX_CII, &d, &json) == 0)
					ok += (long)json.len;
				ok++;
			}
			tandem_buf_release(&json);
			tandem_diag_release(&d);
			tandem_arena_release(&a);
			bytes += (double)corpus.items[i].len;
		}
		done += (double)corpus.n;
		t = bench_now_s() - t0;
	} while (t < MIN_S);
	bench_sink = ok;
	printf("%-44s %9.0f invoices/s %8.1f MB/s  (%zu files, one thread)\n", name, done / t,
	       bytes / t / 1e6, corpus.n);
}

int main(void)
{
	static const char *const lists[] = { "bench_ubl.txt", "bench_cii.txt" };
	static const char *const names[] = { "UBL", "CII" };

	for (int l = 0; l < 2; l++) {
		char name[64];

		if (bench_files_load_list(&corpus, lists[l]) != 0 || corpus.n == 0)
			continue;
		snprintf(name, sizeof name, "%s open", names[l]);
		run(name, OPEN);
		snprintf(name, sizeof name, "%s open + model + id checks + routing", names[l]);
		run(name, READ);
		snprintf(name, sizeof name, "%s ... + JSON", names[l]);
		run(name, JSON);
		snprintf(name, sizeof name, "%s open + model + write UBL", names[l]);
		run(name, WRITE_UBL);
		snprintf(name, sizeof name, "%s open + model + write CII", names[l]);
		run(name, WRITE_CII);
		bench_files_free(&corpus);
	}
	return 0;
}
