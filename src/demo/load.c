/*
 * src/demo/load.c - the world written into the ledger, through its public
 * API as people would: the users, the two budget files (generated from the
 * plan, so that the appropriations cover the year), the suppliers with
 * their addresses and bank accounts.
 */
#include <stdio.h>
#include <string.h>

#include "demo_int.h"
#include "tandem/buf.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define BUDGET_TEXT_MAX (64u << 10)
#define EURO_STEP 10000000 /* appropriations in steps of 100,000.00 EUR (cents) */

extern const char *const demo_services[];

static int users(struct demo *w)
{
	static const char *const u[][3] = {
		{ "olga", "Olga Lefèvre", "ordonnateur" },
		{ "odile", "Odile Garnier", "ordonnateur" },
		{ "otto", "Otto Brandt", "ordonnateur" },
		{ "carl", "Carl Moreau", "comptable" },
		{ "cora", "Cora Lambert", "comptable" },
		{ "klaus", "Klaus Richter", "comptable" },
		{ "audrey", "Audrey Petit", "auditeur" },
	};
	int rc = tandem_ledger_user_add(w->s, NULL, "alice", "Alice Martin", "admin", w->d);

	for (size_t i = 0; rc == 0 && i < sizeof u / sizeof u[0]; i++)
		rc = tandem_ledger_user_add(w->s, "alice", u[i][0], u[i][1], u[i][2], w->d);
	if (rc == 0)
		w->r->users = 1 + sizeof u / sizeof u[0];
	return rc;
}

/* Room for the year: the planned commitments of the line and a fifth more,
 * rounded up to 100,000 EUR. */
static int64_t room(int64_t planned_cents)
{
	return (planned_cents + planned_cents / 5) / EURO_STEP * EURO_STEP + EURO_STEP;
}

static int budget_lines(struct tandem_buf *b, const struct demo_admin *a, const char *level)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < a->n_lines; i++) {
		int64_t ae = room(a->lines[i].planned_cents);

		rc = tandem_buf_printf(b, "%-10s %-16s %lld.00 %lld.00 %s\n",
				       level,
				       a->lines[i].path, (long long)(ae / 100),
				       (long long)(ae / 100), a->lines[i].label);
	}
	return rc;
}

static int budgets(struct demo *w)
{
	struct tandem_buf b;
	bool already = false;
	int rc;

	tandem_buf_init(&b, BUDGET_TEXT_MAX);
	rc = tandem_buf_printf(&b, "# tandem demo: budget of the French administration\n"
			       "administration FR %s %s\nyear %d\n", TANDEM_DEMO_FR,
			       w->admin[DEMO_FR].name, TANDEM_DEMO_YEAR);
	for (size_t i = 0; rc == 0 && demo_services[i] != NULL; i++)
		rc = tandem_buf_printf(&b, "service %s Service %s\n", demo_services[i],
				       demo_services[i] + 4);
	if (rc == 0)
		rc = tandem_buf_puts(&b, "tolerance 1 5.00\n"
				     "bank FR7630001007941234567890185 BDFEFRPPCCT\n"
				     "address 139 rue de Bercy; 75012; Paris\n"
				     "mission    GFP      - - Gestion des finances publiques\n"
				     "programme  GFP/156  - - Gestion fiscale et financière de "
				     "l'État et du secteur public local\n");
	if (rc == 0)
		rc = budget_lines(&b, &w->admin[DEMO_FR], "action");
	if (rc == 0)
		rc = tandem_ledger_budget_load(w->s, "alice", b.data, b.len, w->d, &already);
	tandem_buf_reset(&b);
	if (rc == 0)
		rc = tandem_buf_printf(&b, "# tandem demo: Einzelplan of the German administration\n"
				       "administration DE %s %s\nyear %d\n"
				       "bank DE13100000000010010000 MARKDEF1100\n"
				       "address Alt-Moabit 140; 10557; Berlin\n"
				       "einzelplan 06      - - %s\n"
				       "kapitel    06/0601 - - Ministerium\n"
				       "kapitel    06/0602 - - Informationstechnik\n",
				       TANDEM_DEMO_DE, w->admin[DEMO_DE].name, TANDEM_DEMO_YEAR,
				       w->admin[DEMO_DE].name);
	if (rc == 0)
		rc = budget_lines(&b, &w->admin[DEMO_DE], "titel");
	if (rc == 0)
		rc = tandem_ledger_budget_load(w->s, "alice", b.data, b.len, w->d, &already);
	tandem_buf_release(&b);
	return rc;
}

static int suppliers(struct demo *w, size_t k)
{
	struct demo_admin *a = &w->admin[k];
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < a->n_sup; i++) {
		const struct demo_supplier *s = &a->sup[i];
		struct tandem_supplier_in in = { a->id, s->name, k == DEMO_FR ? "FR" : "DE",
						 s->siret[0] != '\0' ? s->siret : NULL, s->vat,
						 s->street, s->postcode, s->town };
		const char *key = s->siret[0] != '\0' ? s->siret : s->vat;
		int64_t id;

		demo_clock(w);
		rc = tandem_ledger_supplier_add(w->s, a->ordonnateur, &in, w->d, &id);
		if (rc == 0)
			rc = tandem_ledger_supplier_account(w->s, a->account_recorder, a->id, key,
							    s->iban, NULL,
							    k == DEMO_FR ? "RIB joint à la fiche "
							    "fournisseur" : "Bankverbindung laut "
							    "Stammdatenblatt", w->d);
	}
	if (rc == 0)
		w->r->suppliers[k] = a->n_sup;
	return rc;
}

int demo_world_load(struct demo *w)
{
	int rc;

	w->day = w->first_day - 3;
	w->tick = 0;
	demo_clock(w);
	rc = users(w);
	if (rc == 0)
		rc = budgets(w);
	for (size_t k = 0; rc == 0 && k < DEMO_ADMINS; k++)
		rc = suppliers(w, k);
	return rc;
}
