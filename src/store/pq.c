/*
 * src/store/pq.c - libpq loaded with dlopen() (see pq.h).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "store/pq.h"

struct store_pq_funcs store_pq;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256] = "libpq cannot be loaded"; /* "" once loaded */

static void load(void)
{
	void *h = dlopen(TANDEM_PQ_SONAME, RTLD_NOW | RTLD_LOCAL);
	void *sym;

	if (h == NULL) {
		snprintf(load_error, sizeof load_error, "%s", dlerror());
		return;
	}
	/* memcpy: ISO C has no conversion from void * to a function pointer. */
#define X(f)                                                                        \
	sym = dlsym(h, #f);                                                         \
	if (sym == NULL) {                                                          \
		snprintf(load_error, sizeof load_error, "%s has no %s", TANDEM_PQ_SONAME, #f); \
		return;                                                             \
	}                                                                           \
	memcpy(&store_pq.f, &sym, sizeof sym);
	PQ_FUNCS(X)
#undef X
	load_error[0] = '\0';
}

const char *store_pq_load(void)
{
	if (pthread_once(&once, load) != 0)
		return "libpq cannot be loaded: pthread_once failed";
	return load_error[0] != '\0' ? load_error : NULL;
}
