/*
 * bench/bench_ident.c - throughput of the identifier checks, on the real
 * SIRET numbers of ../shared/data/procurement/parties.tsv and on a fixed set
 * of IBANs, VAT numbers and Leitweg-IDs; also the valid/invalid figures of
 * the real SIRETs (rows whose scheme column says SIRET).
 */
#include <string.h>

#include "bench.h"
#include "tandem/ident.h"

#define ROWS_MAX 20000
#define ROUNDS_MIN_S 0.5

static char ids[ROWS_MAX][64];
static size_t n_ids;

static void load_sirets(void)
{
	char path[4096], line[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/procurement/parties.tsv", bench_shared_data());
	f = fopen(path, "r");
	if (f == NULL) {
		printf("%s is missing: the real-SIRET figures are skipped\n", path);
		return;
	}
	/* Columns: role, id_scheme, id, name. Empty fields are kept. */
	while (fgets(line, sizeof line, f) && n_ids < ROWS_MAX) {
		char *scheme = strchr(line, '\t'), *id, *end;
		if (scheme == NULL || (id = strchr(++scheme, '\t')) == NULL)
			continue;
		*id++ = '\0';
		end = id + strcspn(id, "\t\n");
		*end = '\0';
		if (strcmp(scheme, "SIRET") == 0)
			snprintf(ids[n_ids++], sizeof ids[0], "%s", id);
	}
	fclose(f);
}

/* Runs check over the values until ROUNDS_MIN_S has passed. */
static void time_checks(const char *name, enum tandem_id_type type,
			char (*values)[64], size_t n)
{
	struct tandem_id_result r;
	double t0 = bench_now_s(), t;
	double ops = 0;
	long valid = 0;

	do {
		for (size_t i = 0; i < n; i++)
			valid += tandem_id_check(type, values[i], strlen(values[i]), &r) == 0;
		ops += (double)n;
		t = bench_now_s() - t0;
	} while (t < ROUNDS_MIN_S);
	bench_sink = valid;
	bench_report(name, ops, t);
}

int main(void)
{
	static char mixed[][64] = {
		"FR7630006000011234567890189", "DE89370400440532013000",
		"FR40303265045", "DE136695976", "04011000-1234512345-06",
		"991-03730-19", "DEUTDEFFXXX", "BNPAFRPP", "732829320",
		"GB29NWBK60161331926819",
	};
	static char ibans[][64] = {
		"FR7630006000011234567890189", "DE89370400440532013000",
		"FR1420041010050500013M02606", "BE68539007547034",
		"NL91ABNA0417164300", "IT60X0542811101000000123456",
	};

	load_sirets();
	if (n_ids) {
		struct tandem_id_result r;
		size_t valid = 0;
		for (size_t i = 0; i < n_ids; i++)
			valid += tandem_id_check(TANDEM_ID_SIRET, ids[i], strlen(ids[i]), &r) == 0;
		printf("parties.tsv rows with scheme SIRET: %zu, valid %zu (%.2f%%), invalid %zu\n",
		       n_ids, valid, 100.0 * (double)valid / (double)n_ids, n_ids - valid);
		time_checks("check siret (real parties.tsv values)", TANDEM_ID_SIRET, ids, n_ids);
		time_checks("check auto-detect (real parties.tsv values)", TANDEM_ID_UNKNOWN, ids, n_ids);
	}
	time_checks("check iban (FR, DE, BE, NL, IT)", TANDEM_ID_IBAN, ibans,
		    sizeof ibans / sizeof ibans[0]);
	time_checks("check auto-detect (mixed kinds)", TANDEM_ID_UNKNOWN, mixed,
		    sizeof mixed / sizeof mixed[0]);
	return 0;
}
