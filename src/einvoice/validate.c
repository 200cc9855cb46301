/*
 * src/einvoice/validate.c - validation of an opened invoice with the
 * official Schematron artefacts (EN 16931 CEN rules, XRechnung rules),
 * run by src/schematron.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "core/core.h"
#include "einvoice_int.h"
#include "schematron/schematron.h"

enum rule_set { SET_CEN_UBL, SET_CEN_CII, SET_XR_UBL, SET_XR_CII, SET_COUNT };

static const struct {
	const char *name;
	const char *path;
	bool required;
} set_files[SET_COUNT] = {
	{"CEN-UBL", "cen/ubl/schematron/preprocessed/EN16931-UBL-validation-preprocessed.sch", true},
	{"CEN-CII", "cen/cii/schematron/preprocessed/EN16931-CII-validation-preprocessed.sch", true},
	{"XRechnung-UBL", "xrechnung/schematron-src/ubl/XRechnung-UBL-validation.sch", false},
	{"XRechnung-CII", "xrechnung/schematron-src/cii/XRechnung-CII-validation.sch", false},
};

/*
 * Each set is compiled on first use (a one-file command pays only for the
 * set it needs); present[] says which files exist, checked at load time.
 */
struct tandem_einv_rules {
	char dir[4096];
	bool present[SET_COUNT];
	pthread_mutex_t lock;
	struct sch_schema *sets[SET_COUNT]; /* NULL until compiled */
	int load_rc[SET_COUNT];             /* 0, or why compiling failed */
	char load_err[SET_COUNT][512];
	char cache_dir[4096];               /* "" when there is no cache */
	struct sch_cache_status cache[SET_COUNT];
	bool cache_tried[SET_COUNT];
};

/* Creates dir and its missing parents, mode 0700; false when it cannot. */
static bool make_dirs(const char *dir)
{
	char p[4096];
	snprintf(p, sizeof p, "%s", dir);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return false;
		*s = c;
		if (!c)
			return true;
	}
}

/*
 * The cache file of a set: named by the set and a hash of the artefacts
 * directory's absolute path, so directories do not overwrite each other.
 */
static bool cache_file(const struct tandem_einv_rules *r, enum rule_set set, char *out,
		       size_t size)
{
	char abs[8400], cwd[4096];
	if (r->dir[0] == '/' || !getcwd(cwd, sizeof cwd))
		snprintf(abs, sizeof abs, "%s", r->dir);
	else
		snprintf(abs, sizeof abs, "%s/%s", cwd, r->dir);
	unsigned long long h = sch_hash(abs, strlen(abs), 0);
	return (size_t)snprintf(out, size, "%s/%s-%016llx.rules", r->cache_dir, set_files[set].name,
				h) < size;
}

/* Compiles a set, or maps it from the cache. */
static int load_set(struct tandem_einv_rules *r, enum rule_set set, const char *path)
{
	char cache[4200];
	if (!r->cache_dir[0] || !cache_file(r, set, cache, sizeof cache))
		return sch_load(path, &r->sets[set], r->load_err[set], sizeof r->load_err[set]);
	struct stat st;
	if (stat(r->cache_dir, &st) != 0)
		make_dirs(r->cache_dir); /* if it fails, so does writing: no cache */
	r->cache_tried[set] = true;
	return sch_load_cached(path, cache, &r->sets[set], r->load_err[set],
			       sizeof r->load_err[set], &r->cache[set]);
}

/* The compiled set, compiling it now if needed; NULL with a finding if it fails. */
static const struct sch_schema *get_set(struct tandem_einv_rules *r, enum rule_set set,
					struct tandem_diag *d, int *rc)
{
	*rc = 0;
	if (!r->present[set]) {
		*rc = TANDEM_ENOENT;
		return NULL;
	}
	pthread_mutex_lock(&r->lock);
	if (!r->sets[set] && !r->load_rc[set]) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", r->dir, set_files[set].path);
		r->load_rc[set] = load_set(r, set, path);
	}
	const struct sch_schema *s = r->sets[set];
	*rc = r->load_rc[set];
	pthread_mutex_unlock(&r->lock);
	if (*rc && d)
		tandem_diag_add(d, TANDEM_SEV_ERROR, *rc, "TANDEM-RULES-LOAD", NULL, 0,
				"cannot load the %s rules: %s", set_files[set].name, r->load_err[set]);
	return s;
}

struct tandem_einv_validator {
	struct tandem_einv_rules *rules;
	struct sch_runner *runner;
};

int tandem_einv_rules_load(const char *dir, struct tandem_einv_rules **out,
			   struct tandem_diag *d)
{
	*out = NULL;
	if (!dir)
		dir = getenv(TANDEM_EINV_ARTEFACTS_ENV);
	if (!dir || !*dir) {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EINVAL, "TANDEM-RULES-LOAD", NULL, 0,
				"no validation artefacts: give their directory (--artefacts DIR "
				"or the environment variable %s)", TANDEM_EINV_ARTEFACTS_ENV);
		return TANDEM_EINVAL;
	}
	struct tandem_einv_rules *r = tandem_calloc(1, sizeof *r);
	if (!r)
		return TANDEM_ENOMEM;
	if (strlen(dir) >= sizeof r->dir) {
		tandem_free(r);
		return TANDEM_EINVAL;
	}
	snprintf(r->dir, sizeof r->dir, "%s", dir);
	pthread_mutex_init(&r->lock, NULL);
	for (int i = 0; i < SET_COUNT; i++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", dir, set_files[i].path);
		r->present[i] = access(path, R_OK) == 0;
		if (!r->present[i] && set_files[i].required) {
			tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EIO, "TANDEM-RULES-LOAD", path, 0,
					"cannot load the %s rules: %s is missing or unreadable",
					set_files[i].name, path);
			tandem_einv_rules_free(r);
			return TANDEM_EIO;
		}
	}
	*out = r;
	return 0;
}

int tandem_einv_rules_cache(struct tandem_einv_rules *r, const char *dir)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;
	r->cache_dir[0] = '\0';
	if (dir && *dir)
		n = snprintf(r->cache_dir, sizeof r->cache_dir, "%s", dir);
	else if (xdg && xdg[0] == '/') /* the XDG rule: a relative path is ignored */
		n = snprintf(r->cache_dir, sizeof r->cache_dir, "%s/tandem", xdg);
	else if (home && *home)
		n = snprintf(r->cache_dir, sizeof r->cache_dir, "%s/.cache/tandem", home);
	else
		return TANDEM_EINVAL;
	if (n < 0 || (size_t)n >= sizeof r->cache_dir - 64) {
		r->cache_dir[0] = '\0';
		return TANDEM_EINVAL;
	}
	return 0;
}

int tandem_einv_rules_cache_state(const struct tandem_einv_rules *r, const char *set,
				  const char **why)
{
	for (int i = 0; i < SET_COUNT; i++) {
		if (strcmp(set_files[i].name, set) != 0 || !r->cache_tried[i] || !r->sets[i])
			continue;
		if (why)
			*why = r->cache[i].why;
		return r->cache[i].hit ? 1 : 0;
	}
	return -1;
}

/* Compiles every set now (for listing, and to report errors early). */
static int load_all(struct tandem_einv_rules *r, struct tandem_diag *d)
{
	for (int i = 0; i < SET_COUNT; i++) {
		int rc;
		if (r->present[i] && !get_set(r, (enum rule_set)i, d, &rc))
			return rc;
	}
	return 0;
}

void tandem_einv_rules_free(struct tandem_einv_rules *r)
{
	if (!r)
		return;
	for (int i = 0; i < SET_COUNT; i++)
		sch_free(r->sets[i]);
	pthread_mutex_destroy(&r->lock);
	tandem_free(r);
}

int tandem_einv_rules_compile(struct tandem_einv_rules *r, struct tandem_diag *d)
{
	return load_all(r, d);
}

size_t tandem_einv_rules_count(const struct tandem_einv_rules *r)
{
	size_t n = 0;
	for (int i = 0; i < SET_COUNT; i++)
		n += r->sets[i] ? sch_assert_count(r->sets[i]) : 0;
	return n;
}

void tandem_einv_rules_get(const struct tandem_einv_rules *r, size_t i,
			   struct tandem_einv_rule *out)
{
	TANDEM_ASSERT(i < tandem_einv_rules_count(r));
	for (int s = 0; s < SET_COUNT; s++) {
		size_t n = r->sets[s] ? sch_assert_count(r->sets[s]) : 0;
		if (i >= n) {
			i -= n;
			continue;
		}
		struct sch_rule_info info;
		sch_rule_info(r->sets[s], i, &info);
		out->set = set_files[s].name;
		out->id = info.id;
		out->flag = info.flag;
		out->context = info.context;
		out->test = info.test;
		out->message = info.message;
		out->line = info.line;
		return;
	}
}

int tandem_einv_validator_new(struct tandem_einv_rules *r,
			      struct tandem_einv_validator **out)
{
	struct tandem_einv_validator *v = tandem_calloc(1, sizeof *v);
	*out = NULL;
	if (!v)
		return TANDEM_ENOMEM;
	int rc = sch_runner_new(&v->runner);
	if (rc) {
		tandem_free(v);
		return rc;
	}
	v->rules = r;
	*out = v;
	return 0;
}

void tandem_einv_validator_free(struct tandem_einv_validator *v)
{
	if (!v)
		return;
	sch_runner_free(v->runner);
	tandem_free(v);
}

struct collect {
	struct tandem_diag *d;
	struct tandem_einv_verdict *verdict;
};

/* Appends one step "prefix:name[i]" (the index only when siblings share the name). */
static void path_step(struct tandem_buf *b, xmlNodePtr n)
{
	bool attr = n->type == XML_ATTRIBUTE_NODE;
	tandem_buf_puts(b, attr ? "/@" : "/");
	if (n->ns && n->ns->prefix)
		tandem_buf_printf(b, "%s:", (const char *)n->ns->prefix);
	tandem_buf_puts(b, (const char *)n->name);
	if (attr || !n->parent)
		return;
	size_t index = 0, same = 0;
	for (xmlNodePtr k = n->parent->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, (const char *)n->name) != 0 ||
		    k->ns != n->ns)
			continue;
		same++;
		if (k == n)
			index = same;
	}
	if (same > 1)
		tandem_buf_printf(b, "[%zu]", index);
}

/* The location of a node, e.g. /ubl:Invoice/cac:InvoiceLine[2]/cbc:ID. */
static void node_path(struct tandem_buf *b, xmlNodePtr n)
{
	xmlNodePtr chain[TANDEM_EINV_XML_DEPTH_MAX + 2];
	size_t depth = 0;
	for (xmlNodePtr k = n; k && k->type != XML_DOCUMENT_NODE && depth < TANDEM_ARRAY_SIZE(chain);
	     k = k->parent)
		chain[depth++] = k;
	if (!depth)
		tandem_buf_puts(b, "/");
	while (depth)
		path_step(b, chain[--depth]);
}

static int on_event(void *arg, const struct sch_event *ev)
{
	struct collect *col = arg;
	bool fatal = strcmp(ev->flag, "fatal") == 0 || strcmp(ev->flag, "error") == 0;
	bool info = strcmp(ev->flag, "information") == 0 || strcmp(ev->flag, "info") == 0;
	enum tandem_severity sev = fatal ? TANDEM_SEV_ERROR : info ? TANDEM_SEV_INFO : TANDEM_SEV_WARNING;
	xmlNodePtr at = ev->node;
	long line = 0;
	struct tandem_buf path;
	tandem_buf_init(&path, 8192);
	node_path(&path, at);
	if (at->type != XML_DOCUMENT_NODE)
		line = xmlGetLineNo(at->type == XML_ATTRIBUTE_NODE ? at->parent : at);
	if (fatal)
		col->verdict->fatal++;
	else if (!info)
		col->verdict->warnings++;
	int rc = tandem_diag_add(col->d, sev, 0,
				 ev->id, path.data ? path.data : "/", line < 0 ? 0 : line,
				 "%s%s%s%s", ev->message, ev->error ? " (the rule could not be evaluated: " : "",
				 ev->error ? ev->error : "", ev->error ? ")" : "");
	tandem_buf_release(&path);
	return rc == TANDEM_ENOMEM ? rc : 0;
}

/* next: doc is the document the validator's last run_set() ran over, unchanged. */
static int run_set(struct tandem_einv_validator *v, enum rule_set set, xmlDocPtr doc, bool next,
		   struct tandem_diag *d, struct tandem_einv_verdict *verdict)
{
	struct collect col = {d, verdict};
	int rc;
	const struct sch_schema *s = get_set(v->rules, set, d, &rc);
	if (!s)
		return rc == TANDEM_ENOMEM ? rc : TANDEM_EIO;
	rc = next ? sch_run_next(v->runner, s, doc, on_event, &col)
		  : sch_run(v->runner, s, doc, on_event, &col);
	if (rc == TANDEM_ELIMIT || rc == TANDEM_EBADINPUT)
		tandem_diag_add(d, TANDEM_SEV_ERROR, rc, "TANDEM-RULES-LIMIT", NULL, 0,
				"the %s rules could not be run to the end on this invoice: %s",
				set_files[set].name, sch_runner_error(v->runner));
	return rc;
}

int tandem_einv_validate(struct tandem_einv_validator *v, const struct tandem_einv_source *src,
			 struct tandem_diag *d, struct tandem_einv_verdict *verdict)
{
	memset(verdict, 0, sizeof *verdict);
	if (!src->doc || !src->doc->doc)
		return TANDEM_EINVAL;
	enum rule_set cen, xr;
	switch (src->syntax) {
	case TANDEM_EINV_SYNTAX_UBL_INVOICE:
	case TANDEM_EINV_SYNTAX_UBL_CREDITNOTE:
		cen = SET_CEN_UBL;
		xr = SET_XR_UBL;
		break;
	case TANDEM_EINV_SYNTAX_CII:
		cen = SET_CEN_CII;
		xr = SET_XR_CII;
		break;
	default:
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EUNSUPPORTED, "TANDEM-RULES-SYNTAX", NULL,
				0, "no EN 16931 rules exist for the %s syntax",
				tandem_einv_syntax_name(src->syntax));
		return TANDEM_EUNSUPPORTED;
	}
	int rc = run_set(v, cen, src->doc->doc, false, d, verdict);
	verdict->sets[0] = set_files[cen].name;
	if (!rc && src->profile == TANDEM_EINV_PROFILE_XRECHNUNG && v->rules->present[xr]) {
		rc = run_set(v, xr, src->doc->doc, true, d, verdict);
		verdict->sets[1] = set_files[xr].name;
	}
	if (rc == TANDEM_EBADINPUT)
		verdict->fatal++; /* a rule set that could not run is not a pass */
	verdict->valid = verdict->fatal == 0 && rc == 0;
	return rc == TANDEM_EBADINPUT ? 0 : rc;
}

int tandem_einv_validate_set(struct tandem_einv_validator *v, const struct tandem_einv_source *src,
			     const char *set, struct tandem_diag *d,
			     struct tandem_einv_verdict *verdict)
{
	memset(verdict, 0, sizeof *verdict);
	if (!src->doc || !src->doc->doc)
		return TANDEM_EINVAL;
	for (int i = 0; i < SET_COUNT; i++) {
		if (strcmp(set_files[i].name, set) != 0)
			continue;
		if (!v->rules->present[i])
			return TANDEM_ENOENT;
		int rc = run_set(v, (enum rule_set)i, src->doc->doc, false, d, verdict);
		verdict->sets[0] = set_files[i].name;
		if (rc == TANDEM_EBADINPUT)
			verdict->fatal++;
		verdict->valid = verdict->fatal == 0 && rc == 0;
		return rc == TANDEM_EBADINPUT ? 0 : rc;
	}
	return TANDEM_ENOENT;
}
