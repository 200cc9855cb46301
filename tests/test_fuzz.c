/*
 * tests/test_fuzz.c - replays the committed fuzz corpora as regression tests.
 *
 * Every fuzz target of fuzz/ is linked into the test binary under its own
 * name (the Makefile renames LLVMFuzzerTestOneInput). Each file of
 * fuzz/corpus/<target>/ is fed to it once; a property violation aborts the
 * test process, which the runner counts as a failure.
 */
#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>

#include "test.h"

#define CORPUS_FILE_MAX (1u << 20)

int fuzz_decimal(const uint8_t *data, size_t size);
int fuzz_ident(const uint8_t *data, size_t size);
int fuzz_xml(const uint8_t *data, size_t size);
int fuzz_pdf(const uint8_t *data, size_t size);
int fuzz_sepa(const uint8_t *data, size_t size);
int fuzz_probe(const uint8_t *data, size_t size);
int fuzz_record(const uint8_t *data, size_t size);
int fuzz_checkpoint(const uint8_t *data, size_t size);
int fuzz_model(const uint8_t *data, size_t size);
int fuzz_gguf(const uint8_t *data, size_t size);
int fuzz_tok(const uint8_t *data, size_t size);
int fuzz_spm_model(const uint8_t *data, size_t size);
int fuzz_json(const uint8_t *data, size_t size);
int fuzz_chat(const uint8_t *data, size_t size);
int fuzz_llm_schema(const uint8_t *data, size_t size);
int fuzz_xml_runs(const uint8_t *data, size_t size);

static size_t replay_dir(const char *dir, int (*entry)(const uint8_t *, size_t))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (d == NULL)
		FAIL("cannot open corpus %s (run from the repository root)", dir);
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		ASSERT(st.st_size >= 0 && (size_t)st.st_size <= CORPUS_FILE_MAX);
		uint8_t *buf = malloc((size_t)st.st_size + 1);
		ASSERT(buf != NULL);
		f = fopen(path, "rb");
		ASSERT(f != NULL);
		ASSERT_EQ(fread(buf, 1, (size_t)st.st_size, f), st.st_size);
		fclose(f);
		entry(buf, (size_t)st.st_size);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

TEST(fuzz_replay_decimal)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_decimal", fuzz_decimal), 0);
}

TEST(fuzz_replay_ident)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_ident", fuzz_ident), 0);
}

TEST(fuzz_replay_xml)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_xml", fuzz_xml), 0);
}

TEST(fuzz_replay_pdf)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_pdf", fuzz_pdf), 0);
}

TEST(fuzz_replay_sepa)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_sepa", fuzz_sepa), 0);
}

TEST(fuzz_replay_probe)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_probe", fuzz_probe), 0);
}

TEST(fuzz_replay_record)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_record", fuzz_record), 0);
}

TEST(fuzz_replay_checkpoint)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_checkpoint", fuzz_checkpoint), 0);
}

TEST(fuzz_replay_model)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_model", fuzz_model), 0);
}

TEST(fuzz_replay_gguf)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_gguf", fuzz_gguf), 0);
}

TEST(fuzz_replay_tok)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_tok", fuzz_tok), 0);
}

TEST(fuzz_replay_spm_model)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_spm_model", fuzz_spm_model), 0);
}

TEST(fuzz_replay_json)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_json", fuzz_json), 0);
}

TEST(fuzz_replay_chat)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_chat", fuzz_chat), 0);
}

TEST(fuzz_replay_llm_schema)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_llm_schema", fuzz_llm_schema), 0);
}

TEST(fuzz_replay_xml_runs)
{
	ASSERT_GT(replay_dir("fuzz/corpus/fuzz_xml_runs", fuzz_xml_runs), 0);
}
