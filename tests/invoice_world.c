/*
 * tests/invoice_world.c - the world of the invoice and payment tests: one
 * French administration with two services, a tolerance, a bank account
 * and an address; two suppliers (Dupont with its account, La Poste);
 * three commitments; invoices as the intake would give them.
 */
#include <stdio.h>
#include <string.h>

#include "invoice_world.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "test.h"

const char invoice_world_budget[] =
	"administration FR 11000201100044 Direction générale des finances publiques\n"
	"year 2026\n"
	"service SRV-ACHATS Bureau des achats\n"
	"service SRV-IMMO Immobilier\n"
	"tolerance 1 5.00\n"
	"bank FR7630001007941234567890185 BDFEFRPPCCT\n"
	"address 139 rue de Bercy; 75012; Paris\n"
	"mission    GFP          -           -          Gestion des finances publiques\n"
	"programme  GFP/156      1000000     1000000    Gestion fiscale\n"
	"action     GFP/156/01   -           -          Grandes entreprises\n";

void fake(struct fake *x, const char *number, const char *ej, int64_t due)
{
	snprintf(x->file, sizeof x->file, "<Invoice>%s|%s|%lld</Invoice>", number,
		 ej != NULL ? ej : "-", (long long)due);
	x->in = (struct tandem_invoice_in){
		.file = x->file, .file_len = strlen(x->file), .file_name = number,
		.syntax = "ubl-invoice", .valid = true, .verdict = "valid (CEN-UBL), 0 warnings",
		.number = number, .issue_date = "2026-03-02", .due_date = "2026-04-01",
		.type_code = "380", .currency = "EUR", .buyer_reference = "SRV-ACHATS",
		.order_reference = ej, .seller_siret = DUPONT, .seller_vat = "FR44732829320",
		.buyer_siret = ADMIN, .payee_iban = NULL, .net_cents = due * 5 / 6,
		.vat_cents = due - due * 5 / 6, .gross_cents = due, .due_cents = due,
	};
}

/* Imports one invoice: its code, and its status and reason into r. */
int import1(struct fixture *f, const char *actor, const struct fake *x,
		   struct tandem_invoice_result *r)
{
	int rc = tandem_ledger_invoice_import(f->s, actor, &x->in, 1, &f->d, r);

	return rc != 0 ? rc : r->code;
}

void world(struct fixture *f)
{
	struct tandem_supplier_in dupont = { ADMIN, "Papeterie Dupont", "FR", DUPONT,
					     "FR44732829320", "12 rue des Écoles", "69003",
					     "Lyon" };
	struct tandem_supplier_in poste = { ADMIN, "La Poste", "FR", LAPOSTE, NULL, NULL, NULL,
					    NULL };
	struct tandem_commitment_in c = { ADMIN, 2026, "EJ-1", DUPONT, "GFP/156/01",
					  "Fournitures", 100000, NULL, NULL, 0 };
	bool already;
	int64_t id;

	ASSERT_EQ(tandem_ledger_budget_load(f->s, "alice", invoice_world_budget, strlen(invoice_world_budget), &f->d,
					    &already), 0);
	ASSERT_EQ(tandem_ledger_supplier_add(f->s, "olga", &dupont, &f->d, &id), 0);
	ASSERT_EQ(tandem_ledger_supplier_add(f->s, "olga", &poste, &f->d, &id), 0);
	ASSERT_EQ(tandem_ledger_supplier_account(f->s, "olga", ADMIN, DUPONT,
						 "FR7630006000011234567890189", NULL, "RIB",
						 &f->d), 0);
	ASSERT_EQ(tandem_ledger_commit(f->s, "olga", &c, &f->d, &id), 0);
	c.number = "EJ-2";
	ASSERT_EQ(tandem_ledger_commit(f->s, "olga", &c, &f->d, &id), 0);
	c.number = "EJ-POSTE";
	c.supplier = LAPOSTE;
	ASSERT_EQ(tandem_ledger_commit(f->s, "olga", &c, &f->d, &id), 0);
	ASSERT_EQ(tandem_ledger_user_add(f->s, "alice", "audrey", "Audrey", "auditeur", &f->d), 0);
}

const char *status_of(struct fixture *f, int64_t id)
{
	static char status[16];
	struct tandem_stmt *st;

	ASSERT_EQ(tandem_store_prepare(f->s, "SELECT status FROM invoice WHERE id = $1", &st), 0);
	ASSERT_EQ(tandem_stmt_bind_i64(st, 1, id), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	snprintf(status, sizeof status, "%s", tandem_stmt_text(st, 0));
	tandem_stmt_finalize(st);
	return status;
}

void certify(struct fixture *f, const char *ej, int64_t cents)
{
	int64_t id;

	ASSERT_EQ(tandem_ledger_certify(f->s, "olga", ADMIN, 2026, ej, cents, "delivered", &f->d,
					&id), 0);
}

void assert_books_balance(struct fixture *f)
{
	ASSERT_EQ(query_i64_f(f, "SELECT count(*) FROM (SELECT entry_id FROM journal_line GROUP BY "
			      "entry_id HAVING sum(debit_cents) <> sum(credit_cents) OR count(*) < 2)"
			      " x"), 0);
	/* The running totals of commitments (schema v7) are what they sum. */
	ASSERT_EQ(query_i64_f(f, "SELECT count(*) FROM commitment c WHERE c.invoiced_cents <> "
			      "(SELECT coalesce(sum(i.due_cents), 0) FROM invoice i WHERE "
			      "i.commitment_id = c.id AND i.kind = 'invoice' AND i.status IN "
			      "('received', 'suspended', 'ready', 'paid')) OR c.certified_cents <> "
			      "(SELECT coalesce(sum(f.amount_cents), 0) FROM service_done f WHERE "
			      "f.commitment_id = c.id)"), 0);
	/* The quantities of commitment lines (schema v10, v11): certified and
	 * invoiced are what their certifications and counted invoices sum. */
	ASSERT_EQ(query_i64_f(f, "SELECT count(*) FROM commitment_line cl WHERE cl.invoiced_milli "
			      "<> (SELECT coalesce(sum(l.quantity_milli), 0) FROM invoice_line l JOIN "
			      "invoice i ON i.id = l.invoice_id WHERE l.commitment_line_id = cl.id "
			      "AND i.kind = 'invoice' AND i.status IN ('received', 'suspended', "
			      "'ready', 'paid')) OR cl.certified_milli <> (SELECT "
			      "coalesce(sum(d.quantity_milli), 0) FROM service_done_line d WHERE "
			      "d.commitment_line_id = cl.id)"), 0);
	/* And what each budget node consumed of AE and CP. */
	ASSERT_EQ(query_i64_f(f, "SELECT count(*) FROM (SELECT fiscal_year_id y, budget_node_id n,"
			      " 'AE' k, sum(amount_cents) v FROM commitment WHERE state <> "
			      "'cancelled' GROUP BY fiscal_year_id, budget_node_id UNION ALL SELECT "
			      "o.fiscal_year_id, c.budget_node_id, 'CP', sum(o.amount_cents) FROM "
			      "payment_order o JOIN commitment c ON c.id = o.commitment_id WHERE "
			      "o.state <> 'cancelled' GROUP BY o.fiscal_year_id, c.budget_node_id) d "
			      "FULL JOIN consumption k ON k.fiscal_year_id = d.y AND "
			      "k.budget_node_id = d.n AND k.kind = d.k WHERE coalesce(d.v, 0) <> "
			      "coalesce(k.consumed_cents, 0)"), 0);
}

