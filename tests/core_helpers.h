/*
 * tests/core_helpers.h - helpers shared by the core library's unit tests.
 */
#ifndef TANDEM_TEST_CORE_HELPERS_H
#define TANDEM_TEST_CORE_HELPERS_H

#include <stddef.h>

/* Fails the test if LeakSanitizer finds unreachable heap blocks right now;
 * does nothing without AddressSanitizer. */
void core_assert_no_leaks(void);

/* Runs fn in a forked child whose stderr is captured into out (at most
 * cap - 1 bytes, NUL-terminated) and stores its wait status. */
void core_run_in_child(void (*fn)(void), char *out, size_t cap, int *status);

/* Lower-cases the hex digits of every \u escape of a JSON text in place. */
void core_lower_hex_escapes(char *s);

/* tandem_buf_json_string of s[0..len), \u escapes lower-cased, in a static
 * array that the next call overwrites. */
const char *core_json_of(const char *s, size_t len);

#endif /* TANDEM_TEST_CORE_HELPERS_H */
