/*
 * bench/bench_files.h - the corpus files a benchmark runs on, read into
 * memory first so that the figures time tandem, not the disk. The lists are
 * ../shared/data/einvoice/bench_ubl.txt and bench_cii.txt: paths relative
 * to corpus/, one per line.
 */
#ifndef TANDEM_BENCH_FILES_H
#define TANDEM_BENCH_FILES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define BENCH_FILES_MAX 1000

struct bench_file {
	char *data;
	size_t len;
};

struct bench_files {
	struct bench_file items[BENCH_FILES_MAX];
	size_t n;
};

static inline int bench_file_load(struct bench_files *fs, const char *path)
{
	FILE *f = fopen(path, "rb");
	long n = -1;
	char *data = NULL;

	if (f == NULL || fs->n == BENCH_FILES_MAX) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)n)) != NULL && fread(data, 1, (size_t)n, f) == (size_t)n) {
		fs->items[fs->n].data = data;
		fs->items[fs->n++].len = (size_t)n;
		data = NULL;
		n = 0;
	}
	free(data);
	fclose(f);
	return n == 0 ? 0 : -1;
}

/* Loads the files of a list; -1 (and a line saying so) when it is missing. */
static inline int bench_files_load_list(struct bench_files *fs, const char *list)
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
		if (bench_file_load(fs, path) != 0)
			printf("cannot read %s\n", path);
	}
	fclose(f);
	return 0;
}

static inline void bench_files_free(struct bench_files *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->items[i].data);
	fs->n = 0;
}

#endif /* TANDEM_BENCH_FILES_H */
