/*
 * tandem/demo.h - a realistic ledger database for demonstrations, tests
 * and the audit work: one French administration (a programme of the State
 * budget) and one German one (an Einzelplan), their users and suppliers,
 * and a fiscal year played day by day through the public ledger API -
 * commitments, service done, e-invoices written as real EN 16931 files
 * (UBL, CII, XRechnung), validated with the official rules and imported,
 * payment orders, approvals and SEPA payment runs - with a few planted
 * anomalies for audit controls to find (docs/demo.md).
 *
 * Everything is deterministic from the seed: the same options give the
 * same database, up to the times of the real clock nothing reads.
 */
#ifndef TANDEM_DEMO_H
#define TANDEM_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "tandem/diag.h"
#include "tandem/store.h"

/* Limits. */
#define TANDEM_DEMO_COMMITMENTS_MAX 100000   /* both administrations together */
#define TANDEM_DEMO_COMMITMENTS_MIN 30       /* room for the planted anomalies */
#define TANDEM_DEMO_COMMITMENTS_DEFAULT 2600 /* 2000 French, 600 German */
#define TANDEM_DEMO_PARTIES_MAX (64u << 20)  /* bytes of parties.tsv */
#define TANDEM_DEMO_YEAR 2026

/* The administrations the demo creates. */
#define TANDEM_DEMO_FR "11000201100044"      /* SIRET of the French one */
#define TANDEM_DEMO_DE "991-03730-19"        /* Leitweg-ID of the German one */

struct tandem_einv_rules;

struct tandem_demo_options {
	uint64_t seed;            /* 0 is taken as 1 */
	unsigned commitments;     /* in all, 10/13 French; 0: the default */
	const char *parties;      /* path of procurement/parties.tsv (required) */
	const char *artefacts;    /* validation artefacts dir, when rules is NULL */
	struct tandem_einv_rules *rules; /* loaded rules (the caller's), or NULL */
};

/* What the demo planted, for the audit work and the tests to find. */
struct tandem_demo_anomalies {
	/* (a) The same invoice twice, its number keyed differently, both paid. */
	char dup_supplier[16];          /* SIRET */
	char dup_numbers[2][24];
	int64_t dup_invoices[2];
	/* (b) A purchase split in three commitments under 40,000 EUR HT. */
	char split_supplier[16];
	char split_numbers[3][24];
	int64_t split_net_cents[3];     /* HT; each < 4,000,000 */
	int64_t split_commitments[3];
	/* (c) A bank account changed days before a payment to it. */
	char iban_supplier[16];
	char iban_old[35], iban_new[35];
	char iban_changed_on[11];       /* YYYY-MM-DD */
	char iban_changed_by[16];
	int64_t iban_invoice, iban_order, iban_run;
	char iban_paid_on[11];
};

/* The figures of a demo. Invoice statuses in the order of
 * TANDEM_INVOICE_STATUSES. */
enum { TANDEM_DEMO_STATUSES = 6 };

struct tandem_demo_report {
	uint64_t seed;
	size_t users, suppliers[2];               /* [0] French, [1] German */
	size_t commitments[2], certifications[2];
	size_t invoices[2];                       /* stored */
	size_t invoices_ubl, invoices_cii;        /* files written */
	size_t invoices_invalid;                  /* refused by the rules: must be 0 */
	size_t invoices_refused;                  /* refused by the ledger */
	size_t by_status[TANDEM_DEMO_STATUSES];   /* both administrations */
	size_t orders[2], runs[2];
	int64_t paid_cents[2];
	int64_t committed_cents[2];
	char first_day[11], last_day[11];         /* the days played */
	int64_t elapsed_ms;
	struct tandem_demo_anomalies anomalies;
};

/* The name of status i of by_status ("received" ...). */
const char *tandem_demo_status_name(size_t i);

/*
 * Builds the demo in the ledger database s, which must be empty (no user
 * yet: TANDEM_EEXIST with a finding TANDEM-DEMO-NOT-EMPTY otherwise - demo
 * data is never mixed with real data). Sets the ledger clock while it plays
 * the year (tandem_ledger_clock_set) and puts back the real clock before
 * returning. Returns 0 with r filled; TANDEM_EINVAL (bad options),
 * TANDEM_EIO (parties.tsv or the artefacts unreadable: a finding
 * TANDEM-DEMO-INPUT names the path), TANDEM_ENOMEM, or the first error of
 * the ledger, with its findings in d (a generated invoice the rules reject
 * is not an error: it is counted in r->invoices_invalid with its findings).
 */
int tandem_demo_build(struct tandem_store *s, const struct tandem_demo_options *o,
		      struct tandem_diag *d, struct tandem_demo_report *r);

#endif /* TANDEM_DEMO_H */
