/*
 * tandem/assert.h - assertions that stay on in release builds.
 *
 * TANDEM_ASSERT protects invariants whose violation would corrupt data (a
 * buffer length beyond its capacity, an unbalanced journal entry). It is never
 * compiled out: a broken invariant logs the expression and location through
 * the log sink, then aborts. It is not for validating outside input - bad
 * input is an error return, never an assertion.
 */
#ifndef TANDEM_ASSERT_H
#define TANDEM_ASSERT_H

_Noreturn void tandem__assert_fail(const char *expr, const char *file,
				   int line, const char *func);

#define TANDEM_ASSERT(expr)                                                    \
	((expr) ? (void)0                                                      \
		: tandem__assert_fail(#expr, __FILE__, __LINE__, __func__))

/* Marks code that must never run. */
#define TANDEM_UNREACHABLE()                                                   \
	tandem__assert_fail("unreachable", __FILE__, __LINE__, __func__)

#endif /* TANDEM_ASSERT_H */
