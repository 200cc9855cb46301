/*
 * tandem/version.h - the library version, for the build and at run time.
 */
#ifndef TANDEM_VERSION_H
#define TANDEM_VERSION_H

#define TANDEM_VERSION_MAJOR 0
#define TANDEM_VERSION_MINOR 1
#define TANDEM_VERSION_PATCH 0
#define TANDEM_VERSION_STRING "0.1.0"

/* The version of the library actually linked, e.g. "0.1.0". */
const char *tandem_version(void);

#endif /* TANDEM_VERSION_H */
