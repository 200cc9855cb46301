/*
 * bench/bench_einvoice.c - throughput of opening e-invoices safely (parse
 * with the safe libxml2 setup, identify syntax and profile) on the files of
 * ../shared/data/einvoice/bench_ubl.txt and bench_cii.txt, in one process,
 * files read into memory first; and of extracting the XML from the FeRD
 * Factur-X PDFs. Validation is not measured yet (it does not exist yet).
 */
#include <dirent.h>
#include <string.h>

#include "bench.h"
#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"

#define FILES_MAX 1000
#define MIN_S 2.0

struct file {
	char *data;
	size_t len;
};

static struct file files[FILES_MAX];
static size_t n_files;

static int load(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL || n_files == FILES_MAX)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	files[n_files].data = malloc((size_t)n);
	if (files[n_files].data == NULL ||
	    fread(files[n_files].data, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -1;
	}
	files[n_files++].len = (size_t)n;
	fclose(f);
	return 0;
}

/* Loads the files named in a list (paths relative to corpus/). */
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
		if (load(path) != 0)
			printf("cannot read %s\n", path);
	}
	fclose(f);
	return 0;
}

static void free_files(void)
{
	for (size_t i = 0; i < n_files; i++)
		free(files[i].data);
	n_files = 0;
}

static void time_open(const char *name)
{
	double t0 = bench_now_s(), t, done = 0, bytes = 0;
	size_t opened = 0;

	do {
		for (size_t i = 0; i < n_files; i++) {
			struct tandem_arena a;
			struct tandem_diag d;
			struct tandem_einv_source *src;

			tandem_arena_init(&a, 512u << 20);
			tandem_diag_init(&d, 100);
			opened += tandem_einv_open(&a, files[i].data, files[i].len, &d, &src) == 0;
			tandem_diag_release(&d);
			tandem_arena_release(&a);
			bytes += (double)files[i].len;
		}
		done += (double)n_files;
		t = bench_now_s() - t0;
	} while (t < MIN_S);
	bench_sink = (long)opened;
	printf("%-44s %9.0f invoices/s %8.1f MB/s  (%zu files, one thread)\n", name,
	       done / t, bytes / t / 1e6, n_files);
}

int main(void)
{
	char dir[4096];
	DIR *d;
	struct dirent *e;

	if (load_list("bench_ubl.txt") == 0 && n_files)
		time_open("open UBL (parse + identify)");
	free_files();
	if (load_list("bench_cii.txt") == 0 && n_files)
		time_open("open CII (parse + identify)");
	free_files();
	snprintf(dir, sizeof dir, "%s/einvoice/corpus/facturx/ferd-2.4/3._EN16931",
		 bench_shared_data());
	d = opendir(dir);
	while (d && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n > 7 && strcmp(e->d_name + n - 7, "_fx.pdf") == 0) {
			char path[8192];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			load(path);
		}
	}
	if (d)
		closedir(d);
	if (n_files)
		time_open("open Factur-X PDF (extract + parse)");
	free_files();
	return 0;
}
