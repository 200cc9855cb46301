/*
 * src/core/pages.c - memory made present before it is written.
 *
 * A short-lived process (a one-file `tandem invoice validate`) pays for
 * every page it touches the first time: on the virtual machines tandem is
 * measured on, a page fault costs some 10 us, while the pages of one
 * MADV_POPULATE_WRITE come in at 2 to 3 us each (docs/einvoice.md,
 * "Speed"). Callers that know they are about to fill a region ask for it
 * here first.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "core/core.h"

bool tandem_pages_populate(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	static size_t page;
	if (!n)
		return true;
	if (!page) {
		long s = sysconf(_SC_PAGESIZE);
		page = s > 0 ? (size_t)s : 4096;
	}
	uintptr_t start = (uintptr_t)p & ~(uintptr_t)(page - 1);
	uintptr_t end = (uintptr_t)p + n;
	return madvise((void *)start, end - start, MADV_POPULATE_WRITE) == 0; /* NOLINT(performance-no-int-to-ptr) */
#else
	(void)p;
	(void)n;
	return false; /* Linux < 5.14: the pages come in one fault at a time */
#endif
}
