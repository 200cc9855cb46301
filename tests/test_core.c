/*
 * tests/test_core.c - unit tests of the core library (src/core/) against the
 * promises of its public headers: the error list (tandem/error.h), the
 * allocation wrapper and its failure injection (tandem/alloc.h), the arena
 * with its limit and cleanup hooks (tandem/arena.h), the bounded buffer and
 * its JSON string encoder (tandem/buf.h), slices (tandem/slice.h), the
 * diagnostics collector and its text and JSON formats (tandem/diag.h), the
 * log sinks (tandem/log.h), assertions (tandem/assert.h) and the version
 * (tandem/version.h). Expected outputs are written out by hand from the
 * headers, never copied from the code under test. Tests that must watch a
 * process abort fork a child of their own; under AddressSanitizer the tests
 * that free everything also ask LeakSanitizer to check for leaks, because the
 * runner ends each test with _exit() and so skips the check at exit.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tandem/alloc.h"
#include "tandem/arena.h"
#include "tandem/assert.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/log.h"
#include "tandem/slice.h"
#include "tandem/version.h"

#include "test.h"

#if defined(__SANITIZE_ADDRESS__)
#define CORE_HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORE_HAVE_LSAN 1
#endif
#endif
#ifdef CORE_HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* Prototypes of the test functions, from the list the runner also reads. */
#define TEST_DECLARE(name) void test_##name(void);
#include "list_core.h"
#undef TEST_DECLARE

/*
 * Fails the test if LeakSanitizer finds unreachable heap blocks right now.
 * Without AddressSanitizer it does nothing.
 */
static void assert_no_leaks(void)
{
#ifdef CORE_HAVE_LSAN
	ASSERT_EQ(__lsan_do_recoverable_leak_check(), 0);
#endif
}

/*
 * Runs fn in a forked child whose stderr is a pipe, collects what the child
 * writes there (at most cap - 1 bytes are kept, the rest is read and thrown
 * away so the child never blocks) and stores its wait status.
 */
static void run_in_child(void (*fn)(void), char *out, size_t cap, int *status)
{
	int fds[2];
	size_t len = 0;
	pid_t pid;

	ASSERT_EQ(pipe(fds), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		if (dup2(fds[1], STDERR_FILENO) < 0)
			_exit(100);
		close(fds[1]);
		fn();
		fflush(stderr);
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		char chunk[512];
		ssize_t n = read(fds[0], chunk, sizeof chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		size_t keep = (size_t)n;
		if (keep > cap - 1 - len)
			keep = cap - 1 - len;
		memcpy(out + len, chunk, keep);
		len += keep;
	}
	out[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, status, 0) < 0)
		ASSERT_EQ(errno, EINTR);
}

/*
 * Lower-cases the four hex digits of every \u escape of a JSON text in
 * place. RFC 8259 allows either case, so expectations are written in lower
 * case and compared with the normalised output.
 */
static void lower_hex_escapes(char *s)
{
	while (*s) {
		if (s[0] != '\\' || s[1] == '\0') {
			s++;
			continue;
		}
		if (s[1] != 'u') {
			s += 2;
			continue;
		}
		s += 2;
		for (int i = 0; i < 4 && *s; i++, s++)
			if (*s >= 'A' && *s <= 'F')
				*s = (char)(*s - 'A' + 'a');
	}
}

/*
 * Encodes s[0..len) with tandem_buf_json_string into a fresh buffer and
 * returns the output, \u escapes lower-cased, in a static array that the
 * next call overwrites. Also checks the output holds no NUL byte.
 */
static const char *json_of(const char *s, size_t len)
{
	static char out[1024];
	struct tandem_buf b;

	tandem_buf_init(&b, sizeof out - 1);
	ASSERT_EQ(tandem_buf_json_string(&b, s, len), 0);
	ASSERT_EQ(strlen(b.data), b.len);
	memcpy(out, b.data, b.len + 1);
	tandem_buf_release(&b);
	lower_hex_escapes(out);
	return out;
}

/* ---------------------------------------------------------------- error */

struct err_entry {
	int num;          /* the number written in TANDEM_ERRNO_MAP */
	int value;        /* the value of the enumerator TANDEM_E<name> */
	const char *name; /* "E" followed by the name */
	const char *msg;  /* the message written in the map */
};

static const struct err_entry err_table[] = {
#define CORE__ERR_ENTRY(name, num, msg) {num, TANDEM_E##name, "E" #name, msg},
	TANDEM_ERRNO_MAP(CORE__ERR_ENTRY)
#undef CORE__ERR_ENTRY
};

#define ERR_COUNT (sizeof err_table / sizeof err_table[0])

TEST(core_error_codes)
{
	ASSERT_GE(ERR_COUNT, 11);
	for (size_t i = 0; i < ERR_COUNT; i++) {
		const struct err_entry *e = &err_table[i];
		const char *msg = tandem_strerror(e->num);

		ASSERT_LT(e->num, 0);
		ASSERT_EQ(e->value, e->num);
		ASSERT(msg != NULL);
		ASSERT(msg[0] != '\0');
		ASSERT(strcmp(msg, "unknown error") != 0);
		ASSERT_STR_EQ(msg, e->msg);
		ASSERT_STR_EQ(tandem_err_name(e->num), e->name);
		for (size_t j = 0; j < i; j++) {
			ASSERT_NE(err_table[j].num, e->num);
			ASSERT(strcmp(tandem_strerror(err_table[j].num), msg) != 0);
			ASSERT(strcmp(tandem_err_name(err_table[j].num),
				      e->name) != 0);
		}
	}
	ASSERT_STR_EQ(tandem_err_name(TANDEM_ENOMEM), "ENOMEM");
	ASSERT_STR_EQ(tandem_err_name(TANDEM_ELIMIT), "ELIMIT");
}

TEST(core_error_unknown_and_success)
{
	int lowest = 0;

	for (size_t i = 0; i < ERR_COUNT; i++)
		if (err_table[i].num < lowest)
			lowest = err_table[i].num;
	const int unknown[] = {lowest - 1, 1, 5, 12345, -12345, INT_MIN, INT_MAX};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		ASSERT_STR_EQ(tandem_strerror(unknown[i]), "unknown error");
		ASSERT_STR_EQ(tandem_err_name(unknown[i]), "EUNKNOWN");
	}
	ASSERT_STR_EQ(tandem_strerror(0), "success");
	ASSERT_STR_EQ(tandem_err_name(0), "OK");
	ASSERT_EQ(TANDEM_OK, 0);
}

/* ---------------------------------------------------------------- alloc */

TEST(core_alloc_fail_at_next)
{
	void *p, *q;

	tandem_alloc_fail_at(1);
	p = tandem_malloc(16);
	ASSERT(p == NULL);
	q = tandem_malloc(16);
	ASSERT(q != NULL);
	memset(q, 0x11, 16);
	tandem_free(q);
	/* The hook fires once: later calls keep succeeding. */
	q = tandem_malloc(16);
	ASSERT(q != NULL);
	tandem_free(q);
}

TEST(core_alloc_fail_at_third)
{
	void *p[4];

	tandem_alloc_fail_at(3);
	for (int i = 0; i < 4; i++)
		p[i] = tandem_malloc(8);
	ASSERT(p[0] != NULL);
	ASSERT(p[1] != NULL);
	ASSERT(p[2] == NULL);
	ASSERT(p[3] != NULL);
	for (int i = 0; i < 4; i++)
		tandem_free(p[i]);
}

TEST(core_alloc_fail_at_counts_all_kinds)
{
	void *p, *q, *r;

	/* The second call, a realloc, fails and leaves the block intact. */
	tandem_alloc_fail_at(2);
	p = tandem_malloc(4);
	ASSERT(p != NULL);
	memcpy(p, "abc", 4);
	q = tandem_realloc(p, 4096);
	ASSERT(q == NULL);
	ASSERT_STR_EQ(p, "abc");
	tandem_free(p);

	/* The first call, a calloc, fails. */
	tandem_alloc_fail_at(1);
	r = tandem_calloc(4, 4);
	ASSERT(r == NULL);
	r = tandem_calloc(4, 4);
	ASSERT(r != NULL);
	tandem_free(r);
}

TEST(core_alloc_fail_at_zero_disarms)
{
	void *p;

	tandem_alloc_fail_at(1);
	tandem_alloc_fail_at(0);
	p = tandem_malloc(1);
	ASSERT(p != NULL);
	tandem_free(p);
	/* A later arming counts from the moment it is made. */
	tandem_alloc_fail_at(2);
	p = tandem_malloc(1);
	ASSERT(p != NULL);
	tandem_free(p);
	p = tandem_malloc(1);
	ASSERT(p == NULL);
}

TEST(core_alloc_calloc_overflow)
{
	unsigned char *p;

	ASSERT(tandem_calloc(SIZE_MAX / 2, 3) == NULL);
	ASSERT(tandem_calloc(3, SIZE_MAX / 2) == NULL);
	/* 2^60 * 16 wraps to exactly 0 on a 64-bit size_t. */
	ASSERT(tandem_calloc((SIZE_MAX >> 4) + 1, 16) == NULL);
	p = tandem_calloc(100, 3);
	ASSERT(p != NULL);
	for (size_t i = 0; i < 300; i++)
		ASSERT_EQ(p[i], 0);
	tandem_free(p);
}

TEST(core_alloc_calls_counts)
{
	unsigned long before = tandem_alloc_calls();
	void *p = tandem_malloc(10);
	void *q = tandem_calloc(2, 10);

	ASSERT(p != NULL);
	ASSERT(q != NULL);
	p = tandem_realloc(p, 1000);
	ASSERT(p != NULL);
	ASSERT_EQ(tandem_alloc_calls() - before, 3);
	tandem_free(p);
	tandem_free(q);
	tandem_free(NULL);
	/* Freeing is not an allocation call. */
	ASSERT_EQ(tandem_alloc_calls() - before, 3);
	/* A failed call counts too. */
	tandem_alloc_fail_at(1);
	ASSERT(tandem_malloc(1) == NULL);
	ASSERT_EQ(tandem_alloc_calls() - before, 4);
}

static unsigned long count_malloc_n, count_realloc_n, count_free_n;

static void *count_malloc(size_t n)
{
	count_malloc_n++;
	return malloc(n);
}

static void *count_realloc(void *p, size_t n)
{
	count_realloc_n++;
	return realloc(p, n);
}

static void count_free(void *p)
{
	count_free_n++;
	free(p);
}

TEST(core_alloc_replace_rejects_null)
{
	ASSERT_EQ(tandem_replace_allocator(NULL, realloc, free), TANDEM_EINVAL);
	ASSERT_EQ(tandem_replace_allocator(malloc, NULL, free), TANDEM_EINVAL);
	ASSERT_EQ(tandem_replace_allocator(malloc, realloc, NULL), TANDEM_EINVAL);
	ASSERT_EQ(tandem_replace_allocator(NULL, NULL, NULL), TANDEM_EINVAL);

	/* A rejected call leaves the installed allocator in place. */
	ASSERT_EQ(tandem_replace_allocator(count_malloc, count_realloc,
					   count_free), 0);
	ASSERT_EQ(tandem_replace_allocator(malloc, realloc, NULL), TANDEM_EINVAL);
	void *p = tandem_malloc(8);
	ASSERT(p != NULL);
	ASSERT_EQ(count_malloc_n, 1);
	tandem_free(p);
	ASSERT_EQ(count_free_n, 1);
	ASSERT_EQ(tandem_replace_allocator(malloc, realloc, free), 0);
}

TEST(core_alloc_replace_routes_calls)
{
	struct tandem_buf b;
	struct tandem_arena a;
	void *p;

	ASSERT_EQ(tandem_replace_allocator(count_malloc, count_realloc,
					   count_free), 0);
	p = tandem_malloc(10);
	ASSERT(p != NULL);
	ASSERT_EQ(count_malloc_n, 1);
	p = tandem_realloc(p, 100);
	ASSERT(p != NULL);
	ASSERT_EQ(count_realloc_n, 1);
	tandem_free(p);
	ASSERT_EQ(count_free_n, 1);

	/* calloc goes through one of the installed functions too. */
	p = tandem_calloc(4, 8);
	ASSERT(p != NULL);
	ASSERT_EQ(count_malloc_n + count_realloc_n, 3);
	tandem_free(p);
	ASSERT_EQ(count_free_n, 2);

	/* So do the library's own users of the wrapper. */
	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_puts(&b, "hello"), 0);
	ASSERT_GT(count_malloc_n + count_realloc_n, 3);
	tandem_buf_release(&b);
	ASSERT_EQ(count_free_n, 3);

	unsigned long taken = count_malloc_n + count_realloc_n;
	tandem_arena_init(&a, 1 << 20);
	ASSERT(tandem_arena_alloc(&a, 10) != NULL);
	ASSERT(tandem_arena_alloc(&a, 3 * TANDEM_ARENA_BLOCK_SIZE) != NULL);
	ASSERT_GE(count_malloc_n + count_realloc_n, taken + 2);
	tandem_arena_release(&a);
	ASSERT_GE(count_free_n, 5);

	ASSERT_EQ(tandem_replace_allocator(malloc, realloc, free), 0);
	p = tandem_malloc(1);
	ASSERT(p != NULL);
	tandem_free(p);
	ASSERT_EQ(count_malloc_n + count_realloc_n, taken + 2);
}

/* ---------------------------------------------------------------- arena */

#define N_SMALL 1000

TEST(core_arena_small_aligned_no_overlap)
{
	static unsigned char *ptrs[N_SMALL];
	static size_t sizes[N_SMALL];
	struct tandem_arena a;

	tandem_arena_init(&a, 1 << 22);
	for (size_t i = 0; i < N_SMALL; i++) {
		sizes[i] = 1 + (i * 37) % 200;
		ptrs[i] = tandem_arena_alloc(&a, sizes[i]);
		ASSERT(ptrs[i] != NULL);
		ASSERT_EQ((uintptr_t)ptrs[i] % alignof(max_align_t), 0);
		memset(ptrs[i], (int)(i % 251), sizes[i]);
	}
	for (size_t i = 0; i < N_SMALL; i++)
		for (size_t j = 0; j < sizes[i]; j++)
			ASSERT_EQ(ptrs[i][j], i % 251);
	/* Patterns repeat every 251 allocations, so check ranges as well. */
	for (size_t i = 0; i < N_SMALL; i++) {
		uintptr_t lo = (uintptr_t)ptrs[i], hi = lo + sizes[i];
		for (size_t j = i + 1; j < N_SMALL; j++) {
			uintptr_t lo2 = (uintptr_t)ptrs[j], hi2 = lo2 + sizes[j];
			ASSERT(hi <= lo2 || hi2 <= lo);
		}
	}
	ASSERT_EQ(tandem_arena_error(&a), 0);
	ASSERT_LE(a.bytes_used, a.bytes_max);
	tandem_arena_release(&a);
	assert_no_leaks();
}

TEST(core_arena_zero_size)
{
	struct tandem_arena a;
	void *p, *q;

	tandem_arena_init(&a, 1 << 20);
	p = tandem_arena_alloc(&a, 0);
	q = tandem_arena_alloc(&a, 1);
	ASSERT(q != NULL);
	ASSERT_EQ((uintptr_t)q % alignof(max_align_t), 0);
	if (p != NULL)
		ASSERT_EQ((uintptr_t)p % alignof(max_align_t), 0);
	tandem_arena_release(&a);
}

TEST(core_arena_large_then_small)
{
	struct tandem_arena a;
	unsigned char *first, *big, *big2, *small[50];
	const size_t big_n = 20000, big2_n = 3 * TANDEM_ARENA_BLOCK_SIZE + 1;

	ASSERT_GT(big_n, TANDEM_ARENA_BLOCK_SIZE);
	tandem_arena_init(&a, 1 << 20);
	first = tandem_arena_alloc(&a, 100);
	ASSERT(first != NULL);
	memset(first, 0x01, 100);
	big = tandem_arena_alloc(&a, big_n);
	ASSERT(big != NULL);
	ASSERT_EQ((uintptr_t)big % alignof(max_align_t), 0);
	memset(big, 0xb1, big_n);
	for (int i = 0; i < 50; i++) {
		small[i] = tandem_arena_alloc(&a, 64);
		ASSERT(small[i] != NULL);
		ASSERT_EQ((uintptr_t)small[i] % alignof(max_align_t), 0);
		memset(small[i], 0x10 + i, 64);
	}
	big2 = tandem_arena_alloc(&a, big2_n);
	ASSERT(big2 != NULL);
	memset(big2, 0xb2, big2_n);
	for (size_t j = 0; j < 100; j++)
		ASSERT_EQ(first[j], 0x01);
	for (size_t j = 0; j < big_n; j++)
		ASSERT_EQ(big[j], 0xb1);
	for (size_t j = 0; j < big2_n; j++)
		ASSERT_EQ(big2[j], 0xb2);
	for (int i = 0; i < 50; i++) {
		for (size_t j = 0; j < 64; j++)
			ASSERT_EQ(small[i][j], 0x10 + i);
		ASSERT((uintptr_t)small[i] + 64 <= (uintptr_t)big ||
		       (uintptr_t)big + big_n <= (uintptr_t)small[i]);
		ASSERT((uintptr_t)small[i] + 64 <= (uintptr_t)big2 ||
		       (uintptr_t)big2 + big2_n <= (uintptr_t)small[i]);
	}
	ASSERT_GE(a.bytes_used, big_n + big2_n + 100 + 50 * 64);
	ASSERT_EQ(tandem_arena_error(&a), 0);
	tandem_arena_release(&a);
	assert_no_leaks();
}

TEST(core_arena_limit)
{
	struct tandem_arena a;
	size_t got = 0;

	tandem_arena_init(&a, 10000);
	ASSERT(tandem_arena_alloc(&a, 20000) == NULL);
	ASSERT_EQ(tandem_arena_error(&a), TANDEM_ELIMIT);
	ASSERT_LE(a.bytes_used, 10000);

	/* Small requests fit until the limit, then fail with ELIMIT too. */
	for (int i = 0; i < 1000; i++) {
		void *p = tandem_arena_alloc(&a, 256);
		if (p == NULL)
			break;
		memset(p, 0x77, 256);
		got += 256;
		ASSERT_LE(a.bytes_used, 10000);
	}
	ASSERT_GT(got, 0);
	ASSERT_LE(got, 10000);
	ASSERT_EQ(tandem_arena_error(&a), TANDEM_ELIMIT);

	/* Release empties the arena and keeps the limit. */
	tandem_arena_release(&a);
	ASSERT_EQ(a.bytes_max, 10000);
	ASSERT_EQ(a.bytes_used, 0);
	ASSERT_EQ(tandem_arena_error(&a), 0);
	ASSERT(tandem_arena_alloc(&a, 100) != NULL);
	ASSERT(tandem_arena_alloc(&a, 20000) == NULL);
	ASSERT_EQ(tandem_arena_error(&a), TANDEM_ELIMIT);
	tandem_arena_release(&a);

	/* A size near SIZE_MAX must fail, not wrap around. */
	tandem_arena_init(&a, SIZE_MAX);
	ASSERT(tandem_arena_alloc(&a, SIZE_MAX) == NULL);
	ASSERT(tandem_arena_error(&a) != 0);
	tandem_arena_release(&a);
	tandem_arena_init(&a, SIZE_MAX);
	ASSERT(tandem_arena_alloc(&a, SIZE_MAX - 8) == NULL);
	ASSERT(tandem_arena_error(&a) != 0);
	tandem_arena_release(&a);
	assert_no_leaks();
}

struct hook_log {
	int order[16];
	int n;
	char seen[64]; /* the arena string the hook read, see below */
};

struct hook_arg {
	struct hook_log *log;
	int id;
	const char *text; /* NULL, or a string inside the arena */
};

/* A cleanup hook that records its id, and the arena string it points to. */
static void hook_record(void *p)
{
	struct hook_arg *h = p;

	if (h->log->n < 16)
		h->log->order[h->log->n] = h->id;
	h->log->n++;
	if (h->text)
		snprintf(h->log->seen, sizeof h->log->seen, "%s", h->text);
}

TEST(core_arena_cleanup_order)
{
	struct tandem_arena a;
	struct hook_log log = {{0}, 0, ""};
	struct hook_arg args[5];

	tandem_arena_init(&a, 1 << 20);
	for (int i = 0; i < 5; i++) {
		args[i] = (struct hook_arg){&log, i + 1, NULL};
		ASSERT_EQ(tandem_arena_on_release(&a, hook_record, &args[i]), 0);
		ASSERT(tandem_arena_alloc(&a, 100) != NULL);
	}
	ASSERT_EQ(log.n, 0);
	tandem_arena_release(&a);
	ASSERT_EQ(log.n, 5);
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(log.order[i], 5 - i);

	/* Hooks run exactly once: a second release runs nothing. */
	tandem_arena_release(&a);
	ASSERT_EQ(log.n, 5);

	/* The arena is reusable, with hooks of its own. */
	struct hook_arg again = {&log, 9, NULL};
	ASSERT(tandem_arena_alloc(&a, 64) != NULL);
	ASSERT_EQ(tandem_arena_on_release(&a, hook_record, &again), 0);
	tandem_arena_release(&a);
	ASSERT_EQ(log.n, 6);
	ASSERT_EQ(log.order[5], 9);
	assert_no_leaks();
}

TEST(core_arena_cleanup_runs_before_memory_goes)
{
	struct tandem_arena a;
	struct hook_log log = {{0}, 0, ""};
	struct hook_arg *h;

	/*
	 * The hook's argument and the string it reads both live in the arena:
	 * the header promises hooks run before the memory goes, so under ASan
	 * reading them after the blocks were freed would be reported.
	 */
	tandem_arena_init(&a, 1 << 20);
	h = tandem_arena_alloc(&a, sizeof *h);
	ASSERT(h != NULL);
	h->log = &log;
	h->id = 7;
	h->text = tandem_arena_strndup(&a, "still here", 10);
	ASSERT(h->text != NULL);
	/* A big block too, so that more than one block is freed. */
	ASSERT(tandem_arena_alloc(&a, 4 * TANDEM_ARENA_BLOCK_SIZE) != NULL);
	ASSERT_EQ(tandem_arena_on_release(&a, hook_record, h), 0);
	tandem_arena_release(&a);
	ASSERT_EQ(log.n, 1);
	ASSERT_EQ(log.order[0], 7);
	ASSERT_STR_EQ(log.seen, "still here");
}

TEST(core_arena_on_release_failure)
{
	struct tandem_arena a;
	struct hook_log log = {{0}, 0, ""};
	struct hook_arg arg = {&log, 1, NULL};

	/* No block fits under a 100-byte limit, so registration fails. */
	tandem_arena_init(&a, 100);
	ASSERT_EQ(tandem_arena_on_release(&a, hook_record, &arg), TANDEM_ELIMIT);
	tandem_arena_release(&a);
	ASSERT_EQ(log.n, 0);

	tandem_arena_init(&a, 1 << 20);
	tandem_alloc_fail_at(1);
	ASSERT_EQ(tandem_arena_on_release(&a, hook_record, &arg), TANDEM_ENOMEM);
	ASSERT_EQ(tandem_arena_error(&a), TANDEM_ENOMEM);
	tandem_arena_release(&a);
	ASSERT_EQ(log.n, 0);
}

TEST(core_arena_strndup)
{
	struct tandem_arena a;
	const char *src = "hello world";
	char *s;

	tandem_arena_init(&a, 1 << 20);
	s = tandem_arena_strndup(&a, src, 5);
	ASSERT(s != NULL);
	ASSERT(s != src);
	ASSERT_STR_EQ(s, "hello");
	ASSERT_EQ(s[5], '\0');

	s = tandem_arena_strndup(&a, src, 0);
	ASSERT(s != NULL);
	ASSERT_STR_EQ(s, "");

	/* Embedded NUL bytes are copied as they are. */
	s = tandem_arena_strndup(&a, "a\0b", 3);
	ASSERT(s != NULL);
	ASSERT_MEM_EQ(s, "a\0b", 4);

	/* The copy is independent of its source. */
	char mutable[] = "mutable";
	s = tandem_arena_strndup(&a, mutable, strlen(mutable));
	ASSERT(s != NULL);
	mutable[0] = 'X';
	ASSERT_STR_EQ(s, "mutable");

	/* A copy larger than a block. */
	static char long_src[3 * TANDEM_ARENA_BLOCK_SIZE];
	memset(long_src, 'q', sizeof long_src);
	s = tandem_arena_strndup(&a, long_src, sizeof long_src);
	ASSERT(s != NULL);
	ASSERT_MEM_EQ(s, long_src, sizeof long_src);
	ASSERT_EQ(s[sizeof long_src], '\0');
	ASSERT_EQ(tandem_arena_error(&a), 0);
	tandem_arena_release(&a);
}

TEST(core_arena_strndup_overflow_sets_error)
{
	struct tandem_arena a;

	/*
	 * Copying SIZE_MAX bytes needs SIZE_MAX + 1 bytes of arena: the call
	 * must fail, and since it is an allocation that failed,
	 * tandem_arena_error must say so (arena.h: "0 if no allocation has
	 * failed, else TANDEM_ENOMEM or TANDEM_ELIMIT").
	 */
	tandem_arena_init(&a, 1 << 20);
	ASSERT(tandem_arena_strndup(&a, "x", SIZE_MAX) == NULL);
	ASSERT(tandem_arena_error(&a) == TANDEM_ELIMIT ||
	       tandem_arena_error(&a) == TANDEM_ENOMEM);
	tandem_arena_release(&a);
}

/* A malloc that fills what it returns with 0xa5, so that memory the arena
 * hands out is visibly dirty unless somebody zeroes it. */
static void *dirty_malloc(size_t n)
{
	void *p = malloc(n);

	if (p)
		memset(p, 0xa5, n);
	return p;
}

TEST(core_arena_calloc_zeroes)
{
	struct tandem_arena a;
	const size_t sizes[][2] = {{10, 32}, {1, 1}, {3, 7}, {1000, 30}};

	ASSERT_EQ(tandem_replace_allocator(dirty_malloc, realloc, free), 0);
	tandem_arena_init(&a, 1 << 20);
	/* Dirty memory first, in the block the next callocs come from. */
	unsigned char *d = tandem_arena_alloc(&a, 100);
	ASSERT(d != NULL);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t n = sizes[i][0] * sizes[i][1];
		unsigned char *p =
			tandem_arena_calloc(&a, sizes[i][0], sizes[i][1]);

		ASSERT(p != NULL);
		ASSERT_EQ((uintptr_t)p % alignof(max_align_t), 0);
		for (size_t j = 0; j < n; j++)
			ASSERT_EQ(p[j], 0);
	}
	tandem_arena_release(&a);
	ASSERT_EQ(tandem_replace_allocator(malloc, realloc, free), 0);
}

TEST(core_arena_calloc_overflow)
{
	struct tandem_arena a;

	tandem_arena_init(&a, SIZE_MAX);
	ASSERT(tandem_arena_calloc(&a, SIZE_MAX / 2, 3) == NULL);
	ASSERT(tandem_arena_error(&a) != 0);
	tandem_arena_release(&a);

	/* 2^60 * 16 wraps to 0, which would otherwise be a valid request. */
	tandem_arena_init(&a, SIZE_MAX);
	ASSERT(tandem_arena_calloc(&a, (SIZE_MAX >> 4) + 1, 16) == NULL);
	ASSERT(tandem_arena_error(&a) != 0);
	tandem_arena_release(&a);
}

/*
 * One run of the allocation-failure test: arena allocations, a cleanup hook
 * owning a heap block, a diag with findings formatted as text and JSON, and
 * buffer appends. Every call must either succeed or report TANDEM_ENOMEM.
 * Everything is released at the end. Returns the number of ENOMEM reports.
 */
static unsigned long fault_run(void)
{
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_buf b;
	unsigned char *ptrs[40];
	unsigned long enomem = 0;
	void *res;
	char *s;
	size_t len;
	int err;

	tandem_arena_init(&a, 1 << 20);
	for (size_t i = 0; i < 40; i++) {
		ptrs[i] = tandem_arena_alloc(&a, 100 + i * 10);
		if (ptrs[i] == NULL) {
			ASSERT_EQ(tandem_arena_error(&a), TANDEM_ENOMEM);
			enomem++;
		} else {
			memset(ptrs[i], (int)i, 100 + i * 10);
		}
	}
	res = tandem_arena_alloc(&a, 3 * TANDEM_ARENA_BLOCK_SIZE);
	if (res == NULL) {
		ASSERT_EQ(tandem_arena_error(&a), TANDEM_ENOMEM);
		enomem++;
	}
	s = tandem_arena_strndup(&a, "hello", 5);
	if (s == NULL) {
		ASSERT_EQ(tandem_arena_error(&a), TANDEM_ENOMEM);
		enomem++;
	} else {
		ASSERT_STR_EQ(s, "hello");
	}
	res = tandem_arena_calloc(&a, 10, 8);
	if (res == NULL) {
		ASSERT_EQ(tandem_arena_error(&a), TANDEM_ENOMEM);
		enomem++;
	}
	res = tandem_malloc(32);
	if (res == NULL) {
		enomem++;
	} else {
		err = tandem_arena_on_release(&a, tandem_free, res);
		if (err) {
			/* The caller still owns the resource. */
			ASSERT_EQ(err, TANDEM_ENOMEM);
			enomem++;
			tandem_free(res);
		}
	}
	for (size_t i = 0; i < 40; i++)
		if (ptrs[i] != NULL)
			for (size_t j = 0; j < 100 + i * 10; j++)
				ASSERT_EQ(ptrs[i][j], i);

	tandem_diag_init(&d, 100);
	for (int i = 0; i < 20; i++) {
		err = tandem_diag_add(&d, (enum tandem_severity)(i % 3),
				      TANDEM_EBADINPUT, "BR-1", "/a/b", i + 1,
				      "finding %d", i);
		if (err) {
			ASSERT_EQ(err, TANDEM_ENOMEM);
			enomem++;
		}
	}
	/* Every finding is counted, stored or not. */
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_ERROR), 7);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_WARNING), 7);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_INFO), 6);
	ASSERT_LE(d.count, 20);

	tandem_buf_init(&b, 1 << 16);
	err = tandem_diag_format_text(&d, &b);
	if (err) {
		ASSERT_EQ(err, TANDEM_ENOMEM);
		enomem++;
	}
	err = tandem_diag_format_json(&d, &b);
	if (err) {
		ASSERT_EQ(err, TANDEM_ENOMEM);
		enomem++;
	}
	err = tandem_buf_append(&b, "tail", 4);
	if (err) {
		ASSERT_EQ(err, TANDEM_ENOMEM);
		enomem++;
	}
	err = tandem_buf_json_string(&b, "x\"y", 3);
	if (err) {
		ASSERT_EQ(err, TANDEM_ENOMEM);
		enomem++;
	}
	ASSERT_EQ(strlen(b.data), b.len);
	s = tandem_buf_detach(&b, &len);
	if (s == NULL) {
		enomem++;
	} else {
		ASSERT_EQ(strlen(s), len);
		tandem_free(s);
	}
	ASSERT_EQ(b.len, 0);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
	tandem_arena_release(&a);
	return enomem;
}

TEST(core_alloc_failure_injection)
{
	bool clean = false;

	for (unsigned long n = 1; n <= 50; n++) {
		unsigned long start = tandem_alloc_calls();
		unsigned long enomem;

		tandem_alloc_fail_at(n);
		enomem = fault_run();
		unsigned long used = tandem_alloc_calls() - start;
		tandem_alloc_fail_at(0);
		assert_no_leaks();
		if (used < n) {
			/* The Nth call never came: nothing was injected. */
			ASSERT_EQ(enomem, 0);
			ASSERT_GT(n, 5);
			clean = true;
			break;
		}
		/* The injected failure must have been reported somewhere. */
		if (enomem == 0)
			FAIL("allocation %lu failed but nobody reported ENOMEM", n);
	}
	ASSERT(clean);
}

/* ---------------------------------------------------------------- buf */

TEST(core_buf_init_empty)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 100);
	ASSERT(b.data != NULL);
	ASSERT_STR_EQ(b.data, "");
	ASSERT_EQ(b.len, 0);
	ASSERT_EQ(b.max, 100);
	tandem_buf_release(&b);
	ASSERT(b.data != NULL);
	ASSERT_EQ(b.len, 0);
}

TEST(core_buf_append_forms)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_append(&b, "abc", 3), 0);
	ASSERT_STR_EQ(b.data, "abc");
	ASSERT_EQ(tandem_buf_puts(&b, "def"), 0);
	ASSERT_STR_EQ(b.data, "abcdef");
	ASSERT_EQ(tandem_buf_putc(&b, 'g'), 0);
	ASSERT_STR_EQ(b.data, "abcdefg");
	ASSERT_EQ(tandem_buf_printf(&b, "%d-%s|%05.1f", 42, "x", 2.25), 0);
	ASSERT_STR_EQ(b.data, "abcdefg42-x|002.2");
	ASSERT_EQ(b.len, strlen("abcdefg42-x|002.2"));
	ASSERT_EQ(tandem_buf_puts(&b, ""), 0);
	ASSERT_EQ(tandem_buf_append(&b, "zzz", 0), 0);
	ASSERT_EQ(tandem_buf_printf(&b, "%s", ""), 0);
	ASSERT_EQ(b.len, strlen("abcdefg42-x|002.2"));
	ASSERT_EQ(b.data[b.len], '\0');
	ASSERT_LT(b.len, b.cap);
	tandem_buf_release(&b);
}

TEST(core_buf_binary_and_nul)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_append(&b, "a\0b", 3), 0);
	ASSERT_EQ(b.len, 3);
	ASSERT_MEM_EQ(b.data, "a\0b", 4);
	ASSERT_EQ(tandem_buf_putc(&b, '\0'), 0);
	ASSERT_EQ(b.len, 4);
	ASSERT_EQ(b.data[3], '\0');
	ASSERT_EQ(b.data[4], '\0');
	tandem_buf_release(&b);
}

TEST(core_buf_growth)
{
	struct tandem_buf b;
	const size_t total = 100003;

	tandem_buf_init(&b, 1 << 20);
	while (b.len < total) {
		char chunk[7];
		size_t n = total - b.len < 7 ? total - b.len : 7;

		for (size_t j = 0; j < n; j++)
			chunk[j] = (char)('a' + (b.len + j) % 26);
		ASSERT_EQ(tandem_buf_append(&b, chunk, n), 0);
		ASSERT_EQ(b.data[b.len], '\0');
		ASSERT_LT(b.len, b.cap);
	}
	ASSERT_EQ(b.len, total);
	for (size_t i = 0; i < total; i++)
		ASSERT_EQ(b.data[i], 'a' + i % 26);
	ASSERT_EQ(strlen(b.data), total);
	tandem_buf_release(&b);
	assert_no_leaks();
}

TEST(core_buf_max_exact)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 10);
	ASSERT_EQ(tandem_buf_append(&b, "0123456789", 10), 0);
	ASSERT_STR_EQ(b.data, "0123456789");
	ASSERT_EQ(tandem_buf_putc(&b, 'x'), TANDEM_ELIMIT);
	ASSERT_EQ(tandem_buf_puts(&b, "y"), TANDEM_ELIMIT);
	ASSERT_EQ(tandem_buf_append(&b, "zz", 2), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 10);
	ASSERT_STR_EQ(b.data, "0123456789");
	/* Appending nothing at the limit is fine. */
	ASSERT_EQ(tandem_buf_append(&b, "", 0), 0);
	tandem_buf_release(&b);

	/* An append crossing the limit is refused whole, not cut. */
	tandem_buf_init(&b, 10);
	ASSERT_EQ(tandem_buf_puts(&b, "012345678"), 0);
	ASSERT_EQ(tandem_buf_puts(&b, "ab"), TANDEM_ELIMIT);
	ASSERT_STR_EQ(b.data, "012345678");
	ASSERT_EQ(b.len, 9);
	ASSERT_EQ(tandem_buf_putc(&b, '9'), 0);
	ASSERT_STR_EQ(b.data, "0123456789");
	tandem_buf_release(&b);

	/* A buffer of max 0 takes nothing. */
	tandem_buf_init(&b, 0);
	ASSERT_EQ(tandem_buf_putc(&b, 'a'), TANDEM_ELIMIT);
	ASSERT_STR_EQ(b.data, "");
	tandem_buf_release(&b);
}

TEST(core_buf_printf_over_max)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 10);
	ASSERT_EQ(tandem_buf_puts(&b, "abc"), 0);
	ASSERT_EQ(tandem_buf_printf(&b, "%s-%d", "hello", 12345), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 3);
	ASSERT_STR_EQ(b.data, "abc");
	ASSERT_EQ(tandem_buf_printf(&b, "%d", 1234567), 0);
	ASSERT_STR_EQ(b.data, "abc1234567");
	ASSERT_EQ(tandem_buf_printf(&b, "%c", 'x'), TANDEM_ELIMIT);
	ASSERT_STR_EQ(b.data, "abc1234567");
	tandem_buf_release(&b);

	/* Over the limit on an empty buffer too. */
	tandem_buf_init(&b, 4);
	ASSERT_EQ(tandem_buf_printf(&b, "%s", "hello"), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 0);
	ASSERT_STR_EQ(b.data, "");
	tandem_buf_release(&b);
}

TEST(core_buf_grow)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 100);
	ASSERT_EQ(tandem_buf_grow(&b, 101), TANDEM_ELIMIT);
	ASSERT_EQ(tandem_buf_grow(&b, 100), 0);
	ASSERT_GE(b.cap, 101);
	ASSERT_STR_EQ(b.data, "");
	ASSERT_EQ(tandem_buf_puts(&b, "abc"), 0);
	ASSERT_EQ(tandem_buf_grow(&b, 98), TANDEM_ELIMIT);
	ASSERT_EQ(tandem_buf_grow(&b, 97), 0);
	ASSERT_STR_EQ(b.data, "abc");
	tandem_buf_release(&b);

	/* Growth failing for lack of memory reports ENOMEM, buffer intact. */
	tandem_buf_init(&b, 1 << 20);
	ASSERT_EQ(tandem_buf_puts(&b, "keep"), 0);
	tandem_alloc_fail_at(1);
	ASSERT_EQ(tandem_buf_grow(&b, 100000), TANDEM_ENOMEM);
	ASSERT_STR_EQ(b.data, "keep");
	ASSERT_EQ(b.len, 4);
	tandem_buf_release(&b);
}

TEST(core_buf_max_size_max)
{
	struct tandem_buf b;

	/*
	 * SIZE_MAX is the natural maximum for "as large as memory allows".
	 * Such a buffer must work normally and refuse an impossible growth.
	 */
	tandem_buf_init(&b, SIZE_MAX);
	ASSERT_EQ(tandem_buf_puts(&b, "hello"), 0);
	ASSERT_STR_EQ(b.data, "hello");
	ASSERT_LT(b.len, b.cap);
	ASSERT(tandem_buf_grow(&b, SIZE_MAX - 5) != 0);
	ASSERT_STR_EQ(b.data, "hello");
	tandem_buf_release(&b);
}

TEST(core_buf_reset_keeps_memory)
{
	struct tandem_buf b;
	char *data;
	size_t cap;

	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_puts(&b, "some text that takes room"), 0);
	data = b.data;
	cap = b.cap;
	tandem_buf_reset(&b);
	ASSERT_EQ(b.len, 0);
	ASSERT_STR_EQ(b.data, "");
	ASSERT(b.data == data);
	ASSERT_EQ(b.cap, cap);

	/* Refilling within the old size takes nothing from the heap. */
	unsigned long before = tandem_alloc_calls();
	ASSERT_EQ(tandem_buf_puts(&b, "again"), 0);
	ASSERT_EQ(tandem_alloc_calls(), before);
	ASSERT(b.data == data);
	ASSERT_STR_EQ(b.data, "again");
	tandem_buf_release(&b);

	/* Resetting a buffer that never allocated is harmless. */
	tandem_buf_init(&b, 10);
	tandem_buf_reset(&b);
	ASSERT_STR_EQ(b.data, "");
	ASSERT_EQ(b.len, 0);
	tandem_buf_release(&b);
}

TEST(core_buf_release_reusable)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 8);
	ASSERT_EQ(tandem_buf_puts(&b, "12345678"), 0);
	tandem_buf_release(&b);
	ASSERT_EQ(b.len, 0);
	ASSERT_EQ(b.max, 8);
	ASSERT_STR_EQ(b.data, "");
	ASSERT_EQ(tandem_buf_puts(&b, "abcdefgh"), 0);
	ASSERT_EQ(tandem_buf_putc(&b, 'i'), TANDEM_ELIMIT);
	ASSERT_STR_EQ(b.data, "abcdefgh");
	tandem_buf_release(&b);
	tandem_buf_release(&b);
	assert_no_leaks();
}

TEST(core_buf_detach)
{
	struct tandem_buf b;
	size_t len = 0;
	char *s;

	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_printf(&b, "detached %d", 7), 0);
	s = tandem_buf_detach(&b, &len);
	ASSERT(s != NULL);
	ASSERT_STR_EQ(s, "detached 7");
	ASSERT_EQ(len, 10);
	ASSERT_EQ(b.len, 0);
	ASSERT(b.data != NULL);
	ASSERT(b.data != s);
	ASSERT_STR_EQ(b.data, "");
	ASSERT_EQ(b.max, 1 << 16);

	/* The buffer is independent of the string it handed over. */
	ASSERT_EQ(tandem_buf_puts(&b, "new"), 0);
	ASSERT_STR_EQ(s, "detached 7");
	ASSERT_STR_EQ(b.data, "new");
	tandem_free(s);
	s = tandem_buf_detach(&b, NULL);
	ASSERT(s != NULL);
	ASSERT_STR_EQ(s, "new");
	tandem_free(s);
	tandem_buf_release(&b);
	assert_no_leaks();
}

TEST(core_buf_detach_empty)
{
	struct tandem_buf b;
	size_t len = 99;
	char *s;

	tandem_buf_init(&b, 16);
	s = tandem_buf_detach(&b, &len);
	ASSERT(s != NULL);
	ASSERT_STR_EQ(s, "");
	ASSERT_EQ(len, 0);
	tandem_free(s);

	/* An empty buffer may need memory to detach; failure gives NULL. */
	tandem_alloc_fail_at(1);
	s = tandem_buf_detach(&b, &len);
	if (s != NULL) {
		ASSERT_STR_EQ(s, "");
		tandem_free(s);
	}
	tandem_alloc_fail_at(0);
	tandem_buf_release(&b);
	assert_no_leaks();
}

TEST(core_buf_json_escapes)
{
	ASSERT_STR_EQ(json_of("", 0), "\"\"");
	ASSERT_STR_EQ(json_of("plain text", 10), "\"plain text\"");
	ASSERT_STR_EQ(json_of("say \"hi\"", 8), "\"say \\\"hi\\\"\"");
	ASSERT_STR_EQ(json_of("a\\b", 3), "\"a\\\\b\"");
	ASSERT_STR_EQ(json_of("\n\r\t", 3), "\"\\n\\r\\t\"");
	ASSERT_STR_EQ(json_of("\x01\x1f", 2), "\"\\u0001\\u001f\"");
	ASSERT_STR_EQ(json_of("\b\f\x1b", 3), "\"\\u0008\\u000c\\u001b\"");
	ASSERT_STR_EQ(json_of("/ ~ }", 5), "\"/ ~ }\"");
	/* Only len bytes are read. */
	ASSERT_STR_EQ(json_of("abc\"def", 3), "\"abc\"");
}

TEST(core_buf_json_utf8_valid)
{
	/* e-acute (2 bytes), euro sign (3 bytes), G clef (4 bytes). */
	const char *s = "\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e";

	ASSERT_STR_EQ(json_of(s, strlen(s)),
		      "\"\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e\"");
	/* The first and last code points of each length. */
	s = "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf";
	char expect[64];
	snprintf(expect, sizeof expect, "\"%s\"", s);
	ASSERT_STR_EQ(json_of(s, strlen(s)), expect);
}

TEST(core_buf_json_utf8_invalid)
{
	ASSERT_STR_EQ(json_of("\xc3", 1), "\"\\u00c3\"");
	ASSERT_STR_EQ(json_of("a\xc3z", 3), "\"a\\u00c3z\"");
	ASSERT_STR_EQ(json_of("\xff", 1), "\"\\u00ff\"");
	ASSERT_STR_EQ(json_of("\xfe", 1), "\"\\u00fe\"");
	ASSERT_STR_EQ(json_of("\x80", 1), "\"\\u0080\"");
	/* Overlong encodings of '/' and of U+0000. */
	ASSERT_STR_EQ(json_of("\xc0\xaf", 2), "\"\\u00c0\\u00af\"");
	ASSERT_STR_EQ(json_of("\xe0\x80\xaf", 3), "\"\\u00e0\\u0080\\u00af\"");
	ASSERT_STR_EQ(json_of("\xc0\x80", 2), "\"\\u00c0\\u0080\"");
	/* A UTF-16 surrogate encoded in UTF-8. */
	ASSERT_STR_EQ(json_of("\xed\xa0\x80", 3), "\"\\u00ed\\u00a0\\u0080\"");
	/* Beyond U+10FFFF. */
	ASSERT_STR_EQ(json_of("\xf4\x90\x80\x80", 4),
		      "\"\\u00f4\\u0090\\u0080\\u0080\"");
	/* A sequence cut short by the end of input. */
	ASSERT_STR_EQ(json_of("\xe2\x82", 2), "\"\\u00e2\\u0082\"");
	/* A broken lead byte does not swallow a valid sequence after it. */
	ASSERT_STR_EQ(json_of("\xc3\xc3\xa9", 3), "\"\\u00c3\xc3\xa9\"");
}

TEST(core_buf_json_nul)
{
	ASSERT_STR_EQ(json_of("a\0b", 3), "\"a\\u0000b\"");
	ASSERT_STR_EQ(json_of("\0", 1), "\"\\u0000\"");
}

TEST(core_buf_json_appends)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 100);
	ASSERT_EQ(tandem_buf_puts(&b, "{\"k\":"), 0);
	ASSERT_EQ(tandem_buf_json_string(&b, "v\n", 2), 0);
	ASSERT_EQ(tandem_buf_putc(&b, '}'), 0);
	ASSERT_STR_EQ(b.data, "{\"k\":\"v\\n\"}");
	tandem_buf_release(&b);
}

TEST(core_buf_json_limit_all_or_nothing)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 12);
	ASSERT_EQ(tandem_buf_puts(&b, "abc"), 0);
	/* Needs 13 bytes of output. */
	ASSERT_EQ(tandem_buf_json_string(&b, "hello world", 11), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 3);
	ASSERT_STR_EQ(b.data, "abc");
	/* Fails on the escapes. */
	ASSERT_EQ(tandem_buf_json_string(&b, "\x01\x02", 2), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 3);
	ASSERT_STR_EQ(b.data, "abc");
	/* Everything but the closing quote fits. */
	ASSERT_EQ(tandem_buf_json_string(&b, "12345678", 8), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 3);
	ASSERT_STR_EQ(b.data, "abc");
	/* Exactly fits. */
	ASSERT_EQ(tandem_buf_json_string(&b, "1234567", 7), 0);
	ASSERT_STR_EQ(b.data, "abc\"1234567\"");
	tandem_buf_release(&b);

	/* On a buffer that has not allocated yet. */
	tandem_buf_init(&b, 4);
	ASSERT_EQ(tandem_buf_json_string(&b, "abcdef", 6), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 0);
	ASSERT_STR_EQ(b.data, "");
	tandem_buf_release(&b);

	/* Out of memory half-way is all or nothing too. */
	char fill[61];
	memset(fill, 'f', 60);
	fill[60] = '\0';
	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_puts(&b, fill), 0);
	ASSERT_EQ(tandem_buf_grow(&b, 0), 0);
	size_t cap = b.cap;
	char big[300];
	memset(big, 'g', sizeof big);
	tandem_alloc_fail_at(1);
	ASSERT_EQ(tandem_buf_json_string(&b, big, sizeof big), TANDEM_ENOMEM);
	ASSERT_EQ(b.len, 60);
	ASSERT_STR_EQ(b.data, fill);
	ASSERT_LE(b.cap, cap + 400);
	tandem_buf_release(&b);
}

/* ---------------------------------------------------------------- slice */

/* Shorthand for a slice over a string literal, embedded NULs included. */
#define SL(lit) tandem_slice_make((lit), sizeof(lit) - 1)

TEST(core_slice_from_cstr)
{
	const char *text = "abc";
	struct tandem_slice s = tandem_slice_from_cstr(NULL);

	ASSERT_EQ(s.len, 0);
	ASSERT(tandem_slice_eq_cstr(s, ""));
	ASSERT(tandem_slice_eq(s, SL("")));
	s = tandem_slice_from_cstr(text);
	ASSERT(s.ptr == text);
	ASSERT_EQ(s.len, 3);
	s = tandem_slice_from_cstr("");
	ASSERT_EQ(s.len, 0);
}

TEST(core_slice_eq)
{
	char copy[] = "abc";

	ASSERT(tandem_slice_eq(SL("abc"), tandem_slice_from_cstr(copy)));
	ASSERT(!tandem_slice_eq(SL("abc"), SL("abd")));
	ASSERT(!tandem_slice_eq(SL("abc"), SL("ab")));
	ASSERT(!tandem_slice_eq(SL("ab"), SL("abc")));
	ASSERT(tandem_slice_eq(SL(""), SL("")));
	/* Bytes after an embedded NUL still count. */
	ASSERT(!tandem_slice_eq(SL("a\0b"), SL("a\0c")));
	ASSERT(tandem_slice_eq(SL("a\0b"), SL("a\0b")));

	ASSERT(tandem_slice_eq_cstr(tandem_slice_make("abcdef", 3), "abc"));
	ASSERT(!tandem_slice_eq_cstr(tandem_slice_make("abcdef", 3), "abcd"));
	ASSERT(!tandem_slice_eq_cstr(tandem_slice_make("abcdef", 3), "ab"));
	ASSERT(!tandem_slice_eq_cstr(SL("a\0"), "a"));
	ASSERT(tandem_slice_eq_cstr(SL(""), ""));
	ASSERT(!tandem_slice_eq_cstr(SL(""), "x"));
}

TEST(core_slice_has_prefix)
{
	ASSERT(tandem_slice_has_prefix(SL("invoice.xml"), "inv"));
	ASSERT(tandem_slice_has_prefix(SL("invoice.xml"), ""));
	ASSERT(tandem_slice_has_prefix(SL("invoice.xml"), "invoice.xml"));
	ASSERT(!tandem_slice_has_prefix(SL("invoice.xml"), "invoice.xmlx"));
	ASSERT(!tandem_slice_has_prefix(SL("invoice.xml"), "nv"));
	/* The slice's length bounds the comparison, not the NUL. */
	ASSERT(!tandem_slice_has_prefix(tandem_slice_make("abcdef", 2), "abc"));
	ASSERT(tandem_slice_has_prefix(tandem_slice_make("abcdef", 3), "abc"));
	ASSERT(tandem_slice_has_prefix(SL(""), ""));
	ASSERT(!tandem_slice_has_prefix(SL(""), "a"));
}

TEST(core_slice_trim)
{
	struct tandem_slice s;
	const char *text = "abc";

	s = tandem_slice_trim(SL(" \t\r\n\v\fa b\t\r\n\v\f "));
	ASSERT(tandem_slice_eq_cstr(s, "a b"));
	s = tandem_slice_trim(SL(" \t\r\n\v\f"));
	ASSERT_EQ(s.len, 0);
	s = tandem_slice_trim(SL(""));
	ASSERT_EQ(s.len, 0);
	s = tandem_slice_trim(tandem_slice_from_cstr(text));
	ASSERT(s.ptr == text);
	ASSERT_EQ(s.len, 3);
	/* Each kind alone, at either end. */
	const char kinds[] = " \t\r\n\v\f";
	for (size_t i = 0; i < sizeof kinds - 1; i++) {
		char lead[3] = {kinds[i], 'x', '\0'};
		char trail[3] = {'x', kinds[i], '\0'};
		ASSERT(tandem_slice_eq_cstr(
			tandem_slice_trim(tandem_slice_from_cstr(lead)), "x"));
		ASSERT(tandem_slice_eq_cstr(
			tandem_slice_trim(tandem_slice_from_cstr(trail)), "x"));
	}
	/* Not ASCII whitespace: NUL, NBSP in Latin-1 and in UTF-8, NEL. */
	s = tandem_slice_trim(SL("\0x\0"));
	ASSERT_EQ(s.len, 3);
	s = tandem_slice_trim(SL("\xa0x\x85"));
	ASSERT_EQ(s.len, 3);
	s = tandem_slice_trim(SL("\xc2\xa0x"));
	ASSERT_EQ(s.len, 3);
	/* Trimming only looks at the slice, not at the bytes after it. */
	s = tandem_slice_trim(tandem_slice_make(" ab cd", 3));
	ASSERT(tandem_slice_eq_cstr(s, "ab"));
}

TEST(core_slice_cut)
{
	struct tandem_slice in = SL("key=value=x"), before, after;

	ASSERT(tandem_slice_cut(in, '=', &before, &after));
	ASSERT(tandem_slice_eq_cstr(before, "key"));
	ASSERT(tandem_slice_eq_cstr(after, "value=x"));
	ASSERT(before.ptr == in.ptr);
	ASSERT(after.ptr == in.ptr + 4);

	in = SL("novalue");
	ASSERT(!tandem_slice_cut(in, '=', &before, &after));
	ASSERT(before.ptr == in.ptr);
	ASSERT_EQ(before.len, in.len);
	ASSERT_EQ(after.len, 0);

	ASSERT(tandem_slice_cut(SL("=v"), '=', &before, &after));
	ASSERT_EQ(before.len, 0);
	ASSERT(tandem_slice_eq_cstr(after, "v"));
	ASSERT(tandem_slice_cut(SL("k="), '=', &before, &after));
	ASSERT(tandem_slice_eq_cstr(before, "k"));
	ASSERT_EQ(after.len, 0);

	ASSERT(!tandem_slice_cut(SL(""), '=', &before, &after));
	ASSERT_EQ(before.len, 0);
	ASSERT_EQ(after.len, 0);

	/* The separator beyond the slice's end does not count. */
	ASSERT(!tandem_slice_cut(tandem_slice_make("ab=c", 2), '=', &before,
				 &after));
	/* NUL is a separator like any other. */
	ASSERT(tandem_slice_cut(SL("a\0b"), '\0', &before, &after));
	ASSERT(tandem_slice_eq_cstr(before, "a"));
	ASSERT(tandem_slice_eq_cstr(after, "b"));
}

TEST(core_slice_has_nul)
{
	ASSERT(tandem_slice_has_nul(SL("ab\0c")));
	ASSERT(tandem_slice_has_nul(SL("\0")));
	ASSERT(!tandem_slice_has_nul(SL("abc")));
	ASSERT(!tandem_slice_has_nul(SL("")));
	/* The terminator after the slice is not part of it. */
	ASSERT(!tandem_slice_has_nul(tandem_slice_make("a", 1)));
}

TEST(core_slice_zero_initialised)
{
	/*
	 * A zero-initialised slice {NULL, 0} is the empty slice a struct
	 * member starts as; every function must take it without touching
	 * memory (UBSan reports NULL passed to memcmp or memchr).
	 */
	struct tandem_slice z = {NULL, 0}, before, after;

	ASSERT(tandem_slice_eq(z, SL("")));
	ASSERT(tandem_slice_eq_cstr(z, ""));
	ASSERT(tandem_slice_has_prefix(z, ""));
	ASSERT(!tandem_slice_has_prefix(z, "a"));
	ASSERT_EQ(tandem_slice_trim(z).len, 0);
	ASSERT(!tandem_slice_has_nul(z));
	ASSERT(!tandem_slice_cut(z, '=', &before, &after));
	ASSERT_EQ(before.len, 0);
	ASSERT_EQ(after.len, 0);
}

/* ---------------------------------------------------------------- diag */

TEST(core_diag_severities)
{
	struct tandem_diag d;

	tandem_diag_init(&d, 100);
	ASSERT_EQ(d.count, 0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				  "BR-01", "/Invoice/ID", 3, "missing %s", "ID"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_WARNING, 0, NULL, NULL, 0,
				  "odd"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_INFO, 0, "I-1", NULL, 0, "fyi"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, TANDEM_EOVERFLOW, NULL,
				  "/x", 9, "too big"),
		  0);
	ASSERT_EQ(d.count, 4);
	ASSERT_EQ(d.dropped, 0);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_ERROR), 2);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_WARNING), 1);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_INFO), 1);

	const struct tandem_finding *f = &d.items[0];
	ASSERT_EQ(f->code, TANDEM_EBADINPUT);
	ASSERT_EQ(f->severity, TANDEM_SEV_ERROR);
	ASSERT_STR_EQ(f->rule, "BR-01");
	ASSERT_STR_EQ(f->path, "/Invoice/ID");
	ASSERT_EQ(f->line, 3);
	ASSERT_STR_EQ(f->message, "missing ID");
	f = &d.items[1];
	ASSERT_EQ(f->severity, TANDEM_SEV_WARNING);
	ASSERT_STR_EQ(f->rule, "");
	ASSERT_STR_EQ(f->path, "");
	ASSERT_EQ(f->line, 0);
	ASSERT_STR_EQ(f->message, "odd");
	ASSERT_EQ(d.items[2].severity, TANDEM_SEV_INFO);
	ASSERT_STR_EQ(d.items[2].rule, "I-1");
	ASSERT_EQ(d.items[3].code, TANDEM_EOVERFLOW);
	ASSERT_STR_EQ(d.items[3].path, "/x");

	ASSERT_STR_EQ(tandem_severity_name(TANDEM_SEV_ERROR), "error");
	ASSERT_STR_EQ(tandem_severity_name(TANDEM_SEV_WARNING), "warning");
	ASSERT_STR_EQ(tandem_severity_name(TANDEM_SEV_INFO), "info");
	tandem_diag_release(&d);
	assert_no_leaks();
}

TEST(core_diag_many_findings)
{
	struct tandem_diag d;

	/* Enough findings to make the array grow several times. */
	tandem_diag_init(&d, 1000);
	for (int i = 0; i < 500; i++)
		ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_WARNING, 0, "R", "/p",
					  i, "finding %d", i),
			  0);
	ASSERT_EQ(d.count, 500);
	for (int i = 0; i < 500; i++) {
		char want[32];
		snprintf(want, sizeof want, "finding %d", i);
		ASSERT_STR_EQ(d.items[i].message, want);
		ASSERT_EQ(d.items[i].line, i);
	}
	tandem_diag_release(&d);
	assert_no_leaks();
}

TEST(core_diag_strings_copied)
{
	struct tandem_diag d;
	char rule[] = "BR-CO-10";
	char path[] = "/Invoice/Total";
	char msg[] = "the message";

	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, rule, path, 1, "%s",
				  msg),
		  0);
	memset(rule, 'X', sizeof rule - 1);
	memset(path, 'Y', sizeof path - 1);
	memset(msg, 'Z', sizeof msg - 1);
	ASSERT_STR_EQ(d.items[0].rule, "BR-CO-10");
	ASSERT_STR_EQ(d.items[0].path, "/Invoice/Total");
	ASSERT_STR_EQ(d.items[0].message, "the message");
	ASSERT(d.items[0].rule != rule);
	ASSERT(d.items[0].path != path);
	tandem_diag_release(&d);
}

TEST(core_diag_max_findings)
{
	struct tandem_diag d;

	tandem_diag_init(&d, 3);
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(tandem_diag_add(&d,
					  i % 2 ? TANDEM_SEV_WARNING
						: TANDEM_SEV_ERROR,
					  0, NULL, NULL, 0, "f%d", i),
			  0);
	ASSERT_EQ(d.count, 3);
	ASSERT_EQ(d.dropped, 2);
	/* Severities of 0..4: error, warning, error, warning, error. */
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_ERROR), 3);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_WARNING), 2);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_INFO), 0);
	ASSERT_STR_EQ(d.items[0].message, "f0");
	ASSERT_STR_EQ(d.items[1].message, "f1");
	ASSERT_STR_EQ(d.items[2].message, "f2");
	tandem_diag_release(&d);

	/* A diag that stores nothing still counts. */
	tandem_diag_init(&d, 0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_INFO, 0, NULL, NULL, 0, "x"), 0);
	ASSERT_EQ(d.count, 0);
	ASSERT_EQ(d.dropped, 1);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_INFO), 1);
	tandem_diag_release(&d);
}

TEST(core_diag_format_text)
{
	struct tandem_diag d;
	struct tandem_buf b;

	tandem_diag_init(&d, 3);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				  "BR-CO-10", "/Invoice/LegalMonetaryTotal", 12,
				  "Sum of line amounts is %s.", "wrong"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_WARNING, 0, NULL, NULL, 0,
				  "No buyer reference."),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_INFO, 0, "R1", NULL, 3, "x"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, NULL, NULL, 0, "d1"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, NULL, NULL, 0, "d2"),
		  0);

	/* Formatting appends to what the buffer holds already. */
	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_puts(&b, "head\n"), 0);
	ASSERT_EQ(tandem_diag_format_text(&d, &b), 0);
	ASSERT_STR_EQ(b.data,
		      "head\n"
		      "error BR-CO-10 at /Invoice/LegalMonetaryTotal (line 12): "
		      "Sum of line amounts is wrong.\n"
		      "warning: No buyer reference.\n"
		      "info R1 (line 3): x\n"
		      "2 more findings not stored\n");
	tandem_buf_release(&b);

	/* No findings, no text. */
	tandem_diag_release(&d);
	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_diag_format_text(&d, &b), 0);
	ASSERT_STR_EQ(b.data, "");

	/* A full buffer reports ELIMIT. */
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, NULL, NULL, 0,
				  "a message longer than ten bytes"),
		  0);
	tandem_buf_release(&b);
	tandem_buf_init(&b, 10);
	ASSERT_EQ(tandem_diag_format_text(&d, &b), TANDEM_ELIMIT);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

TEST(core_diag_format_json)
{
	struct tandem_diag d;
	struct tandem_buf b;

	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				  "BR-CO-10", "/Invoice/LegalMonetaryTotal", 12,
				  "Total is \"%s\".", "wrong"),
		  0);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_WARNING, 0, NULL, NULL, 0,
				  "a\nb\\c\x01"),
		  0);
	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_diag_format_json(&d, &b), 0);
	lower_hex_escapes(b.data);
	ASSERT_STR_EQ(b.data,
		      "[{\"severity\":\"error\",\"code\":\"EBADINPUT\","
		      "\"rule\":\"BR-CO-10\","
		      "\"path\":\"/Invoice/LegalMonetaryTotal\",\"line\":12,"
		      "\"message\":\"Total is \\\"wrong\\\".\"},"
		      "{\"severity\":\"warning\",\"code\":\"OK\",\"rule\":\"\","
		      "\"path\":\"\",\"line\":0,"
		      "\"message\":\"a\\nb\\\\c\\u0001\"}]");
	tandem_buf_release(&b);
	tandem_diag_release(&d);

	/* An empty diag is an empty array. */
	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_diag_format_json(&d, &b), 0);
	ASSERT_STR_EQ(b.data, "[]");
	tandem_buf_release(&b);
}

TEST(core_diag_message_cut)
{
	struct tandem_diag d;
	static char longmsg[3 * TANDEM_DIAG_MESSAGE_MAX];
	size_t n;

	memset(longmsg, 'm', sizeof longmsg - 1);
	longmsg[sizeof longmsg - 1] = '\0';
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, NULL, NULL, 0, "%s",
				  longmsg),
		  0);
	ASSERT_EQ(d.count, 1);
	n = strlen(d.items[0].message);
	ASSERT_LE(n, TANDEM_DIAG_MESSAGE_MAX);
	ASSERT_GE(n, TANDEM_DIAG_MESSAGE_MAX / 2);
	ASSERT_MEM_EQ(d.items[0].message, longmsg, n);
	/* The diag stays usable after a cut message. */
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_INFO, 0, NULL, NULL, 0, "ok"),
		  0);
	ASSERT_STR_EQ(d.items[1].message, "ok");
	tandem_diag_release(&d);
}

TEST(core_diag_message_exactly_max_kept)
{
	struct tandem_diag d;
	static char msg[TANDEM_DIAG_MESSAGE_MAX + 1];

	/* diag.h: "bytes of one message; longer is cut" - so not this one. */
	memset(msg, 'm', TANDEM_DIAG_MESSAGE_MAX);
	msg[TANDEM_DIAG_MESSAGE_MAX] = '\0';
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, NULL, NULL, 0, "%s",
				  msg),
		  0);
	ASSERT_EQ(strlen(d.items[0].message), TANDEM_DIAG_MESSAGE_MAX);
	tandem_diag_release(&d);
}

TEST(core_diag_release_reuse)
{
	struct tandem_diag d;

	tandem_diag_init(&d, 2);
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_ERROR, 0, "R", "/p", 1,
					  "m%d", i),
			  0);
	tandem_diag_release(&d);
	ASSERT_EQ(d.count, 0);
	ASSERT_EQ(d.dropped, 0);
	ASSERT_EQ(d.max_findings, 2);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_ERROR), 0);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_WARNING), 0);
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_INFO), 0);

	ASSERT_EQ(tandem_diag_add(&d, TANDEM_SEV_INFO, 0, "R2", NULL, 0, "again"),
		  0);
	ASSERT_EQ(d.count, 1);
	ASSERT_STR_EQ(d.items[0].rule, "R2");
	ASSERT_STR_EQ(d.items[0].message, "again");
	ASSERT_EQ(tandem_diag_count(&d, TANDEM_SEV_INFO), 1);
	tandem_diag_release(&d);
	tandem_diag_release(&d);
	assert_no_leaks();
}

/* ---------------------------------------------------------------- log */

/* What the capturing sink saw last, and how often it was called. */
struct captured {
	int calls;
	enum tandem_log_level level;
	char module[64];
	char message[TANDEM_LOG_MESSAGE_MAX + 64];
	size_t message_len;
	long long time_ms;
};

static void copy_bounded(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n > cap - 1)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void capture_sink(void *userdata, const struct tandem_log_record *r)
{
	struct captured *c = userdata;

	c->calls++;
	c->level = r->level;
	copy_bounded(c->module, sizeof c->module, r->module);
	copy_bounded(c->message, sizeof c->message, r->message);
	c->message_len = strlen(r->message);
	c->time_ms = r->time_ms;
}

TEST(core_log_defaults)
{
	ASSERT_EQ(tandem_log_get_level(), TANDEM_LOG_WARN);
	tandem_log_set_level(TANDEM_LOG_DEBUG);
	ASSERT_EQ(tandem_log_get_level(), TANDEM_LOG_DEBUG);
	tandem_log_set_level(TANDEM_LOG_WARN);
}

TEST(core_log_level_names)
{
	ASSERT_STR_EQ(tandem_log_level_name(TANDEM_LOG_DEBUG), "debug");
	ASSERT_STR_EQ(tandem_log_level_name(TANDEM_LOG_INFO), "info");
	ASSERT_STR_EQ(tandem_log_level_name(TANDEM_LOG_WARN), "warn");
	ASSERT_STR_EQ(tandem_log_level_name(TANDEM_LOG_ERROR), "error");
	ASSERT_STR_EQ(tandem_log_level_name(TANDEM_LOG_OFF), "off");
}

TEST(core_log_custom_sink)
{
	struct captured c;

	memset(&c, 0, sizeof c);
	tandem_log_set_sink(capture_sink, &c);
	tandem_log_set_level(TANDEM_LOG_DEBUG);
	long long before_ms = (long long)time(NULL) * 1000;
	tandem_log(TANDEM_LOG_INFO, "core", "hello %d %s", 7, "world");
	ASSERT_EQ(c.calls, 1);
	ASSERT_EQ(c.level, TANDEM_LOG_INFO);
	ASSERT_STR_EQ(c.module, "core");
	ASSERT_STR_EQ(c.message, "hello 7 world");
	ASSERT_GT(c.time_ms, before_ms - 60000);
	ASSERT_LT(c.time_ms, before_ms + 60000);

	tandem_log(TANDEM_LOG_DEBUG, "ident", "second");
	ASSERT_EQ(c.calls, 2);
	ASSERT_EQ(c.level, TANDEM_LOG_DEBUG);
	ASSERT_STR_EQ(c.module, "ident");
	ASSERT_STR_EQ(c.message, "second");

	tandem_log_set_sink(NULL, NULL);
	tandem_log_set_level(TANDEM_LOG_WARN);
}

TEST(core_log_threshold)
{
	struct captured c;

	memset(&c, 0, sizeof c);
	tandem_log_set_sink(capture_sink, &c);
	tandem_log_set_level(TANDEM_LOG_WARN);
	tandem_log(TANDEM_LOG_DEBUG, "core", "d");
	tandem_log(TANDEM_LOG_INFO, "core", "i");
	ASSERT_EQ(c.calls, 0);
	tandem_log(TANDEM_LOG_WARN, "core", "w");
	ASSERT_EQ(c.calls, 1);
	ASSERT_EQ(c.level, TANDEM_LOG_WARN);
	tandem_log(TANDEM_LOG_ERROR, "core", "e");
	ASSERT_EQ(c.calls, 2);
	ASSERT_EQ(c.level, TANDEM_LOG_ERROR);
	ASSERT_STR_EQ(c.message, "e");

	tandem_log_set_level(TANDEM_LOG_ERROR);
	tandem_log(TANDEM_LOG_WARN, "core", "w");
	ASSERT_EQ(c.calls, 2);
	tandem_log(TANDEM_LOG_ERROR, "core", "e2");
	ASSERT_EQ(c.calls, 3);
	ASSERT_STR_EQ(c.message, "e2");

	tandem_log_set_sink(NULL, NULL);
	tandem_log_set_level(TANDEM_LOG_WARN);
}

TEST(core_log_off)
{
	struct captured c;

	memset(&c, 0, sizeof c);
	tandem_log_set_sink(capture_sink, &c);
	tandem_log_set_level(TANDEM_LOG_OFF);
	tandem_log(TANDEM_LOG_ERROR, "core", "silenced");
	tandem_log(TANDEM_LOG_WARN, "core", "silenced");
	tandem_log(TANDEM_LOG_DEBUG, "core", "silenced");
	ASSERT_EQ(c.calls, 0);
	ASSERT_EQ(tandem_log_get_level(), TANDEM_LOG_OFF);

	tandem_log_set_level(TANDEM_LOG_DEBUG);
	tandem_log(TANDEM_LOG_ERROR, "core", "heard");
	ASSERT_EQ(c.calls, 1);
	tandem_log_set_sink(NULL, NULL);
	tandem_log_set_level(TANDEM_LOG_WARN);
}

TEST(core_log_message_cut)
{
	static char longmsg[3 * TANDEM_LOG_MESSAGE_MAX];
	struct captured c;

	memset(&c, 0, sizeof c);
	memset(longmsg, 'L', sizeof longmsg - 1);
	longmsg[sizeof longmsg - 1] = '\0';
	tandem_log_set_sink(capture_sink, &c);
	tandem_log(TANDEM_LOG_ERROR, "core", "%s", longmsg);
	ASSERT_EQ(c.calls, 1);
	ASSERT_LE(c.message_len, TANDEM_LOG_MESSAGE_MAX);
	ASSERT_GE(c.message_len, TANDEM_LOG_MESSAGE_MAX / 2);
	ASSERT_MEM_EQ(c.message, longmsg, c.message_len);
	tandem_log_set_sink(NULL, NULL);
}

TEST(core_log_message_exactly_max_kept)
{
	static char msg[TANDEM_LOG_MESSAGE_MAX + 1];
	struct captured c;

	/* log.h: "Messages longer than this are cut" - so not this one. */
	memset(&c, 0, sizeof c);
	memset(msg, 'L', TANDEM_LOG_MESSAGE_MAX);
	msg[TANDEM_LOG_MESSAGE_MAX] = '\0';
	tandem_log_set_sink(capture_sink, &c);
	tandem_log(TANDEM_LOG_ERROR, "core", "%s", msg);
	ASSERT_EQ(c.calls, 1);
	ASSERT_EQ(c.message_len, TANDEM_LOG_MESSAGE_MAX);
	tandem_log_set_sink(NULL, NULL);
}

/* 2026-11-22T10:00:00.123Z in milliseconds since the epoch. */
#define FIXED_TIME_MS 1795341600123LL

TEST(core_log_json_sink_exact)
{
	struct tandem_log_record r = {
		TANDEM_LOG_WARN, "ident",
		"a \"q\"\n\\ \x01 \xc3\xa9 end", FIXED_TIME_MS};
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ASSERT(f != NULL);
	tandem_log_sink_json(f, &r);
	ASSERT_EQ(fclose(f), 0);
	lower_hex_escapes(text);
	ASSERT_STR_EQ(text,
		      "{\"time\":\"2026-11-22T10:00:00.123Z\",\"level\":\"warn\","
		      "\"module\":\"ident\","
		      "\"message\":\"a \\\"q\\\"\\n\\\\ \\u0001 \xc3\xa9 end\"}\n");
	free(text);
}

TEST(core_log_json_sink_via_log)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	struct tm tm;
	int ms = -1;

	ASSERT(f != NULL);
	tandem_log_set_sink(tandem_log_sink_json, f);
	tandem_log_set_level(TANDEM_LOG_INFO);
	tandem_log(TANDEM_LOG_DEBUG, "core", "filtered");
	tandem_log(TANDEM_LOG_ERROR, "core", "say \"%s\"\nbye", "hi");
	tandem_log_set_sink(NULL, NULL);
	tandem_log_set_level(TANDEM_LOG_WARN);
	ASSERT_EQ(fclose(f), 0);

	/* One line, the only newline at its end. */
	ASSERT(text != NULL);
	ASSERT_GT(size, 0);
	ASSERT_EQ(strlen(text), size);
	ASSERT(strchr(text, '\n') == text + size - 1);
	ASSERT_EQ(strncmp(text, "{\"time\":\"", 9), 0);
	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" is 24 characters. */
	ASSERT_GT(size, 9 + 24);
	ASSERT_STR_EQ(text + 9 + 24,
		      "\",\"level\":\"error\",\"module\":\"core\","
		      "\"message\":\"say \\\"hi\\\"\\nbye\"}\n");
	memset(&tm, 0, sizeof tm);
	ASSERT_EQ(sscanf(text + 9, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year,
			 &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
			 &tm.tm_sec, &ms),
		  7);
	ASSERT_EQ(text[9 + 23], 'Z');
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	long long logged = (long long)timegm(&tm);
	long long now = (long long)time(NULL);
	ASSERT_GT(logged, now - 60);
	ASSERT_LT(logged, now + 60);
	ASSERT(ms >= 0 && ms <= 999);
	free(text);
}

TEST(core_log_text_sink)
{
	struct tandem_log_record r = {TANDEM_LOG_WARN, "ident", "message",
				      FIXED_TIME_MS};
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ASSERT(f != NULL);
	tandem_log_sink_text(f, &r);
	ASSERT_EQ(fclose(f), 0);
	/* The form given in log.h. */
	ASSERT_STR_EQ(text, "2026-11-22T10:00:00.123Z warn  ident: message\n");
	free(text);

	/* Through tandem_log, at another level. */
	text = NULL;
	f = open_memstream(&text, &size);
	ASSERT(f != NULL);
	tandem_log_set_sink(tandem_log_sink_text, f);
	tandem_log(TANDEM_LOG_ERROR, "store", "disk %s", "full");
	tandem_log_set_sink(NULL, NULL);
	ASSERT_EQ(fclose(f), 0);
	ASSERT_STR_CONTAINS(text, " error ");
	ASSERT_STR_CONTAINS(text, "store: disk full\n");
	ASSERT(strchr(text, '\n') == text + strlen(text) - 1);
	free(text);
}

static struct captured child_capture;

/* Child body: logs through a custom sink, then through the default one. */
static void log_default_child(void)
{
	tandem_log_set_sink(capture_sink, &child_capture);
	tandem_log(TANDEM_LOG_ERROR, "mod", "to the custom sink");
	tandem_log_set_sink(NULL, NULL);
	tandem_log(TANDEM_LOG_WARN, "mod", "to stderr");
	tandem_log(TANDEM_LOG_INFO, "mod", "below the default threshold");
	if (child_capture.calls != 1)
		_exit(3);
}

TEST(core_log_default_sink_stderr)
{
	char err[4096];
	int status;

	run_in_child(log_default_child, err, sizeof err, &status);
	ASSERT(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	ASSERT_STR_CONTAINS(err, "warn");
	ASSERT_STR_CONTAINS(err, "mod: to stderr\n");
	ASSERT(strstr(err, "custom sink") == NULL);
	ASSERT(strstr(err, "below the default") == NULL);
}

/* ---------------------------------------------------------------- assert */

static void assert_false_child(void)
{
	volatile int side = 41;

	TANDEM_ASSERT(side == 42);
}

static void assert_true_child(void)
{
	TANDEM_ASSERT(1);
	TANDEM_ASSERT(2 + 2 == 4);
}

/* A sink that marks what it receives, on stderr. */
static void marking_sink(void *userdata, const struct tandem_log_record *r)
{
	(void)userdata;
	fprintf(stderr, "SINK[%s] %s\n", r->module, r->message);
}

static void assert_through_sink_child(void)
{
	volatile int side = 41;

	tandem_log_set_sink(marking_sink, NULL);
	TANDEM_ASSERT(side == 43);
}

TEST(core_assert_fail_aborts)
{
	char err[4096];
	int status;

	run_in_child(assert_false_child, err, sizeof err, &status);
	ASSERT(WIFSIGNALED(status));
	ASSERT_EQ(WTERMSIG(status), SIGABRT);
	ASSERT_STR_CONTAINS(err, "assertion failed");
	ASSERT_STR_CONTAINS(err, "side == 42");
	ASSERT_STR_CONTAINS(err, "test_core.c");
}

TEST(core_assert_true_noop)
{
	char err[4096];
	int status, evaluated = 0;

	TANDEM_ASSERT(1);
	TANDEM_ASSERT(++evaluated == 1);
	ASSERT_EQ(evaluated, 1);
	run_in_child(assert_true_child, err, sizeof err, &status);
	ASSERT(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
	ASSERT_STR_EQ(err, "");
}

TEST(core_assert_fail_through_sink)
{
	char err[4096];
	int status;

	/* assert.h: "a broken invariant logs the expression and location
	 * through the log sink, then aborts". */
	run_in_child(assert_through_sink_child, err, sizeof err, &status);
	ASSERT(WIFSIGNALED(status));
	ASSERT_EQ(WTERMSIG(status), SIGABRT);
	ASSERT_STR_CONTAINS(err, "SINK[");
	ASSERT_STR_CONTAINS(err, "side == 43");
}

/* ---------------------------------------------------------------- version */

TEST(core_version)
{
	char want[32];

	ASSERT_STR_EQ(tandem_version(), TANDEM_VERSION_STRING);
	snprintf(want, sizeof want, "%d.%d.%d", TANDEM_VERSION_MAJOR,
		 TANDEM_VERSION_MINOR, TANDEM_VERSION_PATCH);
	ASSERT_STR_EQ(tandem_version(), want);
}
