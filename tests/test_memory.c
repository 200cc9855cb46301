/*
 * tests/test_memory.c - unit tests of the allocation wrapper and its failure
 * injection (tandem/alloc.h) and of the arena with its limit and cleanup
 * hooks (tandem/arena.h), including a loop that fails each allocation in
 * turn and checks that every error path is clean and leak-free.
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

#include "core_helpers.h"
#include "test.h"

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
	core_assert_no_leaks();
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
	core_assert_no_leaks();
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
	core_assert_no_leaks();
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
	core_assert_no_leaks();
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

TEST(core_arena_fixed_contiguous_and_bounded)
{
	/* Everything comes from the caller's memory, in order, and nothing
	 * beyond it: what the arena holds is one range [mem, mem + used). */
	static _Alignas(max_align_t) unsigned char mem[4096];
	struct tandem_arena a;

	tandem_arena_init_fixed(&a, mem, sizeof mem);
	unsigned char *p = tandem_arena_alloc(&a, 10);
	unsigned char *q = tandem_arena_alloc(&a, 3000); /* "big": still in mem */
	ASSERT(p >= mem && p + 10 <= mem + sizeof mem);
	ASSERT(q > p && q + 3000 <= mem + sizeof mem);
	ASSERT_EQ(tandem_arena_fixed_used(&a), (size_t)(q + 3008 - mem));
	ASSERT(tandem_arena_alloc(&a, 2000) == NULL);
	ASSERT_EQ(tandem_arena_error(&a), TANDEM_ELIMIT);
	/* Release starts over at the same memory and never frees it. */
	tandem_arena_release(&a);
	ASSERT_EQ(tandem_arena_error(&a), 0);
	ASSERT(tandem_arena_alloc(&a, 10) == p);
	tandem_arena_release(&a);
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
		core_assert_no_leaks();
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
