/*
 * tandem/error.h - the one list of error codes used by every tandem function.
 *
 * Convention: a function returns an int status, 0 on success or one of the
 * negative TANDEM_E* codes below. Results travel through out-parameters.
 * Details meant for a person (a rule id, a field path, a line number) go into
 * a struct tandem_diag (tandem/diag.h), never into the return value.
 *
 * The list is an X-macro so that the enumeration, the names and the messages
 * cannot drift apart. Numbers are part of the ABI: never renumber, only append.
 */
#ifndef TANDEM_ERROR_H
#define TANDEM_ERROR_H

/* XX(name, number, message) */
#define TANDEM_ERRNO_MAP(XX)                                                   \
	XX(NOMEM, -1, "out of memory")                                         \
	XX(INVAL, -2, "invalid argument")                                      \
	XX(BADINPUT, -3, "malformed or invalid input")                         \
	XX(OVERFLOW, -4, "value out of range")                                 \
	XX(LIMIT, -5, "a configured limit was exceeded")                       \
	XX(IO, -6, "input/output error")                                       \
	XX(NOENT, -7, "not found")                                             \
	XX(EXIST, -8, "already exists")                                        \
	XX(PERM, -9, "operation not permitted")                                \
	XX(UNSUPPORTED, -10, "not supported")                                  \
	XX(INTERNAL, -11, "internal error")

enum tandem_errno {
	TANDEM_OK = 0,
#define TANDEM__ERRNO_ENUM(name, num, msg) TANDEM_E##name = (num),
	TANDEM_ERRNO_MAP(TANDEM__ERRNO_ENUM)
#undef TANDEM__ERRNO_ENUM
};

/*
 * Human-readable message for a status code. Never returns NULL: unknown codes
 * yield "unknown error". The string is static; do not free it.
 */
const char *tandem_strerror(int err);

/* Symbolic name of a status code, e.g. "ENOMEM"; "OK" for 0, "EUNKNOWN" else. */
const char *tandem_err_name(int err);

#endif /* TANDEM_ERROR_H */
