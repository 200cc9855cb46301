/*
 * src/core/assert.c - the failure path of TANDEM_ASSERT (tandem/assert.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "tandem/assert.h"

void tandem__assert_fail(const char *expr, const char *file, int line,
			 const char *func)
{
	/*
	 * Straight to stderr, not through the log sink: the sink may be what
	 * broke, and the process is about to end anyway.
	 */
	fprintf(stderr, "tandem: assertion failed: %s (%s:%d, %s)\n", expr, file,
		line, func);
	fflush(stderr);
	abort();
}
