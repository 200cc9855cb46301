/*
 * src/core/version.c - the linked library's version (tandem/version.h).
 */
#include "tandem/version.h"

const char *tandem_version(void)
{
	return TANDEM_VERSION_STRING;
}
