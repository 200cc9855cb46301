/*
 * src/demo/world.c - the demo's world: the French and the German
 * administration (their budget lines, users and budget files), French
 * suppliers drawn from parties.tsv (French public procurement data) and
 * German ones made up, each with a postal address and a bank account whose
 * check digits are right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_int.h"
#include "tandem/error.h"
#include "tandem/ident.h"
#include "tandem/ledger.h"

#define PARTIES_LINE_MAX 1024
#define NAME_BYTES_MAX 60       /* fits a SEPA Nm (70) with room */
#define CANDIDATES_MAX 200000

static const char *const fr_obj_01[] = { "Prestations de conseil fiscal", "Etudes et audits",
					 "Licences logicielles", NULL };
static const char *const fr_obj_02[] = { "Maintenance informatique", "Fournitures de bureau",
					 "Affranchissement", NULL };
static const char *const fr_obj_03[] = { "Formation des agents", "Prestations d'impression",
					 NULL };
static const char *const fr_obj_09[] = { "Nettoyage des locaux", "Travaux d'entretien",
					 "Mobilier de bureau", "Gardiennage", NULL };
static const char *const de_obj_1[] = { "Gutachten", "Wirtschaftlichkeitsuntersuchung", NULL };
static const char *const de_obj_2[] = { "Druck von Broschüren", "Öffentlichkeitsarbeit", NULL };
static const char *const de_obj_3[] = { "Büromaterial", "Mobilfunkverträge", NULL };
static const char *const de_obj_4[] = { "Notebooks", "Server und Netzwerktechnik", NULL };

/* French codes service: an invoice's BT-10 names one of them. */
const char *const demo_services[] = { "SRV-ACHATS", "SRV-IMMO", "SRV-INFO", "SRV-FORMATION",
				      NULL };

struct town { const char *name, *postcode; };

static const struct town fr_towns[] = {
	{ "Paris", "75011" }, { "Lyon", "69003" }, { "Marseille", "13008" },
	{ "Toulouse", "31000" }, { "Nantes", "44000" }, { "Lille", "59000" },
	{ "Bordeaux", "33000" }, { "Rennes", "35000" }, { "Strasbourg", "67000" },
	{ "Montpellier", "34000" }, { "Grenoble", "38000" }, { "Dijon", "21000" },
	{ "Orléans", "45000" }, { "Clermont-Ferrand", "63000" }, { "Nancy", "54000" },
};
static const char *const fr_streets[] = { "rue de la République", "avenue Jean Jaurès",
					  "boulevard Victor Hugo", "rue Pasteur",
					  "rue du Général Leclerc", "place de la Gare" };
static const struct town de_towns[] = {
	{ "Berlin", "10115" }, { "Hamburg", "20095" }, { "München", "80331" },
	{ "Köln", "50667" }, { "Frankfurt am Main", "60311" }, { "Leipzig", "04109" },
	{ "Dresden", "01067" }, { "Hannover", "30159" }, { "Bonn", "53111" },
	{ "Potsdam", "14467" },
};
static const char *const de_streets[] = { "Hauptstraße", "Bahnhofstraße", "Gartenweg",
					  "Industriestraße", "Lindenallee", "Schillerstraße" };
static const char *const de_family[] = { "Müller", "Schmidt", "Schneider", "Fischer", "Weber",
					 "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann" };
static const char *const de_trade[] = { "Bürotechnik", "IT-Service", "Gebäudereinigung",
					"Beratung", "Druckerei", "Systemhaus", "Elektro" };
static const char *const de_form[] = { "GmbH", "AG", "GmbH & Co. KG", "e.K." };
static const char *const fr_banks[] = { "30002", "30003", "30004", "30006", "10107", "20041",
					"11315", "18206" };
static const char *const de_banks[] = { "10010010", "37040044", "50070010", "70020270",
					"12030000", "43060967" };

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Appends n random digits to out (of at least n + 1 bytes). */
static void digits(struct demo_rng *g, char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (char)('0' + demo_below(g, 10));
	out[n] = '\0';
}

/* A French IBAN: bank, branch, account and RIB key, then the ISO 7064
 * check digits (tandem_id_compute). */
int demo_iban_fr(struct demo_rng *g, char out[35])
{
	char bban[32], branch[6], account[12];
	struct tandem_id_result r;
	const char *bank = fr_banks[demo_below(g, N_OF(fr_banks))];
	long long key;

	digits(g, branch, 5);
	digits(g, account, 11);
	key = 97 - (89LL * strtoll(bank, NULL, 10) + 15LL * strtoll(branch, NULL, 10) +
		    3LL * strtoll(account, NULL, 10)) % 97;
	(void)snprintf(bban, sizeof bban, "FR00%s%s%s%02lld", bank, branch, account, key);
	return tandem_id_compute(TANDEM_ID_IBAN, bban, strlen(bban), out, 35, &r);
}

static int iban_de(struct demo_rng *g, char out[35])
{
	char bban[32], account[11];
	struct tandem_id_result r;

	digits(g, account, 10);
	(void)snprintf(bban, sizeof bban, "DE00%s%s", de_banks[demo_below(g, N_OF(de_banks))],
		       account);
	return tandem_id_compute(TANDEM_ID_IBAN, bban, strlen(bban), out, 35, &r);
}

/* A name a SEPA file can carry: the EPC basic set, '&', Latin letters. */
static bool name_fits(const char *s, size_t len)
{
	if (len == 0 || len > NAME_BYTES_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			if (c < 0xC3 || c > 0xC5 || i + 1 >= len)
				return false;
			i++;
		} else if (!(c == ' ' || c == '&' || c == '\'' || c == '-' || c == '.' ||
			     c == ',' || c == '(' || c == ')' || c == '/' ||
			     (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
			     (c >= 'a' && c <= 'z'))) {
			return false;
		}
	}
	return true;
}

struct candidate {
	char siret[15];
	char name[NAME_BYTES_MAX + 1];
};

static int by_siret(const void *a, const void *b)
{
	return strcmp(((const struct candidate *)a)->siret, ((const struct candidate *)b)->siret);
}

/* One line "supplier SIRET <id, maybe over several fields> NAME". */
static bool parse_party(char *line, struct candidate *c)
{
	char *f2, *last, *end = line + strlen(line);
	struct tandem_id_result r;

	while (end > line && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	if (strncmp(line, "supplier\tSIRET\t", 15) != 0)
		return false;
	f2 = line + 15;
	last = strrchr(f2, '\t');
	if (last == NULL)
		return false;
	*last++ = '\0';
	while (*last == ' ')
		last++;
	if (!name_fits(last, strlen(last)) ||
	    tandem_id_check(TANDEM_ID_SIRET, f2, strlen(f2), &r) != 0)
		return false;
	(void)snprintf(c->siret, sizeof c->siret, "%.14s", r.normalized);
	(void)snprintf(c->name, sizeof c->name, "%s", last);
	return true;
}

static int read_parties(struct demo *w, const char *path, struct candidate **out, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[PARTIES_LINE_MAX];
	struct candidate *c;
	size_t k = 0, bytes = 0;

	if (f == NULL) {
		(void)tandem_diag_add(w->d, TANDEM_SEV_ERROR, TANDEM_EIO, "TANDEM-DEMO-INPUT", path,
				      0, "cannot read the parties file %s", path);
		return TANDEM_EIO;
	}
	c = calloc(CANDIDATES_MAX, sizeof *c);
	if (c == NULL) {
		fclose(f);
		return TANDEM_ENOMEM;
	}
	while (k < CANDIDATES_MAX && fgets(line, sizeof line, f) != NULL &&
	       (bytes += strlen(line)) <= TANDEM_DEMO_PARTIES_MAX)
		if (parse_party(line, &c[k]))
			k++;
	fclose(f);
	qsort(c, k, sizeof *c, by_siret);
	*n = 0;
	for (size_t i = 0; i < k; i++)
		if (*n == 0 || strncmp(c[*n - 1].siret, c[i].siret, 9) != 0) /* one per SIREN */
			c[(*n)++] = c[i];
	*out = c;
	return 0;
}

static int french_suppliers(struct demo *w, const char *parties)
{
	struct demo_admin *a = &w->admin[DEMO_FR];
	struct candidate *c = NULL;
	size_t n = 0;
	int rc = read_parties(w, parties, &c, &n);

	if (rc == 0 && n < 20) {
		(void)tandem_diag_add(w->d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, "TANDEM-DEMO-INPUT",
				      parties, 0, "%s has %zu usable suppliers (valid SIRET, a "
				      "name a payment can carry); the demo needs 20", parties, n);
		rc = TANDEM_EBADINPUT;
	}
	/* The first DEMO_SUPPLIERS_FR of a shuffle by the seed. */
	for (size_t i = 0; rc == 0 && i < n && i < DEMO_SUPPLIERS_FR; i++) {
		size_t j = i + demo_below(&w->rng, (uint32_t)(n - i));
		struct candidate t = c[i];
		struct demo_supplier *s = &a->sup[a->n_sup];
		const struct town *town = &fr_towns[demo_below(&w->rng, N_OF(fr_towns))];
		struct tandem_id_result r;

		c[i] = c[j];
		c[j] = t;
		(void)snprintf(s->name, sizeof s->name, "%s", c[i].name);
		(void)snprintf(s->siret, sizeof s->siret, "%s", c[i].siret);
		rc = tandem_id_compute(TANDEM_ID_VAT_FR, s->siret, 9, s->vat, sizeof s->vat, &r);
		if (rc == 0)
			rc = demo_iban_fr(&w->rng, s->iban);
		(void)snprintf(s->street, sizeof s->street, "%u %s", 1 + demo_below(&w->rng, 120),
			       fr_streets[demo_below(&w->rng, N_OF(fr_streets))]);
		(void)snprintf(s->postcode, sizeof s->postcode, "%s", town->postcode);
		(void)snprintf(s->town, sizeof s->town, "%s", town->name);
		(void)snprintf(s->email, sizeof s->email, "facturation.%s@example.fr", s->siret);
		(void)snprintf(s->phone, sizeof s->phone, "+33 1 %02u %02u %02u %02u",
			       demo_below(&w->rng, 100), demo_below(&w->rng, 100),
			       demo_below(&w->rng, 100), demo_below(&w->rng, 100));
		a->n_sup++;
	}
	free(c);
	return rc;
}

static int german_suppliers(struct demo *w)
{
	struct demo_admin *a = &w->admin[DEMO_DE];
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < DEMO_SUPPLIERS_DE; i++) {
		struct demo_supplier *s = &a->sup[a->n_sup];
		const struct town *town = &de_towns[demo_below(&w->rng, N_OF(de_towns))];
		struct tandem_id_result r;
		char vat[12];

		/* Family x trade is unique for the first 70; i picks the pair. */
		(void)snprintf(s->name, sizeof s->name, "%s %s %s", de_family[i % N_OF(de_family)],
			       de_trade[(i / N_OF(de_family)) % N_OF(de_trade)],
			       de_form[demo_below(&w->rng, N_OF(de_form))]);
		vat[0] = (char)('1' + demo_below(&w->rng, 9));
		digits(&w->rng, vat + 1, 7);
		rc = tandem_id_compute(TANDEM_ID_VAT_DE, vat, 8, s->vat, sizeof s->vat, &r);
		if (rc == 0)
			rc = iban_de(&w->rng, s->iban);
		(void)snprintf(s->street, sizeof s->street, "%s %u",
			       de_streets[demo_below(&w->rng, N_OF(de_streets))],
			       1 + demo_below(&w->rng, 90));
		(void)snprintf(s->postcode, sizeof s->postcode, "%s", town->postcode);
		(void)snprintf(s->town, sizeof s->town, "%s", town->name);
		(void)snprintf(s->email, sizeof s->email, "rechnung.%s@example.de", s->vat);
		(void)snprintf(s->phone, sizeof s->phone, "+49 30 %07u",
			       demo_below(&w->rng, 10000000));
		a->n_sup++;
	}
	return rc;
}

int demo_world(struct demo *w, const char *parties)
{
	static const struct demo_line fr[] = {
		{ "GFP/156/01", "Fiscalité des grandes entreprises", fr_obj_01, 0 },
		{ "GFP/156/02", "Fiscalité des PME", fr_obj_02, 0 },
		{ "GFP/156/03", "Gestion financière de l'État hors fiscalité", fr_obj_03, 0 },
		{ "GFP/156/09", "Soutien", fr_obj_09, 0 },
	};
	static const struct demo_line de[] = {
		{ "06/0601/52601", "Gutachten und Untersuchungen", de_obj_1, 0 },
		{ "06/0601/53201", "Veröffentlichungen", de_obj_2, 0 },
		{ "06/0602/51101", "Geschäftsbedarf und Kommunikation", de_obj_3, 0 },
		{ "06/0602/81201", "Erwerb von Geräten der Informationstechnik", de_obj_4, 0 },
	};
	struct demo_admin *f = &w->admin[DEMO_FR], *g = &w->admin[DEMO_DE];

	*f = (struct demo_admin){ TANDEM_DEMO_FR, "Direction générale des finances publiques",
				  "olga", "odile", { "carl", "cora" }, "olga", 20,
				  { { 0 } }, 0, NULL, 0, NULL, 0, 0 };
	*g = (struct demo_admin){ TANDEM_DEMO_DE, "Bundesministerium des Innern und für Heimat",
				  "otto", "otto", { "klaus", "klaus" }, "otto", 19,
				  { { 0 } }, 0, NULL, 0, NULL, 0, 0 };
	memcpy(f->lines, fr, sizeof fr);
	f->n_lines = N_OF(fr);
	memcpy(g->lines, de, sizeof de);
	g->n_lines = N_OF(de);
	f->sup = calloc(DEMO_SUPPLIERS_FR, sizeof *f->sup);
	g->sup = calloc(DEMO_SUPPLIERS_DE, sizeof *g->sup);
	if (f->sup == NULL || g->sup == NULL)
		return TANDEM_ENOMEM;
	int rc = french_suppliers(w, parties);

	return rc == 0 ? german_suppliers(w) : rc;
}

void demo_world_release(struct demo *w)
{
	for (size_t i = 0; i < DEMO_ADMINS; i++) {
		free(w->admin[i].sup);
		free(w->admin[i].orders);
	}
}
