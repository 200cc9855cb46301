/*
 * tandem/ledger.h - budget execution: the database of one ministry or
 * Land (appropriations, commitments, invoices, payments, the double-entry
 * ledger), kept in a store (tandem/store.h).
 *
 * This first part holds the schema and opening a ledger database. The
 * schema grows by numbered migrations (src/ledger/schema.c); opening a
 * database brings it to the current version, and a database from a newer
 * tandem is refused untouched.
 *
 * Conventions of every table: amounts are BIGINT euro cents (money is
 * never a float; public budgets and SEPA payments are in euro); times are
 * TEXT, ISO 8601 UTC; every state change is an event row saying who, when,
 * what, and from what input (the SHA-256 of a file read).
 */
#ifndef TANDEM_LEDGER_H
#define TANDEM_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/arena.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/sepa.h"
#include "tandem/store.h"

/* The schema version this tandem writes. */
int tandem_ledger_schema_version(void);

/*
 * Opens (with TANDEM_STORE_CREATE: creates) a ledger database and migrates
 * it to the current schema; what was done is in d (TANDEM-STORE-MIGRATED).
 * Returns 0 or the error of tandem_store_open() / tandem_store_migrate().
 */
int tandem_ledger_open(const char *where, unsigned flags, struct tandem_diag *d,
		       struct tandem_store **out);

/* ---- users ------------------------------------------------------------- */

/*
 * The roles the separation of duties is written with. An ordonnateur
 * commits, certifies service done and orders payment; a comptable checks
 * and pays; an auditeur reads; an admin manages users and loads budgets.
 */
#define TANDEM_LEDGER_ROLES "ordonnateur, comptable, auditeur, admin"

/*
 * Adds a user. The first user of a database must be an admin and needs no
 * actor; every later one is added by an admin (actor: an existing login).
 * Writes an event. Returns 0; TANDEM_EPERM (actor missing or not an admin,
 * or a first user who is not an admin); TANDEM_EEXIST (login taken);
 * TANDEM_EBADINPUT (empty login or name, unknown role); each with a finding
 * TANDEM-LEDGER-*.
 */
int tandem_ledger_user_add(struct tandem_store *s, const char *actor, const char *login,
			   const char *name, const char *role, struct tandem_diag *d);

/*
 * Postal addresses (of the administration, of suppliers) are kept as the
 * SEPA files of payment runs carry them: street, postcode and town, in
 * bytes of UTF-8 at most the characters the EPC allows (transliteration
 * never lengthens a text, so what fits here fits in the file).
 */
#define TANDEM_ADDRESS_STREET_MAX TANDEM_SEPA_STREET_MAX
#define TANDEM_ADDRESS_POSTCODE_MAX TANDEM_SEPA_POSTCODE_MAX
#define TANDEM_ADDRESS_TOWN_MAX TANDEM_SEPA_TOWN_MAX

/*
 * Sets the time the ledger writes on what it records (events, changes of
 * bank details, orders, runs...), in seconds since 1970 UTC; 0 goes back
 * to the real clock. For simulations (tandem demo plays a fiscal year day by
 * day) and tests; a production ledger never calls it. Process-wide: set it
 * before other threads use the ledger.
 */
void tandem_ledger_clock_set(int64_t unix_seconds);

/* ---- budgets ------------------------------------------------------------ */

/* Limits of a budget file. */
#define TANDEM_BUDGET_FILE_MAX (16u << 20)
#define TANDEM_BUDGET_NODES_MAX 100000
#define TANDEM_BUDGET_DEPTH_MAX 4
#define TANDEM_BUDGET_CODE_MAX 32
#define TANDEM_BUDGET_LABEL_MAX 300
#define TANDEM_BUDGET_CENTS_MAX 100000000000000000LL /* 10^15 euros */

/*
 * Loads the budget of one administration and fiscal year from the text of
 * a budget file (format in docs/ledger.md): the administration (created on
 * first load), the fiscal year, the budget tree and the initial AE and CP.
 * actor must be an admin or an ordonnateur. Everything is checked first -
 * every problem a finding TANDEM-BUDGET-* with its line - and written in
 * one transaction, with an event holding the SHA-256 of the text, or not at
 * all. Loading the same text again changes nothing (*already set);
 * another budget for a year already loaded is refused (TANDEM_EEXIST):
 * changes go through movements. Returns 0, TANDEM_EBADINPUT, TANDEM_EPERM,
 * TANDEM_EEXIST, TANDEM_ELIMIT or the store's error.
 */
int tandem_ledger_budget_load(struct tandem_store *s, const char *actor, const char *text,
			      size_t len, struct tandem_diag *d, bool *already);

/* One node of a budget report, totals of its subtree: appropriations
 * (initial + movements); AE available = AE - commitments of the year; CP
 * available = CP - payment orders of the year (not cancelled). */
struct tandem_budget_row {
	const char *path;
	const char *level;
	const char *label;
	int depth;                 /* 0 for a root */
	int64_t ae_cents, cp_cents;               /* subtree, initial + movements */
	int64_t ae_committed_cents;               /* subtree, commitments of the year */
	int64_t cp_ordered_cents;                 /* subtree, payment orders of the year */
	int64_t ae_available_cents, cp_available_cents;
};

/*
 * The budget of an administration (its SIRET or Leitweg-ID) for a year, in
 * tree order, into the arena. TANDEM_ENOENT when there is no such budget.
 */
int tandem_ledger_budget_report(struct tandem_store *s, const char *administration, int year,
				struct tandem_arena *a, struct tandem_budget_row **rows,
				size_t *n);

/*
 * What is available of kind ("AE" or "CP") for a payment or a commitment
 * on the budget line path in year: at the line's unit of control (the
 * nearest node, from path up, that carries kind of its own), its
 * appropriations and movements less the commitments (AE) or the payment
 * orders not cancelled (CP) of its subtree - the figure the availability
 * control compares with. Returns 0 with *available set; TANDEM_ENOENT (no
 * such administration or year, no kind on or above path), TANDEM_EINVAL.
 */
int tandem_ledger_available(struct tandem_store *s, const char *administration, int year,
			    const char *path, const char *kind, struct tandem_diag *d,
			    int64_t *available);

/* ---- suppliers ---------------------------------------------------------- */

struct tandem_supplier_in {
	const char *administration; /* its SIRET or Leitweg-ID */
	const char *name;
	const char *country;        /* ISO 3166-1 alpha-2 */
	const char *siret;          /* a French supplier's SIRET (checked), or NULL */
	const char *vat_id;         /* VAT number (FR and DE checked), or NULL */
	const char *street;         /* postal address, as payment files carry it: */
	const char *postcode;       /* each NULL or "" when unknown; a town is */
	const char *town;           /* needed before the first payment run */
};

/*
 * Adds a supplier of an administration, known by its SIRET or VAT number
 * (at least one; each unique in the administration). actor: ordonnateur or
 * admin. Returns 0 (*id set), TANDEM_EBADINPUT (a finding says which
 * identifier fails its check), TANDEM_EEXIST, TANDEM_EPERM, TANDEM_ENOENT
 * (no such administration).
 */
int tandem_ledger_supplier_add(struct tandem_store *s, const char *actor,
			       const struct tandem_supplier_in *in, struct tandem_diag *d,
			       int64_t *id);

/*
 * Records a new bank account for a supplier (its SIRET or VAT number):
 * IBAN and BIC checked, who changed it and when, and on what evidence
 * (a person's sentence: "RIB received by registered letter of 3 March").
 * The latest account is the one payments go to; the history is kept.
 * actor: ordonnateur or admin.
 */
int tandem_ledger_supplier_account(struct tandem_store *s, const char *actor,
				   const char *administration, const char *supplier,
				   const char *iban, const char *bic, const char *evidence,
				   struct tandem_diag *d);

/*
 * Records the postal address of a supplier (town required; street and
 * postcode may be NULL): the creditor address of its SEPA transfers.
 * actor: ordonnateur, comptable or admin. An event keeps the change.
 * Returns 0, TANDEM_EBADINPUT (finding TANDEM-LEDGER-ADDRESS),
 * TANDEM_EPERM, TANDEM_ENOENT.
 */
int tandem_ledger_supplier_address(struct tandem_store *s, const char *actor,
				   const char *administration, const char *supplier,
				   const char *street, const char *postcode, const char *town,
				   struct tandem_diag *d);

/* ---- movements of appropriations ------------------------------------------ */

struct tandem_movement_in {
	const char *administration; /* its SIRET or Leitweg-ID */
	int year;
	const char *kind;           /* "AE" or "CP" */
	const char *from;           /* the line that gives; NULL: an opening */
	const char *to;             /* the line that receives; NULL: a cancellation */
	int64_t amount_cents;       /* > 0 */
	const char *reason;         /* its legal basis: "décret n° 2026-123 portant virement" */
};

/*
 * Moves appropriations of an open year: from one line to another (a
 * transfer: virement, transfert; Umschichtung), onto a line (an opening:
 * amending budget law, carry-over) or off it (a cancellation), as
 * appropriation_movement rows under one event "appropriation.move". Both
 * lines carry an appropriation of that kind of their own. A line gives at
 * most what neither its own appropriation nor the subtree of any unit the
 * money leaves would lack: what is committed (AE) or ordered (CP) stays.
 * actor: ordonnateur or admin. Refused with nothing changed, each with a
 * finding TANDEM-MOVE-*: TANDEM_EPERM, TANDEM_EBADINPUT (-INPUT: kind, no
 * line, the same line twice, amount, reason), TANDEM_ENOENT (-YEAR: no open
 * year; -LINE: a line without an appropriation of its own), TANDEM_ELIMIT
 * (-AMOUNT: more than the line can give).
 */
int tandem_ledger_appropriation_move(struct tandem_store *s, const char *actor,
				     const struct tandem_movement_in *in, struct tandem_diag *d);

/* ---- legal commitments ---------------------------------------------------- */

/*
 * A line of a commitment: what is ordered, how much of it, in which unit,
 * for what net amount. Line numbers are 1, 2, ... in the order given: the
 * order line references (BT-132) of the invoices.
 */
struct tandem_commitment_line {
	const char *description;    /* 1 to 200 bytes */
	const char *unit;           /* UN/ECE Rec 20 code: C62 (one), HUR, DAY, KGM ...
				     * (1 to 3 capitals or digits) */
	int64_t quantity_milli;     /* > 0, thousandths: 2.5 is 2500 */
	int64_t amount_cents;       /* > 0: the line's net amount */
};

#define TANDEM_COMMITMENT_LINES_MAX 1000
#define TANDEM_QUANTITY_MILLI_MAX INT64_C(1000000000000000)   /* 10^12 units */

struct tandem_commitment_in {
	const char *administration; /* its SIRET or Leitweg-ID */
	int year;
	const char *number;         /* EJ number / Bestellnummer: BT-13 of the invoices */
	const char *supplier;       /* its SIRET or VAT number */
	const char *budget_path;    /* the node it is imputed on */
	const char *object;
	int64_t amount_cents;       /* > 0; with lines, their sum */
	const char *account;        /* its expense account (class 6 of the chart); NULL: 604 */
	const struct tandem_commitment_line *lines;  /* NULL, or n_lines lines */
	size_t n_lines;
};

/*
 * Records a legal commitment, which consumes AE. actor: ordonnateur. The
 * availability control is made by the core, in the same transaction as the
 * write: the unit of control is the nearest node, from the imputed one up,
 * that carries an AE appropriation of its own (put AE on a programme to make
 * its actions fungible, on each Titel to bind each); the commitment must fit
 * in that node's AE (subtree appropriations + movements - commitments of
 * the year). Refusals, each with a finding TANDEM-COMMIT-*: TANDEM_EPERM
 * (role), TANDEM_ENOENT (administration, open year, supplier, node),
 * TANDEM_EEXIST (number taken this year), TANDEM_EBADINPUT (amount, no AE
 * above the node), TANDEM_ELIMIT (beyond the available AE: the finding
 * gives what is available). Returns 0 with *id set.
 */
int tandem_ledger_commit(struct tandem_store *s, const char *actor,
			 const struct tandem_commitment_in *in, struct tandem_diag *d,
			 int64_t *id);

/* ---- service done -------------------------------------------------------- */

/*
 * Certifies service done (service fait) on a commitment of an
 * administration and year, for an amount: what was delivered, which an
 * invoice may then be paid against. actor: ordonnateur. The certified
 * total of a commitment never exceeds its amount; a cancelled or closed
 * commitment takes none. Refusals, each with a finding TANDEM-CERTIFY-*:
 * TANDEM_EPERM, TANDEM_ENOENT (no such commitment), TANDEM_EBADINPUT
 * (amount, note, state), TANDEM_ELIMIT (beyond what is left to certify: the
 * finding says how much is). Returns 0 with *id set.
 */
int tandem_ledger_certify(struct tandem_store *s, const char *actor, const char *administration,
			  int year, const char *number, int64_t amount_cents, const char *note,
			  struct tandem_diag *d, int64_t *id);

/*
 * Service done on a commitment with lines is certified by quantity: for
 * each line named, the quantity delivered since the last certification.
 * A line never gets more than its quantity ordered (TANDEM_ELIMIT, finding
 * TANDEM-CERTIFY-QUANTITY). The amount certified is what the quantities
 * are worth at each line's price, rounded half up to the cent on the
 * cumulated quantity, so that a line certified whole is certified for its
 * amount exactly. A commitment with lines takes no certification by
 * amount (tandem_ledger_certify refuses it: TANDEM-CERTIFY-LINES), one
 * without lines none by quantity. Returns 0 with *id and *amount_cents
 * set.
 */
struct tandem_delivery {
	unsigned line_no;           /* 1, 2, ... */
	int64_t quantity_milli;     /* > 0 */
};

int tandem_ledger_certify_lines(struct tandem_store *s, const char *actor,
				const char *administration, int year, const char *number,
				const struct tandem_delivery *lines, size_t n_lines,
				const char *note, struct tandem_diag *d, int64_t *id,
				int64_t *amount_cents);

/* ---- invoices ------------------------------------------------------------ */

/*
 * An invoice received, as the intake module read it (tandem/en16931.h;
 * tandem_ledger_invoice_from_einv() fills this from an opened, validated
 * e-invoice) with the bytes of the file, which are kept as received.
 * Strings are the caller's; amounts are euro cents.
 */
struct tandem_invoice_line {    /* BG-25, what the match reads of it */
	const char *order_line;      /* BT-132: the commitment's line number, or NULL */
	int64_t quantity_milli;      /* BT-129 in thousandths */
	const char *unit;            /* BT-130 */
	int64_t net_cents;           /* BT-131 */
};

/*
 * What a classifier (tandem/classify.h) suggests for one invoice line,
 * kept with the invoice until a person decides (tandem_ledger_suggestion_
 * decide()). Strings are the caller's.
 */
struct tandem_line_suggestion {
	const char *text;            /* what was classified: BT-153 and BT-154 */
	const char *cpv;             /* the CPV group suggested, "453"; NULL: none */
	uint32_t p_milli;            /* its calibrated probability, x 1000 */
	bool needs_human;            /* the classifier doubts it */
	const char *why;             /* the features that pushed it, for people */
};

#define TANDEM_SUGGESTION_TEXT_MAX 4096   /* bytes of a line's text kept */
#define TANDEM_SUGGESTION_WHY_MAX 1000    /* bytes of the reasons kept */

struct tandem_invoice_in {
	const void *file;            /* the file as received (XML or PDF) */
	size_t file_len;
	const char *file_name;       /* for people: where it came from */
	const char *syntax;          /* "ubl-invoice", "cii", "pdf/cii" ... */
	bool valid;                  /* the intake verdict: no fatal rule fired */
	const char *verdict;         /* the verdict for people: rule sets, the fatal
				      * rule ids (at most TANDEM_INVOICE_VERDICT_MAX) */
	const char *number;          /* BT-1 */
	const char *issue_date;      /* BT-2, YYYY-MM-DD */
	const char *due_date;        /* BT-9 or NULL */
	const char *type_code;       /* BT-3 (UNTDID 1001) */
	const char *currency;        /* BT-5 */
	const char *buyer_reference; /* BT-10: code service, Leitweg-ID */
	const char *order_reference; /* BT-13: EJ number / Bestellnummer */
	const char *seller_siret;    /* BT-29 or BT-30 with scheme 0009, or NULL */
	const char *seller_vat;      /* BT-31 or NULL */
	const char *buyer_siret;     /* BT-46 or BT-47 with scheme 0009, or NULL */
	const char *payee_iban;      /* BT-84 of the first credit transfer, or NULL */
	int64_t net_cents;           /* BT-109 */
	int64_t vat_cents;           /* BT-110 */
	int64_t gross_cents;         /* BT-112 */
	int64_t due_cents;           /* BT-115 */
	const struct tandem_invoice_line *lines;   /* its lines (at most
						    * TANDEM_COMMITMENT_LINES_MAX are read) */
	size_t n_lines;
	/* The classifier's suggestions, one per line (NULL: none), and the
	 * SHA-256 (hex) of the model file that made them. */
	const struct tandem_line_suggestion *suggestions;
	const char *model_sha256;
};

#define TANDEM_INVOICE_FILE_MAX (64u << 20)
#define TANDEM_INVOICE_VERDICT_MAX 2000
#define TANDEM_INVOICE_BATCH_MAX 100000

/*
 * Where an invoice stands. RECEIVED: stored and routed to its commitment,
 * waiting for service done; A_RECYCLER: its routing data is wrong (unknown
 * code service, EJ number or supplier; an EJ of another supplier) - the
 * sender may correct them without issuing a new invoice; SUSPENDED: the
 * three-way match or a control failed (invoiced beyond the commitment, a
 * bank account other than the one on record); REJECTED: refused by a
 * decision; READY: matched, it may be ordered for payment; PAID.
 */
#define TANDEM_INVOICE_STATUSES "received, a_recycler, suspended, rejected, ready, paid"

/* The outcome of importing one invoice. */
struct tandem_invoice_result {
	int code;                    /* 0 stored (or already there), else why refused */
	int64_t id;                  /* the invoice, when stored */
	bool already;                /* the same file was stored before: nothing done */
	char status[16];             /* its status */
	char reason[300];            /* why it has that status, for people */
};

/*
 * Imports invoices: each is checked, routed and matched, and stored with
 * the bytes of its file and their SHA-256, or refused - all of them in one
 * transaction (one commit: import by batches of up to
 * TANDEM_INVOICE_BATCH_MAX for speed; a bulk load goes fastest by batches
 * of 100,000, each commit writing the hash index's pages once). A refused
 * invoice has written nothing, and the batch goes on; a failure after an
 * invoice's first write ends the batch with nothing of it kept.
 * actor: ordonnateur, comptable or admin.
 *
 * Refused, nothing stored, results[i].code and a finding TANDEM-INVOICE-*
 * whose path is the file name: an invoice the intake found invalid
 * (-INVALID), not in euro (-CURRENCY), with a negative or inconsistent
 * amount (-AMOUNT), for no administration of this database: neither its
 * buyer SIRET nor its BT-10 is known (-BUYER), or whose supplier and
 * normalised number (upper-case letters and digits only) are those of an
 * invoice stored and not rejected (-DUPLICATE, TANDEM_EEXIST). The same
 * file again is not an error: results[i].already, and nothing changes.
 *
 * Stored: the status says what comes next (TANDEM_INVOICE_STATUSES). The
 * route: the administration by buyer SIRET or by Leitweg-ID in BT-10 (its
 * own or one of its services'); a French administration with services
 * needs one of their codes in BT-10; the supplier by SIRET (BT-29/BT-30)
 * or VAT number; the commitment by BT-13 (the most recent year), of that
 * supplier and not cancelled. Then the match against the commitment and
 * service done, within the administration's tolerance: invoiced (the
 * invoices not rejected nor to be recycled, this one included) beyond the
 * commitment is SUSPENDED; beyond what is certified, RECEIVED (certifying
 * later makes it READY); else READY. An IBAN in the invoice other than the
 * supplier's account on record is SUSPENDED. Credit notes are stored and
 * routed, and SUSPENDED for the comptable to offset
 * (tandem_ledger_credit_offset). The supplier is found by SIRET before VAT
 * number, which several establishments of a company share.
 *
 * Returns 0 when the batch was committed (each result says what became of
 * its invoice), or an error of the actor (TANDEM_EPERM), the batch
 * (TANDEM_EINVAL: n is 0 or beyond the limit) or the store, and then
 * nothing at all was stored.
 */
int tandem_ledger_invoice_import(struct tandem_store *s, const char *actor,
				 const struct tandem_invoice_in *in, size_t n,
				 struct tandem_diag *d, struct tandem_invoice_result *results);

/* One invoice of a list; texts in the caller's arena. */
struct tandem_invoice_row {
	int64_t id;
	const char *number;         /* BT-1 */
	const char *supplier;       /* its name, or the seller's SIRET / VAT when unknown */
	const char *commitment;     /* EJ number, "" when not routed */
	const char *issue_date;
	const char *due_date;       /* "" when the invoice gives none */
	int64_t due_cents;          /* BT-115 */
	const char *status, *reason;
	int64_t order;              /* its payment order not cancelled, or 0 */
};

#define TANDEM_INVOICE_LIST_MAX 10000

/*
 * The invoices of an administration, the oldest due first (due date, else
 * issue date): all of them, those of one status (TANDEM_INVOICE_STATUSES),
 * or with awaiting_order those ready to pay and not ordered yet - the
 * ordonnateur's work list. At most limit rows (1 to
 * TANDEM_INVOICE_LIST_MAX); *more says whether there were more. TANDEM_EINVAL
 * (limit, status) or TANDEM_ENOENT (administration), each with a finding.
 */
int tandem_ledger_invoice_list(struct tandem_store *s, const char *administration,
			       const char *status, bool awaiting_order, size_t limit,
			       struct tandem_arena *a, struct tandem_invoice_row **rows, size_t *n,
			       bool *more, struct tandem_diag *d);

/*
 * Offsets a credit note (suspended, waiting for the comptable) against an
 * invoice of the same supplier, not yet paid nor ordered, whose amount
 * left to pay covers it: the credit note becomes paid (settled), the
 * invoice's payment order will be for what remains due, and an invoice the
 * credit note covers whole is settled (paid) at once. actor: comptable. A
 * credit note is offset whole, against one invoice. Refused with nothing
 * changed, each with a finding: TANDEM_EPERM, TANDEM_ENOENT (-UNKNOWN),
 * TANDEM_EBADINPUT (TANDEM-CREDIT-STATE, -SUPPLIER), TANDEM_ELIMIT
 * (-AMOUNT: the invoice has less left to pay).
 */
int tandem_ledger_credit_offset(struct tandem_store *s, const char *actor,
				const char *administration, int64_t credit_note, int64_t invoice,
				struct tandem_diag *d);

/*
 * Routes an invoice à recycler again with corrected routing data - the EJ
 * number (BT-13) and/or the code service or Leitweg-ID (BT-10); NULL keeps
 * the stored one - on the supplier's request, which note records. The file
 * stays as received; the route and match run as at import (the commitment,
 * service done, the tolerance, the bank account) and res says the new
 * status, à recycler again if the data are still wrong. actor: ordonnateur
 * or admin. Refused with nothing changed, each with a finding:
 * TANDEM_EPERM, TANDEM_ENOENT (-UNKNOWN), TANDEM_EBADINPUT (-STATUS: not à
 * recycler; -REROUTE: nothing corrected, no note).
 */
int tandem_ledger_invoice_reroute(struct tandem_store *s, const char *actor,
				  const char *administration, int64_t invoice, const char *ej,
				  const char *service, const char *note, struct tandem_diag *d,
				  struct tandem_invoice_result *res);

/*
 * Rejects an invoice (rejet / Zurückweisung), by an ordonnateur or a
 * comptable, for a reason kept as its status reason and in the event: the
 * invoice is REJECTED for good, it no longer counts against its
 * commitment, and the supplier may send a corrected invoice with the same
 * number. An invoice with a payment order not cancelled is refused (cancel
 * the order first), as is one rejected or paid already. Refusals with a
 * finding TANDEM-INVOICE-*: TANDEM_EPERM, TANDEM_ENOENT, TANDEM_EBADINPUT.
 */
int tandem_ledger_invoice_reject(struct tandem_store *s, const char *actor,
				 const char *administration, int64_t invoice, const char *reason,
				 struct tandem_diag *d);

/*
 * The import's facts from an e-invoice the intake module opened, read and
 * validated: strings in the arena or the model's. file and len are the
 * bytes received. Returns 0, or TANDEM_EBADINPUT with a finding
 * (TANDEM-INVOICE-AMOUNT) when a total is missing or not a number of euro
 * cents.
 */
struct tandem_einv_source;
struct tandem_einv_invoice;
struct tandem_einv_verdict;
int tandem_ledger_invoice_from_einv(struct tandem_arena *a, const struct tandem_einv_source *src,
				    const struct tandem_einv_invoice *inv,
				    const struct tandem_einv_verdict *verdict,
				    const struct tandem_diag *findings, const void *file,
				    size_t len, const char *file_name, struct tandem_diag *d,
				    struct tandem_invoice_in *out);

/* ---- payment orders ------------------------------------------------------ */

/*
 * Orders the payment of an invoice (ordre de payer / Anordnung), by an
 * ordonnateur: the invoice must be READY, an invoice (not a credit note)
 * of this administration, not ordered already, and its supplier must have
 * a bank account on record, to which the order is made. The order consumes
 * CP of the year (an open fiscal year), under the availability control of
 * the commitment's budget line (the nearest node up with CP of its own),
 * and is booked in the journal: debit the commitment's expense account
 * (class 6; 604 when none was given), credit 401 Fournisseurs. Refusals,
 * each with a finding TANDEM-PAY-*: TANDEM_EPERM, TANDEM_ENOENT (no such
 * invoice here, no open year), TANDEM_EBADINPUT (status, no bank account),
 * TANDEM_EEXIST (ordered already), TANDEM_ELIMIT (beyond the CP
 * available). Returns 0 with *id set.
 */
int tandem_ledger_pay_order(struct tandem_store *s, const char *actor, const char *administration,
			    int year, int64_t invoice, struct tandem_diag *d, int64_t *id);

/*
 * Approves a payment order (visa du comptable / Feststellung und
 * Auszahlung), by a comptable, who must be none of: the one who created the
 * commitment, who certified service done on it, who ordered the payment,
 * or - for the first payment to a bank account since it was recorded -
 * who recorded that account (TANDEM_EPERM, finding TANDEM-PAY-DUTIES,
 * saying which). An order whose supplier's account changed since it was
 * made is refused (TANDEM-PAY-ACCOUNT): cancel it and order again.
 */
int tandem_ledger_pay_approve(struct tandem_store *s, const char *actor, const char *administration,
			      int64_t order, struct tandem_diag *d);

/*
 * Cancels a payment order not yet paid (ordered or approved), by an
 * ordonnateur or a comptable (the comptable's rejection of an order), for
 * a reason kept with the order: the CP it consumed are available again, its
 * journal entry is reversed (debit 401, credit the expense account), and
 * its invoice may be ordered again. Refusals with a finding TANDEM-PAY-*:
 * TANDEM_EPERM, TANDEM_ENOENT (no such order here), TANDEM_EBADINPUT (no
 * reason; paid or cancelled already).
 */
int tandem_ledger_pay_cancel(struct tandem_store *s, const char *actor, const char *administration,
			     int64_t order, const char *reason, struct tandem_diag *d);

/* ---- payment runs -------------------------------------------------------- */

#define TANDEM_PAY_RUN_MAX 10000 /* orders paid by one run */

/* What a payment run did. */
struct tandem_pay_run_result {
	int64_t id;                                /* the run */
	char message_id[TANDEM_SEPA_ID_MAX + 1];   /* MsgId of its file */
	size_t transactions;
	int64_t total_cents;                       /* the file's control sum */
	char sha256[65];                           /* of the file, lowercase hex */
};

/*
 * Pays the approved payment orders of an administration, oldest first (at
 * most TANDEM_PAY_RUN_MAX; run again for the rest), by one comptable, in
 * one transaction:
 * the SEPA credit-transfer file (pain.001.001.09, tandem/sepa.h) from the
 * administration's account (budget-file lines bank and address) to each
 * supplier's account on the order, with the invoice number in the
 * remittance text, requested for execution_date (YYYY-MM-DD, not before
 * today; NULL: today); the file and its SHA-256 kept in the run's row and
 * its event; each order and its invoice PAID; each payment booked (debit
 * 401 Fournisseurs for the supplier, credit 515 Compte au Tresor).
 * An order whose supplier's account changed since it was approved, or
 * whose supplier has no postal address, is left out with a warning
 * finding (TANDEM-PAY-ACCOUNT, TANDEM-PAY-ADDRESS) and stays approved.
 * The file is appended to file; the caller writes it out (after a failure
 * to write it, tandem_ledger_pay_file() gives it again).
 * Refusals, nothing changed and nothing appended: TANDEM_EPERM (not a
 * comptable), TANDEM_ENOENT (no such administration; no order to pay:
 * TANDEM-PAY-NONE), TANDEM_EBADINPUT (no debtor account or address:
 * TANDEM-PAY-DEBTOR; a field the SEPA rules refuse: TANDEM-SEPA-*),
 * TANDEM_ELIMIT (the file beyond the room in file).
 */
int tandem_ledger_pay_run(struct tandem_store *s, const char *actor, const char *administration,
			  const char *execution_date, struct tandem_diag *d, struct tandem_buf *file,
			  struct tandem_pay_run_result *res);

/* Appends the file of payment run `run` of an administration, as it was
 * written, to file. TANDEM_ENOENT (finding TANDEM-PAY-RUN) when no such run. */
int tandem_ledger_pay_file(struct tandem_store *s, const char *administration, int64_t run,
			   struct tandem_diag *d, struct tandem_buf *file);

/* ---- CPV codes and budget lines of invoice lines --------------------------- */

#define TANDEM_CPV_MAP_MAX 10000        /* rows of one administration's table */
#define TANDEM_CPV_MAP_FILE_MAX (1u << 20)
#define TANDEM_SUGGESTION_LIST_MAX 10000

/*
 * Loads an administration's table from CPV codes to budget lines: text of
 * lines "CPV-PREFIX<TAB>BUDGET-PATH" ('#' starts a comment line; blank
 * lines are skipped), the prefix 2 to 8 digits of a CPV code ("45",
 * "453", "45314000"), the path that of a node of the administration's
 * budget ("150/01/02", "06/0601/52601"). A CPV code goes to the node of its
 * longest prefix in the table. The table is replaced whole, in one
 * transaction with an event holding the text's SHA-256; suggestions
 * already stored keep the line they were given. actor: ordonnateur or
 * admin. Refused with nothing changed, a finding per bad line
 * (TANDEM-CPVMAP-*, with its line number): a prefix not of 2 to 8 digits,
 * twice the same prefix, an unknown path, more than TANDEM_CPV_MAP_MAX rows;
 * TANDEM_EPERM, TANDEM_ENOENT (administration). *rows gets the count.
 */
int tandem_ledger_cpv_map_load(struct tandem_store *s, const char *actor,
			       const char *administration, const char *text, size_t len,
			       struct tandem_diag *d, size_t *rows);

struct tandem_cpv_map_row {
	const char *prefix, *path, *label;   /* label: the budget node's */
};

/* The administration's table, by prefix; texts in the arena. */
int tandem_ledger_cpv_map_list(struct tandem_store *s, const char *administration,
			       struct tandem_arena *a, struct tandem_cpv_map_row **rows,
			       size_t *n, struct tandem_diag *d);

/*
 * Suggestions are stored by tandem_ledger_invoice_import() for the
 * invoices it stores whose tandem_invoice_in carries them: a row per line
 * with the text, the CPV group, its probability and reasons, the model's
 * SHA-256 and the budget line the administration's table gives (none when
 * it has no row for the code), and one event "ai.suggest" per invoice, so
 * that every suggestion reaches the transparency log. A suggestion changes
 * nothing else: no status, no amount, no payment. It waits for a person.
 */
struct tandem_suggestion_row {
	int64_t invoice;
	int line_no;
	const char *text, *cpv, *why;
	uint32_t p_milli;
	bool needs_human;
	const char *budget_path;     /* "" when the table gives none */
	const char *model_sha256;
	const char *decision;        /* "pending", "accepted", "corrected" */
	const char *decided_cpv;     /* "" while pending */
	const char *decided_path;    /* "" while pending or none */
	const char *decided_by;      /* login; "" while pending */
};

/*
 * The suggestions of one invoice (invoice > 0), or of the administration's
 * invoices still waiting for a decision (invoice 0), by invoice and line;
 * at most limit rows (1 .. TANDEM_SUGGESTION_LIST_MAX), *more says if there
 * were more. TANDEM_ENOENT: no such administration or invoice.
 */
int tandem_ledger_suggestions(struct tandem_store *s, const char *administration,
			      int64_t invoice, size_t limit, struct tandem_arena *a,
			      struct tandem_suggestion_row **rows, size_t *n, bool *more,
			      struct tandem_diag *d);

/*
 * A person's decision on a suggestion: cpv NULL accepts the suggested
 * group, else corrects it to cpv (2 to 8 digits, a check digit "-D" is
 * dropped); budget_path NULL takes the line the table gives for the code
 * decided, else names a node of the administration's budget. Recorded with
 * an event "ai.decision" (the suggestion, the decision, note); a decision
 * may be taken again, each recorded. actor: ordonnateur. Refused with
 * nothing changed, each with a finding TANDEM-SUGGEST-*: TANDEM_EPERM,
 * TANDEM_ENOENT (invoice, line, path), TANDEM_EBADINPUT (cpv).
 */
int tandem_ledger_suggestion_decide(struct tandem_store *s, const char *actor,
				    const char *administration, int64_t invoice, int line_no,
				    const char *cpv, const char *budget_path, const char *note,
				    struct tandem_diag *d);

/*
 * Publishes the ledger's events to the transparency log (tandem/tlog_log.h,
 * opened for writing): every event not yet published, in order, one record
 * each (type = the event's action, origin "ledger", origin_id = the event's
 * number, actor, object, detail, input hash), made durable, then marked in
 * the database. A publication cut short (a crash between the log's commit
 * and the mark) is finished from the records already in the log: no event
 * is lost or published twice. *published receives the count. A database
 * already published to another log (another origin), or a log shorter than
 * the mark says, is refused (TANDEM_EBADINPUT, with a finding).
 */
struct tandem_tlog;
int tandem_ledger_publish(struct tandem_store *s, struct tandem_tlog *log, uint64_t *published,
			  struct tandem_diag *d);

#endif /* TANDEM_LEDGER_H */
