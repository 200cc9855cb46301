/*
 * src/ledger/ledger_int.h - what the ledger's files share: the acting
 * user, the event log, time and digests. Private to src/ledger/.
 */
#ifndef TANDEM_LEDGER_INT_H
#define TANDEM_LEDGER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/store.h"

#define LEDGER_TIME_MAX 32
#define LEDGER_SHA256_HEX 65
#define LEDGER_PATH_MAX 400        /* bytes of a budget path, NUL included */
#define LEDGER_CPV_MAX 9           /* significant digits of a CPV code, NUL included */

struct ledger_actor {
	int64_t id;
	char role[16];
};

/*
 * Runs one statement. params says the type of each parameter in order:
 * 'i' an int64_t, 't' a const char * (NULL binds SQL NULL), 'I' an int64_t
 * bound as NULL when it is 0 or less (an optional reference). When out is
 * not NULL, column 0 of the first row is read into *out as an int64 and
 * *found says whether there was a row; a statement that must return a row
 * (INSERT ... RETURNING) passes found NULL, and no row is TANDEM_EINTERNAL.
 */
int ledger_run(struct tandem_store *s, const char *sql, int64_t *out, bool *found,
	       const char *params, ...);

/*
 * Prepares sql, binds params as ledger_run() does and steps once: 1 when
 * a row is there to read (walk on with tandem_stmt_step), 0 when there is
 * none, or an error. *out is the statement to finalize (NULL when it could
 * not be prepared).
 */
int ledger_select(struct tandem_store *s, struct tandem_stmt **out, const char *sql,
		  const char *params, ...);

/* Looks up the acting user; TANDEM_EPERM with a finding when actor is NULL
 * or unknown. */
int ledger_actor(struct tandem_store *s, const char *actor, struct tandem_diag *d,
		 struct ledger_actor *out);

/* Looks up the acting user and requires one of roles (a comma-separated
 * list): TANDEM_EPERM with a finding TANDEM-LEDGER-ROLE "<doing> is for an
 * ordonnateur or an admin; <actor> is <role>" otherwise. */
int ledger_actor_as(struct tandem_store *s, const char *actor, const char *roles,
		    const char *doing, struct tandem_diag *d, struct ledger_actor *who);

/* Does the actor hold one of the roles (a comma-separated list)? */
bool ledger_actor_is(const struct ledger_actor *a, const char *roles);

/* Appends an event; *id (optional) receives its number. */
int ledger_event(struct tandem_store *s, int64_t user_id, const char *action, const char *object,
		 int64_t object_id, const char *input_sha256, const char *detail, int64_t *id);

/* The open fiscal year of an administration; TANDEM_ENOENT with a finding
 * of rule when there is none. */
int ledger_open_year(struct tandem_store *s, int64_t admin, int year, const char *rule,
		     struct tandem_diag *d, int64_t *id);

/* An IBAN or VAT number as stored and compared: capitals, no spaces. */
void ledger_compact(const char *s, char *out, size_t size);

/* The current time, ISO 8601 UTC. */
void ledger_now(char out[LEDGER_TIME_MAX]);

/* The SHA-256 of data in lowercase hex. */
int ledger_sha256_hex(const void *data, size_t len, char out[LEDGER_SHA256_HEX]);

/*
 * Reads the rows of a select whose first step gave rc (ledger_select()):
 * up to limit of them, each by row() into the next element (size bytes)
 * of an array in the arena, *out; *more says there was one more row (a
 * list selects limit + 1). Finalizes st. 0, or the error met.
 */
typedef int ledger_row_fn(struct tandem_stmt *st, struct tandem_arena *a, void *row);
int ledger_read_rows(struct tandem_stmt *st, int rc, size_t limit, size_t size,
		     ledger_row_fn *row, struct tandem_arena *a, void **out, size_t *n, bool *more);

/* A copy of s in the arena (NULL when it is full). */
const char *ledger_keep(struct tandem_arena *a, const char *s);

/* Adds an error finding (rule, line) and returns code. */
int ledger_refuse(struct tandem_diag *d, int code, const char *rule, long line,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The administration of a SIRET or Leitweg-ID, and a supplier of it by
 * SIRET or VAT number; TANDEM_ENOENT with a finding when absent
 * (supplier.c). */
int ledger_administration(struct tandem_store *s, const char *key, struct tandem_diag *d,
			  int64_t *id);
int ledger_supplier(struct tandem_store *s, int64_t admin, const char *key,
		    struct tandem_diag *d, int64_t *id);

/* Whether the node at path carries kind of its own, and what is available
 * in its subtree: its appropriations (initial and movements) less what
 * they consumed. */
int ledger_node_available(struct tandem_store *s, int64_t admin, int64_t year_id,
			  const char *path, const char *kind, bool *carries, int64_t *available);

/* Adds cents (negative: gives back) to what a budget node consumed of a
 * year's AE or CP, as the availability control reads it. */
int ledger_consume(struct tandem_store *s, int64_t year_id, int64_t node, const char *kind,
		   int64_t cents);

/*
 * The availability control (avail.c): amount of kind "AE" or "CP" must fit
 * in the unit of control - the nearest node from path up that carries an
 * appropriation of that kind for the year - whose appropriations (subtree,
 * initial + movements) less what consumes them (commitments for AE,
 * payment orders for CP) are available. TANDEM_ELIMIT (the finding, of
 * rule, says what is available) or TANDEM_EBADINPUT (no such unit).
 */
int ledger_control(struct tandem_store *s, int64_t admin, int64_t year_id, const char *path,
		   const char *kind, int64_t amount, const char *rule, struct tandem_diag *d);

/* ---- the journal (journal.c) ---- */

struct ledger_entry {
	int64_t admin, year_id;
	const char *date;          /* YYYY-MM-DD */
	const char *label;
	int64_t invoice, order;    /* what it books (0: nothing) */
	int64_t event;
};

struct ledger_posting {
	const char *account;       /* a code of the chart (table account) */
	int64_t debit_cents, credit_cents; /* one of them, > 0 */
	int64_t supplier;          /* the third party of a class-4 line, or 0 */
};

/* Writes a journal entry; TANDEM_EINTERNAL, and nothing written, unless
 * its debits equal its credits and each line is on one side. */
int ledger_post(struct tandem_store *s, const struct ledger_entry *e,
		const struct ledger_posting *lines, size_t n);

/* ---- invoices (invoice.c) ---- */

/* Is BT-3 the code of a credit note (81, 83, 381, 396, 532)? */
bool ledger_credit_note(const char *type_code);

/* An invoice number as duplicates are found: its letters, upper-cased, and
 * digits, nothing else ("inv-2026/001" is "INV2026001"). */
void ledger_invoice_number_norm(const char *number, char *out, size_t size);

/* The tolerance of the match on an amount: bp ten-thousandths of it, and
 * at least cents. */
int64_t ledger_tolerance(int64_t amount, int64_t bp, int64_t cents);

/* What the match of an invoice reads of its commitment (match.c). */
struct ledger_totals {
	int64_t amount;          /* the commitment */
	int64_t certified;       /* service done on it */
	int64_t invoiced;        /* its counted invoices, this one included */
	int64_t tolerance_bp, tolerance_cents;
	int64_t lines;           /* its lines: 0, the match is by amount only */
	bool cancelled;
};

/* Whether an invoice counts against its commitment's invoiced total: an
 * invoice (not a credit note) received, suspended, ready or paid. */
bool ledger_invoice_counted(const char *kind, const char *status);

/*
 * The three-way match of an invoice that brings what is invoiced on its
 * commitment to claimed, against the commitment and the certified service
 * done, within the administration's tolerance. status: "suspended" (beyond
 * the commitment), "received" (beyond service done), "ready"; reason says
 * it with the amounts.
 */
void ledger_match_decide(const struct ledger_totals *t, int64_t claimed, char status[16],
			 char *reason, size_t size);

/*
 * The quantity side of the match (match_lines.c), for a commitment with
 * lines. ledger_lines_match() checks an invoice about to be stored: each of
 * its lines names a commitment line (refs[i] its id, 0 none) in the same
 * unit, and the quantities claimed, this invoice's included, pass neither
 * what was ordered (suspended) nor what was certified (received) beyond
 * the tolerance; status and reason change only for a worse outcome.
 * ledger_lines_store() keeps the invoice's lines (and counts them when the
 * invoice is counted); ledger_lines_count() adds (sign 1) or takes off
 * (-1) an invoice's quantities from its commitment lines' running totals;
 * ledger_lines_rematch() judges a stored invoice again, claiming what the
 * counted invoices up to it claim.
 */
struct tandem_invoice_in;
int ledger_lines_match(struct tandem_store *s, int64_t commitment,
		       const struct tandem_invoice_in *in, int64_t tol_bp, int64_t *refs,
		       char status[16], char *reason, size_t size);
int ledger_lines_store(struct tandem_store *s, int64_t invoice,
		       const struct tandem_invoice_in *in, const int64_t *refs, bool counted);
int ledger_lines_count(struct tandem_store *s, int64_t invoice, int64_t sign);
int ledger_lines_rematch(struct tandem_store *s, int64_t invoice, int64_t tol_bp,
			 char status[16], char *reason, size_t size);

/* Adds cents to the invoiced total of a commitment and reads it back with
 * its amount, service done and state (t's tolerance is left alone). The
 * update locks the commitment's row until the transaction ends. */
int ledger_invoiced_add(struct tandem_store *s, int64_t commitment, int64_t cents,
			struct ledger_totals *t);

struct tandem_invoice_in;

/* Where an invoice's routing data lead (invoice.c). */
struct ledger_routed {
	int64_t supplier, commitment; /* 0: not found */
	char service[64];             /* code service or Leitweg-ID matched; "" */
	char status[16];
	char reason[300];
};

/* Routes and matches an invoice of the administration admin, as the import
 * does, counting it in its commitment's invoiced total when it reaches
 * one. */
int ledger_invoice_route(struct tandem_store *s, int64_t admin,
			 const struct tandem_invoice_in *in, struct ledger_routed *out);

/* Sets the status of an invoice, with its event (action, e.g.
 * "invoice.match"), and keeps its commitment's invoiced total. */
int ledger_invoice_status(struct tandem_store *s, int64_t user, int64_t invoice,
			  const char *status, const char *reason, const char *action);

/* After service done on a commitment: its invoices waiting for it are
 * matched again, in the order they came, and those now matched (or now
 * beyond the commitment) change status. */
int ledger_rematch(struct tandem_store *s, int64_t user, int64_t commitment);

/* ---- budget files (budget_file.c) ---- */

/* ---- CPV codes (cpvmap.c, suggest.c) ---- */

/* The significant digits of a CPV code of len bytes: 2 to 8 digits, an
 * optional check digit "-D" after 8, trailing zeros dropped ("45300000-8"
 * is "453"). TANDEM_EBADINPUT when it is not a code. */
int ledger_cpv_norm(const char *code, size_t len, char out[LEDGER_CPV_MAX]);

/* The budget node of a CPV code by the administration's table (its
 * longest prefix there), 0 when the table has none. */
int ledger_cpv_node(struct tandem_store *s, int64_t admin, const char *cpv, int64_t *node);

/* The node of a budget path; TANDEM_ENOENT with a finding of rule. */
int ledger_budget_node(struct tandem_store *s, int64_t admin, const char *path,
		       const char *rule, long line, struct tandem_diag *d, int64_t *node);

/* The suggestions of an invoice being imported: checked before anything is
 * written (0 good, -1 no model hash, else the first bad line's number),
 * stored with their event after the invoice. */
struct tandem_invoice_in;
long ledger_suggest_bad(const struct tandem_invoice_in *in);
int ledger_suggest_store(struct tandem_store *s, int64_t admin, int64_t invoice,
			 const struct tandem_invoice_in *in, int64_t user);

struct budget_node_in {
	const char *level;
	const char *path;
	const char *code;          /* the last segment of path */
	const char *label;
	int parent;                /* index of the parent node, -1 for a root */
	bool has_ae, has_cp;
	int64_t ae_cents, cp_cents;
	long line;
};

/* A code and a name: a service (a code service, FR, or a Leitweg-ID, DE)
 * or an account of the chart. */
struct budget_entry_in {
	const char *code;
	const char *name;
	long line;
};

#define TANDEM_BUDGET_SERVICES_MAX 10000
#define TANDEM_BUDGET_ACCOUNTS_MAX 1000

struct budget_in {
	char country[3];           /* FR, DE */
	const char *admin_id;      /* SIRET or Leitweg-ID */
	const char *admin_name;
	int year;
	bool has_tolerance;        /* a tolerance line: the match's tolerance */
	int64_t tolerance_bp, tolerance_cents;
	const char *iban, *bic;    /* a bank line: the debtor account, or NULL */
	const char *street, *postcode, *town; /* an address line, or NULL */
	struct budget_entry_in *services;
	size_t n_services;
	struct budget_entry_in *accounts; /* account lines: added to the chart */
	size_t n_accounts;
	struct budget_node_in *nodes;
	size_t n_nodes;
};

/* Parses a budget file into the arena; every problem is a finding with its
 * line. 0 or TANDEM_EBADINPUT / TANDEM_ELIMIT / TANDEM_ENOMEM. */
int ledger_budget_parse(struct tandem_arena *a, const char *text, size_t len,
			struct tandem_diag *d, struct budget_in *out);

/* Cents as a decimal text "1234.56" ("-1.05"). */
void ledger_cents_text(int64_t cents, char out[32]);

/*
 * Appends up to max bytes of s (all of it: SIZE_MAX) to out, which holds
 * at bytes of text in size, cutting at size - 1; out stays NUL-terminated.
 * The new length. snprintf's "%.<max>s" without its cost: the import
 * writes a few texts per invoice, and glibc's printf cost as much as some
 * SQL statements.
 */
size_t ledger_put(char *out, size_t size, size_t at, const char *s, size_t max);

#endif /* TANDEM_LEDGER_INT_H */
