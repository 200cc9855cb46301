/*
 * tests/test_cli.c - integration tests of the tandem command-line tool: the
 * real binary (TANDEM_BIN, build/tandem by default) is run as a child process
 * and each test asserts its exit status against the documented contract
 * (0 ok or all valid, 1 input invalid, 2 usage error, 3 I/O or internal
 * error) and the key substrings of what it prints: version and help, every
 * kind of usage error, `id check` and `id compute` on good and bad values,
 * hostile input (empty, huge, non-ASCII, control and NUL bytes, CRLF lines,
 * overlong lines, short TSV rows), JSON output checked with Python's json
 * module when python3 is installed, output that cannot be written
 * (/dev/full), and the real parties of shared/data/procurement. Files a test needs are written at run time into a
 * mkdtemp() directory that the test removes before it asserts anything; only
 * the small TSV fixture tests/data/cli/parties_sample.tsv is committed.
 */
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

/* Prototypes of the tests, from the list the runner reads. */
#define TEST_DECLARE(name) TEST(name);
#include "list_cli.h"
#undef TEST_DECLARE

/* The committed fixtures, relative to the project root where `make test`
 * runs. */
#define CLI_DATA "tests/data/cli"

/* Room for the arguments of one command line built by a helper. */
#define ARGV_MAX 16

/* Output that shows a value shortened stays well under this many bytes. */
#define SHORT_OUTPUT_MAX 1024

/*
 * A scratch directory made by mkdtemp() holding at most one input file.
 * The paths are short and made of [A-Za-z0-9/-] only, so they can be put
 * into a shell command line without quoting.
 */
struct scratch {
	char dir[64];
	char path[96];
};

/* Writes len bytes of data to a new file "input" in a new scratch directory. */
static void scratch_file(struct scratch *s, const void *data, size_t len)
{
	FILE *f;

	snprintf(s->dir, sizeof s->dir, "/tmp/tandem-cli-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		FAIL("mkdtemp(%s) failed", s->dir);
	snprintf(s->path, sizeof s->path, "%s/input", s->dir);
	f = fopen(s->path, "wb");
	if (f == NULL)
		FAIL("cannot create %s", s->path);
	if (len > 0 && fwrite(data, 1, len, f) != len)
		FAIL("cannot write %zu bytes to %s", len, s->path);
	if (fclose(f) != 0)
		FAIL("cannot close %s", s->path);
}

/* Removes the file and the directory of scratch_file(). */
static void scratch_remove(const struct scratch *s)
{
	unlink(s->path);
	rmdir(s->dir);
}

/* The command line as one string for failure messages, each argument cut to
 * 40 bytes so that a megabyte argument does not flood the report. */
static void join_args(const char *const argv[], char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; argv[i] != NULL && used + 1 < size; i++) {
		int n = snprintf(buf + used, size - used, " %.40s%s", argv[i],
				 strlen(argv[i]) > 40 ? "..." : "");
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/*
 * Fails the test unless the tool ran and ended by itself: it could be
 * executed, no signal killed it, and no sanitizer reported anything (an
 * ASan or UBSan report ends the process with status 1, which would pass for
 * "input invalid").
 */
static void check_ran(const char *const argv[], int rc, const char *err)
{
	char cmd[512];

	join_args(argv, cmd, sizeof cmd);
	if (rc < 0 || rc == 126 || rc == 127)
		FAIL("could not run %s%s (status %d): %s", test_tandem_bin(),
		     cmd, rc, err);
	if (rc >= 128)
		FAIL("tandem%s was killed by signal %d; stderr: %s", cmd,
		     rc - 128, err);
	if (strstr(err, "Sanitizer") != NULL ||
	    strstr(err, "runtime error:") != NULL)
		FAIL("tandem%s: sanitizer report: %s", cmd, err);
}

/* test_run_cli() plus check_ran(). The caller frees *out and *err. */
static int run(const char *const argv[], const char *in, char **out,
	       char **err)
{
	int rc = test_run_cli(argv, in, out, err);

	check_ran(argv, rc, *err);
	return rc;
}

/*
 * Runs the tool and asserts its exit status and, when not NULL, a substring
 * of its stdout and of its stderr. The failure message names the command.
 */
static void expect(const char *const argv[], const char *in, int code,
		   const char *out_has, const char *err_has)
{
	char *out, *err, cmd[512];
	int rc = run(argv, in, &out, &err);

	join_args(argv, cmd, sizeof cmd);
	if (rc != code)
		FAIL("tandem%s: exit %d, expected %d\nstdout: %s\nstderr: %s",
		     cmd, rc, code, out, err);
	if (out_has != NULL && strstr(out, out_has) == NULL)
		FAIL("tandem%s: stdout lacks \"%s\": %s", cmd, out_has, out);
	if (err_has != NULL && strstr(err, err_has) == NULL)
		FAIL("tandem%s: stderr lacks \"%s\": %s", cmd, err_has, err);
	free(out);
	free(err);
}

/* A usage error: exit 2, a message on stderr, nothing on stdout. */
static void expect_usage(const char *const argv[], const char *err_has)
{
	char *out, *err, cmd[512];
	int rc = run(argv, NULL, &out, &err);

	join_args(argv, cmd, sizeof cmd);
	if (rc != 2)
		FAIL("tandem%s: exit %d, expected 2 (usage)\nstdout: %s\n"
		     "stderr: %s", cmd, rc, out, err);
	if (out[0] != '\0')
		FAIL("tandem%s: a usage error printed on stdout: %s", cmd, out);
	if (err[0] == '\0')
		FAIL("tandem%s: a usage error said nothing on stderr", cmd);
	if (err_has != NULL && strstr(err, err_has) == NULL)
		FAIL("tandem%s: stderr lacks \"%s\": %s", cmd, err_has, err);
	free(out);
	free(err);
}

/*
 * Runs `tandem id check [opts...] --file PATH` on a scratch file holding
 * data[0..len). opts is NULL-terminated (or NULL). The caller frees *out and
 * *err.
 */
static int run_id_file(const void *data, size_t len, const char *const opts[],
		       char **out, char **err)
{
	const char *argv[ARGV_MAX];
	struct scratch s;
	size_t n = 0;
	int rc;

	argv[n++] = "id";
	argv[n++] = "check";
	for (size_t i = 0; opts != NULL && opts[i] != NULL; i++) {
		if (n + 3 >= ARGV_MAX)
			FAIL("too many options for run_id_file()");
		argv[n++] = opts[i];
	}
	scratch_file(&s, data, len);
	argv[n++] = "--file";
	argv[n++] = s.path;
	argv[n] = NULL;
	rc = test_run_cli(argv, NULL, out, err);
	scratch_remove(&s);
	check_ran(argv, rc, *err);
	return rc;
}

/*
 * Asserts the exit status of call, a run() or run_id_file() that fills the
 * variables out and err of the test, and shows the start of both on failure.
 */
#define ASSERT_EXIT(call, code)                                                \
	do {                                                                   \
		int rc_ = (call);                                              \
		if (rc_ != (code))                                             \
			FAIL("%s: exit %d, expected %d\nstdout: %.2000s\n"      \
			     "stderr: %.2000s",                                \
			     #call, rc_, (code), out, err);                    \
	} while (0)

/*
 * The line of text that starts with prefix, as a new string without its
 * newline (free it), or NULL if there is none.
 */
static char *find_line(const char *text, const char *prefix)
{
	size_t plen = strlen(prefix);

	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len >= plen && memcmp(p, prefix, plen) == 0) {
			char *line = malloc(len + 1);
			if (line == NULL)
				FAIL("out of memory");
			memcpy(line, p, len);
			line[len] = '\0';
			return line;
		}
		p += len + (nl != NULL);
	}
	return NULL;
}

/* Asserts that the line starting with prefix exists and contains needle. */
static void assert_line_has(const char *text, const char *prefix,
			    const char *needle)
{
	char *line = find_line(text, prefix);

	if (line == NULL)
		FAIL("no line starts with \"%s\" in: %s", prefix, text);
	if (strstr(line, needle) == NULL)
		FAIL("line \"%s\" lacks \"%s\"", line, needle);
	free(line);
}

static size_t count_lines(const char *text)
{
	size_t n = 0;

	for (const char *p = text; *p != '\0'; p++)
		n += *p == '\n';
	return n;
}

/* A new string of n copies of c (free it). */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		FAIL("out of memory for %zu bytes", n);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/*
 * Asserts that text is exactly one JSON document (Python's json module
 * parses it, as UTF-8 bytes) and that the Python expression cond, over the
 * parsed document d, is true. Does nothing when python3 is not installed:
 * the callers assert the key substrings of the raw text as well.
 */
static void assert_json(const char *text, const char *cond)
{
	struct scratch s;
	char script[128], cmd[512];
	FILE *f;
	int status;

	if (system("command -v python3 >/dev/null 2>&1") != 0)
		return;
	scratch_file(&s, text, strlen(text));
	snprintf(script, sizeof script, "%s/check.py", s.dir);
	f = fopen(script, "w");
	if (f == NULL)
		FAIL("cannot create %s", script);
	fprintf(f,
		"import json, sys\n"
		"try:\n"
		"    d = json.loads(open(sys.argv[1], 'rb').read())\n"
		"except ValueError:\n"
		"    sys.exit(2)\n"
		"sys.exit(0 if (%s) else 1)\n",
		cond);
	fclose(f);
	snprintf(cmd, sizeof cmd, "python3 %s %s >/dev/null 2>&1", script,
		 s.path);
	status = system(cmd);
	unlink(script);
	scratch_remove(&s);
	if (status == -1 || !WIFEXITED(status))
		FAIL("could not run python3 (status %d)", status);
	if (WEXITSTATUS(status) == 2)
		FAIL("not a single JSON document: %s", text);
	if (WEXITSTATUS(status) != 0)
		FAIL("JSON condition failed (python exit %d): %s\ndocument: %s",
		     WEXITSTATUS(status), cond, text);
}

/* Reads "checked N: V valid, I invalid" from the summary line of text. */
static void parse_summary(const char *text, size_t *checked, size_t *valid,
			  size_t *invalid)
{
	char *line = find_line(text, "checked ");

	if (line == NULL)
		FAIL("no summary line in: %s", text);
	if (sscanf(line, "checked %zu: %zu valid, %zu invalid", checked, valid,
		   invalid) != 3)
		FAIL("summary line not understood: %s", line);
	free(line);
}

/* --- Version and help ---------------------------------------------------- */

TEST(cli_version)
{
	const char *const a1[] = {"--version", NULL};
	const char *const a2[] = {"version", NULL};
	const char *const a3[] = {"version", "--json", NULL};
	const char *const a4[] = {"--json", "version", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a1, NULL, &out, &err), 0);
	ASSERT_STR_EQ(out, "tandem 0.1.0\n");
	free(out);
	free(err);
	ASSERT_EXIT(run(a2, NULL, &out, &err), 0);
	ASSERT_STR_EQ(out, "tandem 0.1.0\n");
	free(out);
	free(err);
	ASSERT_EXIT(run(a3, NULL, &out, &err), 0);
	ASSERT_STR_EQ(out, "{\"version\":\"0.1.0\"}\n");
	assert_json(out, "d == {'version': '0.1.0'}");
	free(out);
	free(err);
	ASSERT_EXIT(run(a4, NULL, &out, &err), 0);
	ASSERT_STR_EQ(out, "{\"version\":\"0.1.0\"}\n");
	free(out);
	free(err);
}

TEST(cli_help)
{
	const char *const a1[] = {"--help", NULL};
	const char *const a2[] = {"help", NULL};
	const char *const a3[] = {"help", "id", NULL};
	const char *const a4[] = {"id", "--help", NULL};
	const char *const a5[] = {"id", "check", "--help", NULL};
	const char *const a6[] = {"id", "compute", "--help", NULL};
	const char *const a7[] = {"help", "version", NULL};

	/* The general usage names the commands and the exit codes. */
	expect(a1, NULL, 0, "usage: tandem", NULL);
	expect(a1, NULL, 0, "exit codes", NULL);
	expect(a1, NULL, 0, "  id ", NULL);
	expect(a2, NULL, 0, "usage: tandem", NULL);
	expect(a2, NULL, 0, "  version ", NULL);
	expect(a3, NULL, 0, "usage: tandem id check", NULL);
	expect(a4, NULL, 0, "usage: tandem id check", NULL);
	expect(a4, NULL, 0, "--column N", NULL);
	expect(a5, NULL, 0, "usage: tandem id check", NULL);
	expect(a6, NULL, 0, "tandem id compute --type TYPE", NULL);
	expect(a7, NULL, 0, "usage: tandem version", NULL);
}

/* --- Usage errors: exit 2 ------------------------------------------------ */

TEST(cli_usage_no_arguments)
{
	const char *const a[] = {NULL};

	expect_usage(a, "usage: tandem");
}

TEST(cli_usage_unknown_command)
{
	const char *const a1[] = {"frobnicate", NULL};
	const char *const a2[] = {"help", "frobnicate", NULL};
	const char *const a3[] = {"ID", "check", "732829320", NULL};

	expect_usage(a1, "no such command");
	expect_usage(a2, "no such command");
	expect_usage(a3, "no such command");
}

TEST(cli_usage_unknown_option)
{
	const char *const a1[] = {"--frob", NULL};
	const char *const a2[] = {"-x", "version", NULL};
	const char *const a3[] = {"id", "check", "--frob", "732829320", NULL};
	const char *const a4[] = {"version", "--frob", NULL};
	const char *const a5[] = {"id", "compute", "--type", "siren", "-q",
				  "73282932", NULL};

	expect_usage(a1, "--frob");
	expect_usage(a2, "-x");
	expect_usage(a3, "--frob");
	expect_usage(a4, "--frob");
	expect_usage(a5, "-q");
}

TEST(cli_usage_id_subcommand)
{
	const char *const a1[] = {"id", NULL};
	const char *const a2[] = {"id", "frob", NULL};
	const char *const a3[] = {"id", "check", NULL};
	const char *const a4[] = {"id", "check", "--json", NULL};
	const char *const a5[] = {"id", "compute", "--type", "iban", NULL};

	expect_usage(a1, "usage: tandem id");
	expect_usage(a2, "frob");
	expect_usage(a3, NULL);
	expect_usage(a4, NULL);
	expect_usage(a5, NULL);
}

TEST(cli_usage_type)
{
	const char *const a1[] = {"id", "check", "--type", "nosuch", "732829320",
				  NULL};
	const char *const a2[] = {"id", "check", "--type", NULL};
	const char *const a3[] = {"id", "check", "--type", "", "732829320",
				  NULL};
	const char *const a4[] = {"id", "compute", "--type", "nosuch",
				  "73282932", NULL};

	expect_usage(a1, "nosuch");
	expect_usage(a2, "--type");
	expect_usage(a3, NULL);
	expect_usage(a4, "nosuch");
}

TEST(cli_usage_column)
{
	const char *f = CLI_DATA "/parties_sample.tsv";
	const char *const a1[] = {"id", "check", "--file", f, "--column", "0",
				  NULL};
	const char *const a2[] = {"id", "check", "--file", f, "--column", "abc",
				  NULL};
	const char *const a3[] = {"id", "check", "--file", f, "--column", NULL};
	const char *const a4[] = {"id", "check", "--file", f, "--column", "-1",
				  NULL};
	const char *const a5[] = {"id", "check", "--file", f, "--column", "3x",
				  NULL};
	const char *const a6[] = {"id", "check", "--file", f, "--column", "",
				  NULL};
	const char *const a7[] = {"id", "check", "--file", f, "--column",
				  "99999999999999999999999", NULL};
	const char *const a8[] = {"id", "check", "--column", "3", "732829320",
				  NULL};
	const char *const a9[] = {"id", "check", "--header", "732829320", NULL};

	expect_usage(a1, "--column");
	expect_usage(a2, "--column");
	expect_usage(a3, "--column");
	expect_usage(a4, "--column");
	expect_usage(a5, "--column");
	expect_usage(a6, "--column");
	expect_usage(a7, "--column");
	/* --column and --header only mean something with --file. */
	expect_usage(a8, "--file");
	expect_usage(a9, "--file");
}

TEST(cli_usage_file_and_values)
{
	const char *f = CLI_DATA "/parties_sample.tsv";
	const char *const a1[] = {"id", "check", "--file", f, "732829320", NULL};
	const char *const a2[] = {"id", "check", "--file", NULL};

	expect_usage(a1, NULL);
	expect_usage(a2, "--file");
}

TEST(cli_usage_compute_needs_type)
{
	const char *const a1[] = {"id", "compute", "73282932", NULL};
	const char *const a2[] = {"id", "compute", NULL};

	expect_usage(a1, "--type");
	expect_usage(a2, NULL);
}

TEST(cli_usage_log_format)
{
	const char *const a1[] = {"--log-format", "xml", "version", NULL};
	const char *const a2[] = {"--log-format", NULL};
	const char *const a3[] = {"--log-format", "json", "version", NULL};
	const char *const a4[] = {"--log-format", "text", "version", NULL};

	expect_usage(a1, "xml");
	expect_usage(a2, "--log-format");
	expect(a3, NULL, 0, "tandem 0.1.0", NULL);
	expect(a4, NULL, 0, "tandem 0.1.0", NULL);
}

/* --- id check on arguments ----------------------------------------------- */

TEST(cli_check_valid_values)
{
	/* One valid value of each detected kind: VAT FR, VAT DE, two
	 * Leitweg-IDs, a SIREN and an IBAN. */
	static const char *const values[] = {
		"FR40303265045", "DE136695976", "04011000-1234512345-06",
		"991-03730-19", "732829320", "DE89370400440532013000",
	};
	static const char *const types[] = {
		"vat-fr", "vat-de", "leitweg", "leitweg", "siren", "iban",
	};
	const char *const a[] = {"id", "check", values[0], values[1], values[2],
				 values[3], values[4], values[5], NULL};
	char *out, *err, prefix[64];

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		const char *const one[] = {"id", "check", values[i], NULL};
		expect(one, NULL, 0, "\tvalid", NULL);
	}
	ASSERT_EXIT(run(a, NULL, &out, &err), 0);
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		snprintf(prefix, sizeof prefix, "%s\t", values[i]);
		assert_line_has(out, prefix, types[i]);
		assert_line_has(out, prefix, "\tvalid");
	}
	ASSERT_STR_CONTAINS(out, "checked 6: 6 valid, 0 invalid");
	ASSERT_EQ(count_lines(out), 7);
	free(out);
	free(err);
}

TEST(cli_check_one_invalid)
{
	const char *const a[] = {"id", "check", "732829320", "FR41303265045",
				 "DE136695976", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a, NULL, &out, &err), 1);
	assert_line_has(out, "732829320\t", "\tvalid");
	assert_line_has(out, "FR41303265045\t", "\tinvalid\tbad_checksum");
	assert_line_has(out, "DE136695976\t", "\tvalid");
	ASSERT_STR_CONTAINS(out, "checked 3: 2 valid, 1 invalid");
	free(out);
	free(err);
}

TEST(cli_check_type_forced)
{
	const char *const a1[] = {"id", "check", "--type", "siret",
				  "73282932000074", NULL};
	const char *const a2[] = {"id", "check", "--type", "siret", "732829320",
				  NULL};
	const char *const a3[] = {"id", "check", "732829320", NULL};
	const char *const a4[] = {"id", "check", "--type", "siren",
				  "73282932000074", NULL};
	char *out, *err;

	expect(a1, NULL, 0, "73282932000074\tsiret\tvalid", NULL);
	/* A valid SIREN is not a SIRET when the type is forced... */
	ASSERT_EXIT(run(a2, NULL, &out, &err), 1);
	assert_line_has(out, "732829320\t", "\tsiret\tinvalid\tbad_length");
	ASSERT_STR_CONTAINS(out, "checked 1: 0 valid, 1 invalid");
	free(out);
	free(err);
	/* ...while detection takes it for what it is. */
	expect(a3, NULL, 0, "732829320\tsiren\tvalid", NULL);
	expect(a4, NULL, 1, "\tsiren\tinvalid", NULL);
}

TEST(cli_check_invalid_only)
{
	const char *const a[] = {"id", "check", "--invalid-only", "732829320",
				 "FR41303265045", "DE136695976", NULL};
	const char *const all_valid[] = {"id", "check", "--invalid-only",
					 "732829320", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a, NULL, &out, &err), 1);
	ASSERT(find_line(out, "732829320") == NULL);
	ASSERT(find_line(out, "DE136695976") == NULL);
	assert_line_has(out, "FR41303265045\t", "\tinvalid\tbad_checksum");
	ASSERT_STR_CONTAINS(out, "checked 3: 2 valid, 1 invalid");
	ASSERT_EQ(count_lines(out), 2);
	free(out);
	free(err);
	ASSERT_EXIT(run(all_valid, NULL, &out, &err), 0);
	ASSERT(find_line(out, "732829320") == NULL);
	ASSERT_STR_CONTAINS(out, "checked 1: 1 valid, 0 invalid");
	free(out);
	free(err);
}

TEST(cli_check_json)
{
	const char *const a[] = {"id", "check", "--json", "FR41303265045", NULL};
	const char *const g[] = {"--json", "id", "check", "FR41303265045", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a, NULL, &out, &err), 1);
	ASSERT_STR_CONTAINS(out, "\"input\":\"FR41303265045\"");
	ASSERT_STR_CONTAINS(out, "\"valid\":false");
	ASSERT_STR_CONTAINS(out, "\"reason\":\"bad_checksum\"");
	ASSERT_STR_CONTAINS(out, "\"expected\":\"40\"");
	assert_json(out, "len(d['results']) == 1"
			 " and d['results'][0]['valid'] is False"
			 " and d['results'][0]['reason'] == 'bad_checksum'"
			 " and d['results'][0]['expected'] == '40'"
			 " and d['results'][0]['type'] == 'vat-fr'"
			 " and d['summary']['checked'] == 1"
			 " and d['summary']['valid'] == 0"
			 " and d['summary']['invalid'] == 1");
	free(out);
	free(err);
	/* The global --json before the command means the same. */
	ASSERT_EXIT(run(g, NULL, &out, &err), 1);
	ASSERT_STR_CONTAINS(out, "\"expected\":\"40\"");
	assert_json(out, "d['results'][0]['expected'] == '40'");
	free(out);
	free(err);
}

TEST(cli_check_json_hostile_values)
{
	/* 255 letters then a two-byte character: the echo of the input,
	 * cut at 256 bytes, splits the character in two. */
	char *cut = malloc(255 + 2 + 1);
	char *out, *err;

	if (cut == NULL)
		FAIL("out of memory");
	memset(cut, 'a', 255);
	memcpy(cut + 255, "\xc3\xa9", 3);
	const char *const a[] = {"id",
				 "check",
				 "--json",
				 "732829320",
				 "FR41303265045",
				 "73282932\xc3\xa9",
				 "7328\x01"
				 "2932",
				 "",
				 "\"\\\t\n",
				 cut,
				 "73282932\xff",
				 NULL};

	ASSERT_EXIT(run(a, NULL, &out, &err), 1);
	ASSERT_STR_CONTAINS(out, "\"checked\":8");
	assert_json(out, "len(d['results']) == 8"
			 " and d['summary'] == dict(d['summary'], checked=8,"
			 " valid=1, invalid=7)"
			 " and d['results'][2]['reason'] == 'bad_char'"
			 " and d['results'][3]['reason'] == 'bad_char'"
			 " and d['results'][4]['reason'] == 'empty'"
			 " and d['results'][0]['valid'] is True");
	free(out);
	free(err);
	free(cut);
}

TEST(cli_check_json_invalid_only)
{
	/* A valid value before the first invalid one: only the invalid one is
	 * printed, and the document must still be valid JSON. */
	const char *const a[] = {"id", "check", "--json", "--invalid-only",
				 "732829320", "FR41303265045", "DE136695976",
				 "FR41303265045", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a, NULL, &out, &err), 1);
	ASSERT_STR_CONTAINS(out, "\"reason\":\"bad_checksum\"");
	ASSERT_STR_CONTAINS(out, "\"checked\":4");
	assert_json(out, "len(d['results']) == 2"
			 " and all(not r['valid'] for r in d['results'])"
			 " and d['summary']['checked'] == 4");
	/* The same fault seen without python3: an empty first element. */
	ASSERT(strstr(out, "[,") == NULL);
	free(out);
	free(err);
}

/* --- id compute ---------------------------------------------------------- */

TEST(cli_compute)
{
	const char *const a1[] = {"id", "compute", "--type", "iban",
				  "FR0030006000011234567890189", NULL};
	const char *const a2[] = {"id", "compute", "--type", "leitweg",
				  "991-03730", NULL};
	const char *const a3[] = {"id", "compute", "--type", "siren", "73282932",
				  NULL};
	const char *const a4[] = {"id", "compute", "--type", "iban", "--json",
				  "FR0030006000011234567890189", NULL};
	char *out, *err;

	expect(a1, NULL, 0, "FR7630006000011234567890189", NULL);
	expect(a2, NULL, 0, "991-03730-19", NULL);
	expect(a3, NULL, 0, "732829320", NULL);
	ASSERT_EXIT(run(a4, NULL, &out, &err), 0);
	ASSERT_STR_CONTAINS(out, "\"computed\":\"FR7630006000011234567890189\"");
	assert_json(out, "d['results'][0]['computed'] =="
			 " 'FR7630006000011234567890189'");
	free(out);
	free(err);
}

TEST(cli_compute_unsupported)
{
	/* A BIC has no check digits: the value cannot be completed, which is
	 * reported as an invalid input, not a crash or an internal error. */
	const char *const a1[] = {"id", "compute", "--type", "bic", "DEUTDEFF",
				  NULL};
	const char *const a2[] = {"id", "compute", "--type", "bic", "--json",
				  "DEUTDEFF", NULL};
	const char *const a3[] = {"id", "compute", "--type", "siren", "7328293",
				  NULL};
	char *out, *err;

	expect(a1, NULL, 1, "DEUTDEFF", NULL);
	ASSERT_EXIT(run(a2, NULL, &out, &err), 1);
	assert_json(out, "d['results'][0]['valid'] is False");
	free(out);
	free(err);
	/* Seven digits cannot be completed into a SIREN. */
	expect(a3, NULL, 1, "invalid", NULL);
}

/* --- Bad input: exit 1, never a crash ------------------------------------ */

TEST(cli_bad_empty_argument)
{
	const char *const a[] = {"id", "check", "", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a, NULL, &out, &err), 1);
	ASSERT_STR_CONTAINS(out, "\tinvalid\tempty");
	ASSERT_STR_CONTAINS(out, "checked 1: 0 valid, 1 invalid");
	free(out);
	free(err);
}

TEST(cli_bad_huge_argument)
{
	/*
	 * A 1 MiB argument first. Linux refuses any single argument longer
	 * than MAX_ARG_STRLEN (128 KiB on 4 KiB pages) with E2BIG, so the
	 * exec fails (status 127) and the longest argument Linux passes is
	 * used instead; the megabyte goes through stdin in cli_bad_megabyte_stdin.
	 */
	size_t len = 1048576;
	char *big = repeat('1', len);
	const char *argv[] = {"id", "check", big, NULL};
	char *out, *err, note[32];
	int rc = test_run_cli(argv, NULL, &out, &err);

	if (rc == 127) {
		free(out);
		free(err);
		len = 131071;
		big[len] = '\0';
		rc = run(argv, NULL, &out, &err);
	} else {
		check_ran(argv, rc, err);
	}
	ASSERT_EXIT(rc, 1);
	ASSERT_STR_CONTAINS(out, "\tinvalid\ttoo_long");
	/* Shortened, and the full length is told. */
	ASSERT_LT(strlen(out), SHORT_OUTPUT_MAX);
	snprintf(note, sizeof note, "%zu", len);
	ASSERT_STR_CONTAINS(out, note);
	ASSERT_LT(strlen(err), SHORT_OUTPUT_MAX);
	free(out);
	free(err);
	free(big);
}

TEST(cli_bad_megabyte_stdin)
{
	/* One line of 1,048,576 digits and no final newline, on stdin. */
	char *big = repeat('1', 1048576);
	const char *const a[] = {"id", "check", "--file", "-", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a, big, &out, &err), 1);
	assert_line_has(out, "1\t", "\tinvalid\ttoo_long");
	ASSERT_STR_CONTAINS(out, "checked 1: 0 valid, 1 invalid");
	ASSERT_LT(strlen(out), SHORT_OUTPUT_MAX);
	free(out);
	free(err);
	free(big);
}

TEST(cli_bad_non_ascii)
{
	const char *const a[] = {"id", "check", "73282932\xc3\xa9", NULL};
	const char *const forced[] = {"id", "check", "--type", "siren",
				      "73282932\xc3\xa9", NULL};

	expect(a, NULL, 1, "\tinvalid\tbad_char", NULL);
	expect(forced, NULL, 1, "\tinvalid\tbad_char", NULL);
}

TEST(cli_bad_control_byte)
{
	const char *const a[] = {"id", "check",
				 "7328\x01"
				 "2932",
				 NULL};
	const char *const esc[] = {"id", "check", "FR40\x1b[2J303265045", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a, NULL, &out, &err), 1);
	ASSERT_STR_CONTAINS(out, "\tinvalid\tbad_char");
	/* The byte is shown escaped, never written raw to a terminal. */
	ASSERT(strchr(out, '\x01') == NULL);
	free(out);
	free(err);
	ASSERT_EXIT(run(esc, NULL, &out, &err), 1);
	ASSERT_STR_CONTAINS(out, "\tinvalid\tbad_char");
	ASSERT(strchr(out, '\x1b') == NULL);
	free(out);
	free(err);
}

/* --- id check --file ----------------------------------------------------- */

TEST(cli_file_missing)
{
	const char *const a[] = {"id", "check", "--file",
				 "/nonexistent/tandem-no-such-file", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a, NULL, &out, &err), 3);
	ASSERT_STR_CONTAINS(err, "cannot open");
	ASSERT_STR_CONTAINS(err, "/nonexistent/tandem-no-such-file");
	ASSERT_STR_EQ(out, "");
	free(out);
	free(err);
}

TEST(cli_file_missing_json)
{
	/* `--json` promises one JSON document: when the file cannot be read
	 * at all, stdout holds either nothing or a whole document, never the
	 * opening of one. */
	const char *const a[] = {"id", "check", "--json", "--file",
				 "/nonexistent/tandem-no-such-file", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a, NULL, &out, &err), 3);
	ASSERT_STR_CONTAINS(err, "cannot open");
	if (out[0] != '\0')
		assert_json(out, "True");
	ASSERT_STR_EQ(out, "");
	free(out);
	free(err);
}

TEST(cli_file_directory)
{
	const char *const a[] = {"id", "check", "--file", "/tmp", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a, NULL, &out, &err), 3);
	ASSERT_STR_CONTAINS(err, "directory");
	ASSERT_STR_EQ(out, "");
	free(out);
	free(err);
}

TEST(cli_file_stdin)
{
	const char *const a[] = {"id", "check", "--file", "-", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a, "732829320\nFR40303265045\n\nDE136695976\n", &out,
			&err),
		    0);
	assert_line_has(out, "1\t", "732829320\tsiren\tvalid");
	assert_line_has(out, "2\t", "FR40303265045\tvat-fr\tvalid");
	/* The empty line 3 is skipped; line numbers still count it. */
	assert_line_has(out, "4\t", "DE136695976\tvat-de\tvalid");
	ASSERT_STR_CONTAINS(out, "checked 3: 3 valid, 0 invalid");
	free(out);
	free(err);
	ASSERT_EXIT(run(a, "FR41303265045\n", &out, &err), 1);
	assert_line_has(out, "1\t", "\tinvalid\tbad_checksum");
	free(out);
	free(err);
	/* Empty stdin: nothing to check, nothing wrong. */
	ASSERT_EXIT(run(a, "", &out, &err), 0);
	ASSERT_STR_CONTAINS(out, "checked 0");
	free(out);
	free(err);
}

TEST(cli_file_crlf)
{
	static const char lines[] = "732829320\r\n\r\nFR40303265045\r\n"
				    "DE136695976";
	static const char tsv[] = "name\tid\r\nA\t732829320\r\n"
				  "B\tFR40303265045\r\n";
	const char *const cols[] = {"--column", "2", "--header", NULL};
	char *out, *err;

	/* The CR is not part of the value; a CRLF-only line is empty and
	 * skipped; the last line has no line ending at all. */
	ASSERT_EXIT(run_id_file(lines, strlen(lines), NULL, &out, &err), 0);
	assert_line_has(out, "1\t", "732829320\tsiren\tvalid");
	assert_line_has(out, "3\t", "FR40303265045\tvat-fr\tvalid");
	assert_line_has(out, "4\t", "DE136695976\tvat-de\tvalid");
	ASSERT_STR_CONTAINS(out, "checked 3: 3 valid, 0 invalid");
	ASSERT(strchr(out, '\r') == NULL);
	free(out);
	free(err);
	/* The same when the value is the last column of a TSV line. */
	ASSERT_EXIT(run_id_file(tsv, strlen(tsv), cols, &out, &err), 0);
	ASSERT_STR_CONTAINS(out, "checked 2: 2 valid, 0 invalid");
	free(out);
	free(err);
}

TEST(cli_file_nul_byte)
{
	/* A NUL byte in the middle of line 1; lines 2 and 3 are fine. */
	static const char data[] = "7328\0"
				   "2932\n732829320\nFR40303265045\n";
	const char *const json[] = {"--json", NULL};
	char *out, *err;

	ASSERT_EXIT(run_id_file(data, sizeof data - 1, NULL, &out, &err), 1);
	assert_line_has(out, "1\t", "\tinvalid\tbad_char");
	assert_line_has(out, "2\t", "732829320\tsiren\tvalid");
	assert_line_has(out, "3\t", "FR40303265045\tvat-fr\tvalid");
	ASSERT_STR_CONTAINS(out, "checked 3: 2 valid, 1 invalid");
	free(out);
	free(err);
	ASSERT_EXIT(run_id_file(data, sizeof data - 1, json, &out, &err), 1);
	assert_json(out, "d['results'][0]['reason'] == 'bad_char'"
			 " and d['results'][0]['line'] == 1"
			 " and d['summary']['checked'] == 3");
	free(out);
	free(err);
}

TEST(cli_file_empty)
{
	const char *const header[] = {"--header", NULL};
	const char *const json[] = {"--json", NULL};
	char *out, *err;

	ASSERT_EXIT(run_id_file("", 0, NULL, &out, &err), 0);
	ASSERT_STR_CONTAINS(out, "checked 0");
	free(out);
	free(err);
	ASSERT_EXIT(run_id_file("", 0, header, &out, &err), 0);
	ASSERT_STR_CONTAINS(out, "checked 0");
	free(out);
	free(err);
	ASSERT_EXIT(run_id_file("", 0, json, &out, &err), 0);
	assert_json(out, "d['results'] == [] and d['summary']['checked'] == 0");
	free(out);
	free(err);
	/* Only empty lines: nothing to check either. */
	ASSERT_EXIT(run_id_file("\n\n\r\n", 4, NULL, &out, &err), 0);
	ASSERT_STR_CONTAINS(out, "checked 0");
	free(out);
	free(err);
}

TEST(cli_file_long_line)
{
	/* Line 1 has 100 KiB of digits, line 2 a valid SIREN. */
	size_t long_len = 100 * 1024;
	char *data = repeat('1', long_len + 1 + 10);
	char *out, *err;

	data[long_len] = '\n';
	memcpy(data + long_len + 1, "732829320\n", 10);
	ASSERT_EXIT(run_id_file(data, long_len + 11, NULL, &out, &err), 1);
	assert_line_has(out, "1\t", "\tinvalid\ttoo_long");
	assert_line_has(out, "2\t", "732829320\tsiren\tvalid");
	ASSERT_STR_CONTAINS(out, "checked 2: 1 valid, 1 invalid");
	ASSERT_LT(strlen(out), SHORT_OUTPUT_MAX);
	free(out);
	free(err);
	free(data);
}

TEST(cli_file_column_header)
{
	const char *const a[] = {"id", "check", "--file",
				 CLI_DATA "/parties_sample.tsv", "--column",
				 "3", "--header", NULL};
	char *out, *err;

	ASSERT_EXIT(run(a, NULL, &out, &err), 1);
	/* The header "id" is not checked; line numbers count it. */
	ASSERT(find_line(out, "1\t") == NULL);
	assert_line_has(out, "2\t", "04555025800029\tsiret\tvalid");
	assert_line_has(out, "3\t", "05750620600036\tsiret\tvalid");
	assert_line_has(out, "4\t", "04555025800028\tsiret\tinvalid\tbad_checksum");
	/* Line 5 has two columns only: its third is missing, hence empty. */
	assert_line_has(out, "5\t", "\tinvalid\tempty");
	assert_line_has(out, "6\t", "08618038700010\tsiret\tvalid");
	ASSERT_STR_CONTAINS(out, "checked 5: 3 valid, 2 invalid");
	free(out);
	free(err);
}

TEST(cli_file_column_short_line)
{
	static const char data[] = "x\t732829320\nonly-one-column\nx\t\n";
	const char *const col[] = {"--column", "2", NULL};
	char *out, *err;

	ASSERT_EXIT(run_id_file(data, strlen(data), col, &out, &err), 1);
	assert_line_has(out, "1\t", "732829320\tsiren\tvalid");
	assert_line_has(out, "2\t", "\tinvalid\tempty");
	assert_line_has(out, "3\t", "\tinvalid\tempty");
	ASSERT_STR_CONTAINS(out, "checked 3: 1 valid, 2 invalid");
	free(out);
	free(err);
}

TEST(cli_file_column_empty_lines)
{
	/* `tandem id --help` says of --file: "empty lines are skipped". A
	 * blank line (here the trailing one of a TSV export) has no value to
	 * check, with or without --column. */
	static const char data[] = "x\t732829320\n\nx\tFR40303265045\n\n";
	const char *const col[] = {"--column", "2", NULL};
	char *out, *err;

	ASSERT_EXIT(run_id_file(data, strlen(data), col, &out, &err), 0);
	ASSERT_STR_CONTAINS(out, "checked 2: 2 valid, 0 invalid");
	free(out);
	free(err);
}

TEST(cli_file_column_long_line)
{
	/*
	 * The tool keeps the first 64 KiB of a longer line. Here column 2
	 * starts 10 bytes before that cut with a valid SIREN and goes on for
	 * 40,000 more digits: the real value is far too long, and checking
	 * only the part that was kept would call it valid.
	 */
	size_t pad = 65536 - 10, tail = 40000;
	size_t len = pad + 1 + 9 + tail + 1;
	char *data = repeat('5', len);
	const char *const col[] = {"--column", "2", NULL};
	char *out, *err;

	memset(data, 'A', pad);
	data[pad] = '\t';
	memcpy(data + pad + 1, "732829320", 9);
	data[len - 1] = '\n';
	ASSERT_EXIT(run_id_file(data, len, col, &out, &err), 1);
	assert_line_has(out, "1\t", "\tinvalid\ttoo_long");
	ASSERT_STR_CONTAINS(out, "checked 1: 0 valid, 1 invalid");
	free(out);
	free(err);
	free(data);
}

/* --- Output errors: exit 3 ---------------------------------------------- */

/*
 * Runs the tool through the shell with stdout on /dev/full, where every
 * write fails with ENOSPC, and returns its exit status. args is a shell
 * word list without quoting needs.
 */
static int run_to_full_device(const char *args)
{
	char cmd[1024];
	int status;

	if (access("/dev/full", W_OK) != 0)
		SKIP("/dev/full is not available");
	if (strchr(test_tandem_bin(), '\'') != NULL)
		SKIP("the binary path holds a quote");
	snprintf(cmd, sizeof cmd, "'%s' %s >/dev/full 2>/dev/null",
		 test_tandem_bin(), args);
	status = system(cmd);
	if (status == -1 || !WIFEXITED(status))
		FAIL("could not run: %s (status %d)", cmd, status);
	return WEXITSTATUS(status);
}

TEST(cli_write_error)
{
	char args[600];

	ASSERT_EQ(run_to_full_device("id check 732829320"), 3);
	ASSERT_EQ(run_to_full_device("id check FR41303265045"), 3);
	ASSERT_EQ(run_to_full_device("id compute --type siren 73282932"), 3);
	snprintf(args, sizeof args, "id check --file %s/parties_sample.tsv "
		 "--column 3 --header", CLI_DATA);
	ASSERT_EQ(run_to_full_device(args), 3);
}

TEST(cli_write_error_version_help)
{
	/* The exit codes hold for every command: output that could not be
	 * written is an I/O error, as it is for `id`. */
	ASSERT_EQ(run_to_full_device("--version"), 3);
	ASSERT_EQ(run_to_full_device("version"), 3);
	ASSERT_EQ(run_to_full_device("--help"), 3);
	ASSERT_EQ(run_to_full_device("id --help"), 3);
}

/* --- Real data ----------------------------------------------------------- */

TEST(cli_real_parties)
{
	char path[512];
	struct stat st;
	size_t checked, valid, invalid;
	char *out, *err;

	snprintf(path, sizeof path, "%s/procurement/parties.tsv",
		 test_shared_data());
	if (stat(path, &st) != 0)
		SKIP("shared data procurement/parties.tsv is missing "
		     "(set TANDEM_SHARED_DATA)");
	const char *const a[] = {"id", "check", "--file", path,
				 "--column", "3", "--header", NULL};

	/* Some of the identifiers in the real data are wrong. */
	ASSERT_EXIT(run(a, NULL, &out, &err), 1);
	parse_summary(out, &checked, &valid, &invalid);
	ASSERT_EQ(checked, 7514);
	ASSERT_GE(valid, 7000);
	ASSERT_GT(invalid, 0);
	ASSERT_EQ(valid + invalid, checked);
	/* One line per row, then the summary. */
	ASSERT_EQ(count_lines(out), 7514 + 1);
	free(out);
	free(err);
}

TEST(cli_usage_names_the_option)
{
	/* The unknown or value-less option is named, not the subcommand. */
	const char *const a1[] = {"id", "check", "-x5", "1", NULL};
	const char *const a2[] = {"invoice", "inspect", "-q1", "f", NULL};
	const char *const a3[] = {"id", "check", "--type", NULL};
	const char *const a4[] = {"id", "check", "--frob", "1", NULL};

	expect(a1, NULL, 2, NULL, "unknown option '-x'");
	expect(a2, NULL, 2, NULL, "unknown option '-q'");
	expect(a3, NULL, 2, NULL, "option '--type' needs a value");
	expect(a4, NULL, 2, NULL, "unknown option '--frob'");
}

/* tandem invoice show and terms: output and exit codes. */
TEST(cli_invoice_show_and_terms)
{
	static const char broken[] = "<Invoice xmlns=\"urn:oasis:names:specification:ubl:"
				     "schema:xsd:Invoice-2\"><cbc:ID>";
	const char *shared = test_shared_data();
	struct scratch s;
	char path[4096];

	expect((const char *const[]){"invoice", "terms", "BT-13", NULL}, NULL, 0,
	       "cac:OrderReference/cbc:ID", NULL);
	expect((const char *const[]){"invoice", "terms", "--json", "BG-25", NULL}, NULL, 0,
	       "\"cii\": \"rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem\"",
	       NULL);
	expect((const char *const[]){"invoice", "terms", "BT-999", NULL}, NULL, 1, NULL,
	       "no business term");
	expect((const char *const[]){"invoice", "show", NULL}, NULL, 2, NULL, "one file");
	expect((const char *const[]){"invoice", "show", "/nonexistent/x.xml", NULL}, NULL, 3,
	       NULL, NULL);
	scratch_file(&s, broken, sizeof broken - 1);
	expect((const char *const[]){"invoice", "show", s.path, NULL}, NULL, 1, NULL,
	       "TANDEM-XML-MALFORMED");
	scratch_remove(&s);
	if (!shared)
		SKIP("../shared/data is missing: no invoice to show");
	snprintf(path, sizeof path, "%s/einvoice/corpus/ubl/cen-examples/guide-example1.xml",
		 shared);
	expect((const char *const[]){"invoice", "show", path, NULL}, NULL, 0,
	       "\"BT-115 Amount due for payment\": \"250.33\"", NULL);
}

/* tandem invoice convert: usage, errors, both syntaxes, -o written whole. */
TEST(cli_invoice_convert)
{
	static const char broken[] = "<Invoice xmlns=\"urn:oasis:names:specification:ubl:"
				     "schema:xsd:Invoice-2\"><cbc:ID>";
	const char *shared = test_shared_data();
	struct scratch s;
	char path[4096];

	expect((const char *const[]){"invoice", "convert", "f.xml", NULL}, NULL, 2, NULL,
	       "--to ubl or --to cii");
	expect((const char *const[]){"invoice", "convert", "--to", "pdf", "f.xml", NULL}, NULL, 2,
	       NULL, "--to ubl or --to cii");
	expect((const char *const[]){"invoice", "convert", "--to", "cii", NULL}, NULL, 2, NULL,
	       "one file");
	expect((const char *const[]){"invoice", "convert", "--to", "cii", "/nonexistent/x.xml",
				     NULL}, NULL, 3, NULL, NULL);
	scratch_file(&s, broken, sizeof broken - 1);
	expect((const char *const[]){"invoice", "convert", "--to", "ubl", s.path, NULL}, NULL, 1,
	       NULL, "TANDEM-XML-MALFORMED");
	scratch_remove(&s);
	if (!shared)
		SKIP("../shared/data is missing: no invoice to convert");
	snprintf(path, sizeof path, "%s/einvoice/corpus/ubl/cen-examples/guide-example1.xml",
		 shared);
	expect((const char *const[]){"invoice", "convert", "--to", "cii", path, NULL}, NULL, 0,
	       "<ram:DuePayableAmount>250.33</ram:DuePayableAmount>", NULL);
	/* -o: the CII written is an invoice tandem reads back. */
	scratch_file(&s, "old", 3);
	expect((const char *const[]){"invoice", "convert", "--to", "cii", "-o", s.path, path, NULL},
	       NULL, 0, NULL, NULL);
	expect((const char *const[]){"invoice", "show", s.path, NULL}, NULL, 0,
	       "\"syntax\": \"cii\"", NULL);
	expect((const char *const[]){"invoice", "convert", "--to", "ubl", s.path, NULL}, NULL, 0,
	       "<cbc:PayableAmount currencyID=\"EUR\">250.33</cbc:PayableAmount>", NULL);
	scratch_remove(&s);
}

/* tandem init: creates, is idempotent, refuses a foreign file untouched. */
TEST(cli_init)
{
	static const char text[] = "not a database, just text\n";
	struct scratch s;
	char db[4096], wal[4200];
	size_t len;
	char *back;

	scratch_file(&s, "", 0);
	snprintf(db, sizeof db, "%s.db", s.path);
	expect((const char *const[]){"init", "--db", db, NULL}, NULL, 0, "ready, schema version ",
	       NULL);
	expect((const char *const[]){"init", "--db", db, NULL}, NULL, 0, "ready, schema version ",
	       NULL);
	expect((const char *const[]){"init", "--db", db, "extra", NULL}, NULL, 2, NULL,
	       "unexpected argument");
	expect((const char *const[]){"init", "--db", NULL}, NULL, 2, NULL, "needs a value");
	expect((const char *const[]){"init", "--db", "/nonexistent/dir/t.db", NULL}, NULL, 3, NULL,
	       "cannot open");
	/* A PostgreSQL URL's password is never printed. */
	{
		const char *const a[] = {"init", "--db", "postgresql://u:sekret@127.0.0.1:1/x", NULL};
		char *out, *err;

		ASSERT_EQ(run(a, NULL, &out, &err), 3);
		ASSERT_STR_CONTAINS(err, "postgresql://u:***@127.0.0.1:1/x");
		ASSERT(strstr(err, "sekret") == NULL && strstr(out, "sekret") == NULL);
		free(out);
		free(err);
	}
	(void)unlink(db);
	snprintf(wal, sizeof wal, "%s-wal", db);
	(void)unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", db);
	(void)unlink(wal);
	scratch_remove(&s);
	scratch_file(&s, text, sizeof text - 1);
	expect((const char *const[]){"init", "--db", s.path, NULL}, NULL, 1, NULL,
	       "is not a usable SQLite database");
	back = test_read_file(s.path, &len);
	ASSERT(back != NULL);
	ASSERT_EQ(len, sizeof text - 1);
	ASSERT_MEM_EQ(back, text, len);
	free(back);
	scratch_remove(&s);
}

/* tandem user add, tandem budget load and show, on the example budgets. */
/* tandem invoice import on the database cli_budget built: a real UBL
 * invoice validated, routed to EJ-1 and matched; again, already there;
 * what is not an invoice, refused. */
/* The payment run of cli_invoice_import's order, its SEPA file, and the
 * decisions after it. */
static void cli_payment_run(const char *db)
{
	char out[4200], again[4200];
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	snprintf(out, sizeof out, "%s-run.xml", db);
	snprintf(again, sizeof again, "%s-again.xml", db);
	expect((const char *const[]){"pay", "run", "--admin", "11000201100044", "--out", out,
				     "--user", "cora", "--db", db, NULL}, NULL, 1, NULL,
	       "has no postal address");
	expect((const char *const[]){"supplier", "address", "--admin", "11000201100044",
				     "--supplier", "73282932000074", "--street", "12 rue des Écoles",
				     "--postcode", "69003", "--db", db, NULL}, NULL, 2, NULL,
	       "address needs --town");
	expect((const char *const[]){"supplier", "address", "--admin", "11000201100044",
				     "--supplier", "73282932000074", "--street", "12 rue des Écoles",
				     "--postcode", "69003", "--town", "Lyon", "--db", db, NULL}, NULL,
	       0, "address of 73282932000074 recorded", NULL);
	expect((const char *const[]){"pay", "run", "--admin", "11000201100044", "--out", out,
				     "--db", db, NULL}, NULL, 1, NULL, "for a comptable");
	expect((const char *const[]){"pay", "run", "--admin", "11000201100044", "--out", out,
				     "--user", "cora", "--db", db, NULL}, NULL, 0,
	       "1 transfers, 480.00 EUR, file SHA-256 ", NULL);
	a = test_read_file(out, &alen);
	ASSERT(a != NULL);
	ASSERT(strstr(a, "<CtrlSum>480.00</CtrlSum>") != NULL);
	ASSERT(strstr(a, "<TwnNm>Lyon</TwnNm>") != NULL);
	expect((const char *const[]){"pay", "file", "--admin", "11000201100044", "--run", "1",
				     "--out", again, "--db", db, NULL}, NULL, 0, NULL, NULL);
	b = test_read_file(again, &blen);
	ASSERT(b != NULL);
	ASSERT_EQ(alen, blen);
	ASSERT(memcmp(a, b, alen) == 0);
	expect((const char *const[]){"pay", "run", "--admin", "11000201100044", "--out", out,
				     "--user", "cora", "--db", db, NULL}, NULL, 1, NULL,
	       "no approved payment order");
	expect((const char *const[]){"pay", "cancel", "--admin", "11000201100044", "--order", "1",
				     "--reason", "late", "--db", db, NULL}, NULL, 1, NULL,
	       "is paid: only an order not yet paid");
	expect((const char *const[]){"invoice", "reject", "--admin", "11000201100044",
				     "--invoice", "1", "--reason", "late", "--db", db, NULL}, NULL,
	       1, NULL, "is paid already");
	expect((const char *const[]){"invoice", "reject", "--admin", "11000201100044",
				     "--invoice", "1", "--db", db, NULL}, NULL, 2, NULL,
	       "reject needs --reason");
	expect((const char *const[]){"invoice", "reroute", "--admin", "11000201100044",
				     "--invoice", "1", "--ej", "EJ-1", "--db", db, NULL}, NULL, 2,
	       NULL, "reroute needs --note");
	expect((const char *const[]){"invoice", "list", "--admin", "11000201100044", "--status",
				     "paid", "--json", "--db", db, NULL}, NULL, 0,
	       "\"commitment\":\"EJ-1\"", NULL);
	expect((const char *const[]){"invoice", "list", "--admin", "11000201100044",
				     "--awaiting-order", "--db", db, NULL}, NULL, 0, "id  number",
	       NULL);
	expect((const char *const[]){"invoice", "list", "--admin", "11000201100044", "--status",
				     "late", "--db", db, NULL}, NULL, 1, NULL, "the status is one of");
	expect((const char *const[]){"invoice", "offset", "--admin", "11000201100044",
				     "--credit-note", "1", "--db", db, NULL}, NULL, 2, NULL,
	       "offset needs --invoice");
	expect((const char *const[]){"invoice", "offset", "--admin", "11000201100044",
				     "--credit-note", "1", "--invoice", "1", "--user", "cora", "--db",
				     db, NULL}, NULL, 1, NULL, "only a credit note waiting");
	expect((const char *const[]){"invoice", "reroute", "--admin", "11000201100044",
				     "--invoice", "1", "--ej", "EJ-1", "--note", "mail", "--user",
				     "olga", "--db", db, NULL}, NULL, 1, NULL,
	       "only an invoice à recycler is routed again");
	free(a);
	free(b);
	(void)unlink(out);
	(void)unlink(again);
}

static void cli_invoice_import(const char *db)
{
	char artefacts[4096], user[] = "TANDEM_USER=olga";
	struct stat st;

	snprintf(artefacts, sizeof artefacts, "%s/einvoice/artefacts", test_shared_data());
	if (stat(artefacts, &st) != 0) {
		printf("cli_budget: invoice import not tested: no %s (set TANDEM_SHARED_DATA)\n",
		       artefacts);
		return;
	}
	ASSERT_EQ(putenv(user), 0);
	expect((const char *const[]){"invoice", "import", "--artefacts", artefacts, "--db", db,
				     "tests/data/ledger", NULL}, NULL, 0,
	       "invoice 1  ready  matched: 480.00 EUR invoiced, 1000.00 EUR certified", NULL);
	expect((const char *const[]){"invoice", "import", "--artefacts", artefacts, "--db", db,
				     "tests/data/ledger/dupont-F-2026-001.xml", "README.md", NULL},
	       NULL, 1, "1 already stored, 1 refused", NULL);
	expect((const char *const[]){"invoice", "import", "--artefacts", artefacts, "--db", db,
				     "--user", "nobody", "tests/data/ledger", NULL}, NULL, 1, NULL,
	       "no user with login");
	expect((const char *const[]){"invoice", "import", "--db", db, NULL}, NULL, 2, NULL,
	       "give the invoice files");
	/* Its payment: ordered by olga, approved by a comptable. */
	expect((const char *const[]){"pay", "order", "--admin", "11000201100044", "--year",
				     "2026", "--invoice", "1", "--db", db, NULL}, NULL, 0,
	       "payment of invoice 1 ordered: order 1", NULL);
	expect((const char *const[]){"pay", "order", "--admin", "11000201100044", "--year",
				     "2026", "--invoice", "1", "--db", db, NULL}, NULL, 1, NULL,
	       "ordered already");
	expect((const char *const[]){"pay", "approve", "--admin", "11000201100044", "--order",
				     "1", "--db", db, NULL}, NULL, 1, NULL, "for a comptable");
	expect((const char *const[]){"user", "add", "cora", "--role", "comptable", "--name",
				     "Cora", "--user", "alice", "--db", db, NULL}, NULL, 0, NULL,
	       NULL);
	expect((const char *const[]){"pay", "approve", "--admin", "11000201100044", "--order",
				     "1", "--user", "cora", "--db", db, NULL}, NULL, 0,
	       "payment order 1 approved", NULL);
	expect((const char *const[]){"pay", "approve", "--admin", "11000201100044", "--db", db,
				     NULL}, NULL, 2, NULL, "--order");
	expect((const char *const[]){"report", "budget", "--admin", "11000201100044", "--year",
				     "2026", "--json", "--db", db, NULL}, NULL, 0,
	       "\"cp_available\":\"1179520.00\",\"ae_committed\":\"1250000.00\","
	       "\"cp_ordered\":\"480.00\"", NULL);
	cli_payment_run(db);
}

TEST(cli_budget)
{
	struct scratch s;
	char db[4096], fr[4096], de[4096], side[4200];

	scratch_file(&s, "", 0);
	snprintf(db, sizeof db, "%s.db", s.path);
	snprintf(fr, sizeof fr, "examples/budget-fr-2026.txt");
	snprintf(de, sizeof de, "examples/budget-de-2026.txt");
	expect((const char *const[]){"budget", "load", fr, "--db", db, NULL}, NULL, 1, NULL,
	       "tandem init");
	expect((const char *const[]){"init", "--db", db, NULL}, NULL, 0, NULL, NULL);
	expect((const char *const[]){"user", "add", "alice", "--role", "admin", "--name",
				     "Alice Martin", "--db", db, NULL}, NULL, 0,
	       "user alice added as admin", NULL);
	expect((const char *const[]){"user", "add", "carl", "--role", "comptable", "--name",
				     "Carl", "--db", db, NULL}, NULL, 1, NULL, "no acting user");
	expect((const char *const[]){"user", "add", "carl", "--role", "comptable", "--db", db,
				     NULL}, NULL, 2, NULL, "--role and --name");
	expect((const char *const[]){"budget", "load", fr, "--db", db, "--user", "alice", NULL},
	       NULL, 0, "budget 2026 of FR 11000201100044: 7 lines, AE 12910000.00 EUR", NULL);
	expect((const char *const[]){"budget", "load", fr, "--db", db, "--user", "alice", NULL},
	       NULL, 0, "loaded already", NULL);
	expect((const char *const[]){"budget", "load", de, "--db", db, "--user", "alice", NULL},
	       NULL, 0, "AE 1750000.00 EUR, CP 4350000.00 EUR", NULL);
	expect((const char *const[]){"budget", "show", "--admin", "11000201100044", "--year",
				     "2026", "--db", db, NULL}, NULL, 0,
	       "8150000.50       8150000.50  Fiscalité des PME", NULL);
	expect((const char *const[]){"budget", "show", "--admin", "991-03730-19", "--year", "2026",
				     "--json", "--db", db, NULL}, NULL, 0,
	       "\"path\":\"06/0602\",\"level\":\"kapitel\",\"label\":\"Informationstechnik\","
	       "\"ae\":\"0.00\"", NULL);
	expect((const char *const[]){"budget", "show", "--admin", "991-03730-19", "--year", "2031",
				     "--db", db, NULL}, NULL, 1, NULL, "no 2031 budget");
	expect((const char *const[]){"budget", "show", "--db", db, NULL}, NULL, 2, NULL,
	       "--admin");
	expect((const char *const[]){"budget", "frob", NULL}, NULL, 2, NULL,
	       "load, show, move or cpv-map");
	/* Suppliers and commitments. */
	expect((const char *const[]){"user", "add", "olga", "--role", "ordonnateur", "--name",
				     "Olga", "--user", "alice", "--db", db, NULL}, NULL, 0, NULL, NULL);
	expect((const char *const[]){"supplier", "add", "--admin", "11000201100044", "--name",
				     "Papeterie Dupont", "--country", "FR", "--siret",
				     "73282932000074", "--user", "olga", "--db", db, NULL}, NULL, 0,
	       "supplier 1 added", NULL);
	expect((const char *const[]){"supplier", "account", "--admin", "11000201100044",
				     "--supplier", "73282932000074", "--iban",
				     "FR7630006000011234567890189", "--user", "olga", "--db", db,
				     NULL}, NULL, 2, NULL, "--evidence");
	expect((const char *const[]){"supplier", "account", "--admin", "11000201100044",
				     "--supplier", "73282932000074", "--iban",
				     "FR7630006000011234567890189", "--evidence", "RIB", "--user",
				     "olga", "--db", db, NULL}, NULL, 0, "recorded", NULL);
	expect((const char *const[]){"commit", "--admin", "11000201100044", "--year", "2026",
				     "--number", "EJ-1", "--supplier", "73282932000074", "--line",
				     "GFP/156/01", "--amount", "1250000.01", "--object", "Papier",
				     "--user", "olga", "--db", db, NULL}, NULL, 1, NULL,
	       "1250000.00 EUR available, 1250000.01 EUR asked");
	expect((const char *const[]){"commit", "--admin", "11000201100044", "--year", "2026",
				     "--number", "EJ-1", "--supplier", "73282932000074", "--line",
				     "GFP/156/01", "--amount", "1,5", "--object", "Papier",
				     "--user", "olga", "--db", db, NULL}, NULL, 2, NULL, "--amount");
	expect((const char *const[]){"commit", "--admin", "11000201100044", "--year", "2026",
				     "--number", "EJ-1", "--supplier", "73282932000074", "--line",
				     "GFP/156/01", "--amount", "15", "--object", "Papier",
				     "--account", "401", "--user", "olga", "--db", db, NULL}, NULL, 1,
	       NULL, "account 401 is not of class 6");
	expect((const char *const[]){"commit", "--admin", "11000201100044", "--year", "2026",
				     "--number", "EJ-1", "--supplier", "73282932000074", "--line",
				     "GFP/156/01", "--amount", "1250000", "--object", "Papier",
				     "--user", "olga", "--db", db, NULL}, NULL, 0,
	       "commitment EJ-1 recorded", NULL);
	expect((const char *const[]){"budget", "show", "--admin", "11000201100044", "--year",
				     "2026", "--db", db, NULL}, NULL, 0,
	       "1250000.00             0.00", NULL);
	/* Movements: what is committed stays; a transfer towards it. */
	expect((const char *const[]){"budget", "move", "--admin", "11000201100044", "--year",
				     "2026", "--kind", "AE", "--from", "GFP/156/01", "--to",
				     "GFP/156/02", "--amount", "0.01", "--reason", "virement",
				     "--user", "olga", "--db", db, NULL}, NULL, 1, NULL,
	       "GFP/156/01 can give 0.00 EUR of AE, not 0.01 EUR");
	expect((const char *const[]){"budget", "move", "--admin", "11000201100044", "--year",
				     "2026", "--kind", "AE", "--from", "GFP/156/02", "--to",
				     "GFP/156/01", "--amount", "1000", "--user", "olga", "--db", db,
				     NULL}, NULL, 2, NULL, "--reason");
	expect((const char *const[]){"budget", "move", "--admin", "11000201100044", "--year",
				     "2026", "--kind", "AE", "--from", "GFP/156/02", "--to",
				     "GFP/156/01", "--amount", "1000", "--reason",
				     "décret n° 2026-101", "--user", "olga", "--db", db, NULL}, NULL, 0,
	       "transferred AE of 1000 EUR from GFP/156/02 to GFP/156/01", NULL);
	expect((const char *const[]){"budget", "show", "--admin", "11000201100044", "--year",
				     "2026", "--db", db, NULL}, NULL, 0,
	       "1251000.00          1000.00", NULL);
	expect((const char *const[]){"certify", "--admin", "11000201100044", "--year", "2026",
				     "--number", "EJ-1", "--amount", "1250000.01", "--note", "x",
				     "--user", "olga", "--db", db, NULL}, NULL, 1, NULL,
	       "1250000.00 EUR left to certify");
	expect((const char *const[]){"certify", "--admin", "11000201100044", "--year", "2026",
				     "--number", "EJ-1", "--amount", "1000", "--user", "olga",
				     "--db", db, NULL}, NULL, 2, NULL, "--note");
	expect((const char *const[]){"certify", "--admin", "11000201100044", "--year", "2026",
				     "--number", "EJ-1", "--amount", "1000", "--note",
				     "Papier livré le 4 mars", "--user", "olga", "--db", db, NULL},
	       NULL, 0, "service done on EJ-1 certified: 1000.00 EUR", NULL);
	cli_invoice_import(db);
	(void)unlink(db);
	snprintf(side, sizeof side, "%s-wal", db);
	(void)unlink(side);
	snprintf(side, sizeof side, "%s-shm", db);
	(void)unlink(side);
	scratch_remove(&s);
}

/* tandem log check-proof: a proof of the public vectors held or refused. */
TEST(cli_log_check_proof)
{
	char good[4096], bad[4096], sub[4096];
	struct stat st;

	snprintf(good, sizeof good, "%s/merkle/testdata/inclusion/1/happy-path.json",
		 test_shared_data());
	snprintf(bad, sizeof bad, "%s/merkle/testdata/consistency/3/truncated-proof.json",
		 test_shared_data());
	snprintf(sub, sizeof sub, "%s/merkle/testdata/subtreeinclusion/1/happy-path.json",
		 test_shared_data());
	if (stat(good, &st) != 0)
		SKIP("no ../shared/data/merkle/testdata (set TANDEM_SHARED_DATA)");
	expect((const char *const[]){"log", "check-proof", good, NULL}, NULL, 0,
	       "inclusion proof verified", NULL);
	expect((const char *const[]){"log", "check-proof", bad, NULL}, NULL, 1,
	       "consistency proof rejected", NULL);
	expect((const char *const[]){"log", "check-proof", sub, NULL}, NULL, 0,
	       "subtree inclusion proof verified", NULL);
	expect((const char *const[]){"log", "check-proof", "/nonexistent.json", NULL}, NULL, 3,
	       NULL, "cannot open");
	expect((const char *const[]){"log", "frob", NULL}, NULL, 2, NULL, "check-proof");
}
