/*
 * tests/sch_helpers.c - see sch_helpers.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sch_helpers.h"
#include "schematron/schematron.h"
#include "test.h"

struct sch_schema *sch_from_text(const char *text)
{
	char dir[] = "/tmp/tandem-sch-XXXXXX", path[64], err[512];
	struct sch_schema *s = NULL;
	ASSERT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/t.sch", dir);
	FILE *f = fopen(path, "wb");
	ASSERT(f != NULL);
	ASSERT_EQ(fwrite(text, 1, strlen(text), f), strlen(text));
	ASSERT_EQ(fclose(f), 0);
	int rc = sch_load(path, &s, err, sizeof err);
	unlink(path);
	rmdir(dir);
	if (rc != 0)
		FAIL("sch_load = %d: %s", rc, err);
	return s;
}
