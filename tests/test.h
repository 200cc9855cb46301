/*
 * tests/test.h - the test harness: registration and assertions.
 *
 * A test is a function declared with TEST(name) in any tests/test_*.c file and
 * listed in tests/list.h. The runner (tests/main.c) runs each test in a child
 * process, so a crash or an abort fails that test only, and prints one line
 * per test and finally "N passed, N failed".
 *
 * Assertions print both operands on failure, then end the test as failed.
 * A test may also end with SKIP("reason") when data it needs is missing.
 */
#ifndef TANDEM_TEST_H
#define TANDEM_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST(name)                                                             \
	void test_##name(void);                                                \
	void test_##name(void)

_Noreturn void test__fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
_Noreturn void test__skip(const char *reason);

#define SKIP(reason) test__skip(reason)

#define FAIL(...) test__fail(__FILE__, __LINE__, __VA_ARGS__)

#define ASSERT(expr)                                                           \
	do {                                                                   \
		if (!(expr))                                                   \
			FAIL("assertion failed: %s", #expr);                   \
	} while (0)

#define ASSERT_INT_OP(a, op, b)                                                \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (!(a_ op b_))                                               \
			FAIL("%s %s %s: %lld vs %lld", #a, #op, #b, a_, b_);   \
	} while (0)

#define ASSERT_EQ(a, b) ASSERT_INT_OP(a, ==, b)
#define ASSERT_NE(a, b) ASSERT_INT_OP(a, !=, b)
#define ASSERT_LT(a, b) ASSERT_INT_OP(a, <, b)
#define ASSERT_LE(a, b) ASSERT_INT_OP(a, <=, b)
#define ASSERT_GT(a, b) ASSERT_INT_OP(a, >, b)
#define ASSERT_GE(a, b) ASSERT_INT_OP(a, >=, b)

#define ASSERT_STR_EQ(a, b)                                                    \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)           \
			FAIL("%s == %s: \"%s\" vs \"%s\"", #a, #b,             \
			     a_ ? a_ : "(null)", b_ ? b_ : "(null)");          \
	} while (0)

#define ASSERT_STR_CONTAINS(hay, needle)                                       \
	do {                                                                   \
		const char *h_ = (hay), *n_ = (needle);                        \
		if (h_ == NULL || strstr(h_, n_) == NULL)                      \
			FAIL("%s does not contain \"%s\": \"%s\"", #hay, n_,   \
			     h_ ? h_ : "(null)");                              \
	} while (0)

#define ASSERT_MEM_EQ(a, b, n)                                                 \
	do {                                                                   \
		if (memcmp((a), (b), (n)) != 0)                                \
			FAIL("%s and %s differ in their first %zu bytes", #a,  \
			     #b, (size_t)(n));                                 \
	} while (0)

/* Where the shared reference data lives (../shared/data unless overridden by
 * the environment variable TANDEM_SHARED_DATA). */
const char *test_shared_data(void);

/* A whole regular file into a malloc'ed NUL-terminated buffer (free it);
 * NULL when it cannot be opened or read completely. */
char *test_read_file(const char *path, size_t *len);

/* The findings of d as one line, for failure messages (a static buffer,
 * overwritten by the next call). */
struct tandem_diag;
const char *test_findings_text(const struct tandem_diag *d);

/* The official artefacts under ../shared/data/einvoice/artefacts, loaded;
 * NULL (and a line saying why) when they are missing. */
struct tandem_einv_rules;
struct tandem_einv_rules *test_load_rules(void);

/* Path of the tandem binary under test (environment TANDEM_BIN). */
const char *test_tandem_bin(void);

/*
 * Runs the tandem binary with the given arguments (NULL-terminated), feeding
 * stdin_data (may be NULL) and capturing at most 16 MiB of stdout and stderr
 * into malloc'ed NUL-terminated strings (free them). Returns the exit status,
 * or 128+signal if it was killed, or -1 if it could not be run.
 */
int test_run_cli(const char *const argv[], const char *stdin_data, char **out,
		 char **err);

/*
 * Runs tandem with argv (stdin_data may be NULL) and fails the test unless
 * it exits with code and its stdout and stderr hold out_has and err_has
 * (when not NULL). Returns its stdout (free it).
 */
char *test_cli_expect(const char *const argv[], const char *stdin_data, int code,
		      const char *out_has, const char *err_has);

/* Writes text to path (the test fails if it cannot). */
void test_write_file(const char *path, const char *text);

/* path = the shared data's rel; false when that file is not there. */
bool test_shared_file(char *path, size_t size, const char *rel);

#endif /* TANDEM_TEST_H */
