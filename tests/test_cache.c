/*
 * tests/test_cache.c - the compiled rule-set cache (src/schematron/
 * sch_cache.c, sch_image.c, sch_check.c) and its use by the library and
 * the command-line tool.
 *
 * A small schema with an include, written into a mkdtemp() directory, is
 * compiled and cached; the tests check that the cache is written, reused
 * with the same verdicts, invalidated when the schema or its include
 * changes, rejected and rewritten when damaged or truncated, ignored when
 * it cannot be written or trusted, and that no damaged image can crash the
 * evaluator. The real artefacts are used for the public API and the CLI.
 */
#include <fcntl.h>
#include <glob.h>
#include <libxml/parser.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schematron/schematron.h"
#include "schematron/schematron_int.h"
#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/error.h"
#include "test.h"

/* A schema using what the image must carry: global and rule lets, a
 * function call with a long literal (its trigram index), not() of a path
 * (its guard), a quantifier, a cast, value-of, name, an include. */
static const char main_sch[] =
	"<schema xmlns='http://purl.oclc.org/dsdl/schematron' queryBinding='xslt2'>\n"
	" <title>cache test</title>\n"
	" <ns prefix='q' uri='urn:q'/>\n"
	" <let name='limit' value='3'/>\n"
	" <pattern id='p1'>\n"
	"  <rule context='/r/item[@kind]'>\n"
	"   <let name='n' value='xs:decimal(@n)'/>\n"
	"   <assert id='C1' flag='fatal' test='$n &lt;= $limit'>n <value-of select='$n'/> is over "
	"<value-of select='$limit'/> on <name/></assert>\n"
	"   <assert id='C2' flag='warning' test='contains(\"AAA BBB CCC DDD EEE FFF GGG HHH III "
	"JJJ KKK LLL MMM NNN OOO PPP QQQ\", @kind)'>unknown kind</assert>\n"
	"  </rule>\n"
	"  <rule context='item'>\n"
	"   <assert id='C3' test='not(q:x/q:y)'>no q:y</assert>\n"
	"  </rule>\n"
	" </pattern>\n"
	" <include href='inc.sch'/>\n"
	"</schema>\n";

static const char inc_sch[] =
	"<pattern xmlns='http://purl.oclc.org/dsdl/schematron' id='p2'>\n"
	" <rule context='r'>\n"
	"  <assert id='C4' test='every $i in item satisfies string-length($i/@kind) = 3'>"
	"kinds of three letters</assert>\n"
	" </rule>\n"
	"</pattern>\n";

static const char doc_xml[] =
	"<r><item kind='AAA' n='1'/><item kind='ZZZ' n='5'/><item kind='toolong' n='9'/>"
	"<item n='9'/></r>";

struct dir {
	char path[64];
	char sch[128], inc[128], cache[128];
};

static void dir_init(struct dir *d)
{
	snprintf(d->path, sizeof d->path, "/tmp/tandem-cache-XXXXXX");
	if (!mkdtemp(d->path))
		FAIL("mkdtemp failed");
	snprintf(d->sch, sizeof d->sch, "%s/main.sch", d->path);
	snprintf(d->inc, sizeof d->inc, "%s/inc.sch", d->path);
	snprintf(d->cache, sizeof d->cache, "%s/main.rules", d->path);
	test_write_file(d->sch, main_sch);
	test_write_file(d->inc, inc_sch);
}

static void dir_remove(struct dir *d)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->path);
	if (system(cmd) != 0)
		FAIL("cannot remove %s", d->path);
}

struct events {
	char text[4096];
	size_t len;
};

static int on_event(void *arg, const struct sch_event *ev)
{
	struct events *e = arg;
	int w = snprintf(e->text + e->len, sizeof e->text - e->len, "%s|%s|%s\n", ev->id, ev->flag,
			 ev->message);
	if (w > 0 && (size_t)w < sizeof e->text - e->len)
		e->len += (size_t)w;
	return 0;
}

/* The events of s on doc_xml, as text. */
static void run_doc(const struct sch_schema *s, struct events *ev)
{
	struct sch_runner *r = NULL;
	ASSERT_EQ(sch_runner_new(&r), 0);
	xmlDocPtr doc = xmlReadMemory(doc_xml, (int)strlen(doc_xml), "t.xml", NULL, XML_PARSE_NONET);
	ASSERT(doc != NULL);
	memset(ev, 0, sizeof *ev);
	ASSERT_EQ(sch_run(r, s, doc, on_event, ev), 0);
	xmlFreeDoc(doc);
	sch_runner_free(r);
}

/* sch_load_cached, which must succeed. */
static struct sch_schema *load(const struct dir *d, struct sch_cache_status *st)
{
	struct sch_schema *s = NULL;
	char err[512];
	int rc = sch_load_cached(d->sch, d->cache, &s, err, sizeof err, st);
	if (rc != 0 || !s)
		FAIL("sch_load_cached = %d: %s", rc, err);
	return s;
}

TEST(cache_written_then_mapped_with_the_same_verdicts)
{
	struct dir d;
	struct sch_cache_status st;
	struct events fresh, mapped;
	dir_init(&d);
	struct sch_schema *s = load(&d, &st);
	ASSERT(!st.hit);
	ASSERT(st.written);
	ASSERT_STR_CONTAINS(st.why, "absent");
	run_doc(s, &fresh);
	size_t n = sch_assert_count(s);
	sch_free(s);

	s = load(&d, &st);
	ASSERT(st.hit);
	ASSERT(!st.written);
	ASSERT_STR_EQ(sch_title(s), "cache test");
	ASSERT_EQ(sch_assert_count(s), n);
	struct sch_rule_info info;
	sch_rule_info(s, 0, &info);
	ASSERT_STR_EQ(info.id, "C1");
	ASSERT_STR_EQ(info.test, "$n <= $limit");
	run_doc(s, &mapped);
	sch_free(s);
	ASSERT_STR_EQ(mapped.text, fresh.text);
	/* The verdicts themselves: C1 for n=5 and n=9, C2 for ZZZ and toolong,
	 * C4 once; the item without kind is matched by the second rule. */
	ASSERT_STR_CONTAINS(fresh.text, "C1|fatal|n 5 is over 3 on item\n");
	ASSERT_STR_CONTAINS(fresh.text, "C1|fatal|n 9 is over 3 on item\n");
	ASSERT_STR_CONTAINS(fresh.text, "C2|warning|unknown kind\n");
	ASSERT_STR_CONTAINS(fresh.text, "C4||kinds of three letters\n");
	ASSERT(strstr(fresh.text, "C3") == NULL);
	dir_remove(&d);
}

TEST(cache_invalidated_when_the_schema_or_an_include_changes)
{
	struct dir d;
	struct sch_cache_status st;
	struct events ev;
	dir_init(&d);
	sch_free(load(&d, &st));
	ASSERT(st.written);

	/* Same size, other content: the limit 3 becomes 7. */
	char *changed = strdup(main_sch);
	*strstr(changed, "value='3'") = '\0';
	char text[sizeof main_sch + 16];
	snprintf(text, sizeof text, "%svalue='7'%s", changed, strstr(main_sch, "value='3'") + 9);
	free(changed);
	test_write_file(d.sch, text);
	struct sch_schema *s = load(&d, &st);
	ASSERT(!st.hit);
	ASSERT_STR_CONTAINS(st.why, "stale");
	ASSERT_STR_CONTAINS(st.why, "main.sch");
	ASSERT(st.written);
	run_doc(s, &ev);
	sch_free(s);
	ASSERT_STR_CONTAINS(ev.text, "n 9 is over 7");
	ASSERT(strstr(ev.text, "n 5 is over") == NULL);
	sch_free(load(&d, &st));
	ASSERT(st.hit);

	/* The included file changes. */
	test_write_file(d.inc, "<pattern xmlns='http://purl.oclc.org/dsdl/schematron' id='p2'/>\n");
	s = load(&d, &st);
	ASSERT(!st.hit);
	ASSERT_STR_CONTAINS(st.why, "inc.sch has changed");
	run_doc(s, &ev);
	sch_free(s);
	ASSERT(strstr(ev.text, "C4") == NULL);
	dir_remove(&d);
}

/*
 * A source's recorded identity spares hashing it: compiled from files that
 * had not changed for a second, a load hashes none. Touched (same bytes),
 * a file is hashed and still unchanged; rewritten (same size, other
 * bytes), it is stale. A file compiled within a second of its change is
 * hashed at every load: its identity was not recorded.
 */
TEST(cache_sources_checked_by_identity_then_content)
{
	struct dir d;
	struct sch_cache_status st;
	struct events ev;
	dir_init(&d);
	sleep(1);
	struct timespec settle = {0, 200 * 1000 * 1000};
	nanosleep(&settle, NULL);
	sch_free(load(&d, &st));
	ASSERT(st.written);
	sch_free(load(&d, &st));
	ASSERT(st.hit);
	ASSERT_EQ(st.hashed, 0u);

	/* Touched: another modification time, the same bytes. */
	struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
	ASSERT_EQ(utimensat(AT_FDCWD, d.inc, times, 0), 0);
	sch_free(load(&d, &st));
	ASSERT(st.hit);
	ASSERT_EQ(st.hashed, 1u);

	/* Rewritten in place with the same size: the limit 3 becomes 5. */
	char text[sizeof main_sch];
	snprintf(text, sizeof text, "%s", main_sch);
	strstr(text, "value='3'")[7] = '5';
	test_write_file(d.sch, text);
	struct sch_schema *s = load(&d, &st);
	ASSERT(!st.hit);
	ASSERT_STR_CONTAINS(st.why, "main.sch has changed");
	run_doc(s, &ev);
	sch_free(s);
	ASSERT_STR_CONTAINS(ev.text, "n 9 is over 5");
	/* main.sch changed just now: its content is hashed at every load. */
	sch_free(load(&d, &st));
	ASSERT(st.hit);
	ASSERT(st.hashed >= 1u);
	dir_remove(&d);
}

/* The image copied into 2 MiB pages or mapped from the file: the same verdicts. */
TEST(cache_image_copied_or_mapped)
{
	struct dir d;
	struct sch_cache_status st;
	struct events fresh, copied, mapped;
	dir_init(&d);
	struct sch_schema *s = load(&d, &st);
	ASSERT(st.written);
	run_doc(s, &fresh);
	sch_free(s);
	sch_cache_huge_pages(1);
	s = load(&d, &st);
	ASSERT(st.hit);
	run_doc(s, &copied);
	sch_free(s);
	sch_cache_huge_pages(0);
	s = load(&d, &st);
	ASSERT(st.hit);
	run_doc(s, &mapped);
	sch_free(s);
	sch_cache_huge_pages(-1);
	ASSERT_STR_EQ(copied.text, fresh.text);
	ASSERT_STR_EQ(mapped.text, fresh.text);
	dir_remove(&d);
}

/* Rewrites byte at of the cache file with its complement. */
static void flip(const char *path, long at)
{
	FILE *f = fopen(path, "r+b");
	ASSERT(f != NULL);
	ASSERT_EQ(fseek(f, at, at < 0 ? SEEK_END : SEEK_SET), 0);
	int c = fgetc(f);
	ASSERT(c != EOF);
	ASSERT_EQ(fseek(f, -1, SEEK_CUR), 0);
	fputc(~c & 0xFF, f);
	ASSERT_EQ(fclose(f), 0);
}

/* A damaged cache file is not used, and is replaced by a good one. */
static void expect_rejected(const struct dir *d, const char *why)
{
	struct sch_cache_status st;
	struct events ev;
	struct sch_schema *s = load(d, &st);
	if (st.hit)
		FAIL("a damaged cache was used (expected: %s)", why);
	ASSERT_STR_CONTAINS(st.why, why);
	ASSERT(st.written);
	run_doc(s, &ev);
	sch_free(s);
	ASSERT_STR_CONTAINS(ev.text, "n 9 is over 3");
	sch_free(load(d, &st));
	ASSERT(st.hit);
}

TEST(cache_damaged_truncated_or_foreign_is_rebuilt)
{
	struct dir d;
	struct sch_cache_status st;
	dir_init(&d);
	sch_free(load(&d, &st));
	struct stat fs;
	ASSERT_EQ(stat(d.cache, &fs), 0);

	flip(d.cache, -100); /* in the image */
	expect_rejected(&d, "image checksum");
	flip(d.cache, 20); /* in the header */
	expect_rejected(&d, "damaged");
	ASSERT_EQ(truncate(d.cache, fs.st_size - 1), 0);
	expect_rejected(&d, "damaged");
	ASSERT_EQ(truncate(d.cache, 10), 0);
	expect_rejected(&d, "truncated");
	ASSERT_EQ(truncate(d.cache, 0), 0);
	expect_rejected(&d, "truncated");
	test_write_file(d.cache, "not a cache file at all, but long enough to hold a header......"
			    "................................................................");
	expect_rejected(&d, "not a rule cache");
	/* A cache others may write is not trusted. */
	ASSERT_EQ(chmod(d.cache, 0666), 0);
	expect_rejected(&d, "not trusted");
	dir_remove(&d);
}

TEST(cache_stale_temporary_file_is_replaced)
{
	/* A temporary file left by a killed process whose pid is ours now. */
	struct dir d;
	struct sch_cache_status st;
	char tmp[192];
	dir_init(&d);
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", d.cache, (long)getpid());
	test_write_file(tmp, "left over");
	sch_free(load(&d, &st));
	ASSERT(st.written);
	ASSERT(access(tmp, F_OK) != 0);
	sch_free(load(&d, &st));
	ASSERT(st.hit);
	dir_remove(&d);
}

TEST(cache_unwritable_is_no_error)
{
	struct dir d;
	struct sch_cache_status st;
	struct events ev;
	dir_init(&d);
	/* A path under a regular file: neither root nor anyone can create it. */
	snprintf(d.cache, sizeof d.cache, "%s/main.sch/x.rules", d.path);
	struct sch_schema *s = load(&d, &st);
	ASSERT(!st.hit);
	ASSERT(!st.written);
	ASSERT_STR_CONTAINS(st.why, "cannot write");
	run_doc(s, &ev);
	sch_free(s);
	ASSERT_STR_CONTAINS(ev.text, "n 9 is over 3");
	dir_remove(&d);
}

/*
 * An image whose checksum was made to match after damage must still be
 * checked: copied elsewhere, every pointer points outside it; damaged in
 * place, at the address it was built for, it is either rejected or runs
 * without reading outside itself (ASan) or looping.
 */
TEST(cache_image_check_rejects_damage)
{
	struct dir d;
	struct sch_cache_status st;
	const char *why = NULL;
	dir_init(&d);
	struct sch_schema *s = load(&d, &st);
	ASSERT_EQ(sch_image_check(s->map, s->image_size, s->root, &why), 0);
	size_t size = s->image_size, root = (uintptr_t)s->root - (uintptr_t)s->map;
	void *at = s->map;
	unsigned char *copy = malloc(size);
	ASSERT(copy != NULL);
	memcpy(copy, s->map, size);
	/* Elsewhere: not one pointer is inside. */
	ASSERT_EQ(sch_image_check(copy, size, (const struct sch_schema *)(copy + root), &why),
		  TANDEM_EBADINPUT);
	ASSERT(why != NULL);
	sch_free(s);

	uint64_t rnd = 0x2545F4914F6CDD1Du;
	size_t passed = 0;
	for (int trial = 0; trial < 300; trial++) {
		unsigned char *img = mmap(at, size, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		ASSERT(img == at);
		memcpy(img, copy, size);
		for (int k = 0; k < 1 + trial % 4; k++) {
			rnd ^= rnd << 13, rnd ^= rnd >> 7, rnd ^= rnd << 17;
			img[rnd % size] ^= (unsigned char)(1u << (rnd >> 40) % 8);
		}
		const struct sch_schema *r = (const struct sch_schema *)(img + root);
		if (sch_image_check(img, size, r, &why) == 0) {
			struct sch_schema h = *r;
			struct events ev;
			h.map = NULL;
			h.sources = NULL;
			struct sch_runner *runner = NULL;
			ASSERT_EQ(sch_runner_new(&runner), 0);
			xmlDocPtr doc = xmlReadMemory(doc_xml, (int)strlen(doc_xml), "t.xml", NULL, 0);
			ASSERT(doc != NULL);
			memset(&ev, 0, sizeof ev);
			int rc = sch_run(runner, &h, doc, on_event, &ev);
			ASSERT(rc == 0 || rc == TANDEM_ELIMIT || rc == TANDEM_EBADINPUT);
			xmlFreeDoc(doc);
			sch_runner_free(runner);
			passed++;
		}
		munmap(img, size);
	}
	free(copy);
	/* Most single-bit damage is in strings and numbers the check cannot
	 * judge; pointer damage must have been caught at least sometimes. */
	ASSERT_LT(passed, 300);
	dir_remove(&d);
}

/* --- the library and the tool, with the real artefacts --- */

static const char *artefacts(char *buf, size_t size)
{
	snprintf(buf, size, "%s/einvoice/artefacts", test_shared_data());
	return buf;
}

static void validate_file(struct tandem_einv_rules *rules, const char *rel, char *out,
			  size_t size)
{
	char path[4096];
	size_t len;
	snprintf(path, sizeof path, "%s/einvoice/corpus/%s", test_shared_data(), rel);
	char *data = test_read_file(path, &len);
	ASSERT(data != NULL);
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_einv_source *src;
	struct tandem_einv_validator *v;
	struct tandem_einv_verdict verdict;
	tandem_arena_init(&a, 256u << 20);
	tandem_diag_init(&d, 2000);
	ASSERT_EQ(tandem_einv_validator_new(rules, &v), 0);
	ASSERT_EQ(tandem_einv_open(&a, data, len, &d, &src), 0);
	ASSERT_EQ(tandem_einv_validate(v, src, &d, &verdict), 0);
	size_t k = (size_t)snprintf(out, size, "%d %zu %zu:", verdict.valid, verdict.fatal,
				    verdict.warnings);
	for (size_t i = 0; i < d.count && k < size; i++)
		k += (size_t)snprintf(out + k, size - k, " %s@%s", d.items[i].rule, d.items[i].path);
	tandem_einv_validator_free(v);
	tandem_diag_release(&d);
	tandem_arena_release(&a);
	free(data);
}

TEST(cache_public_api_real_artefacts)
{
	char dir[4096], art[4096], fresh[16384], mapped[16384];
	const char *why = NULL;
	snprintf(dir, sizeof dir, "/tmp/tandem-cache-XXXXXX");
	ASSERT(mkdtemp(dir) != NULL);
	char cdir[4200];
	snprintf(cdir, sizeof cdir, "%s/sub/tandem", dir); /* created on demand */
	const char *files[] = {"ubl/cen-examples/BIS3_Invoice_positive.XML",
			       "cii/cen-examples/CII_business_example_01.xml"};
	for (int round = 0; round < 2; round++) {
		struct tandem_einv_rules *rules;
		struct tandem_diag d;
		tandem_diag_init(&d, 10);
		if (tandem_einv_rules_load(artefacts(art, sizeof art), &rules, &d) != 0)
			SKIP("no artefacts");
		tandem_diag_release(&d);
		ASSERT_EQ(tandem_einv_rules_cache(rules, cdir), 0);
		ASSERT_EQ(tandem_einv_rules_cache_state(rules, "CEN-UBL", &why), -1);
		for (size_t i = 0; i < 2; i++) {
			validate_file(rules, files[i], round ? mapped : fresh, sizeof fresh);
			const char *set = i ? "CEN-CII" : "CEN-UBL";
			int state = tandem_einv_rules_cache_state(rules, set, &why);
			if (state != round)
				FAIL("%s, round %d: cache state %d (%s)", set, round, state, why);
			if (round)
				ASSERT_STR_EQ(mapped, fresh);
			else
				ASSERT_STR_CONTAINS(why, "absent");
		}
		tandem_einv_rules_free(rules);
	}
	char cmd[4300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ASSERT_EQ(system(cmd), 0);
}

/* Runs `tandem invoice validate FILE` with XDG_CACHE_HOME=xdg and extra args. */
static int run_validate(const char *xdg, const char *extra, char **out, char **err)
{
	char art[4096], file[4096];
	snprintf(file, sizeof file, "%s/einvoice/corpus/ubl/cen-examples/BIS3_Invoice_positive.XML",
		 test_shared_data());
	const char *argv[] = {"invoice", "validate", "--artefacts", artefacts(art, sizeof art), file,
			      extra, NULL};
	setenv("XDG_CACHE_HOME", xdg, 1);
	return test_run_cli(argv, NULL, out, err);
}

static size_t files_in(const char *dir)
{
	char cmd[4200], buf[64] = "";
	snprintf(cmd, sizeof cmd, "ls '%s' 2>/dev/null | wc -l", dir);
	FILE *p = popen(cmd, "r");
	ASSERT(p != NULL);
	if (!fgets(buf, sizeof buf, p))
		buf[0] = '\0';
	pclose(p);
	return (size_t)strtoul(buf, NULL, 10);
}

TEST(cache_cli_default_no_cache_and_unwritable)
{
	char dir[] = "/tmp/tandem-cache-XXXXXX", cdir[128], bad[160], art[4096];
	char *out[4], *err[4];
	struct stat st;
	if (stat(artefacts(art, sizeof art), &st) != 0)
		SKIP("no artefacts");
	ASSERT(mkdtemp(dir) != NULL);
	snprintf(cdir, sizeof cdir, "%s/tandem", dir);
	const char *home = getenv("XDG_CACHE_HOME");
	char *saved = home != NULL ? strdup(home) : NULL;
	unsetenv("TANDEM_NO_CACHE");

	/* --no-cache, then $TANDEM_NO_CACHE: nothing written. */
	int s0 = run_validate(dir, "--no-cache", &out[0], &err[0]);
	ASSERT_EQ(files_in(cdir), 0);
	setenv("TANDEM_NO_CACHE", "1", 1);
	int s1 = run_validate(dir, NULL, &out[1], &err[1]);
	unsetenv("TANDEM_NO_CACHE");
	ASSERT_EQ(files_in(cdir), 0);
	/* By default: written, then used; the output is the same each time. */
	int s2 = run_validate(dir, NULL, &out[2], &err[2]);
	ASSERT_EQ(files_in(cdir), 1);
	int s3 = run_validate(dir, NULL, &out[3], &err[3]);
	ASSERT_EQ(files_in(cdir), 1);
	/* The file the tool wrote is foreign to this test program (another
	 * build): not used, and replaced. */
	glob_t g;
	char pattern[256], sch[4200];
	snprintf(pattern, sizeof pattern, "%s/CEN-UBL-*.rules", cdir);
	ASSERT_EQ(glob(pattern, 0, NULL, &g), 0);
	ASSERT_EQ(g.gl_pathc, 1);
	snprintf(sch, sizeof sch, "%s/cen/ubl/schematron/preprocessed/EN16931-UBL-validation-preprocessed.sch",
		 art);
	struct sch_schema *sc = NULL;
	struct sch_cache_status cs;
	char e[512];
	ASSERT_EQ(sch_load_cached(sch, g.gl_pathv[0], &sc, e, sizeof e, &cs), 0);
	ASSERT(!cs.hit);
	ASSERT_STR_CONTAINS(cs.why, "another build");
	ASSERT(cs.written);
	sch_free(sc);
	globfree(&g);
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(i == 0 ? s0 : i == 1 ? s1 : i == 2 ? s2 : s3, 0);
		ASSERT_STR_EQ(out[i], out[0]);
		ASSERT_STR_EQ(err[i], "");
	}
	for (int i = 0; i < 4; i++) {
		free(out[i]);
		free(err[i]);
	}
	/* A cache directory that cannot exist: no cache, no error. */
	snprintf(bad, sizeof bad, "%s/tandem/CEN-UBL-file", dir);
	char *out_bad, *err_bad;
	test_write_file(bad, "x");
	ASSERT_EQ(run_validate(bad, NULL, &out_bad, &err_bad), 0);
	ASSERT_STR_EQ(err_bad, "");
	ASSERT_STR_CONTAINS(out_bad, "1 valid");
	free(out_bad);
	free(err_bad);

	if (saved) {
		setenv("XDG_CACHE_HOME", saved, 1);
		free(saved);
	} else {
		unsetenv("XDG_CACHE_HOME");
	}
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ASSERT_EQ(system(cmd), 0);
}
