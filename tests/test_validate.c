/*
 * tests/test_validate.c - validation with the official artefacts compared,
 * file by file, with the verdicts of the official XSLT run by Saxon
 * (../shared/data/einvoice/reference_verdicts_*.tsv).
 *
 * For every file the multiset of fatal rule ids and of warning ids must be
 * the reference's (an id fired N times is written IDxN there). The test
 * prints the agreement count; the rows where the reference run stopped with
 * a processing error get a verdict from tandem instead, and are listed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/error.h"
#include "test.h"

#define LINE_MAX_BYTES (256 * 1024)
#define IDS_MAX 4096

struct idset {
	char *ids[IDS_MAX];
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parses "A B Cx3" (space, comma or semicolon separated) into a sorted multiset. */
static void parse_ids(const char *text, struct idset *set)
{
	char *copy = strdup(text), *save = NULL;
	set->n = 0;
	for (char *t = strtok_r(copy, " ,;", &save); t; t = strtok_r(NULL, " ,;", &save)) {
		int times = 1;
		char *x = strrchr(t, 'x');
		if (x && x > t && x[1] >= '0' && x[1] <= '9' && strspn(x + 1, "0123456789") == strlen(x + 1)) {
			times = atoi(x + 1);
			*x = '\0';
		}
		for (int k = 0; k < times && set->n < IDS_MAX; k++)
			set->ids[set->n++] = strdup(t);
	}
	free(copy);
	qsort(set->ids, set->n, sizeof *set->ids, cmp_str);
}

static void add_id(struct idset *set, const char *id)
{
	if (set->n < IDS_MAX)
		set->ids[set->n++] = strdup(id);
}

static void free_ids(struct idset *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->ids[i]);
	set->n = 0;
}

static bool same_ids(struct idset *a, struct idset *b)
{
	qsort(b->ids, b->n, sizeof *b->ids, cmp_str);
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->ids[i], b->ids[i]) != 0)
			return false;
	return true;
}

static void print_ids(const char *what, const struct idset *s)
{
	printf("    %s:", what);
	for (size_t i = 0; i < s->n; i++)
		printf(" %s", s->ids[i]);
	putchar('\n');
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

struct tally {
	size_t files, agree, reference_errors;
	size_t agree_modulo_changed; /* agree once the changed rules are set aside */
	const char *const *changed;  /* rule ids (prefixes ending in '*') changed since */
};

static bool is_changed(const struct tally *t, const char *id)
{
	for (const char *const *c = t->changed; c && *c; c++) {
		size_t n = strlen(*c);
		if ((*c)[n - 1] == '*' ? strncmp(id, *c, n - 1) == 0 : strcmp(id, *c) == 0)
			return true;
	}
	return false;
}

static void drop_changed(const struct tally *t, struct idset *s)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (is_changed(t, s->ids[i]))
			free(s->ids[i]);
		else
			s->ids[k++] = s->ids[i];
	}
	s->n = k;
}

/*
 * Validates one file with the given rule set and compares. fatal_ref and
 * warn_ref are the reference columns; reference_error is non-empty when
 * Saxon stopped.
 */
static void compare_one(struct tandem_einv_validator *v, const char *corpus, const char *rel,
			const char *set, const char *fatal_ref, const char *warn_ref,
			const char *reference_error, struct tally *t)
{
	char path[4096];
	size_t len = 0;
	snprintf(path, sizeof path, "%s/%s", corpus, rel);
	char *data = read_all(path, &len);
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_einv_source *src = NULL;
	struct tandem_einv_verdict verdict;
	struct idset ref_f, ref_w, got_f = {0}, got_w = {0};

	t->files++;
	tandem_arena_init(&a, 512u << 20);
	tandem_diag_init(&d, 100000);
	parse_ids(fatal_ref, &ref_f);
	parse_ids(warn_ref, &ref_w);
	/* What opening says (e.g. TANDEM-FX-NOT-FULL) is not the artefact's verdict. */
	struct tandem_diag opened;
	tandem_diag_init(&opened, 100);
	int rc = data ? tandem_einv_open(&a, data, len, &opened, &src) : TANDEM_EIO;
	tandem_diag_release(&opened);
	/* The reference ran the chosen stylesheet on any well-formed XML, even
	 * one whose root is no invoice (tandem's intake refuses it with
	 * TANDEM-XML-ROOT): run the chosen rule set the same way. */
	if (rc == TANDEM_EBADINPUT && src && src->doc)
		rc = 0;
	if (rc == 0)
		rc = tandem_einv_validate_set(v, src, set, &d, &verdict);
	for (size_t i = 0; rc == 0 && i < d.count; i++) {
		if (d.items[i].severity == TANDEM_SEV_ERROR)
			add_id(&got_f, d.items[i].rule);
		else if (d.items[i].severity == TANDEM_SEV_WARNING)
			add_id(&got_w, d.items[i].rule);
	}
	bool agree = rc == 0 && same_ids(&ref_f, &got_f) && same_ids(&ref_w, &got_w);
	if (reference_error[0]) {
		t->reference_errors++;
		printf("  reference stopped (%.100s) on %s; tandem: %s", reference_error, rel,
		       rc == 0 ? (verdict.valid ? "valid" : "invalid") : tandem_strerror(rc));
		print_ids("fatal", &got_f);
	} else if (agree) {
		t->agree++;
	} else if (rc == 0 && t->changed) {
		drop_changed(t, &ref_f);
		drop_changed(t, &ref_w);
		drop_changed(t, &got_f);
		drop_changed(t, &got_w);
		if (same_ids(&ref_f, &got_f) && same_ids(&ref_w, &got_w)) {
			t->agree_modulo_changed++;
		} else {
			printf("  differs beyond the changed rules: %s\n", rel);
			print_ids("reference fatal", &ref_f);
			print_ids("tandem fatal   ", &got_f);
		}
	} else {
		printf("  differs: %s (rc %s)\n", rel, tandem_strerror(rc));
		print_ids("reference fatal", &ref_f);
		print_ids("tandem fatal   ", &got_f);
		print_ids("reference warn ", &ref_w);
		print_ids("tandem warn    ", &got_w);
	}
	free_ids(&ref_f);
	free_ids(&ref_w);
	free_ids(&got_f);
	free_ids(&got_w);
	tandem_diag_release(&d);
	tandem_arena_release(&a);
	free(data);
}

/* Splits a TSV line in place into at most max columns. */
static size_t split_tabs(char *line, char **cols, size_t max)
{
	size_t n = 0;
	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		cols[n++] = line;
		char *tab = strchr(line, '\t');
		if (!tab)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	for (size_t i = n; i < max; i++)
		cols[i] = "";
	return n;
}

TEST(validate_cen_reference_verdicts)
{
	const char *shared = test_shared_data();
	char path[4096], corpus[4096];
	if (!shared)
		SKIP("../shared/data is missing: no reference verdicts to compare with");
	snprintf(path, sizeof path, "%s/einvoice/reference_verdicts_cen.tsv", shared);
	snprintf(corpus, sizeof corpus, "%s/einvoice/corpus", shared);
	FILE *f = fopen(path, "r");
	if (!f)
		SKIP("reference_verdicts_cen.tsv is missing");
	struct tandem_einv_rules *rules = test_load_rules();
	ASSERT(rules != NULL);
	struct tandem_einv_validator *v;
	ASSERT_EQ(tandem_einv_validator_new(rules, &v), 0);
	char *line = malloc(LINE_MAX_BYTES);
	struct tally t = {0};
	ASSERT(fgets(line, LINE_MAX_BYTES, f) != NULL); /* header */
	while (fgets(line, LINE_MAX_BYTES, f)) {
		/* path syntax customization xslt verdict n_fatal fatal_ids n_warning warning_ids error */
		char *c[10];
		split_tabs(line, c, 10);
		const char *set = strncmp(c[1], "cii", 3) == 0 ? "CEN-CII" : "CEN-UBL";
		compare_one(v, corpus, c[0], set, c[6], c[8], c[9], &t);
	}
	fclose(f);
	free(line);
	printf("  CEN 1.3.16: %zu of %zu files agree with the official XSLT; %zu where it stopped "
	       "with a processing error got a verdict\n",
	       t.agree, t.files - t.reference_errors, t.reference_errors);
	tandem_einv_validator_free(v);
	tandem_einv_rules_free(rules);
	ASSERT_GT(t.files, 1700);
	ASSERT_EQ(t.agree, t.files - t.reference_errors);
}

/*
 * XRechnung: the reference ran the XRechnung schematron 2.4.0 alone (no CEN
 * rules); tandem runs the XRechnung schematron it is given the same way.
 * The artefacts here are a later revision of the schematron sources, in
 * which two things changed since 2.4.0 (read from the two files):
 *   - the PEPPOL-EN16931-R* rules that 2.4.0 carried are gone;
 *   - BR-DE-25-b (direct debit) also forbids BG-18 card data and the
 *     debtor's financial institution, where 2.4.0 tested less.
 * Files whose only difference is in those rules are counted apart.
 */
TEST(validate_xrechnung_reference_verdicts)
{
	const char *shared = test_shared_data();
	char path[4096], corpus[4096];
	if (!shared)
		SKIP("../shared/data is missing: no reference verdicts to compare with");
	snprintf(path, sizeof path, "%s/einvoice/reference_verdicts_xrechnung240.tsv", shared);
	snprintf(corpus, sizeof corpus, "%s/einvoice/corpus", shared);
	FILE *f = fopen(path, "r");
	if (!f)
		SKIP("reference_verdicts_xrechnung240.tsv is missing");
	struct tandem_einv_rules *rules = test_load_rules();
	ASSERT(rules != NULL);
	struct tandem_einv_validator *v;
	ASSERT_EQ(tandem_einv_validator_new(rules, &v), 0);
	char *line = malloc(LINE_MAX_BYTES);
	static const char *const changed[] = {"PEPPOL-EN16931-R*", "BR-DE-25-b", NULL};
	struct tally t = {.changed = changed};
	ASSERT(fgets(line, LINE_MAX_BYTES, f) != NULL); /* header */
	while (fgets(line, LINE_MAX_BYTES, f)) {
		/* path xslt verdict fatal_ids warning_ids other_flag_ids */
		char *c[6];
		split_tabs(line, c, 6);
		const char *set = strstr(c[0], "cii") || strstr(c[0], "_uncefact") ? "XRechnung-CII"
										   : "XRechnung-UBL";
		compare_one(v, corpus, c[0], set, c[3], c[4], "", &t);
	}
	fclose(f);
	free(line);
	printf("  XRechnung: %zu of %zu files agree with the XRechnung 2.4.0 XSLT; %zu more differ "
	       "only in rules changed since 2.4.0\n", t.agree, t.files, t.agree_modulo_changed);
	tandem_einv_validator_free(v);
	tandem_einv_rules_free(rules);
	ASSERT_GT(t.files, 400);
	ASSERT_EQ(t.agree + t.agree_modulo_changed, t.files);
}
