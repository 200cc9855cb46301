/*
 * src/core/assert.c - the failure path of TANDEM_ASSERT (tandem/assert.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "tandem/assert.h"
#include "tandem/log.h"

void tandem__assert_fail(const char *expr, const char *file, int line,
			 const char *func)
{
	static int failing;

	/*
	 * Through the log sink, so a server's JSON log records it. If the log
	 * is switched off, or the sink itself trips an assertion, straight to
	 * stderr: the message must never be lost.
	 */
	if (!failing && tandem_log_get_level() <= TANDEM_LOG_ERROR) {
		failing = 1;
		tandem_log(TANDEM_LOG_ERROR, "assert",
			   "assertion failed: %s (%s:%d, %s)", expr, file, line,
			   func);
	} else {
		fprintf(stderr, "tandem: assertion failed: %s (%s:%d, %s)\n",
			expr, file, line, func);
		fflush(stderr);
	}
	abort();
}
