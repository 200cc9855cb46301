/*
 * tests/main.c - the test runner.
 *
 * Runs every test of tests/list.h (or those whose name contains one of the
 * command-line arguments) in its own child process with a time limit, prints
 * a line per test and ends with "N passed, N failed" (skipped tests are
 * counted apart and named). Exit status 0 only if nothing failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "test.h"

#define TEST_TIMEOUT_S 300
#define TEST_SKIP_EXIT 77
#define CLI_CAPTURE_MAX (16u << 20)

#define TEST_DECLARE(name) void test_##name(void);
#include "list.h"
#undef TEST_DECLARE

struct test_entry {
	const char *name;
	void (*fn)(void);
};

static const struct test_entry tests[] = {
#define TEST_DECLARE(name) {#name, test_##name},
#include "list.h"
#undef TEST_DECLARE
};

void test__fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "    %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	_exit(1);
}

void test__skip(const char *reason)
{
	fprintf(stderr, "    skipped: %s\n", reason);
	fflush(stderr);
	_exit(TEST_SKIP_EXIT);
}

const char *test_shared_data(void)
{
	const char *p = getenv("TANDEM_SHARED_DATA");
	return p && *p ? p : "../shared/data";
}

char *test_read_file(const char *path, size_t *len)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	if (f == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    (buf = malloc((size_t)st.st_size + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)st.st_size, f);
		if (*len == (size_t)st.st_size) {
			buf[*len] = '\0';
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

const char *test_findings_text(const struct tandem_diag *d)
{
	static char text[4096];
	size_t used = 0;

	text[0] = '\0';
	for (size_t i = 0; i < d->count && used + 1 < sizeof text; i++) {
		const struct tandem_finding *f = &d->items[i];
		int n = snprintf(text + used, sizeof text - used, "[%s %s line %ld: %.200s] ",
				 tandem_severity_name(f->severity), f->rule, f->line,
				 f->message);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (d->count == 0)
		snprintf(text, sizeof text, "(no findings)");
	return text;
}

struct tandem_einv_rules *test_load_rules(void)
{
	char dir[4096];
	struct tandem_diag d;
	struct tandem_einv_rules *rules = NULL;
	int rc;

	snprintf(dir, sizeof dir, "%s/einvoice/artefacts", test_shared_data());
	tandem_diag_init(&d, 10);
	rc = tandem_einv_rules_load(dir, &rules, &d);
	if (rc != 0 && d.count > 0)
		printf("  %s\n", d.items[0].message);
	tandem_diag_release(&d);
	return rc != 0 ? NULL : rules;
}

const char *test_tandem_bin(void)
{
	const char *p = getenv("TANDEM_BIN");
	return p && *p ? p : "build/tandem";
}

/* Appends what is readable on fd to *s (bounded); returns false at EOF. */
static bool drain(int fd, char **s, size_t *len)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof chunk);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if (*len + (size_t)n > CLI_CAPTURE_MAX)
		n = (ssize_t)(CLI_CAPTURE_MAX - *len);
	char *p = realloc(*s, *len + (size_t)n + 1);
	if (p == NULL)
		return false;
	memcpy(p + *len, chunk, (size_t)n);
	*len += (size_t)n;
	p[*len] = '\0';
	*s = p;
	return true;
}

int test_run_cli(const char *const argv[], const char *stdin_data, char **out,
		 char **err)
{
	int pin[2], pout[2], perr[2];
	size_t nargs = 0, out_len = 0, err_len = 0;
	int status;

	*out = calloc(1, 1);
	*err = calloc(1, 1);
	while (argv[nargs])
		nargs++;
	if (pipe(pin) || pipe(pout) || pipe(perr))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		const char **args = calloc(nargs + 2, sizeof *args);
		if (args == NULL)
			_exit(126);
		args[0] = test_tandem_bin();
		for (size_t i = 0; i < nargs; i++)
			args[i + 1] = argv[i];
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		close(pin[1]);
		close(pout[0]);
		close(perr[0]);
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	signal(SIGPIPE, SIG_IGN);
	if (stdin_data) {
		size_t left = strlen(stdin_data);
		while (left > 0) {
			ssize_t n = write(pin[1], stdin_data, left);
			if (n <= 0)
				break;
			stdin_data += n;
			left -= (size_t)n;
		}
	}
	close(pin[1]);
	bool out_open = true, err_open = true;
	while (out_open || err_open) {
		struct pollfd fds[2] = {{out_open ? pout[0] : -1, POLLIN, 0},
					{err_open ? perr[0] : -1, POLLIN, 0}};
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			out_open = drain(pout[0], out, &out_len);
		if (fds[1].revents)
			err_open = drain(perr[0], err, &err_len);
	}
	close(pout[0]);
	close(perr[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc <= 1)
		return true;
	for (int i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return true;
	return false;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The tool caches compiled rule sets under $XDG_CACHE_HOME/tandem: the run
 * gets a cache directory of its own, removed at the end, so the tests
 * neither read nor fill the user's cache.
 */
static char cache_dir[] = "/tmp/tandem-tests-cache-XXXXXX";

static void cache_dir_remove(void)
{
	char cmd[sizeof cache_dir + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", cache_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", cache_dir);
}

int main(int argc, char **argv)
{
	size_t passed = 0, failed = 0, skipped = 0;
	size_t n = sizeof tests / sizeof tests[0];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!mkdtemp(cache_dir)) {
		perror("mkdtemp");
		return 2;
	}
	setenv("XDG_CACHE_HOME", cache_dir, 1);
	for (size_t i = 0; i < n; i++) {
		if (!selected(tests[i].name, argc, argv))
			continue;
		double t0 = now_s();
		fflush(stdout);
		fflush(stderr);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (pid == 0) {
			alarm(TEST_TIMEOUT_S);
			tests[i].fn();
			fflush(stdout);
			_exit(0);
		}
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		double ms = (now_s() - t0) * 1000.0;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			passed++;
			printf("ok      %-40s %8.1f ms\n", tests[i].name, ms);
		} else if (WIFEXITED(status) &&
			   WEXITSTATUS(status) == TEST_SKIP_EXIT) {
			skipped++;
			printf("skip    %s\n", tests[i].name);
		} else {
			failed++;
			if (WIFSIGNALED(status))
				printf("FAIL    %s (signal %d%s)\n", tests[i].name,
				       WTERMSIG(status),
				       WTERMSIG(status) == SIGALRM ? ": timeout"
								   : "");
			else
				printf("FAIL    %s\n", tests[i].name);
		}
	}
	cache_dir_remove();
	if (skipped)
		printf("%zu skipped (missing data; see the lines above)\n", skipped);
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}

char *test_cli_expect(const char *const argv[], const char *stdin_data, int code,
		      const char *out_has, const char *err_has)
{
	char *out = NULL, *err = NULL;
	int rc = test_run_cli(argv, stdin_data, &out, &err);

	if (rc != code)
		FAIL("tandem %s %s: exit %d, expected %d\nstdout: %s\nstderr: %s", argv[0],
		     argv[1] != NULL ? argv[1] : "", rc, code, out, err);
	if (out_has != NULL && (out == NULL || strstr(out, out_has) == NULL))
		FAIL("tandem %s %s: stdout lacks \"%s\": %s", argv[0], argv[1], out_has, out);
	if (err_has != NULL && (err == NULL || strstr(err, err_has) == NULL))
		FAIL("tandem %s %s: stderr lacks \"%s\": %s", argv[0], argv[1], err_has, err);
	free(err);
	return out;
}

void test_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0)
		FAIL("cannot write %s", path);
	if (fclose(f) != 0)
		FAIL("cannot write %s", path);
}

bool test_shared_file(char *path, size_t size, const char *rel)
{
	FILE *f;

	(void)snprintf(path, size, "%s/%s", test_shared_data(), rel);
	f = fopen(path, "rb");
	if (f != NULL)
		fclose(f);
	return f != NULL;
}
