/*
 * src/demo/demo_int.h - private to src/demo: the demo's world (its two
 * administrations and their suppliers), the plan of the year (commitments
 * and invoices, each with its days) and the helpers the files share.
 *
 * Days are counted from 1 January of TANDEM_DEMO_YEAR (day 0, a Thursday).
 * Money is int64 euro cents; VAT is computed on cents, rounded half up.
 */
#ifndef TANDEM_DEMO_INT_H
#define TANDEM_DEMO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/demo.h"
#include "tandem/diag.h"
#include "tandem/store.h"

enum { DEMO_FR = 0, DEMO_DE = 1, DEMO_ADMINS = 2 };

#define DEMO_SUPPLIERS_FR 300
#define DEMO_SUPPLIERS_DE 40
#define DEMO_SUPPLIERS_MAX DEMO_SUPPLIERS_FR
#define DEMO_LINES_MAX 8
#define DEMO_INVOICES_PER_COMMITMENT_MAX 3
#define DEMO_NUMBER_MAX 24

/* splitmix64: small, fast and good enough for test data; never rand(). */
struct demo_rng {
	uint64_t state;
};

static inline uint64_t demo_next(struct demo_rng *g)
{
	uint64_t z = (g->state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Uniform in [0, n) (the modulo bias is below 2^-40 for our n); 0 when n
 * is 0. */
static inline uint32_t demo_below(struct demo_rng *g, uint32_t n)
{
	return n > 0 ? (uint32_t)(demo_next(g) % n) : 0;
}

/* True with probability percent / 100. */
static inline bool demo_chance(struct demo_rng *g, unsigned percent)
{
	return demo_below(g, 100) < percent;
}

struct demo_supplier {
	char name[72];
	char siret[15];          /* French ones; "" for German ones */
	char vat[16];
	char iban[35];
	char street[64], postcode[8], town[40];
	char email[80], phone[24];
	unsigned invoice_seq;    /* the supplier's own invoice numbers */
	bool reserved;           /* kept for a planted anomaly */
};

struct demo_line {
	const char *path;
	const char *label;
	const char *const *objects; /* NULL-terminated */
	int64_t planned_cents;      /* commitments planned on it */
};

struct demo_admin {
	const char *id;             /* SIRET or Leitweg-ID */
	const char *name;
	const char *ordonnateur, *certifier, *comptable[2], *account_recorder;
	unsigned vat_percent;
	struct demo_line lines[DEMO_LINES_MAX];
	size_t n_lines;
	struct demo_supplier *sup;
	size_t n_sup;
	int64_t *orders;            /* ordered, not approved yet */
	size_t n_orders;
	size_t approved;            /* approved, not paid yet */
};

/* What becomes of an invoice, as planned. */
enum demo_kind {
	DEMO_INV_NORMAL = 0,
	DEMO_INV_BEYOND,            /* beyond the commitment: suspended */
	DEMO_INV_BEYOND_REJECT,     /* the same, then rejected */
	DEMO_INV_BAD_SERVICE,       /* unknown code service: a_recycler */
	DEMO_INV_BAD_EJ,            /* unknown EJ number: a_recycler */
};

struct demo_commitment {
	uint8_t admin, line, object;
	uint32_t supplier;
	int day;
	int cert_day[2];            /* -1: none */
	int64_t cert_cents[2];
	int64_t amount_cents;       /* TTC, what invoices are matched against */
	uint32_t first_invoice, n_invoices;
	char number[DEMO_NUMBER_MAX];
	int64_t id;
};

struct demo_invoice {
	uint32_t commitment;
	int day;                    /* received */
	int issue_day;
	uint8_t kind;
	bool cii;
	int64_t net_cents;
	char number[DEMO_NUMBER_MAX];
	int64_t id;
	char status[16];
};

struct tandem_einv_validator;

struct demo {
	struct tandem_store *s;
	struct tandem_diag *d;
	struct tandem_demo_report *r;
	struct demo_rng rng;
	struct demo_admin admin[DEMO_ADMINS];
	struct demo_commitment *c;
	size_t n_c;
	struct demo_invoice *inv;
	size_t n_inv, cap_inv;
	struct tandem_einv_validator *val;
	int first_day, last_day;
	int day;                    /* being played */
	unsigned tick;              /* actions of the day, for the clock */
	/* Planted anomalies: supplier indexes (French), days, invoices. */
	uint32_t dup_sup, split_sup, iban_sup;
	uint32_t dup_inv[2];
	uint32_t split_c[3];
	uint32_t iban_inv;
	int iban_day;
};

/* world.c */
int demo_world(struct demo *w, const char *parties);
int demo_world_load(struct demo *w);
void demo_world_release(struct demo *w);
int demo_iban_fr(struct demo_rng *g, char out[35]);
extern const char *const demo_services[];

/* plan.c */
int demo_plan(struct demo *w, unsigned commitments);
int64_t demo_vat(int64_t net_cents, unsigned percent);

/* invoices.c */
int demo_invoices_import(struct demo *w, size_t admin, const uint32_t *idx, size_t n);

/* year.c */
void demo_date(int day, char out[11]);
void demo_clock(struct demo *w);
bool demo_working_day(int day);
bool demo_run_day(size_t admin, int day);
int demo_year(struct demo *w);

/* anomalies.c */
int demo_plant(struct demo *w, size_t *n_c);
int demo_change_iban(struct demo *w);
int demo_anomalies_report(struct demo *w);

#endif /* TANDEM_DEMO_INT_H */
