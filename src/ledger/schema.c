/*
 * src/ledger/schema.c - the ledger's tables, as numbered migrations in the
 * SQL both engines share (tandem/store.h). A released migration is never
 * edited: changes are new migrations.
 *
 * Version 1, the frame the rest hangs on: users and their roles (the
 * separation of duties is between roles and between persons), the
 * administration (French: SIRET and its services' codes for Chorus Pro;
 * German: Leitweg-ID), fiscal years, the budget structure (mission >
 * programme > action > sous-action; Einzelplan > Kapitel > Titel) as a
 * tree addressed by its path, appropriations AE/CP (DE:
 * Verpflichtungsermaechtigungen / Ausgabemittel) with their movements,
 * and the event log every state change writes.
 */
#include <stddef.h>

#include "tandem/ledger.h"

static const char schema_v1[] =
	"CREATE TABLE app_user ("
	" id {id},"
	" login TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" role TEXT NOT NULL CHECK (role IN ('ordonnateur', 'comptable', 'auditeur', 'admin')),"
	" created_at TEXT NOT NULL);"

	"CREATE TABLE event ("
	" id {id},"
	" at TEXT NOT NULL,"
	" user_id BIGINT REFERENCES app_user (id),"
	" action TEXT NOT NULL,"
	" object TEXT NOT NULL,"
	" object_id BIGINT,"
	" input_sha256 TEXT CHECK (input_sha256 IS NULL OR length(input_sha256) = 64),"
	" detail TEXT NOT NULL);"

	"CREATE TABLE administration ("
	" id {id},"
	" country TEXT NOT NULL CHECK (country IN ('FR', 'DE')),"
	" name TEXT NOT NULL,"
	" siret TEXT CHECK (siret IS NULL OR length(siret) = 14),"
	" leitweg_id TEXT,"
	" created_at TEXT NOT NULL,"
	" CHECK ((country = 'FR' AND siret IS NOT NULL) OR"
	"        (country = 'DE' AND leitweg_id IS NOT NULL)));"

	/* A French code service (BT-10 for Chorus Pro) or a German unit with
	 * its own Leitweg-ID. */
	"CREATE TABLE service ("
	" id {id},"
	" administration_id BIGINT NOT NULL REFERENCES administration (id),"
	" code TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" UNIQUE (administration_id, code));"

	"CREATE TABLE fiscal_year ("
	" id {id},"
	" administration_id BIGINT NOT NULL REFERENCES administration (id),"
	" year BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2200),"
	" state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),"
	" UNIQUE (administration_id, year));"

	/* path: the codes from the root, "150/01/02" or "06/0601/52601". */
	"CREATE TABLE budget_node ("
	" id {id},"
	" administration_id BIGINT NOT NULL REFERENCES administration (id),"
	" parent_id BIGINT REFERENCES budget_node (id),"
	" level TEXT NOT NULL CHECK (level IN ('mission', 'programme', 'action', 'sous_action',"
	"                                      'einzelplan', 'kapitel', 'titel')),"
	" code TEXT NOT NULL,"
	" path TEXT NOT NULL,"
	" label TEXT NOT NULL,"
	" UNIQUE (administration_id, path));"

	"CREATE TABLE appropriation ("
	" id {id},"
	" fiscal_year_id BIGINT NOT NULL REFERENCES fiscal_year (id),"
	" budget_node_id BIGINT NOT NULL REFERENCES budget_node (id),"
	" kind TEXT NOT NULL CHECK (kind IN ('AE', 'CP')),"
	" initial_cents BIGINT NOT NULL CHECK (initial_cents >= 0),"
	" UNIQUE (fiscal_year_id, budget_node_id, kind));"

	/* Transfers, openings and cancellations: signed, each from an event. */
	"CREATE TABLE appropriation_movement ("
	" id {id},"
	" appropriation_id BIGINT NOT NULL REFERENCES appropriation (id),"
	" amount_cents BIGINT NOT NULL CHECK (amount_cents <> 0),"
	" reason TEXT NOT NULL,"
	" event_id BIGINT NOT NULL REFERENCES event (id));";

/*
 * Version 2: suppliers, the history of their bank accounts (the current
 * one is the latest; each change says who made it, when, on what
 * evidence), and legal commitments (EJ / Bestellung), which consume AE of
 * the budget node they are imputed on.
 */
static const char schema_v2[] =
	"CREATE TABLE supplier ("
	" id {id},"
	" administration_id BIGINT NOT NULL REFERENCES administration (id),"
	" name TEXT NOT NULL,"
	" country TEXT NOT NULL CHECK (length(country) = 2),"
	" siret TEXT CHECK (siret IS NULL OR length(siret) = 14),"
	" vat_id TEXT,"
	" created_at TEXT NOT NULL,"
	" CHECK (siret IS NOT NULL OR vat_id IS NOT NULL),"
	" UNIQUE (administration_id, siret),"
	" UNIQUE (administration_id, vat_id));"

	"CREATE TABLE supplier_account ("
	" id {id},"
	" supplier_id BIGINT NOT NULL REFERENCES supplier (id),"
	" iban TEXT NOT NULL,"
	" bic TEXT,"
	" changed_by BIGINT NOT NULL REFERENCES app_user (id),"
	" changed_at TEXT NOT NULL,"
	" evidence TEXT NOT NULL CHECK (length(evidence) > 0),"
	" event_id BIGINT NOT NULL REFERENCES event (id));"

	"CREATE TABLE commitment ("
	" id {id},"
	" fiscal_year_id BIGINT NOT NULL REFERENCES fiscal_year (id),"
	" number TEXT NOT NULL,"
	" supplier_id BIGINT NOT NULL REFERENCES supplier (id),"
	" budget_node_id BIGINT NOT NULL REFERENCES budget_node (id),"
	" object TEXT NOT NULL,"
	" amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),"
	" state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'cancelled')),"
	" created_by BIGINT NOT NULL REFERENCES app_user (id),"
	" created_at TEXT NOT NULL,"
	" event_id BIGINT NOT NULL REFERENCES event (id),"
	" UNIQUE (fiscal_year_id, number));"

	"CREATE INDEX commitment_node ON commitment (budget_node_id, fiscal_year_id);"
	"CREATE INDEX supplier_account_supplier ON supplier_account (supplier_id, id);";

/*
 * Version 3: service done (service fait / sachliche Richtigkeit): the
 * certification, by an ordonnateur, that what a commitment ordered was
 * delivered, for an amount; the invoice is paid against it.
 */
static const char schema_v3[] =
	"CREATE TABLE service_done ("
	" id {id},"
	" commitment_id BIGINT NOT NULL REFERENCES commitment (id),"
	" amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),"
	" note TEXT NOT NULL,"
	" certified_by BIGINT NOT NULL REFERENCES app_user (id),"
	" certified_at TEXT NOT NULL,"
	" event_id BIGINT NOT NULL REFERENCES event (id));"
	"CREATE INDEX service_done_commitment ON service_done (commitment_id);";


/*
 * Version 4: invoices received, each with the bytes of its file and their
 * SHA-256 (a file is stored once per administration), its routing (the
 * supplier, the commitment, the code service), its totals, the intake's
 * verdict and its status; the tolerance of the three-way match, per
 * administration; the account a commitment's expense is booked to.
 */
static const char schema_v4[] =
	"ALTER TABLE administration ADD COLUMN match_tolerance_bp BIGINT NOT NULL DEFAULT 0"
	" CHECK (match_tolerance_bp BETWEEN 0 AND 10000);"
	"ALTER TABLE administration ADD COLUMN match_tolerance_cents BIGINT NOT NULL DEFAULT 0"
	" CHECK (match_tolerance_cents >= 0);"
	"ALTER TABLE commitment ADD COLUMN account_code TEXT;"

	"CREATE TABLE invoice ("
	" id {id},"
	" administration_id BIGINT NOT NULL REFERENCES administration (id),"
	" supplier_id BIGINT REFERENCES supplier (id),"
	" commitment_id BIGINT REFERENCES commitment (id),"
	" service_code TEXT,"
	" kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),"
	" number TEXT NOT NULL,"
	" number_norm TEXT NOT NULL,"
	" seller_key TEXT NOT NULL,"
	" type_code TEXT NOT NULL,"
	" issue_date TEXT NOT NULL,"
	" due_date TEXT,"
	" currency TEXT NOT NULL CHECK (currency = 'EUR'),"
	" buyer_reference TEXT,"
	" order_reference TEXT,"
	" payee_iban TEXT,"
	" net_cents BIGINT NOT NULL,"
	" vat_cents BIGINT NOT NULL,"
	" gross_cents BIGINT NOT NULL,"
	" due_cents BIGINT NOT NULL CHECK (due_cents >= 0),"
	" syntax TEXT NOT NULL,"
	" file_name TEXT NOT NULL,"
	" file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),"
	" verdict TEXT NOT NULL,"
	" status TEXT NOT NULL CHECK (status IN ('received', 'a_recycler', 'suspended',"
	"                                        'rejected', 'ready', 'paid')),"
	" status_reason TEXT NOT NULL,"
	" received_by BIGINT NOT NULL REFERENCES app_user (id),"
	" received_at TEXT NOT NULL,"
	" event_id BIGINT NOT NULL REFERENCES event (id),"
	" UNIQUE (administration_id, file_sha256));"
	/* The same supplier's number is booked once, unless rejected. */
	"CREATE UNIQUE INDEX invoice_number ON invoice (administration_id, seller_key, number_norm)"
	" WHERE status <> 'rejected';"
	"CREATE INDEX invoice_commitment ON invoice (commitment_id);"
	"CREATE INDEX invoice_status ON invoice (administration_id, status);"

	"CREATE TABLE invoice_file ("
	" invoice_id BIGINT PRIMARY KEY REFERENCES invoice (id),"
	" bytes {blob} NOT NULL);";

/*
 * Version 5: the chart of accounts (a subset of the French state's chart,
 * classes 4, 5 and 6, to which budget files add), payment orders (the
 * ordonnateur's order to pay an invoice, which consumes CP of a year, and
 * the comptable's approval), payment runs (the SEPA file sent to the
 * bank, kept with its SHA-256) and the double-entry journal, whose every
 * entry balances. The administration gains the account it pays from.
 */
static const char schema_v5[] =
	"ALTER TABLE administration ADD COLUMN debtor_iban TEXT;"
	"ALTER TABLE administration ADD COLUMN debtor_bic TEXT;"

	"CREATE TABLE account ("
	" code TEXT PRIMARY KEY,"
	" label TEXT NOT NULL,"
	" class BIGINT NOT NULL CHECK (class BETWEEN 1 AND 9));"
	"INSERT INTO account (code, label, class) VALUES"
	" ('401', 'Fournisseurs', 4),"
	" ('4011', 'Fournisseurs - mandats a payer', 4),"
	" ('515', 'Compte au Tresor', 5),"
	" ('5151', 'Compte au Tresor - virements emis', 5),"
	" ('604', 'Achats d''etudes et prestations de services', 6),"
	" ('606', 'Achats non stockes de matieres et fournitures', 6),"
	" ('611', 'Sous-traitance generale', 6),"
	" ('613', 'Locations', 6),"
	" ('615', 'Entretien et reparations', 6),"
	" ('622', 'Remunerations d''intermediaires et honoraires', 6),"
	" ('623', 'Publicite, publications, relations publiques', 6),"
	" ('625', 'Deplacements, missions et receptions', 6),"
	" ('626', 'Frais postaux et de telecommunications', 6),"
	" ('628', 'Divers', 6);"

	"CREATE TABLE payment_order ("
	" id {id},"
	" invoice_id BIGINT NOT NULL REFERENCES invoice (id),"
	" commitment_id BIGINT NOT NULL REFERENCES commitment (id),"
	" fiscal_year_id BIGINT NOT NULL REFERENCES fiscal_year (id),"
	" amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),"
	" supplier_account_id BIGINT NOT NULL REFERENCES supplier_account (id),"
	" state TEXT NOT NULL CHECK (state IN ('ordered', 'approved', 'paid', 'cancelled')),"
	" ordered_by BIGINT NOT NULL REFERENCES app_user (id),"
	" ordered_at TEXT NOT NULL,"
	" approved_by BIGINT REFERENCES app_user (id),"
	" approved_at TEXT,"
	" run_id BIGINT,"
	" event_id BIGINT NOT NULL REFERENCES event (id));"
	/* An invoice is ordered once, unless the order was cancelled. */
	"CREATE UNIQUE INDEX payment_order_invoice ON payment_order (invoice_id)"
	" WHERE state <> 'cancelled';"
	"CREATE INDEX payment_order_state ON payment_order (state);"

	"CREATE TABLE payment_run ("
	" id {id},"
	" administration_id BIGINT NOT NULL REFERENCES administration (id),"
	" message_id TEXT NOT NULL UNIQUE,"
	" execution_date TEXT NOT NULL,"
	" debtor_iban TEXT NOT NULL,"
	" transactions BIGINT NOT NULL CHECK (transactions > 0),"
	" total_cents BIGINT NOT NULL CHECK (total_cents > 0),"
	" file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),"
	" file {blob} NOT NULL,"
	" created_by BIGINT NOT NULL REFERENCES app_user (id),"
	" created_at TEXT NOT NULL,"
	" event_id BIGINT NOT NULL REFERENCES event (id));"

	"CREATE TABLE journal_entry ("
	" id {id},"
	" administration_id BIGINT NOT NULL REFERENCES administration (id),"
	" fiscal_year_id BIGINT NOT NULL REFERENCES fiscal_year (id),"
	" entry_date TEXT NOT NULL,"
	" label TEXT NOT NULL,"
	" invoice_id BIGINT REFERENCES invoice (id),"
	" payment_order_id BIGINT REFERENCES payment_order (id),"
	" event_id BIGINT NOT NULL REFERENCES event (id));"
	"CREATE TABLE journal_line ("
	" id {id},"
	" entry_id BIGINT NOT NULL REFERENCES journal_entry (id),"
	" account_code TEXT NOT NULL REFERENCES account (code),"
	" debit_cents BIGINT NOT NULL CHECK (debit_cents >= 0),"
	" credit_cents BIGINT NOT NULL CHECK (credit_cents >= 0),"
	" supplier_id BIGINT REFERENCES supplier (id),"
	" CHECK ((debit_cents = 0) <> (credit_cents = 0)));"
	"CREATE INDEX journal_line_entry ON journal_line (entry_id);";

/*
 * Version 6: what a payment run needs and keeps. Postal addresses of the
 * administration (the debtor of its SEPA files) and of suppliers (the
 * creditors): SEPA files carry structured addresses. The cancellation of a
 * payment order, with who, when and why. The run each order was paid in.
 */
static const char schema_v6[] =
	"ALTER TABLE administration ADD COLUMN street TEXT;"
	"ALTER TABLE administration ADD COLUMN postcode TEXT;"
	"ALTER TABLE administration ADD COLUMN town TEXT;"
	"ALTER TABLE supplier ADD COLUMN street TEXT;"
	"ALTER TABLE supplier ADD COLUMN postcode TEXT;"
	"ALTER TABLE supplier ADD COLUMN town TEXT;"
	"ALTER TABLE payment_order ADD COLUMN cancelled_by BIGINT REFERENCES app_user (id);"
	"ALTER TABLE payment_order ADD COLUMN cancelled_at TEXT;"
	"ALTER TABLE payment_order ADD COLUMN cancel_reason TEXT;"
	"CREATE INDEX payment_order_run ON payment_order (run_id);";

/*
 * Version 7: running totals of each commitment, so that matching an invoice
 * reads one row instead of summing every invoice and certification of the
 * commitment. invoiced_cents is the amount due of its invoices (not credit
 * notes) that count against it - received, suspended, ready or paid;
 * certified_cents the service done on it. And what each budget node has
 * consumed of a year's AE (its live commitments) and CP (its live payment
 * orders), so that the availability control sums a few nodes, not every
 * document. The ledger keeps all of them in the transaction that changes
 * what they sum; the migration computes them for a database made before.
 */
static const char schema_v7[] =
	"ALTER TABLE commitment ADD COLUMN invoiced_cents BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE commitment ADD COLUMN certified_cents BIGINT NOT NULL DEFAULT 0;"
	"UPDATE commitment SET"
	" invoiced_cents = (SELECT coalesce(sum(i.due_cents), 0) FROM invoice i"
	"  WHERE i.commitment_id = commitment.id AND i.kind = 'invoice'"
	"  AND i.status IN ('received', 'suspended', 'ready', 'paid')),"
	" certified_cents = (SELECT coalesce(sum(f.amount_cents), 0) FROM service_done f"
	"  WHERE f.commitment_id = commitment.id);"
	"CREATE TABLE consumption ("
	" fiscal_year_id BIGINT NOT NULL REFERENCES fiscal_year (id),"
	" budget_node_id BIGINT NOT NULL REFERENCES budget_node (id),"
	" kind TEXT NOT NULL CHECK (kind IN ('AE', 'CP')),"
	" consumed_cents BIGINT NOT NULL CHECK (consumed_cents >= 0),"
	" PRIMARY KEY (fiscal_year_id, budget_node_id, kind));"
	"INSERT INTO consumption (fiscal_year_id, budget_node_id, kind, consumed_cents)"
	" SELECT c.fiscal_year_id, c.budget_node_id, 'AE', sum(c.amount_cents) FROM commitment c"
	" WHERE c.state <> 'cancelled' GROUP BY c.fiscal_year_id, c.budget_node_id;"
	"INSERT INTO consumption (fiscal_year_id, budget_node_id, kind, consumed_cents)"
	" SELECT o.fiscal_year_id, c.budget_node_id, 'CP', sum(o.amount_cents)"
	" FROM payment_order o JOIN commitment c ON c.id = o.commitment_id"
	" WHERE o.state <> 'cancelled' GROUP BY o.fiscal_year_id, c.budget_node_id;";

/*
 * Version 8: credit notes offset against an invoice of the same supplier:
 * the comptable's decision, with who and when; the invoice's payment is
 * what remains due.
 */
static const char schema_v8[] =
	"CREATE TABLE credit_offset ("
	" id {id},"
	" credit_note_id BIGINT NOT NULL UNIQUE REFERENCES invoice (id),"
	" invoice_id BIGINT NOT NULL REFERENCES invoice (id),"
	" amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),"
	" offset_by BIGINT NOT NULL REFERENCES app_user (id),"
	" offset_at TEXT NOT NULL,"
	" event_id BIGINT NOT NULL REFERENCES event (id));"
	"CREATE INDEX credit_offset_invoice ON credit_offset (invoice_id);";

/*
 * Version 9: how far the events went into the transparency log: the last
 * event published, the log's size then, and which log (its origin), so
 * that a publication cut short between the log and the database is
 * finished without sending an event twice.
 */
static const char schema_v9[] =
	"CREATE TABLE tlog_mark ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" origin TEXT NOT NULL,"
	" event_id BIGINT NOT NULL CHECK (event_id >= 0),"
	" log_size BIGINT NOT NULL CHECK (log_size >= 0));";

/*
 * Version 10: the lines of a commitment (what is ordered, how much, in
 * which unit, for what amount) and how much of each line service done has
 * certified, certification by certification.
 */
static const char schema_v10[] =
	"CREATE TABLE commitment_line ("
	" id {id},"
	" commitment_id BIGINT NOT NULL REFERENCES commitment (id),"
	" line_no INTEGER NOT NULL CHECK (line_no > 0),"
	" description TEXT NOT NULL,"
	" unit TEXT NOT NULL,"
	" quantity_milli BIGINT NOT NULL CHECK (quantity_milli > 0),"
	" amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),"
	" certified_milli BIGINT NOT NULL DEFAULT 0"
	"  CHECK (certified_milli >= 0 AND certified_milli <= quantity_milli),"
	" UNIQUE (commitment_id, line_no));"
	"CREATE TABLE service_done_line ("
	" service_done_id BIGINT NOT NULL REFERENCES service_done (id),"
	" commitment_line_id BIGINT NOT NULL REFERENCES commitment_line (id),"
	" quantity_milli BIGINT NOT NULL CHECK (quantity_milli > 0),"
	" amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),"
	" PRIMARY KEY (service_done_id, commitment_line_id));";

/*
 * Version 11: the lines of the invoices routed to a commitment with lines
 * (the quantity each claims on which commitment line), the quantity of
 * each commitment line its counted invoices claim, and how many lines a
 * commitment has.
 */
static const char schema_v11[] =
	"ALTER TABLE commitment ADD COLUMN line_count BIGINT NOT NULL DEFAULT 0;"
	"UPDATE commitment SET line_count = (SELECT count(*) FROM commitment_line l"
	" WHERE l.commitment_id = commitment.id);"
	"ALTER TABLE commitment_line ADD COLUMN invoiced_milli BIGINT NOT NULL DEFAULT 0;"
	"CREATE TABLE invoice_line ("
	" invoice_id BIGINT NOT NULL REFERENCES invoice (id),"
	" line_no INTEGER NOT NULL CHECK (line_no > 0),"
	" commitment_line_id BIGINT REFERENCES commitment_line (id),"
	" quantity_milli BIGINT NOT NULL,"
	" unit TEXT,"
	" net_cents BIGINT NOT NULL,"
	" PRIMARY KEY (invoice_id, line_no));"
	"CREATE INDEX invoice_line_commitment_line ON invoice_line (commitment_line_id);";

/*
 * Version 12: what a classifier suggested for the lines of an invoice (a
 * CPV group, with its probability and reasons, and the budget line the
 * administration's table gives for it) and what a person decided of it;
 * the table from CPV codes to budget lines, per administration.
 */
static const char schema_v12[] =
	"CREATE TABLE cpv_budget_map ("
	" administration_id BIGINT NOT NULL REFERENCES administration (id),"
	" cpv_prefix TEXT NOT NULL CHECK (length(cpv_prefix) BETWEEN 2 AND 8),"
	" budget_node_id BIGINT NOT NULL REFERENCES budget_node (id),"
	" PRIMARY KEY (administration_id, cpv_prefix));"
	"CREATE TABLE line_suggestion ("
	" invoice_id BIGINT NOT NULL REFERENCES invoice (id),"
	" line_no INTEGER NOT NULL CHECK (line_no > 0),"
	" text TEXT NOT NULL,"
	" cpv TEXT NOT NULL CHECK (length(cpv) BETWEEN 2 AND 8),"
	" p_milli INTEGER NOT NULL CHECK (p_milli BETWEEN 0 AND 1000),"
	" needs_human INTEGER NOT NULL CHECK (needs_human IN (0, 1)),"
	" why TEXT NOT NULL,"
	" budget_node_id BIGINT REFERENCES budget_node (id),"
	" model_sha256 TEXT NOT NULL CHECK (length(model_sha256) = 64),"
	" event_id BIGINT NOT NULL REFERENCES event (id),"
	" decision TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (decision IN ('pending', 'accepted', 'corrected')),"
	" decided_cpv TEXT CHECK (decided_cpv IS NULL OR length(decided_cpv) BETWEEN 2 AND 8),"
	" decided_node_id BIGINT REFERENCES budget_node (id),"
	" decided_by BIGINT REFERENCES app_user (id),"
	" decided_event_id BIGINT REFERENCES event (id),"
	" PRIMARY KEY (invoice_id, line_no));"
	"CREATE INDEX line_suggestion_pending ON line_suggestion (decision, invoice_id);";

/*
 * Version 13: the file's SHA-256 is found by a key of 60 bits (its first 15
 * hex digits, an integer) instead of a unique index on its 64 hex digits.
 * Hashes are random, so every batch of invoices wrote into nearly every
 * page of that index: at 1,000,000 invoices it held 21,000 pages of 4 KiB,
 * all rewritten at each commit, and it cost a third of the import's time.
 * The key's index is a quarter of the size; the full hash is compared on the
 * rows of the key. That a file is stored once per administration is kept by
 * the import, which looks the file up under the store's write lock before
 * storing it, as it did before writing anything; the index no longer refuses
 * a second copy by itself. PostgreSQL drops the constraint; SQLite cannot
 * drop a table's own constraint, so it makes the table anew (schema_v13_sqlite,
 * run with foreign keys off and checked whole before the commit), with the
 * same checks - the status's written so that SQLite does not build a
 * temporary index for it at every insert (a tenth of an import's work).
 */
static const char schema_v13[] =
	"ALTER TABLE invoice DROP CONSTRAINT invoice_administration_id_file_sha256_key;"
	"ALTER TABLE invoice ADD COLUMN file_key BIGINT;"
	"UPDATE invoice SET file_key = ('x' || substr(file_sha256, 1, 15))::bit(60)::bigint;"
	"ALTER TABLE invoice ALTER COLUMN file_key SET NOT NULL;"
	"CREATE INDEX invoice_file_key ON invoice (administration_id, file_key);";

/* A hex digit of file_sha256 (lowercase, as written) as its value. */
#define HEX_DIGIT(i) "(instr('0123456789abcdef', substr(file_sha256, " #i ", 1)) - 1)"

static const char schema_v13_sqlite[] =
	"CREATE TABLE invoice_v13 ("
	" id {id},"
	" administration_id BIGINT NOT NULL REFERENCES administration (id),"
	" supplier_id BIGINT REFERENCES supplier (id),"
	" commitment_id BIGINT REFERENCES commitment (id),"
	" service_code TEXT,"
	" kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),"
	" number TEXT NOT NULL,"
	" number_norm TEXT NOT NULL,"
	" seller_key TEXT NOT NULL,"
	" type_code TEXT NOT NULL,"
	" issue_date TEXT NOT NULL,"
	" due_date TEXT,"
	" currency TEXT NOT NULL CHECK (currency = 'EUR'),"
	" buyer_reference TEXT,"
	" order_reference TEXT,"
	" payee_iban TEXT,"
	" net_cents BIGINT NOT NULL,"
	" vat_cents BIGINT NOT NULL,"
	" gross_cents BIGINT NOT NULL,"
	" due_cents BIGINT NOT NULL CHECK (due_cents >= 0),"
	" syntax TEXT NOT NULL,"
	" file_name TEXT NOT NULL,"
	" file_sha256 TEXT NOT NULL CHECK (length(file_sha256) = 64),"
	" verdict TEXT NOT NULL,"
	/* The same check as an IN list, which SQLite runs by building a
	 * temporary index of its six values at every insert or update. */
	" status TEXT NOT NULL CHECK (status = 'received' OR status = 'a_recycler' OR"
	"  status = 'suspended' OR status = 'rejected' OR status = 'ready' OR status = 'paid'),"
	" status_reason TEXT NOT NULL,"
	" received_by BIGINT NOT NULL REFERENCES app_user (id),"
	" received_at TEXT NOT NULL,"
	" event_id BIGINT NOT NULL REFERENCES event (id),"
	" file_key BIGINT NOT NULL);"
	"INSERT INTO invoice_v13 ("
	"id, administration_id, supplier_id, commitment_id, service_code, kind, number, "
	"number_norm, seller_key, type_code, issue_date, due_date, currency, "
	"buyer_reference, order_reference, payee_iban, net_cents, vat_cents, "
	"gross_cents, due_cents, syntax, file_name, file_sha256, verdict, status, "
	"status_reason, received_by, received_at, event_id"
	", file_key) SELECT "
	"id, administration_id, supplier_id, commitment_id, service_code, kind, number, "
	"number_norm, seller_key, type_code, issue_date, due_date, currency, "
	"buyer_reference, order_reference, payee_iban, net_cents, vat_cents, "
	"gross_cents, due_cents, syntax, file_name, file_sha256, verdict, status, "
	"status_reason, received_by, received_at, event_id"
	", "
	HEX_DIGIT(1) " * 72057594037927936" " + "
	HEX_DIGIT(2) " * 4503599627370496" " + "
	HEX_DIGIT(3) " * 281474976710656" " + "
	HEX_DIGIT(4) " * 17592186044416" " + "
	HEX_DIGIT(5) " * 1099511627776" " + "
	HEX_DIGIT(6) " * 68719476736" " + "
	HEX_DIGIT(7) " * 4294967296" " + "
	HEX_DIGIT(8) " * 268435456" " + "
	HEX_DIGIT(9) " * 16777216" " + "
	HEX_DIGIT(10) " * 1048576" " + "
	HEX_DIGIT(11) " * 65536" " + "
	HEX_DIGIT(12) " * 4096" " + "
	HEX_DIGIT(13) " * 256" " + "
	HEX_DIGIT(14) " * 16" " + "
	HEX_DIGIT(15) " * 1"
	" FROM invoice;"
	"DROP TABLE invoice;"
	"ALTER TABLE invoice_v13 RENAME TO invoice;"
	"CREATE UNIQUE INDEX invoice_number ON invoice (administration_id, seller_key, number_norm)"
	" WHERE status <> 'rejected';"
	"CREATE INDEX invoice_commitment ON invoice (commitment_id);"
	"CREATE INDEX invoice_status ON invoice (administration_id, status);"
	"CREATE INDEX invoice_file_key ON invoice (administration_id, file_key);";

#undef HEX_DIGIT

static const struct tandem_migration migrations[] = {
	{ 1, "users, administration, fiscal years, budget structure, AE/CP appropriations, "
	     "events", schema_v1, NULL },
	{ 2, "suppliers, their bank-account history, legal commitments", schema_v2, NULL },
	{ 3, "service done", schema_v3, NULL },
	{ 4, "invoices and their files, the tolerance of the three-way match", schema_v4, NULL },
	{ 5, "chart of accounts, payment orders, payment runs, the journal", schema_v5, NULL },
	{ 6, "postal addresses, cancelled payment orders", schema_v6, NULL },
	{ 7, "running totals: invoiced and certified per commitment, AE and CP consumed per "
	     "budget node", schema_v7, NULL },
	{ 8, "credit notes offset against invoices", schema_v8, NULL },
	{ 9, "the events published to the transparency log", schema_v9, NULL },
	{ 10, "commitment lines, service done by quantity", schema_v10, NULL },
	{ 11, "invoice lines matched against commitment lines", schema_v11, NULL },
	{ 12, "CPV codes and budget lines suggested for invoice lines, the decisions taken, "
	      "the table from CPV codes to budget lines", schema_v12, NULL },
	{ 13, "invoice files found by a 60-bit key of their SHA-256", schema_v13,
	  schema_v13_sqlite },
};

int tandem_ledger_schema_version(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

int tandem_ledger_open(const char *where, unsigned flags, struct tandem_diag *d,
		       struct tandem_store **out)
{
	struct tandem_store *s;
	int rc = tandem_store_open(where, flags, d, &s);

	*out = NULL;
	if (rc != 0)
		return rc;
	rc = tandem_store_migrate(s, migrations, sizeof migrations / sizeof migrations[0], d);
	if (rc != 0) {
		tandem_store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}
