/*
 * tests/core_helpers.c - helpers shared by the unit tests of the core
 * library (test_memory.c, test_buf.c, test_report.c): a leak check for
 * sanitizer builds, a child process with captured stderr, and the JSON
 * string encoder's output in a normalised form.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tandem/buf.h"

#include "core_helpers.h"
#include "test.h"

#if defined(__SANITIZE_ADDRESS__)
#define CORE_HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORE_HAVE_LSAN 1
#endif
#endif
#ifdef CORE_HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/*
 * Fails the test if LeakSanitizer finds unreachable heap blocks right now.
 * Without AddressSanitizer it does nothing.
 */
void core_assert_no_leaks(void)
{
#ifdef CORE_HAVE_LSAN
	ASSERT_EQ(__lsan_do_recoverable_leak_check(), 0);
#endif
}

/*
 * Runs fn in a forked child whose stderr is a pipe, collects what the child
 * writes there (at most cap - 1 bytes are kept, the rest is read and thrown
 * away so the child never blocks) and stores its wait status.
 */
void core_run_in_child(void (*fn)(void), char *out, size_t cap, int *status)
{
	int fds[2];
	size_t len = 0;
	pid_t pid;

	ASSERT_EQ(pipe(fds), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		if (dup2(fds[1], STDERR_FILENO) < 0)
			_exit(100);
		close(fds[1]);
		fn();
		fflush(stderr);
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		char chunk[512];
		ssize_t n = read(fds[0], chunk, sizeof chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		size_t keep = (size_t)n;
		if (keep > cap - 1 - len)
			keep = cap - 1 - len;
		memcpy(out + len, chunk, keep);
		len += keep;
	}
	out[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, status, 0) < 0)
		ASSERT_EQ(errno, EINTR);
}

/*
 * Lower-cases the four hex digits of every \u escape of a JSON text in
 * place. RFC 8259 allows either case, so expectations are written in lower
 * case and compared with the normalised output.
 */
void core_lower_hex_escapes(char *s)
{
	while (*s) {
		if (s[0] != '\\' || s[1] == '\0') {
			s++;
			continue;
		}
		if (s[1] != 'u') {
			s += 2;
			continue;
		}
		s += 2;
		for (int i = 0; i < 4 && *s; i++, s++)
			if (*s >= 'A' && *s <= 'F')
				*s = (char)(*s - 'A' + 'a');
	}
}

/*
 * Encodes s[0..len) with tandem_buf_json_string into a fresh buffer and
 * returns the output, \u escapes lower-cased, in a static array that the
 * next call overwrites. Also checks the output holds no NUL byte.
 */
const char *core_json_of(const char *s, size_t len)
{
	static char out[1024];
	struct tandem_buf b;

	tandem_buf_init(&b, sizeof out - 1);
	ASSERT_EQ(tandem_buf_json_string(&b, s, len), 0);
	ASSERT_EQ(strlen(b.data), b.len);
	memcpy(out, b.data, b.len + 1);
	tandem_buf_release(&b);
	core_lower_hex_escapes(out);
	return out;
}

