/*
 * src/llm/pool.c - the threads of a context: the caller and n - 1 workers
 * run the same job, each its share, and the caller returns when all are
 * done. A forward pass runs a few jobs per layer, so waking must be quick:
 * workers spin on a generation counter for a while, then yield.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "llm/llm_int.h"
#include "tandem/error.h"

#define SPINS_BEFORE_SLEEP 100000
#define SLEEP_NS 100000

static void relax(unsigned *spins)
{
	if (++*spins < SPINS_BEFORE_SLEEP) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	} else {
		struct timespec ts = { 0, SLEEP_NS };
		(void)nanosleep(&ts, NULL);
	}
}

static void *worker(void *p)
{
	struct llm_pool_thread *t = p;
	struct llm_pool *pool = t->pool;
	uint64_t seen = 0;

	for (;;) {
		unsigned spins = 0;
		uint64_t g;

		while ((g = atomic_load_explicit(&pool->gen, memory_order_acquire)) == seen)
			relax(&spins);
		seen = g;
		if (atomic_load_explicit(&pool->stop, memory_order_acquire))
			return NULL;
		pool->fn(pool->arg, t->index, pool->n);
		atomic_fetch_add_explicit(&pool->done, 1, memory_order_acq_rel);
	}
}

int llm_pool_start(struct llm_pool *pool, uint32_t n)
{
	pool->n = 1;
	atomic_init(&pool->gen, 0);
	atomic_init(&pool->done, 0);
	atomic_init(&pool->stop, false);
	for (uint32_t i = 1; i < n && i < LLM_THREADS_MAX; i++) {
		pool->t[i] = (struct llm_pool_thread){ pool, i, 0 };
		if (pthread_create(&pool->t[i].id, NULL, worker, &pool->t[i]) != 0) {
			llm_pool_stop(pool);
			return TANDEM_ENOMEM;
		}
		pool->n = i + 1;
	}
	return 0;
}

void llm_pool_run(struct llm_pool *pool, void (*fn)(void *, uint32_t, uint32_t), void *arg)
{
	unsigned spins = 0;

	pool->fn = fn;
	pool->arg = arg;
	atomic_store_explicit(&pool->done, 0, memory_order_relaxed);
	atomic_fetch_add_explicit(&pool->gen, 1, memory_order_acq_rel);
	fn(arg, 0, pool->n);
	while (atomic_load_explicit(&pool->done, memory_order_acquire) < pool->n - 1)
		relax(&spins);
}

void llm_pool_stop(struct llm_pool *pool)
{
	atomic_store_explicit(&pool->stop, true, memory_order_release);
	atomic_fetch_add_explicit(&pool->gen, 1, memory_order_acq_rel);
	for (uint32_t i = 1; i < pool->n; i++)
		(void)pthread_join(pool->t[i].id, NULL);
	pool->n = 1;
}
