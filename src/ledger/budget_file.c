/*
 * src/ledger/budget_file.c - reads a budget file (docs/ledger.md):
 *
 *   administration FR 11000201100044 Direction générale des finances publiques
 *   year 2026
 *   # level     path          AE            CP            label
 *   mission     GFP           -             -             Gestion des finances publiques
 *   programme   GFP/156       1250000.00    1200000.00    Gestion fiscale et financière
 *
 * Fields are separated by spaces or tabs; the label is the rest of the line.
 * Every problem is a finding with its line; nothing is half read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/decimal.h"
#include "tandem/error.h"
#include "tandem/ident.h"
#include "tandem/ledger.h"

#define LINE_FIELDS 4

/* Levels from the top; a child is one level below its parent. */
static const char *const fr_levels[] = { "mission", "programme", "action", "sous_action", NULL };
static const char *const de_levels[] = { "einzelplan", "kapitel", "titel", NULL };

struct parser {
	struct tandem_arena *a;
	struct tandem_diag *d;
	struct budget_in *out;
	size_t cap, services_cap, accounts_cap;
	long line;
	int err;
};

static void bad(struct parser *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad(struct parser *p, int code, const char *fmt, ...)
{
	char msg[TANDEM_DIAG_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(void)tandem_diag_add(p->d, TANDEM_SEV_ERROR, code, "TANDEM-BUDGET-FILE", NULL, p->line,
			      "line %ld: %s", p->line, msg);
	if (p->err == 0 || code == TANDEM_ELIMIT)
		p->err = code;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits up to max fields off s; *rest is what follows them, trimmed. */
static size_t split(char *s, char **fields, size_t max, char **rest)
{
	size_t n = 0;

	while (n < max) {
		while (is_blank(*s))
			s++;
		if (*s == '\0')
			break;
		fields[n++] = s;
		while (*s != '\0' && !is_blank(*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
	while (is_blank(*s))
		s++;
	for (char *e = s + strlen(s); e > s && is_blank(e[-1]); e--)
		e[-1] = '\0';
	*rest = s;
	return n;
}

static int level_rank(const char *country, const char *level)
{
	const char *const *levels = strcmp(country, "FR") == 0 ? fr_levels : de_levels;

	for (int i = 0; levels[i] != NULL; i++)
		if (strcmp(levels[i], level) == 0)
			return i;
	return -1;
}

/* "-" (none) or euros with at most two decimals, >= 0. */
static bool amount(struct parser *p, const char *s, const char *what, bool *has, int64_t *cents)
{
	struct tandem_dec v;

	*has = false;
	*cents = 0;
	if (strcmp(s, "-") == 0)
		return true;
	if (tandem_dec_parse_cstr(s, &v) != 0 || tandem_dec_significant_scale(v) > 2 ||
	    tandem_dec_to_minor(v, 2, TANDEM_ROUND_HALF_EVEN, cents) != 0) {
		bad(p, TANDEM_EBADINPUT, "%s \"%.40s\" is not an amount in euros with at most 2 "
		    "decimals (or - for none)", what, s);
		return false;
	}
	if (*cents < 0 || *cents > TANDEM_BUDGET_CENTS_MAX) {
		bad(p, TANDEM_EBADINPUT, "%s %.40s is out of range (0 to 10^15 euros)", what, s);
		return false;
	}
	*has = true;
	return true;
}

static bool code_ok(const char *s, size_t n)
{
	if (n == 0 || n > TANDEM_BUDGET_CODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
			   s[i]) == NULL)
			return false;
	return true;
}

static int find_path(const struct budget_in *b, const char *path, size_t len)
{
	for (size_t i = b->n_nodes; i-- > 0;)
		if (strlen(b->nodes[i].path) == len && memcmp(b->nodes[i].path, path, len) == 0)
			return (int)i;
	return -1;
}

static void header(struct parser *p, char **f, size_t n, const char *rest)
{
	struct budget_in *b = p->out;

	if (strcmp(f[0], "year") == 0) {
		char *end;
		long y = n == 2 && rest[0] == '\0' ? strtol(f[1], &end, 10) : 0;

		if (b->year != 0)
			bad(p, TANDEM_EBADINPUT, "a second year line");
		else if (y < 2000 || y > 2200 || *end != '\0')
			bad(p, TANDEM_EBADINPUT, "year needs one year between 2000 and 2200");
		else
			b->year = (int)y;
		return;
	}
	/* administration COUNTRY ID NAME... */
	struct tandem_id_result r;
	bool fr = n >= 3 && strcmp(f[1], "FR") == 0;

	if (b->country[0] != '\0') {
		bad(p, TANDEM_EBADINPUT, "a second administration line");
	} else if (n < 3 || (!fr && strcmp(f[1], "DE") != 0) || rest[0] == '\0') {
		bad(p, TANDEM_EBADINPUT, "administration needs FR or DE, the SIRET (FR) or "
		    "Leitweg-ID (DE), and a name");
	} else if (tandem_id_check(fr ? TANDEM_ID_SIRET : TANDEM_ID_LEITWEG, f[2], strlen(f[2]),
				   &r) != 0) {
		bad(p, TANDEM_EBADINPUT, "%s \"%.46s\": %s", fr ? "SIRET" : "Leitweg-ID", f[2],
		    r.detail);
	} else {
		memcpy(b->country, f[1], 3);
		b->admin_id = tandem_arena_strndup(p->a, f[2], strlen(f[2]));
		b->admin_name = tandem_arena_strndup(p->a, rest, strnlen(rest, 300));
	}
}

/* tolerance PERCENT EUR: the three-way match accepts differences up to
 * the larger of PERCENT of the commitment and EUR. */
static void tolerance(struct parser *p, char **f, size_t n, const char *rest)
{
	struct budget_in *b = p->out;
	struct tandem_dec v;
	bool has;

	if (n != 3 || rest[0] != '\0') {
		bad(p, TANDEM_EBADINPUT, "tolerance needs a percentage and an amount in euros: "
		    "tolerance 0.5 10.00");
		return;
	}
	if (b->has_tolerance) {
		bad(p, TANDEM_EBADINPUT, "a second tolerance line");
		return;
	}
	if (tandem_dec_parse_cstr(f[1], &v) != 0 || tandem_dec_significant_scale(v) > 2 ||
	    tandem_dec_to_minor(v, 2, TANDEM_ROUND_HALF_EVEN, &b->tolerance_bp) != 0 ||
	    b->tolerance_bp < 0 || b->tolerance_bp > 10000) {
		bad(p, TANDEM_EBADINPUT, "tolerance percentage \"%.20s\": 0 to 100 with at most 2 "
		    "decimals", f[1]);
		return;
	}
	if (!amount(p, f[2], "tolerance", &has, &b->tolerance_cents))
		return;
	b->has_tolerance = has;
	if (!has)
		bad(p, TANDEM_EBADINPUT, "the tolerance amount is in euros (0.00 for none)");
}

/* Appends a code and a name to a list of the file (what: "service",
 * "account"), refusing the same code twice and more than max. */
static void push_entry(struct parser *p, const char *what, struct budget_entry_in **list,
		       size_t *n, size_t *cap, size_t max, const char *code, const char *name)
{
	struct budget_entry_in x = { .line = p->line };

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i].code, code) == 0) {
			bad(p, TANDEM_EBADINPUT, "%s %.46s is defined twice", what, code);
			return;
		}
	if (*n == max) {
		bad(p, TANDEM_ELIMIT, "more than %zu %ss", max, what);
		return;
	}
	if (*n == *cap) {
		size_t grown_cap = *cap == 0 ? 16 : *cap * 2;
		struct budget_entry_in *grown = tandem_arena_alloc(p->a, grown_cap * sizeof *grown);

		if (grown == NULL) {
			p->err = TANDEM_ENOMEM;
			return;
		}
		if (*n > 0)
			memcpy(grown, *list, *n * sizeof *grown);
		*list = grown;
		*cap = grown_cap;
	}
	x.code = tandem_arena_strndup(p->a, code, strlen(code));
	x.name = tandem_arena_strndup(p->a, name, strlen(name));
	if (x.code == NULL || x.name == NULL) {
		p->err = TANDEM_ENOMEM;
		return;
	}
	(*list)[(*n)++] = x;
}

/* service CODE NAME: a French code service (BT-10 for Chorus Pro) or a
 * German unit with its own Leitweg-ID. */
static void service(struct parser *p, char **f, size_t n, const char *rest)
{
	struct budget_in *b = p->out;
	struct tandem_id_result r;

	if (n != 2 || rest[0] == '\0' || strlen(rest) > TANDEM_BUDGET_LABEL_MAX) {
		bad(p, TANDEM_EBADINPUT, "service needs a code and a name (of at most %d bytes)",
		    TANDEM_BUDGET_LABEL_MAX);
		return;
	}
	if (strcmp(b->country, "DE") == 0 &&
	    tandem_id_check(TANDEM_ID_LEITWEG, f[1], strlen(f[1]), &r) != 0) {
		bad(p, TANDEM_EBADINPUT, "a German service is known by its Leitweg-ID: \"%.46s\": "
		    "%s", f[1], r.detail);
		return;
	}
	if (strcmp(b->country, "FR") == 0 && !code_ok(f[1], strlen(f[1]))) {
		bad(p, TANDEM_EBADINPUT, "code service \"%.40s\": 1 to %d of A-Z a-z 0-9 _ . -",
		    f[1], TANDEM_BUDGET_CODE_MAX);
		return;
	}
	push_entry(p, "service", &b->services, &b->n_services, &p->services_cap,
		   TANDEM_BUDGET_SERVICES_MAX, f[1], rest);
}

/* account CODE LABEL: an account added to the chart (or its label
 * changed), its class the first digit of its code. */
static void account(struct parser *p, char **f, size_t n, const char *rest)
{
	struct budget_in *b = p->out;
	size_t len = n == 2 ? strlen(f[1]) : 0;

	if (n != 2 || rest[0] == '\0' || strlen(rest) > TANDEM_BUDGET_LABEL_MAX) {
		bad(p, TANDEM_EBADINPUT, "account needs a code and a label (of at most %d bytes)",
		    TANDEM_BUDGET_LABEL_MAX);
		return;
	}
	if (len < 3 || len > 8 || strspn(f[1], "0123456789") != len || f[1][0] == '0') {
		bad(p, TANDEM_EBADINPUT, "account \"%.20s\": 3 to 8 digits, the first its class "
		    "(1 to 9)", f[1]);
		return;
	}
	push_entry(p, "account", &b->accounts, &b->n_accounts, &p->accounts_cap,
		   TANDEM_BUDGET_ACCOUNTS_MAX, f[1], rest);
}

static void node(struct parser *p, char **f, size_t n, const char *rest)
{
	struct budget_in *b = p->out;
	struct budget_node_in x = { .level = f[0], .line = p->line, .parent = -1 };
	const char *slash;
	int rank;

	if (n < LINE_FIELDS || rest[0] == '\0') {
		bad(p, TANDEM_EBADINPUT, "a budget line is: level path AE CP label");
		return;
	}
	slash = strrchr(f[1], '/');
	rank = level_rank(b->country, f[0]);
	if (rank < 0) {
		bad(p, TANDEM_EBADINPUT, "unknown level \"%.32s\" for %s: %s", f[0], b->country,
		    strcmp(b->country, "FR") == 0 ? "mission, programme, action, sous_action"
						  : "einzelplan, kapitel, titel");
		return;
	}
	if (strlen(rest) > TANDEM_BUDGET_LABEL_MAX) {
		bad(p, TANDEM_EBADINPUT, "label longer than %d bytes", TANDEM_BUDGET_LABEL_MAX);
		return;
	}
	x.code = slash != NULL ? slash + 1 : f[1];
	if (!code_ok(x.code, strlen(x.code))) {
		bad(p, TANDEM_EBADINPUT, "code \"%.40s\": 1 to %d of A-Z a-z 0-9 _ . -", x.code,
		    TANDEM_BUDGET_CODE_MAX);
		return;
	}
	if (find_path(b, f[1], strlen(f[1])) >= 0) {
		bad(p, TANDEM_EBADINPUT, "%.200s is defined twice", f[1]);
		return;
	}
	if (slash != NULL) {
		x.parent = find_path(b, f[1], (size_t)(slash - f[1]));
		if (x.parent < 0) {
			bad(p, TANDEM_EBADINPUT, "the parent of %.200s is not defined above it", f[1]);
			return;
		}
		if (level_rank(b->country, b->nodes[x.parent].level) != rank - 1) {
			bad(p, TANDEM_EBADINPUT, "a %s cannot be under a %s", f[0],
			    b->nodes[x.parent].level);
			return;
		}
	}
	if (!amount(p, f[2], "AE", &x.has_ae, &x.ae_cents) ||
	    !amount(p, f[3], "CP", &x.has_cp, &x.cp_cents))
		return;
	if (b->n_nodes == TANDEM_BUDGET_NODES_MAX) {
		bad(p, TANDEM_ELIMIT, "more than %d budget lines", TANDEM_BUDGET_NODES_MAX);
		return;
	}
	if (b->n_nodes == p->cap) {
		size_t cap = p->cap == 0 ? 64 : p->cap * 2;
		struct budget_node_in *grown = tandem_arena_alloc(p->a, cap * sizeof *grown);

		if (grown == NULL) {
			p->err = TANDEM_ENOMEM;
			return;
		}
		if (b->n_nodes > 0)
			memcpy(grown, b->nodes, b->n_nodes * sizeof *grown);
		b->nodes = grown;
		p->cap = cap;
	}
	x.level = rank >= 0 ? (strcmp(b->country, "FR") == 0 ? fr_levels : de_levels)[rank] : "";
	x.path = tandem_arena_strndup(p->a, f[1], strlen(f[1]));
	x.code = x.path != NULL ? x.path + (x.code - f[1]) : NULL;
	x.label = tandem_arena_strndup(p->a, rest, strlen(rest));
	if (x.path == NULL || x.label == NULL) {
		p->err = TANDEM_ENOMEM;
		return;
	}
	b->nodes[b->n_nodes++] = x;
}

/* bank IBAN [BIC]: the administration's account, the debtor of its
 * payment runs. */
static void bank(struct parser *p, char **f, size_t n, const char *rest)
{
	struct budget_in *b = p->out;
	struct tandem_id_result r;

	if (n < 2 || n > 3 || rest[0] != '\0') {
		bad(p, TANDEM_EBADINPUT, "bank needs an IBAN and optionally a BIC, without spaces "
		    "inside: bank FR7630001007941234567890185 BDFEFRPPCCT");
		return;
	}
	if (b->iban != NULL) {
		bad(p, TANDEM_EBADINPUT, "a second bank line");
		return;
	}
	if (tandem_id_check(TANDEM_ID_IBAN, f[1], strlen(f[1]), &r) != 0 ||
	    (r.flags & TANDEM_ID_F_NOT_SEPA) != 0) {
		bad(p, TANDEM_EBADINPUT, "IBAN \"%.40s\": %s", f[1],
		    (r.flags & TANDEM_ID_F_NOT_SEPA) != 0 ? "not of a SEPA country" : r.detail);
		return;
	}
	b->iban = tandem_arena_strndup(p->a, r.normalized, strlen(r.normalized));
	if (n == 3) {
		if (tandem_id_check(TANDEM_ID_BIC, f[2], strlen(f[2]), &r) != 0) {
			bad(p, TANDEM_EBADINPUT, "BIC \"%.40s\": %s", f[2], r.detail);
			return;
		}
		b->bic = tandem_arena_strndup(p->a, r.normalized, strlen(r.normalized));
	}
	if (b->iban == NULL || (n == 3 && b->bic == NULL))
		p->err = TANDEM_ENOMEM;
}

/* Trims blanks around s[0..n) in place; the length left. */
static size_t trim(char **s, size_t n)
{
	while (n > 0 && is_blank(**s)) {
		(*s)++;
		n--;
	}
	while (n > 0 && is_blank((*s)[n - 1]))
		n--;
	return n;
}

/* address STREET; POSTCODE; TOWN: the administration's postal address, as
 * its SEPA files carry it. Street and postcode may be empty, the town not. */
static void address(struct parser *p, const char *rest)
{
	static const size_t max[3] = { TANDEM_ADDRESS_STREET_MAX, TANDEM_ADDRESS_POSTCODE_MAX,
				       TANDEM_ADDRESS_TOWN_MAX };
	static const char *const what[3] = { "street", "postcode", "town" };
	struct budget_in *b = p->out;
	const char **out[3] = { &b->street, &b->postcode, &b->town };
	const char *at = rest;

	if (b->town != NULL) {
		bad(p, TANDEM_EBADINPUT, "a second address line");
		return;
	}
	for (int i = 0; i < 3; i++) {
		const char *semi = strchr(at, ';');
		char *part = (char *)at;
		size_t n;

		if ((i < 2) != (semi != NULL)) {
			bad(p, TANDEM_EBADINPUT, "address needs street, postcode and town separated "
			    "by semicolons: address 139 rue de Bercy; 75012; Paris");
			return;
		}
		n = trim(&part, semi != NULL ? (size_t)(semi - at) : strlen(at));
		if (n > max[i] || (i == 2 && n == 0)) {
			bad(p, TANDEM_EBADINPUT, "the %s of the address: %s%zu bytes at most",
			    what[i], i == 2 ? "1 to " : "", max[i]);
			return;
		}
		*out[i] = tandem_arena_strndup(p->a, part, n);
		if (*out[i] == NULL) {
			p->err = TANDEM_ENOMEM;
			return;
		}
		at = semi != NULL ? semi + 1 : at;
	}
}

/* How many fields a line has before its free text. */
static size_t fields_of(const char *line)
{
	if (strncmp(line, "administration", 14) == 0)
		return LINE_FIELDS - 1;
	if ((strncmp(line, "service", 7) == 0 && is_blank(line[7])) ||
	    (strncmp(line, "account", 7) == 0 && is_blank(line[7])))
		return 2;
	if (strncmp(line, "address", 7) == 0 && is_blank(line[7]))
		return 1;
	return LINE_FIELDS;
}

int ledger_budget_parse(struct tandem_arena *a, const char *text, size_t len,
			struct tandem_diag *d, struct budget_in *out)
{
	struct parser p = { .a = a, .d = d, .out = out };
	const char *s = text, *end = text + len;

	memset(out, 0, sizeof *out);
	if (len > TANDEM_BUDGET_FILE_MAX) {
		bad(&p, TANDEM_ELIMIT, "the file is larger than %u bytes", TANDEM_BUDGET_FILE_MAX);
		return p.err;
	}
	if (memchr(text, '\0', len) != NULL) {
		bad(&p, TANDEM_EBADINPUT, "a NUL byte: not a text file");
		return p.err;
	}
	while (s < end && p.err != TANDEM_ELIMIT && p.err != TANDEM_ENOMEM) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl != NULL ? nl : end) - s);
		char *line = tandem_arena_strndup(a, s, n);
		char *f[LINE_FIELDS] = { NULL }, *rest;
		size_t nf;

		p.line++;
		s = nl != NULL ? nl + 1 : end;
		if (line == NULL)
			return TANDEM_ENOMEM;
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		/* administration FR ID and a name of several words: 3 fields;
		 * service CODE and a name: 2. */
		nf = split(line, f, fields_of(line + strspn(line, " \t")), &rest);
		if (nf == 0 || f[0][0] == '#')
			continue;
		if (strcmp(f[0], "administration") == 0 || strcmp(f[0], "year") == 0) {
			header(&p, f, nf, rest);
		} else if (out->country[0] == '\0' || out->year == 0) {
			bad(&p, TANDEM_EBADINPUT, "the administration and year lines come first");
		} else if (strcmp(f[0], "service") == 0) {
			service(&p, f, nf, rest);
		} else if (strcmp(f[0], "account") == 0) {
			account(&p, f, nf, rest);
		} else if (strcmp(f[0], "tolerance") == 0) {
			tolerance(&p, f, nf, rest);
		} else if (strcmp(f[0], "bank") == 0) {
			bank(&p, f, nf, rest);
		} else if (strcmp(f[0], "address") == 0) {
			address(&p, rest);
		} else {
			node(&p, f, nf, rest);
		}
	}
	if (p.err == 0 && (out->country[0] == '\0' || out->year == 0))
		bad(&p, TANDEM_EBADINPUT, "no administration or no year line");
	if (p.err == 0 && out->n_nodes == 0)
		bad(&p, TANDEM_EBADINPUT, "no budget line");
	return p.err;
}

void ledger_cents_text(int64_t cents, char out[32])
{
	uint64_t u = cents < 0 ? 0 - (uint64_t)cents : (uint64_t)cents;
	uint64_t whole = u / 100;
	char digits[24]; /* 2^64 has 20 digits */
	size_t n = 0, k = 0;

	do {
		digits[n++] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole > 0);
	if (cents < 0)
		out[k++] = '-';
	while (n > 0)
		out[k++] = digits[--n];
	out[k++] = '.';
	out[k++] = (char)('0' + u % 100 / 10);
	out[k++] = (char)('0' + u % 10);
	out[k] = '\0';
}

size_t ledger_put(char *out, size_t size, size_t at, const char *s, size_t max)
{
	size_t n = s != NULL && at + 1 < size ? strnlen(s, max) : 0;

	if (at + 1 < size && n > size - 1 - at)
		n = size - 1 - at;
	if (n > 0)
		memcpy(out + at, s, n);
	at += n;
	if (at < size)
		out[at] = '\0';
	return at;
}
