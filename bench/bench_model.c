/*
 * bench/bench_model.c - reading the EN 16931 model, on the files of
 * ../shared/data/einvoice/bench_ubl.txt and bench_cii.txt, in one process
 * with the files in memory: open alone, then open + tandem_einv_read +
 * identifier checks + routing, then the same plus the JSON form; then open
 * + read + tandem_einv_write as UBL, and as CII. One thread.
 */
#include <string.h>

#include "bench.h"
#include "tandem/arena.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/en16931.h"

#define FILES_MAX 1000
#define MIN_S 2.0

struct file {
	char *data;
	size_t len;
};

static struct file files[FILES_MAX];
static size_t n_files;

static void load(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL || n_files == FILES_MAX) {
		if (f != NULL)
			fclose(f);
		printf("cannot read %s\n", path);
		return;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		files[n_files].data = malloc((size_t)n);
		if (files[n_files].data != NULL &&
		    fread(files[n_files].data, 1, (size_t)n, f) == (size_t)n)
			files[n_files++].len = (size_t)n;
		else
			free(files[n_files].data);
	}
	fclose(f);
}

static int load_list(const char *list)
{
	char path[4096], line[2048];
	FILE *f;

	snprintf(path, sizeof path, "%s/einvoice/%s", bench_shared_data(), list);
	f = fopen(path, "r");
	if (f == NULL) {
		printf("%s is missing: skipped\n", path);
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		snprintf(path, sizeof path, "%s/einvoice/corpus/%s", bench_shared_data(), line);
		load(path);
	}
	fclose(f);
	return 0;
}

enum stage { OPEN, READ, JSON, WRITE_UBL, WRITE_CII };

static void run(const char *name, enum stage stage)
{
	double t0 = bench_now_s(), t, done = 0, bytes = 0;
	long ok = 0;

	do {
		for (size_t i = 0; i < n_files; i++) {
			struct tandem_arena a;
			struct tandem_diag d;
			struct tandem_einv_source *src;
			struct tandem_einv_invoice *inv;
			struct tandem_einv_routing rt;
			struct tandem_buf json;

			tandem_arena_init(&a, 512u << 20);
			tandem_diag_init(&d, 100);
			tandem_buf_init(&json, 64u << 20);
			if (tandem_einv_open(&a, files[i].data, files[i].len, &d, &src) == 0 &&
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
			bytes += (double)files[i].len;
		}
		done += (double)n_files;
		t = bench_now_s() - t0;
	} while (t < MIN_S);
	bench_sink = ok;
	printf("%-44s %9.0f invoices/s %8.1f MB/s  (%zu files, one thread)\n", name, done / t,
	       bytes / t / 1e6, n_files);
}

int main(void)
{
	static const char *const lists[] = { "bench_ubl.txt", "bench_cii.txt" };
	static const char *const names[] = { "UBL", "CII" };

	for (int l = 0; l < 2; l++) {
		char name[64];

		if (load_list(lists[l]) != 0 || n_files == 0)
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
		for (size_t i = 0; i < n_files; i++)
			free(files[i].data);
		n_files = 0;
	}
	return 0;
}
