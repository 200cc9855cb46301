/*
 * src/core/error.c - messages and names of the status codes of tandem/error.h.
 */
#include "tandem/error.h"

const char *tandem_strerror(int err)
{
	switch (err) {
	case TANDEM_OK:
		return "success";
#define TANDEM__ERRNO_MSG(name, num, msg)                                      \
	case TANDEM_E##name:                                                   \
		return msg;
		TANDEM_ERRNO_MAP(TANDEM__ERRNO_MSG)
#undef TANDEM__ERRNO_MSG
	default:
		return "unknown error";
	}
}

const char *tandem_err_name(int err)
{
	switch (err) {
	case TANDEM_OK:
		return "OK";
#define TANDEM__ERRNO_NAME(name, num, msg)                                     \
	case TANDEM_E##name:                                                   \
		return "E" #name;
		TANDEM_ERRNO_MAP(TANDEM__ERRNO_NAME)
#undef TANDEM__ERRNO_NAME
	default:
		return "EUNKNOWN";
	}
}
